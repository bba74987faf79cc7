"""Working on clues: read in scope, assign, act on the workflow, comment, attach, history.

Every change writes a `ClueEvent` (the clue's own history, shown to whoever may read
the clue) and an audit entry (`jiandu.security.audit.record`, in the same transaction:
an action and its record stand or fall together). Audit details hold ids and statuses
only; free text (reasons, comments) stays in the clue's events, under row scope.

Row scope. A principal *reads* a clue when it sees the clue's holder or owner unit
(NULL means the installation's root unit), when the clue was sent to one of its units
(a transfer `sent` or `accepted`), or when the clue is shared with one of its units. It
*acts* (assign, workflow) only on clues whose holder it sees: a clue in transit stays
with its sender until the receiver accepts it. Anything else is `NotFound`, exactly as a
clue that does not exist. Users of external units read what was sent to them and reply
with feedback (`jiandu.clues.transfers.feedback`); they never move a clue's workflow.

Optimistic locking. Callers pass the `version` of the clue they saw; a different
current version is a `ConflictError` before anything is written, and the UPDATE itself
carries `WHERE version = <seen>` (SQLAlchemy's `version_id_col`), so of two concurrent
writers that both saw the same version exactly one wins and the other gets
`ConflictError` — whichever order their transactions commit in. After a
`ConflictError` the caller rolls its session back and reloads.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jiandu.clues import workflow
from jiandu.clues.errors import ClueError, ConflictError
from jiandu.config import Settings
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.scope import root_unit_id, shared_with
from jiandu.store.schema import (
    Clue,
    ClueAttachment,
    ClueEvent,
    ClueTransfer,
    OrgUnit,
    UserAccount,
    utcnow,
)

#: Largest attachment accepted, in bytes (scans of documents, not evidence dumps).
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
#: Transfer states under which the receiving unit reads the clue.
_RECEIVER_READS = ("sent", "accepted")
_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def new_clue_id() -> str:
    """A clue id such as 'C3f9a0c1b2d4e5f60' (64 random bits)."""
    return f"C{secrets.token_hex(8)}"


def _now(now: datetime | None) -> datetime:
    moment = now or utcnow()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime")
    return moment.astimezone(UTC)


# ------------------------------------------------------------------------- row scope


def scope_filter(session: Session, principal: Principal) -> ColumnElement[bool] | None:
    """A WHERE clause selecting the clues `principal` may read; None for every clue."""
    if principal.all_units:
        return None
    units = sorted(principal.visible_units)
    root = root_unit_id(session)
    received = select(ClueTransfer.clue_id).where(
        ClueTransfer.to_unit.in_(units), ClueTransfer.status.in_(_RECEIVER_READS)
    )
    clauses: list[ColumnElement[bool]] = [
        Clue.holder_unit.in_(units),
        Clue.owner_unit.in_(units),
        Clue.id.in_(received),
    ]
    if root is not None and root in principal.visible_units:
        clauses.append(Clue.owner_unit.is_(None))
    shared = shared_with(session, principal, "clue")
    if shared:
        clauses.append(Clue.id.in_(sorted(shared)))
    return or_(*clauses) if clauses else false()


def scoped(session: Session, principal: Principal, query: Select[Any]) -> Select[Any]:
    """`query` (over `Clue`) narrowed to the clues `principal` may read."""
    where = scope_filter(session, principal)
    return query if where is None else query.where(where)


def get_clue(session: Session, principal: Principal, clue_id: str) -> Clue:
    """A clue the caller may read (`clues.read`); `NotFound` otherwise."""
    principal.require(Permission.CLUES_READ)
    found = session.execute(scoped(session, principal, select(Clue).where(Clue.id == clue_id)))
    clue: Clue | None = found.scalar_one_or_none()
    if clue is None:
        raise NotFound("clue", clue_id)
    return clue


def holder_of(session: Session, clue: Clue) -> str | None:
    """The unit holding `clue` now (its owner, or the root unit, when unset)."""
    return clue.holder_unit or clue.owner_unit or root_unit_id(session)


def _is_external(session: Session, principal: Principal) -> bool:
    if principal.unit_id is None:
        return False
    unit = session.get(OrgUnit, principal.unit_id)
    return unit is not None and unit.kind == "external"


def actionable_clue(session: Session, principal: Principal, clue_id: str) -> Clue:
    """A clue the caller may move: readable, `clues.write`, held by a unit it sees, and
    the caller not from an external unit."""
    clue = get_clue(session, principal, clue_id)
    principal.require(Permission.CLUES_WRITE)
    if _is_external(session, principal):
        raise ClueError(
            "协作单位只能查看移送给本单位的线索并反馈意见，不能办理线索",
            "an external unit reads the clues sent to it and replies with feedback; it "
            "does not work on clues",
        )
    if not principal.sees_unit(holder_of(session, clue)):
        raise ClueError(
            f"线索 {clue.id} 目前由其他单位持有，只有持有单位可以办理（移送中的线索须待接收）",
            f"clue {clue.id} is held by another unit; only the holder works on it (a clue "
            "in transit must be accepted first)",
        )
    return clue


def list_clues(
    session: Session,
    principal: Principal,
    *,
    model_id: str | None = None,
    status: str | None = None,
    presence: str | None = None,
    overdue_at: datetime | None = None,
    holder_unit: str | None = None,
    assignee: str | None = None,
    text: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Clue]:
    """The clues the caller may read, newest first, optionally filtered.

    `overdue_at` keeps only clues overdue at that moment (see `is_overdue`);
    `holder_unit` only those held by that unit now (see `holder_of`: an unset holder
    is the owner, an unset owner the root unit); `assignee` only those assigned to that
    user id (the empty string: not assigned to anybody); `text` only those whose id,
    model id or title contains it (case-insensitive; the stored title, so callers that
    show masked titles must check the match against what they show).
    """
    principal.require(Permission.CLUES_READ)
    query = select(Clue)
    if holder_unit is not None:
        held = Clue.holder_unit == holder_unit
        unset = Clue.holder_unit.is_(None)
        held = held | (unset & (Clue.owner_unit == holder_unit))
        if holder_unit == root_unit_id(session):
            held = held | (unset & Clue.owner_unit.is_(None))
        query = query.where(held)
    if model_id is not None:
        query = query.where(Clue.model_id == model_id)
    if status is not None:
        query = query.where(Clue.status == status)
    if presence is not None:
        query = query.where(Clue.presence == presence)
    if assignee is not None:
        query = query.where(
            Clue.assignee_id.is_(None) if assignee == "" else Clue.assignee_id == assignee
        )
    if text is not None and text.strip():
        needle = text.strip().lower()
        query = query.where(
            or_(
                func.lower(Clue.id).contains(needle, autoescape=True),
                func.lower(Clue.model_id).contains(needle, autoescape=True),
                func.lower(Clue.title).contains(needle, autoescape=True),
            )
        )
    if overdue_at is not None:
        query = query.where(
            Clue.due_at.is_not(None),
            Clue.due_at < _now(overdue_at),
            Clue.status.not_in(sorted(workflow.FINAL_STATUSES)),
        )
    query = scoped(session, principal, query).order_by(Clue.created_at.desc(), Clue.id)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def is_overdue(clue: Clue, now: datetime | None = None) -> bool:
    """True when the clue has a deadline in the past and work left (not closed)."""
    if clue.due_at is None or workflow.is_final(clue.status):
        return False
    return clue.due_at < _now(now)


# ------------------------------------------------------------------------ recording


def add_event(
    session: Session,
    clue: Clue,
    principal: Principal,
    kind: str,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> ClueEvent:
    """Append one event to the clue's history (in the caller's transaction)."""
    event = ClueEvent(
        clue_id=clue.id,
        at=_now(now),
        actor=principal.user_id,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        detail=dict(detail or {}),
    )
    session.add(event)
    return event


def record_audit(
    session: Session,
    principal: Principal,
    action: str,
    clue: Clue,
    *,
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """The audit entry of a clue action (ids and statuses only, never free text)."""
    audit.record(
        session,
        actor=principal.user_id,
        action=action,
        object_kind="clue",
        object_id=clue.id,
        unit_id=principal.unit_id,
        detail=dict(detail or {}),
        now=_now(now),
    )


def check_version(clue: Clue, expected_version: int) -> None:
    """`ConflictError` unless the clue is still at the version the caller saw."""
    if clue.version != expected_version:
        raise ConflictError(clue.id, expected_version, clue.version)


def flush_change(session: Session, clue: Clue, expected_version: int | None) -> None:
    """Write the clue's UPDATE now; a concurrent writer that got there first turns
    SQLAlchemy's `StaleDataError` into `ConflictError`."""
    # Read before flushing: after a failed flush the session refuses to load anything.
    clue_id = clue.id
    try:
        session.flush()
    except StaleDataError as error:
        raise ConflictError(clue_id, expected_version, None) from error


