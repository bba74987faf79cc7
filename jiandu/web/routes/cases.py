"""Supervision cases over the API: list, create from clues, detail, documents (.docx),
replies, closing, outcomes per model and masked export. See jiandu.cases.

Row scope is the case service's: a case outside the caller's units is 404 exactly like
one that does not exist. Case titles and facts are what prosecutors wrote for the
case's own file: the detail shows them as written to those who may read the case;
lists and exports scrub ID and phone numbers from them. Every change to a case carries
the `expected_version` the caller saw (409 when it moved on; `CaseConflict`).
"""

from __future__ import annotations

import secrets
import shutil
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from jiandu.cases import service
from jiandu.cases.export import export_cases
from jiandu.cases.outcomes import model_outcomes
from jiandu.cases.service import CHINA_TIME
from jiandu.cases.types import CASE_STATUS_ZH, CASE_TYPES
from jiandu.clues import service as clue_service
from jiandu.security import audit, masking
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.scope import owner
from jiandu.store.schema import (
    CaseDocument,
    CaseEvent,
    Clue,
    OrgUnit,
    SupervisionCase,
    utcnow,
)
from jiandu.web.guard import Caller, Db, app_state, requires
from jiandu.web.names import display_names
from jiandu.web.routes.clues import masked_clues

router = APIRouter(prefix="/api/cases", tags=["cases"])

Read = Annotated[Caller, Depends(requires(Permission.CASES_READ))]
Write = Annotated[Caller, Depends(requires(Permission.CASES_WRITE))]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class NewCase(BaseModel):
    clue_ids: list[str] = Field(min_length=1, max_length=1000)
    case_type: str = Field(min_length=1, max_length=32)
    title: str = Field(min_length=1, max_length=500)
    facts: str = Field(min_length=1, max_length=50_000)
    supervised_unit: str | None = Field(default=None, max_length=200)


class NewDocument(BaseModel):
    template: str | None = Field(default=None, max_length=64)
    requests: list[str] | None = Field(default=None, max_length=50)
    expected_version: int = Field(ge=1)


class Reply(BaseModel):
    received_at: AwareDatetime
    content: str = Field(min_length=1, max_length=50_000)
    rectified: bool
    expected_version: int = Field(ge=1)


class Service(BaseModel):
    served_on: date = Field(description="the China-time day the document was served")
    note: str | None = Field(default=None, max_length=4000)
    expected_version: int = Field(ge=1)


class Closing(BaseModel):
    outcome: str = Field(min_length=1, max_length=10_000)
    expected_version: int = Field(ge=1)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def document_json(row: CaseDocument) -> dict[str, Any]:
    return {
        "id": row.id,
        "template": row.template,
        "doc_no": row.doc_no,
        "sha256": row.sha256,
        "generated_by": row.generated_by,
        "generated_at": _iso(row.generated_at),
    }


def event_json(event: CaseEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": _iso(event.at),
        "actor": event.actor,
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "detail": event.detail,
    }


def case_json(session: Session, case: SupervisionCase) -> dict[str, Any]:
    record = service.describe(session, case)
    record["status_zh"] = CASE_STATUS_ZH.get(case.status, case.status)
    unit = session.get(OrgUnit, owner(session, case.owner_unit) or "")
    record["owner_unit_name"] = unit.name if unit is not None else case.owner_unit
    return record


# ------------------------------------------------------------------ lists, summary


