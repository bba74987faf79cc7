"""Judgment documents from the browser: upload files, parse them, import them as data.

`POST /api/judgments/import` takes one or more files (.txt in any Chinese encoding,
.html, .docx, or a court's .json/.jsonl export) and runs `jiandu.text.import_judgments`
as a background job (progress at `/api/jobs/{id}`). `POST /api/judgments/parse` shows what
the parser reads from one uploaded document without importing anything, so a user can
check it on their own documents first.

The caller needs `datasets.import` and must be able to see each of the four datasets the
import writes, once they exist; datasets the import creates belong to the caller's unit.
"""

from __future__ import annotations

import secrets
import shutil
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request, UploadFile

from jiandu.errors import JianduError
from jiandu.jobs.registry import job_kind
from jiandu.jobs.runner import TRANSIENT, JobContext
from jiandu.security import audit
from jiandu.security.masking import mask_value, scrub_text
from jiandu.security.permissions import Permission
from jiandu.store.db import session_scope
from jiandu.store.schema import Dataset
from jiandu.text.documents import read_documents
from jiandu.text.judgment import parse_judgment
from jiandu.text.judgments import JUDGMENT_TYPES, import_judgments
from jiandu.web.guard import Caller, Db, app_state, job_runner, requires
from jiandu.web.routes.imports import UploadRefused, importable_type, safe_name, save_upload

router = APIRouter(prefix="/api/judgments", tags=["judgments"])

EXTENSIONS = (".txt", ".html", ".htm", ".docx", ".json", ".jsonl")
MAX_FILES = 500


def _save_all(files: list[UploadFile], folder: Path) -> list[Path]:
    if not files or len(files) > MAX_FILES:
        raise UploadRefused(
            f"请上传 1 至 {MAX_FILES} 个文件", f"upload between 1 and {MAX_FILES} files"
        )
    saved = []
    for number, file in enumerate(files):
        name = safe_name(file.filename, EXTENSIONS)
        # A numbered subfolder keeps two uploads of the same name apart.
        target = folder / f"{number:04d}" / name
        target.parent.mkdir(parents=True)
        save_upload(file, target)
        saved.append(target)
    return saved


@router.post("/import", status_code=202)
def import_documents(
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_IMPORT))],
    session: Db,
    files: list[UploadFile],
    source: Annotated[str | None, Form(max_length=255)] = None,
    text_field: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:
    """Parse and import uploaded judgment documents as a background job."""
    principal = caller.principal
    settings = app_state(request).settings
    for type_id in JUDGMENT_TYPES:
        importable_type(settings, session, principal, type_id)
    existed = {t for t in JUDGMENT_TYPES if session.get(Dataset, t) is not None}
    folder = settings.staging_dir / f"judgments-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    try:
        paths = _save_all(files, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    session.commit()
    job_id = job_runner(request).submit(
        kind="judgments.import",
        title_zh=f"导入裁判文书（{len(paths)} 个文件）",
        title_en=f"Import judgment documents ({len(paths)} files)",
        principal=principal,
        params={
            "folder": folder.name,
            "files": [str(p.relative_to(folder)) for p in paths],
            "source": source,
            "text_field": text_field,
            "existed": sorted(existed),
        },
        object_kind="dataset",
        object_id="judgment_document",
    )
    return {"job_id": job_id, "files": len(paths)}


@job_kind("judgments.import")
def import_judgments_job(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Import the uploaded documents (params: their staging folder's name, the files in
    it, source, text_field, which judgment datasets existed before) as the uploader."""
    settings, engine = ctx.settings, ctx.engine
    folder = settings.staging_dir / Path(str(params["folder"])).name  # only staging
    paths = [folder / name for name in params["files"]]
    existed = set(params.get("existed") or ())
    keep = False  # the files stay for the next try after a transient failure
    try:
        ctx.progress(0.05, "解析文书", "parsing the documents", force=True)

        def say(message: str) -> None:
            ctx.progress(0.5, message[:100], message[:100])

        try:
            report = import_judgments(
                settings,
                paths,
                source_name=params.get("source"),
                text_field=params.get("text_field"),
                user=ctx.user_id,
                progress=say,
            )
        except JianduError as refused:
            with session_scope(engine) as job_session:
                audit.record(
                    job_session, actor=ctx.user_id, action="data.import",
                    object_kind="dataset", object_id="judgment_document",
                    unit_id=ctx.unit_id, outcome="failed",
                    detail={"files": len(paths), "error": type(refused).__name__},
                )  # fmt: skip
            raise
        with session_scope(engine) as job_session:
            audit.record(
                job_session, actor=ctx.user_id, action="data.import",
                object_kind="batch",
                object_id=",".join(r.batch_id for _, r in report.batches)[:200],
                unit_id=ctx.unit_id,
                detail={"dataset": "judgment_document", "files": len(paths),
                        "documents": report.documents, "refused": len(report.refused)},
            )  # fmt: skip
            for type_id, _ in report.batches:
                dataset = job_session.get(Dataset, type_id)
                if dataset is not None and dataset.owner_unit is None and type_id not in existed:
                    dataset.owner_unit = ctx.unit_id
        return report.as_dict()
    except TRANSIENT:
        keep = True
        raise
    finally:
        if not keep:
            shutil.rmtree(folder, ignore_errors=True)


@router.post("/parse")
def parse_document(
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_IMPORT))],
    file: UploadFile,
    text_field: Annotated[str | None, Form(max_length=64)] = None,
) -> dict[str, Any]:
    """What the parser reads from the first documents of one uploaded file (nothing is
    imported). Personal data is masked unless the caller may unmask."""
    settings = app_state(request).settings
    folder = settings.staging_dir / f"parse-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    try:
        target = folder / safe_name(file.filename, EXTENSIONS)
        save_upload(file, target)
        parsed = []
        for document in read_documents(target, text_field=text_field):
            parsed.append({"locator": document.locator, **asdict(parse_judgment(document.text))})
            if len(parsed) >= 5:
                break
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if not caller.principal.can(Permission.PII_UNMASK):
        for item in parsed:
            _mask_parsed(item)
    return {"documents": parsed}


def _mask_parsed(item: dict[str, Any]) -> None:
    """Mask a parsed document for a caller who may not unmask: person parties' names
    (also where they appear in the complaint), ID numbers, addresses, birth dates."""
    hidden: dict[str, str] = {}
    for party in item["parties"]:
        if party["party_type"] == "person" and party["name"]:
            hidden[party["name"]] = mask_value("name", party["name"]) or ""
            party["name"] = hidden[party["name"]]
        party["id_card"] = mask_value("id", party["id_card"])
        party["address"] = scrub_text(party["address"])
        party["birth_date"] = None
    claims = scrub_text(item["claims_text"])
    if claims is not None:
        for name in sorted(hidden, key=len, reverse=True):
            claims = claims.replace(name, hidden[name])
    item["claims_text"] = claims
