"""The related_party_litigation planter: its stories carry the relations the model needs,
entity resolution finds them (party_relation), the model reports exactly the planted cases
with the right branches, its decoys stay quiet, and no other library model fires on its
stories.

The model reads derived data: the slow tests write the planted rows as pool files, resolve
them with `jiandu.entities.resolve` (Splink included, hence slow) and load the resulting
party_relation and entity_edge rows into the harness pool."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.catalog.registry import builtin_types
from jiandu.demo.planters import MODEL_IDS, planter
from jiandu.demo.planters.related_party_litigation import BRANCHES, DECOYS, MODEL_ID, STORIES
from jiandu.demo.world import DemoData, World
from jiandu.fields.registry import get_type

# (seed, cases): every story twice with every decoy kind, and fewer cases than stories.
MAIN_RUN = (7, 2 * len(STORIES))
RUNS = [MAIN_RUN, (8, 3)]


@cache
def planted(seed: int, cases: int) -> DemoData:
    data = DemoData()
    planter(MODEL_ID)(World(seed), data, cases)
    return data


def _resolved_pool(data: DemoData) -> duckdb.DuckDBPyConnection:
    """The harness pool of `data` plus the entity datasets resolved from its rows."""
    from jiandu.entities.mentions import mentions_sql  # Splink: only the slow tests
    from jiandu.entities.resolve import resolve

    con = duckdb.connect()
    selects = []
    with TemporaryDirectory() as folder:
        for type_id, rows in data.rows.items():
            dataset_type = builtin_types()[type_id]
            fields = dataset_type.fields
            con.register(
                "planted",
                pa.table({f.name: pa.array([r.get(f.name) for r in rows]) for f in fields}),
            )
            casts = ", ".join(
                f"CAST({f.name} AS {get_type(f.type).duckdb_type}) AS {f.name}" for f in fields
            )
            path = Path(folder) / f"{type_id}.parquet"
            con.execute(
                f"COPY (SELECT {casts}, 'batch-{type_id}' AS _batch_id, "
                f"'{type_id}.csv' AS _source, row_number() OVER () AS _source_row "
                f"FROM planted) TO '{path}' (FORMAT parquet)"
            )
            con.unregister("planted")
            sql = mentions_sql(type_id, dataset_type, [str(path)], set(pq.read_schema(path).names))
            if sql is not None:
                selects.append(sql)
        con.execute("CREATE TEMP TABLE mentions AS " + "\nUNION ALL\n".join(selects))
        resolved = resolve(con, b"demo-test-secret")
    target = pool(data)
    for type_id, rows in (
        ("party_relation", resolved.party_relations),
        ("entity_edge", resolved.edges),
    ):
        target.register("resolved", rows)
        names = ", ".join(rows.column_names)
        target.execute(f"INSERT INTO {type_id} ({names}) SELECT {names} FROM resolved")
        target.unregister("resolved")
    return target


@cache
def plain(seed: int, cases: int) -> duckdb.DuckDBPyConnection:
    """The harness pool without the entity datasets (what other models read)."""
    return pool(planted(seed, cases))


@cache
def resolved(seed: int, cases: int) -> duckdb.DuckDBPyConnection:
    return _resolved_pool(planted(seed, cases))


@cache
def hits(seed: int, cases: int, model_id: str = MODEL_ID) -> dict[str, set[str]]:
    return found(resolved(seed, cases), model_id)


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "cases"), RUNS)
def test_finds_exactly_the_planted_cases(seed: int, cases: int) -> None:
    truth = expected(planted(seed, cases), MODEL_ID)
    assert len(truth) == cases
    assert hits(seed, cases) == truth


@pytest.mark.slow
def test_every_story_is_related_as_planned() -> None:
    """Each story's case is related by the path it was written for (one per story)."""
    data = planted(*MAIN_RUN)
    keys = list(expected(data, MODEL_ID))
    rows = (
        resolved(*MAIN_RUN)
        .execute(
            "SELECT path, hops, count(*) FROM party_relation WHERE list_contains(?, case_no) "
            "GROUP BY ALL ORDER BY path",
            [keys],
        )
        .fetchall()
    )
    assert rows == [
        ("agent>agent", 2, 2),
        ("employer", 1, 2),
        ("legal_rep", 1, 2),
        ("legal_rep>employer", 2, 2),
        ("legal_rep>legal_rep", 2, 2),
        ("same_address", 1, 2),
        ("same_phone", 1, 2),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(DECOYS))
def test_decoys_are_quiet(kind: str) -> None:
    keys = decoy_keys(planted(*MAIN_RUN), MODEL_ID)[kind]
    assert not keys & set(hits(*MAIN_RUN))


@pytest.mark.slow
def test_decoys_are_related_but_for_hubs_and_ordinary_suits() -> None:
    """The decoys are look-alikes. Those related by a hidden link (a shared address, an
    employer, a legal representative) have a party_relation row the model must see
    through; the hub address, a lawyer's other cases, trading partners, co-defendants
    and ordinary suits relate nobody: resolve leaves relations the dispute explains out."""
    decoys = decoy_keys(planted(*MAIN_RUN), MODEL_ID)
    related = {
        str(row[0])
        for row in resolved(*MAIN_RUN).execute("SELECT case_no FROM party_relation").fetchall()
    }
    for kind, keys in decoys.items():
        if kind in (
            "hub_address",
            "ordinary",
            "lawyer_in_other_cases",
            "trading_partners",
            "co_defendants",
        ):
            assert not keys & related, kind
        else:
            assert keys <= related, kind


def test_every_branch_and_decoy_is_planted() -> None:
    data = planted(*MAIN_RUN)
    truth = expected(data, MODEL_ID)
    assert len(truth) == MAIN_RUN[1]
    assert {b for bs in truth.values() for b in bs} == set(BRANCHES)
    decoys = decoy_keys(data, MODEL_ID)
    assert set(decoys) == set(DECOYS)
    assert all(len(keys) >= max(2, MAIN_RUN[1] // 2) for keys in decoys.values())
    assert not set().union(*decoys.values()) & set(truth)


def test_court_party_rows_cannot_be_spoiled() -> None:
    """The agencies spoil court_party rows through their birth date: none is planted."""
    assert all("birth_date" not in row for row in planted(*MAIN_RUN).rows["court_party"])


@pytest.mark.parametrize("other", [m for m in MODEL_IDS if m != MODEL_ID])
def test_no_other_model_fires(other: str) -> None:
    assert found(plain(*MAIN_RUN), other) == {}


def test_planting_is_deterministic() -> None:
    first, second = DemoData(), DemoData()
    planter(MODEL_ID)(World(3), first, 6)
    planter(MODEL_ID)(World(3), second, 6)
    assert first.rows == second.rows and first.truth == second.truth
