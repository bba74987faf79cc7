"""money and int: accepted forms, rounding and error codes."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jiandu.fields.base import FieldInvalid
from jiandu.fields.numbers import normalize_int, normalize_money, warn_money


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1.2万元", "12000.00"),
        ("3万", "30000.00"),
        ("1.5亿", "150000000.00"),
        ("￥3,000.00", "3000.00"),
        ("¥3000", "3000.00"),
        ("3,000元", "3000.00"),
        ("RMB 3000", "3000.00"),
        ("人民币3000元整", "3000.00"),
        ("３，０００．５", "3000.50"),
        ("-100", "-100.00"),
        ("(100)", "-100.00"),
        ("¥-100", "-100.00"),
        ("-¥100", "-100.00"),
        ("2千元", "2000.00"),
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("0", "0.00"),
    ],
)
def test_money_forms(raw: str, value: str) -> None:
    assert normalize_money(raw) == Decimal(value)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("abc", "money.unparseable"),
        ("叁仟元整", "money.unparseable"),
        ("1,00", "money.unparseable"),
        ("(-1)", "money.unparseable"),
        ("--1", "money.unparseable"),
        ("1e5", "money.unparseable"),
        ("10000000000000000", "money.range"),
        ("9999999999999999.995", "money.range"),
        ("100000000亿", "money.range"),
    ],
)
def test_money_errors(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        normalize_money(raw)
    assert caught.value.issue.code == code


def test_money_rounding_warns() -> None:
    assert normalize_money("3.455") == Decimal("3.46")
    warning = warn_money("3.455")
    assert warning is not None and warning.code == "money.rounded"
    assert warn_money("3.45") is None
    assert warn_money("abc") is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1,234", 1234),
        ("１２", 12),
        ("12.0", 12),
        ("3万", 30000),
        ("1.5万", 15000),
        ("-7", -7),
        ("9223372036854775807", 2**63 - 1),
        ("-9223372036854775808", -(2**63)),
    ],
)
def test_int_forms(raw: str, value: int) -> None:
    assert normalize_int(raw) == value


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("12.5", "int.fraction"),
        ("1.00001万", "int.fraction"),
        ("x", "int.unparseable"),
        ("9223372036854775808", "int.range"),
        ("1" * 20, "int.range"),
    ],
)
def test_int_errors(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        normalize_int(raw)
    assert caught.value.issue.code == code
