"""VINs: table-driven cases."""

from __future__ import annotations

import pytest

from jiandu.fields import vin
from jiandu.fields.base import FieldInvalid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1M8GDM9AXKP042788", "1M8GDM9AXKP042788"),  # ISO 3779 textbook example
        ("1m8gdm9axkp042788", "1M8GDM9AXKP042788"),
        ("1M8GDM9A XKP042788", "1M8GDM9AXKP042788"),
        ("１Ｍ８ＧＤＭ９ＡＸＫＰ０４２７８８", "1M8GDM9AXKP042788"),
        ("LSVAU2180N2183294", "LSVAU2180N2183294"),  # bad check digit: kept, warned
    ],
)
def test_valid(raw: str, expected: str) -> None:
    assert vin.normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1M8GDM9AXKP04278", "vin.length"),
        ("1M8GDM9AXKP0427888", "vin.length"),
        ("1M8GDM9AXKPO42788", "vin.chars"),
        ("IM8GDM9AXKP042788", "vin.chars"),
        ("1M8GDM9AXKP04278Q", "vin.chars"),
        ("车架号1M8GDM9AXKP042788", "vin.chars"),
    ],
)
def test_invalid(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        vin.normalize(raw)
    assert caught.value.issue.code == code


def test_check_digit() -> None:
    assert vin.check_char("1M8GDM9AXKP042788") == "X"
    assert vin.check_char("11111111111111111") == "1"
    assert vin.warn("1M8GDM9AXKP042788") is None
    warning = vin.warn("LSVAU2180N2183294")
    assert warning is not None and warning.code == "vin.checksum"
    assert warning.severity == "warning"
    assert vin.warn("short") is None
    assert vin.wmi("LSVAU2180N2183294") == "LSV"
