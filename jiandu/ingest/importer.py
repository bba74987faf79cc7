"""Import source files (or a database table) into the pool as one immutable batch.

Plan, then execute: every source is opened and its headers mapped before a single row is
cleaned, so a wrong file fails fast. Then one vectorised query per source cleans into a
staged table (`jiandu.ingest.stage`); the staged rows are split into the batch's data and
its rejects; the quality report is computed; and the batch is committed: staged folder
renamed into the pool, then the catalog row written. Any failure before the catalog commit
removes what was staged or moved, so the pool never holds a partial batch.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.mapping import HeaderMapping, load_mapping_file, map_headers
from jiandu.catalog.registry import score_header
from jiandu.config import Settings
from jiandu.errors import IngestError, JianduError
from jiandu.ingest.cleaning import output_columns, raw_keys
from jiandu.ingest.quality import quality_report
from jiandu.ingest.readers import SourceTable, open_sources, open_sql_source, sha256_file
from jiandu.ingest.stage import split_stage, stage_sources
from jiandu.pool import layout
from jiandu.pool.duckdb_engine import connect
from jiandu.pool.storage import pool_storage
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import new_batch_id

Progress = Callable[[str], None]


@dataclass(frozen=True)
class SqlSource:
    """A table or a single SELECT in an agency database, read through SQLAlchemy."""

    url: str
    table: str | None = None
    query: str | None = None


@dataclass
class ImportRequest:
    dataset_type: DatasetType
    files: Sequence[Path] = ()
    sql: SqlSource | None = None
    source_name: str | None = None
    mapping_file: Path | None = None
    sheet: str | None = None
    encoding: str | None = None
    user: str | None = None


@dataclass
class ImportResult:
    status: str  # "committed" or "duplicate"
    batch_id: str
    dataset_id: str
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_warned: int = 0
    quality: dict[str, Any] = field(default_factory=dict)
    rejects_path: str | None = None
    duration_s: float = 0.0


def _combined_hash(parts: Sequence[str]) -> str:
    """One hash for the whole import: the same files in any order give the same batch."""
    return hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()


def _check_files(files: Sequence[Path]) -> None:
    for path in files:
        if not path.is_file():
            raise IngestError(
                f"找不到文件：{path}",
                f"file not found: {path}",
            )


def _open_all(request: ImportRequest, file_hashes: Sequence[str], tmp: Path) -> list[SourceTable]:
    if request.sql is not None:
        return [
            open_sql_source(
                request.sql.url, table=request.sql.table, query=request.sql.query, tmp_dir=tmp
            )
        ]
    sources: list[SourceTable] = []
    for path, sha256 in zip(request.files, file_hashes, strict=True):
        sources.extend(
            open_sources(
                path,
                tmp_dir=tmp,
                score_header=score_header,
                sheet=request.sheet,
                encoding=request.encoding,
                known_sha256=sha256,
            )
        )
    return sources


def tables_with_data(
    sources: Sequence[SourceTable],
) -> tuple[list[SourceTable], list[SourceTable]]:
    """(tables to import, tables skipped): workbook sheets whose header row names no
    known field at all are skipped.

    Agencies' workbooks carry notes sheets ("填表说明") beside the data; such a sheet
    is skipped and reported, not a reason to refuse the import. A sheet that names
    some fields but lacks required ones still fails loudly, in map_headers. A single
    table, or tables none of which names a field, are all kept (map_headers then
    explains what is missing, naming the first table)."""
    if len(sources) < 2:
        return list(sources), []
    keep = [s for s in sources if score_header(s.headers) > 0]
    if not keep:
        return list(sources), []
    return keep, [s for s in sources if s not in keep]


def import_batch(
    settings: Settings, request: ImportRequest, progress: Progress | None = None
) -> ImportResult:
    """Clean and commit one batch; return what happened. Raises JianduError on refusal."""
    return _BatchImport(settings, request, progress or (lambda _message: None)).run()


def import_table(
    settings: Settings,
    dataset_type: DatasetType,
    table: pa.Table,
    *,
    source_name: str,
    user: str | None = None,
) -> ImportResult:
    """Import rows jiandu computed itself (a derived dataset) as one batch: the Arrow
    table is written to a temporary Parquet file and goes through `import_batch` like any
    file (cleaning, quality report, lineage; the same rows twice are one batch)."""
    folder = settings.tmp_dir / f"derived-{secrets.token_hex(6)}"
    folder.mkdir(parents=True)
    try:
        path = folder / f"{dataset_type.id}.parquet"
        pq.write_table(table, path)
        request = ImportRequest(
            dataset_type=dataset_type, files=(path,), source_name=source_name, user=user
        )
        return import_batch(settings, request)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@dataclass
class _Cleaned:
    """What the clean step leaves in the staging folder, ready to commit."""

    mappings: list[HeaderMapping]
    quality: dict[str, Any]
    data_dir: Path
    rejects: Path


class _BatchImport:
    """One import: plan, clean into staging, commit — or leave nothing behind."""

    def __init__(self, settings: Settings, request: ImportRequest, say: Progress) -> None:
        self.settings = settings
        self.request = request
        self.say = say
        self.dataset_type = request.dataset_type
        self.started = time.monotonic()
        self.engine = make_engine(settings)
        self.batch_id = new_batch_id(datetime.now(UTC))
        self.staging = layout.staging_dir(settings, self.batch_id)
        self.sources: list[SourceTable] = []
        self.file_hashes: list[str] = []
        self.content_hash = ""
        self.skipped: list[str] = []

    def run(self) -> ImportResult:
        _check_files(self.request.files)
        override = (
            load_mapping_file(self.request.mapping_file) if self.request.mapping_file else None
        )
        self.file_hashes = [sha256_file(path) for path in self.request.files]
        if self.file_hashes:
            self.content_hash = _combined_hash(self.file_hashes)
            earlier = self._duplicate_of()
            if earlier is not None:
                return earlier
        self.staging.mkdir(parents=True)
        try:
            self.sources = _open_all(self.request, self.file_hashes, self.staging / "sources")
            if not self.file_hashes:
                # A database source is hashed as it is read; only now can we tell.
                self.content_hash = _combined_hash([s.content_hash for s in self.sources])
                earlier = self._duplicate_of()
                if earlier is not None:
                    return earlier
            self._skip_tables_without_data()
            mappings = [
                map_headers(s.headers, self.dataset_type, override, s.label) for s in self.sources
            ]
            return self._commit(self._clean(mappings))
        except JianduError as refused:
            self._record_failure(refused)
            raise
        finally:
            for source in self.sources:
                source.close()
            shutil.rmtree(self.staging, ignore_errors=True)

    def _skip_tables_without_data(self) -> None:
        """Drop (and close) the tables `tables_with_data` leaves out; remember them."""
        keep, skipped = tables_with_data(self.sources)
        self.skipped = [s.label for s in skipped]
        for source in skipped:
            source.close()
        self.sources = keep

    def _record_failure(self, refused: JianduError) -> None:
        """Keep an audit row of a refused import (it holds no data), when we know what
        was offered; a failure to record must not hide the refusal itself."""
        if not self.content_hash:
            return
        try:
            with session_scope(self.engine) as session:
                pool_catalog.ensure_dataset(session, self.dataset_type)
                pool_catalog.record_batch(
                    session,
                    batch_id=self.batch_id,
                    dataset_id=self.dataset_type.id,
                    status="failed",
                    content_hash=self.content_hash,
                    files=[
                        {"name": p.name, "size": p.stat().st_size, "sha256": h}
                        for p, h in zip(self.request.files, self.file_hashes, strict=True)
                    ],
                    error={
                        "zh": refused.zh,
                        "en": refused.en,
                        "where": refused.location.describe(),
                    },
                    source_name=self.request.source_name,
                    created_by=self.request.user,
                    duration_ms=int((time.monotonic() - self.started) * 1000),
                )
        except Exception:  # the user must see the original refusal, not this one
            return

    def _duplicate_of(self) -> ImportResult | None:
        with session_scope(self.engine) as session:
            earlier = pool_catalog.find_committed_batch(
                session, self.dataset_type.id, self.content_hash
            )
            if earlier is None:
                return None
            return ImportResult(
                status="duplicate",
                batch_id=earlier.id,
                dataset_id=self.dataset_type.id,
                rows_read=earlier.rows_read,
                rows_accepted=earlier.rows_accepted,
                rows_rejected=earlier.rows_rejected,
                rows_warned=earlier.rows_warned,
                duration_s=time.monotonic() - self.started,
            )

    def _clean(self, mappings: list[HeaderMapping]) -> _Cleaned:
        columns = output_columns(self.dataset_type, mappings)
        cleaned = _Cleaned(mappings, {}, self.staging / "data", self.staging / "rejects.parquet")
        with session_scope(self.engine) as session:
            earlier_dirs = pool_catalog.committed_batch_paths(session, self.dataset_type.id)
        con = connect(self.settings)
        try:
            self.say("cleaning")
            stage = stage_sources(con, self.dataset_type, self.sources, mappings, columns)
            self.say("splitting accepted and rejected rows")
            split_stage(con, stage, columns, self.batch_id, cleaned.data_dir, cleaned.rejects)
            self.say("quality report")
            cleaned.quality = quality_report(
                con,
                stage,
                [s.name for s in self.dataset_type.fields],
                [list(k) for k in self.dataset_type.keys],
                layout.data_files(self.settings, earlier_dirs),
            )
            cleaned.quality["skipped_tables"] = self.skipped
        finally:
            con.close()
        if cleaned.quality["rows_read"] == 0:
            raise IngestError(
                "源文件中没有数据行，未提交任何批次",
                "the sources hold no data rows; nothing was committed",
            )
        if cleaned.quality["rows_accepted"] == 0:
            raise _nothing_accepted(
                self.settings, self.dataset_type, self.batch_id, cleaned.rejects, cleaned.quality
            )
        return cleaned

    def _commit(self, cleaned: _Cleaned) -> ImportResult:
        """Put the staged folder into the pool (renamed, or uploaded to shared storage),
        then write the catalog row, which is the commit point."""
        settings, dataset_id, quality = self.settings, self.dataset_type.id, cleaned.quality
        data_path = layout.batch_path(dataset_id, self.batch_id)
        pool = pool_storage(settings)
        rejects = layout.rejects_file(settings, dataset_id, self.batch_id)
        has_rejects = quality["rows_rejected"] > 0
        rejects.parent.mkdir(parents=True, exist_ok=True)
        self.say("committing")
        pool.commit(cleaned.data_dir, data_path)
        try:
            if has_rejects:
                cleaned.rejects.rename(rejects)
            duration = time.monotonic() - self.started
            with session_scope(self.engine) as session:
                pool_catalog.ensure_dataset(
                    session, self.dataset_type, _extra_fields(cleaned.mappings)
                )
                pool_catalog.record_batch(
                    session,
                    batch_id=self.batch_id,
                    dataset_id=dataset_id,
                    status="committed",
                    rows_read=quality["rows_read"],
                    rows_accepted=quality["rows_accepted"],
                    rows_rejected=quality["rows_rejected"],
                    rows_warned=quality["rows_warned"],
                    source_name=self.request.source_name,
                    content_hash=self.content_hash,
                    files=_file_entries(
                        self.request.files, self.file_hashes, self.sources, cleaned.mappings
                    ),
                    quality=quality,
                    data_path=data_path,
                    rejects_path=layout.relative_to_home(settings, rejects)
                    if has_rejects
                    else None,
                    created_by=self.request.user,
                    duration_ms=int(duration * 1000),
                )
        except BaseException:
            pool.remove(data_path)
            rejects.unlink(missing_ok=True)
            raise
        return ImportResult(
            status="committed",
            batch_id=self.batch_id,
            dataset_id=dataset_id,
            rows_read=quality["rows_read"],
            rows_accepted=quality["rows_accepted"],
            rows_rejected=quality["rows_rejected"],
            rows_warned=quality["rows_warned"],
            quality=quality,
            rejects_path=str(rejects) if has_rejects else None,
            duration_s=duration,
        )


def _extra_fields(mappings: Sequence[HeaderMapping]) -> list[tuple[str, str]]:
    """(column, source header) of every unknown column kept, first seen first."""
    extras: dict[str, str] = {}
    for mapping in mappings:
        for column in mapping.columns:
            if column.field is None and column.extra_name:
                extras.setdefault(column.extra_name, column.header)
    return list(extras.items())


def _file_entries(
    files: Sequence[Path],
    hashes: Sequence[str],
    sources: Sequence[SourceTable],
    mappings: Sequence[HeaderMapping],
) -> list[dict[str, Any]]:
    """What the catalog records of the import's inputs: files, then the tables read
    with the header each field came from (so a rejected value can be shown again)."""
    entries: list[dict[str, Any]] = [
        {"name": path.name, "size": path.stat().st_size, "sha256": sha256}
        for path, sha256 in zip(files, hashes, strict=True)
    ]
    for source, mapping in zip(sources, mappings, strict=True):
        fields = {
            column.field: key
            for column, key in zip(mapping.columns, raw_keys(mapping), strict=True)
            if column.field
        }
        entries.append({"table": source.label, "header_row": source.header_row, "fields": fields})
    return entries


def _nothing_accepted(
    settings: Settings,
    dataset_type: DatasetType,
    batch_id: str,
    rejects_staged: Path,
    quality: dict[str, Any],
) -> JianduError:
    """Every row was rejected: keep the rejects for the person to read, commit nothing."""
    kept = settings.home / "rejects" / dataset_type.id / f"{batch_id}-failed.parquet"
    kept.parent.mkdir(parents=True, exist_ok=True)
    if rejects_staged.exists():
        rejects_staged.rename(kept)
    top = quality["errors"][0] if quality["errors"] else None
    reason_zh = f"；最多的原因：字段 {top['field']} {top['zh']}（{top['count']} 行）" if top else ""
    reason_en = (
        f"; most common: field {top['field']} {top['en']} ({top['count']} rows)" if top else ""
    )
    # Named relative to JIANDU_HOME: the message also reaches web users, who must not
    # learn the server's folders.
    where = f"JIANDU_HOME/{kept.relative_to(settings.home).as_posix()}"
    return IngestError(
        f"全部 {quality['rows_read']} 行均未通过校验，未提交任何批次{reason_zh}。被拒行见 {where}",
        f"all {quality['rows_read']} rows were rejected, nothing was committed{reason_en}. "
        f"Rejected rows: {where}",
    )
