"""Refinements of library models: pension_after_death's in-custody branch and
case_filing_supervision's repeat-theft branch, with the look-alikes they must leave alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from library_pool import hit_keys, hits, table

from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.models import library_models

PENSION = "pension_after_death"
PENSION_PAY = Decimal("2000")
FILING = "case_filing_supervision"


def pid(seq: int, born: str = "19520101") -> str:
    """A valid 18-digit ID number of a person registered in 越城区."""
    first17 = f"330602{born}{seq:03d}"
    return first17 + id_check_digit(first17)


def months(first: date, last: date) -> list[date]:
    """First days of the months from `first` to `last`, inclusive."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


# --- pension_after_death: pensions are suspended in custody --------------------------------

PRISON = pid(11)  # 有期徒刑 2023-03-15..2024-03-14, paid throughout → Apr 2023–Feb 2024
DETAINED = pid(12)  # 拘役 2024-01-10..2024-05-09 → Feb, Mar, Apr
LIFE = pid(13)  # 无期徒刑 from 2023-11-20, no end date → Dec 2023–Jun 2024
PROBATION = pid(21)  # 缓刑: keeps the pension
SURVEILLANCE = pid(22)  # 管制: keeps the pension
PAROLED = pid(23)  # 有期徒刑 to 2025, paroled 2023-06-10; paid again from June 2023
EDGES = pid(24)  # 拘役 2024-02-20..2024-03-19: only the admission and release months paid
ONE_MONTH = pid(25)  # 拘役 2024-01-15..2024-03-10: one month inside, below the threshold
DEAD = pid(31)  # died 2024-01-15, paid Feb–May: the death branch still works
DEATH_MONTH = pid(32)  # died 2024-03-20, paid up to March: the death-month decoy


@pytest.fixture(scope="module")
def pension_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    paid = {
        PRISON: months(date(2023, 1, 1), date(2024, 6, 1)),
        DETAINED: months(date(2023, 10, 1), date(2024, 6, 1)),
        LIFE: months(date(2023, 6, 1), date(2024, 6, 1)),
        PROBATION: months(date(2023, 1, 1), date(2024, 6, 1)),
        SURVEILLANCE: months(date(2023, 1, 1), date(2024, 6, 1)),
        PAROLED: months(date(2023, 6, 1), date(2024, 6, 1)),
        EDGES: months(date(2024, 1, 1), date(2024, 6, 1)),
        ONE_MONTH: months(date(2023, 12, 1), date(2024, 3, 1)),
        DEAD: months(date(2024, 1, 1), date(2024, 5, 1)),
        DEATH_MONTH: months(date(2024, 1, 1), date(2024, 3, 1)),
    }
    table(
        con,
        "pension_payment",
        [
            {"id_card": who, "name": f"退休人员{who[-4:-1]}", "pay_month": m, "amount": PENSION_PAY}
            for who, paid_months in paid.items()
            for m in paid_months
        ],
    )
    table(
        con,
        "death_record",
        [
            {"id_card": DEAD, "death_date": date(2024, 1, 15), "source": "火化"},
            {"id_card": DEATH_MONTH, "death_date": date(2024, 3, 20), "source": "户籍注销"},
        ],
    )

    def sentence(who: str, kind: str, start: date, end: date | None) -> dict[str, Any]:
        return {
            "id_card": who,
            "sentence_type": kind,
            "start_date": start,
            "end_date": end,
            "case_no": "（2023）浙0602刑初88号",
        }

    table(
        con,
        "sentence_record",
        [
            sentence(PRISON, "有期徒刑", date(2023, 3, 15), date(2024, 3, 14)),
            sentence(DETAINED, "拘役", date(2024, 1, 10), date(2024, 5, 9)),
            sentence(LIFE, "无期徒刑", date(2023, 11, 20), None),
            sentence(PROBATION, "缓刑", date(2023, 2, 1), date(2025, 1, 31)),
            sentence(SURVEILLANCE, "管制", date(2023, 4, 1), date(2024, 3, 31)),
            sentence(PAROLED, "有期徒刑", date(2022, 1, 1), date(2025, 12, 31)),
            sentence(PAROLED, "假释", date(2023, 6, 10), date(2025, 12, 31)),
            sentence(EDGES, "拘役", date(2024, 2, 20), date(2024, 3, 19)),
            sentence(ONE_MONTH, "拘役", date(2024, 1, 15), date(2024, 3, 10)),
        ],
    )
    return con


