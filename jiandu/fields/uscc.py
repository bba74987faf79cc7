"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters from 0-9 and the capitals except I, O, Z, S and V: registration authority
(1) + organisation category (1) + region code (6, GB/T 2260) + organisation code (9,
GB 11714, itself check-digited MOD 11) + a MOD 31 check character.

Decisions:
- A wrong length or an illegal character is an error. A failed MOD 31 check character is
  only a warning (`uscc.checksum`): codes issued in the 2015 pilot phase legitimately fail
  it, and they are real registrations. A failed check of the embedded organisation code
  is likewise a warning (`uscc.org_checksum`).
- Old-style identifiers are not converted: a 9-character organisation code (with or
  without its hyphen) or a 15-digit business registration number cannot be turned into a
  USCC without the registry, so they get their own error codes telling the user which
  column they belong in.

The SQL twin is `sql/21_uscc.sql`.
"""

from __future__ import annotations

import re

from jiandu.fields._compact import compact
from jiandu.fields.base import Derived, FieldInvalid, Issue, SemanticType

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_RE = re.compile(r"[0-9A-HJ-NPQRTUWXY]+")
_OLD_ORG_RE = re.compile(r"[0-9A-Z]{8}[0-9X]")
_OLD_REG_RE = re.compile(r"[0-9]{15}")

ISSUES: dict[str, Issue] = {
    issue.code: issue
    for issue in (
        Issue(
            "uscc.old_org_code",
            "这是旧式 9 位组织机构代码，不是统一社会信用代码；请放入组织机构代码列或补充信用代码",
            "this is an old 9-character organisation code, not a unified social credit "
            "code; map it to an organisation-code column or supply the credit code",
        ),
        Issue(
            "uscc.old_reg_no",
            "这是旧式 15 位工商注册号，不是统一社会信用代码；请放入注册号列或补充信用代码",
            "this is an old 15-digit business registration number, not a unified social "
            "credit code; map it to a registration-number column or supply the credit code",
        ),
        Issue(
            "uscc.chars",
            "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）",
            "a unified social credit code has only digits and capitals other than I, O, Z, S and V",
        ),
        Issue(
            "uscc.length",
            "统一社会信用代码应为 18 位",
            "a unified social credit code has 18 characters",
        ),
        Issue(
            "uscc.checksum",
            "统一社会信用代码校验码不符（早期试点代码可能如此，请核对是否录入错误）",
            "the credit code's check character does not match (early pilot codes do this; "
            "check for a typing error)",
            "warning",
        ),
        Issue(
            "uscc.org_checksum",
            "统一社会信用代码中的组织机构代码（第 9-17 位）校验码不符，请核对",
            "the organisation code inside the credit code (characters 9-17) fails its "
            "check; please verify",
            "warning",
        ),
    )
}


def check_char(first17: str) -> str:
    """The GB 32100 MOD 31 check character for the first 17 characters."""
    total = sum(
        USCC_CHARS.index(char) * weight for char, weight in zip(first17, _USCC_WEIGHTS, strict=True)
    )
    return USCC_CHARS[(31 - total % 31) % 31]


def org_check_char(first8: str) -> str:
    """The GB 11714 MOD 11 check character ('0'-'9' or 'X') for an organisation code."""
    total = sum(
        _ORG_CHARS.index(char) * weight for char, weight in zip(first8, _ORG_WEIGHTS, strict=True)
    )
    value = (11 - total % 11) % 11
    return "X" if value == 10 else str(value)


def make_org_code(first8: str) -> str:
    """A GB 11714 organisation code: the 8 characters and their check character."""
    return first8 + org_check_char(first8)


def normalize(raw: str) -> str:
    """Return the 18-character credit code, or raise FieldInvalid saying why not."""
    text = compact(raw, "-")
    if len(text) == 9 and _OLD_ORG_RE.fullmatch(text):
        raise FieldInvalid(ISSUES["uscc.old_org_code"])
    if _OLD_REG_RE.fullmatch(text):
        raise FieldInvalid(ISSUES["uscc.old_reg_no"])
    if not _USCC_RE.fullmatch(text):
        raise FieldInvalid(ISSUES["uscc.chars"])
    if len(text) != 18:
        raise FieldInvalid(ISSUES["uscc.length"])
    return text


def warn(raw: str) -> Issue | None:
    """Warn about a well-formed code whose check characters fail."""
    try:
        code = normalize(raw)
    except FieldInvalid:
        return None
    if check_char(code[:17]) != code[17]:
        return ISSUES["uscc.checksum"]
    if org_check_char(code[8:16]) != code[16]:
        return ISSUES["uscc.org_checksum"]
    return None


def category(code: str) -> str:
    """Registration authority and organisation category (characters 1-2, e.g. '91')."""
    return code[:2]


def region(code: str) -> str:
    """The registering region's GB/T 2260 code (characters 3-8)."""
    return code[2:8]


def org_code(code: str) -> str:
    """The embedded GB 11714 organisation code (characters 9-17), for old-code matching."""
    return code[8:17]


USCC = SemanticType(
    name="uscc",
    label_zh="统一社会信用代码",
    label_en="unified social credit code",
    duckdb_type="VARCHAR",
    normalize=normalize,
    sql_clean="jd_uscc_clean",
    sql_error="jd_uscc_error",
    issues=ISSUES,
    warn=warn,
    sql_warn="jd_uscc_warn",
    sql_parse="jd_uscc_parse",
    derived=(
        Derived(
            "category",
            "VARCHAR",
            "jd_uscc_category",
            category,
            "登记管理部门及机构类别",
            "authority and category",
        ),
        Derived("region", "VARCHAR", "jd_uscc_region", region, "登记地区划代码", "region code"),
        Derived(
            "org_code", "VARCHAR", "jd_uscc_org_code", org_code, "组织机构代码", "organisation code"
        ),
    ),
)

TYPES: tuple[SemanticType, ...] = (USCC,)
