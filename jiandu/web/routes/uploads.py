"""The import wizard: stage an uploaded file, show what was detected, map its headers,
preview the cleaning, then import it as a background job.

Every step reuses the import pipeline itself (no second copy of its rules):
`jiandu.ingest.readers.open_sources` detects sheets, header rows and encodings;
`jiandu.catalog.mapping.suggest_mapping`/`map_headers` map headers (a person's changes
travel as a header override, exactly like `jiandu import --mapping FILE`); the preview
runs the real cleaning SQL (`jiandu.ingest.stage.stage_sources`) over the first rows;
the commit runs `jiandu.ingest.importer.import_batch` in a job.

An upload lives in `JIANDU_HOME/staging/wizard-<random id>/`: `upload.json` (who uploaded
it, for which dataset type, what was detected, the mapping last previewed) and the file
under its sanitised base name (`imports.safe_name`). Only its uploader can see or use it
(anyone else gets 404, as for an id that does not exist). It is removed when committed
successfully or discarded; folders untouched for `EXPIRE_AFTER` are swept.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import duckdb
import pyarrow as pa
from fastapi import APIRouter, Depends, Form, Request, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.mapping import HeaderMapping, map_headers, suggest_mapping
from jiandu.catalog.registry import all_types, score_header
from jiandu.clues.errors import ConflictError
from jiandu.config import Settings
from jiandu.derived import refresh_quietly
from jiandu.errors import JianduError
from jiandu.ingest.cleaning import (
    ERRORS_COLUMN,
    RAW_COLUMN,
    ROW_COLUMN,
    SOURCE_COLUMN,
    WARNINGS_COLUMN,
    output_columns,
    raw_keys,
)
from jiandu.ingest.importer import ImportRequest, import_batch, tables_with_data
from jiandu.ingest.issues import describe
from jiandu.ingest.readers import SourceTable, open_sources
from jiandu.ingest.readers.encoding import SNIFF_BYTES, detect_encoding
from jiandu.ingest.stage import stage_sources
from jiandu.jobs.registry import job_kind
from jiandu.jobs.runner import Actor, JobContext
from jiandu.pool.duckdb_engine import connect
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.masking import dataset_policy, mask_arrow, mask_value
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.scope import sees
from jiandu.store.db import session_scope
from jiandu.store.schema import Dataset, Job
from jiandu.web.guard import Caller, Db, app_state, denied, job_runner, requires
from jiandu.web.routes.imports import UploadRefused, importable_type, safe_name, save_upload

router = APIRouter(prefix="/api/uploads", tags=["uploads"])

Importer = Annotated[Caller, Depends(requires(Permission.DATASETS_IMPORT))]

FOLDER_PREFIX = "wizard-"
META = "upload.json"
EXPIRE_AFTER = timedelta(hours=24)
PREVIEW_ROWS = 50
MAX_PREVIEW_REJECTS = 200
_ID = re.compile(r"^[0-9a-f]{24}$")
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_PII_CLASSES = ("id", "contact", "name")
_ACTIVE_JOB = ("queued", "running")

# import_batch's progress words → (fraction, zh, en) of the job's progress bar.
_STAGES: dict[str, tuple[float, str, str]] = {
    "cleaning": (0.15, "清洗数据", "cleaning the rows"),
    "splitting accepted and rejected rows": (0.6, "区分通过与被拒的行", "splitting the rows"),
    "quality report": (0.75, "生成质量报告", "computing the quality report"),
    "committing": (0.9, "提交批次", "committing the batch"),
}  # fmt: skip


class UploadBusy(ConflictError):
    """The upload is being imported right now (answered 409, like other conflicts)."""

    def __init__(self, zh: str, en: str) -> None:
        JianduError.__init__(self, zh, en)


class Choices(BaseModel):
    """What a person chose in the wizard: header overrides and, for a workbook, a sheet."""

    mapping: dict[str, str | None] = Field(
        default_factory=dict,
        description="source header → field name, or null to leave the column out; "
        "headers not named keep the automatic mapping (as `jiandu import --mapping`)",
    )
    sheet: str | None = Field(default=None, max_length=200, description="one workbook sheet")


class PreviewBody(Choices):
    unmask: bool = Field(default=False, description="show personal data (pii.unmask, audited)")


class CommitBody(Choices):
    source_name: str | None = Field(default=None, max_length=255)


@dataclass
class _Upload:
    """One staged upload (its `upload.json`)."""

    id: str
    owner: str
    unit_id: str | None
    dataset_type: str
    file_name: str
    size: int
    created_at: str
    source_name: str | None = None
    tables: list[dict[str, Any]] = field(default_factory=list)
    mapping: dict[str, str | None] = field(default_factory=dict)
    sheet: str | None = None
    job_id: str | None = None
    folder: Path = Path()

    @property
    def file(self) -> Path:
        return self.folder / "file" / self.file_name

    def save(self) -> None:
        data = {k: v for k, v in asdict(self).items() if k != "folder"}
        temp = self.folder / f"{META}.tmp"
        temp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        temp.replace(self.folder / META)

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "dataset_type": self.dataset_type,
            "file_name": self.file_name,
            "size": self.size,
            "created_at": self.created_at,
            "source_name": self.source_name,
            "job_id": self.job_id,
        }


def _folder(settings: Settings, upload_id: str) -> Path:
    return settings.staging_dir / f"{FOLDER_PREFIX}{upload_id}"


def _read(folder: Path) -> _Upload | None:
    try:
        data = json.loads((folder / META).read_text(encoding="utf-8"))
        known = {f.name for f in fields(_Upload)} - {"folder"}
        return _Upload(**{k: v for k, v in data.items() if k in known}, folder=folder)
    except (OSError, ValueError, TypeError):
        return None


def _job_active(session: Session, job_id: str | None) -> bool:
    if job_id is None:
        return False
    return session.scalar(select(Job.status).where(Job.id == job_id)) in _ACTIVE_JOB


def sweep_expired(settings: Settings, session: Session, *, now: float | None = None) -> int:
    """Remove uploads untouched for EXPIRE_AFTER (none whose import is running)."""
    if not settings.staging_dir.exists():
        return 0
    cutoff = (now if now is not None else time.time()) - EXPIRE_AFTER.total_seconds()
    removed = 0
    for folder in settings.staging_dir.glob(f"{FOLDER_PREFIX}*"):
        marker = folder / META if (folder / META).exists() else folder
        try:
            touched = marker.stat().st_mtime
        except OSError:
            continue
        if touched >= cutoff:
            continue
        upload = _read(folder)
        if upload is not None and _job_active(session, upload.job_id):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    return removed


def _upload_for(settings: Settings, principal: Principal | Actor, upload_id: str) -> _Upload:
    """The caller's own upload, or NotFound (also for someone else's, or a bad id)."""
    if not _ID.match(upload_id):
        raise NotFound("upload", upload_id[:40])
    upload = _read(_folder(settings, upload_id))
    if upload is None or upload.owner != principal.user_id:
        raise NotFound("upload", upload_id)
    return upload


def _field_entry(spec: Any) -> dict[str, Any]:
    return {
        "name": spec.name,
        "label_zh": spec.label_zh,
        "label_en": spec.label_en,
        "semantic_type": spec.type,
        "required": spec.required,
        "pii": spec.pii,
    }


# ---- detection -----------------------------------------------------------------------


@contextmanager
def _opened(settings: Settings, upload: _Upload, sheet: str | None) -> Iterator[list[SourceTable]]:
    """The upload's tables, opened by the import readers; temp files removed after."""
    work = upload.folder / f"work-{secrets.token_hex(4)}"
    sources: list[SourceTable] = []
    try:
        sources = open_sources(upload.file, tmp_dir=work, score_header=score_header, sheet=sheet)
        yield sources
    finally:
        for source in sources:
            source.close()
        shutil.rmtree(work, ignore_errors=True)


