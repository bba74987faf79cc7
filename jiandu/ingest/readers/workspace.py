"""Temporary files and the private DuckDB connection readers use to stage sources."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

# Staging runs beside the caller's own work; a cap keeps a huge CSV from taking the
# machine, and spilling goes to the caller's tmp_dir rather than the system temp.
_MEMORY_LIMIT = "2GB"


def temp_parquet(tmp_dir: Path) -> Path:
    """A fresh, not yet existing Parquet path under ``tmp_dir``."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    return tmp_dir / f"jiandu-src-{uuid.uuid4().hex}.parquet"


@contextmanager
def private_connection(tmp_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory DuckDB connection that spills under ``tmp_dir``; closed on exit."""
    con = duckdb.connect(
        ":memory:",
        config={"temp_directory": str(tmp_dir), "memory_limit": _MEMORY_LIMIT},
    )
    try:
        yield con
    finally:
        con.close()


def write_empty_parquet(path: Path, columns: list[str]) -> None:
    """A zero-row Parquet file with VARCHAR ``columns``."""
    schema = pa.schema([(name, pa.string()) for name in columns])
    pq.write_table(schema.empty_table(), str(path))
