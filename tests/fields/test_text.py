"""text, enum and the base helpers (halfwidth, trim_space, is_blank)."""

from __future__ import annotations

import pytest

from jiandu.fields.text import TYPES, halfwidth, is_blank, normalize_enum, normalize_text


@pytest.mark.parametrize(
    ("raw", "blank"),
    [
        ("", True),
        (" \t\r\n\u3000\u00a0", True),
        ("NULL", True),
        (" null ", True),
        ("无", True),
        ("/", True),
        ("-", True),
        ("--", True),
        ("—", True),
        (None, True),
        ("0", False),
        ("无锡", False),
        ("Null", False),
        ("---", False),
    ],
)
def test_is_blank(raw: str | None, blank: bool) -> None:
    assert is_blank(raw) is blank


def test_halfwidth_maps_full_width_ascii_and_ideographic_space() -> None:
    assert halfwidth("ＡＢｃ１２３（）！～\u3000＄") == "ABc123()!~ $"
    assert halfwidth("中文，。￥") == "中文,。￥"  # ， is U+FF0C; ￥ (U+FFE5) is outside the range


def test_text_keeps_inner_characters() -> None:
    assert normalize_text("\u3000 Ａ  b\t中 \n") == "Ａ  b\t中"


def test_enum_is_trimmed_halfwidth() -> None:
    assert normalize_enum(" 判决 \u3000") == "判决"
    assert normalize_enum("ＯＫ") == "OK"


def test_types_exported() -> None:
    assert [t.name for t in TYPES] == ["text", "enum"]