def _sheet_of(label: str, file_name: str) -> str | None:
    prefix = f"{file_name}["
    return label[len(prefix) : -1] if label.startswith(prefix) and label.endswith("]") else None


def _encoding(path: Path) -> dict[str, Any] | None:
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        return None
    with path.open("rb") as fh:
        head = fh.read(SNIFF_BYTES)
    name, certain = detect_encoding(head, at_eof=len(head) < SNIFF_BYTES)
    return {"name": name, "certain": certain}


def _columns(mapping: HeaderMapping) -> list[dict[str, Any]]:
    return [
        {
            "index": c.index,
            "header": c.header,
            "field": c.field,
            "how": c.how,
            "extra_name": c.extra_name,
            "unit": c.unit,
            "dropped": c.dropped,
        }
        for c in mapping.columns
    ]


def _mapping_summary(mapping: HeaderMapping) -> dict[str, Any]:
    claimed: dict[str, int] = {}
    for column in mapping.columns:
        if column.field is not None:
            claimed[column.field] = claimed.get(column.field, 0) + 1
    return {
        "columns": _columns(mapping),
        "missing_required": [_field_entry(f) for f in mapping.missing_required],
        "claimed_twice": sorted(name for name, n in claimed.items() if n > 1),
    }


def _detect(settings: Settings, upload: _Upload, dataset_type: DatasetType) -> list[dict[str, Any]]:
    encoding = _encoding(upload.file)
    tables: list[dict[str, Any]] = []
    with _opened(settings, upload, None) as sources:
        keep, _skipped = tables_with_data(sources)
        con = connect(settings, macros=False)
        try:
            for source in sources:
                counted = source.relation(con).aggregate("count(*)").fetchall()
                suggested = suggest_mapping(source.headers, dataset_type, None, source.label)
                tables.append(
                    {
                        "label": source.label,
                        "sheet": _sheet_of(source.label, upload.file_name),
                        "encoding": encoding,
                        "header_row": source.header_row,
                        "headers": source.headers,
                        "rows": int(counted[0][0]) if counted else 0,
                        "skipped": source not in keep,
                        "suggested": _mapping_summary(suggested),
                    }
                )
        finally:
            con.close()
    return tables


