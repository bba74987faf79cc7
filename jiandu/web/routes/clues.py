"""Clues over the API: list, detail, assignment, workflow, comments, attachments,
one-click circulation (一键流转) and masked export. See jiandu.clues.

Row scope is the clue service's (`jiandu.clues.service`): a clue outside the caller's
units, or never sent to them, is 404 exactly like one that does not exist.

Personal data. Subject keys, titles and evidence are masked the way a run's hits are
(`jiandu.clues.export.mask_clues`); free text people wrote (comments, reasons, notes,
file names) is scrubbed of ID and phone numbers. `unmask=true` with a stated `reason`
shows them as stored: it needs `pii.unmask` (a refusal is audited as denied) and is
audited itself (`pii.unmask`).

Every change carries the `expected_version` of the clue the caller saw: a different
current version is HTTP 409 (`jiandu.clues.errors.ConflictError`), and nothing is
written. Users of external units read what was sent to them and reply with feedback;
any other change they attempt is refused (403) and audited.
"""

from __future__ import annotations

import secrets
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Depends, Query, Request, UploadFile
from fastapi.responses import FileResponse
from pydantic import AwareDatetime, BaseModel, Field, model_validator
from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from jiandu.catalog.registry import all_types
from jiandu.clues import service, transfers, workflow
from jiandu.clues.export import (
    ClueFilters,
    clue_records,
    export_clues,
    latest_evidence,
    mask_clues,
)
from jiandu.clues.graph import evidence_graph
from jiandu.clues.service import MAX_ATTACHMENT_BYTES
from jiandu.errors import JianduError
from jiandu.models.registry import available_models
from jiandu.security import audit, masking
from jiandu.security.errors import NotFound, PermissionDenied, SecurityError
from jiandu.security.permissions import Permission, permissions_of
from jiandu.security.scope import root_unit_id
from jiandu.security.units import list_units
from jiandu.store.schema import (
    CLUE_STATUSES,
    TRANSFER_STATUSES,
    Clue,
    ClueAttachment,
    ClueEvent,
    ClueSnapshot,
    ClueTransfer,
    ModelRun,
    OrgUnit,
    UserAccount,
    UserRole,
    utcnow,
)
from jiandu.web.guard import Caller, Db, app_state, requires
from jiandu.web.names import display_names

router = APIRouter(prefix="/api/clues", tags=["clues"])

_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Read = Annotated[Caller, Depends(requires(Permission.CLUES_READ))]
Write = Annotated[Caller, Depends(requires(Permission.CLUES_WRITE))]
Transfer = Annotated[Caller, Depends(requires(Permission.CLUES_TRANSFER))]


class ExternalUnitRefused(PermissionDenied):
    """A user of an external unit tried to work on a clue (they only reply with feedback)."""

    def __init__(self) -> None:
        SecurityError.__init__(
            self,
            "协作单位只能查看移送给本单位的线索并反馈意见，不能办理线索",
            "an external unit reads the clues sent to it and replies with feedback; it "
            "does not work on clues",
        )
        self.permission = "internal_unit"


class AttachmentRefused(JianduError):
    """An upload that cannot be stored as an attachment (too large)."""


# -------------------------------------------------------------------------- bodies


class Assignment(BaseModel):
    assignee_id: str | None = Field(default=None, max_length=64)
    due_at: AwareDatetime | None = None
    expected_version: int = Field(ge=1)


class Action(BaseModel):
    action: Literal["verify", "confirm", "reject", "reopen", "close"]
    reason: str | None = Field(default=None, max_length=4000)
    expected_version: int = Field(ge=1)

    @model_validator(mode="after")
    def _reason_where_needed(self) -> Action:
        if self.action in ("reject", "reopen") and not (self.reason or "").strip():
            raise ValueError("reason required")
        return self


