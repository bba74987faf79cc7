"""The medical_insurance_fraud planter against its model: exactly the planted cases fire,
with their branches; every decoy kind is planted and stays quiet; no other model fires."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from functools import cache

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.planters.medical_insurance_fraud import BRANCHES, DECOY_KINDS, MODEL_ID, plant
from jiandu.demo.world import DEMO_AS_OF, DemoData, World
from jiandu.models import compile_model, library_models

RUNS = ((7, 12), (11, len(BRANCHES)))


@cache
def planted(seed: int, cases: int) -> tuple[DemoData, duckdb.DuckDBPyConnection]:
    """The planter's rows for one seed and case count, and their pool (built once)."""
    world = World(seed)
    data = DemoData()
    plant(world, data, cases)
    return data, pool(data)


@cache
def hits(seed: int, cases: int, model_id: str = MODEL_ID) -> dict[str, set[str]]:
    """{subject_key: branches} of a library model over one planted pool (run once)."""
    return found(planted(seed, cases)[1], model_id)


@pytest.mark.parametrize(("seed", "cases"), RUNS)
def test_exactly_the_planted_cases_fire(seed: int, cases: int) -> None:
    data, _ = planted(seed, cases)
    truth = expected(data, MODEL_ID)
    assert len(truth) == cases
    assert hits(seed, cases) == truth


@pytest.mark.parametrize(("seed", "cases"), RUNS)
def test_cases_go_round_robin_over_every_branch(seed: int, cases: int) -> None:
    data, _ = planted(seed, cases)
    per_branch = Counter(case.branch for case in data.truth if case.model_id == MODEL_ID)
    assert set(per_branch) == set(BRANCHES)
    assert max(per_branch.values()) - min(per_branch.values()) <= 1


@pytest.mark.parametrize("kind", DECOY_KINDS)
@pytest.mark.parametrize(("seed", "cases"), RUNS)
def test_decoys_are_planted_and_quiet(seed: int, cases: int, kind: str) -> None:
    data, _ = planted(seed, cases)
    keys = decoy_keys(data, MODEL_ID).get(kind, set())
    assert len(keys) == max(2, cases // 2)
    assert not keys & set(hits(seed, cases))
    assert not keys & set(expected(data, MODEL_ID))


def test_overlaps_keep_a_margin_of_one_day() -> None:
    """Planted overlaps last three days or more (the model needs two)."""
    data, con = planted(7, 12)
    compiled = compile_model(library_models()[MODEL_ID], None, as_of=DEMO_AS_OF)
    rows = con.execute(
        f"SELECT subject_key, max_overlap_days FROM ({compiled.sql('duckdb')}) "
        "WHERE branch = 'overlapping_stays'"
    ).fetchall()
    assert {key for key, _ in rows} == {
        case.subject_key for case in data.truth if case.branch == "overlapping_stays"
    }
    assert min(days for _, days in rows) >= 3


def test_after_death_survives_a_death_recorded_a_day_later() -> None:
    """Losing the earliest death record (its twin comes a day later) keeps every planted
    after-death case; the decoys stay quiet with later deaths as well."""
    data = planted(7, 12)[0]
    shifted = [
        {**row, "death_date": row["death_date"] + timedelta(days=1)}
        for row in data.rows["death_record"]
    ]
    later = DemoData(rows={**data.rows, "death_record": shifted})
    assert found(pool(later), MODEL_ID) == expected(data, MODEL_ID)


def test_every_settlement_lies_within_the_demo_period() -> None:
    data, _ = planted(7, 12)
    rows = data.rows["medical_settlement"]
    assert date(2022, 1, 1) <= min(row["settle_date"] for row in rows)
    assert max(row["settle_date"] for row in rows) <= DEMO_AS_OF
    assert max(row["death_date"] for row in data.rows["death_record"]) <= DEMO_AS_OF
    assert len({row["settlement_id"] for row in rows}) == len(rows)


def test_some_deaths_come_from_two_sources_a_day_apart() -> None:
    data, _ = planted(7, 12)
    by_person: dict[str, list[tuple[date, str]]] = {}
    for row in data.rows["death_record"]:
        by_person.setdefault(row["id_card"], []).append((row["death_date"], row["source"]))
    twice = [sorted(records) for records in by_person.values() if len(records) == 2]
    assert twice
    assert all((b[0] - a[0]).days == 1 and a[1] != b[1] for a, b in twice)


def test_same_seed_same_rows() -> None:
    first, second = DemoData(), DemoData()
    plant(World(5), first, 12)
    plant(World(5), second, 12)
    assert first.rows == second.rows and first.truth == second.truth


@pytest.mark.parametrize("model_id", [m for m in MODEL_IDS if m != MODEL_ID])
def test_no_other_model_fires(model_id: str) -> None:
    assert hits(7, 12, model_id) == {}