def _state(upload: _Upload, dataset_type: DatasetType) -> dict[str, Any]:
    return {
        **upload.summary(),
        "type": {
            "id": dataset_type.id,
            "name_zh": dataset_type.name_zh,
            "name_en": dataset_type.name_en,
            "fields": [_field_entry(f) for f in dataset_type.fields],
        },
        "tables": upload.tables,
        "mapping": upload.mapping,
        "sheet": upload.sheet,
    }


# ---- routes --------------------------------------------------------------------------


@router.get("/types")
def list_types(request: Request, caller: Importer, session: Db) -> list[dict[str, Any]]:
    """The dataset types the caller may import into, with their fields."""
    settings = app_state(request).settings
    visible = []
    for type_id, dataset_type in sorted(all_types(settings).items()):
        if dataset_type.derived:  # computed by jiandu, never uploaded
            continue
        existing = session.get(Dataset, type_id)
        if existing is not None and not sees(
            session, caller.principal, "dataset", existing.id, existing.owner_unit
        ):
            continue
        visible.append(
            {
                "id": type_id,
                "name_zh": dataset_type.name_zh,
                "name_en": dataset_type.name_en,
                "source_agency_zh": dataset_type.source_agency_zh,
                "source_agency_en": dataset_type.source_agency_en,
                "sensitivity": dataset_type.sensitivity,
                "has_data": existing is not None,
                "fields": [_field_entry(f) for f in dataset_type.fields],
            }
        )
    return visible


@router.get("")
def list_uploads(request: Request, caller: Importer, session: Db) -> list[dict[str, Any]]:
    """The caller's own staged uploads, newest first."""
    settings = app_state(request).settings
    sweep_expired(settings, session)
    mine = []
    if settings.staging_dir.exists():
        for folder in settings.staging_dir.glob(f"{FOLDER_PREFIX}*"):
            upload = _read(folder)
            if upload is not None and upload.owner == caller.principal.user_id:
                mine.append(upload.summary())
    return sorted(mine, key=lambda u: str(u["created_at"]), reverse=True)


@router.post("", status_code=201)
def create_upload(
    request: Request,
    caller: Importer,
    session: Db,
    dataset_type: Annotated[str, Form(max_length=64)],
    file: UploadFile,
    source: Annotated[str | None, Form(max_length=255)] = None,
) -> dict[str, Any]:
    """Stage one file for `dataset_type` and detect its tables, headers and mapping."""
    principal = caller.principal
    settings = app_state(request).settings
    target_type = importable_type(settings, session, principal, dataset_type)
    name = safe_name(file.filename)
    sweep_expired(settings, session)
    # Reading and detecting a large file takes a while: end this transaction first (it
    # holds SQLite's write lock since the guard touched the session row).
    session.commit()
    upload_id = secrets.token_hex(12)
    folder = _folder(settings, upload_id)
    (folder / "file").mkdir(parents=True)
    upload = _Upload(
        id=upload_id,
        owner=principal.user_id,
        unit_id=principal.unit_id,
        dataset_type=dataset_type,
        file_name=name,
        size=0,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        source_name=source or None,
        folder=folder,
    )
    try:
        upload.size = save_upload(file, upload.file)
        upload.tables = _detect(settings, upload, target_type)
        upload.save()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _state(upload, target_type)


