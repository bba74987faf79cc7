"""Chinese motor-vehicle number plates (GA 36).

After half-width, upper-casing and deleting spaces and the separators people type
("浙A·12345", "浙A-12345", "浙A.12345"), a plate is one of:
- ordinary: province character + issuing-office letter + 5 characters, the last of which
  may be a special-use character (挂 trailer, 学 learner, 警 police, 港/澳 cross-border,
  领 consulate, 试 test, 超 oversize): 浙D12345, 浙A1234学, 粤Z1234港;
- new energy (8 characters): 浙AD12345 (small vehicle: D/F or A-K, then a character and
  4 digits) or 浙A12345D (large vehicle: 5 digits then D/F);
- embassy: 使 + 6 digits, or 3 digits + 使 + 3 digits.
Letters I and O are never issued (they read as 1 and 0), so they are errors.

The SQL twin is `sql/23_plate.sql`.
"""

from __future__ import annotations

import re

from jiandu.fields._compact import compact
from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType

PLATE_PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川贵云藏陕甘青宁新"
# Separators typed between the office letter and the number: middle dots, dot, dash.
_DROP = "·•・.-"
_EMBASSY = re.compile(r"使[0-9]{6}|[0-9]{3}使[0-9]{3}")
_PROVINCE = re.compile(f"[{PLATE_PROVINCES}]")
_PLATE = re.compile(
    f"[{PLATE_PROVINCES}][A-HJ-NP-Z]"
    r"(?:[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳领试超]"
    r"|[A-HJKDF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF])"
)

ISSUES: dict[str, Issue] = {
    issue.code: issue
    for issue in (
        Issue(
            "plate.province",
            "车牌号应以省份简称开头（如 浙A12345）",
            "a plate number starts with a province abbreviation (e.g. 浙A12345)",
        ),
        Issue(
            "plate.format",
            "车牌号格式不正确（普通号牌 7 位、新能源号牌 8 位，不含字母 I、O）",
            "not a valid plate number (7 characters, 8 for new-energy plates; letters I "
            "and O are never used)",
        ),
    )
}


def normalize(raw: str) -> str:
    """Return the plate number without separators, or raise FieldInvalid saying why not."""
    text = compact(raw, _DROP)
    if _EMBASSY.fullmatch(text):
        return text
    if not _PROVINCE.match(text):
        raise FieldInvalid(ISSUES["plate.province"])
    if not _PLATE.fullmatch(text):
        raise FieldInvalid(ISSUES["plate.format"])
    return text


def province(plate: str) -> str | None:
    """The province abbreviation a plate was issued in (None for embassy plates)."""
    return plate[0] if _PROVINCE.match(plate) else None


PLATE = SemanticType(
    name="plate",
    label_zh="车牌号",
    label_en="vehicle plate number",
    duckdb_type="VARCHAR",
    normalize=normalize,
    sql_clean="jd_plate_clean",
    sql_error="jd_plate_error",
    issues=ISSUES,
    derived=(
        Derived("province", "VARCHAR", "jd_plate_province", province, "号牌省份", "province"),
    ),
)

TYPES: tuple[SemanticType, ...] = (PLATE,)
