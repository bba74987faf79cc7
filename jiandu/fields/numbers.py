"""Amounts of money (yuan) and integers, as agencies write them.

Accepted money forms: "3000", "3,000.00", "￥3,000.00", "¥-100", "-¥100", "RMB 3000",
"人民币3000元", "1.2万元", "3万", "1.5亿", "2千元", "3000元整", full-width digits, and
accounting negatives "(100)".  Chinese capital numerals (叁仟元整) are not accepted: they
report `money.unparseable` (both faces agree; see docs in the issue list below).
Amounts are rounded half away from zero to 2 decimals; rounding raises the warning
`money.rounded`.

Integers accept the same digit forms (grouping commas, full-width digits, 万/亿/千 units,
a fraction of zeros such as "12.0"); a non-zero fraction is `int.fraction`.

The SQL twins live in `sql/14_numbers.sql`; both parse with the same regular expression.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from jiandu.fields.base import FieldInvalid, Issue, SemanticType
from jiandu.fields.text import halfwidth, trim_space

# Sign before or after the currency mark; number with optional grouping commas; optional
# unit.  Groups: 1/2 sign, 3 integer digits, 4 fraction digits, 5 unit.
# Kept character-for-character identical to the pattern in sql/14_numbers.sql.
NUMBER_PATTERN = (
    r"^(?:([-+]) *(?:(?:RMB|rmb|CNY|cny|人民币|[¥￥]) *)?"
    r"|(?:(?:RMB|rmb|CNY|cny|人民币|[¥￥]) *)([-+]) *"
    r"|(?:(?:RMB|rmb|CNY|cny|人民币|[¥￥]) *)?)"
    r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))? *"
    r"(万|亿|千)?(?:元)?(?:整)?$"
)
_NUMBER = re.compile(NUMBER_PATTERN)
_PARENS = re.compile(r"^\((.*)\)$")
_UNITS = {"": 1, "千": 1_000, "万": 10_000, "亿": 100_000_000}
# Fraction digits beyond the 12th cannot change a half-up rounding to 2 decimals even
# after a 亿 shift, so both faces truncate there (keeps the SQL DECIMAL(38,12) exact).
_FRACTION_DIGITS = 12
_MAX_MONEY_DIGITS = 16  # DECIMAL(18,2) holds 16 integer digits
_MAX_INT_DIGITS = 19
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1

MONEY_ISSUES = {
    issue.code: issue
    for issue in (
        Issue("money.unparseable", "无法识别的金额", "Not a recognisable amount of money"),
        Issue(
            "money.range", "金额超出范围（绝对值须小于1亿亿元）", "Amount out of range (|x| < 1e16)"
        ),
        Issue(
            "money.rounded",
            "金额超过两位小数，已四舍五入到分",
            "More than 2 decimals; rounded half-up to the cent",
            "warning",
        ),
    )
}
INT_ISSUES = {
    issue.code: issue
    for issue in (
        Issue("int.unparseable", "无法识别的整数", "Not a recognisable integer"),
        Issue(
            "int.fraction", "数值带有非零小数，不是整数", "Has a non-zero fraction; not an integer"
        ),
        Issue("int.range", "整数超出 BIGINT 范围", "Integer out of BIGINT range"),
    )
}


def _parse(s: str) -> tuple[int, str, str, str] | None:
    """Split a raw number into (sign, integer digits, fraction digits, unit), or None."""
    text = trim_space(halfwidth(s))
    negative_parens = False
    parens = _PARENS.match(text)
    if parens:
        negative_parens = True
        text = trim_space(parens.group(1))
    match = _NUMBER.match(text)
    if match is None:
        return None
    sign_text = match.group(1) or match.group(2) or ""
    if negative_parens and sign_text:
        return None
    sign = -1 if negative_parens or sign_text == "-" else 1
    digits = match.group(3).replace(",", "").lstrip("0")
    return sign, digits, match.group(4) or "", match.group(5) or ""


def _amount(digits: str, fraction: str, unit: str) -> Decimal:
    fraction = fraction[:_FRACTION_DIGITS]
    return Decimal(f"{digits or '0'}.{fraction or '0'}") * _UNITS[unit]


def _money(s: str) -> tuple[Decimal, bool]:
    parsed = _parse(s)
    if parsed is None:
        raise FieldInvalid(MONEY_ISSUES["money.unparseable"])
    sign, digits, fraction, unit = parsed
    if len(digits) > _MAX_MONEY_DIGITS:
        raise FieldInvalid(MONEY_ISSUES["money.range"])
    exact = sign * _amount(digits, fraction, unit)
    rounded = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    rounded = abs(rounded) if rounded == 0 else rounded  # "-0" is 0.00, as in DuckDB
    if abs(rounded) >= Decimal(10) ** _MAX_MONEY_DIGITS:
        raise FieldInvalid(MONEY_ISSUES["money.range"])
    return rounded, rounded != exact


def normalize_money(s: str) -> Decimal:
    """Parse an amount in yuan to a Decimal with exactly 2 places (half-up), or raise."""
    return _money(s)[0]


def warn_money(s: str) -> Issue | None:
    """`money.rounded` when a valid amount had to be rounded to the cent."""
    try:
        rounded = _money(s)[1]
    except FieldInvalid:
        return None
    return MONEY_ISSUES["money.rounded"] if rounded else None


def normalize_int(s: str) -> int:
    """Parse an integer ("1,234", "１２", "12.0", "3万") or raise FieldInvalid."""
    parsed = _parse(s)
    if parsed is None:
        raise FieldInvalid(INT_ISSUES["int.unparseable"])
    sign, digits, fraction, unit = parsed
    if len(digits) > _MAX_INT_DIGITS:
        raise FieldInvalid(INT_ISSUES["int.range"])
    # Digits past the 12th are only checked for being zero: they cannot be whole units.
    value = _amount(digits, fraction, unit)
    if value != value.to_integral_value() or fraction[_FRACTION_DIGITS:].strip("0"):
        raise FieldInvalid(INT_ISSUES["int.fraction"])
    result = sign * int(value)
    if not _INT_MIN <= result <= _INT_MAX:
        raise FieldInvalid(INT_ISSUES["int.range"])
    return result


MONEY = SemanticType(
    name="money",
    label_zh="金额（元）",
    label_en="Amount (yuan)",
    duckdb_type="DECIMAL(18,2)",
    normalize=normalize_money,
    sql_clean="jd_money_clean",
    sql_error="jd_money_error",
    issues=MONEY_ISSUES,
    warn=warn_money,
    sql_warn="jd_money_warn",
    sql_parse="jd_money_parse",
)

INT = SemanticType(
    name="int",
    label_zh="整数",
    label_en="Integer",
    duckdb_type="BIGINT",
    normalize=normalize_int,
    sql_clean="jd_int_clean",
    sql_error="jd_int_error",
    issues=INT_ISSUES,
)

TYPES: tuple[SemanticType, ...] = (MONEY, INT)
