"""The embedded engine: DuckDB over the pool's Parquet files."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
from sqlglot import exp

from jiandu.config import Settings
from jiandu.fields.registry import install_macros

DEFAULT_MEMORY_LIMIT = "2GB"


def connect(settings: Settings, *, macros: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to JIANDU_HOME/tmp and knows the field macros.

    The memory limit bounds an import of a file far larger than RAM: DuckDB streams
    CSV/Parquet and spills sorts and hash tables to the temp folder beyond it.
    """
    spill = settings.tmp_dir / "duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={
            "memory_limit": os.environ.get("JIANDU_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT),
            "temp_directory": str(spill),
            # Rows carry their source row number, so order need not be kept while
            # writing; dropping it lets DuckDB write Parquet from all threads.
            "preserve_insertion_order": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
    )
    if macros:
        install_macros(con)
    return con


def copy_to_parquet(
    con: duckdb.DuckDBPyConnection,
    query: exp.Query,
    target: Path,
    options: dict[str, str] | None = None,
) -> None:
    """COPY a query's rows to a Parquet file (or folder, when options split the output)."""
    params = [exp.CopyParameter(this=exp.var("FORMAT"), expression=exp.var("parquet"))]
    params.extend(
        exp.CopyParameter(this=exp.var(name), expression=exp.Literal.string(value))
        for name, value in (options or {}).items()
    )
    statement = exp.Copy(
        this=query.subquery(),
        kind=False,
        files=[exp.Literal.string(str(target))],
        params=params,
    )
    con.execute(statement.sql("duckdb"))


def read_parquet(files: str | Path | list[str]) -> exp.Expression:
    """The table expression reading one Parquet file or a list of them."""
    if isinstance(files, list):
        argument: exp.Expression = exp.Array(expressions=[exp.Literal.string(f) for f in files])
    else:
        argument = exp.Literal.string(str(files))
    return exp.Anonymous(this="read_parquet", expressions=[argument])
