"""Entity mentions (jiandu.text.mentions): each kind on hand-written sentences in the
shapes judgments use, the criminal-amount heuristic, and properties for any text."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.text.mentions import Mention, criminal_amount, mentions


def _of(kind: str, text: str) -> list[tuple[str, object]]:
    return [(m.text, m.value) for m in mentions(text) if m.kind == kind]


# ---------------------------------------------------------------- money
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("窃得现金人民币5,000元。", [("人民币5,000元", Decimal("5000.00"))]),
        ("骗取5000余元", [("5000余元", Decimal("5000.00"))]),
        ("借款1.2万元", [("1.2万元", Decimal("12000.00"))]),
        ("收条载明伍仟元整", [("伍仟元整", Decimal("5000.00"))]),
        ("手机一部，价值人民币3680元。", [("人民币3680元", Decimal("3680.00"))]),
        ("罚金人民币三万元", [("人民币三万元", Decimal("30000.00"))]),
        ("获利2万余元", [("2万余元", Decimal("20000.00"))]),
        ("共计1000余万元", [("1000余万元", Decimal("10000000.00"))]),
        ("现金730.5元", [("730.5元", Decimal("730.50"))]),
        ("￥1,234.56元", [("￥1,234.56元", Decimal("1234.56"))]),
        ("肆万贰仟元", [("肆万贰仟元", Decimal("42000.00"))]),
        ("价值人民币1万1千余元", [("人民币1万1千余元", Decimal("11000.00"))]),
        ("出资人民币225万，", [("人民币225万", Decimal("2250000.00"))]),
    ],
)
def test_money_forms(text: str, expected: list[tuple[str, Decimal]]) -> None:
    assert _of("money", text) == expected


@pytest.mark.parametrize(
    "text",
    ["港币50元", "100美元", "统一元素", "第3单元", "2019年", "万元户", "韩币1万元", "225万人"],
)
def test_not_money(text: str) -> None:
    assert _of("money", text) == []


def test_money_lists_each_amount() -> None:
    text = "1650元现金、港币50元、人民币1490元、人民币650元"
    assert [v for _, v in _of("money", text)] == [Decimal(1650), Decimal(1490), Decimal(650)]


# ---------------------------------------------------------------- dates
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019年3月5日", [("2019年3月5日", "2019-03-05")]),
        ("二〇一九年三月五日", [("二〇一九年三月五日", "2019-03-05")]),
        ("二〇一七年六月二十八日", [("二〇一七年六月二十八日", "2017-06-28")]),
        ("2019年3月", [("2019年3月", "2019-03")]),
        ("2018年2月中旬某日", [("2018年2月中旬", "2018-02")]),
        ("2018年5月份", [("2018年5月份", "2018-05")]),
        ("2019年", [("2019年", "2019")]),
        ("2019年2月30日", [("2019年2月30日", None)]),
        ("同年5月", [("同年5月", None)]),
        ("3月5日", [("3月5日", None)]),
    ],
)
def test_date_forms(text: str, expected: list[tuple[str, str | None]]) -> None:
    assert _of("date", text) == expected


def test_relative_dates_take_the_nearest_earlier_full_date() -> None:
    text = (
        "2018年12月30日，被告人窃得手机。次日，又窃得电脑。同年5月3日报案。"
        "次年3月5日，3月7日，同月9日归案。二〇一九年三月五日，当日判决。"
    )
    assert _of("date", text) == [
        ("2018年12月30日", "2018-12-30"),
        ("次日", "2018-12-31"),
        ("同年5月3日", "2018-05-03"),
        ("次年3月5日", "2019-03-05"),
        ("3月7日", "2019-03-07"),
        ("同月9日", "2019-03-09"),
        ("二〇一九年三月五日", "2019-03-05"),
        ("当日", "2019-03-05"),
    ]


def test_not_dates() -> None:
    assert _of("date", "判处有期徒刑一年六月，罚金人民币2000元。第3号，135号楼") == []


# ---------------------------------------------------------------- times
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("当日13时许", ["13时许"]),
        ("凌晨，被告人", ["凌晨"]),
        ("14时30分", ["14时30分"]),
        ("下午17时许", ["下午17时许"]),
        ("晚上十时许", ["晚上十时许"]),
        ("2017年7月2日晚22时许", ["晚22时许"]),
        ("凌晨1点多", ["凌晨1点多"]),
        ("22时10分许", ["22时10分许"]),
    ],
)
def test_time_forms(text: str, expected: list[str]) -> None:
    assert [t for t, _ in _of("time", text)] == expected


@pytest.mark.parametrize("text", ["同时", "当时", "24小时", "一时冲动", "时间", "3时间段"])
def test_not_times(text: str) -> None:
    assert _of("time", text) == []


# ---------------------------------------------------------------- persons
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("被告人张三在某小区窃得手机", [("张三", "被告人")]),
        ("犯罪嫌疑人王小明伙同他人", [("王小明", "犯罪嫌疑人")]),
        ("被害人李某某报警", [("李某某", "被害人")]),
        ("原告张某诉称", [("张某", "原告")]),
        ("被告李某甲辩称", [("李某甲", "被告")]),
        ("证人张3证实", [("张3", "证人")]),
        ("上诉人刘XX不服", [("刘XX", "上诉人")]),
        ("被告人：欧阳某某，男", [("欧阳某某", "被告人")]),
        (
            "返还给了被害人严某某、肖某某。",
            [("严某某", "被害人"), ("肖某某", "被害人")],
        ),
        ("被告人张三、李四窃得", [("张三", "被告人"), ("李四", "被告人")]),
        ("被告人李四窃得财物", [("李四", "被告人")]),
    ],
)
def test_person_after_role(text: str, expected: list[tuple[str, str]]) -> None:
    assert _of("person", text) == expected


def test_masked_name_without_role_keeps_an_earlier_role() -> None:
    text = "被告人黄某某窃得戚某某的电瓶，后黄某某被抓获。"
    assert _of("person", text) == [("黄某某", "被告人"), ("戚某某", None), ("黄某某", "被告人")]


@pytest.mark.parametrize(
    "text",
    ["被告人家属退赔损失", "被告人明知是赃物", "被告人于2019年到案", "位于某某小区", "于某日凌晨"],
)
def test_not_persons(text: str) -> None:
    assert _of("person", text) == []


# ---------------------------------------------------------------- organisations
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("被告人在绍兴某某贸易有限公司工作", ["绍兴某某贸易有限公司"]),
        ("案发后，电瓶被嵊州市公安机关追回。", ["嵊州市公安机关"]),
        ("经湘潭县价格认证和信息检测中心鉴定", ["湘潭县价格认证和信息检测中心"]),
        ("向中国农业银行绍兴分行贷款", ["中国农业银行绍兴分行"]),
        ("上海市金山区人民法院", ["上海市金山区人民法院"]),
        ("被告人被公安机关抓获", ["公安机关"]),
        ("到城南派出所投案", ["城南派出所"]),
        ("送至绍兴市人民医院救治", ["绍兴市人民医院"]),
        ("用扳手打开服装店卷闸门", []),
        ("上述公司", []),
        ("该公司", []),
    ],
)
def test_org(text: str, expected: list[str]) -> None:
    assert [t for t, _ in _of("org", text)] == expected


# ---------------------------------------------------------------- criminal amount
def test_criminal_amount_sums_what_was_taken_once() -> None:
    text = (
        "1、2016年1月2日，被告人刘某将被害人的口袋割破，将装有现金1500元的信封盗走。下车后，"
        "宋某分得赃款750元，胡某分得375元赃款。\n2、2016年1月20日，被告人刘某将口袋内的"
        "现金7000元盗走。事后宋某分得3500元。"
    )
    assert criminal_amount(text) == Decimal(8500)


def test_criminal_amount_prefers_a_stated_and_settled_total() -> None:
    text = (
        "盗走香烟、手表。经价格认证中心认证，香烟价格为1760元，手表认定为50元，吊坠认定为"
        "1115.1元，合计人民币2925.1元，认定取值为2900元。另查明，被告人被判处罚金3000元。"
    )
    assert criminal_amount(text) == Decimal(2900)


def test_criminal_amount_total_stated_before_its_parts() -> None:
    text = (
        "被告人盗窃作案3次，窃得财物共计价值人民币3000元。具体犯罪事实如下：\n"
        "1、窃得电动自行车1辆，价值人民币1000元。\n2、窃得电动自行车1辆，价值人民币2000元。"
    )
    assert criminal_amount(text) == Decimal(3000)


def test_criminal_amount_counts_a_repeated_sum_once() -> None:
    text = "骗取其租房款人民币11050元，并让其将租房款11050元打入其指定的银行卡内。"
    assert criminal_amount(text) == Decimal(11050)


def test_criminal_amount_none_without_money() -> None:
    assert criminal_amount("被告人张三窃得手机一部。") is None
    assert criminal_amount("被告人被判处罚金人民币2000元。") is None


# ---------------------------------------------------------------- properties
_ALPHABET = st.sampled_from(
    list(
        "被告人害张某李X3甲公司银行局所院年月日时分许同次当晚凌晨人民币元万余伍仟0123456789.,，。、："
    )
)


@settings(max_examples=300, deadline=None)
@given(st.text(_ALPHABET, max_size=80) | st.text(max_size=80))
def test_mentions_are_spans_of_the_text(text: str) -> None:
    found = mentions(text)
    for mention in found:
        assert isinstance(mention, Mention)
        assert 0 <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.text
        if mention.kind == "money":
            assert isinstance(mention.value, Decimal)
            assert mention.value >= 0
    assert [m.start for m in found] == sorted(m.start for m in found)
    amount = criminal_amount(text)
    assert amount is None or amount >= 0


@pytest.mark.parametrize(
    "piece", ["被告人张", "某某有限", "2019年3月", "人民币5,0", "银行银行", "晚上1"]
)
def test_long_repetitive_text_stays_fast(piece: str) -> None:
    text = piece * 20_000
    started = time.perf_counter()
    mentions(text)
    criminal_amount(text)
    assert time.perf_counter() - started < 10
