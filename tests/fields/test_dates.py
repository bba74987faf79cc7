"""date, datetime and month: accepted forms and error codes."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from jiandu.fields.base import FieldInvalid
from jiandu.fields.dates import normalize_date, normalize_datetime, normalize_month

MARCH_5 = date(2021, 3, 5)


@pytest.mark.parametrize(
    "raw",
    [
        "2021-03-05",
        "2021/3/5",
        "2021.3.5",
        "2021年3月5日",
        "2021年03月05号",
        "20210305",
        "44260",
        "４４２６０",
        "２０２１－０３－０５",
        "2021-03-05T14:05:33Z",
        "2021-3-5 0:00:00",
        "2021-03-05 14:05:33.123+08:00",
        "44260.75",
    ],
)
def test_date_forms(raw: str) -> None:
    assert normalize_date(raw) == MARCH_5


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2021-02-30", "date.invalid"),
        ("2021-13-01", "date.invalid"),
        ("1900-02-29", "date.invalid"),
        ("abc", "date.unparseable"),
        ("2021-03", "date.unparseable"),
        ("1899-12-31", "date.range"),
        ("2101-01-01", "date.range"),
        ("99999", "date.range"),
        ("09999", "date.unparseable"),
    ],
)
def test_date_errors(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        normalize_date(raw)
    assert caught.value.issue.code == code


def test_leap_day_and_excel_serials() -> None:
    assert normalize_date("2000-02-29") == date(2000, 2, 29)
    assert normalize_date("10000") == date(1927, 5, 18)
    assert normalize_datetime("44260.5") == datetime(2021, 3, 5, 12)
    assert normalize_datetime("44260.99999999") == datetime(2021, 3, 6)  # rounds to the second


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("2021-03-05 14:05", datetime(2021, 3, 5, 14, 5)),
        ("2021-03-05 14:05:33", datetime(2021, 3, 5, 14, 5, 33)),
        ("2021年3月5日14时05分", datetime(2021, 3, 5, 14, 5)),
        ("2021年3月5日 14时05分33秒", datetime(2021, 3, 5, 14, 5, 33)),
        ("2021-03-05T14:05:33.1234567", datetime(2021, 3, 5, 14, 5, 33, 123456)),
        ("2021-03-05", datetime(2021, 3, 5)),
    ],
)
def test_datetime_forms(raw: str, value: datetime) -> None:
    assert normalize_datetime(raw) == value


def test_datetime_checks_time_date_does_not() -> None:
    with pytest.raises(FieldInvalid) as caught:
        normalize_datetime("2021-03-05 24:00")
    assert caught.value.issue.code == "datetime.invalid"
    assert normalize_date("2021-03-05 24:00") == MARCH_5


@pytest.mark.parametrize(
    "raw", ["2021-03", "2021/3", "2021年3月", "202103", "2021.03", "2021-03-31", "44260"]
)
def test_month_forms(raw: str) -> None:
    assert normalize_month(raw) == date(2021, 3, 1)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2021-13", "month.invalid"),
        ("202100", "month.invalid"),
        ("2021-02-30", "month.invalid"),
        ("1899-12", "month.range"),
        ("March", "month.unparseable"),
    ],
)
def test_month_errors(raw: str, code: str) -> None:
    with pytest.raises(FieldInvalid) as caught:
        normalize_month(raw)
    assert caught.value.issue.code == code
