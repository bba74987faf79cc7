"""The full-text index: tantivy at JIANDU_HOME/search, kept in step with the pool.

tantivy is an embedded search library in Rust (BM25 ranking, phrase queries, segments
merged in the background): no server to run, and it reads its files by memory mapping,
so a warm searcher answers in milliseconds. The index is derived data: it can be deleted
at any time and `sync` rebuilds it from the committed batches.

**Schema.** One document per searchable row (`search_rows`): `key`
(dataset:batch:row), `dataset_id`, `dataset_type`, `batch_id` (raw terms, for filters
and for deleting a batch), `row`, `title` and `body` (stored, not indexed: the original
text, for snippets), `words` and `grams` (indexed from `segment`, not stored; `grams`
with positions for phrases), `court`, `cause`, `case_no`, `doc_type` (raw, stored),
`parties` (raw, one value per name) and `date` (yyyymmdd as an integer fast field).

**Sync.** The index folder holds a manifest (`manifest.json`) of the batches it holds,
written after each tantivy commit. `sync` compares it with the committed batches: a
batch no longer committed is deleted by its `batch_id` term; a new one is deleted by
term (in case a crash came between a commit and the manifest) and then added — so a
sync can always be repeated. Nothing to do means no writer is opened: a sync after an
unchanged pool costs one catalog query. A schema change (`FORMAT`) rebuilds from scratch.

One writer at a time: tantivy locks the folder. Another process's sync is waited for a
few seconds, then `IndexBusy` says so.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import tantivy
from sqlalchemy import Engine, select

from jiandu.config import Settings
from jiandu.errors import JianduError
from jiandu.pool import duckdb_engine, layout
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Dataset
from jiandu.text import search_rows
from jiandu.text.hits import SearchResult, day_number, hit_from_doc
from jiandu.text.query import (
    QueryError,
    grams_query,
    parse_query,
    words_query,
)
from jiandu.text.segment import gram_terms, word_terms

#: Bump when the schema or what goes into a document changes: the index is rebuilt.
FORMAT = 1
MANIFEST = "manifest.json"
TERMS_TOKENIZER = "jd_terms"
WRITER_HEAP = 256_000_000
LOCK_WAIT_S = 5.0
MAX_LIMIT = 500
MAX_OFFSET = 10_000

Progress = Callable[[str], None]


class IndexBusy(JianduError):
    """Another process is writing the search index."""


@dataclass(frozen=True)
class SyncReport:
    added: int  # documents
    removed: int  # documents
    batches_added: int
    batches_removed: int
    seconds: float


def index_dir(settings: Settings) -> Path:
    return settings.home / "search"


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in ("key", "dataset_id", "dataset_type", "batch_id"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("row", stored=True)
    builder.add_bytes_field("title", stored=True)
    builder.add_bytes_field("body", stored=True)
    builder.add_text_field("words", tokenizer_name=TERMS_TOKENIZER, index_option="freq")
    builder.add_text_field("grams", tokenizer_name=TERMS_TOKENIZER, index_option="position")
    for name in ("court", "cause", "case_no", "doc_type", "parties"):
        builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("date", stored=True, indexed=True, fast=True)
    return builder.build()


def open_index(folder: Path) -> tantivy.Index:
    """The index in `folder`, created when absent, with our tokenizer registered.

    `words` and `grams` arrive as space-joined terms from `segment` (already folded), so
    the tokenizer only splits on white space (see segment's docstring for why).
    """
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(build_schema(), path=str(folder))
    analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    index.register_tokenizer(TERMS_TOKENIZER, analyzer)
    return index


def _open_or_create(folder: Path) -> tantivy.Index:
    """The index in `folder`; one tantivy cannot open with this schema (an older
    format) is removed and created afresh — it is derived data."""
    try:
        return open_index(folder)
    except ValueError:
        shutil.rmtree(folder, ignore_errors=True)
        return open_index(folder)


def open_writer(index: tantivy.Index, wait_s: float | None = None) -> tantivy.IndexWriter:
    """A writer on `index`; waits up to `wait_s` (default `LOCK_WAIT_S`) for another
    writer to finish, then raises `IndexBusy`."""
    deadline = time.monotonic() + (LOCK_WAIT_S if wait_s is None else wait_s)
    while True:
        try:
            return index.writer(heap_size=WRITER_HEAP)
        except ValueError as error:
            if "Lock" not in str(error) or time.monotonic() >= deadline:
                if "Lock" in str(error):
                    raise IndexBusy(
                        "检索索引正由另一进程更新，请稍后再试",
                        "the search index is being updated by another process; try again shortly",
                    ) from None
                raise
            time.sleep(0.2)


def add_rows(
    writer: tantivy.IndexWriter,
    rows: pa.RecordBatch,
    *,
    dataset_id: str,
    dataset_type: str,
    batch_id: str,
) -> int:
    """Add one Arrow batch of search documents (`search_rows.read`'s columns); the count.

    Segmentation is the one per-document step: each body is cut into words and grams.
    """
    columns = rows.to_pydict()
    names = ("court", "cause", "case_no", "doc_type")
    prefix = f"{dataset_id}:{batch_id}:"
    for i, (row, title, body) in enumerate(
        zip(columns["row"], columns["title"], columns["body"], strict=True)
    ):
        values: dict[str, Any] = {
            "key": prefix + str(row),
            "dataset_id": dataset_id,
            "dataset_type": dataset_type,
            "batch_id": batch_id,
            "row": row,
            "title": (title or "").encode(),
            "body": body.encode(),
            "words": word_terms(body),
            "grams": gram_terms(body),
        }
        for name in names:
            if columns[name][i] is not None:
                values[name] = columns[name][i]
        if columns["parties"][i]:
            values["parties"] = columns["parties"][i]
        if columns["date"][i] is not None:
            values["date"] = columns["date"][i]
        writer.add_document(tantivy.Document(**values))
    return int(rows.num_rows)


# ---- manifest -----------------------------------------------------------------------


def _read_manifest(folder: Path) -> dict[str, dict[str, Any]] | None:
    """Batch id → {dataset_id, docs}; None when absent or of another format."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    batches = data.get("batches")
    return dict(batches) if isinstance(batches, dict) else None


def _write_manifest(folder: Path, batches: dict[str, dict[str, Any]]) -> None:
    staged = folder / f".{MANIFEST}.tmp"
    payload = {"format": FORMAT, "batches": batches}
    staged.write_text(json.dumps(payload, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    os.replace(staged, folder / MANIFEST)


# ---- sync ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pending:
    spec: search_rows.SearchSpec | None
    batch_id: str
    data_path: str


def _committed(engine: Engine) -> list[_Pending]:
    with session_scope(engine) as session:
        specs = {d.id: search_rows.spec_for(d) for d in session.scalars(select(Dataset))}
        return [
            _Pending(specs.get(dataset_id), batch_id, path)
            for dataset_id, batch_id, path in pool_catalog.committed_batches(session)
        ]


def _add_batches(
    writer: tantivy.IndexWriter,
    settings: Settings,
    new: list[_Pending],
    manifest: dict[str, dict[str, Any]],
    say: Progress,
) -> int:
    """Index each new batch (after deleting it by term); record it in `manifest`."""
    added = 0
    con = duckdb_engine.connect(settings, macros=False)
    try:
        for number, item in enumerate(new, start=1):
            say(f"建立检索索引 indexing batch {number}/{len(new)} ({item.batch_id})")
            writer.delete_documents_by_term("batch_id", item.batch_id)
            docs = 0
            if item.spec is not None:
                files = layout.data_files(settings, [item.data_path])
                for rows in search_rows.read(con, item.spec, files):
                    docs += add_rows(
                        writer,
                        rows,
                        dataset_id=item.spec.dataset_id,
                        dataset_type=item.spec.dataset_type,
                        batch_id=item.batch_id,
                    )
            manifest[item.batch_id] = {
                "dataset_id": item.spec.dataset_id if item.spec else None,
                "docs": docs,
            }
            added += docs
    finally:
        con.close()
    return added


def sync(
    settings: Settings,
    *,
    progress: Progress | None = None,
    rebuild: bool = False,
    engine: Engine | None = None,
    wait_s: float | None = None,
) -> SyncReport:
    """Bring the index in step with the committed batches (see the module docstring).

    `rebuild` starts from an empty index; `engine` is the metadata store's, when the
    caller has one open; `wait_s` how long to wait for another writer (`open_writer`).
    """
    started = time.perf_counter()
    say = progress or (lambda _message: None)
    folder = index_dir(settings)
    store = engine if engine is not None else make_engine(settings)
    try:
        pending = _committed(store)
    finally:
        if engine is None:
            store.dispose()
    known = None if rebuild else _read_manifest(folder)
    manifest = known if known is not None else {}
    committed = {p.batch_id for p in pending}
    gone = sorted(b for b in manifest if b not in committed)
    new = [p for p in pending if p.batch_id not in manifest]
    if known is not None and not gone and not new:
        return SyncReport(0, 0, 0, 0, time.perf_counter() - started)
    writer = open_writer(_open_or_create(folder), wait_s)
    removed = 0
    try:
        if known is None:  # no manifest, another format, or a rebuild: start empty
            writer.delete_all_documents()
        for batch_id in gone:
            writer.delete_documents_by_term("batch_id", batch_id)
            removed += int(manifest.pop(batch_id).get("docs", 0))
        added = _add_batches(writer, settings, new, manifest, say) if new else 0
        say("提交检索索引 committing the index")
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        writer.rollback()
        raise
    finally:
        del writer
    _write_manifest(folder, manifest)
    return SyncReport(added, removed, len(new), len(gone), time.perf_counter() - started)


# ---- search -------------------------------------------------------------------------


def _regex_literal(text: str) -> str:
    return "".join("\\" + c if c in "\\.+*?()|[]{}^$#&-~" else c for c in text)


def _filters(
    schema: tantivy.Schema,
    *,
    dataset_ids: Iterable[str] | None,
    dataset_type: str | None,
    court: str | None,
    cause: str | None,
    party: str | None,
    date_from: date | None,
    date_to: date | None,
) -> list[tantivy.Query]:
    found: list[tantivy.Query] = []
    if dataset_ids is not None:
        found.append(tantivy.Query.term_set_query(schema, "dataset_id", sorted(dataset_ids)))
    if dataset_type:
        found.append(tantivy.Query.term_query(schema, "dataset_type", dataset_type))
    for name, value in (("court", court), ("cause", cause)):
        if value and value.strip():  # a part of the name: 奉贤 finds 上海市奉贤区人民法院
            pattern = ".*" + _regex_literal(value.strip()) + ".*"
            found.append(tantivy.Query.regex_query(schema, name, pattern))
    if party and party.strip():
        found.append(tantivy.Query.term_query(schema, "parties", party.strip()))
    if date_from is not None or date_to is not None:
        found.append(
            tantivy.Query.range_query(
                schema,
                "date",
                tantivy.FieldType.Integer,
                day_number(date_from) if date_from else 0,
                day_number(date_to) if date_to else 99_991_231,
            )
        )
    return found


_OPEN: dict[str, tuple[tantivy.Index, int]] = {}
_OPEN_LOCK = threading.Lock()


def _reader(folder: Path) -> tantivy.Index | None:
    """The index in `folder` for searching (kept open; reopened after a commit)."""
    meta = folder / "meta.json"
    try:
        stamp = meta.stat().st_mtime_ns
    except OSError:
        return None
    key = str(folder)
    with _OPEN_LOCK:
        cached = _OPEN.get(key)
        if cached is not None and cached[1] == stamp:
            return cached[0]
        index = tantivy.Index.open(key)
        index.register_tokenizer(
            TERMS_TOKENIZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        _OPEN[key] = (index, stamp)
        return index


def search_index(
    index: tantivy.Index,
    query: str,
    *,
    dataset_ids: Iterable[str] | None = None,
    dataset_type: str | None = None,
    court: str | None = None,
    cause: str | None = None,
    party: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Search an open index (see `search`)."""
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise QueryError(
            f"每页条数应在 1–{MAX_LIMIT} 之间，起始位置应在 0–{MAX_OFFSET} 之间",
            f"limit must be 1–{MAX_LIMIT} and offset 0–{MAX_OFFSET}",
        )
    parsed = parse_query(query)
    ids = None if dataset_ids is None else list(dataset_ids)
    if ids is not None and not ids:
        return SearchResult(0, [])
    schema = index.schema
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [
        (tantivy.Occur.Must, grams_query(schema, term)) for term in parsed.include
    ]
    clauses += [(tantivy.Occur.Should, q) for q in words_query(schema, parsed.include)]
    clauses += [(tantivy.Occur.MustNot, grams_query(schema, t)) for t in parsed.exclude]
    filters = _filters(
        schema, dataset_ids=ids, dataset_type=dataset_type, court=court, cause=cause,
        party=party, date_from=date_from, date_to=date_to,
    )  # fmt: skip
    clauses += [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
    searcher = index.searcher()
    found = searcher.search(tantivy.Query.boolean_query(clauses), limit, count=True, offset=offset)
    hits = [
        hit_from_doc(searcher.doc(address), score, parsed.include) for score, address in found.hits
    ]
    return SearchResult(int(getattr(found, "count", 0) or 0), hits)


def search(
    settings: Settings,
    query: str,
    *,
    dataset_ids: Iterable[str] | None = None,
    dataset_type: str | None = None,
    court: str | None = None,
    cause: str | None = None,
    party: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResult:
    """Rows matching `query` (terms ANDed, each an exact substring; "quoted phrases";
    -exclusions), best first, with highlighted snippets.

    `dataset_ids` limits the search to those datasets (None: all; empty: none) inside
    the query, so `total` counts only what the caller may see. `court` and `cause` match
    a part of the value, `party` a whole party name, dates are inclusive. Results are
    not masked: callers mask (docs/dev/text.md).
    """
    parse_query(query)  # a bad query is reported even before anything is indexed
    index = _reader(index_dir(settings))
    if index is None:
        return SearchResult(0, [])
    return search_index(
        index, query, dataset_ids=dataset_ids, dataset_type=dataset_type, court=court,
        cause=cause, party=party, date_from=date_from, date_to=date_to, limit=limit,
        offset=offset,
    )  # fmt: skip
