"""The demo's bulk filler: typed like the pool, sized as asked, unique where keys must
be, and innocent — no library model finds anything in it."""

from __future__ import annotations

import duckdb
import pytest
from demo_harness import found

from jiandu.catalog.registry import builtin_types
from jiandu.demo.filler import FILLER, filler_counts, filler_sql, install_filler_macros
from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.world import World
from jiandu.fields.registry import get_type, install_macros

# Types an agency sends; derived types (near_duplicate_group) are computed by jiandu.
SENT = {t: d for t, d in builtin_types().items() if not d.derived}


@pytest.fixture(scope="module")
def filler_pool() -> duckdb.DuckDBPyConnection:
    """Every dataset type's filler for a 60,000-row pool, as pool tables (with the
    derived columns the import adds)."""
    con = duckdb.connect()
    install_macros(con)
    install_filler_macros(con, seed=11)
    counts = filler_counts(60_000)
    for type_id, dataset_type in builtin_types().items():
        if dataset_type.derived:  # no filler: an empty table, as in a pool without it
            typed = ", ".join(
                f"{f.name} {get_type(f.type).duckdb_type}" for f in dataset_type.fields
            )
            con.execute(f"CREATE TABLE {type_id} ({typed})")
            continue
        columns = []
        for spec in dataset_type.fields:
            semantic = get_type(spec.type)
            columns.append(f"CAST({spec.name} AS {semantic.duckdb_type}) AS {spec.name}")
            columns.extend(
                f"{d.sql_macro}({spec.name}) AS {spec.name}_{d.suffix}" for d in semantic.derived
            )
        con.execute(
            f"CREATE TABLE {type_id} AS SELECT {', '.join(columns)} "
            f"FROM ({filler_sql(type_id, counts)})"
        )
    return con


def test_every_dataset_type_has_filler_with_its_fields() -> None:
    assert set(FILLER) == set(SENT)
    con = duckdb.connect()
    install_macros(con)
    install_filler_macros(con, seed=1)
    counts = filler_counts(5000)
    for type_id, dataset_type in SENT.items():
        columns = con.sql(filler_sql(type_id, counts)).columns
        assert columns[0] == "_i"
        assert sorted(columns[1:]) == sorted(f.name for f in dataset_type.fields), type_id


def test_counts_follow_the_size() -> None:
    small, large = filler_counts(10_000), filler_counts(1_000_000)
    assert 9_000 < sum(small.values()) < 11_500
    assert 950_000 < sum(large.values()) < 1_050_000
    assert large["court_party"] == 2 * large["court_case"]


@pytest.mark.parametrize("type_id", sorted(SENT))
def test_filler_values_are_valid_pool_values(
    filler_pool: duckdb.DuckDBPyConnection, type_id: str
) -> None:
    """Every filler value is what the import would store: cleaning it changes nothing."""
    checks = []
    for spec in builtin_types()[type_id].fields:
        semantic = get_type(spec.type)
        if spec.type in ("id_card", "uscc", "phone", "plate", "vin", "case_no"):
            checks.append(
                f"count(*) FILTER ({spec.name} IS NOT NULL "
                f"AND {semantic.sql_clean}({spec.name}) IS DISTINCT FROM {spec.name})"
            )
        if spec.required:
            checks.append(f"count(*) FILTER ({spec.name} IS NULL)")
    if not checks:
        pytest.skip("no checked fields")
    row = filler_pool.execute(f"SELECT {', '.join(checks)} FROM {type_id}").fetchone()
    assert row is not None and set(row) == {0}


def test_filler_keys_are_unique(filler_pool: duckdb.DuckDBPyConnection) -> None:
    for table, key in (
        ("company_registry", "uscc"),
        ("company_registry", "name"),
        ("company_registry", "reg_address"),
        ("company_registry", "phone"),
        ("court_case", "case_no"),
        ("execution_case", "exec_case_no"),
        ("judicial_confirmation", "case_no"),
        ("police_incident", "incident_id"),
        ("medical_settlement", "id_card"),
        ("court_party", "id_card"),
    ):
        row = filler_pool.execute(
            f"SELECT count({key}), count(DISTINCT {key}) FROM {table}"
        ).fetchone()
        assert row is not None and row[0] == row[1], (table, key)


def test_filler_never_meets_planted_keys(filler_pool: duckdb.DuckDBPyConnection) -> None:
    """Planted people have ID sequence numbers 500-999, filler 000-499; planted plates a
    letter in third place; planted case numbers 50001 and above."""
    world = World(3)
    person, vehicle = world.person(), world.vehicle()
    assert int(person.id_card[14:17]) >= 500
    row = filler_pool.execute(
        "SELECT max(substr(id_card, 15, 3)::INTEGER) FROM pension_payment"
    ).fetchone()
    assert row is not None and row[0] < 500
    row = filler_pool.execute(
        "SELECT count(*) FROM vehicle_registry "
        "WHERE NOT regexp_full_match(plate, '浙[A-Z][0-9]{5}')"
    ).fetchone()
    assert row == (0,) and vehicle.plate[2].isalpha()
    row = filler_pool.execute(
        "SELECT max(regexp_extract(case_no, '(\\d+)号$', 1)::INTEGER) FROM court_case"
    ).fetchone()
    assert row is not None and row[0] < 50_000


@pytest.mark.parametrize("model_id", MODEL_IDS)
def test_no_model_finds_anything_in_the_filler(
    filler_pool: duckdb.DuckDBPyConnection, model_id: str
) -> None:
    assert found(filler_pool, model_id) == {}
