"""normalize_header, header_unit and yuan_multiplier."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiandu.catalog.headers import (
    header_unit,
    normalize_header,
    strip_trailing_note,
    yuan_multiplier,
)

FULLWIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)} | {" ": "\u3000"}


def to_fullwidth(text: str) -> str:
    return "".join(FULLWIDTH.get(ch, ch) for ch in text)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("公民身份号码 ", "公民身份号码"),
        ("身份证号码*", "身份证号码"),
        ("*身份证号码", "身份证号码"),
        ("姓　名", "姓名"),
        ("身份证\n号码", "身份证号码"),
        ("发放金额(元)", "发放金额"),
        ("发放金额（元）", "发放金额"),
        ("注册资本（万元）", "注册资本"),
        ("金额 [元]", "金额"),
        ("金额【万元】", "金额"),
        ("金额(元)(万元)", "金额"),
        ("姓名：", "姓名"),
        ("姓名:", "姓名"),
        ("ＩＤ　Ｃａｒｄ", "idcard"),
        ("VIN码", "vin码"),
        ("发放信息/金额（元）", "发放信息/金额"),
        ("名称（全称）", "名称(全称)"),  # a note, not a unit: kept for the mapper to decide
        ("(元)", "(元)"),  # nothing but a unit: keep it rather than return ""
        ("", ""),
    ],
)
def test_normalize_header(raw: str, expected: str) -> None:
    assert normalize_header(raw) == expected


@pytest.mark.parametrize(
    ("raw", "unit", "multiplier"),
    [
        ("发放金额（元）", "元", 1),
        ("注册资本(万元)", "万元", 10_000),
        ("注册资本（万元人民币）", "万元人民币", 10_000),
        ("金额(亿元)", "亿元", 100_000_000),
        ("标的额 （ 千元 ）", "千元", 1_000),
        ("年龄(岁)", "岁", None),
        ("金额", None, None),
        ("金额(元)(万元)", "元", 1),
    ],
)
def test_header_unit_and_multiplier(raw: str, unit: str | None, multiplier: int | None) -> None:
    assert header_unit(raw) == unit
    assert yuan_multiplier(unit) == multiplier


def test_strip_trailing_note() -> None:
    assert strip_trailing_note("姓名(全称)") == "姓名"
    assert strip_trailing_note("姓名") is None
    assert strip_trailing_note("(全称)") is None


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_header(text)
    assert normalize_header(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E)))
def test_full_width_invariance(text: str) -> None:
    assert normalize_header(to_fullwidth(text)) == normalize_header(text)


@given(
    st.text(alphabet="发放金额注册资本标的abcXYZ123 *：", min_size=1),
    st.sampled_from(["元", "万元", "亿元", "万元人民币"]),
)
def test_money_unit_is_dropped_and_reported(stem: str, unit: str) -> None:
    if not normalize_header(stem):
        return
    header = f"{stem}（{unit}）"
    assert normalize_header(header) == normalize_header(stem)
    assert header_unit(header) == unit