# -------------------------------------------------------------------------- actions


def assign(
    session: Session,
    principal: Principal,
    clue_id: str,
    assignee_id: str | None,
    due_at: datetime | None,
    expected_version: int,
    *,
    now: datetime | None = None,
) -> Clue:
    """Assign the clue to a prosecutor (or nobody) with a deadline (or none).

    The assignee must be an active account of a unit the caller sees; an unknown or
    out-of-scope account is refused with the same message (no probing of accounts).
    """
    moment = _now(now)
    clue = actionable_clue(session, principal, clue_id)
    check_version(clue, expected_version)
    if assignee_id is not None:
        user = session.get(UserAccount, assignee_id)
        if user is None or not user.is_active or not principal.sees_unit(user.unit_id):
            raise ClueError(
                f"不能指派给 {assignee_id!r}：不是本单位范围内的有效用户",
                f"cannot assign to {assignee_id!r}: not an active user within your units",
            )
    if due_at is not None and (due_at.tzinfo is None or due_at.utcoffset() is None):
        raise ValueError("naive datetime: pass a timezone-aware due_at")
    before = {"assignee_id": clue.assignee_id, "due_at": _iso(clue.due_at)}
    clue.assignee_id = assignee_id
    clue.due_at = due_at.astimezone(UTC) if due_at is not None else None
    clue.updated_at = moment
    flush_change(session, clue, expected_version)
    after = {"assignee_id": assignee_id, "due_at": _iso(clue.due_at)}
    add_event(
        session, clue, principal, "assign", detail={"before": before, "after": after}, now=moment
    )
    record_audit(session, principal, "clue.assign", clue, detail=after, now=moment)
    session.flush()
    return clue


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _transition(
    session: Session,
    principal: Principal,
    clue: Clue,
    action: str,
    expected_version: int | None,
    *,
    reason: str | None,
    facts: Mapping[str, Any],
    detail: Mapping[str, Any],
    now: datetime,
) -> Clue:
    """Apply one workflow action to a loaded clue and record it."""
    before = clue.status
    after = workflow.apply(before, action, reason=reason, **facts)
    clue.status = after
    if action == "reject":
        clue.rejection_reason = (reason or "").strip()
    elif action == "reopen":
        clue.rejection_reason = None
    clue.updated_at = now
    flush_change(session, clue, expected_version)
    event_detail = dict(detail)
    if reason is not None:
        event_detail["reason"] = reason.strip()
    add_event(
        session,
        clue,
        principal,
        "status",
        from_status=before,
        to_status=after,
        detail={"action": action, **event_detail},
        now=now,
    )
    record_audit(
        session,
        principal,
        f"clue.{action}",
        clue,
        detail={"from": before, "to": after, **detail},
        now=now,
    )
    session.flush()
    return clue


