"""Keep the derived dataset `near_duplicate_group` in step with the judgments in the pool.

`refresh_near_duplicates(settings)` reads every committed `judgment_document` batch, groups
the judgments whose complaints (`claims_text`) are near-identical (`jiandu.text.neardup`)
and commits the groups as a new batch of `near_duplicate_group` through the ordinary import
(`ingest.import_batch` over a Parquet file: cleaning, quality report and lineage as for any
batch); then, in one transaction, the earlier batches of that dataset are marked
`replaced`, so models read exactly one grouping. Decisions:

- **Only `claims_text`.** A judgment without it (older batches, or types from before the
  field) is left out, not grouped by its full text: court boilerplate makes every judgment
  of one court alike, and the complaint is what a template repeats.
- **Party names are masked** before hashing: each name the row's `parties` lists (joined by
  、) becomes 某 in the complaint, so siblings of one template that differ only in the
  borrower's name stay together however often it is repeated.
- **Short complaints match nothing**: under `MIN_CLAIM_CHARS` characters after normalising
  ("请求判令被告偿还借款#元") every debt suit reads alike.
- **Incremental**: signatures are cached per input batch under
  `JIANDU_HOME/neardup/<batch>.parquet` (batches are immutable), so a new import hashes only
  its own documents; the grouping itself is recomputed over all signatures (seconds).
  `JIANDU_HOME/neardup/state.json` remembers the input batches of the last refresh; when
  they have not changed, nothing is done.
- **A document in several batches** (imported twice) counts once, as its newest batch has it.
- No group at all: the earlier groups are still replaced (they no longer hold), and no
  batch is committed (the importer refuses an empty file).

Between the commit of the new batch and the transaction that replaces the earlier ones a
reader could see both; a crash in between is repaired by the next refresh, which finds the
inputs unchanged but two committed batches, and replaces the older.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import Engine, select

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings
from jiandu.ingest.importer import import_table
from jiandu.pool import layout
from jiandu.pool.storage import arrow_location
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Batch
from jiandu.text.neardup import DEFAULT_SEED, NUM_PERM, SHINGLE, minhash, near_duplicate_groups

__all__ = [
    "GROUPS_DATASET",
    "MIN_CLAIM_CHARS",
    "NearDupReport",
    "group_judgments",
    "refresh_near_duplicates",
]

SOURCE_DATASET = "judgment_document"
GROUPS_DATASET = "near_duplicate_group"
MIN_CLAIM_CHARS = 50
# Bumped when the way signatures are made changes, so older caches are recomputed.
_SIGNATURE_VERSION = "1"
_SIGNATURE_PARAMS = {
    "version": _SIGNATURE_VERSION,
    "num_perm": str(NUM_PERM),
    "shingle": str(SHINGLE),
    "seed": str(DEFAULT_SEED),
    "min_length": str(MIN_CLAIM_CHARS),
}
_SOURCE_NAME = "近似重复计算 / near-duplicate refresh"

# The judgment fields a group row carries, with their Arrow types (missing in older
# batches: read as NULL).
_CARRIED = {
    "doc_id": pa.string(),
    "case_no": pa.string(),
    "court_name": pa.string(),
    "cause": pa.string(),
    "judgment_date": pa.date32(),
    "claims_text": pa.string(),
    "parties": pa.string(),
}

# One row per judgment with a complaint, the parties' names masked in it.
_COMPLAINTS_SQL = """
SELECT doc_id, case_no, court_name, cause, judgment_date,
       CASE WHEN names = '' THEN claims_text
            ELSE regexp_replace(claims_text, names, '某', 'g') END AS claims
