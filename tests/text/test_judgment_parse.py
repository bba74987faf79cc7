"""The rule-based judgment parser (jiandu.text.judgment): hand-written documents for each
rule, real documents from ../shared/data, and properties that hold for any text."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.fields.case_no import normalize
from jiandu.text.judgment import Agent, Judgment, Party, Statute, parse_judgment
from jiandu.text.numerals import cn_int

CIVIL_FIRST = """浙江省绍兴市越城区人民法院
民 事 判 决 书
（2019）浙0602民初1234号
原告：张三，男，1980年1月2日出生，汉族，住浙江省绍兴市越城区解放路1号，公民身份号码330602198001020\
011。
委托诉讼代理人：李四，浙江越光律师事务所律师。
委托诉讼代理人：王五，系原告之妻。
被告：绍兴某某贸易有限公司，住所地浙江省绍兴市越城区人民中路100号，统一社会信用代码91330602MA2BCDE\
F1X。
法定代表人：赵六，该公司总经理。
委托代理人：钱七，绍兴市越城区城南法律服务所法律工作者。
被告：孙某某，女，1975年12月30日出生，汉族，住浙江省绍兴市柯桥区。
原告张三与被告绍兴某某贸易有限公司、孙某某民间借贷纠纷一案，本院于2019年3月5日立案后，依法适用简易\
程序，公开开庭进行了审理。原告张三及其委托诉讼代理人李四、被告绍兴某某贸易有限公司的委托代理人钱七\
到庭参加\
诉讼，被告孙某某经本院传票传唤无正当理由拒不到庭。本案现已审理终结。
张三向本院提出诉讼请求：1.判令被告绍兴某某贸易有限公司归还借款本金人民币50,000元及利息（以50000元\
为基数，\
按年利率6%自2018年1月1日起计算至实际清偿之日止）；2.判令被告孙某某对上述债务承担连带清偿责任；3.本\
案诉讼费由\
被告承担。事实和理由：2017年12月1日，被告绍兴某某贸易有限公司因经营需要向原告借款5万元，被告孙某某\
提供担保，\
到期后经原告催讨未还。
被告绍兴某某贸易有限公司辩称，借款属实，但已归还1万元。
本院经审理认定事实如下：2017年12月1日，被告向原告借款50000元。
本院认为，合法的借贷关系受法律保护。依照《中华人民共和国合同法》第二百零六条、第二百零七条，《最高\
人民法院关于\
审理民间借贷案件适用法律若干问题的规定》第二十九条，《中华人民共和国民事诉讼法》第一百四十四条之规\
定，判决如下：
一、被告绍兴某某贸易有限公司于本判决生效之日起十日内归还原告张三借款本金40000元，并支付利息（以400\
00元为基数，\
按年利率6%自2018年1月1日起计算至实际清偿之日止）；
二、驳回原告张三的其他诉讼请求。
案件受理费1050元，减半收取525元，由被告绍兴某某贸易有限公司负担。
如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状，上诉于浙江省绍兴市中级人民法院。
审  判  员    张  三  丰
二〇一九年六月二十八日
书  记  员    李  小  龙
"""

# Second instance, all on one line (some sources strip every line break).
CIVIL_SECOND = (
    "浙江省绍兴市中级人民法院民事判决书（2020）浙06民终567号上诉人（原审被告）：绍兴某某贸易有限"
    "公司，"
    "住所地浙江省绍兴市越城区人民中路100号。法定代表人：赵六，该公司总经理。委托诉讼代理人：钱七，"
    "浙江越光律师事务所律师。被上诉人（原审原告）：张三，男，1980年1月2日出生，汉族，住浙江省绍兴"
    "市越城区。"
    "原审被告：孙某某，女，1975年12月30日出生，汉族，住浙江省绍兴市柯桥区。上诉人绍兴某某贸易有限"
    "公司因与"
    "被上诉人张三、原审被告孙某某民间借贷纠纷一案，不服浙江省绍兴市越城区人民法院（2019）浙0602民"
    "初1234号"
    "民事判决，向本院提起上诉。本院于2020年2月10日立案后，依法组成合议庭进行了审理。本案现已审理"
    "终结。"
    "绍兴某某贸易有限公司上诉请求：撤销原判，改判驳回张三的全部诉讼请求。事实和理由：借款已经归还。"
    "张三辩称，原判正确，请求维持。本院认为，上诉人的上诉理由不能成立。依照《中华人民共和国民事诉"
    "讼法》"
    "第一百七十条第一款第一项规定，判决如下：驳回上诉，维持原判。二审案件受理费800元，由上诉人绍"
    "兴某某"
    "贸易有限公司负担。本判决为终审判决。审判长 王大明 审判员 李小红 代理审判员 赵  刚 "
    "二〇二〇年四月十五日 法官助理 周周 书记员 吴某"
)

MEDIATION = """上海市金山区人民法院
民事调解书
（2018）沪0116民初5678号
原告：王某，男，1970年3月4日生，汉族，住上海市金山区。
被告：上海某某建材有限公司，住所地上海市金山区某路88号。
法定代表人：陈某，执行董事。
原告王某与被告上海某某建材有限公司买卖合同纠纷一案，本院于2018年7月1日受理后，依法适用简易程序进行\
了审理。
本案在审理过程中，经本院主持调解，双方当事人自愿达成如下协议：
一、被告上海某某建材有限公司于2018年9月30日前支付原告王某货款人民币1.2万元；
二、案件受理费减半收取计50元，由被告负担。
上述协议，符合有关法律规定，本院予以确认。
本调解书经双方当事人签收后，即具有法律效力。
审判员　刘某某
二○一八年八月二十日
书记员　张某
"""

# An old-style case number, masked names (x1, 曹0, 张3), one line, a withdrawal.
WITHDRAWAL = (
    "（2014）绍越民初字第123号 原告：x1，女，1985年5月6日出生，汉族，住绍兴市。 被告：曹0，男，"
    "1982年7月8日出生，汉族，住绍兴市。 原告x1与被告曹0民间借贷纠纷一案，本院于2014年1月15日受理"
    "。原告x1"
    "于2014年2月20日向本院提出撤诉申请。本院认为，原告撤诉申请符合法律规定。依照《中华人民共和国"
    "民事诉讼法》"
    "第一百四十五条第一款之规定，裁定如下： 准许原告x1撤回起诉。 案件受理费50元，减半收取25元，由"
    "原告x1负担。"
    " 审判员 张3 二零一四年二月二十一日 书记员 李某某"
)

EXECUTION = """江苏省南京市鼓楼区人民法院
执行裁定书
（2021）苏0106执1234号
申请执行人：南京某某小额贷款有限公司，住所地南京市鼓楼区中山北路1号。
法定代表人：黄某某，董事长。
被执行人：周某，男，1979年9月9日出生，汉族，住南京市玄武区。
本院在执行申请执行人南京某某小额贷款有限公司与被执行人周某借款合同纠纷一案中，经查，被执行人暂无可\
供执行\
的财产。依照《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第五百一十九条之规定，裁定如\
下：
终结本次执行程序。
本裁定送达后立即生效。
审判长　周某某
审判员　吴某
人民陪审员　郑某
二〇二一年十月八日
书记员　王某某
"""

CRIMINAL = (
    "上海市金山区人民法院 刑事判决书 （2017）沪0116刑初684号 公诉机关上海市金山区人民检察院。 "
    "被告人张某某，男，1980年1月2日出生，汉族，住上海市金山区。因涉嫌犯盗窃罪于2017年3月1日被刑事"
    "拘留，"
    "同年4月1日被逮捕。 辩护人李四，上海某某律师事务所律师。 被告人王3，女，1990年11月20日出生，"
    "回族，"
    "住上海市松江区。 指定辩护人赵六，上海市金山区法律援助中心指派的上海甲乙律师事务所律师。 "
    "上海市金山区人民检察院以沪金检刑诉［2017］600号起诉书指控被告人张某某、王3犯盗窃罪，"
    "于2017年6月1日向本院提起公诉。本院于同日立案，依法组成合议庭，公开开庭审理了本案。现已审理终"
    "结。 "
    "公诉机关指控：2017年2月，被告人张某某、王3窃得被害人财物价值人民币1.2万元。 上述事实，被告人"
    "在开庭审理"
    "过程中亦无异议。 本院认为，被告人张某某、王3以非法占有为目的，秘密窃取他人财物，数额较大，其"
    "行为均已构成"
    "盗窃罪。依照《中华人民共和国刑法》第二百六十四条、第二十五条第一款、第六十七条第三款、第五十"
    "二条之规定，"
    "判决如下： 一、被告人张某某犯盗窃罪，判处有期徒刑一年，并处罚金人民币五千元。 二、被告人王3"
    "犯盗窃罪，"
    "判处拘役六个月，并处罚金人民币三千元。 如不服本判决，可在接到判决书的第二日起十日内，通过本"
    "院或者直接向"
    "上海市第一中级人民法院提出上诉。 审判长 王五 人民陪审员 陈  七 人民陪审员 周八 二〇一七年六"
    "月二十八日 "
    "书记员 钱九 附：相关法律条文 《中华人民共和国刑法》 第二百六十四条 盗窃公私财物……"
)


def test_civil_first_instance_header_and_foot() -> None:
    judgment = parse_judgment(CIVIL_FIRST)
    assert judgment.court == "浙江省绍兴市越城区人民法院"
    assert judgment.case_no == "（2019）浙0602民初1234号"
    assert judgment.doc_type == "判决书"
    assert judgment.case_kind == "民事"
    assert judgment.cause == "民间借贷纠纷"
    assert judgment.judges == (("审判员", "张三丰"),)
    assert judgment.clerks == ("李小龙",)
    assert judgment.filing_date == date(2019, 3, 5)
    assert judgment.judgment_date == date(2019, 6, 28)
    assert judgment.prosecutor is None


def test_civil_first_instance_parties_and_agents() -> None:
    plaintiff, company, guarantor = parse_judgment(CIVIL_FIRST).parties
    assert plaintiff == Party(
        role="原告",
        role_text="原告",
        name="张三",
        party_type="person",
        sex="男",
        birth_date=date(1980, 1, 2),
        ethnicity="汉族",
        id_card="330602198001020011",
        uscc=None,
        address="浙江省绍兴市越城区解放路1号",
        legal_rep=None,
        agents=(
            Agent("李四", "委托诉讼代理人", "律师", "浙江越光律师事务所"),
            Agent("王五", "委托诉讼代理人", "公民", None),
        ),
    )
    assert (company.role, company.name, company.party_type) == (
        "被告",
        "绍兴某某贸易有限公司",
        "org",
    )
    assert company.uscc == "91330602MA2BCDEF1X"
    assert company.legal_rep == "赵六"
    assert company.address == "浙江省绍兴市越城区人民中路100号"
    assert company.sex is None and company.birth_date is None
    assert company.agents == (
        Agent("钱七", "委托代理人", "法律工作者", "绍兴市越城区城南法律服务所"),
    )
    assert (guarantor.name, guarantor.sex, guarantor.birth_date) == (
        "孙某某",
        "女",
        date(1975, 12, 30),
    )
    assert guarantor.agents == ()


def test_civil_first_instance_claims_amounts_outcome_statutes() -> None:
    judgment = parse_judgment(CIVIL_FIRST)
    assert judgment.amount_claimed == Decimal("50000.00")  # interest and costs are not principal
    assert judgment.amount_awarded == Decimal("40000.00")
    assert judgment.outcome == "部分支持"
    assert judgment.statutes == (
        Statute("中华人民共和国合同法", 206),
        Statute("中华人民共和国合同法", 207),
        Statute("最高人民法院关于审理民间借贷案件适用法律若干问题的规定", 29),
        Statute("中华人民共和国民事诉讼法", 144),
    )
    assert judgment.claims_text is not None
    assert judgment.claims_text.startswith("张三向本院提出诉讼请求")
    assert "事实和理由" in judgment.claims_text
    assert "辩称" not in judgment.claims_text


def test_civil_second_instance_on_one_line() -> None:
    judgment = parse_judgment(CIVIL_SECOND)
    assert judgment.court == "浙江省绍兴市中级人民法院"
    assert judgment.case_no == "（2020）浙06民终567号"
    assert judgment.prior_case_nos == ("（2019）浙0602民初1234号",)
    assert [(p.role, p.role_text, p.name) for p in judgment.parties] == [
        ("上诉人", "上诉人（原审被告）", "绍兴某某贸易有限公司"),
        ("被上诉人", "被上诉人（原审原告）", "张三"),
        ("被告", "原审被告", "孙某某"),
    ]
    assert judgment.parties[0].agents == (
        Agent("钱七", "委托诉讼代理人", "律师", "浙江越光律师事务所"),
    )
    assert judgment.cause == "民间借贷纠纷"
    assert judgment.outcome == "维持"
    assert judgment.filing_date == date(2020, 2, 10)
    assert judgment.judgment_date == date(2020, 4, 15)
    # 法官助理 is not a clerk; spaced names are joined.
    assert judgment.judges == (("审判长", "王大明"), ("审判员", "李小红"), ("代理审判员", "赵刚"))
    assert judgment.clerks == ("吴某",)
    assert judgment.statutes == (Statute("中华人民共和国民事诉讼法", 170),)


def test_mediation() -> None:
    judgment = parse_judgment(MEDIATION)
    assert (judgment.doc_type, judgment.case_kind, judgment.outcome) == ("调解书", "民事", "调解")
    assert judgment.cause == "买卖合同纠纷"
    assert judgment.amount_awarded == Decimal("12000.00")  # 1.2万元; the court fee is not
    assert judgment.judgment_date == date(2018, 8, 20)  # written with ○
    assert judgment.filing_date == date(2018, 7, 1)
    assert judgment.parties[1].legal_rep == "陈某"
    assert judgment.parties[0].birth_date == date(1970, 3, 4)  # "…生", not "…出生"


def test_withdrawal_old_case_number_masked_names() -> None:
    judgment = parse_judgment(WITHDRAWAL)
    assert judgment.case_no == "（2014）绍越民初字第123号"
    assert judgment.case_kind == "民事"  # from the case number: there is no title
    assert judgment.doc_type is None and judgment.court is None
    assert [p.name for p in judgment.parties] == ["x1", "曹0"]
    assert judgment.outcome == "撤诉"
    assert judgment.judges == (("审判员", "张3"),)
    assert judgment.clerks == ("李某某",)
    assert judgment.judgment_date == date(2014, 2, 21)  # 二零一四
    assert judgment.filing_date == date(2014, 1, 15)


def test_execution_ruling() -> None:
    judgment = parse_judgment(EXECUTION)
    assert (judgment.doc_type, judgment.case_kind) == ("裁定书", "执行")
    assert [(p.role, p.party_type) for p in judgment.parties] == [
        ("申请执行人", "org"),
        ("被执行人", "person"),
    ]
    assert judgment.outcome == "其他"
    assert judgment.judges == (("审判长", "周某某"), ("审判员", "吴某"), ("人民陪审员", "郑某"))
    assert judgment.statutes == (
        Statute("最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释", 519),
    )


def test_criminal_judgment() -> None:
    judgment = parse_judgment(CRIMINAL)
    assert judgment.court == "上海市金山区人民法院"
    assert judgment.case_no == "（2017）沪0116刑初684号"
    assert (judgment.doc_type, judgment.case_kind) == ("判决书", "刑事")
    assert judgment.prosecutor == "上海市金山区人民检察院"
    first, second = judgment.parties
    assert (first.role, first.name, first.sex, first.birth_date, first.ethnicity) == (
        "被告人",
        "张某某",
        "男",
        date(1980, 1, 2),
        "汉族",
    )
    assert first.agents == (Agent("李四", "辩护人", "律师", "上海某某律师事务所"),)
    assert (second.name, second.ethnicity) == ("王3", "回族")
    assert second.agents == (Agent("赵六", "指定辩护人", "律师", "上海甲乙律师事务所"),)
    assert judgment.cause == "盗窃罪"
    assert judgment.outcome == "有罪"
    assert judgment.filing_date == date(2017, 6, 1)  # 于…向本院提起公诉。本院于同日立案
    assert judgment.judgment_date == date(2017, 6, 28)
    assert judgment.judges == (("审判长", "王五"), ("人民陪审员", "陈七"), ("人民陪审员", "周八"))
    assert judgment.clerks == ("钱九",)
    # One statute per article; the appended statute texts are not citations.
    assert [s.article for s in judgment.statutes] == [264, 25, 67, 52]
    assert judgment.claims_text is not None and judgment.claims_text.startswith("公诉机关指控")
    assert judgment.amount_claimed is None and judgment.amount_awarded is None


@pytest.mark.parametrize(
    ("main", "outcome"),
    [
        ("判决如下：驳回原告张三的全部诉讼请求。", "驳回"),
        ("判决如下：一、被告李四于本判决生效之日起十日内偿还原告张三借款5万元。", "支持"),
        (
            "判决如下：一、被告李四偿还原告张三借款3万元；二、驳回原告张三的其他诉讼请求。",
            "部分支持",
        ),
        ("裁定如下：准许原告张三撤回起诉。", "撤诉"),
        (
            "裁定如下：一、撤销某某区人民法院（2019）浙0602民初1号民事判决；二、本案发回某某区人"
            "民法院重审。",
            "发回重审",
        ),
        (
            "判决如下：一、撤销某某区人民法院（2019）浙0602民初1号民事判决；二、驳回张三的诉讼请"
            "求。本判决为终审判决。",
            "改判",
        ),
        ("判决如下：驳回上诉，维持原判。本判决为终审判决。", "维持"),
    ],
)
def test_outcome_rules(main: str, outcome: str) -> None:
    text = (
        "某某市中级人民法院 民事判决书 （2020）浙06民终1号 上诉人（原审原告）：张三。 本院认为，…… "
        + main
    )
    assert parse_judgment(text).outcome == outcome


def test_statute_lists_and_numbering() -> None:
    text = (
        "本院认为……依照《中华人民共和国刑法》第三百四十七条第一、四款，第三百五十六条，第六十七条"
        "第三款，"
        "第六十四条，《中华人民共和国民法典》第一千零八十条、第679条之规定，判决如下："
    )
    assert parse_judgment(text).statutes == (
        Statute("中华人民共和国刑法", 347),
        Statute("中华人民共和国刑法", 356),
        Statute("中华人民共和国刑法", 67),
        Statute("中华人民共和国刑法", 64),
        Statute("中华人民共和国民法典", 1080),
        Statute("中华人民共和国民法典", 679),
    )
    # A quoted contract is not a law; a law cited without an article keeps article None.
    other = parse_judgment(
        "原告提交《借款协议书》一份。依照《中华人民共和国民事诉讼法》的规定，判决如下："
    )
    assert other.statutes == (Statute("中华人民共和国民事诉讼法", None),)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("二〇一七", 2017),
        ("二○一七", 2017),
        ("二零一七", 2017),
        ("二十八", 28),
        ("十", 10),
        ("二百六十四", 264),
        ("一千零八十", 1080),
        ("肆万贰仟零佰零拾零", 42000),
        ("三万", 30000),
        ("一亿二千万", 120_000_000),
    ],
)
def test_chinese_numerals(text: str, value: int) -> None:
    assert cn_int(text) == value


@pytest.mark.parametrize(
    ("claim", "amount"),
    [
        ("诉讼请求：判令被告偿还借款1.2万元。", Decimal("12000.00")),
        ("诉讼请求：判令被告偿还借款人民币50,000元及利息2000元。", Decimal("50000.00")),
        ("诉讼请求：1、判令被告偿还借款伍万元；2、判令被告偿还借款3万元。", Decimal("80000.00")),
        ("诉讼请求：判令被告偿还借款肆万元（40000元）。", Decimal("40000.00")),
        ("诉讼请求：判令被告承担本案诉讼费。", None),
    ],
)
def test_claimed_amounts(claim: str, amount: Decimal | None) -> None:
    text = (
        f"原告：张三，男。被告：李四，男。原告张三向本院提出{claim}"
        "事实和理由：借款未还。被告李四辩称，不同意。"
    )
    assert parse_judgment(text).amount_claimed == amount


def test_agent_forms() -> None:
    text = (
        "原告：李某1，女，1987年5月16日出生，汉族。原告：刘某1，男。二原告委托代理人：石伟，重庆"
        "渝荣律师事务所律师。"
        "被告：董某1，男，1978年4月4日生，汉族，住大安市委托诉讼代理人：董志臣（董某1父亲），现住"
        "大安市。"
        "原告李某1、刘某1向本院提出诉讼请求：判令被告偿还借款1万元。"
    )
    first, second, defendant = parse_judgment(text).parties
    joint = Agent("石伟", "委托代理人", "律师", "重庆渝荣律师事务所")
    assert first.agents == (joint,) and second.agents == (joint,)
    assert defendant.birth_date == date(1978, 4, 4)
    assert defendant.agents == (Agent("董志臣", "委托诉讼代理人", "公民", None),)


def test_narrative_is_not_a_party() -> None:
    text = (
        "原告李某1。委托代理人蒋水光，湘阴县南湖法律服务所法律工作者。被告夏某1。\n\n"
        "原告李某1诉称，被告借款70000元未还。"
    )
    judgment = parse_judgment(text)
    assert [(p.role, p.name) for p in judgment.parties] == [("原告", "李某1"), ("被告", "夏某1")]
    assert judgment.parties[0].agents == (
        Agent("蒋水光", "委托代理人", "法律工作者", "湘阴县南湖法律服务所"),
    )


def test_empty_and_unrelated_text_yield_nothing() -> None:
    for text in ("", "   ", "今天天气很好。"):
        judgment = parse_judgment(text)
        assert judgment == Judgment(
            court=None,
            case_no=None,
            prior_case_nos=(),
            doc_type=None,
            case_kind=None,
            cause=None,
            parties=(),
            prosecutor=None,
            judges=(),
            clerks=(),
            filing_date=None,
            judgment_date=None,
            amount_claimed=None,
            amount_awarded=None,
            outcome=None,
            statutes=(),
            claims_text=None,
        )


def test_long_adversarial_text_stays_fast() -> None:
    texts = [
        CRIMINAL * 100,
        "被告人，" * 20_000,
        "审判员张三 二〇一九年一月一日 " * 5_000,
        "（2019）" * 10_000,
        "原告：" + "张" * 50_000,
    ]
    start = time.perf_counter()
    for text in texts:
        parse_judgment(text)
    assert time.perf_counter() - start < 10


# --- properties -------------------------------------------------------------------------

_PIECES = st.sampled_from(
    [
        *("原告", "被告", "被告人", "上诉人（原审被告）", "委托诉讼代理人", "辩护人"),
        *("：", "，", "。", " ", "\n", "张三", "某某有限公司", "律师事务所律师"),
        *("（2019）浙0602民初", "123号", "（2014）绍越民初字第", "审判员", "书记员"),
        *("二〇一九年", "六月", "二十八日", "2019年3月5日", "本院于", "立案", "判决如下"),
        *("驳回", "诉讼请求", "元", "1.2万", "《中华人民共和国刑法》", "第二百", "条"),
        *("犯", "罪", "纠纷一案", "人民法院", "民事判决书", "男", "出生", "汉族", "住"),
        *("法定代表人", "统一社会信用代码"),
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=60).map("".join))
def test_never_raises_and_case_numbers_are_normalised(text: str) -> None:
    judgment = parse_judgment(text)
    for number in (judgment.case_no, *judgment.prior_case_nos):
        if number is not None:
            assert normalize(number) == number
    assert judgment.case_no not in judgment.prior_case_nos
    for party in judgment.parties:
        assert party.name
        assert party.party_type in ("person", "org")
    assert judgment.amount_claimed is None or judgment.amount_claimed > 0


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_never_raises_on_arbitrary_text(text: str) -> None:
    assert isinstance(parse_judgment(text), Judgment)


# --- real documents (../shared/data) -------------------------------------------------------


def _jsonl(path: Path, field: str) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)[field] for line in fh if line.strip()]


def test_judge_criminal_document(shared_data: Path) -> None:
    docs = _jsonl(shared_data / "judge_criminal_fulltext" / "test.json", "fd")
    judgment = parse_judgment(docs[0])
    assert judgment.court == "上海市奉贤区人民法院"
    assert judgment.case_no == "（2017）沪0120刑初684号"
    assert judgment.prosecutor == "上海市奉贤区人民检察院"
    (defendant,) = judgment.parties
    assert (defendant.name, defendant.sex, defendant.birth_date) == ("张3", "女", date(1975, 4, 16))
    assert judgment.judges == (("审判员", "李晓杰"),)
    assert judgment.clerks == ("唐婷",)
    assert judgment.judgment_date == date(2017, 6, 28)
    assert judgment.cause == "诈骗罪"
    assert judgment.outcome == "有罪"
    assert [s.article for s in judgment.statutes] == [266, 23, 67]

    old = parse_judgment(docs[17])  # an old case number, a lawyer, a collegial panel
    assert old.case_no == "（2013）甬宁刑初字第604号"
    assert old.parties[0].agents == (Agent("杨建员", "辩护人", "律师", "浙江知仁律师事务所"),)
    assert old.judges == (("审判长", "章琴琴"), ("人民陪审员", "单小乾"), ("人民陪审员", "魏章潮"))
    assert old.clerks == ("何海红",)
    assert old.filing_date == date(2013, 9, 29)
    assert old.judgment_date == date(2013, 10, 15)


def test_judge_coverage(shared_data: Path) -> None:
    """Every JuDGE document states these fields; the parser must find nearly all."""
    docs = _jsonl(shared_data / "judge_criminal_fulltext" / "test.json", "fd")
    parsed = [parse_judgment(doc) for doc in docs]

    def share(found: list[object]) -> float:
        return sum(1 for value in found if value) / len(parsed)

    assert share([j.court for j in parsed]) >= 0.99
    assert share([j.case_no for j in parsed]) >= 0.98
    assert share([j.parties for j in parsed]) >= 0.99
    assert share([j.judges for j in parsed]) >= 0.99
    assert share([j.clerks for j in parsed]) >= 0.98
    assert share([j.judgment_date for j in parsed]) >= 0.98
    assert share([j.statutes for j in parsed]) >= 0.98
    assert share([j.outcome in ("有罪", "改判", "维持") for j in parsed]) >= 0.98
    lawyers = sum("律师事务所" in doc for doc in docs)
    firms = sum(any(a.firm for p in j.parties for a in p.agents) for j in parsed)
    assert firms >= 0.95 * lawyers


def test_cail_civil_party_sections(shared_data: Path) -> None:
    path = shared_data / "cail2019_scm_private_lending" / "input.txt"
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    judgment = parse_judgment(records[0]["A"])
    assert [(p.role, p.name) for p in judgment.parties] == [("原告", "李某1"), ("被告", "夏某1")]
    assert judgment.parties[0].agents == (
        Agent("蒋水光", "委托代理人", "法律工作者", "湘阴县南湖法律服务所"),
    )
    assert judgment.amount_claimed == Decimal("70000.00")
    texts = [record[key] for record in records for key in "ABC"]
    parsed = [parse_judgment(text) for text in texts]
    assert sum(1 for j in parsed if j.parties) / len(parsed) >= 0.99
    assert sum(1 for j in parsed if j.claims_text) / len(parsed) >= 0.97


def test_lecard_headers(shared_data: Path) -> None:
    queries = _jsonl(shared_data / "lecardv2_queries_fulltext" / "test_query.json", "query")
    judgment = parse_judgment(queries[0])
    assert judgment.court == "金华市婺城区人民法院"
    assert judgment.case_no == "（2020）浙0702刑初662号"
    names = [p.name for p in judgment.parties]
    assert names[:2] == ["羊双彪", "羊文亮"]
    assert judgment.parties[2].agents == (
        Agent("郭涛", "辩护人", "律师", "北京盈科（金华）律师事务所"),
        Agent("周小琴", "辩护人", "律师", "北京盈科（金华）律师事务所"),
    )
    assert judgment.parties[0].agents[0].firm == "浙江民宜律师事务所"  # 法律援助中心指派的…
    parsed = [parse_judgment(q) for q in queries]
    assert sum(1 for j in parsed if j.court and j.case_no) / len(parsed) >= 0.99


def test_judge_statutes_match_the_cited_articles(shared_data: Path) -> None:
    """JuDGE labels every judgment with the Criminal Law articles it applies (`la`)."""
    path = shared_data / "judge_criminal_fulltext" / "test.json"
    with path.open(encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    found = wanted = right = 0
    for record in records:
        statutes = parse_judgment(record["fd"]).statutes
        got = {s.article for s in statutes if s.law == "中华人民共和国刑法"}
        gold = {int(article) for article in record["la"]}
        found, wanted, right = found + len(got), wanted + len(gold), right + len(got & gold)
    assert right / found >= 0.99
    assert right / wanted >= 0.97


def test_civil_operative_parts(shared_data: Path) -> None:
    """Loan judgments (CAIL element extraction, sentence lists) with their operative parts."""
    path = shared_data / "cail2019_element_extraction" / "loan" / "data_small_selected.json"
    with path.open(encoding="utf-8") as fh:
        docs = ["".join(s["sentence"] for s in json.loads(line)) for line in fh if line.strip()]
    guaranteed = parse_judgment(docs[65])  # principal, then guarantees capped 以390万元为限
    assert guaranteed.outcome == "部分支持"
    assert guaranteed.amount_awarded == Decimal("900000.00")
    outcomes = [parse_judgment(doc).outcome for doc in docs]
    assert sum(o in ("支持", "部分支持", "驳回") for o in outcomes) / len(docs) >= 0.7


def test_labelled_person_details() -> None:
    text = (
        "原告：王某，性别：女，民族：满族，出生日期：1990年2月3日，身份证号码：11010119900203002X，"
        "住北京市。被告：赵某，男，银行账号6222021234567890123。原告王某向本院提出诉讼请求：判令"
        "被告还款1万元。"
    )
    plaintiff, defendant = parse_judgment(text).parties
    assert (plaintiff.sex, plaintiff.ethnicity, plaintiff.birth_date, plaintiff.id_card) == (
        "女",
        "满族",
        date(1990, 2, 3),
        "11010119900203002X",
    )
    assert defendant.id_card is None  # an account number is not an ID number


def test_agent_for_all_listed_parties() -> None:
    text = (
        "公诉机关某县人民检察院。附带民事诉讼原告人杨某，女。附带民事诉讼原告人倪某1，男。"
        "上列附带民事诉讼原告人的诉讼代理人肖选聪，云南亮剑律师事务所律师。被告人华国松，男。"
        "辩护人暨诉讼代理人王寿坤，云南在线律师事务所律师。某县人民检察院以某检刑诉（2019）1号起"
        "诉书指控"
    )
    parties = parse_judgment(text).parties
    agent = Agent("肖选聪", "诉讼代理人", "律师", "云南亮剑律师事务所")
    assert [(p.role, p.name, p.agents) for p in parties] == [
        ("原告", "杨某", (agent,)),
        ("原告", "倪某1", (agent,)),
        ("被告人", "华国松", (Agent("王寿坤", "辩护人", "律师", "云南在线律师事务所"),)),
    ]