def act(
    session: Session,
    principal: Principal,
    clue_id: str,
    action: str,
    expected_version: int,
    reason: str | None = None,
    *,
    now: datetime | None = None,
) -> Clue:
    """Take a workflow action (verify, confirm, reject, close, reopen) on a clue.

    `transfer` is refused here: a clue becomes 已移送 only when a receiving unit accepts
    it (`jiandu.clues.transfers`), and a confirmed clue closes with its case
    (`close_for_case`).
    """
    moment = _now(now)
    clue = actionable_clue(session, principal, clue_id)
    check_version(clue, expected_version)
    facts = {"assigned": clue.assignee_id is not None}
    return _transition(
        session,
        principal,
        clue,
        action,
        expected_version,
        reason=reason,
        facts=facts,
        detail={},
        now=moment,
    )


def comment(
    session: Session,
    principal: Principal,
    clue_id: str,
    text: str,
    *,
    now: datetime | None = None,
) -> ClueEvent:
    """Add a comment to the clue's history (anyone who reads it and holds `clues.write`).

    Comments do not change the clue, so they need no version and never conflict.
    """
    clue = get_clue(session, principal, clue_id)
    principal.require(Permission.CLUES_WRITE)
    body = text.strip()
    if not body:
        raise ClueError("评论内容不能为空", "a comment cannot be empty")
    moment = _now(now)
    event = add_event(session, clue, principal, "comment", detail={"text": body}, now=moment)
    record_audit(session, principal, "clue.comment", clue, detail={"length": len(body)}, now=moment)
    session.flush()
    return event


