"""Vehicle plates: table-driven cases."""

from __future__ import annotations

import pytest

from jiandu.fields import plate
from jiandu.fields.base import FieldInvalid


@pytest.mark.parametrize(
    ("raw", "expected", "province"),
    [
        ("浙D12345", "浙D12345", "浙"),
        ("浙A·12345", "浙A12345", "浙"),
        ("浙A-1234X", "浙A1234X", "浙"),
        ("浙a 12345", "浙A12345", "浙"),
        ("浙Ａ１２３４５", "浙A12345", "浙"),
        ("浙DD12345", "浙DD12345", "浙"),  # new energy, small
        ("浙AD12345", "浙AD12345", "浙"),
        ("浙AFA1234", "浙AFA1234", "浙"),
        ("浙A12345D", "浙A12345D", "浙"),  # new energy, large
        ("浙A1234学", "浙A1234学", "浙"),
        ("浙A1234挂", "浙A1234挂", "浙"),
        ("京A1234警", "京A1234警", "京"),
        ("粤Z1234港", "粤Z1234港", "粤"),
        ("粤Z1234澳", "粤Z1234澳", "粤"),
        ("沪A1234领", "沪A1234领", "沪"),
        ("使014578", "使014578", None),
        ("123使456", "123使456", None),
    ],
)
def test_valid(raw: str, expected: str, province: str | None) -> None:
    assert plate.normalize(raw) == expected
    assert plate.province(expected) == province


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("A12345", "plate.province"),
        ("WJ12345", "plate.province"),
        ("杭A12345", "plate.province"),
        ("浙12345", "plate.format"),
        ("浙A1234", "plate.format"),
        ("浙AO1234", "plate.format"),  # letter O is never issued
        ("浙I12345", "plate.format"),
        ("浙A123456", "plate.format"),
        ("浙A12345学", "plate.format"),
        ("浙A1234567", "plate.format"),
    ],
)
def test_invalid(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        plate.normalize(raw)
    assert caught.value.issue.code == code
