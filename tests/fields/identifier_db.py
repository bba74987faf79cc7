"""A DuckDB connection with only the macros the identifier types need.

The identifier tests must not depend on the other field modules being importable, so they
load the region table and the SQL files 00 (base) and 20-26 themselves, exactly as
`jiandu.fields.registry.install_macros` would.
"""

from __future__ import annotations

from importlib import resources

import duckdb

_FILES = (
    "00_base.sql",
    "20_id_card.sql",
    "21_uscc.sql",
    "22_phone.sql",
    "23_plate.sql",
    "24_vin.sql",
    "25_case_no.sql",
    "26_region_code.sql",
)


def identifier_connection() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory connection with jd_regions and the identifier macros installed."""
    con = duckdb.connect()
    folder = resources.files("jiandu.fields")
    con.execute(
        "CREATE TEMP TABLE jd_regions AS "
        "SELECT code, name, TRY_CAST(start_year AS INTEGER) AS start_year, "
        "TRY_CAST(end_year AS INTEGER) AS end_year "
        "FROM read_csv(?, header = true, all_varchar = true)",
        [str(folder / "data" / "regions.csv")],
    )
    for name in _FILES:
        script = folder / "sql" / name
        if script.is_file():
            con.execute(script.read_text(encoding="utf-8"))
    return con
