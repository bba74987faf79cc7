"""Planted demo rows in an in-memory DuckDB pool, without files: the quick way to check a
planter's stories against its model (the file path with its mess is tested end to end in
test_demo_province.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

import duckdb
import pyarrow as pa

from jiandu.catalog.registry import builtin_types
from jiandu.demo.world import DEMO_AS_OF, DemoData
from jiandu.fields.registry import get_type, install_macros
from jiandu.models import ModelSpec, compile_model, library_models


def pool(data: DemoData) -> duckdb.DuckDBPyConnection:
    """Every built-in dataset type as a table with the pool's cleaned column types and
    derived columns, holding the planted rows of `data` (empty where none)."""
    con = duckdb.connect()
    install_macros(con)
    for type_id, dataset_type in builtin_types().items():
        columns: list[tuple[str, str]] = []
        for spec in dataset_type.fields:
            semantic = get_type(spec.type)
            columns.append((spec.name, semantic.duckdb_type))
            columns.extend((f"{spec.name}_{d.suffix}", d.duckdb_type) for d in semantic.derived)
        con.execute(f"CREATE TABLE {type_id} ({', '.join(f'{n} {t}' for n, t in columns)})")
        rows = data.rows.get(type_id, [])
        if not rows:
            continue
        values: dict[str, list[Any]] = {name: [] for name, _ in columns}
        for row in rows:
            for spec in dataset_type.fields:
                value = row.get(spec.name)
                values[spec.name].append(value)
                for d in get_type(spec.type).derived:
                    values[f"{spec.name}_{d.suffix}"].append(
                        None if value is None else d.scalar(value)
                    )
        staged = pa.table({name: pa.array(v, from_pandas=True) for name, v in values.items()})
        con.register("staged_rows", staged)
        names = ", ".join(name for name, _ in columns)
        casts = ", ".join(f"CAST({name} AS {kind})" for name, kind in columns)
        con.execute(f"INSERT INTO {type_id} ({names}) SELECT {casts} FROM staged_rows")
        con.unregister("staged_rows")
    return con


@cache
def _library() -> dict[str, ModelSpec]:
    return library_models()


def found(con: duckdb.DuckDBPyConnection, model_id: str) -> dict[str, set[str]]:
    """{subject_key: branches that fired} of a library model over `con`, as of DEMO_AS_OF."""
    compiled = compile_model(_library()[model_id], None, as_of=DEMO_AS_OF)
    result: dict[str, set[str]] = {}
    for key, branch in con.execute(
        f"SELECT subject_key, branch FROM ({compiled.sql('duckdb')})"
    ).fetchall():
        result.setdefault(str(key), set()).add(str(branch))
    return result


def expected(data: DemoData, model_id: str) -> dict[str, set[str]]:
    """{subject_key: branches} of the true cases planted for a model."""
    result: dict[str, set[str]] = {}
    for case in data.truth:
        if case.model_id == model_id:
            result.setdefault(case.subject_key, set()).add(case.branch)
    return result


def decoy_keys(data: DemoData, model_id: str) -> dict[str, set[str]]:
    """{decoy kind: subject keys} planted for a model."""
    result: dict[str, set[str]] = {}
    for decoy in data.decoys:
        if decoy.model_id == model_id:
            result.setdefault(decoy.kind, set()).add(decoy.subject_key)
    return result
