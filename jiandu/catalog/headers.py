"""Header text normalisation: how a messy source header is compared with known names.

Agencies write the same header many ways: full-width letters, stray spaces and line
breaks inside merged cells, a '*' marking required columns, a trailing colon, and a unit
in parentheses ("发放金额（元）"). `normalize_header` removes all of that so that one
synonym list covers every spelling. The unit is not meaningless, though: "注册资本（万元）"
holds ten-thousands of yuan. `header_unit` returns the unit that normalisation dropped,
and `yuan_multiplier` turns a money unit into the factor the money parser must apply.
"""

from __future__ import annotations

import re
import unicodedata

# Units written in trailing parentheses that carry no meaning for *which* field a column
# holds. Money units are listed longest first so that "万元人民币" is not read as "万元".
_UNITS = (
    "人民币万元",
    "万元人民币",
    "人民币元",
    "元人民币",
    "亿元",
    "万元",
    "千元",
    "百元",
    "元/月",
    "元/年",
    "元",
    "万",
    "人民币",
    "rmb",
    "cny",
    "yuan",
    "人",
    "个",
    "次",
    "件",
    "辆",
    "天",
    "日",
    "月",
    "年",
    "岁",
    "%",
    "‰",
    "吨",
    "千克",
    "公斤",
    "kg",
    "升",
    "l",
    "平方米",
    "m2",
)
_UNIT_GROUP = "|".join(re.escape(unit) for unit in _UNITS)
# One trailing unit in (), [] or 【】; applied repeatedly, so "(元)(万元)" goes too.
_TRAILING_UNIT = re.compile(rf"[(\[【]({_UNIT_GROUP})[)\]】]$")
# Any trailing parenthetical ("名称(全称)", "身份证号(18位)"): tried by the mapper only
# after the full header failed, because some synonyms legitimately end in parentheses.
_TRAILING_NOTE = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]$")
_DROPPED = str.maketrans("", "", "*:★")
_ASCII_LOWER = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "abcdefghijklmnopqrstuvwxyz",
)


def _normalize_once(text: str) -> str:
    # NFKC folds full-width ASCII, U+3000 and compatibility ideographs to their plain forms.
    folded = unicodedata.normalize("NFKC", text).translate(_ASCII_LOWER)
    compact = "".join(folded.split()).translate(_DROPPED)
    while (match := _TRAILING_UNIT.search(compact)) is not None and match.start() > 0:
        compact = compact[: match.start()]
    return compact


def normalize_header(text: str) -> str:
    """Return the comparable form of a header cell.

    Folds full-width characters to half-width (NFKC), lower-cases ASCII, removes all
    whitespace (including line breaks inside merged cells), '*', '★' and colons, and
    strips trailing unit parentheses such as "(元)" or "（万元）". The unit itself is
    returned by `header_unit`; a header that is only a unit ("(元)") is kept as is.
    Idempotent: normalising twice gives the same text.
    """
    current = _normalize_once(text)
    # Removing characters can make new NFKC compositions (a letter, a dropped '*', then a
    # combining mark); repeat until nothing changes so the result is a fixed point.
    while (again := _normalize_once(current)) != current:
        current = again
    return current


def header_unit(text: str) -> str | None:
    """The unit written in trailing parentheses of a header ("金额（万元）" → "万元"), if any.

    When several unit groups trail the header, the innermost (leftmost) one is returned,
    because it is the one written against the name.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_ASCII_LOWER)
    compact = "".join(folded.split()).translate(_DROPPED)
    unit: str | None = None
    while (match := _TRAILING_UNIT.search(compact)) is not None and match.start() > 0:
        unit = match.group(1)
        compact = compact[: match.start()]
    return unit


def strip_trailing_note(normalized: str) -> str | None:
    """Drop one trailing parenthetical note from a normalised header, or None if none."""
    match = _TRAILING_NOTE.search(normalized)
    if match is None or match.start() == 0:
        return None
    return normalized[: match.start()]


def yuan_multiplier(unit: str | None) -> int | None:
    """How many yuan one unit of a money column is worth, or None if not a money unit.

    "万元" → 10000, "亿元" → 100000000, "元" → 1. The money parser multiplies bare numbers
    by this factor; values that carry their own unit ("1.2万元") are parsed as written.
    """
    if unit is None:
        return None
    scales = (("亿", 100_000_000), ("万", 10_000), ("千", 1_000), ("百", 100))
    for marker, scale in scales:
        if marker in unit:
            return scale
    if "元" in unit or unit in {"人民币", "rmb", "cny", "yuan"}:
        return 1
    return None
