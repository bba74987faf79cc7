"""The professional_lender planter: its true cases are found with the right branches, its
decoys stay quiet, and no other library model fires on its stories."""

from __future__ import annotations

from functools import cache

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.demo.planters import MODEL_IDS, planter
from jiandu.demo.planters.professional_lender import BRANCHES, DECOYS, MODEL_ID
from jiandu.demo.world import DemoData, World

# (seed, cases): the main run (decoys checked there), one case per branch, an odd count.
MAIN = (7, 12)
RUNS = [MAIN, (8, len(BRANCHES)), (9, 5)]


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
    assert len(truth) == cases
    assert hits(seed, cases) == truth


@pytest.mark.parametrize(("seed", "cases"), RUNS)
def test_every_branch_is_planted(seed: int, cases: int) -> None:
    data, _ = planted(seed, cases)
    branches = {b for bs in expected(data, MODEL_ID).values() for b in bs}
    assert branches == set(BRANCHES)


def test_licensed_lenders_sue_in_private_lending() -> None:
    """The licensed decoys are only quiet because of their names."""
    data, _ = planted(*MAIN)
    licensed = decoy_keys(data, MODEL_ID)["licensed_lender"]
    suits = {
        r["case_no"]
        for r in data.rows["court_party"]
        if r["role"] == "原告" and r.get("uscc") in licensed
    }
    causes = {r["cause"] for r in data.rows["court_case"] if r["case_no"] in suits}
    assert len(suits) >= 12 * len(licensed) and causes == {"民间借贷纠纷"}


@pytest.mark.parametrize("kind", sorted(DECOYS))
def test_decoys_are_planted_and_quiet(kind: str) -> None:
    data, _ = planted(*MAIN)
    keys = decoy_keys(data, MODEL_ID)[kind]
    assert len(keys) == max(2, MAIN[1] // 2)
    assert not keys & set(hits(*MAIN))
    assert not keys & set(expected(data, MODEL_ID))


@pytest.mark.parametrize("other", [m for m in MODEL_IDS if m != MODEL_ID])
def test_no_other_model_fires(other: str) -> None:
    assert hits(*MAIN, other) == {}


def test_planting_is_deterministic() -> None:
    first, second = DemoData(), DemoData()
    planter(MODEL_ID)(World(3), first, 4)
    planter(MODEL_ID)(World(3), second, 4)
    assert first.rows == second.rows and first.truth == second.truth