def safe_filename(filename: str) -> str:
    """The last path component of `filename` without control or reserved characters
    (NFC, at most 200 characters); `ClueError` when nothing usable is left."""
    name = unicodedata.normalize("NFC", filename).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_FILENAME.sub("_", name).strip().strip(".")
    if len(name) > 200:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[:190] + dot + suffix[:9]) if dot and len(suffix) <= 9 else name[:200]
    if not name or set(name) == {"_"}:
        raise ClueError(
            f"附件文件名 {filename!r} 不可用", f"the attachment file name {filename!r} is unusable"
        )
    return name


def attach(
    session: Session,
    settings: Settings,
    principal: Principal,
    clue_id: str,
    filename: str,
    data: bytes,
    *,
    now: datetime | None = None,
) -> ClueAttachment:
    """Store a file for the clue under JIANDU_HOME/attachments/<clue id>/<attachment id>.

    The stored path never contains the user's file name (kept, cleaned, in the row);
    the file is written under a temporary name and renamed into place, and removed
    again if recording it fails.
    """
    clue = get_clue(session, principal, clue_id)
    principal.require(Permission.CLUES_WRITE)
    name = safe_filename(filename)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ClueError(
            f"附件过大（{len(data)} 字节），上限为 {MAX_ATTACHMENT_BYTES} 字节",
            f"the attachment is too large ({len(data)} bytes); the limit is "
            f"{MAX_ATTACHMENT_BYTES} bytes",
        )
    moment = _now(now)
    attachment_id = secrets.token_hex(16)
    folder = settings.home / "attachments" / clue.id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / attachment_id
    partial = folder / f".{attachment_id}.partial"
    partial.write_bytes(data)
    partial.rename(target)
    try:
        row = ClueAttachment(
            id=attachment_id,
            clue_id=clue.id,
            filename=name,
            path=target.relative_to(settings.home).as_posix(),
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            uploaded_by=principal.user_id,
            uploaded_at=moment,
        )
        session.add(row)
        detail = {"attachment_id": attachment_id, "sha256": row.sha256, "size": row.size}
        add_event(
            session, clue, principal, "attachment", detail={**detail, "filename": name}, now=moment
        )
        record_audit(session, principal, "clue.attach", clue, detail=detail, now=moment)
        session.flush()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return row