class Comment(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


class ClueRef(BaseModel):
    id: str = Field(min_length=1, max_length=32)
    expected_version: int = Field(ge=1)


class Send(BaseModel):
    clues: list[ClueRef] = Field(min_length=1, max_length=transfers.MAX_BATCH)
    to_unit: str = Field(min_length=1, max_length=64)
    note: str | None = Field(default=None, max_length=4000)


class Accept(BaseModel):
    expected_version: int = Field(ge=1)
    note: str | None = Field(default=None, max_length=4000)


class Return(BaseModel):
    expected_version: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=4000)


class Feedback(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)


# ------------------------------------------------------------------------- helpers


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _scrub(value: Any) -> Any:
    """`value` with ID and phone numbers masked in every string inside it."""
    if isinstance(value, str):
        return masking.scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def is_external(session: Session, caller: Caller) -> bool:
    """True when the caller belongs to an external (collaborating) unit."""
    unit_id = caller.principal.unit_id
    unit = session.get(OrgUnit, unit_id) if unit_id is not None else None
    return unit is not None and unit.kind == "external"


def internal_only(request: Request, session: Session, caller: Caller) -> None:
    """Refuse (403, audited as denied) a change by a user of an external unit."""
    if not is_external(session, caller):
        return
    audit.record(
        session,
        actor=caller.principal.user_id,
        action="access.denied",
        object_kind="route",
        object_id=request.url.path[:128],
        unit_id=caller.principal.unit_id,
        outcome="denied",
        detail={"rule": "external_unit", "method": request.method},
    )
    session.commit()
    raise ExternalUnitRefused()


@contextmanager
def keeping_refusals(session: Session) -> Iterator[None]:
    """Refusals the services audit in the request's transaction survive the error."""
    try:
        yield
    except SecurityError:
        session.commit()
        raise


def unmasking(
    request: Request, session: Session, caller: Caller, object_id: str, reason: str | None
) -> None:
    """Allow and audit an unmasked read (`pii.unmask` and a reason), or refuse it
    (audited as denied, 403; 400 without a reason)."""
    with keeping_refusals(session):
        masking.unmask(
            session,
            caller.principal,
            object_kind="clue",
            object_id=object_id,
            fields=["subject_key", "title", "evidence", "text"],
            reason=reason or "",
            unit_id=caller.principal.unit_id,
        )


def transfer_json(transfer: ClueTransfer, *, unmasked: bool = False) -> dict[str, Any]:
    """A transfer as JSON; notes scrubbed unless `unmasked`."""
    text = (lambda v: v) if unmasked else masking.scrub_text
    return {
        "id": transfer.id,
        "batch_id": transfer.batch_id,
        "clue_id": transfer.clue_id,
        "from_unit": transfer.from_unit,
        "to_unit": transfer.to_unit,
        "status": transfer.status,
        "note": text(transfer.note),
        "sent_by": transfer.sent_by,
        "sent_at": _iso(transfer.sent_at),
        "answered_by": transfer.answered_by,
        "answered_at": _iso(transfer.answered_at),
        "answer_note": text(transfer.answer_note),
    }


def event_json(event: ClueEvent, *, unmasked: bool) -> dict[str, Any]:
    return {
        "id": event.id,
        "at": _iso(event.at),
        "actor": event.actor,
        "kind": event.kind,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "detail": event.detail if unmasked else _scrub(event.detail),
    }


def attachment_json(row: ClueAttachment, *, unmasked: bool) -> dict[str, Any]:
    return {
        "id": row.id,
        "filename": row.filename if unmasked else masking.scrub_text(row.filename),
        "sha256": row.sha256,
        "size": row.size,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": _iso(row.uploaded_at),
    }


def masked_clues(
    session: Session, request: Request, clues: Sequence[Clue], *, evidence: bool = False
) -> list[dict[str, Any]]:
    """Clues as JSON (`jiandu.clues.service.describe`) with subject key, title and (if
    asked for) evidence masked, and the rejection reason scrubbed."""
    settings = app_state(request).settings
    records = clue_records(session, settings, clues, unmasked=False, now=utcnow())
    out = []
    for clue, record in zip(clues, records, strict=True):
        row = service.describe(clue)
        row["subject_key"] = record["subject_key"]
        row["title"] = record["title"]
        row["rejection_reason"] = masking.scrub_text(clue.rejection_reason)
        if evidence:
            row["evidence"] = record["evidence"]
        out.append(row)
    return out


