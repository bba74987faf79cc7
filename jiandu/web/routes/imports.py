"""Uploading an agency file into the pool (the same import path as `jiandu import`).

The upload's name is only ever used as a label: the file is written under a fresh random
folder of JIANDU_HOME/staging with a sanitised base name (no directories, no dot files,
known extensions only), so `../../etc/passwd` or `C:\\x\\y.csv` cannot reach anywhere.
"""

from __future__ import annotations

import re
import secrets
import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from sqlalchemy.orm import Session

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.registry import all_types
from jiandu.config import Settings
from jiandu.derived import refresh_quietly
from jiandu.errors import JianduError
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.scope import sees
from jiandu.store.schema import Dataset
from jiandu.web.guard import Caller, Db, app_state, requires

router = APIRouter(prefix="/api/imports", tags=["imports"])

EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".json", ".jsonl", ".parquet")
MAX_UPLOAD_BYTES = 2 * 1024**3
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class UploadRefused(JianduError):
    """An upload whose name or size cannot be accepted."""


def safe_name(raw: str | None, extensions: tuple[str, ...] = EXTENSIONS) -> str:
    """The base name of an uploaded file, or UploadRefused naming it."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if (
        not name
        or name.startswith(".")
        or _UNSAFE_CHARS.search(name)
        or len(name.encode("utf-8")) > 200
        or not name.lower().endswith(extensions)
    ):
        shown = _UNSAFE_CHARS.sub("?", name)[:60] or "(无名 no name)"
        raise UploadRefused(
            f"不接受文件 {shown}；文件须为 {'、'.join(extensions)} 之一",
            f"file {shown} refused; files must be one of {', '.join(extensions)}",
        )
    return name


def importable_type(
    settings: Settings, session: Session, principal: Principal, type_id: str
) -> DatasetType:
    """The dataset type `type_id`, if the caller may import into it: its dataset, once it
    exists, must be within the caller's scope (else 'not found', like a missing type)."""
    types = all_types(settings)
    if type_id not in types:
        raise NotFound("dataset_type", type_id)
    existing = session.get(Dataset, type_id)
    if existing is not None and not sees(
        session, principal, "dataset", existing.id, existing.owner_unit
    ):
        raise NotFound("dataset", type_id)
    types[type_id].check_importable()
    return types[type_id]


def save_upload(file: UploadFile, target: Path) -> int:
    """Stream an uploaded file to `target` in 1 MiB chunks; its size in bytes, or
    UploadRefused past `MAX_UPLOAD_BYTES` (the caller removes what was written)."""
    copied = 0
    with target.open("wb") as out:
        while chunk := file.file.read(1 << 20):
            copied += len(chunk)
            if copied > MAX_UPLOAD_BYTES:
                raise UploadRefused(
                    f"文件过大（上限 {MAX_UPLOAD_BYTES // 1024**3} GiB）",
                    f"file too large (limit {MAX_UPLOAD_BYTES // 1024**3} GiB)",
                )
            out.write(chunk)
    return copied


@router.post("", status_code=201)
def upload(
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_IMPORT))],
    session: Db,
    dataset_type: Annotated[str, Form(max_length=64)],
    file: UploadFile,
    source: Annotated[str | None, Form(max_length=255)] = None,
) -> dict[str, Any]:
    """Import one uploaded file as a batch of `dataset_type`."""
    principal = caller.principal
    settings = app_state(request).settings
    target_type = importable_type(settings, session, principal, dataset_type)
    existing = session.get(Dataset, dataset_type)
    name = safe_name(file.filename)
    # The import writes the store through its own connection: end this transaction first
    # (it holds SQLite's write lock since the guard touched the session row).
    session.commit()
    folder = settings.staging_dir / f"upload-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    target = folder / name
    try:
        save_upload(file, target)
        result = import_batch(
            settings,
            ImportRequest(
                dataset_type=target_type,
                files=(target,),
                source_name=source,
                user=principal.user_id,
            ),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if result.status == "committed":
        refresh_quietly(settings, user=principal.user_id)
    session.expire_all()
    dataset = session.get(Dataset, dataset_type)
    if dataset is not None and dataset.owner_unit is None and existing is None:
        dataset.owner_unit = principal.unit_id
    audit.record(
        session, actor=principal.user_id, action="data.import", object_kind="batch",
        object_id=result.batch_id, unit_id=principal.unit_id,
        detail={"dataset": dataset_type, "status": result.status, "rows_read": result.rows_read,
                "rows_accepted": result.rows_accepted, "rows_rejected": result.rows_rejected},
    )  # fmt: skip
    return {
        "status": result.status,
        "batch_id": result.batch_id,
        "rows_read": result.rows_read,
        "rows_accepted": result.rows_accepted,
        "rows_rejected": result.rows_rejected,
    }
