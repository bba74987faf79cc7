"""The template_litigation planter: its template groups are found with the right branches,
its decoys stay quiet, and no other library model fires on its stories.

near_duplicate_group is derived: the harness pool gets it the way the pool does, by
grouping the planted judgments (`group_judgments`, the grouping `refresh` commits)."""

from __future__ import annotations

from functools import cache

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.catalog.registry import builtin_types
from jiandu.demo.planters import MODEL_IDS, planter
from jiandu.demo.planters.template_litigation import BRANCHES, DECOYS, MODEL_ID
from jiandu.demo.world import DemoData, World
from jiandu.text.neardup_refresh import group_judgments

# (seed, cases): the main run (decoys checked there), one case per story, an odd count.
MAIN = (7, 12)
RUNS = [MAIN, (8, 3), (9, 5)]


@pytest.fixture(autouse=True)
def _claims_field() -> None:
    if "claims_text" not in builtin_types()["judgment_document"].field_names:
        pytest.skip("judgment_document has no claims_text field yet")


def with_groups(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Fill the pool's near_duplicate_group table from its judgment_document table."""
    rows = group_judgments(con.sql("SELECT * FROM judgment_document").to_arrow_table())
    con.register("derived_groups", rows)
    con.execute("INSERT INTO near_duplicate_group BY NAME SELECT * FROM derived_groups")
    con.unregister("derived_groups")
    return con


@cache
def planted(seed: int, cases: int) -> tuple[DemoData, duckdb.DuckDBPyConnection]:
    data = DemoData()
    planter(MODEL_ID)(World(seed), data, cases)
    return data, with_groups(pool(data))


@cache
def hits(seed: int, cases: int, model_id: str = MODEL_ID) -> dict[str, set[str]]:
    return found(planted(seed, cases)[1], model_id)


def groups(seed: int, cases: int) -> dict[str, int]:
    """{group id: size} of the planted judgments."""
    con = planted(seed, cases)[1]
    rows = con.sql("SELECT group_id, max(group_size) FROM near_duplicate_group GROUP BY 1")
    return {str(g): int(n) for g, n in rows.fetchall()}


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


def test_each_template_is_exactly_one_group() -> None:
    """Template stories and the template decoys are groups of their own; the busy lawyer's
    and the boilerplate decoys' judgments are in none."""
    data, _ = planted(*MAIN)
    found_groups = groups(*MAIN)
    decoys = decoy_keys(data, MODEL_ID)
    templated = set(expected(data, MODEL_ID))
    for kind in ("four_suits", "licensed_lender", "different_parties"):
        templated |= decoys[kind]
    assert set(found_groups) == templated
    assert found_groups.keys().isdisjoint(decoys["busy_lawyer"] | decoys["boilerplate_only"])
    assert all(found_groups[k] == 4 for k in decoys["four_suits"])


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
