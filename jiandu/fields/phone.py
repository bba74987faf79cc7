"""Telephone numbers: mainland mobile, landline (with area code) and service numbers.

Accepted and normalised (after half-width, deleting whitespace and brackets):
- mobile: 11 digits 1[3-9]xxxxxxxxx, optionally after +86 / 0086 / 86, dashes allowed
  anywhere → '13912345678'; kind 'mobile'.
- landline: area code (010, 02x or 0xxx; the 0 may be dropped after +86) + a local
  number of 7-8 digits not starting with 0 or 1, optional extension after -, 转, 分机,
  EXT, X or # → '0571-88889999' or '0571-88889999-8001'; kind 'landline'.
- service numbers that reach the same party from anywhere: 400/800 numbers →
  '400-123-4567', and 95xxx(x), 96xxx(x) and 12xxx hotlines → digits; kind 'service'.

Errors: `phone.multiple` (several numbers in one cell: they cannot be matched as one; split
the column), `phone.no_area_code` (a bare 7-8 digit local number, which is ambiguous
across cities), `phone.chars` (letters or other characters), `phone.format` (digits that
are no Chinese number).

The SQL twin is `sql/22_phone.sql`.
"""

from __future__ import annotations

import re

from jiandu.fields._compact import compact
from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType

# Deleted before matching: brackets around area codes and dots used as separators.
_DROP = "()."
_MULTIPLE = re.compile(r".*[0-9].*[/、,;|].*[0-9].*")
_CHARS = re.compile(r"[0-9+\-#X转分机EXT]+")
_MOBILE = re.compile(r"(?:\+86|0086|86)?(1[3-9][0-9]{9})")
_SERVICE_400 = re.compile(r"([48]00)([0-9]{3})([0-9]{4})")
_HOTLINE = re.compile(r"9[56][0-9]{3,4}|12[0-9]{3}")
_LANDLINE = re.compile(
    r"(?:(?:\+86|0086|86)-?0?|0)(10|2[0-9]|[3-9][0-9]{2})-?([2-9][0-9]{6,7})"
    r"(?:(?:-|转|分机|EXT|X|#)([0-9]{1,6}))?"
)
_LOCAL = re.compile(r"[2-9][0-9]{6,7}")

ISSUES: dict[str, Issue] = {
    issue.code: issue
    for issue in (
        Issue(
            "phone.multiple",
            "一个单元格中有多个电话号码，请拆分为多列或多行",
            "the cell holds several phone numbers; split them into separate columns or rows",
        ),
        Issue(
            "phone.chars",
            "电话号码中有无法识别的字符",
            "the phone number contains characters that do not belong in a phone number",
        ),
        Issue(
            "phone.no_area_code",
            "固定电话缺少区号，无法确定所在城市，请补充区号（如 0571-88889999）",
            "the landline number has no area code, so its city is unknown; add the area "
            "code (e.g. 0571-88889999)",
        ),
        Issue(
            "phone.format",
            "不是有效的手机号（11 位）、带区号的固定电话或服务号码",
            "not a valid mobile number (11 digits), landline with area code or service number",
        ),
    )
}


def _classify(text: str) -> tuple[str, str]:
    digits = text.replace("-", "")
    if match := _MOBILE.fullmatch(digits):
        return match.group(1), "mobile"
    if match := _SERVICE_400.fullmatch(digits):
        return "-".join(match.groups()), "service"
    if _HOTLINE.fullmatch(digits):
        return digits, "service"
    if match := _LANDLINE.fullmatch(text):
        area, number, extension = match.groups()
        return f"0{area}-{number}" + (f"-{extension}" if extension else ""), "landline"
    if _LOCAL.fullmatch(digits):
        raise FieldInvalid(ISSUES["phone.no_area_code"])
    raise FieldInvalid(ISSUES["phone.format"])


def normalize(raw: str) -> str:
    """Return the normalised number, or raise FieldInvalid saying why not."""
    text = compact(raw, _DROP)
    if _MULTIPLE.fullmatch(text):
        raise FieldInvalid(ISSUES["phone.multiple"])
    if not _CHARS.fullmatch(text):
        raise FieldInvalid(ISSUES["phone.chars"])
    return _classify(text)[0]


def kind(number: str) -> str:
    """'mobile', 'landline' or 'service' for a normalised number."""
    if number.startswith("1") and len(number) == 11:
        return "mobile"
    if number.startswith("0"):
        return "landline"
    return "service"


PHONE = SemanticType(
    name="phone",
    label_zh="电话号码",
    label_en="phone number",
    duckdb_type="VARCHAR",
    normalize=normalize,
    sql_clean="jd_phone_clean",
    sql_error="jd_phone_error",
    issues=ISSUES,
    derived=(Derived("kind", "VARCHAR", "jd_phone_kind", kind, "号码类型", "number kind"),),
)

TYPES: tuple[SemanticType, ...] = (PHONE,)
