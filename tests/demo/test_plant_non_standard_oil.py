"""The non_standard_oil planter: its true cases are exactly what the model finds, its
decoys stay quiet but sit next to the rule they dodge, its cases survive losing a row,
and no other library model fires on its stories."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from functools import cache
from typing import Any

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.planters.non_standard_oil import (
    BRANCHES,
    CHEMICAL_CODE,
    DECOY_KINDS,
    MODEL,
    PROCESSED_GOODS,
    plant,
)
from jiandu.demo.world import DEMO_AS_OF, DemoData, World
from jiandu.models import compile_model, library_models


def planted(seed: int, cases: int) -> DemoData:
    data = DemoData()
    plant(World(seed), data, cases)
    return data


@pytest.fixture(scope="module")
def data() -> DemoData:
    return planted(seed=11, cases=12)


@pytest.fixture(scope="module")
def con(data: DemoData) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = pool(data)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def hits(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    hits = found_with(con)
    assert hits == found(con, MODEL)  # the cached SQL is the harness's
    return hits


@cache
def _sql(params: str) -> str:
    """The model's DuckDB SQL with `params` (JSON) overridden, compiled once per test run."""
    compiled = compile_model(library_models()[MODEL], json.loads(params), as_of=DEMO_AS_OF)
    return compiled.sql("duckdb")


def found_with(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any] | None = None
) -> dict[str, set[str]]:
    """Like the harness's `found` for this model, with some parameters overridden."""
    result: dict[str, set[str]] = {}
    sql = _sql(json.dumps(params or {}, sort_keys=True))
    for key, branch in con.execute(f"SELECT subject_key, branch FROM ({sql})").fetchall():
        result.setdefault(str(key), set()).add(str(branch))
    return result


def test_model_finds_exactly_the_planted_cases(data: DemoData, hits: dict[str, set[str]]) -> None:
    truth = expected(data, MODEL)
    assert len(truth) == 12
    assert Counter(b for branches in truth.values() for b in branches) == dict.fromkeys(BRANCHES, 3)
    assert hits == truth


def test_one_case_per_branch_with_another_seed() -> None:
    data = planted(seed=5, cases=len(BRANCHES))
    truth = expected(data, MODEL)
    assert sorted(b for branches in truth.values() for b in branches) == sorted(BRANCHES)
    assert found_with(pool(data)) == truth


def test_every_decoy_kind_is_planted(data: DemoData) -> None:
    assert Counter(d.kind for d in data.decoys) == dict.fromkeys(DECOY_KINDS, 6)
    assert not set().union(*decoy_keys(data, MODEL).values()) & set(expected(data, MODEL))


@pytest.mark.parametrize("kind", DECOY_KINDS)
def test_decoys_stay_quiet(kind: str, data: DemoData, hits: dict[str, set[str]]) -> None:
    keys = decoy_keys(data, MODEL)[kind]
    assert len(keys) == 6
    assert not keys & set(hits)


# Each decoy kind sits next to one rule: moving that rule just past it (all at once: every
# change only loosens) makes the decoys fire, with this branch.
LOOSER: dict[str, Any] = {
    "fuel_user_words": [
        "加油",
        "油品",
        "石油销售",
        "物流",
        "运输",
        "货运",
        "车队",
        "新材料",
        "树脂",
        "涂料",
    ],
    "max_fuel_input_share": 0.9,
    "min_chemical_purchase": 850_000,
    "min_fuel_sales": 400_000,
    "min_sales_to_fuel_users": 400_000,
    "min_disguised_sales": 75_000,
    "min_sales_to_fleets": 230_000,
    "min_vehicles": 2,
    "window_days": 800,
}
LOOSENED_BRANCH = {
    "chemical_plant": "sold_to_fuel_users",  # its resin makers counted as fuel users
    "fuel_wholesaler": "fuel_from_chemicals",
    "chemicals_below_threshold": "fuel_from_chemicals",
    "fuel_sales_below_threshold": "fuel_from_chemicals",
    "users_below_threshold": "sold_to_fuel_users",
    "disguised_below_threshold": "disguised_fuel_code",
    "fleets_below_threshold": "sold_to_vehicle_owners",
    "fleet_sold_off": "sold_to_vehicle_owners",
    "outside_window": "fuel_from_chemicals",
}


@pytest.fixture(scope="module")
def loosened(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    return found_with(con, LOOSER)


@pytest.mark.parametrize("kind", sorted(LOOSENED_BRANCH))
def test_decoys_fire_once_their_rule_is_loosened(
    kind: str, data: DemoData, loosened: dict[str, set[str]]
) -> None:
    branch = LOOSENED_BRANCH[kind]
    assert all(branch in loosened.get(key, set()) for key in decoy_keys(data, MODEL)[kind])


def test_taxed_naphtha_fires_once_its_code_is_not_fuel(
    data: DemoData, con: duckdb.DuckDBPyConnection
) -> None:
    """Under a chemical code the naphtha sold to hauliers and stations would be a clue."""
    hits = found_with(con, {"fuel_tax_code_prefixes": ["1070199"]})
    for key in decoy_keys(data, MODEL)["taxed_naphtha"]:
        assert "sold_to_fuel_users" in hits.get(key, set())


def test_processor_with_trucks_fires_once_it_sells_no_goods(
    data: DemoData, con: duckdb.DuckDBPyConnection
) -> None:
    """Without the resin makers' product invoices their trucks make them fuel consumers."""
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "DELETE FROM tax_invoice WHERE list_contains(?, goods_name)", [list(PROCESSED_GOODS)]
        )
        hits = found_with(con)
    finally:
        con.execute("ROLLBACK")
    for key in decoy_keys(data, MODEL)["processor_with_trucks"]:
        assert hits.get(key) == {"sold_to_vehicle_owners"}


def test_cases_survive_losing_their_largest_lines_and_a_truck(
    data: DemoData, con: duckdb.DuckDBPyConnection
) -> None:
    """The demo's files lose a few corrupted rows: every true case still fires without its
    largest chemical purchase, its largest sale and one truck of every fleet."""
    truth = expected(data, MODEL)
    lines = data.rows["tax_invoice"]
    dropped: list[str] = []
    for subject in truth:
        bought = [
            r for r in lines if r["buyer_uscc"] == subject and r.get("tax_code") == CHEMICAL_CODE
        ]
        sold = [r for r in lines if r["seller_uscc"] == subject]
        dropped += [max(rows, key=lambda r: r["amount"])["invoice_no"] for rows in (bought, sold)]
    plates = {
        r["owner_uscc"]: r["plate"] for r in data.rows["vehicle_registry"] if r.get("owner_uscc")
    }
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM tax_invoice WHERE list_contains(?, invoice_no)", [dropped])
        con.execute(
            "DELETE FROM vehicle_registry WHERE list_contains(?, plate)", [list(plates.values())]
        )
        assert con.execute("SELECT count(*) FROM tax_invoice").fetchone() == (
            len(lines) - len(dropped),
        )
        assert found_with(con) == truth
    finally:
        con.execute("ROLLBACK")


@pytest.mark.parametrize("model_id", [m for m in MODEL_IDS if m != MODEL])
def test_no_other_model_fires(model_id: str, con: duckdb.DuckDBPyConnection) -> None:
    assert found(con, model_id) == {}


def test_planting_is_deterministic() -> None:
    first, second = planted(seed=3, cases=4), planted(seed=3, cases=4)
    assert first.rows == second.rows
    assert first.truth == second.truth
    assert first.decoys == second.decoys