@router.get("/{upload_id}")
def get_upload(upload_id: str, request: Request, caller: Importer, session: Db) -> dict[str, Any]:
    """One of the caller's uploads: what was detected, suggested and last chosen."""
    settings = app_state(request).settings
    upload = _upload_for(settings, caller.principal, upload_id)
    dataset_type = importable_type(settings, session, caller.principal, upload.dataset_type)
    return _state(upload, dataset_type)


def _choose(upload: _Upload, dataset_type: DatasetType, body: Choices) -> None:
    """Check and remember the person's choices (they are what the commit imports)."""
    for header, target in body.mapping.items():
        if target is not None and target not in dataset_type.field_names:
            raise UploadRefused(
                f"表头 {header!r} 被映射到不存在的字段 {target!r}",
                f"header {header!r} is mapped to unknown field {target!r}",
            )
    if body.sheet is not None:
        sheets = [t["sheet"] for t in upload.tables if t.get("sheet")]
        if body.sheet not in sheets:
            raise UploadRefused(
                f"工作表 {body.sheet!r} 不存在；现有：{'、'.join(sheets) or '（非工作簿）'}",
                f"sheet {body.sheet!r} not found; the upload has: "
                f"{', '.join(sheets) or '(no workbook)'}",
            )
    upload.mapping = dict(body.mapping)
    upload.sheet = body.sheet
    upload.save()


@router.post("/{upload_id}/preview")
def preview_upload(
    upload_id: str, body: PreviewBody, request: Request, caller: Importer, session: Db
) -> dict[str, Any]:
    """The first rows cleaned by the real cleaning query, and the rows it would reject
    (field and reason), with the mapping as chosen; personal data masked unless unmasked."""
    principal = caller.principal
    settings = app_state(request).settings
    upload = _upload_for(settings, principal, upload_id)
    dataset_type = importable_type(settings, session, principal, upload.dataset_type)
    if body.unmask and not principal.can(Permission.PII_UNMASK):
        raise denied(request, session, caller, Permission.PII_UNMASK, "pii.unmask")
    _choose(upload, dataset_type, body)
    session.commit()  # as in create_upload: release SQLite's write lock while cleaning
    result = _preview(settings, upload, dataset_type, unmask=body.unmask)
    if body.unmask:
        audit.record(
            session, actor=principal.user_id, action="pii.unmask", object_kind="upload",
            object_id=upload.id, unit_id=principal.unit_id,
            detail={"dataset": dataset_type.id, "rows": result["sample"]["rows"]},
        )  # fmt: skip
    return result


