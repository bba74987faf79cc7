"""Planter of refusal_to_execute: the planted respondents are exactly what the model finds,
its decoys stay quiet yet sit one fact away from a hit, and no other model fires."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.planters.refusal_to_execute import BRANCHES, DECOY_KINDS, MODEL, plant
from jiandu.demo.world import DemoData, World

SIZES = [(3, 12), (19, len(BRANCHES))]


@cache
def planted(seed: int, cases: int) -> DemoData:
    data = DemoData()
    plant(World(seed), data, cases)
    return data


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = pool(planted(3, 12))
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


def test_model_finds_exactly_the_planted_respondents(hits: dict[str, set[str]]) -> None:
    data = planted(3, 12)
    assert len(expected(data, MODEL)) == 12
    assert hits == expected(data, MODEL)


def test_one_case_per_branch_is_enough() -> None:
    data = planted(19, len(BRANCHES))
    assert found(pool(data), MODEL) == expected(data, MODEL)


@pytest.mark.parametrize(("seed", "cases"), SIZES)
def test_every_branch_is_planted_round_robin(seed: int, cases: int) -> None:
    data = planted(seed, cases)
    truth = [case for case in data.truth if case.model_id == MODEL]
    assert len(truth) == len({case.subject_key for case in truth}) == cases
    per_branch = {b: sum(case.branch == b for case in truth) for b in BRANCHES}
    assert max(per_branch.values()) - min(per_branch.values()) <= 1


def test_subject_keys_are_clean_id_numbers() -> None:
    for key in expected(planted(3, 12), MODEL):
        assert len(key) == 18 and key[:17].isdigit() and key == key.upper()


@pytest.mark.parametrize("kind", DECOY_KINDS)
def test_decoys_stay_quiet(hits: dict[str, set[str]], kind: str) -> None:
    keys = decoy_keys(planted(3, 12), MODEL)[kind]
    assert len(keys) >= 6
    assert not keys & set(hits)


# One fact changed per decoy kind, and (some of) its respondents become hits: the decoys
# sit next to the rule, not far from it.
ONE_STEP = {
    # Without the payment on the resumed case the debt is still open.
    "act_after_debt_paid": "DELETE FROM execution_case WHERE closing_method = '执行完毕'",
    # Filed a day earlier, the acts on the filing day fall after it.
    "act_before_filing": "UPDATE execution_case SET filing_date = filing_date - 1",
    # Without the auction, the buyer's transfer is the respondent's own.
    "transfer_by_court_auction": "DELETE FROM judicial_auction",
    # Listed a day earlier, the transfers on the listing day fall after it.
    "transfer_before_listing": (
        "UPDATE execution_case SET defaulter_listed_date = defaulter_listed_date - 1"
    ),
    # Never released, the sealed car is still driven.
    "seal_released_before_violation": "DELETE FROM vehicle_registry WHERE event = '解封'",
    # Sealed a day earlier, the violations on the seal day fall after it.
    "violation_before_seal": (
        "UPDATE vehicle_registry SET event_date = event_date - 1 WHERE event = '查封'"
    ),
    # Without the buyer's transfer, his violations count against the sealed owner.
    "sealed_vehicle_sold_by_court": "DELETE FROM vehicle_registry WHERE event = '转移'",
}


@pytest.mark.parametrize("kind", DECOY_KINDS)
def test_decoys_are_one_fact_away(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    keys = decoy_keys(planted(3, 12), MODEL)[kind]
    with changed(con, ONE_STEP[kind]):
        assert keys & set(found(con, MODEL))


@pytest.mark.parametrize("other", [m for m in MODEL_IDS if m != MODEL])
def test_no_other_model_fires(con: duckdb.DuckDBPyConnection, other: str) -> None:
    assert found(con, other) == {}


def test_deterministic_and_unique_respondents() -> None:
    first, second = DemoData(), DemoData()
    plant(World(5), first, 8)
    plant(World(5), second, 8)
    assert first.rows == second.rows and first.truth == second.truth
    cases = {(row["exec_case_no"], row["respondent_name"]) for row in first.rows["execution_case"]}
    assert len(cases) == len(first.rows["execution_case"])