def _snapshots(
    session: Session, request: Request, clue: Clue, *, unmasked: bool
) -> list[dict[str, Any]]:
    """The clue's evidence snapshots, oldest first, masked unless `unmasked` (each with
    the title and sources of the run that saw it)."""
    rows = list(
        session.scalars(
            select(ClueSnapshot)
            .where(ClueSnapshot.clue_id == clue.id)
            .order_by(ClueSnapshot.created_at, ClueSnapshot.run_id)
        )
    )
    heads: dict[str, dict[str, Any]] = {}
    evidence: dict[str, list[dict[str, Any]]] = {r.run_id: list(r.evidence) for r in rows}
    if not unmasked and rows:
        # One masking pass over all snapshots: stand-in clues (never added to the
        # session) carry each snapshot's title and run, keyed by run id.
        stand_ins = [
            Clue(
                id=r.run_id,
                model_id=clue.model_id,
                last_run_id=r.run_id,
                subject_key=clue.subject_key,
                title=r.title,
            )
            for r in rows
        ]
        heads, evidence = mask_clues(session, app_state(request).settings, stand_ins, evidence)
    return [
        {
            "run_id": r.run_id,
            "created_at": _iso(r.created_at),
            "branches": list(r.branches),
            "title": heads.get(r.run_id, {}).get("title", r.title) if not unmasked else r.title,
            "evidence_hash": r.evidence_hash,
            "evidence": evidence.get(r.run_id, []),
        }
        for r in rows
    ]


def _graph(
    session: Session, request: Request, clue: Clue, shown: list[dict[str, Any]]
) -> dict[str, Any]:
    """The relationship graph of the clue's latest evidence (`jiandu.clues.graph`),
    labelled with the rows as shown to the caller."""
    raw = latest_evidence(session, [clue.id]).get(clue.id, [])
    run = session.get(ModelRun, clue.last_run_id)
    types = all_types(app_state(request).settings)
    sources = [types[t] for t in sorted(run.batches) if t in types] if run is not None else []
    return evidence_graph(raw, shown, sources or list(types.values()))


def _versioned(clue: Clue, expected_version: int) -> None:
    service.check_version(clue, expected_version)


# ------------------------------------------------------------------- list, export


#: Most clues a text search looks through (it checks the masked text in Python).
SEARCH_CAP = 5_000


def _unit_names(session: Session) -> dict[str, str]:
    return {unit_id: name for unit_id, name in session.execute(select(OrgUnit.id, OrgUnit.name))}


