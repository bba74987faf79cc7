"""医保骗保 (medical_insurance_fraud): planted cases, decoys and parameters on a tiny pool."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from library_pool import (
    branches_fired,
    emptied,
    hit_keys,
    hits,
    library_spec,
    table,
    without_branches,
)

from jiandu.fields.id_card import check_char as id_check_digit

MODEL = "medical_insurance_fraud"


def person(serial: int) -> str:
    """A valid 18-digit ID of someone born in 1950 in 越城区."""
    first17 = f"33060219500101{serial:03d}"
    return first17 + id_check_digit(first17)


OVERLAP = person(11)  # 绍兴市人民医院 3/1–3/20 and 越城区中医院 3/10–3/25: true case
TRANSFER = person(21)  # discharged and admitted elsewhere on 4/10: decoy
ONE_NIGHT = person(31)  # stays overlap by one night only: below the default
SAME_HOSPITAL = person(41)  # a mid-stay settlement in one hospital: not two hospitals
DEAD_TREATED = person(51)  # died 2/1, admitted 3/5: true case
DIED_IN_CARE = person(61)  # died in hospital 2/1, bill closed 2/6: decoy
DEAD_OUTPATIENT = person(71)  # died 1/10, two outpatient settlements in March: true case
BOTH = person(81)  # dead, and two overlapping stays after death: both branches

PEOPLE = {
    OVERLAP: "王建国",
    TRANSFER: "李秀英",
    ONE_NIGHT: "张伟",
    SAME_HOSPITAL: "刘芳",
    DEAD_TREATED: "陈明",
    DIED_IN_CARE: "杨桂英",
    DEAD_OUTPATIENT: "赵强",
    BOTH: "周海燕",
}


def settlement(
    sid: int,
    id_card: str,
    hospital: str,
    admit: date | None,
    discharge: date | None,
    settle: date,
    fund: str = "8000.00",
) -> dict[str, Any]:
    return {
        "settlement_id": f"JS2024{sid:06d}",
        "id_card": id_card,
        "name": PEOPLE[id_card],
        "hospital": hospital,
        "admit_date": admit,
        "discharge_date": discharge,
        "settle_date": settle,
        "total": Decimal(fund) * 2,
        "fund_paid": Decimal(fund),
    }


A, B, C = "绍兴市人民医院", "绍兴市越城区中医院", "绍兴第二医院"


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    db = duckdb.connect()
    d = date
    table(
        db,
        "medical_settlement",
        [
            settlement(1, OVERLAP, A, d(2024, 3, 1), d(2024, 3, 20), d(2024, 3, 20), "9000.00"),
            settlement(2, OVERLAP, B, d(2024, 3, 10), d(2024, 3, 25), d(2024, 3, 26), "7000.00"),
            settlement(3, OVERLAP, B, d(2024, 5, 1), d(2024, 5, 3), d(2024, 5, 3)),
            settlement(4, TRANSFER, A, d(2024, 4, 1), d(2024, 4, 10), d(2024, 4, 10)),
            settlement(5, TRANSFER, B, d(2024, 4, 10), d(2024, 4, 20), d(2024, 4, 21)),
            settlement(6, ONE_NIGHT, A, d(2024, 5, 1), d(2024, 5, 11), d(2024, 5, 11)),
            settlement(7, ONE_NIGHT, B, d(2024, 5, 10), d(2024, 5, 20), d(2024, 5, 20)),
            settlement(8, SAME_HOSPITAL, A, d(2024, 1, 1), d(2024, 1, 31), d(2024, 1, 31)),
            settlement(9, SAME_HOSPITAL, A, d(2024, 1, 15), d(2024, 2, 20), d(2024, 2, 20)),
            settlement(10, DEAD_TREATED, C, d(2024, 3, 5), d(2024, 3, 12), d(2024, 3, 12)),
            settlement(11, DEAD_TREATED, C, d(2023, 12, 1), d(2023, 12, 9), d(2023, 12, 9)),
            settlement(12, DIED_IN_CARE, A, d(2024, 1, 20), d(2024, 2, 1), d(2024, 2, 6)),
            settlement(13, DEAD_OUTPATIENT, C, None, None, d(2024, 3, 2), "300.00"),
            settlement(14, DEAD_OUTPATIENT, C, None, None, d(2024, 3, 16), "280.00"),
            settlement(15, BOTH, A, d(2024, 4, 1), d(2024, 4, 15), d(2024, 4, 15)),
            settlement(16, BOTH, B, d(2024, 4, 2), d(2024, 4, 18), d(2024, 4, 18)),
        ],
    )
    table(
        db,
        "death_record",
        [
            {
                "id_card": DEAD_TREATED,
                "name": "陈明",
                "death_date": d(2024, 2, 1),
                "source": "火化",
            },
            {
                "id_card": DIED_IN_CARE,
                "name": "杨桂英",
                "death_date": d(2024, 2, 1),
                "source": "医院",
            },
            # The registry cancellation is later; the cremation date counts.
            {
                "id_card": DEAD_OUTPATIENT,
                "name": "赵强",
                "death_date": d(2024, 3, 20),
                "source": "户籍注销",
            },
            {
                "id_card": DEAD_OUTPATIENT,
                "name": "赵强",
                "death_date": d(2024, 1, 10),
                "source": "火化",
            },
            {"id_card": BOTH, "name": "周海燕", "death_date": d(2024, 3, 1), "source": "火化"},
        ],
    )
    return db


def test_planted_cases_and_branches(con: duckdb.DuckDBPyConnection) -> None:
    assert hit_keys(con, MODEL) == {
        OVERLAP: {"overlapping_stays"},
        DEAD_TREATED: {"after_death"},
        DEAD_OUTPATIENT: {"after_death"},
        BOTH: {"overlapping_stays", "after_death"},
    }


def test_overlap_evidence_and_title(con: duckdb.DuckDBPyConnection) -> None:
    found = {(h["subject_key"], h["branch"]): h for h in hits(con, MODEL)}
    overlap = found[(OVERLAP, "overlapping_stays")]
    assert overlap["subject_type"] == "person" and overlap["severity"] == "high"
    assert overlap["max_overlap_days"] == 10 and overlap["overlap_pairs"] == 1
    # Only the two overlapping stays count, not the later stay in May.
    assert overlap["settlements"] == 2 and overlap["fund_paid"] == Decimal("16000.00")
    assert overlap["title"] == (
        "王建国在绍兴市人民医院与绍兴市越城区中医院的住院期间重叠10天（自2024-03-10起），"
        "统筹基金支付16000.00元"
    )
    dead = found[(DEAD_TREATED, "after_death")]
    assert dead["settlements"] == 1 and dead["first_after_death"] == date(2024, 3, 5)
    assert dead["evidence"]["death_date"] == date(2024, 2, 1)
    assert (
        dead["title"]
        == "陈明死亡（2024-02-01）后仍在绍兴第二医院等机构发生医保结算1笔，统筹基金支付8000.00元"
    )
    outpatient = found[(DEAD_OUTPATIENT, "after_death")]
    assert outpatient["death_date"] == date(2024, 1, 10) and outpatient["settlements"] == 2


def test_transfer_on_one_day_is_not_an_overlap(con: duckdb.DuckDBPyConnection) -> None:
    assert TRANSFER not in hit_keys(con, MODEL)
    assert TRANSFER not in hit_keys(con, MODEL, params={"min_overlap_days": 1})


def test_one_night_overlap_needs_a_lower_threshold(con: duckdb.DuckDBPyConnection) -> None:
    assert ONE_NIGHT not in hit_keys(con, MODEL)
    keys = hit_keys(con, MODEL, params={"min_overlap_days": 1})
    assert keys[ONE_NIGHT] == {"overlapping_stays"}


def test_split_bills_in_one_hospital_are_not_two_stays(con: duckdb.DuckDBPyConnection) -> None:
    assert SAME_HOSPITAL not in hit_keys(con, MODEL)


def test_bill_closed_after_death_in_care_is_not_a_clue(con: duckdb.DuckDBPyConnection) -> None:
    assert DIED_IN_CARE not in hit_keys(con, MODEL)
    # A discharge recorded well after the death is billing past it.
    con.execute(
        "UPDATE medical_settlement SET discharge_date = DATE '2024-02-05' WHERE id_card = ?",
        [DIED_IN_CARE],
    )
    assert hit_keys(con, MODEL)[DIED_IN_CARE] == {"after_death"}


def test_parameters_change_the_result(con: duckdb.DuckDBPyConnection) -> None:
    keys = hit_keys(con, MODEL, params={"min_after_death": 2, "min_overlap_days": 11})
    # OVERLAP (10 days) and DEAD_TREATED (one settlement) drop out.
    assert keys == {DEAD_OUTPATIENT: {"after_death"}, BOTH: {"overlapping_stays", "after_death"}}


def test_without_death_records_only_the_after_death_branch_is_silent(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert library_spec(MODEL).required_types == {"medical_settlement"}
    full = hit_keys(con, MODEL)
    assert "after_death" in branches_fired(full)
    with emptied(con, "death_record"):
        assert hit_keys(con, MODEL) == without_branches(full, {"after_death"})
