"""Dates, timestamps and months as agencies write them.

Accepted date forms (after trimming and full-width → half-width): 2021-03-05, 2021/3/5,
2021.3.5, 2021年3月5日, 2021年03月05号, 20210305, Excel serial numbers (5 digits, first
digit non-zero: 10000 = 1927-05-18; a fraction is a time of day), and any of these followed
by a time: "2021-03-05T14:05:33Z", "2021-3-5 0:00:00", "2021年3月5日14时05分".  A time
zone suffix (Z, +08:00) is accepted and ignored: values are kept as local wall time.
`date` takes the date part and only checks the time's shape; `datetime` also checks it.
Month forms: 2021-03, 2021/3, 2021年3月, 202103, 2021.03, or any full date (→ its month).

Codes: `<type>.unparseable` (no form matches), `<type>.invalid` (no such day/time, e.g.
2021-02-30 or 25:00), `<type>.range` (year outside 1900–2100).  The SQL twins
(`sql/13_dates.sql`) use the same patterns, character for character.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from jiandu.fields.base import FieldInvalid, Issue, SemanticType
from jiandu.fields.text import halfwidth, trim_space

# Groups: 1 serial days, 2 serial fraction, 3 year, 4/5 month/day of YYYYMMDD, 6/7 month/day
# with separators, 8 hour, 9 minute, 10 second, 11 second fraction.
DATE_PATTERN = (
    r"^(?:([1-9][0-9]{4})(?:\.([0-9]{1,9}))?"
    r"|([0-9]{4})(?:([0-9]{2})([0-9]{2})"
    r"| *[-/.年] *([0-9]{1,2}) *[-/.月] *([0-9]{1,2}) *[日号]?)"
    r"(?:(?:T| *)([0-9]{1,2})[:时]([0-9]{1,2})"
    r"(?:[:分]([0-9]{1,2})(?:\.([0-9]{1,9}))?秒?|分)?"
    r"(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)$"
)
# Groups: 1 year, 2 month of YYYYMM, 3 month with a separator.
MONTH_PATTERN = r"^([0-9]{4})(?:([0-9]{2})| *[-/.年] *([0-9]{1,2}) *月?)$"
_DATE = re.compile(DATE_PATTERN)
_MONTH = re.compile(MONTH_PATTERN)
_EXCEL_EPOCH = datetime(1899, 12, 30)  # serial 61+ counts from here (1900 leap-year bug)
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def _issues(kind: str, zh_kind: str, en_kind: str) -> dict[str, Issue]:
    return {
        f"{kind}.unparseable": Issue(
            f"{kind}.unparseable", f"无法识别的{zh_kind}格式", f"Not a recognisable {en_kind}"
        ),
        f"{kind}.invalid": Issue(
            f"{kind}.invalid", f"不存在的{zh_kind}（如2月30日）", f"No such {en_kind} (e.g. Feb 30)"
        ),
        f"{kind}.range": Issue(
            f"{kind}.range", "年份须在1900至2100之间", "Year must be between 1900 and 2100"
        ),
    }


DATE_ISSUES = _issues("date", "日期", "date")
DATETIME_ISSUES = _issues("datetime", "日期时间", "date and time")
MONTH_ISSUES = _issues("month", "月份", "month")


@dataclass(frozen=True)
class _Parsed:
    """A parsed value before validation: calendar parts or an Excel serial."""

    year: int
    month: int
    day: int
    time: tuple[int, int, int, int] | None  # hour, minute, second, microsecond
    serial: datetime | None  # already a moment when the text was an Excel serial


def _clean(s: str) -> str:
    return trim_space(halfwidth(s))


def _parse(text: str) -> _Parsed | None:
    match = _DATE.fullmatch(text)
    if match is None:
        return None
    g = match.groups()
    if g[0] is not None:
        seconds = (Decimal(f"0.{g[1] or '0'}") * 86400).quantize(Decimal(1), ROUND_HALF_UP)
        moment = _EXCEL_EPOCH + timedelta(days=int(g[0]), seconds=int(seconds))
        return _Parsed(moment.year, moment.month, moment.day, None, moment)
    time = None
    if g[7] is not None:
        micro = int(((g[10] or "") + "000000")[:6])
        time = (int(g[7]), int(g[8]), int(g[9] or "0"), micro)
    return _Parsed(int(g[2]), int(g[3] or g[5]), int(g[4] or g[6]), time, None)


def _is_real_day(year: int, month: int, day: int) -> bool:
    if not 1 <= month <= 12 or day < 1:
        return False
    leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return day <= days


def _checked(s: str, issues: dict[str, Issue], kind: str, with_time: bool) -> _Parsed:
    parsed = _parse(_clean(s))
    if parsed is None:
        raise FieldInvalid(issues[f"{kind}.unparseable"])
    if not _is_real_day(parsed.year, parsed.month, parsed.day):
        raise FieldInvalid(issues[f"{kind}.invalid"])
    if with_time and parsed.time is not None:
        hour, minute, second, _micro = parsed.time
        if hour > 23 or minute > 59 or second > 59:
            raise FieldInvalid(issues[f"{kind}.invalid"])
    if not _MIN_YEAR <= parsed.year <= _MAX_YEAR:
        raise FieldInvalid(issues[f"{kind}.range"])
    return parsed


def normalize_date(s: str) -> date:
    """Parse a date in any accepted form (see module docstring), or raise FieldInvalid."""
    parsed = _checked(s, DATE_ISSUES, "date", with_time=False)
    return date(parsed.year, parsed.month, parsed.day)


def normalize_datetime(s: str) -> datetime:
    """Parse a date with an optional time of day (midnight when absent), or raise."""
    parsed = _checked(s, DATETIME_ISSUES, "datetime", with_time=True)
    if parsed.serial is not None:
        return parsed.serial
    hour, minute, second, micro = parsed.time or (0, 0, 0, 0)
    return datetime(parsed.year, parsed.month, parsed.day, hour, minute, second, micro)


def normalize_month(s: str) -> date:
    """Parse a month ("2021-03", "202103", "2021年3月" or a full date) to its first day."""
    text = _clean(s)
    match = _MONTH.fullmatch(text)
    if match is None:
        parsed = _checked(s, MONTH_ISSUES, "month", with_time=False)
        return date(parsed.year, parsed.month, 1)
    year, month = int(match.group(1)), int(match.group(2) or match.group(3))
    if not 1 <= month <= 12:
        raise FieldInvalid(MONTH_ISSUES["month.invalid"])
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise FieldInvalid(MONTH_ISSUES["month.range"])
    return date(year, month, 1)


DATE = SemanticType(
    name="date",
    label_zh="日期",
    label_en="Date",
    duckdb_type="DATE",
    normalize=normalize_date,
    sql_clean="jd_date_clean",
    sql_error="jd_date_error",
    issues=DATE_ISSUES,
)

DATETIME = SemanticType(
    name="datetime",
    label_zh="日期时间",
    label_en="Date and time",
    duckdb_type="TIMESTAMP",
    normalize=normalize_datetime,
    sql_clean="jd_datetime_clean",
    sql_error="jd_datetime_error",
    issues=DATETIME_ISSUES,
)

MONTH = SemanticType(
    name="month",
    label_zh="月份",
    label_en="Month",
    duckdb_type="DATE",
    normalize=normalize_month,
    sql_clean="jd_month_clean",
    sql_error="jd_month_error",
    issues=MONTH_ISSUES,
)

TYPES: tuple[SemanticType, ...] = (DATE, DATETIME, MONTH)
