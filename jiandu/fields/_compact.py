"""Shared first step of the identifier types (id_card, uscc, phone, plate, vin, case_no).

Identifiers arrive typed by hand, pasted from web pages or exported from Excel: full-width
digits, inner spaces, zero-width characters and lower-case letters are all common. Every
identifier normaliser starts by folding these away. The SQL twin is the macro
`jd_ident_compact(x, extra_class)` in `sql/20_id_card.sql`
(whose `extra_class` is the regular-expression spelling of `extra`). Both upper-case by
character translation, never Unicode case mapping, which differs between Python and
DuckDB ('ß'.upper() is 'SS' in Python and 'ẞ' in DuckDB), so the two faces agree on every
input.
"""

from __future__ import annotations

from jiandu.fields.text import halfwidth

# Contract whitespace (space, tab, LF, CR, U+3000, U+00A0) plus the invisible characters
# that copy-paste from web pages and Excel leaves behind (zero-width space, BOM).
WHITESPACE = " \t\n\r\u3000\u00a0\u200b\ufeff"
_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def compact(raw: str, extra: str = "") -> str:
    """Half-width, ASCII upper-case `raw` and delete whitespace and the `extra` characters."""
    table = str.maketrans(_LOWER, _UPPER, WHITESPACE + extra)
    return halfwidth(raw).translate(table)