def attachments(session: Session, principal: Principal, clue_id: str) -> list[ClueAttachment]:
    """The clue's attachments, oldest first."""
    clue = get_clue(session, principal, clue_id)
    query = select(ClueAttachment).where(ClueAttachment.clue_id == clue.id)
    return list(session.scalars(query.order_by(ClueAttachment.uploaded_at, ClueAttachment.id)))


def history(session: Session, principal: Principal, clue_id: str) -> list[ClueEvent]:
    """Everything that happened to the clue, in order."""
    clue = get_clue(session, principal, clue_id)
    query = select(ClueEvent).where(ClueEvent.clue_id == clue.id).order_by(ClueEvent.id)
    return list(session.scalars(query))


# ---------------------------------------------------------------- cases (jiandu.cases)


def link_case(
    session: Session,
    principal: Principal,
    clue_id: str,
    case_id: str,
    *,
    now: datetime | None = None,
) -> ClueEvent:
    """Record that the clue became part of supervision case `case_id` (called by the
    case service when it creates a case). The clue itself does not change."""
    clue = get_clue(session, principal, clue_id)
    principal.require(Permission.CASES_WRITE)
    moment = _now(now)
    event = add_event(
        session,
        clue,
        principal,
        "case",
        to_status=clue.status,
        detail={"case_id": case_id},
        now=moment,
    )
    record_audit(
        session, principal, "clue.link_case", clue, detail={"case_id": case_id}, now=moment
    )
    session.flush()
    return event


def close_for_case(
    session: Session,
    principal: Principal,
    clue_id: str,
    case_id: str,
    *,
    now: datetime | None = None,
) -> Clue:
    """Close the clue because its case `case_id` was closed (成案/已移送 → 已办结).

    Already closed clues are left as they are (closing a case twice changes nothing);
    a clue in any other status than confirmed or transferred is a `WorkflowError`. The
    case closing is the authority here, so no version is asked for, but a concurrent
    change to the clue still surfaces as `ConflictError`.
    """
    clue = get_clue(session, principal, clue_id)
    principal.require(Permission.CASES_WRITE)
    if clue.status == "closed":
        return clue
    return _transition(
        session,
        principal,
        clue,
        "close",
        clue.version,
        reason=None,
        facts={"case_closed": True},
        detail={"case_id": case_id},
        now=_now(now),
    )


def describe(clue: Clue, *, now: datetime | None = None) -> dict[str, Any]:
    """The clue's own fields as JSON-typed values (no evidence: see `sync.evidence_of`)."""
    return {
        "id": clue.id,
        "model_id": clue.model_id,
        "model_version": clue.model_version,
        "subject_type": clue.subject_type,
        "subject_key": clue.subject_key,
        "title": clue.title,
        "severity": clue.severity,
        "branches": list(clue.branches),
        "explanation": clue.explanation,
        "status": clue.status,
        "presence": clue.presence,
        "rejection_reason": clue.rejection_reason,
        "owner_unit": clue.owner_unit,
        "holder_unit": clue.holder_unit,
        "assignee_id": clue.assignee_id,
        "due_at": _iso(clue.due_at),
        "overdue": is_overdue(clue, now),
        "first_run_id": clue.first_run_id,
        "last_run_id": clue.last_run_id,
        "created_at": _iso(clue.created_at),
        "updated_at": _iso(clue.updated_at),
        "version": clue.version,
    }


__all__ = [
    "MAX_ATTACHMENT_BYTES",
    "act",
    "actionable_clue",
    "add_event",
    "assign",
    "attach",
    "attachments",
    "close_for_case",
    "comment",
    "describe",
    "get_clue",
    "history",
    "holder_of",
    "is_overdue",
    "link_case",
    "list_clues",
    "new_clue_id",
    "record_audit",
    "safe_filename",
    "scope_filter",
    "scoped",
]
