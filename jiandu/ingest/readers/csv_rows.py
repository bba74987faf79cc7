"""Exact ``_row`` numbers for CSV files whose records do not map one-to-one onto lines.

Two cases leave the cheap ``file_row_number + offset`` wrong: quoted fields holding
newlines (each shifts every later record) and blank lines (DuckDB skips them). The first
is fixed in DuckDB with a running sum; the second needs a strict ``csv`` pass, which
also pinpoints broken quoting. Both rewrite the staged Parquet file with a ``_row``
column, batch by batch.
"""

from __future__ import annotations

import csv
import os
from array import array
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from jiandu.ingest.readers.base import ROW_COLUMN, column_name, source_error

_NEWLINES = "_nl"


def _newline_expr(width: int) -> str:
    # Column names are generated (c0, c1, …); no source text enters this expression.
    parts = [
        f"coalesce(length({c}) - length(replace({c}, chr(10), '')), 0)"
        for c in (column_name(i) for i in range(width))
    ]
    return " + ".join(parts) if parts else "0"


def embedded_newlines(con: duckdb.DuckDBPyConnection, parquet: Path, width: int) -> int:
    """Total count of newline characters inside the values of the staged file."""
    row = con.read_parquet(str(parquet)).aggregate(f"sum({_newline_expr(width)})").fetchall()
    return int(row[0][0]) if row and row[0][0] is not None else 0


def write_running_rows(
    con: duckdb.DuckDBPyConnection, parquet: Path, width: int, header_end: int
) -> None:
    """Rewrite ``parquet`` with ``_row`` = start line, counting newlines in earlier rows."""
    rel = con.read_parquet(str(parquet), file_row_number=True)
    rel = rel.project(f"*, {_newline_expr(width)} AS {_NEWLINES}")
    shift = (
        f"coalesce(sum({_NEWLINES}) OVER (ORDER BY file_row_number "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)"
    )
    columns = ", ".join(column_name(i) for i in range(width))
    rel = rel.project(
        f"{columns}, CAST(file_row_number + 1 + {int(header_end)} + {shift} AS BIGINT) "
        f"AS {ROW_COLUMN}"
    ).order("_row")
    staged = parquet.with_suffix(".rows.parquet")
    rel.write_parquet(str(staged))
    os.replace(staged, parquet)


def exact_record_lines(path: Path, label: str, delimiter: str, header_end: int) -> array[int]:
    """Start line of every non-blank record after line ``header_end``, via strict ``csv``.

    Raises SourceError at the line where quoting breaks. Runs only for files the cheap
    line-count check could not reconcile.
    """
    starts: array[int] = array("q")
    with path.open("r", encoding="utf-8-sig", newline="") as fh:
        for _ in range(header_end):
            fh.readline()
        reader = csv.reader(fh, delimiter=delimiter, strict=True)
        consumed = 0
        try:
            for cells in reader:
                start = header_end + consumed + 1
                consumed = reader.line_num
                if cells:
                    starts.append(start)
        except csv.Error:
            line = header_end + consumed + 1
            raise source_error(
                "引号不匹配（从此行开始的字段缺少结束引号或引号后有多余字符）",
                "unbalanced quotes: a quoted field starting on this line is not closed properly",
                label,
                line,
            ) from None
    return starts


def write_row_column(parquet: Path, lines: array[int]) -> None:
    """Rewrite ``parquet`` adding ``_row`` from ``lines`` (one per row, in order)."""
    source = pq.ParquetFile(str(parquet))
    staged = parquet.with_suffix(".rows.parquet")
    schema = source.schema_arrow.append(pa.field(ROW_COLUMN, pa.int64()))
    offset = 0
    with pq.ParquetWriter(str(staged), schema) as writer:
        for batch in source.iter_batches(batch_size=65536):
            rows = pa.array(lines[offset : offset + batch.num_rows], type=pa.int64())
            offset += batch.num_rows
            columns = [*batch.columns, rows]
            writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=schema))
    source.close()
    os.replace(staged, parquet)
