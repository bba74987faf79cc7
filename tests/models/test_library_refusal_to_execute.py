"""Library model refusal_to_execute: every branch, every decoy, parameters."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
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
from jiandu.fields.uscc import check_char, org_check_char

MODEL = "refusal_to_execute"


def pid(seq: int) -> str:
    """A valid 18-digit ID number (Shaoxing Yuecheng, born 1980-06-01)."""
    first17 = f"33060219800601{seq:03d}"
    return first17 + id_check_digit(first17)


def uscc(seq: int) -> str:
    """A valid unified social credit code of a Shaoxing company."""
    org8 = f"{seq:08d}"
    first17 = "91330602" + org8 + org_check_char(org8)
    return first17 + check_char(first17)


def case(
    seq: int,
    id_card: str,
    name: str,
    filed: date,
    method: str | None = "终结本次执行",
    *,
    closed: date | None = None,
    source: str | None = None,
    listed: date | None = None,
    exec_no: str | None = None,
) -> dict[str, Any]:
    return {
        "exec_case_no": exec_no or f"（{filed.year}）浙0602执{seq}号",
        "source_case_no": source or f"（{filed.year - 1}）浙0602民初{seq}号",
        "applicant_name": "绍兴某商贸有限公司",
        "respondent_name": name,
        "respondent_id_card": id_card,
        "respondent_uscc": None,
        "amount": Decimal("150000.00"),
        "filing_date": filed,
        "closing_date": closed,
        "closing_method": method,
        "defaulter_listed_date": listed,
    }


def reg(plate: str, event: str, on: date, owner_id: str, *, status: str = "正常") -> dict[str, Any]:
    return {
        "plate": plate,
        "vin": None,
        "owner_name": "车主",
        "owner_id_card": owner_id,
        "owner_uscc": None,
        "status": status,
        "event": event,
        "event_date": on,
    }


OTHER = pid(900)  # an unrelated buyer
R1, R2, R3, R4, R5, R5B, R6, R6B, R7, R8 = (pid(n) for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10))

CASES = [
    case(1001, R1, "李一", date(2022, 3, 1), closed=date(2022, 9, 1)),
    case(1002, R2, "李二", date(2022, 4, 1), closed=date(2022, 10, 1)),
    # Terminated for lack of property, later resumed and paid in full on 2023-03-01.
    case(
        1003,
        R3,
        "李三",
        date(2021, 5, 1),
        closed=date(2021, 12, 1),
        source="（2020）浙0602民初300号",
    ),
    case(
        5,
        R3,
        "李三",
        date(2023, 1, 5),
        "执行完毕",
        closed=date(2023, 3, 1),
        source="（2020）浙0602民初300号",
        exec_no="（2023）浙0602执恢5号",
    ),
    case(1004, R4, "李四", date(2022, 1, 1), closed=date(2022, 6, 1)),
    case(1005, R5, "李五", date(2022, 2, 1), closed=date(2022, 8, 1)),
    case(1006, R5B, "李五乙", date(2022, 2, 1), closed=date(2022, 8, 1)),
    # Still open (no closing method), listed as a defaulter on 2023-01-01.
    case(1007, R6, "李六", date(2022, 5, 1), None, listed=date(2023, 1, 1)),
    case(1008, R6B, "李六乙", date(2022, 5, 1), None, listed=date(2023, 6, 1)),
    case(1009, R7, "李七", date(2023, 1, 1), None),
    case(1010, R8, "李八", date(2023, 1, 1), None),
]

REGISTRY = [
    reg("浙D20001", "注册", date(2023, 5, 10), R1),
    reg("浙D20002", "注册", date(2020, 1, 1), R2),
    reg("浙D20002", "转移", date(2022, 6, 15), OTHER),
    reg("浙D20003", "注册", date(2023, 8, 1), R3),  # decoy: after the debt was paid
    reg("浙D20004", "注册", date(2019, 1, 1), R4),
    reg("浙D20004", "转移", date(2022, 12, 1), OTHER),  # decoy: after the court's auction
    reg("浙D20006", "注册", date(2021, 1, 1), R6),
    reg("浙D20006", "转移", date(2023, 6, 1), OTHER),
    reg("浙D20016", "注册", date(2021, 1, 1), R6B),
    reg("浙D20016", "转移", date(2023, 1, 1), OTHER),  # decoy: before the listing
    reg("浙D20007", "注册", date(2020, 1, 1), R7),
    reg("浙D20007", "查封", date(2023, 2, 1), R7, status="查封"),
    reg("浙D20008", "注册", date(2020, 1, 1), R8),
    reg("浙D20008", "查封", date(2023, 2, 1), R8, status="查封"),
    reg("浙D20008", "解封", date(2023, 4, 1), R8),  # decoy: released before the violation
]

AUCTIONS = [
    {
        "auction_id": "PM2004",
        "exec_case_no": "（2022）浙0602执1004号",
        "item_type": "vehicle",
        "plate": "浙D20004",
        "appraisal_price": Decimal("50000.00"),
        "start_price": Decimal("40000.00"),
        "deal_price": Decimal("42000.00"),
        "round": "一拍",
        "deal_date": date(2022, 10, 1),
        "buyer_name": "王某",
        "buyer_id_card": OTHER,
    }
]

COMPANIES = [
    {
        "uscc": uscc(5),
        "name": "绍兴李五贸易有限公司",
        "legal_rep_name": "李五",
        "legal_rep_id_card": R5,
        "established": date(2023, 1, 15),
        "status": "存续",
    },
    {  # decoy: founded before the enforcement case
        "uscc": uscc(6),
        "name": "绍兴李五乙建材有限公司",
        "legal_rep_name": "李五乙",
        "legal_rep_id_card": R5B,
        "established": date(2020, 3, 1),
        "status": "存续",
    },
]


def violation(vid: str, plate: str, at: datetime) -> dict[str, Any]:
    return {"violation_id": vid, "plate": plate, "violation_time": at, "type": "超速"}


VIOLATIONS = [
    violation("W1", "浙D20007", datetime(2023, 5, 5, 9, 0)),
    violation("W2", "浙D20007", datetime(2023, 1, 10, 9, 0)),  # before the seal
    violation("W3", "浙D20008", datetime(2023, 5, 5, 9, 0)),
]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    table(connection, "execution_case", CASES)
    table(connection, "vehicle_registry", REGISTRY)
    table(connection, "judicial_auction", AUCTIONS)
    table(connection, "company_registry", COMPANIES)
    table(connection, "traffic_violation", VIOLATIONS)
    yield connection
    connection.close()


def test_every_branch_fires_on_its_planted_case(con: duckdb.DuckDBPyConnection) -> None:
    assert hit_keys(con, MODEL) == {
        R1: {"acquired_vehicle"},
        R2: {"transferred_vehicle"},
        R5: {"became_legal_rep"},
        R6: {"defaulter_transfer"},
        R7: {"sealed_vehicle_used"},
    }


def test_decoy_acquisition_after_the_debt_was_paid(con: duckdb.DuckDBPyConnection) -> None:
    assert R3 not in hit_keys(con, MODEL)


def test_acquisition_before_payment_still_counts(con: duckdb.DuckDBPyConnection) -> None:
    # A vehicle taken over between the termination and the payment is a clue.
    con.execute(
        "INSERT INTO vehicle_registry (plate, owner_id_card, event, event_date) "
        "VALUES ('浙D20033', ?, '转移', DATE '2022-06-01')",
        [R3],
    )
    assert hit_keys(con, MODEL)[R3] == {"acquired_vehicle"}


def test_decoy_transfer_by_court_auction(con: duckdb.DuckDBPyConnection) -> None:
    assert R4 not in hit_keys(con, MODEL)


def test_decoy_company_founded_before_the_case(con: duckdb.DuckDBPyConnection) -> None:
    assert R5B not in hit_keys(con, MODEL)


def test_decoy_transfer_before_the_listing(con: duckdb.DuckDBPyConnection) -> None:
    assert R6B not in hit_keys(con, MODEL)


def test_decoy_seal_released_before_the_violation(con: duckdb.DuckDBPyConnection) -> None:
    assert R8 not in hit_keys(con, MODEL)


def test_evidence_and_titles(con: duckdb.DuckDBPyConnection) -> None:
    rows = {(h["subject_key"], h["branch"]): h for h in hits(con, MODEL)}
    acquired = rows[(R1, "acquired_vehicle")]
    assert acquired["title"] == (
        "被执行人李一（（2022）浙0602执1001号）：终本案件立案后名下新登记机动车1辆，"
        "最近一次2023-05-10"
    )
    assert acquired["severity"] == "high"
    assert acquired["evidence"]["amount"] == Decimal("150000.00")
    moved = rows[(R2, "transferred_vehicle")]
    assert moved["last_act"] == date(2022, 6, 15)
    company = rows[(R5, "became_legal_rep")]
    assert company["severity"] == "medium"
    assert company["title"].endswith("新设企业并任法定代表人1家，如绍兴李五贸易有限公司")
    listed = rows[(R6, "defaulter_transfer")]
    assert "纳入失信名单（2023-01-01）后将机动车过户他人1辆" in listed["title"]
    sealed = rows[(R7, "sealed_vehicle_used")]
    assert sealed["acts"] == 1
    assert sealed["title"].endswith(
        "名下被查封车辆浙D20007查封后仍有交通违法1次，最近一次2023-05-05"
    )


def test_parameter_overrides(con: duckdb.DuckDBPyConnection) -> None:
    found = hit_keys(
        con, MODEL, params={"acquisition_events": ["转移"], "min_sealed_violations": 2}
    )
    assert R1 not in found  # a first registration no longer counts
    assert R7 not in found  # one violation is now too few
    assert found[R2] == {"transferred_vehicle"}


# Optional datasets (optional_sources) and the branches that cannot run without them.
VEHICLE_BRANCHES = {
    "acquired_vehicle",
    "transferred_vehicle",
    "defaulter_transfer",
    "sealed_vehicle_used",
}
OPTIONAL = {
    ("vehicle_registry",): VEHICLE_BRANCHES,
    ("company_registry",): {"became_legal_rep"},
    ("traffic_violation",): {"sealed_vehicle_used"},
    ("vehicle_registry", "company_registry", "traffic_violation"): VEHICLE_BRANCHES
    | {"became_legal_rep"},
}


def test_auctions_are_required() -> None:
    # Auctions feed a not_exists join: read as empty, court disposals would count as the
    # debtor's own transfers.
    assert library_spec(MODEL).required_types == {"execution_case", "judicial_auction"}


@pytest.mark.parametrize("empty", list(OPTIONAL), ids="+".join)
def test_empty_optional_datasets_silence_only_their_branches(
    con: duckdb.DuckDBPyConnection, empty: tuple[str, ...]
) -> None:
    needing = OPTIONAL[empty]
    full = hit_keys(con, MODEL)
    assert needing <= branches_fired(full)
    with emptied(con, *empty):
        assert hit_keys(con, MODEL) == without_branches(full, needing)
