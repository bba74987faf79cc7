"""The working directory (JIANDU_HOME) as the CLI and, later, the web app open it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb
from sqlalchemy import Engine
from sqlglot import exp

from jiandu.config import Settings
from jiandu.errors import CatalogError
from jiandu.ingest.issues import describe
from jiandu.pool import layout
from jiandu.pool.duckdb_engine import connect, read_parquet
from jiandu.pool.storage import pool_storage
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, mask_url, session_scope
from jiandu.store.migrate import check_up_to_date, current_revision, upgrade
from jiandu.store.schema import Batch


@dataclass(frozen=True)
class InitReport:
    database: str
    revision: str | None
    swept: int


def _committed_dirs(engine: Engine) -> set[str]:
    # Replaced batches (superseded recomputations of a derived dataset) keep their data.
    with session_scope(engine) as session:
        return pool_catalog.kept_batch_paths(session)


def init_workspace(settings: Settings) -> InitReport:
    """Create the folders, migrate the metadata DB to head, sweep crash debris."""
    for folder in (settings.home, settings.staging_dir, settings.tmp_dir):
        folder.mkdir(parents=True, exist_ok=True)
    pool_storage(settings).prepare()
    engine = make_engine(settings)
    upgrade(engine)
    swept = layout.sweep_orphans(settings, _committed_dirs(engine))
    return InitReport(mask_url(engine.url), current_revision(engine), len(swept))


class Workspace:
    """Read access to the catalog and the pool, for listing commands."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine

    def datasets(self) -> list[pool_catalog.DatasetSummary]:
        with session_scope(self.engine) as session:
            return pool_catalog.list_datasets(session)

    def dataset(self, dataset_id: str) -> dict[str, Any]:
        """One catalog entry: its level, and every field with its type and PII class."""
        with session_scope(self.engine) as session:
            dataset = pool_catalog.get_dataset(session, dataset_id)
            if dataset is None:
                raise CatalogError(
                    f"数据池中没有数据集 {dataset_id}；见 `jiandu datasets`",
                    f"no dataset {dataset_id} in the pool; see `jiandu datasets`",
                )
            return {
                "id": dataset.id,
                "type_id": dataset.type_id,
                "type_version": dataset.type_version,
                "name_zh": dataset.name_zh,
                "name_en": dataset.name_en,
                "sensitivity": dataset.sensitivity,
                "owner_unit": dataset.owner_unit,
                "fields": [
                    {
                        "name": f.name,
                        "semantic_type": f.semantic_type,
                        "label_zh": f.label_zh,
                        "label_en": f.label_en,
                        "pii": f.pii,
                        "origin": f.origin,
                    }
                    for f in dataset.fields
                ],
            }

    def batches(self, dataset_id: str) -> list[dict[str, Any]]:
        with session_scope(self.engine) as session:
            return [
                {
                    "id": b.id,
                    "status": b.status,
                    "source_name": b.source_name,
                    "rows_read": b.rows_read,
                    "rows_accepted": b.rows_accepted,
                    "rows_rejected": b.rows_rejected,
                    "rows_warned": b.rows_warned,
                    "created_at": b.created_at.isoformat(),
                    "files": b.files,
                }
                for b in pool_catalog.list_batches(session, dataset_id)
            ]

    def rejects(self, batch_id: str, limit: int) -> list[dict[str, Any]]:
        """Rejected rows, one line per (row, field) problem, with the original text."""
        with session_scope(self.engine) as session:
            batch = session.get(Batch, batch_id)
            if batch is None:
                raise CatalogError(f"找不到批次 {batch_id}", f"no batch {batch_id}")
            rejects_path = batch.rejects_path
            headers = _field_headers(batch.files)
        if rejects_path is None:
            return []
        con = connect(self.settings, macros=False)
        try:
            return _read_rejects(con, str(self.settings.home / rejects_path), headers, limit)
        finally:
            con.close()


def _field_headers(files: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Per source table, which raw header each standard field was read from."""
    return {entry["table"]: entry.get("fields", {}) for entry in files if "table" in entry}


def _read_rejects(
    con: duckdb.DuckDBPyConnection, path: str, headers: dict[str, dict[str, str]], limit: int
) -> list[dict[str, Any]]:
    query = (
        exp.select("_source", "_row", "_errors", "_raw")
        .from_(read_parquet(path))
        .order_by("_source", "_row")
        .limit(limit)
    )
    lines: list[dict[str, Any]] = []
    for source, row, errors, raw in con.execute(query.sql("duckdb")).fetchall():
        raw_map: dict[str, str | None] = raw or {}  # DuckDB returns a MAP as a dict
        for error in errors:
            issue = describe(error["code"])
            header = headers.get(source, {}).get(error["field"])
            lines.append(
                {
                    "source": source,
                    "row": row,
                    "field": error["field"],
                    "header": header,
                    "value": (raw_map.get(header) or "") if header else None,
                    "code": error["code"],
                    "zh": issue.zh,
                    "en": issue.en,
                }
            )
    return lines


def open_workspace(settings: Settings) -> Workspace:
    """Open an initialised JIANDU_HOME; tells the person to run `jiandu init` otherwise."""
    engine = make_engine(settings)
    check_up_to_date(engine)
    return Workspace(settings, engine)
