"""Court case numbers: table-driven cases and numbers quoted in real judgments."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jiandu.fields import case_no
from jiandu.fields.base import FieldInvalid

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("（2021）浙0602民初1234号", "（2021）浙0602民初1234号"),
        ("(2021)浙0602民初1234号", "（2021）浙0602民初1234号"),
        ("（２０２１）浙０６０２民初１２３４号", "（2021）浙0602民初1234号"),
        ("〔2021〕浙0602民初1234号", "（2021）浙0602民初1234号"),
        ("[2021]浙0602民初1234号", "（2021）浙0602民初1234号"),
        ("【2021】浙0602民初1234号", "（2021）浙0602民初1234号"),
        (" (2021) 浙0602 民初 1234 号", "（2021）浙0602民初1234号"),
        ("（2021）浙0602民初1234", "（2021）浙0602民初1234号"),
        ("（2021）浙0602民初01234号", "（2021）浙0602民初1234号"),
        ("(2014)绍越民初字第123号", "（2014）绍越民初字第123号"),
        ("（2015）谯刑初字第00225号", "（2015）谯刑初字第225号"),
        ("（2015）汕金法刑重字第6号", "（2015）汕金法刑重字第6号"),  # 重审 (retrial) type
        ("(2014)济民一初字第492号", "（2014）济民一初字第492号"),
        ("（2016）黑0882刑初字33号", "（2016）黑0882刑初字第33号"),
        ("（2019）最高法民终123号", "（2019）最高法民终123号"),
        ("（2020）浙06执恢12号", "（2020）浙06执恢12号"),
        (
            "（2021）浙0602民初1号、(2021)浙0602民初2号",
            "（2021）浙0602民初1号、（2021）浙0602民初2号",
        ),
        (
            "（2021）浙0602执1号，（2021）浙0602执保2号",
            "（2021）浙0602执1号、（2021）浙0602执保2号",
        ),
        ("（2021）浙0602民初1号、", "（2021）浙0602民初1号"),
    ],
)
def test_valid(raw: str, expected: str) -> None:
    assert case_no.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("（2014）123号", "case_no.format"),  # a document number, not a case number
        ("(2017)浙杭钱证内字第6631号", "case_no.format"),  # a notarial number
        ("浙0602民初1234号", "case_no.format"),
        ("（21）浙0602民初1234号", "case_no.format"),
        ("（2021）浙0602民初号", "case_no.format"),
        ("、", "case_no.format"),
        ("（2021）浙0602民初1号、123", "case_no.format"),
        ("（1949）京民初1号", "case_no.year"),
        ("（2999）浙0602民初1号", "case_no.year"),
    ],
)
def test_invalid(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        case_no.normalize(raw)
    assert caught.value.issue.code == code


@pytest.mark.parametrize(
    ("value", "parts"),
    [
        ("（2021）浙0602民初1234号", (2021, "浙0602", "民初", 1234, "330602")),
        ("（2019）黔0102刑初5号", (2019, "黔0102", "刑初", 5, "520102")),
        ("（2019）内0102执恢5号", (2019, "内0102", "执恢", 5, "150102")),
        ("（2020）京73民初1号", (2020, "京73", "民初", 1, None)),  # IP court
        ("（2019）兵0603刑初26号", (2019, "兵0603", "刑初", 26, None)),  # corps court
        ("（2019）最高法民终123号", (2019, "最高法", "民终", 123, None)),
        ("（2014）绍越民初字第123号", (2014, "绍越", "民初", 123, None)),
        ("（2014）新民民初字第1号", (2014, "新民", "民初", 1, None)),
        ("（2021）浙0602执1号、（2020）京73民初1号", (2021, "浙0602", "执", 1, "330602")),
    ],
)
def test_derived(value: str, parts: tuple[object, ...]) -> None:
    assert (
        case_no.year(value),
        case_no.court_code(value),
        case_no.case_type(value),
        case_no.seq(value),
        case_no.region(value),
    ) == parts


def test_modern_numbers_in_real_judgments_parse() -> None:
    path = SHARED / "judge_criminal_fulltext" / "test.json"
    if not path.is_file():
        pytest.skip("shared data not available")
    modern = re.compile(
        r"[（(]20(?:1[6-9]|2[0-9])[)）][京津冀晋内辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔云藏陕甘青宁新]"
        r"[0-9]{4}[刑民行执][^，。、\s]{0,3}?[0-9]+号"
    )
    found = set(modern.findall(path.read_text(encoding="utf-8")))
    assert len(found) > 100
    with_region = 0
    for number in found:
        clean = case_no.normalize(number)
        assert case_no.year(clean) >= 2016, number
        with_region += case_no.region(clean) is not None
    # Development-zone courts (鄂0192: 武汉东湖新技术开发区) have no GB/T 2260 code.
    assert with_region / len(found) > 0.9
