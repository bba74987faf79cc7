"""Case types, reply periods, Chinese numerals and short names (pure)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from jiandu.cases.service import short_name
from jiandu.cases.types import (
    CASE_STATUS_ZH,
    CASE_TYPES,
    TEMPLATES,
    CaseError,
    ReplyPeriod,
    case_type,
    chinese_date,
    template,
)
from jiandu.store.schema import CASE_STATUSES


def test_every_case_type_has_a_label_a_period_and_its_template() -> None:
    assert list(CASE_TYPES) == [
        "procuratorial_suggestion",
        "retrial_suggestion",
        "protest",
        "filing_supervision",
        "crime_referral",
    ]
    for kind in CASE_TYPES.values():
        assert kind.label_zh and kind.label_en
        assert kind.reply_period.months or kind.reply_period.days
        assert TEMPLATES[kind.template.id] is kind.template
        assert kind.template.requests and kind.template.basis
        assert "{period}" in kind.template.reply
    suggestion = CASE_TYPES["procuratorial_suggestion"]
    assert (suggestion.label_zh, suggestion.template.title) == ("检察建议", "检察建议书")
    assert suggestion.reply_period == ReplyPeriod(
        months=2, basis="《人民检察院检察建议工作规定》第十九条"
    )
    assert set(CASE_STATUS_ZH) == set(CASE_STATUSES)


def test_lookup_by_id_or_label_and_the_refusals() -> None:
    assert case_type("抗诉") is CASE_TYPES["protest"]
    assert case_type("retrial_suggestion").label_zh == "再审检察建议"
    with pytest.raises(CaseError, match="known types: procuratorial_suggestion"):
        case_type("检察意见")
    assert template("crime_referral").title == "移送犯罪线索函"
    with pytest.raises(CaseError, match="no document template"):
        template("letter")


@pytest.mark.parametrize(
    ("period", "issued", "due"),
    [
        (
            ReplyPeriod(months=2),
            datetime(2026, 3, 10, 2, tzinfo=UTC),
            datetime(2026, 5, 10, 2, tzinfo=UTC),
        ),
        (
            ReplyPeriod(months=2),
            datetime(2026, 12, 31, tzinfo=UTC),
            datetime(2027, 2, 28, tzinfo=UTC),
        ),
        (
            ReplyPeriod(months=2),
            datetime(2027, 12, 31, tzinfo=UTC),
            datetime(2028, 2, 29, tzinfo=UTC),
        ),
        (
            ReplyPeriod(months=3),
            datetime(2026, 11, 30, tzinfo=UTC),
            datetime(2027, 2, 28, tzinfo=UTC),
        ),
        (ReplyPeriod(days=30), datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC)),
        (
            ReplyPeriod(months=1, days=1),
            datetime(2026, 1, 31, tzinfo=UTC),
            datetime(2026, 3, 1, tzinfo=UTC),
        ),
    ],
)
def test_deadlines_count_calendar_months(
    period: ReplyPeriod, issued: datetime, due: datetime
) -> None:
    assert period.due(issued) == due


def test_periods_and_dates_in_chinese() -> None:
    assert ReplyPeriod(months=2).label_zh == "两个月"
    assert ReplyPeriod(months=3).label_zh == "三个月"
    assert ReplyPeriod(days=15).label_zh == "十五日"
    assert ReplyPeriod(days=30).label_zh == "三十日"
    assert ReplyPeriod(months=1, days=12).label_zh == "一个月十二日"
    assert chinese_date(datetime(2026, 11, 25)) == "二〇二六年十一月二十五日"
    assert chinese_date(datetime(2030, 1, 2)) == "二〇三〇年一月二日"
    assert chinese_date(datetime(2024, 10, 20)) == "二〇二四年十月二十日"


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("绍兴市越城区人民检察院", "越"),
        ("绍兴市人民检察院", "绍"),
        ("浙江省人民检察院", "浙"),
        ("新疆维吾尔自治区人民检察院", "新"),
        ("嵊州市人民检察院", "嵊"),
        ("长兴县人民检察院", "长"),
        ("人民检察院", "本"),
    ],
)
def test_short_names_of_procuratorates(name: str, short: str) -> None:
    assert short_name(name) == short
