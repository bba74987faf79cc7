"""Readers: turn a source file or database table into raw text columns plus ``_row``.

``open_sources`` dispatches on the file extension; every table it returns is staged (or,
for Parquet, read in place) so that ``SourceTable.relation`` is cheap and repeatable.
"""

from __future__ import annotations

from pathlib import Path

from jiandu.ingest.readers.base import ScoreHeader, SourceTable, sha256_file, source_error
from jiandu.ingest.readers.csv_reader import open_csv
from jiandu.ingest.readers.excel import open_excel
from jiandu.ingest.readers.json_reader import open_json
from jiandu.ingest.readers.parquet_reader import open_parquet
from jiandu.ingest.readers.sql_reader import open_sql_source

__all__ = ["ScoreHeader", "SourceTable", "open_sources", "open_sql_source", "sha256_file"]

_CSV = {".csv", ".tsv", ".txt"}
_EXCEL = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
_JSON = {".json", ".jsonl", ".ndjson"}
_PARQUET = {".parquet"}


def open_sources(
    path: Path | str,
    *,
    tmp_dir: Path | str,
    score_header: ScoreHeader,
    sheet: str | None = None,
    encoding: str | None = None,
    known_sha256: str | None = None,
) -> list[SourceTable]:
    """Open a source file as tables: one per non-empty Excel sheet, else exactly one.

    ``score_header(cells)`` rates how header-like a row is (see jiandu.catalog);
    ``sheet`` picks one Excel sheet; ``encoding`` overrides CSV encoding detection;
    ``known_sha256`` is the file's hash when the caller has it (it is not read twice).
    Temp files go under ``tmp_dir``; call ``close()`` on each table when done.
    """
    source, tmp = Path(path), Path(tmp_dir)
    if not source.is_file():
        raise source_error("找不到文件", "file not found", source.name)
    tmp.mkdir(parents=True, exist_ok=True)
    suffix = source.suffix.lower()
    if suffix in _EXCEL:
        return open_excel(
            source, tmp_dir=tmp, score_header=score_header, sheet=sheet, known_sha256=known_sha256
        )
    if suffix in _CSV:
        return [
            open_csv(
                source,
                tmp_dir=tmp,
                score_header=score_header,
                encoding=encoding,
                known_sha256=known_sha256,
            )
        ]
    if suffix in _JSON:
        return [open_json(source, tmp_dir=tmp, known_sha256=known_sha256)]
    if suffix in _PARQUET:
        return [open_parquet(source, known_sha256)]
    raise source_error(
        f"不支持的文件类型 {suffix or '(无扩展名)'}；支持 CSV/TSV、Excel、JSON、Parquet",
        f"unsupported file type {suffix or '(no extension)'}; use CSV/TSV, Excel, JSON or Parquet",
        source.name,
    )