@dataclass
class _Head(SourceTable):
    """A source table cut to its first rows (for the preview)."""

    head: int = PREVIEW_ROWS

    def relation(self, con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyRelation:
        return super().relation(con).order(ROW_COLUMN).limit(self.head)


def _head_of(source: SourceTable) -> _Head:
    kept = {f.name: getattr(source, f.name) for f in fields(SourceTable) if f.name != "temp_paths"}
    return _Head(**kept)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _preview(
    settings: Settings, upload: _Upload, dataset_type: DatasetType, *, unmask: bool
) -> dict[str, Any]:
    override = upload.mapping or None
    with _opened(settings, upload, upload.sheet) as sources:
        keep, skipped = tables_with_data(sources)
        mappings = [map_headers(s.headers, dataset_type, override, s.label) for s in keep]
        columns = output_columns(dataset_type, mappings)
        con = connect(settings)
        try:
            stage = stage_sources(con, dataset_type, [_head_of(s) for s in keep], mappings, columns)
            table = stage.sql("duckdb")
            names = [c.name for c in columns]
            accepted = con.sql(
                f"SELECT {', '.join(_quoted(n) for n in names)}, {SOURCE_COLUMN}, {ROW_COLUMN}, "
                f"{WARNINGS_COLUMN} FROM {table} WHERE len({ERRORS_COLUMN}) = 0 "
                f"ORDER BY {SOURCE_COLUMN}, {ROW_COLUMN}"
            ).to_arrow_table()
            rejected = con.execute(
                f"SELECT {SOURCE_COLUMN}, {ROW_COLUMN}, {ERRORS_COLUMN}, {RAW_COLUMN} "
                f"FROM {table} WHERE len({ERRORS_COLUMN}) > 0 "
                f"ORDER BY {SOURCE_COLUMN}, {ROW_COLUMN}"
            ).fetchall()
            counted = con.execute(
                f"SELECT count(*), count(*) FILTER (WHERE len({WARNINGS_COLUMN}) > 0) FROM {table}"
            ).fetchone()
        finally:
            con.close()
    assert accepted is not None
    shown: pa.Table = accepted
    if not unmask:
        shown = mask_arrow(shown, dataset_policy(dataset_type, names))
    rows = shown.to_pylist()
    for row in rows:
        row[WARNINGS_COLUMN] = [_reason(w) for w in row.get(WARNINGS_COLUMN) or []]
    total = int(counted[0]) if counted else 0
    return {
        "tables": [
            {"label": s.label, **_mapping_summary(m)} for s, m in zip(keep, mappings, strict=True)
        ],
        "skipped": [s.label for s in skipped],
        "columns": [c for c in shown.column_names if not c.startswith("_")],
        "rows": rows,
        "rejects": _reject_lines(dataset_type, keep, mappings, rejected, unmask),
        "sample": {
            "rows": total,
            "accepted": shown.num_rows,
            "rejected": len(rejected),
            "warned": int(counted[1]) if counted else 0,
            "limit_per_table": PREVIEW_ROWS,
        },
        "masked": not unmask,
    }


def _reason(issue: Mapping[str, Any]) -> dict[str, Any]:
    described = describe(str(issue["code"]))
    return {"field": issue["field"], "code": issue["code"], "zh": described.zh, "en": described.en}


def _reject_lines(
    dataset_type: DatasetType,
    sources: Sequence[SourceTable],
    mappings: Sequence[HeaderMapping],
    rejected: list[tuple[Any, ...]],
    unmask: bool,
) -> list[dict[str, Any]]:
    """One line per (row, field) problem: where, which header, the value (masked) and why."""
    headers = {
        source.label: {
            c.field: key for c, key in zip(m.columns, raw_keys(m), strict=True) if c.field
        }
        for source, m in zip(sources, mappings, strict=True)
    }
    lines: list[dict[str, Any]] = []
    for source, row, errors, raw in rejected:
        raw_map: dict[str, Any] = raw or {}
        for error in errors:
            name = str(error["field"])
            header = headers.get(source, {}).get(name)
            value = raw_map.get(header) if header else None
            spec = dataset_type.field(name) if name in dataset_type.field_names else None
            if not unmask and spec is not None and spec.pii in _PII_CLASSES:
                value = mask_value(spec.pii, value)
            lines.append(
                {
                    "source": source,
                    "row": int(row),
                    "field": name,
                    "label_zh": spec.label_zh if spec else name,
                    "label_en": spec.label_en if spec else name,
                    "header": header,
                    "value": value,
                    **{k: v for k, v in _reason(error).items() if k != "field"},
                }
            )
            if len(lines) >= MAX_PREVIEW_REJECTS:
                return lines
    return lines


@router.post("/{upload_id}/commit", status_code=202)
def commit_upload(
    upload_id: str, body: CommitBody, request: Request, caller: Importer, session: Db
) -> dict[str, Any]:
    """Import the upload with the chosen mapping as a background job; the job's id."""
    principal = caller.principal
    settings = app_state(request).settings
    upload = _upload_for(settings, principal, upload_id)
    dataset_type = importable_type(settings, session, principal, upload.dataset_type)
    if _job_active(session, upload.job_id):
        raise UploadBusy(
            "此文件正在导入，请等待该任务结束", "this upload is already being imported"
        )
    existed = session.get(Dataset, dataset_type.id) is not None
    _choose(upload, dataset_type, body)
    if body.source_name is not None:
        upload.source_name = body.source_name or None
    mapping_file = upload.folder / "mapping.json"
    mapping_file.write_text(json.dumps(upload.mapping, ensure_ascii=False), encoding="utf-8")

    def recorded(job_id: str) -> None:
        # Before the job is queued: its worker reads the chosen mapping from the upload,
        # and a job's id in the upload keeps a second commit or a discard away meanwhile.
        upload.job_id = job_id
        upload.save()

    # The job's row is written through its own connection: end this transaction first
    # (it holds SQLite's write lock since the guard touched the session row).
    session.commit()
    job_id = job_runner(request).submit(
        kind="data.import",
        title_zh=f"导入 {dataset_type.name_zh}：{upload.file_name}",
        title_en=f"Import {dataset_type.name_en}: {upload.file_name}",
        principal=principal,
        params={"upload_id": upload.id, "dataset_type": dataset_type.id, "existed": existed},
        object_kind="dataset",
        object_id=dataset_type.id,
        on_recorded=recorded,
    )
    return {"job_id": job_id, "upload_id": upload.id}


@job_kind("data.import")
def import_upload_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Import an upload with its chosen mapping (params: upload_id, dataset_type, whether
    the dataset existed before) as the uploader; the upload is removed once imported."""
    settings, engine = ctx.settings, ctx.engine
    upload = _upload_for(settings, Actor(ctx.user_id, ctx.unit_id), str(params["upload_id"]))
    type_id = str(params["dataset_type"])
    dataset_type = all_types(settings)[type_id]
    existed = bool(params.get("existed"))
    mapping_file = upload.folder / "mapping.json"
    import_request = ImportRequest(
        dataset_type=dataset_type,
        files=(upload.file,),
        source_name=upload.source_name,
        mapping_file=mapping_file if upload.mapping else None,
        sheet=upload.sheet,
        user=ctx.user_id,
    )
    ctx.progress(0.02, "读取文件", "reading the file", force=True)

    def say(message: str) -> None:
        stage = _STAGES.get(message)
        if stage is not None:
            ctx.progress(*stage, force=True)
        if message != "committing":
            ctx.check_cancel()

    try:
        result = import_batch(settings, import_request, say)
    except JianduError as refused:
        with session_scope(engine) as job_session:
            audit.record(
                job_session, actor=ctx.user_id, action="data.import",
                object_kind="dataset", object_id=type_id, unit_id=ctx.unit_id,
                outcome="failed", detail={"dataset": type_id, "upload": upload.id,
                                          "error": type(refused).__name__},
            )  # fmt: skip
        raise
    with session_scope(engine) as job_session:
        # The audit entry first: its UPDATE takes SQLite's write lock before anything
        # is read, so no commit elsewhere can invalidate this transaction's snapshot.
        audit.record(
            job_session, actor=ctx.user_id, action="data.import", object_kind="batch",
            object_id=result.batch_id, unit_id=ctx.unit_id,
            detail={"dataset": type_id, "status": result.status,
                    "rows_read": result.rows_read, "rows_accepted": result.rows_accepted,
                    "rows_rejected": result.rows_rejected, "upload": upload.id},
        )  # fmt: skip
        dataset = job_session.get(Dataset, type_id)
        if dataset is not None and dataset.owner_unit is None and not existed:
            # A new dataset belongs to the uploader's unit (as in routes/imports.py);
            # an existing one keeps its owner (NULL: the root unit).
            dataset.owner_unit = ctx.unit_id
    if result.status == "committed":
        ctx.progress(0.95, "更新全文索引", "updating the search index", force=True)
        refresh_quietly(settings, user=ctx.user_id)
    shutil.rmtree(upload.folder, ignore_errors=True)
    return {
        "status": result.status,
        "batch_id": result.batch_id,
        "dataset_id": result.dataset_id,
        "rows_read": result.rows_read,
        "rows_accepted": result.rows_accepted,
        "rows_rejected": result.rows_rejected,
        "rows_warned": result.rows_warned,
        "duration_s": round(result.duration_s, 3),
    }


@router.post("/{upload_id}/discard")
def discard_upload(
    upload_id: str, request: Request, caller: Importer, session: Db
) -> dict[str, Any]:
    """Remove one of the caller's uploads (not while it is being imported)."""
    upload = _upload_for(app_state(request).settings, caller.principal, upload_id)
    if _job_active(session, upload.job_id):
        raise UploadBusy(
            "此文件正在导入，不能丢弃", "this upload is being imported and cannot be discarded"
        )
    shutil.rmtree(upload.folder, ignore_errors=True)
    return {"id": upload.id, "discarded": True}
