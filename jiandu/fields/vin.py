"""Vehicle identification numbers (VIN, ISO 3779 / GB 16735).

17 characters from 0-9 and the capitals except I, O and Q; character 9 is a check digit
(ISO 3779 weights, remainder 10 written X). GB 16735 requires the check digit on vehicles
made for China, but imported and older vehicles may lack it, so a failed check is a
warning (`vin.checksum`); a wrong length or an illegal character is an error.

The SQL twin is `sql/24_vin.sql`.
"""

from __future__ import annotations

import re

from jiandu.fields._compact import compact
from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType

_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
_LETTER_VALUES = "12345678123457923456789"
_TRANSLITERATE = str.maketrans(_LETTERS, _LETTER_VALUES)
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_CHARS = re.compile(r"[0-9A-HJ-NPR-Z]+")

ISSUES: dict[str, Issue] = {
    issue.code: issue
    for issue in (
        Issue(
            "vin.chars",
            "车架号（VIN）只能包含数字和大写字母（不含 I、O、Q）",
            "a VIN has only digits and capitals other than I, O and Q",
        ),
        Issue("vin.length", "车架号（VIN）应为 17 位", "a VIN has 17 characters"),
        Issue(
            "vin.checksum",
            "车架号（VIN）第 9 位校验码不符，请核对是否录入错误",
            "the VIN's check digit (9th character) does not match; check for a typing error",
            "warning",
        ),
    )
}


def check_char(vin: str) -> str:
    """The ISO 3779 check character ('0'-'9' or 'X') of a 17-character VIN."""
    digits = vin.translate(_TRANSLITERATE)
    total = sum(int(digit) * weight for digit, weight in zip(digits, _WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def normalize(raw: str) -> str:
    """Return the 17-character VIN, or raise FieldInvalid saying why not."""
    text = compact(raw, "-")
    if not _CHARS.fullmatch(text):
        raise FieldInvalid(ISSUES["vin.chars"])
    if len(text) != 17:
        raise FieldInvalid(ISSUES["vin.length"])
    return text


def warn(raw: str) -> Issue | None:
    """Warn about a well-formed VIN whose check digit fails."""
    try:
        vin = normalize(raw)
    except FieldInvalid:
        return None
    return None if check_char(vin) == vin[8] else ISSUES["vin.checksum"]


def wmi(vin: str) -> str:
    """World manufacturer identifier (characters 1-3, e.g. 'LSV' for SAIC Volkswagen)."""
    return vin[:3]


VIN = SemanticType(
    name="vin",
    label_zh="车架号",
    label_en="vehicle identification number",
    duckdb_type="VARCHAR",
    normalize=normalize,
    sql_clean="jd_vin_clean",
    sql_error="jd_vin_error",
    issues=ISSUES,
    warn=warn,
    sql_warn="jd_vin_warn",
    sql_parse="jd_vin_parse",
    derived=(Derived("wmi", "VARCHAR", "jd_vin_wmi", wmi, "制造厂识别代码", "manufacturer code"),),
)

TYPES: tuple[SemanticType, ...] = (VIN,)
