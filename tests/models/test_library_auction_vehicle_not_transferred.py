"""Library model auction_vehicle_not_transferred: every branch, every decoy, parameters."""

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

MODEL = "auction_vehicle_not_transferred"


def pid(seq: int) -> str:
    """A valid 18-digit ID number (Shaoxing Yuecheng, born 1985-01-01)."""
    first17 = f"33060219850101{seq:03d}"
    return first17 + id_check_digit(first17)


def auction(
    auction_id: str,
    plate: str | None,
    *,
    case: str = "（2023）浙0602执1001号",
    vin: str | None = None,
    round_: str = "一拍",
    appraisal: str = "100000.00",
    start: str = "80000.00",
    deal: date | None = None,
    buyer_id: str | None = None,
    item_type: str = "vehicle",
) -> dict[str, Any]:
    return {
        "auction_id": auction_id,
        "exec_case_no": case,
        "item_type": item_type,
        "item_desc": "住宅" if plate is None else f"{plate}小型轿车",
        "plate": plate,
        "vin": vin,
        "appraisal_price": Decimal(appraisal),
        "start_price": Decimal(start),
        "deal_price": None if deal is None else Decimal(start) + Decimal("1000.00"),
        "round": round_,
        "bidder_count": None if deal is None else 3,
        "deal_date": deal,
        "buyer_name": None if deal is None else "买受人",
        "buyer_id_card": buyer_id if deal is None else (buyer_id or pid(900)),
    }


def reg(
    plate: str,
    event: str,
    on: date,
    owner_id: str,
    *,
    vin: str | None = None,
    status: str = "正常",
    owner: str = "车主",
) -> dict[str, Any]:
    return {
        "plate": plate,
        "vin": vin,
        "owner_name": owner,
        "owner_id_card": owner_id,
        "status": status,
        "event": event,
        "event_date": on,
    }


def violation(vid: str, plate: str, at: datetime) -> dict[str, Any]:
    return {
        "violation_id": vid,
        "plate": plate,
        "violation_time": at,
        "place": "浙江省绍兴市越城区解放北路",
        "type": "违反禁令标志指示",
    }


DEBTOR_1 = pid(1)
DEBTOR_2 = pid(2)
DEBTOR_4 = pid(4)

AUCTIONS = [
    # Sold 2023-10-10, never transferred: still registered to the debtor.
    auction("PM001", "浙D10001", deal=date(2023, 10, 10)),
    # Sold 2023-11-01, never transferred, the plate keeps being caught.
    auction("PM002", "浙D10002", deal=date(2023, 11, 1)),
    # Decoy: transferred 44 days after the sale.
    auction("PM003", "浙D10003", deal=date(2023, 9, 1)),
    # Decoy: transferred within 90 days under a new plate (matched by VIN).
    auction("PM013", "浙D10013", vin="LSVAU2180N2183001", deal=date(2023, 9, 1)),
    # Decoy: sold only 60 days ago; the allowed period has not run out.
    auction("PM023", "浙D10023", deal=date(2024, 5, 1)),
    # Buyer is the registered owner (the debtor buys back); transferred in time.
    auction("PM004", "浙D10004", deal=date(2024, 2, 1), buyer_id=DEBTOR_4),
    # First round at 60% of the appraisal, unsold.
    auction("PM005", "浙D10005", start="60000.00", case="（2023）浙0602执1005号"),
    # Decoy: first round at exactly 70%.
    auction("PM015", "浙D10015", start="70000.00", case="（2023）浙0602执1015号"),
    # Decoy: a house at 60% is not this model's business.
    auction("PM025", None, start="60000.00", item_type="house", case="（2023）浙0602执1025号"),
    # First round 80,000 then second round 60,000: a 25% cut.
    auction("PM006", "浙D10006", case="（2023）浙0602执1006号"),
    auction("PM007", "浙D10006", round_="二拍", start="60000.00", case="（2023）浙0602执1006号"),
    # Decoy: 80,000 then 64,000, exactly 20%.
    auction("PM016", "浙D10016", case="（2023）浙0602执1016号"),
    auction("PM017", "浙D10016", round_="二拍", start="64000.00", case="（2023）浙0602执1016号"),
    # Deregistered in 2022, auctioned and sold in 2024.
    auction("PM008", "浙D10008", deal=date(2024, 3, 1)),
    # Transferred late (162 days); one violation before the transfer, one after.
    auction("PM009", "浙D10009", deal=date(2023, 8, 1)),
]

REGISTRY = [
    reg("浙D10001", "注册", date(2019, 5, 1), DEBTOR_1, owner="张一"),
    reg("浙D10001", "查封", date(2023, 3, 1), DEBTOR_1, owner="张一", status="查封"),
    reg("浙D10002", "注册", date(2018, 1, 1), DEBTOR_2, owner="张二"),
    reg("浙D10003", "注册", date(2018, 1, 1), pid(3)),
    reg("浙D10003", "转移", date(2023, 10, 15), pid(900)),
    reg("浙D10013", "注册", date(2018, 1, 1), pid(13), vin="LSVAU2180N2183001"),
    reg("浙A88888", "转移", date(2023, 10, 1), pid(900), vin="LSVAU2180N2183001"),
    reg("浙D10023", "注册", date(2018, 1, 1), pid(23)),
    reg("浙D10004", "注册", date(2018, 1, 1), DEBTOR_4, owner="张四"),
    reg("浙D10004", "转移", date(2024, 2, 20), DEBTOR_4, owner="张四"),
    reg("浙D10008", "注册", date(2012, 1, 1), pid(8)),
    reg("浙D10008", "注销", date(2022, 12, 1), pid(8), status="注销"),
    reg("浙D10009", "注册", date(2018, 1, 1), pid(9)),
    reg("浙D10009", "转移", date(2024, 1, 10), pid(900)),
]

