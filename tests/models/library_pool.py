"""Tiny in-memory pools for testing library models: tables named like dataset types,
with the cleaned column types of the pool, and a helper that runs a compiled model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from typing import Any

import duckdb

from jiandu.catalog.registry import builtin_types
from jiandu.fields.registry import get_type
from jiandu.models import ModelSpec, compile_model, library_models

AS_OF = date(2024, 6, 30)


def table(con: duckdb.DuckDBPyConnection, type_id: str, rows: list[dict[str, Any]]) -> None:
    """Create `type_id` with every field of the type (cleaned types) and insert `rows`."""
    fields = builtin_types()[type_id].fields
    columns = ", ".join(f"{f.name} {get_type(f.type).duckdb_type}" for f in fields)
    con.execute(f"CREATE TABLE {type_id} ({columns})")
    for row in rows:
        names = list(row)
        marks = ", ".join("?" for _ in names)
        con.execute(
            f"INSERT INTO {type_id} ({', '.join(names)}) VALUES ({marks})", list(row.values())
        )


@cache
def _library() -> dict[str, ModelSpec]:
    """The library, parsed once per test session (specs are frozen)."""
    return library_models()


def hits(
    con: duckdb.DuckDBPyConnection,
    model_id: str,
    params: dict[str, Any] | None = None,
    as_of: date = AS_OF,
) -> list[dict[str, Any]]:
    """Every hit of a library model over the tables in `con`, as dicts."""
    model = compile_model(_library()[model_id], params, as_of=as_of)
    result = con.execute(model.sql("duckdb"))
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def hit_keys(con: duckdb.DuckDBPyConnection, model_id: str, **kwargs: Any) -> dict[str, set[str]]:
    """{subject_key: {branches that fired}} for a library model."""
    found: dict[str, set[str]] = {}
    for hit in hits(con, model_id, **kwargs):
        found.setdefault(str(hit["subject_key"]), set()).add(str(hit["branch"]))
    return found


def library_spec(model_id: str) -> ModelSpec:
    """One library model's parsed spec."""
    return _library()[model_id]


@contextmanager
def emptied(con: duckdb.DuckDBPyConnection, *type_ids: str) -> Iterator[None]:
    """Inside the block the tables `type_ids` exist but are empty, as the runner registers
    an optional dataset without data; the change is rolled back afterwards."""
    con.execute("BEGIN")
    try:
        for type_id in type_ids:
            con.execute(f"DROP TABLE {type_id}")
            table(con, type_id, [])
        yield
    finally:
        con.execute("ROLLBACK")


def without_branches(found: dict[str, set[str]], branches: set[str]) -> dict[str, set[str]]:
    """`found` with `branches` taken away, dropping subjects left with no branch."""
    return {key: fired - branches for key, fired in found.items() if fired - branches}


def branches_fired(found: dict[str, set[str]]) -> set[str]:
    """Every branch with at least one hit in `found`."""
    return set().union(*found.values())