FROM (
    SELECT *,
           array_to_string(list_transform(
               list_filter(string_split(coalesce(parties, ''), '、'),
                           lambda x: length(trim(x)) >= 2),
               lambda x: regexp_escape(trim(x))), '|') AS names
    FROM judgments
    WHERE doc_id IS NOT NULL AND claims_text IS NOT NULL AND trim(claims_text) <> ''
)
"""


@dataclass(frozen=True)
class NearDupReport:
    """What a refresh did."""

    status: str  # "unchanged" | "refreshed" | "cleared" (no groups any more) | "empty"
    input_batches: tuple[str, ...]
    documents: int = 0  # judgments with a complaint, each counted once
    hashed: int = 0  # of which signed in this refresh (the rest came from the cache)
    groups: int = 0
    members: int = 0
    batch_id: str | None = None  # the committed near_duplicate_group batch
    replaced: tuple[str, ...] = field(default_factory=tuple)
    duration_s: float = 0.0


def _folder(settings: Settings) -> Path:
    return settings.home / "neardup"


def _judgment_batches(session: Any) -> list[tuple[str, str]]:
    """(batch id, data path) of the committed judgment batches, oldest first."""
    return [
        (batch_id, path)
        for dataset_id, batch_id, path in pool_catalog.committed_batches(session)
        if dataset_id == SOURCE_DATASET
    ]


def _committed_group_batches(session: Any) -> list[str]:
    query = (
        select(Batch.id)
        .where(Batch.dataset_id == GROUPS_DATASET, Batch.status == "committed")
        .order_by(Batch.created_at, Batch.id)
    )
    return list(session.scalars(query))


def _conform(table: pa.Table) -> pa.Table:
    """The carried columns of a judgment table; columns it lacks read as NULL."""
    return pa.table(
        {
            name: table.column(name).cast(kind)
            if name in table.column_names
            else pa.nulls(table.num_rows, type=kind)
            for name, kind in _CARRIED.items()
        }
    )


def _read_judgments(files: list[str]) -> pa.Table:
    """The carried columns of one batch's files."""
    tables = []
    for path in files:
        where, filesystem = arrow_location(path)
        present = set(pq.read_schema(where, filesystem=filesystem).names)
        columns = [c for c in _CARRIED if c in present]
        tables.append(_conform(pq.read_table(where, columns=columns, filesystem=filesystem)))
    if not tables:
        return pa.schema(list(_CARRIED.items())).empty_table()
    return pa.concat_tables(tables)


def _complaints(judgments: pa.Table) -> tuple[pa.Table, np.ndarray]:
    """(judgments with a complaint: doc_id and the carried facts, their signatures)."""
    con = duckdb.connect()
    try:
        con.register("judgments", _conform(judgments))
        complaints = con.sql(_COMPLAINTS_SQL).to_arrow_table()
    finally:
        con.close()
    signatures = minhash(complaints.column("claims"), min_length=MIN_CLAIM_CHARS)
    return complaints.drop_columns(["claims"]), signatures


def _sign_batch(settings: Settings, batch_id: str, data_path: str, cache: Path) -> int:
    """Sign one judgment batch's complaints into its cache file; the documents signed."""
    documents, signatures = _complaints(_read_judgments(layout.data_files(settings, [data_path])))
    width = signatures.shape[1] * signatures.itemsize
    signature_column = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), len(signatures), [None, pa.py_buffer(signatures.tobytes())]
    )
    table = documents.append_column("signature", signature_column)
    table = table.replace_schema_metadata({**_SIGNATURE_PARAMS, "batch": batch_id})
    cache.parent.mkdir(parents=True, exist_ok=True)
    staged = cache.with_name(f".{cache.name}.{secrets.token_hex(4)}")
    pq.write_table(table, staged)
    os.replace(staged, cache)
    return len(signatures)


def group_judgments(judgments: pa.Table) -> pa.Table:
    """The `near_duplicate_group` rows of a table of judgment rows (the pool's columns;
    missing ones read as NULL), computed at once without the cache or the store: for the
    demo harness and tests, the same grouping `refresh_near_duplicates` commits."""
    documents, signatures = _complaints(judgments)
    newest = _newest_rows(documents.column("doc_id"))
    return _group_rows(documents.take(newest), signatures[newest.to_numpy()])


