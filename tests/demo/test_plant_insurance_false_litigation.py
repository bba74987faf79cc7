"""The demo planter of insurance_false_litigation (车险理赔虚假诉讼): its true cases are
exactly what the model finds, its decoys stay quiet, no other library model fires on its
stories, and the stories hang together across the agencies' datasets."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.demo.planters import MODEL_IDS, planter
from jiandu.demo.planters.insurance_false_litigation import (
    BRANCHES,
    CLUSTER_MIN,
    DECOY_KINDS,
    MODEL,
    branch_quotas,
)
from jiandu.demo.world import DemoData, World

# (seed, cases): as many cases as branches, and enough for exact quotas; the `small`
# fixture (a dozen cases) serves the other checks.
RUNS = [(1, len(BRANCHES)), (3, 40)]


def planted(seed: int, cases: int) -> DemoData:
    data = DemoData()
    planter(MODEL)(World(seed), data, cases)
    return data


@dataclass(frozen=True)
class Run:
    """One planting, the pool it makes and what the model finds there."""

    data: DemoData
    con: duckdb.DuckDBPyConnection
    cases: int
    hits: dict[str, set[str]]


@pytest.fixture(scope="module", params=RUNS, ids=lambda run: f"seed{run[0]}-cases{run[1]}")
def run(request: pytest.FixtureRequest) -> Run:
    seed, cases = request.param
    data = planted(seed, cases)
    con = pool(data)
    return Run(data, con, cases, found(con, MODEL))


@pytest.fixture(scope="module")
def small() -> tuple[DemoData, duckdb.DuckDBPyConnection]:
    data = planted(2, 12)
    return data, pool(data)


def test_the_model_finds_exactly_the_true_cases(run: Run) -> None:
    truth = expected(run.data, MODEL)
    assert truth
    assert run.hits == truth


def test_a_dozen_cases_are_found_exactly(
    small: tuple[DemoData, duckdb.DuckDBPyConnection],
) -> None:
    data, con = small
    assert found(con, MODEL) == expected(data, MODEL)


def test_every_branch_has_its_quota(run: Run) -> None:
    per_branch = Counter(c.branch for c in run.data.truth if c.model_id == MODEL)
    assert set(per_branch) == set(BRANCHES)
    assert per_branch == Counter(branch_quotas(run.cases))


def test_quotas_are_exact_from_25_cases_and_cover_every_branch() -> None:
    floor = sum(CLUSTER_MIN.values()) + len(BRANCHES) - len(CLUSTER_MIN)
    for cases in range(len(BRANCHES), 400):
        quotas = branch_quotas(cases)
        assert sum(quotas.values()) == max(cases, floor)
        assert all(quotas[b] >= CLUSTER_MIN.get(b, 1) for b in BRANCHES)
    quotas = branch_quotas(2000)
    assert set(quotas.values()) == {285, 286}
    assert branch_quotas(0) == dict.fromkeys(BRANCHES, 0)


def test_the_case_count_is_exact_with_enough_cases() -> None:
    data = planted(6, 30)
    assert len([c for c in data.truth if c.model_id == MODEL]) == 30


@pytest.mark.parametrize("kind", DECOY_KINDS)
def test_decoys_are_planted_and_left_alone(run: Run, kind: str) -> None:
    keys = decoy_keys(run.data, MODEL).get(kind, set())
    assert len(keys) >= max(2, run.cases // 2)
    assert not keys & set(run.hits)
    assert not keys & set(expected(run.data, MODEL))


@pytest.mark.parametrize("other", [m for m in MODEL_IDS if m != MODEL])
def test_no_other_model_fires(
    small: tuple[DemoData, duckdb.DuckDBPyConnection], other: str
) -> None:
    _, con = small
    assert found(con, other) == {}


def test_planting_is_deterministic() -> None:
    first, second = planted(4, 12), planted(4, 12)
    assert first.rows == second.rows
    assert first.truth == second.truth and first.decoys == second.decoys
    assert planted(5, 12).rows != first.rows


def test_a_lost_suit_does_not_take_its_cluster_with_it(
    small: tuple[DemoData, duckdb.DuckDBPyConnection],
) -> None:
    """Clusters sit one suit above the thresholds: a rejected row costs one case only."""
    data, _ = small
    truth = expected(data, MODEL)
    lost = {next(c.subject_key for c in data.truth if c.branch == b) for b in BRANCHES}
    rows = dict(data.rows)
    rows["court_case"] = [r for r in data.rows["court_case"] if r["case_no"] not in lost]
    damaged = DemoData(rows=rows, truth=data.truth, decoys=data.decoys)
    assert found(pool(damaged), MODEL) == {k: b for k, b in truth.items() if k not in lost}


def test_suits_hang_together(small: tuple[DemoData, duckdb.DuckDBPyConnection]) -> None:
    """Every suit has one plaintiff and a defendant; every claim has its police record
    and a policy that started at most a week after the accident; no key repeats."""
    data, _ = small
    cases = {r["case_no"] for r in data.rows["court_case"]}
    roles = Counter((r["case_no"], r["role"]) for r in data.rows["court_party"])
    assert {number for number, _ in roles} == cases
    assert all(roles[(number, "原告")] == 1 and roles[(number, "被告")] >= 1 for number in cases)
    police_plates = {r["plate"] for r in data.rows["traffic_accident"] if "plate" in r}
    for claim in data.rows["insurance_claim"]:
        assert claim["plate"] in police_plates
        assert claim["policy_start"] - claim["accident_time"].date() <= timedelta(days=7)
    for type_id, key in (
        ("court_case", ("case_no",)),
        ("court_party", ("case_no", "role", "name")),
        ("insurance_claim", ("claim_id", "injured_name")),
        ("traffic_accident", ("accident_id", "party_name")),
        ("vehicle_registry", ("plate", "event", "event_date")),
        ("social_insurance", ("id_card", "employer_uscc", "month", "insurance_kind")),
    ):
        keys = Counter(tuple(r.get(f) for f in key) for r in data.rows[type_id])
        assert max(keys.values()) == 1, type_id
