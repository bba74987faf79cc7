"""Uploading an agency file into the pool (the same import path as `jiandu import`).

The upload's name is only ever used as a label: the file is written under a fresh random
folder of JIANDU_HOME/staging with a sanitised base name (no directories, no dot files,
known extensions only), so `../../etc/passwd` or `C:\\x\\y.csv` cannot reach anywhere.
"""

from __future__ import annotations

import re
import secrets
import shutil
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile

from jiandu.catalog.registry import all_types
from jiandu.errors import JianduError
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.scope import sees
from jiandu.store.schema import Dataset
from jiandu.web.guard import Caller, Db, app_state, requires

router = APIRouter(prefix="/api/imports", tags=["imports"])

EXTENSIONS = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".json", ".jsonl", ".parquet")
MAX_UPLOAD_BYTES = 2 * 1024**3
_UNSAFE_CHARS = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]")


class UploadRefused(JianduError):
    """An upload whose name or size cannot be accepted."""


def safe_name(raw: str | None) -> str:
    """The base name of an uploaded file, or UploadRefused."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if (
        not name
        or name.startswith(".")
        or _UNSAFE_CHARS.search(name)
        or len(name.encode("utf-8")) > 200
        or not name.lower().endswith(EXTENSIONS)
    ):
        raise UploadRefused(
            f"不接受此文件名；文件须为 {'、'.join(EXTENSIONS)} 之一",
            f"file name refused; files must be one of {', '.join(EXTENSIONS)}",
        )
    return name


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
    types = all_types(settings)
    if dataset_type not in types:
        raise NotFound("dataset_type", dataset_type)
    existing = session.get(Dataset, dataset_type)
    if existing is not None and not sees(
        session, principal, "dataset", existing.id, existing.owner_unit
    ):
        raise NotFound("dataset", dataset_type)
    name = safe_name(file.filename)
    # The import writes the store through its own connection: end this transaction first
    # (it holds SQLite's write lock since the guard touched the session row).
    session.commit()
    folder = settings.staging_dir / f"upload-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    target = folder / name
    try:
        with target.open("wb") as out:
            copied = 0
            while chunk := file.file.read(1 << 20):
                copied += len(chunk)
                if copied > MAX_UPLOAD_BYTES:
                    raise UploadRefused("文件过大", "file too large")
                out.write(chunk)
        result = import_batch(
            settings,
            ImportRequest(
                dataset_type=types[dataset_type],
                files=(target,),
                source_name=source,
                user=principal.user_id,
            ),
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
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