def _newest_rows(doc_ids: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Row indexes keeping each document once, its last row, in row order."""
    order = pa.array(np.arange(len(doc_ids), dtype=np.int64))
    newest = pa.table({"doc_id": doc_ids, "i": order}).group_by("doc_id").aggregate([("i", "max")])
    return pa.array(np.sort(newest.column("i_max").to_numpy()))


def _cached(cache: Path) -> bool:
    if not cache.is_file():
        return False
    metadata = pq.read_schema(cache).metadata or {}
    return all(metadata.get(k.encode()) == v.encode() for k, v in _SIGNATURE_PARAMS.items())


def _load_signatures(caches: list[Path]) -> tuple[pa.Table, np.ndarray]:
    """Every cached document once (the newest batch's copy) and its signatures."""
    tables = [pq.read_table(path) for path in caches]
    if not tables:
        return pa.table({}), np.zeros((0, NUM_PERM), dtype=np.uint32)
    everything = pa.concat_tables(tables, promote_options="permissive").combine_chunks()
    documents = everything.take(_newest_rows(everything.column("doc_id")))
    raw = documents.column("signature").combine_chunks()
    width = raw.type.byte_width
    signatures = np.frombuffer(raw.buffers()[1], dtype=np.uint32)[
        raw.offset * width // 4 : (raw.offset + len(raw)) * width // 4
    ].reshape(len(raw), width // 4)
    return documents.drop_columns(["signature"]), signatures


def _group_rows(documents: pa.Table, signatures: np.ndarray) -> pa.Table:
    """The rows of the near_duplicate_group batch: one per member of each group."""
    groups = near_duplicate_groups(documents.column("doc_id"), signatures)
    where = pc.index_in(groups.column("key"), value_set=documents.column("doc_id"))
    members = documents.take(where)
    percent = pc.cast(pc.round(pc.multiply(groups.column("similarity"), 100)), pa.int64())
    return pa.table(
        {
            "group_id": groups.column("group_id"),
            "doc_id": groups.column("key"),
            "case_no": members.column("case_no"),
            "court_name": members.column("court_name"),
            "cause": members.column("cause"),
            "judgment_date": members.column("judgment_date"),
            "group_size": groups.column("group_size"),
            "similarity": percent,
        }
    )


def _replace_all_but(engine: Engine, keep: str | None) -> tuple[str, ...]:
    with session_scope(engine) as session:
        return tuple(pool_catalog.replace_batches(session, GROUPS_DATASET, keep or ""))


def _commit_groups(settings: Settings, rows: pa.Table, user: str | None) -> str:
    """Import the group rows as a batch of near_duplicate_group; its id (the existing
    batch's when the very same groups are already committed)."""
    dataset_type = builtin_types()[GROUPS_DATASET]
    return import_table(settings, dataset_type, rows, source_name=_SOURCE_NAME, user=user).batch_id


def refresh_near_duplicates(settings: Settings, *, user: str | None = None) -> NearDupReport:
    """Bring `near_duplicate_group` up to date with the committed judgments (see the
    module docstring); a no-op when the judgment batches are those of the last refresh."""
    started = time.monotonic()
    engine = make_engine(settings)
    try:
        with session_scope(engine) as session:
            inputs = _judgment_batches(session)
            committed_groups = _committed_group_batches(session)
        input_ids = tuple(batch_id for batch_id, _ in inputs)
        state = layout.read_state(_folder(settings) / "state.json")
        unchanged = state.get("inputs") == list(input_ids) and state.get("params") == (
            _SIGNATURE_PARAMS
        )
        if unchanged and committed_groups == ([state["batch"]] if state.get("batch") else []):
            return NearDupReport("unchanged", input_ids, batch_id=state.get("batch"))

        folder, hashed = _folder(settings), 0
        caches = []
        for input_id, data_path in inputs:
            cache = folder / f"{input_id}.parquet"
            if not _cached(cache):
                hashed += _sign_batch(settings, input_id, data_path, cache)
            caches.append(cache)
        documents, signatures = _load_signatures(caches)
        rows = _group_rows(documents, signatures) if documents.num_rows else None
        batch_id = None
        if rows is not None and rows.num_rows > 0:
            batch_id = _commit_groups(settings, rows, user)
        replaced = _replace_all_but(engine, batch_id)
        layout.write_state(
            _folder(settings) / "state.json",
            {"inputs": list(input_ids), "params": _SIGNATURE_PARAMS, "batch": batch_id},
        )
        _forget_old_caches(folder, set(input_ids))
        members = rows.num_rows if rows is not None else 0
        return NearDupReport(
            status="refreshed" if batch_id else ("cleared" if replaced else "empty"),
            input_batches=input_ids,
            documents=documents.num_rows,
            hashed=hashed,
            groups=len(pc.unique(rows.column("group_id"))) if rows is not None else 0,
            members=members,
            batch_id=batch_id,
            replaced=replaced,
            duration_s=time.monotonic() - started,
        )
    finally:
        engine.dispose()


def _forget_old_caches(folder: Path, inputs: set[str]) -> None:
    """Remove the signature caches of batches that are no longer committed."""
    for cache in folder.glob("*.parquet"):
        if cache.stem not in inputs:
            cache.unlink(missing_ok=True)
