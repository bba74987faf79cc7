"""The table every reader produces: raw text columns ``c0..c{n-1}`` plus ``_row``.

Every reader ends in a Parquet file under the caller's ``tmp_dir`` (or, for Parquet
sources, the source itself), so ``relation`` is cheap, repeatable and never re-parses the
source. Values are the raw text of the source: no type inference, leading zeros kept.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from jiandu.errors import Location, SourceError

ScoreHeader = Callable[[list[str]], int]

ROW_COLUMN = "_row"
_FILE_ROW = "file_row_number"
_HASH_CHUNK = 1 << 20


def column_name(index: int) -> str:
    """Positional column name used by every reader (``c0``, ``c1``, …)."""
    return f"c{index}"


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def source_error(zh: str, en: str, label: str, row: int | None = None) -> SourceError:
    """A bilingual SourceError located in ``label`` (file name, plus sheet) and row."""
    return SourceError(zh, en, location=Location(file=label, row=row))


@dataclass
class SourceTable:
    """One readable table of a source (a file, an Excel sheet, a database query).

    ``relation(con)`` yields columns ``c0..c{n-1}`` VARCHAR in header order plus ``_row``
    BIGINT. Empty cells are NULL (never ''), so blanks look the same in every format.
    ``_row`` is the number a person sees: CSV/JSON Lines the physical line on which the
    record starts (exact also after quoted multi-line fields and blank lines), Excel the
    spreadsheet row, JSON arrays/Parquet/SQL the 1-based record index. ``header_row`` is
    the 1-based line/row of the (last) header row, or 0 where headers come from a schema
    (JSON keys, Parquet columns, SQL result columns).

    ``_row`` comes either from a stored ``_row`` column (``row_offset is None``) or, for
    free, from Parquet's ``file_row_number`` plus ``row_offset`` (the number of source
    rows before the first data row).
    """

    label: str
    headers: list[str]
    header_row: int
    content_hash: str
    parquet_path: Path
    row_offset: int | None = None
    source_columns: list[str] | None = None
    temp_paths: list[Path] = field(default_factory=list)

    def relation(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
        """The table as a DuckDB relation on ``con`` (lazy; reads the Parquet file)."""
        rel = con.read_parquet(str(self.parquet_path), file_row_number=self.row_offset is not None)
        names = self.source_columns or [column_name(i) for i in range(len(self.headers))]
        exprs = [
            duckdb.ColumnExpression(name).cast(duckdb.sqltype("VARCHAR")).alias(column_name(i))
            for i, name in enumerate(names)
        ]
        if self.row_offset is None:
            row = duckdb.ColumnExpression(ROW_COLUMN)
        else:
            row = duckdb.ColumnExpression(_FILE_ROW) + duckdb.ConstantExpression(
                self.row_offset + 1
            )
        exprs.append(row.cast(duckdb.sqltype("BIGINT")).alias(ROW_COLUMN))
        return rel.select(*exprs)

    def close(self) -> None:
        """Remove this table's temporary files (idempotent)."""
        for path in self.temp_paths:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        self.temp_paths.clear()