def _named(session: Session, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Clue rows with the names of their holder and owner units and their assignee."""
    units = _unit_names(session)
    root = root_unit_id(session)
    users = display_names(session, {r["assignee_id"] for r in rows if r.get("assignee_id")})
    for row in rows:
        holder = row["holder_unit"] or row["owner_unit"] or root
        row["holder_unit_name"] = units.get(holder or "", holder)
        row["owner_unit_name"] = units.get(row["owner_unit"] or root or "", row["owner_unit"])
        row["assignee_name"] = users.get(row["assignee_id"] or "")
    return rows


def _matches(row: dict[str, Any], needle: str) -> bool:
    """True when `needle` is in what the reader sees of the clue (masked text)."""
    shown = (row["id"], row["model_id"], row["title"] or "", row["subject_key"] or "")
    return any(needle in str(v).lower() for v in shown)


@router.get("")
def list_clues(
    request: Request,
    caller: Read,
    session: Db,
    model_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    presence: Annotated[str | None, Query(max_length=16)] = None,
    overdue: bool = False,
    holder: Annotated[str | None, Query(max_length=64)] = None,
    assignee: Annotated[
        str | None,
        Query(max_length=64, description="a user id, `me`, or `none` (not assigned)"),
    ] = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="text in the id, model id or masked title"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> list[dict[str, Any]]:
    """The clues the caller may read, newest first, masked (no evidence), with unit
    and assignee names. `q` matches only what the caller is shown (masked titles and
    subject keys), never the hidden values behind a mask."""
    who = {"me": caller.principal.user_id, "none": ""}.get(assignee or "", assignee)
    needle = (q or "").strip().lower()
    filters: dict[str, Any] = {
        "model_id": model_id,
        "status": status,
        "presence": presence,
        "overdue_at": utcnow() if overdue else None,
        "holder_unit": holder,
        "assignee": who,
    }
    if not needle:
        clues = service.list_clues(session, caller.principal, **filters, limit=limit, offset=offset)
        return _named(session, masked_clues(session, request, clues))
    candidates = service.list_clues(
        session, caller.principal, **filters, text=needle, limit=SEARCH_CAP
    )
    found = [r for r in masked_clues(session, request, candidates) if _matches(r, needle)]
    return _named(session, found[offset : offset + limit])


@router.get("/facets")
def facets(caller: Read, session: Db) -> dict[str, Any]:
    """What the clue filters offer: the models (with names), statuses and holding units
    of the clues the caller may read, with counts."""
    principal = caller.principal
    columns = cast(
        "Select[Any]", select(Clue.model_id, Clue.status, Clue.holder_unit, Clue.owner_unit)
    )
    rows: list[Any] = list(session.execute(service.scoped(session, principal, columns)))
    root = root_unit_id(session)
    models: dict[str, int] = {}
    statuses: dict[str, int] = {}
    holders: dict[str, int] = {}
    for model_id, status, holder, owner_unit in rows:
        models[model_id] = models.get(model_id, 0) + 1
        statuses[status] = statuses.get(status, 0) + 1
        unit = holder or owner_unit or root or ""
        holders[unit] = holders.get(unit, 0) + 1
    entries = available_models(session)
    units = _unit_names(session)
    return {
        "total": len(rows),
        "models": [
            {
                "id": model_id,
                "name_zh": entries[model_id].spec.name_zh if model_id in entries else model_id,
                "name_en": entries[model_id].spec.name_en if model_id in entries else model_id,
                "count": count,
            }
            for model_id, count in sorted(models.items())
        ],
        "statuses": [
            {"status": status, "count": statuses.get(status, 0)} for status in CLUE_STATUSES
        ],
        "holders": [
            {"id": unit, "name": units.get(unit, unit), "count": count}
            for unit, count in sorted(holders.items())
        ],
    }


@router.get("/transfer-targets")
def transfer_targets(caller: Transfer, session: Db) -> list[dict[str, Any]]:
    """The units a clue may be sent to (一键流转), in tree order: every procuratorate,
    department and external collaborating unit of the installation. `relation` says
    where each stands from the caller: `own` (its unit), `within` (below it),
    `external`, or `other`. A unit that already holds a clue is refused when sending."""
    principal = caller.principal
    found = []
    for unit in list_units(session):
        if unit.id == principal.unit_id:
            relation = "own"
        elif unit.kind == "external":
            relation = "external"
        elif principal.sees_unit(unit.id):
            relation = "within"
        else:
            relation = "other"
        found.append(
            {
                "id": unit.id,
                "name": unit.name,
                "kind": unit.kind,
                "level": unit.level,
                "parent_id": unit.parent_id,
                "relation": relation,
            }
        )
    return found


@router.get("/assignees")
def assignees(caller: Write, session: Db) -> list[dict[str, Any]]:
    """The people a clue may be assigned to: active accounts of the caller's units that
    may work on clues (`clues.write`), by unit and name."""
    principal = caller.principal
    query = (
        select(UserAccount, OrgUnit.name)
        .join(OrgUnit, OrgUnit.id == UserAccount.unit_id)
        .where(UserAccount.is_active.is_(True), OrgUnit.kind != "external")
    )
    if not principal.all_units:
        query = query.where(UserAccount.unit_id.in_(sorted(principal.visible_units)))
    query = query.order_by(OrgUnit.path, UserAccount.display_name, UserAccount.id)
    people = [(user, name) for user, name in session.execute(query)]
    roles: dict[str, set[str]] = {}
    ids = [user.id for user, _name in people]
    for start in range(0, len(ids), 1_000):
        chunk = ids[start : start + 1_000]
        for user_id, role in session.execute(
            select(UserRole.user_id, UserRole.role).where(UserRole.user_id.in_(chunk))
        ):
            roles.setdefault(user_id, set()).add(role)
    return [
        {
            "id": user.id,
            "display_name": user.display_name,
            "unit_id": user.unit_id,
            "unit_name": unit_name,
            "is_me": user.id == principal.user_id,
        }
        for user, unit_name in people
        if Permission.CLUES_WRITE in permissions_of(roles.get(user.id, set()))
    ]


@router.get("/export")
def export(
    request: Request,
    caller: Read,
    session: Db,
    format: Literal["jsonl", "csv", "xlsx"] = "jsonl",
    model_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    presence: Annotated[str | None, Query(max_length=16)] = None,
) -> FileResponse:
    """The clues the caller may read as a file, always masked (audited `clues.export`).

    Unmasked data leaves the platform only through an approved export request
    (/api/exports); this download never unmasks.
    """
    settings = app_state(request).settings
    folder = settings.staging_dir / f"clue-export-{secrets.token_hex(8)}"
    folder.mkdir(parents=True)
    try:
        result = export_clues(
            session,
            settings,
            caller.principal,
            format,
            folder / f"clues.{format}",
            ClueFilters(model_id=model_id, status=status, presence=presence),
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    session.commit()  # the audit entry stands before a byte leaves
    return FileResponse(
        result.path,
        media_type=_MEDIA[format],
        filename=result.path.name,
        background=BackgroundTask(shutil.rmtree, folder, True),
    )


# ------------------------------------------------------------------------ transfers


@router.post("/transfers", status_code=201)
def send(body: Send, request: Request, caller: Transfer, session: Db) -> dict[str, Any]:
    """Send a batch of clues to another unit (一键流转): all of them or none."""
    internal_only(request, session, caller)
    for ref in body.clues:
        _versioned(service.get_clue(session, caller.principal, ref.id), ref.expected_version)
    sent = transfers.send(
        session, caller.principal, [ref.id for ref in body.clues], body.to_unit, body.note
    )
    return {
        "batch_id": sent[0].batch_id,
        "transfers": [transfer_json(t, unmasked=True) for t in sent],
    }


TransferStatus = Literal["sent", "accepted", "returned", "all"]
if set(TRANSFER_STATUSES) != {"sent", "accepted", "returned"}:  # pragma: no cover
    raise RuntimeError("TransferStatus must follow jiandu.store.schema.TRANSFER_STATUSES")


@router.get("/transfers/incoming")
def incoming(
    request: Request,
    caller: Read,
    session: Db,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    status: TransferStatus = "sent",
) -> list[dict[str, Any]]:
    """Transfers addressed to the caller's units (waiting for an answer by default)."""
    found = transfers.list_incoming(
        session, caller.principal, unit, status=None if status == "all" else status
    )
    return transfers_with_clues(session, request, caller, found)


@router.get("/transfers/outgoing")
def outgoing(
    request: Request,
    caller: Read,
    session: Db,
    unit: Annotated[str | None, Query(max_length=64)] = None,
    status: TransferStatus = "sent",
) -> list[dict[str, Any]]:
    """Transfers sent from the caller's units (waiting for an answer by default)."""
    found = transfers.list_outgoing(
        session, caller.principal, unit, status=None if status == "all" else status
    )
    return transfers_with_clues(session, request, caller, found)


def transfers_with_clues(
    session: Session, request: Request, caller: Caller, found: Sequence[ClueTransfer]
) -> list[dict[str, Any]]:
    """Transfers as JSON with unit names and, where the caller may read it, a masked
    summary of the clue (`clue`: id, model, title, status, version; None otherwise)."""
    ids = sorted({t.clue_id for t in found})
    readable: list[Clue] = []
    for start in range(0, len(ids), 1_000):
        query = select(Clue).where(Clue.id.in_(ids[start : start + 1_000]))
        readable.extend(session.scalars(service.scoped(session, caller.principal, query)))
    summaries = {row["id"]: row for row in masked_clues(session, request, readable)}
    units = _unit_names(session)
    out = []
    for transfer in found:
        record = transfer_json(transfer)
        record["from_unit_name"] = units.get(transfer.from_unit, transfer.from_unit)
        record["to_unit_name"] = units.get(transfer.to_unit, transfer.to_unit)
        row = summaries.get(transfer.clue_id)
        record["clue"] = (
            None
            if row is None
            else {k: row[k] for k in ("id", "model_id", "title", "status", "severity", "version")}
        )
        out.append(record)
    return out


def _transfer_clue(session: Session, caller: Caller, transfer_id: str) -> Clue:
    """The clue of a transfer addressed to the caller's units (404 otherwise)."""
    transfer = session.get(ClueTransfer, transfer_id)
    if transfer is None or not caller.principal.sees_unit(transfer.to_unit):
        raise NotFound("transfer", transfer_id)
    return service.get_clue(session, caller.principal, transfer.clue_id)


@router.post("/transfers/{transfer_id}/accept")
def accept(transfer_id: str, body: Accept, caller: Write, session: Db) -> dict[str, Any]:
    """The receiving unit takes the clue (an external unit to reply with feedback)."""
    clue = _transfer_clue(session, caller, transfer_id)
    _versioned(clue, body.expected_version)
    transfer = transfers.accept(session, caller.principal, transfer_id, body.note)
    return {"transfer": transfer_json(transfer), "clue_version": clue.version}


@router.post("/transfers/{transfer_id}/return")
def return_(transfer_id: str, body: Return, caller: Write, session: Db) -> dict[str, Any]:
    """The receiving unit sends the clue back, saying why; the sender keeps it."""
    clue = _transfer_clue(session, caller, transfer_id)
    _versioned(clue, body.expected_version)
    transfer = transfers.return_(session, caller.principal, transfer_id, body.reason)
    return {"transfer": transfer_json(transfer)}


@router.post("/transfers/{transfer_id}/feedback", status_code=201)
def feedback(transfer_id: str, body: Feedback, caller: Write, session: Db) -> dict[str, Any]:
    """The receiving unit's reply on what it did with an accepted clue."""
    _transfer_clue(session, caller, transfer_id)
    transfers.feedback(session, caller.principal, transfer_id, body.text)
    return {"ok": True}


# --------------------------------------------------------------------------- detail


@router.get("/{clue_id}")
def detail(
    clue_id: str,
    request: Request,
    caller: Read,
    session: Db,
    unmask: bool = False,
    reason: Annotated[str | None, Query(max_length=500)] = None,
) -> dict[str, Any]:
    """One clue with its evidence, snapshots, history, transfers and attachments; masked
    unless `unmask` (with a `reason`; needs `pii.unmask`, audited)."""
    principal = caller.principal
    clue = service.get_clue(session, principal, clue_id)
    if unmask:
        unmasking(request, session, caller, clue.id, reason)
        record = service.describe(clue)
        record["evidence"] = latest_evidence(session, [clue.id]).get(clue.id, [])
    else:
        (record,) = masked_clues(session, request, [clue], evidence=True)
    external = is_external(session, caller)
    record["allowed_actions"] = [] if external else list(workflow.allowed_actions(clue.status))
    # Whether the caller may work on it now: its units hold it (a clue in transit stays
    # with the sender until the receiver accepts it); external units never do.
    record["can_act"] = not external and principal.sees_unit(service.holder_of(session, clue))
    record["snapshots"] = _snapshots(session, request, clue, unmasked=unmask)
    record["history"] = [
        event_json(e, unmasked=unmask) for e in service.history(session, principal, clue.id)
    ]
    units = _unit_names(session)
    record["transfers"] = [
        {
            **transfer_json(t, unmasked=unmask),
            "from_unit_name": units.get(t.from_unit, t.from_unit),
            "to_unit_name": units.get(t.to_unit, t.to_unit),
        }
        for t in transfers.transfers_of(session, principal, clue.id)
    ]
    actors = {e["actor"] for e in record["history"]} | {t["sent_by"] for t in record["transfers"]}
    names = display_names(session, {a for a in actors if a} | {clue.assignee_id or ""})
    for event in record["history"]:
        event["actor_name"] = names.get(event["actor"] or "")
    record["graph"] = _graph(session, request, clue, record["evidence"])
    _named(session, [record])
    # Attachments are not masked files: they stay inside the procuratorates.
    record["attachments"] = (
        []
        if external
        else [
            attachment_json(a, unmasked=unmask)
            for a in service.attachments(session, principal, clue.id)
        ]
    )
    return record


# -------------------------------------------------------------------------- changes


@router.post("/{clue_id}/assign")
def assign(
    clue_id: str, body: Assignment, request: Request, caller: Write, session: Db
) -> dict[str, Any]:
    """Assign the clue to a prosecutor (or nobody), with a deadline (or none)."""
    internal_only(request, session, caller)
    clue = service.assign(
        session, caller.principal, clue_id, body.assignee_id, body.due_at, body.expected_version
    )
    (record,) = masked_clues(session, request, [clue])
    return record


@router.post("/{clue_id}/actions")
def act(clue_id: str, body: Action, request: Request, caller: Write, session: Db) -> dict[str, Any]:
    """Take a workflow action: verify, confirm, reject or reopen (with a reason), close."""
    internal_only(request, session, caller)
    clue = service.act(
        session, caller.principal, clue_id, body.action, body.expected_version, body.reason
    )
    (record,) = masked_clues(session, request, [clue])
    return record


@router.post("/{clue_id}/comments", status_code=201)
def comment(
    clue_id: str, body: Comment, request: Request, caller: Write, session: Db
) -> dict[str, Any]:
    """Add a comment to the clue's history (comments change nothing, so no version)."""
    internal_only(request, session, caller)
    event = service.comment(session, caller.principal, clue_id, body.text)
    return event_json(event, unmasked=True)


@router.post("/{clue_id}/attachments", status_code=201)
def upload_attachment(
    clue_id: str, file: UploadFile, request: Request, caller: Write, session: Db
) -> dict[str, Any]:
    """Attach a file (at most `MAX_ATTACHMENT_BYTES`); its name is only a label."""
    internal_only(request, session, caller)
    service.get_clue(session, caller.principal, clue_id)  # 404 before reading the upload
    data = file.file.read(MAX_ATTACHMENT_BYTES + 1)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRefused(
            f"附件过大，上限为 {MAX_ATTACHMENT_BYTES} 字节",
            f"the attachment is too large; the limit is {MAX_ATTACHMENT_BYTES} bytes",
        )
    row = service.attach(
        session, app_state(request).settings, caller.principal, clue_id, file.filename or "", data
    )
    return attachment_json(row, unmasked=True)


@router.get("/{clue_id}/attachments/{attachment_id}")
def download_attachment(
    clue_id: str, attachment_id: str, request: Request, caller: Read, session: Db
) -> FileResponse:
    """An attachment's bytes, as a download (never rendered inline); audited."""
    internal_only(request, session, caller)
    clue = service.get_clue(session, caller.principal, clue_id)
    row = session.get(ClueAttachment, attachment_id)
    if row is None or row.clue_id != clue.id:
        raise NotFound("attachment", attachment_id)
    home = app_state(request).settings.home
    base = (home / "attachments").resolve()
    path = (home / row.path).resolve()
    if not path.is_relative_to(base) or not path.is_file():
        raise NotFound("attachment", attachment_id)
    service.record_audit(
        session, caller.principal, "clue.attachment.read", clue,
        detail={"attachment_id": row.id, "sha256": row.sha256},
    )  # fmt: skip
    session.commit()
    return FileResponse(
        Path(path),
        media_type="application/octet-stream",
        filename=row.filename,
        headers={"X-Content-SHA256": row.sha256},
    )
