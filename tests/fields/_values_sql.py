"""A DuckDB connection with the region table and only the value/text macro files.

Loading just these files keeps the value-type tests independent of the identifier types'
macros; `test_parity_values.py::test_install_macros_everything` checks the full registry.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

import duckdb

from jiandu.fields.base import FieldInvalid, SemanticType

VALUE_SQL_FILES = (
    "00_base.sql",
    "10_text.sql",
    "11_names.sql",
    "12_address.sql",
    "13_dates.sql",
    "14_numbers.sql",
)
_MACRO_NAME = re.compile("jd_[a-z0-9_]+")


def values_connection() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection loaded like `install_macros`, values files only."""
    con = duckdb.connect()
    regions = str(resources.files("jiandu.fields") / "data" / "regions.csv")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE jd_regions AS "
        "SELECT code, name, TRY_CAST(start_year AS INTEGER) AS start_year, "
        "TRY_CAST(end_year AS INTEGER) AS end_year "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [regions],
    )
    folder = resources.files("jiandu.fields") / "sql"
    for name in VALUE_SQL_FILES:
        con.execute((folder / name).read_text(encoding="utf-8"))
    return con


def call(con: duckdb.DuckDBPyConnection, macro: str, value: Any) -> Any:
    """Apply one macro (a trusted name from a SemanticType) to one parameter value."""
    if not _MACRO_NAME.fullmatch(macro):
        raise ValueError(f"not a macro name: {macro!r}")
    row = con.execute(f"SELECT {macro}(?)", [value]).fetchone()
    assert row is not None
    return row[0]


def assert_parity(con: duckdb.DuckDBPyConnection, semantic_type: SemanticType, raw: str) -> None:
    """Scalar and SQL faces agree on clean value, error, warning and derived columns."""
    error = call(con, semantic_type.sql_error, raw)
    clean = call(con, semantic_type.sql_clean, raw)
    try:
        expected = semantic_type.normalize(raw)
    except FieldInvalid as invalid:
        assert (error, clean) == (invalid.issue.code, None), raw
        assert invalid.issue.code in semantic_type.issues
        return
    assert error is None, (raw, error)
    assert clean == expected, (raw, clean, expected)
    if semantic_type.sql_warn is not None:
        warning = semantic_type.warn(raw)
        assert call(con, semantic_type.sql_warn, raw) == (warning.code if warning else None), raw
    for derived in semantic_type.derived:
        assert call(con, derived.sql_macro, clean) == derived.scalar(expected), (
            raw,
            derived.suffix,
        )
