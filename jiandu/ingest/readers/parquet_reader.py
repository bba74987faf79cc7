"""Parquet sources, read in place: every column cast to VARCHAR, ``_row`` = row index.

DuckDB's VARCHAR cast renders dates as ISO ``YYYY-MM-DD`` and timestamps as
``YYYY-MM-DD HH:MM:SS``; nested values use DuckDB's literal form.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from jiandu.ingest.readers.base import SourceTable, sha256_file, source_error


def open_parquet(path: Path, known_sha256: str | None = None) -> SourceTable:
    """Open a Parquet file; headers are its column names (``header_row`` 0)."""
    try:
        names = [str(name) for name in pq.read_schema(str(path)).names]
    except Exception:  # pyarrow raises several types for a file that is not Parquet
        raise source_error(
            "无法读取 Parquet 文件（文件损坏或不是 Parquet）",
            "cannot read the Parquet file (corrupt or not Parquet)",
            path.name,
        ) from None
    return SourceTable(
        label=path.name,
        headers=names,
        header_row=0,
        content_hash=known_sha256 or sha256_file(path),
        parquet_path=path,
        row_offset=0,
        source_columns=names,
    )