@router.get("")
def list_cases(
    caller: Read,
    session: Db,
    status: Annotated[str | None, Query(max_length=16)] = None,
    case_type: Annotated[str | None, Query(max_length=32)] = None,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    """The cases the caller may read, newest first; titles scrubbed, facts left out."""
    cases = service.list_cases(
        session,
        caller.principal,
        status=status,
        type_id=case_type,
        overdue_at=utcnow() if overdue else None,
    )
    found = []
    for case in cases:
        record = case_json(session, case)
        record["title"] = masking.scrub_text(record["title"])
        record.pop("facts", None)
        record["outcome"] = masking.scrub_text(record["outcome"])
        found.append(record)
    return found


@router.get("/types")
def case_types(caller: Read) -> list[dict[str, Any]]:
    """The case types: label, reply period and document template of each (with the
    template's default demands, which a document may replace)."""
    return [
        {
            "id": kind.id,
            "label_zh": kind.label_zh,
            "label_en": kind.label_en,
            "reply_period_zh": kind.reply_period.label_zh,
            "reply_period_basis": kind.reply_period.basis,
            "template": kind.template.id,
            "document_title": kind.template.title,
            "requests_heading": kind.template.requests_heading,
            "requests": list(kind.template.requests),
            "addressee_hint": kind.addressee_hint,
        }
        for kind in CASE_TYPES.values()
    ]


@router.get("/outcomes")
def outcomes(caller: Read, session: Db) -> list[dict[str, Any]]:
    """Per model: clues, verified, confirmed, rejected, precision, cases, documents —
    counting the clues the caller may read (the leaderboard's data)."""
    return [outcome.as_dict() for outcome in model_outcomes(session, caller.principal)]


@router.get("/export")
def export(
    request: Request,
    caller: Read,
    session: Db,
    format: Literal["jsonl", "csv", "xlsx"] = "jsonl",
    status: Annotated[str | None, Query(max_length=16)] = None,
    case_type: Annotated[str | None, Query(max_length=32)] = None,
) -> FileResponse:
    """The cases the caller may read as a file, always scrubbed (audited `case.export`).

    Unmasked data leaves the platform only through an approved export request."""
    settings = app_state(request).settings
    folder = settings.staging_dir / f"case-export-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    target = folder / f"cases.{format}"
    try:
        export_cases(session, caller.principal, format, target, status=status, type_id=case_type)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    session.commit()  # the audit entry stands before a byte leaves
    return FileResponse(
        target,
        media_type=_MEDIA[format],
        filename=target.name,
        background=BackgroundTask(shutil.rmtree, folder, True),
    )


# ------------------------------------------------------------------- one case


@router.post("", status_code=201)
def create(body: NewCase, caller: Write, session: Db) -> dict[str, Any]:
    """Make a case of a type from confirmed clues the caller's units hold."""
    case = service.create_case(
        session,
        caller.principal,
        body.clue_ids,
        body.case_type,
        body.title,
        body.facts,
        body.supervised_unit,
    )
    return case_json(session, case)


@router.get("/{case_id}")
def detail(case_id: str, request: Request, caller: Read, session: Db) -> dict[str, Any]:
    """One case with its documents and history."""
    principal = caller.principal
    case = service.get_case(session, principal, case_id)
    record = case_json(session, case)
    record["documents"] = [document_json(d) for d in service.documents(session, principal, case.id)]
    record["history"] = [event_json(e) for e in service.history(session, principal, case.id)]
    names = display_names(session, (e["actor"] for e in record["history"]))
    for event in record["history"]:
        event["actor_name"] = names.get(event["actor"] or "")
    # The clues, as the caller may see them (masked; a clue it may not read is left out).
    clue_query = select(Clue).where(Clue.id.in_(record["clue_ids"]))
    readable = list(session.scalars(clue_service.scoped(session, principal, clue_query)))
    record["clues"] = [
        {k: row[k] for k in ("id", "model_id", "title", "status", "severity", "version")}
        for row in masked_clues(session, request, readable)
    ]
    return record


@router.post("/{case_id}/documents", status_code=201)
def generate(
    case_id: str, body: NewDocument, request: Request, caller: Write, session: Db
) -> dict[str, Any]:
    """Generate the case's document (.docx) from its template; download it separately."""
    issued = service.generate_document(
        session,
        app_state(request).settings,
        caller.principal,
        case_id,
        body.template,
        requests=body.requests,
        expected_version=body.expected_version,
    )
    case = service.get_case(session, caller.principal, case_id)
    return {"document": document_json(issued.row), "case": case_json(session, case)}


@router.get("/{case_id}/documents/{document_id}")
def download_document(
    case_id: str, document_id: str, request: Request, caller: Read, session: Db
) -> FileResponse:
    """A generated document (.docx) as a download; audited."""
    case = service.get_case(session, caller.principal, case_id)
    row = session.get(CaseDocument, document_id)
    if row is None or row.case_id != case.id:
        raise NotFound("document", document_id)
    home = app_state(request).settings.home
    path = (home / row.path).resolve()
    if not path.is_relative_to((home / "documents").resolve()) or not path.is_file():
        raise NotFound("document", document_id)
    audit.record(
        session, actor=caller.principal.user_id, action="case.document.read",
        object_kind="case", object_id=case.id, unit_id=caller.principal.unit_id,
        detail={"document_id": row.id, "sha256": row.sha256},
    )  # fmt: skip
    session.commit()
    return FileResponse(
        Path(path),
        media_type=DOCX,
        filename=f"{row.doc_no or row.id}.docx",
        headers={"X-Content-SHA256": row.sha256},
    )


@router.post("/{case_id}/service")
def serve(case_id: str, body: Service, caller: Write, session: Db) -> dict[str, Any]:
    """Record the day the document was served (送达) on the supervised unit: the case
    awaits the reply and the reply deadline is counted again from that day."""
    case = service.record_service(
        session,
        caller.principal,
        case_id,
        datetime.combine(body.served_on, time.min, CHINA_TIME),
        expected_version=body.expected_version,
        note=body.note,
    )
    return case_json(session, case)


@router.post("/{case_id}/reply")
def reply(case_id: str, body: Reply, caller: Write, session: Db) -> dict[str, Any]:
    """Record the supervised unit's reply and whether it rectified."""
    case = service.record_reply(
        session,
        caller.principal,
        case_id,
        body.received_at,
        body.content,
        body.rectified,
        expected_version=body.expected_version,
    )
    return case_json(session, case)


@router.post("/{case_id}/close")
def close(case_id: str, body: Closing, caller: Write, session: Db) -> dict[str, Any]:
    """Close the case with its outcome; its clues close with it."""
    case = service.close_case(
        session, caller.principal, case_id, body.outcome, expected_version=body.expected_version
    )
    return case_json(session, case)
