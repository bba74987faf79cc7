"""The false_judicial_confirmation planter: its true cases are found with the right branches
(concentration keys also as frequent applicants), its decoys stay quiet, and no other
library model fires on its stories."""

from __future__ import annotations

from functools import cache

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.demo.planters import MODEL_IDS, planter
from jiandu.demo.planters.false_judicial_confirmation import BRANCHES, DECOYS, MODEL_ID
from jiandu.demo.world import DemoData, World

# (seed, cases): the main run (one story of each kind, decoys checked there), exactly one
# case per branch (single-confirmation branches ride on the concentration story), and
# fewer cases than branches.
DECOY_RUN = (7, 30)
RUNS = [DECOY_RUN, (8, len(BRANCHES)), (9, 3)]


@cache
def planted(seed: int, cases: int) -> tuple[DemoData, duckdb.DuckDBPyConnection]:
    data = DemoData()
    planter(MODEL_ID)(World(seed), data, cases)
    return data, pool(data)


@cache
def hits(seed: int, cases: int, model_id: str = MODEL_ID) -> dict[str, set[str]]:
    return found(planted(seed, cases)[1], model_id)


@pytest.mark.parametrize(("seed", "cases"), RUNS)
def test_finds_exactly_the_planted_cases(seed: int, cases: int) -> None:
    data, _ = planted(seed, cases)
    truth = expected(data, MODEL_ID)
    assert len(truth) == cases  # subject keys; a key may carry several branches
    assert hits(seed, cases) == truth


@pytest.mark.parametrize(("seed", "cases"), RUNS[:2])
def test_every_branch_is_planted(seed: int, cases: int) -> None:
    data, _ = planted(seed, cases)
    branches = {b for bs in expected(data, MODEL_ID).values() for b in bs}
    assert branches == set(BRANCHES)


def test_concentrated_confirmations_are_frequent_too() -> None:
    data, _ = planted(*DECOY_RUN)
    truth = expected(data, MODEL_ID)
    concentrated = [k for k, bs in truth.items() if "org_concentration" in bs]
    assert len(concentrated) >= 5
    assert all("frequent_applicant" in truth[k] for k in concentrated)


@pytest.mark.parametrize("kind", [*sorted(DECOYS), "org_minor_applicant"])
def test_decoys_are_planted_and_quiet(kind: str) -> None:
    data, _ = planted(*DECOY_RUN)
    keys = decoy_keys(data, MODEL_ID)[kind]
    assert len(keys) >= max(2, DECOY_RUN[1] // 2) or kind == "org_minor_applicant"
    assert not keys & set(hits(*DECOY_RUN))
    assert not keys & set(expected(data, MODEL_ID))


@pytest.mark.parametrize("other", [m for m in MODEL_IDS if m != MODEL_ID])
def test_no_other_model_fires(other: str) -> None:
    assert hits(*DECOY_RUN, other) == {}


def test_planting_is_deterministic() -> None:
    first, second = DemoData(), DemoData()
    planter(MODEL_ID)(World(3), first, 6)
    planter(MODEL_ID)(World(3), second, 6)
    assert first.rows == second.rows and first.truth == second.truth
