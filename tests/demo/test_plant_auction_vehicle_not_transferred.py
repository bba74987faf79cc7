"""Planter of auction_vehicle_not_transferred: the planted auctions are exactly what the
model finds, its decoys stay quiet (one step from the boundary), and no other model fires."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.planters.auction_vehicle_not_transferred import (
    BRANCHES,
    DECOY_KINDS,
    MODEL,
    plant,
)
from jiandu.demo.world import DEMO_AS_OF, DemoData, World
from jiandu.models import ModelSpec, compile_model, library_models

SIZES = [(7, 12), (11, len(BRANCHES))]


@cache
def spec() -> ModelSpec:
    return library_models()[MODEL]


@cache
def planted(seed: int, cases: int) -> DemoData:
    data = DemoData()
    plant(World(seed), data, cases)
    return data


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = pool(planted(7, 12))
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def hits(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    return found(con, MODEL)


@contextmanager
def changed(con: duckdb.DuckDBPyConnection, sql: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """`con` with `sql` applied, rolled back afterwards."""
    con.begin()
    try:
        con.execute(sql)
        yield con
    finally:
        con.rollback()


def test_model_finds_exactly_the_planted_auctions(hits: dict[str, set[str]]) -> None:
    data = planted(7, 12)
    assert len(expected(data, MODEL)) == 12
    assert hits == expected(data, MODEL)


def test_one_case_per_branch_is_enough() -> None:
    data = planted(11, len(BRANCHES))
    assert found(pool(data), MODEL) == expected(data, MODEL)


@pytest.mark.parametrize(("seed", "cases"), SIZES)
def test_every_branch_is_planted_round_robin(seed: int, cases: int) -> None:
    data = planted(seed, cases)
    first_branch: dict[str, str] = {}  # the story's own branch is recorded first
    for case in data.truth:
        if case.model_id == MODEL:
            first_branch.setdefault(case.subject_key, case.branch)
    per_branch = {b: list(first_branch.values()).count(b) for b in BRANCHES}
    assert sum(per_branch.values()) == cases
    assert max(per_branch.values()) - min(per_branch.values()) <= 1
    # A vehicle still driven while unregistered is overdue too: both branches fire.
    for key, branches in expected(data, MODEL).items():
        assert branches == {"still_used", "not_transferred"} or len(branches) == 1, key


def test_cases_keep_a_margin_above_the_violation_threshold() -> None:
    data = planted(7, 12)
    still_used = {k for k, b in expected(data, MODEL).items() if "still_used" in b}
    plates = {r["plate"] for r in data.rows["judicial_auction"] if r["auction_id"] in still_used}
    per_plate = {p: 0 for p in plates}
    for row in data.rows["traffic_violation"]:
        if row["plate"] in per_plate:
            per_plate[row["plate"]] += 1
    assert per_plate and min(per_plate.values()) >= 3


@pytest.mark.parametrize("kind", DECOY_KINDS)
def test_decoys_stay_quiet(hits: dict[str, set[str]], kind: str) -> None:
    keys = decoy_keys(planted(7, 12), MODEL)[kind]
    assert len(keys) >= 6
    assert not keys & set(hits)


# Parameter overrides that move each rule's boundary just past the decoys sitting on it:
# transfers on day 90 and sales 90 days old, starts at exactly 70%, cuts of exactly 20%.
TIGHTER = {"transfer_days": 89, "min_start_ratio": "0.71", "max_round_cut": "0.19"}
ON_THE_BOUNDARY = ("transferred_within_days", "sale_too_recent", "start_at_legal_limit",
                   "cut_at_legal_limit")  # fmt: skip


@pytest.fixture(scope="module")
def tighter_hits(con: duckdb.DuckDBPyConnection) -> set[str]:
    compiled = compile_model(spec(), TIGHTER, as_of=DEMO_AS_OF)
    rows = con.execute(f"SELECT subject_key FROM ({compiled.sql('duckdb')})").fetchall()
    return {str(key) for (key,) in rows}


@pytest.mark.parametrize("kind", ON_THE_BOUNDARY)
def test_decoys_sit_on_the_boundary(tighter_hits: set[str], kind: str) -> None:
    assert decoy_keys(planted(7, 12), MODEL)[kind] & tighter_hits


def test_violations_before_the_sale_are_not_counted(con: duckdb.DuckDBPyConnection) -> None:
    # Without their transfers the sales are overdue, yet the violations (up to the day of
    # the sale) never make them "still used".
    keys = decoy_keys(planted(7, 12), MODEL)["violations_before_sale"]
    with changed(con, "DELETE FROM vehicle_registry WHERE event = '转移'"):
        overdue = found(con, MODEL)
    assert all(overdue.get(key) == {"not_transferred"} for key in keys)


def test_scrapped_after_the_sale_is_one_step_away(con: duckdb.DuckDBPyConnection) -> None:
    keys = decoy_keys(planted(7, 12), MODEL)["scrapped_after_sale"]
    earlier = "UPDATE vehicle_registry SET event_date = event_date - 600 WHERE event = '注销'"
    with changed(con, earlier):
        scrapped = found(con, MODEL)
    assert all(scrapped.get(key) == {"scrapped_vehicle"} for key in keys)


@pytest.mark.parametrize("other", [m for m in MODEL_IDS if m != MODEL])
def test_no_other_model_fires(con: duckdb.DuckDBPyConnection, other: str) -> None:
    assert found(con, other) == {}


def test_deterministic_and_unique_auction_ids() -> None:
    first, second = DemoData(), DemoData()
    plant(World(5), first, 8)
    plant(World(5), second, 8)
    assert first.rows == second.rows and first.truth == second.truth
    ids = [row["auction_id"] for row in first.rows["judicial_auction"]]
    assert len(ids) == len(set(ids))
