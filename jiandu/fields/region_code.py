"""Administrative division codes (行政区划代码, GB/T 2260): 6 digits.

A code must have existed at some time (regions.csv, abolished codes included): records
made years ago carry the codes of their time. A code that is no longer current gets the
warning `region_code.abolished`, so a user comparing regions knows to map it. 12-digit
statistical codes and 2/4-digit prefixes are not silently padded or cut: they are
errors (`region_code.format`).

The SQL twin is `sql/26_region_code.sql`.
"""

from __future__ import annotations

import re

from jiandu.fields._compact import compact
from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType
from jiandu.fields.regions import current_codes, region_exists, region_name

_CODE = re.compile(r"[0-9]{6}")

ISSUES: dict[str, Issue] = {
    issue.code: issue
    for issue in (
        Issue(
            "region_code.format",
            "行政区划代码应为 6 位数字",
            "a division code has 6 digits",
        ),
        Issue(
            "region_code.unknown",
            "该行政区划代码在任何时期都不存在",
            "this division code never existed",
        ),
        Issue(
            "region_code.abolished",
            "该行政区划代码已撤销，请注意与现行代码对应",
            "this division code has been abolished; map it to the current code when "
            "comparing regions",
            "warning",
        ),
    )
}


def normalize(raw: str) -> str:
    """Return the 6-digit code, or raise FieldInvalid saying why not."""
    text = compact(raw)
    if not _CODE.fullmatch(text):
        raise FieldInvalid(ISSUES["region_code.format"])
    if not region_exists(text):
        raise FieldInvalid(ISSUES["region_code.unknown"])
    return text


def warn(raw: str) -> Issue | None:
    """Warn about a valid code that is no longer current."""
    try:
        code = normalize(raw)
    except FieldInvalid:
        return None
    return None if code in current_codes() else ISSUES["region_code.abolished"]


def name(code: str) -> str | None:
    """The most recent name of a cleaned code."""
    return region_name(code)


REGION_CODE = SemanticType(
    name="region_code",
    label_zh="行政区划代码",
    label_en="division code",
    duckdb_type="VARCHAR",
    normalize=normalize,
    sql_clean="jd_region_code_clean",
    sql_error="jd_region_code_error",
    issues=ISSUES,
    warn=warn,
    sql_warn="jd_region_code_warn",
    sql_parse="jd_region_code_parse",
    derived=(Derived("name", "VARCHAR", "jd_region_code_name", name, "区划名称", "region name"),),
)

TYPES: tuple[SemanticType, ...] = (REGION_CODE,)
