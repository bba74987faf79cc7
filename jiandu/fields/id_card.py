"""Resident identity numbers (公民身份号码, GB 11643-1999).

An 18-character number is region (6 digits, GB/T 2260) + birth date (YYYYMMDD) +
sequence (3 digits; the last one is odd for men, even for women) + an ISO 7064 MOD 11-2
check character (0-9 or X). Numbers issued before 1999 had 15 digits (2-digit birth year,
no check character); they are upgraded to 18 by inserting "19" and computing the check.

Region rule: a number keeps the code of the office that issued it, so abolished codes are
fine (any code that ever existed in regions.csv). When the 6-digit code never existed but
its prefecture (first 4 digits + "00") did, the value is kept with the warning
`id_card.region_unknown`: household-registration offices of development zones and other
non-standard units issued such numbers and they are real. When not even the prefecture
exists the number is rejected (`id_card.region`): that is almost always a typo or an
invented number.

Excel damage: Excel stores long numbers as floating point and keeps 15 significant
digits, so an 18-digit number typed into a numeric cell comes back as
"3.30602199001011E+17" or as "330602199001011000". Both are reported as
`id_card.damaged` (the second only when its check character fails, since a genuine number
may end in 000), telling the user to re-export the column as text.

The SQL twin is `sql/20_id_card.sql`; tests/fields/test_parity_identifiers.py holds them
together.
"""

from __future__ import annotations

import re
from datetime import date

from jiandu.fields._compact import compact
from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType
from jiandu.fields.regions import region_exists

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_OLDEST_BIRTH = date(1890, 1, 1)
# What Excel shows for a large number: one digit, optional fraction, exponent.
_SCIENTIFIC = re.compile(r"[0-9](\.[0-9]+)?E\+?[0-9]+")
_CHARS = re.compile(r"[0-9X]+")

ISSUES: dict[str, Issue] = {
    issue.code: issue
    for issue in (
        Issue(
            "id_card.damaged",
            "身份证号已被 Excel 按数字存储而损坏（科学计数法或末三位变成 000），"
            "请在源系统中将该列按文本格式重新导出",
            "the ID number was mangled by Excel (scientific notation or last digits turned "
            "into 000); re-export the column from the source system as text",
        ),
        Issue(
            "id_card.chars",
            "身份证号只能由数字组成，最后一位可以是 X",
            "an ID number has only digits, with an optional final X",
        ),
        Issue(
            "id_card.length",
            "身份证号应为 18 位（或旧式 15 位）",
            "an ID number has 18 digits (or 15 for old numbers)",
        ),
        Issue(
            "id_card.checksum",
            "身份证号校验码不正确，可能有数字录入错误",
            "the ID number's check digit is wrong; a digit was probably mistyped",
        ),
        Issue(
            "id_card.birth_date",
            "身份证号中的出生日期无效（不存在的日期、早于 1890 年或晚于今天）",
            "the birth date inside the ID number is not a real date, is before 1890 or is "
            "in the future",
        ),
        Issue(
            "id_card.region",
            "身份证号前 6 位不是任何时期的行政区划代码",
            "the first 6 digits of the ID number are not a division code of any period",
        ),
        Issue(
            "id_card.region_unknown",
            "身份证号前 6 位不在行政区划代码表中，但所属地市存在（可能是开发区等非标准代码）",
            "the 6-digit region code of the ID number is not in the division list, but its "
            "prefecture is (possibly a development zone's non-standard code)",
            "warning",
        ),
    )
}


def _fail(code: str) -> FieldInvalid:
    return FieldInvalid(ISSUES[code])


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def normalize(raw: str) -> str:
    """Return the 18-character ID number, or raise FieldInvalid saying why not."""
    text = compact(raw)
    if _SCIENTIFIC.fullmatch(text):
        raise _fail("id_card.damaged")
    if not _CHARS.fullmatch(text):
        raise _fail("id_card.chars")
    if len(text) not in (15, 18):
        raise _fail("id_card.length")
    if "X" in text[:17] or (len(text) == 15 and "X" in text):
        raise _fail("id_card.chars")
    if len(text) == 15:
        first17 = text[:6] + "19" + text[6:]
        text = first17 + check_char(first17)
    elif check_char(text[:17]) != text[17]:
        raise _fail("id_card.damaged" if text.endswith("000") else "id_card.checksum")
    born = _birth_date(text)
    if born is None or not _OLDEST_BIRTH <= born <= date.today():
        raise _fail("id_card.birth_date")
    if not region_exists(text[:6]) and not region_exists(text[:4] + "00"):
        raise _fail("id_card.region")
    return text


def warn(raw: str) -> Issue | None:
    """Warn about a valid number whose county code is unknown but whose prefecture exists."""
    try:
        number = normalize(raw)
    except FieldInvalid:
        return None
    return None if region_exists(number[:6]) else ISSUES["id_card.region_unknown"]


def birth_date(number: str) -> date:
    """Birth date of a cleaned (18-character) number."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def sex(number: str) -> str:
    """'男' or '女' from the parity of the 17th digit of a cleaned number."""
    return "男" if int(number[16]) % 2 else "女"


def region(number: str) -> str:
    """The 6-digit region code of a cleaned number."""
    return number[:6]


ID_CARD = SemanticType(
    name="id_card",
    label_zh="身份证号",
    label_en="resident ID number",
    duckdb_type="VARCHAR",
    normalize=normalize,
    sql_clean="jd_id_card_clean",
    sql_error="jd_id_card_error",
    issues=ISSUES,
    warn=warn,
    sql_warn="jd_id_card_warn",
    sql_parse="jd_id_card_parse",
    derived=(
        Derived(
            "birth_date", "DATE", "jd_id_card_birth_date", birth_date, "出生日期", "birth date"
        ),
        Derived("sex", "VARCHAR", "jd_id_card_sex", sex, "性别", "sex"),
        Derived("region", "VARCHAR", "jd_id_card_region", region, "户籍地区划代码", "region code"),
    ),
)

TYPES: tuple[SemanticType, ...] = (ID_CARD,)
