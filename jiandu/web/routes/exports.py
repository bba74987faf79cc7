"""Taking data out of the platform: request (申请) → approval by another person (审批) →
one download, masked unless unmasking was approved. See jiandu.security.approvals."""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from jiandu.catalog.registry import all_types
from jiandu.models.lineage import run_lineage
from jiandu.security import approvals
from jiandu.security.errors import NotFound, SecurityError
from jiandu.security.permissions import Permission
from jiandu.store.schema import ApprovalRequest
from jiandu.web.guard import Caller, Db, app_state, requires

router = APIRouter(prefix="/api/exports", tags=["exports"])

_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class Scope(BaseModel):
    object_kind: Literal["dataset", "run"]
    object_id: str = Field(min_length=1, max_length=64)
    format: Literal["csv", "xlsx", "jsonl"] = "csv"
    fields: list[str] | None = Field(default=None, max_length=200)
    unmask: bool = False


class NewRequest(BaseModel):
    purpose: str = Field(min_length=4, max_length=2000)
    scope: Scope
    expires_in_days: int = Field(default=7, ge=1, le=30)


class Decision(BaseModel):
    approve: bool
    note: str | None = Field(default=None, max_length=2000)


@contextmanager
def keeping_refusals(session: Session) -> Iterator[None]:
    """Refusals are audited in the request's transaction: keep them when refusing."""
    try:
        yield
    except SecurityError:
        session.commit()
        raise


def _json(request: ApprovalRequest) -> dict[str, Any]:
    def iso(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": request.id,
        "kind": request.kind,
        "requested_by": request.requested_by,
        "unit_id": request.unit_id,
        "purpose": request.purpose,
        "scope": request.scope,
        "status": request.status,
        "decided_by": request.decided_by,
        "decided_at": iso(request.decided_at),
        "decision_note": request.decision_note,
        "expires_at": iso(request.expires_at),
        "used_at": iso(request.used_at),
        "created_at": iso(request.created_at),
    }


@router.get("")
def list_requests(
    caller: Annotated[Caller, Depends(requires(Permission.EXPORT_REQUEST))], session: Db
) -> list[dict[str, Any]]:
    """The caller's requests, and (for approvers) those of the units they oversee."""
    return [_json(r) for r in approvals.list_requests(session, caller.principal)]


@router.post("", status_code=201)
def request_export(
    body: NewRequest,
    caller: Annotated[Caller, Depends(requires(Permission.EXPORT_REQUEST))],
    session: Db,
) -> dict[str, Any]:
    """Ask to export a dataset or a run's hits, saying why."""
    with keeping_refusals(session):
        request = approvals.request_export(
            session,
            caller.principal,
            purpose=body.purpose,
            scope=body.scope.model_dump(exclude_none=True),
            expires_in_days=body.expires_in_days,
        )
    return _json(request)


@router.post("/{request_id}/decision")
def decide(
    request_id: str,
    body: Decision,
    caller: Annotated[Caller, Depends(requires(Permission.EXPORT_APPROVE))],
    session: Db,
) -> dict[str, Any]:
    """Approve or reject another person's request."""
    with keeping_refusals(session):
        request = approvals.decide(session, caller.principal, request_id, body.approve, body.note)
    return _json(request)


@router.post("/{request_id}/withdraw")
def withdraw(
    request_id: str,
    caller: Annotated[Caller, Depends(requires(Permission.EXPORT_REQUEST))],
    session: Db,
) -> dict[str, Any]:
    """Withdraw one's own pending or approved request."""
    with keeping_refusals(session):
        request = approvals.withdraw(session, caller.principal, request_id)
    return _json(request)


@router.post("/{request_id}/download")
def download(
    request_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.EXPORT_REQUEST))],
    session: Db,
) -> FileResponse:
    """The approved export, once: the approval is used up by this download."""
    settings = app_state(request).settings
    stored = session.get(ApprovalRequest, request_id)
    if stored is None or stored.requested_by != caller.principal.user_id:
        raise NotFound("approval", request_id)
    kind = stored.scope.get("object_kind")
    fmt = str(stored.scope.get("format", "csv"))
    folder = settings.staging_dir / f"export-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    target = folder / f"{kind}-{stored.scope.get('object_id')}.{fmt}"
    try:
        with keeping_refusals(session):
            if kind == "dataset":
                result = approvals.export_dataset(
                    session, settings, caller.principal, request_id, target
                )
            else:
                types = all_types(settings)
                result = approvals.export_run_hits(
                    session,
                    settings,
                    caller.principal,
                    request_id,
                    target,
                    lineage=lambda run: run_lineage(
                        session, run.model_id, run.model_version, types
                    ),
                )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    session.commit()  # the approval is used before a byte leaves
    return FileResponse(
        result.path,
        media_type=_MEDIA.get(result.format, "application/octet-stream"),
        filename=result.path.name,
        background=BackgroundTask(shutil.rmtree, folder, True),
        headers={"X-Content-SHA256": result.sha256},
    )
