"""All semantic field types, and the DuckDB macros that clean them in bulk."""

from __future__ import annotations

import importlib
from functools import cache
from importlib import resources

import duckdb

from jiandu.fields.base import SemanticType

# Each module exports TYPES: tuple[SemanticType, ...].
_MODULES = (
    "text",
    "names",
    "address",
    "dates",
    "numbers",
    "id_card",
    "uscc",
    "phone",
    "plate",
    "vin",
    "case_no",
    "region_code",
)


@cache
def semantic_types() -> dict[str, SemanticType]:
    found: dict[str, SemanticType] = {}
    for name in _MODULES:
        module = importlib.import_module(f"jiandu.fields.{name}")
        for semantic_type in module.TYPES:
            if semantic_type.name in found:
                raise RuntimeError(f"semantic type {semantic_type.name} defined twice")
            found[semantic_type.name] = semantic_type
    return found


def get_type(name: str) -> SemanticType:
    types = semantic_types()
    if name not in types:
        raise KeyError(name)
    return types[name]


@cache
def _macro_scripts() -> tuple[str, ...]:
    folder = resources.files("jiandu.fields") / "sql"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".sql")),
        key=lambda entry: entry.name,
    )
    return tuple(entry.read_text(encoding="utf-8") for entry in files)


def _regions_csv() -> str:
    return str(resources.files("jiandu.fields") / "data" / "regions.csv")


_INSTALLED_MARK = "jd_macros_installed"


def install_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Load the region table and every field macro into `con` (idempotent)."""
    marker = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [_INSTALLED_MARK]
    ).fetchone()
    if marker and marker[0]:
        return
    con.execute(
        "CREATE OR REPLACE TEMP TABLE jd_regions AS "
        "SELECT code, name, TRY_CAST(start_year AS INTEGER) AS start_year, "
        "TRY_CAST(end_year AS INTEGER) AS end_year "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [_regions_csv()],
    )
    for script in _macro_scripts():
        con.execute(script)
    con.execute(f"CREATE TEMP TABLE {_INSTALLED_MARK} (x INTEGER)")