VIOLATIONS = [
    violation("V1", "浙D10002", datetime(2024, 1, 5, 8, 30)),
    violation("V2", "浙D10002", datetime(2024, 3, 8, 18, 5)),
    violation("V0", "浙D10002", datetime(2023, 10, 1, 9, 0)),  # before the sale: not counted
    violation("V3", "浙D10003", datetime(2023, 9, 20, 10, 0)),  # decoy: transferred in time
    violation("V4", "浙D10003", datetime(2023, 9, 25, 10, 0)),
    violation("V9", "浙D10009", datetime(2023, 12, 1, 7, 0)),
    violation("V10", "浙D10009", datetime(2024, 2, 1, 7, 0)),  # after the late transfer
]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    table(connection, "judicial_auction", AUCTIONS)
    table(connection, "vehicle_registry", REGISTRY)
    table(connection, "traffic_violation", VIOLATIONS)
    yield connection
    connection.close()


def test_every_branch_fires_on_its_planted_case(con: duckdb.DuckDBPyConnection) -> None:
    assert hit_keys(con, MODEL) == {
        "PM001": {"not_transferred"},
        "PM002": {"not_transferred", "still_used"},
        "PM004": {"buyer_is_debtor"},
        "PM005": {"low_start_price"},
        "PM007": {"steep_round_cut"},
        "PM008": {"scrapped_vehicle"},
        "PM009": {"not_transferred"},
    }


def test_decoy_transferred_within_allowed_days(con: duckdb.DuckDBPyConnection) -> None:
    found = hit_keys(con, MODEL)
    assert "PM003" not in found  # transferred after 44 days, violations before that
    assert "PM013" not in found  # transferred under a new plate, found by VIN


def test_decoy_sale_too_recent(con: duckdb.DuckDBPyConnection) -> None:
    assert "PM023" not in hit_keys(con, MODEL)


def test_decoy_start_price_at_the_legal_limits(con: duckdb.DuckDBPyConnection) -> None:
    found = hit_keys(con, MODEL)
    assert "PM015" not in found  # exactly 70% of the appraisal
    assert "PM017" not in found  # exactly a 20% cut
    assert "PM025" not in found  # a house, not a vehicle


def test_evidence_and_titles(con: duckdb.DuckDBPyConnection) -> None:
    rows = {(h["subject_key"], h["branch"]): h for h in hits(con, MODEL)}
    never = rows[("PM001", "not_transferred")]
    assert never["title"] == "司法拍卖PM001（浙D10001）：成交后264天仍登记在张一名下"
    assert never["owner_name"] == "张一"
    assert never["first_transfer"] is None
    late = rows[("PM009", "not_transferred")]
    assert late["days_unregistered"] == 162
    assert late["title"].endswith("成交后162天才过户（2024-01-10）")
    used = rows[("PM002", "still_used")]
    assert used["violations"] == 2
    assert used["severity"] == "high"
    assert used["title"] == (
        "司法拍卖PM002（浙D10002）：成交后未过户期间仍有交通违法2次，最近一次2024-03-08"
    )
    cut = rows[("PM007", "steep_round_cut")]
    assert cut["previous_start_price"] == Decimal("80000.00")
    assert cut["title"].endswith("元降低25.0%")
    low = rows[("PM005", "low_start_price")]
    assert "为评估价100000.00元的60.0%" in low["title"]
    assert rows[("PM004", "buyer_is_debtor")]["evidence"]["owner_name"] == "张四"
    assert "前已注销" in rows[("PM008", "scrapped_vehicle")]["title"]


def test_parameter_overrides(con: duckdb.DuckDBPyConnection) -> None:
    found = hit_keys(con, MODEL, params={"transfer_days": 30, "min_violations": 1})
    assert found["PM003"] == {"not_transferred", "still_used"}  # 44 days is now too late
    assert found["PM009"] == {"not_transferred", "still_used"}  # V9 alone now counts
    strict = hit_keys(con, MODEL, params={"min_start_ratio": "0.5", "max_round_cut": "0.3"})
    assert "PM005" not in strict
    assert "PM007" not in strict


def test_as_of_controls_the_grace_period(con: duckdb.DuckDBPyConnection) -> None:
    # On 2023-12-31 PM001 (sold 2023-10-10) is 82 days old: not yet overdue.
    found = hit_keys(con, MODEL, as_of=date(2023, 12, 31))
    assert "not_transferred" not in found.get("PM001", set())


# Optional datasets (optional_sources) and the branches that cannot run without them.
REGISTRY_BRANCHES = {"not_transferred", "still_used", "buyer_is_debtor", "scrapped_vehicle"}
OPTIONAL = {
    ("vehicle_registry",): REGISTRY_BRANCHES,
    ("traffic_violation",): {"still_used"},
    ("vehicle_registry", "traffic_violation"): REGISTRY_BRANCHES,
}


@pytest.mark.parametrize("empty", list(OPTIONAL), ids="+".join)
def test_empty_optional_datasets_silence_only_their_branches(
    con: duckdb.DuckDBPyConnection, empty: tuple[str, ...]
) -> None:
    # A sale is judged only once the registry knows the vehicle: an empty registry makes no
    # sale look untransferred, and the start-price branches read the auctions alone.
    assert library_spec(MODEL).required_types == {"judicial_auction"}
    needing = OPTIONAL[empty]
    full = hit_keys(con, MODEL)
    assert needing <= branches_fired(full)
    with emptied(con, *empty):
        assert hit_keys(con, MODEL) == without_branches(full, needing)