@pytest.fixture(scope="module")
def pension_hits(pension_con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """pension_after_death's hits with default parameters, computed once."""
    return hits(pension_con, PENSION)


def keys_of(rows: list[dict[str, Any]]) -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for row in rows:
        keys.setdefault(str(row["subject_key"]), set()).add(str(row["branch"]))
    return keys


def test_pension_finds_exactly_the_planted_cases(pension_hits: list[dict[str, Any]]) -> None:
    assert keys_of(pension_hits) == {
        PRISON: {"in_custody"},
        DETAINED: {"in_custody"},
        LIFE: {"in_custody"},
        DEAD: {"after_death"},
    }


def test_in_custody_evidence_and_title(pension_hits: list[dict[str, Any]]) -> None:
    found = {h["subject_key"]: h for h in pension_hits}
    prison = found[PRISON]
    assert (prison["months"], prison["total_amount"]) == (11, Decimal("22000.00"))
    assert (prison["first_month"], prison["last_month"]) == (date(2023, 4, 1), date(2024, 2, 1))
    assert prison["evidence"]["sentence_type"] == "有期徒刑"
    assert (prison["custody_start"], prison["custody_end"]) == (
        date(2023, 3, 15),
        date(2024, 3, 14),
    )
    assert prison["death_date"] is None and prison["severity"] == "high"
    assert prison["title"] == (
        "退休人员011服有期徒刑期间（2023-03-15起）仍领取养老金11个月，共22000.00元"
    )
    assert found[DETAINED]["months"] == 3 and found[LIFE]["months"] == 7
    assert found[LIFE]["custody_end"] is None
    # The death branch's title reads as before the refinement.
    assert found[DEAD]["title"] == "退休人员031死亡（2024-01-15）后仍领取养老金4个月，共8000.00元"


@pytest.mark.parametrize(
    ("who", "why"),
    [
        (PROBATION, "a suspended sentence (缓刑) keeps the pension"),
        (SURVEILLANCE, "public surveillance (管制) keeps the pension"),
        (PAROLED, "payments resumed on parole (假释), the prison months were not paid"),
        (EDGES, "only the months of admission and release were paid"),
        (ONE_MONTH, "one month inside custody is below the threshold"),
        (DEATH_MONTH, "the payment for the month of death"),
    ],
)
def test_pension_decoys_are_not_flagged(
    pension_hits: list[dict[str, Any]], who: str, why: str
) -> None:
    assert who not in keys_of(pension_hits), why


def test_pension_custody_parameters(pension_con: duckdb.DuckDBPyConnection) -> None:
    tuned = hit_keys(
        pension_con, PENSION, params={"min_custody_months": 1, "release_types": ["暂予监外执行"]}
    )
    assert tuned[ONE_MONTH] == {"in_custody"}  # one month is now enough
    assert tuned[PAROLED] == {"in_custody"}  # parole no longer ends custody
    no_detention = hit_keys(pension_con, PENSION, params={"custodial_sentences": ["有期徒刑"]})
    assert set(no_detention) == {PRISON, DEAD}
    assert library_models()[PENSION].version == 2


# --- case_filing_supervision: theft three times within two years ----------------------------

REPEAT = pid(41, "19900101")  # thefts 2023-01, 2023-08, 2024-02 (not filed), 2024-04 (fined)
SPREAD = pid(42, "19900101")  # three thefts over more than two years
FILED = pid(43, "19900101")  # three thefts, the third filed as a crime
FRAUDSTER = pid(44, "19900101")  # three small frauds: repeat fraud is no crime by count
PARTNER = pid(45, "19900101")  # REPEAT's accomplice in the third theft, first offence
GANG = [(pid(46, "19900101"), "沈某"), (pid(47, "19900101"), "杨某")]  # a one-off joint theft


def incident(
    n: int,
    when: datetime,
    status: str,
    amount: str,
    suspects: Sequence[tuple[str | None, str]],
    kind: str = "盗窃",
) -> list[dict[str, Any]]:
    """One incident as one row per suspect, as police exports carry them."""
    return [
        {
            "incident_id": f"J3306020{when:%Y%m%d}{n:04d}",
            "report_time": when,
            "incident_type": kind,
            "amount": Decimal(amount),
            "status": status,
            "decision_date": when.date(),
            "handling_unit": "绍兴市公安局越城区分局城南派出所",
            "suspect_id_card": id_card,
            "suspect_name": name,
        }
        for id_card, name in suspects
    ]


def jid(n: int, day: str) -> str:
    return f"J3306020{day}{n:04d}"


@pytest.fixture(scope="module")
def filing_con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    rows = [
        *incident(1, datetime(2023, 1, 5, 10), "行政处罚", "800", [(REPEAT, "韩某")]),
        *incident(2, datetime(2023, 8, 10, 21), "行政处罚", "500", [(REPEAT, "韩某")]),
        *incident(
            3, datetime(2024, 2, 1, 14), "治安调解", "300", [(REPEAT, "韩某"), (PARTNER, "冯某")]
        ),
        *incident(4, datetime(2024, 4, 1, 9), "行政处罚", "200", [(REPEAT, "韩某")]),
        *incident(5, datetime(2021, 3, 1, 9), "行政处罚", "600", [(SPREAD, "褚某")]),
        *incident(6, datetime(2022, 6, 1, 9), "行政处罚", "700", [(SPREAD, "褚某")]),
        *incident(7, datetime(2023, 9, 1, 9), "行政处罚", "400", [(SPREAD, "褚某")]),
        *incident(8, datetime(2023, 3, 1, 9), "行政处罚", "900", [(FILED, "卫某")]),
        *incident(9, datetime(2023, 6, 1, 9), "行政处罚", "900", [(FILED, "卫某")]),
        *incident(10, datetime(2023, 9, 1, 9), "立案", "900", [(FILED, "卫某")]),
        *incident(11, datetime(2023, 2, 1, 9), "行政处罚", "1000", [(FRAUDSTER, "蒋某")], "诈骗"),
        *incident(12, datetime(2023, 5, 1, 9), "行政处罚", "1000", [(FRAUDSTER, "蒋某")], "诈骗"),
        *incident(13, datetime(2023, 8, 1, 9), "行政处罚", "1000", [(FRAUDSTER, "蒋某")], "诈骗"),
        # Three thefts by a suspect known only by a common name: not matched on names.
        *incident(14, datetime(2023, 4, 1, 9), "行政处罚", "300", [(None, "王伟")]),
        *incident(15, datetime(2023, 7, 1, 9), "行政处罚", "300", [(None, "王伟")]),
        *incident(16, datetime(2023, 10, 1, 9), "行政处罚", "300", [(None, "王伟")]),
        # Above the threshold, two suspects, only fined: one clue for the incident.
        *incident(17, datetime(2024, 3, 3, 9), "行政处罚", "5000", GANG),
        # Below the threshold, first offence: the amount decoy.
        *incident(18, datetime(2024, 3, 4, 9), "不予立案", "2500", [(pid(48, "19900101"), "朱某")]),
    ]  # fmt: skip
    table(con, "police_incident", rows)
    return con


@pytest.fixture(scope="module")
def filing_hits(filing_con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """case_filing_supervision's hits with default parameters, computed once."""
    return hits(filing_con, FILING)


def test_filing_finds_exactly_the_planted_cases(filing_hits: list[dict[str, Any]]) -> None:
    found = filing_hits
    assert len(found) == 3  # one clue per incident, though incidents 3 and 17 have two suspects
    assert {str(h["subject_key"]): {h["branch"]} for h in found} == {
        jid(3, "20240201"): {"repeat_theft"},
        jid(4, "20240401"): {"repeat_theft"},
        jid(17, "20240303"): {"not_filed"},
    }


def test_repeat_theft_evidence_and_title(filing_hits: list[dict[str, Any]]) -> None:
    found = {h["subject_key"]: h for h in filing_hits}
    third, fourth = found[jid(3, "20240201")], found[jid(4, "20240401")]
    assert (third["thefts"], third["suspect_id_card"], third["suspect_name"]) == (3, REPEAT, "韩某")
    assert third["first_theft_date"] == date(2023, 1, 5) and fourth["thefts"] == 4
    assert third["evidence"]["amount"] == Decimal("300.00") and third["severity"] == "high"
    assert third["title"] == f"盗窃警情{jid(3, '20240201')}涉案300.00元，处理结果：治安调解"


@pytest.mark.parametrize(
    ("incident_id", "why"),
    [
        (jid(1, "20230105"), "the first theft was no crime when it was handled"),
        (jid(2, "20230810"), "the second theft was no crime when it was handled"),
        (jid(7, "20230901"), "three thefts spread over more than two years"),
        (jid(9, "20230601"), "the series whose third theft was filed as a crime"),
        (jid(13, "20230801"), "three small frauds: counting applies to theft only"),
        (jid(16, "20231001"), "suspects known only by name are not matched"),
        (jid(18, "20240304"), "a first theft below the amount threshold"),
    ],
)
def test_filing_decoys_are_not_flagged(
    filing_hits: list[dict[str, Any]], incident_id: str, why: str
) -> None:
    assert incident_id not in keys_of(filing_hits), why


def test_repeat_theft_parameters(filing_con: duckdb.DuckDBPyConnection) -> None:
    two = hit_keys(filing_con, FILING, params={"repeat_min_thefts": 2})
    assert two[jid(2, "20230810")] == {"repeat_theft"}
    assert two[jid(9, "20230601")] == {"repeat_theft"}
    longer = hit_keys(filing_con, FILING, params={"repeat_window_days": 1000})
    assert longer[jid(7, "20230901")] == {"repeat_theft"}
    assert library_models()[FILING].version == 2
