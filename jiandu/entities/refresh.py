"""Keep the entity datasets in step with the pool: `refresh_entities(settings)`.

Reads every committed batch of every dataset whose type mentions people, organisations or
vehicles (`jiandu.entities.mentions`), resolves them (`jiandu.entities.resolve`) and commits
the four derived datasets — `entity`, `entity_record`, `entity_edge`, `party_relation` —
each as one new batch through the ordinary import (`ingest.import_batch` over Parquet:
cleaning, quality report and lineage as for any batch); then the earlier batches of those
datasets are marked `replaced`, so models read exactly one resolution.

Resolution is global (a new record can merge two entities), so it is recomputed from all
mentions each time the inputs change; `JIANDU_HOME/entities/state.json` remembers the input
batches of the last refresh, and an unchanged pool costs one catalog query.

The HMAC secret behind entity ids lives in `JIANDU_HOME/entities/secret` (created on first
use, mode 0600). Keep it with the home: a new secret gives every entity a new id.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.registry import all_types, builtin_types
from jiandu.config import Settings
from jiandu.entities.mentions import MENTION_COLUMNS, mentions_for, mentions_sql
from jiandu.entities.resolve import Resolved, resolve
from jiandu.ingest.importer import import_table
from jiandu.pool import duckdb_engine, layout
from jiandu.pool.storage import arrow_location
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope

__all__ = ["DERIVED", "EntityReport", "entity_secret", "refresh_entities"]

# Derived dataset -> the attribute of `Resolved` holding its rows.
DERIVED = {
    "entity": "entities",
    "entity_record": "records",
    "entity_edge": "edges",
    "party_relation": "party_relations",
}
# Bumped when resolution changes in a way that should recompute an unchanged pool.
_VERSION = "1"
_SOURCE_NAME = "实体识别计算 / entity resolution"


@dataclass(frozen=True)
class EntityReport:
    """What a refresh did."""

    status: str  # "unchanged" | "refreshed" | "empty"
    input_batches: tuple[str, ...]
    mentions: int = 0
    entities: int = 0
    edges: int = 0
    party_relations: int = 0
    batches: dict[str, str] = field(default_factory=dict)  # dataset -> committed batch
    replaced: tuple[str, ...] = ()
    stats: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0


def _folder(settings: Settings) -> Path:
    return settings.home / "entities"


def entity_secret(settings: Settings) -> bytes:
    """The installation's HMAC key for entity ids (created on first use)."""
    path = _folder(settings) / "secret"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(secrets.token_hex(32))
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, path)  # never overwrite a secret another process just made
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


@dataclass(frozen=True)
class _Input:
    """A dataset that mentions someone: its type and committed (batch id, data path)s."""

    dataset_type: DatasetType
    batches: list[tuple[str, str]]


def _inputs(settings: Settings, engine: Engine) -> dict[str, _Input]:
    """{dataset id: its type and committed batches}, for the datasets that mention anyone."""
    types = all_types(settings)
    with session_scope(engine) as session:
        committed = pool_catalog.committed_batches(session)
        type_of = pool_catalog.dataset_type_ids(session)
    inputs: dict[str, _Input] = {}
    for dataset_id, batch_id, path in committed:
        dataset_type = types.get(type_of.get(dataset_id, dataset_id))
        if dataset_type is None or not mentions_for(dataset_type).slots:
            continue
        inputs.setdefault(dataset_id, _Input(dataset_type, [])).batches.append((batch_id, path))
    return inputs


def _empty_mentions() -> str:
    columns = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in MENTION_COLUMNS.items())
    return f"SELECT {columns} WHERE false"


def resolve_pool(settings: Settings, inputs: dict[str, _Input]) -> Resolved:
    """Resolve the mentions of the given committed batches (no commit)."""
    con = duckdb_engine.connect(settings)
    try:
        selects = []
        for dataset_id, found in inputs.items():
            files = layout.data_files(settings, [path for _, path in found.batches])
            present: set[str] = set()
            for path in files:
                where, filesystem = arrow_location(path)
                present |= set(pq.read_schema(where, filesystem=filesystem).names)
            sql = mentions_sql(dataset_id, found.dataset_type, files, present)
            if sql is not None:
                selects.append(sql)
        con.execute(
            "CREATE TEMP TABLE mentions AS " + "\nUNION ALL\n".join(selects or [_empty_mentions()])
        )
        return resolve(con, entity_secret(settings))
    finally:
        con.close()


def _commit(settings: Settings, dataset_id: str, rows: pa.Table, user: str | None) -> str:
    dataset_type = builtin_types()[dataset_id]
    return import_table(settings, dataset_type, rows, source_name=_SOURCE_NAME, user=user).batch_id


def refresh_entities(
    settings: Settings, *, user: str | None = None, force: bool = False
) -> EntityReport:
    """Bring the entity datasets up to date with the pool (see the module docstring)."""
    started = time.monotonic()
    engine = make_engine(settings)
    try:
        inputs = _inputs(settings, engine)
        input_ids = tuple(sorted(b for found in inputs.values() for b, _ in found.batches))
        state = layout.read_state(_folder(settings) / "state.json")
        if (
            not force
            and state.get("inputs") == list(input_ids)
            and state.get("version") == _VERSION
        ):
            return EntityReport("unchanged", input_ids, batches=state.get("batches") or {})
        resolved = resolve_pool(settings, inputs)
        batches: dict[str, str] = {}
        replaced: list[str] = []
        for dataset_id, attribute in DERIVED.items():
            rows: pa.Table = getattr(resolved, attribute)
            keep = ""
            if rows.num_rows:
                keep = batches[dataset_id] = _commit(settings, dataset_id, rows, user)
            with session_scope(engine) as session:
                replaced += pool_catalog.replace_batches(session, dataset_id, keep)
        layout.write_state(
            _folder(settings) / "state.json",
            {"inputs": list(input_ids), "version": _VERSION, "batches": batches},
        )
        return EntityReport(
            status="refreshed" if batches else "empty",
            input_batches=input_ids,
            mentions=int(resolved.stats.get("mentions", 0)),
            entities=resolved.entities.num_rows,
            edges=resolved.edges.num_rows,
            party_relations=resolved.party_relations.num_rows,
            batches=batches,
            replaced=tuple(replaced),
            stats=resolved.stats,
            duration_s=time.monotonic() - started,
        )
    finally:
        engine.dispose()
