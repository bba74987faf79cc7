"""Free text and enumerations, plus the text helpers every other field type builds on.

`halfwidth`, `trim_space` and `is_blank` are the scalar twins of the macros `jd_halfwidth`,
`jd_trim` and `jd_nullify` in `sql/00_base.sql` (see docs/dev/contracts.md, "Blank values").
"""

from __future__ import annotations

from jiandu.fields.base import SemanticType

# The whitespace set of the blank-value contract: space, tab, LF, CR, U+3000, U+00A0.
SPACE_CHARS = " \t\n\r\u3000\u00a0"
_PLACEHOLDERS = frozenset({"", "NULL", "null", "无", "/", "-", "--", "—"})
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def halfwidth(s: str) -> str:
    """Map full-width ASCII (U+FF01–U+FF5E) to half-width and U+3000 to a space."""
    return s.translate(_HALFWIDTH)


def trim_space(s: str) -> str:
    """Strip the contract whitespace at both ends; inner characters stay as written."""
    return s.strip(SPACE_CHARS)


def is_blank(s: str | None) -> bool:
    """True when `jd_nullify` turns the value into NULL (empty, whitespace, placeholder)."""
    return s is None or trim_space(s) in _PLACEHOLDERS


def normalize_text(s: str) -> str:
    """Free text: only the surrounding whitespace goes; every inner character is kept."""
    return trim_space(s)


def normalize_enum(s: str) -> str:
    """Enumerated value: trimmed half-width text (the pipeline checks the allowed values)."""
    return trim_space(halfwidth(s))


TEXT = SemanticType(
    name="text",
    label_zh="文本",
    label_en="Text",
    duckdb_type="VARCHAR",
    normalize=normalize_text,
    sql_clean="jd_text_clean",
    sql_error="jd_text_error",
    issues={},
    parse_per_distinct=False,
)

ENUM = SemanticType(
    name="enum",
    label_zh="枚举值",
    label_en="Enumerated value",
    duckdb_type="VARCHAR",
    normalize=normalize_enum,
    sql_clean="jd_enum_clean",
    sql_error="jd_enum_error",
    issues={},
)

TYPES: tuple[SemanticType, ...] = (TEXT, ENUM)
