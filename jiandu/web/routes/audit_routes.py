"""Reading and verifying the audit log (auditors only).

`GET /api/audit` pages back from the newest entry (`before`=seq of the last entry seen)
and filters by action (exact, or a prefix ending in '.' or '*': `clue.` or `auth*`), actor
(a user id or a user name), outcome, object and date range (China days). Each entry names
its actor's user name where the actor is a user, so the viewer need not look users up.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import or_, select

from jiandu.errors import JianduError
from jiandu.security import audit
from jiandu.security.permissions import Permission
from jiandu.store.schema import AuditEntry, UserAccount
from jiandu.web.guard import Caller, Db, requires

router = APIRouter(prefix="/api/audit", tags=["audit"])

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")


class AuditQueryError(JianduError):
    """An audit query that cannot be answered as asked (e.g. a reversed date range)."""


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), CHINA).astimezone(UTC)


@router.get("")
def list_entries(
    caller: Annotated[Caller, Depends(requires(Permission.AUDIT_READ))],
    session: Db,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
    action: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    outcome: Literal["ok", "denied", "failed"] | None = None,
    object_kind: Annotated[str | None, Query(min_length=1, max_length=32)] = None,
    object_id: Annotated[str | None, Query(min_length=1, max_length=128)] = None,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
) -> list[dict[str, Any]]:
    """The newest entries (page with `before`=seq), filtered by action, actor, outcome, date.

    `action` matches exactly, or as a prefix when it ends in '.' or '*' (`clue.`, `auth*`);
    `actor` is a user id or a user name (or 'system', 'cli:<os user>'); `from`/`to` are
    days in China time, both included; `object_kind`/`object_id` pick one object's entries.
    """
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    if action is not None:
        if action.endswith(("*", ".")):
            prefix = action.rstrip("*")
            query = query.where(AuditEntry.action.startswith(prefix, autoescape=True))
        else:
            query = query.where(AuditEntry.action == action)
    if actor is not None:
        named = select(UserAccount.id).where(UserAccount.username == actor)
        query = query.where(or_(AuditEntry.actor == actor, AuditEntry.actor.in_(named)))
    if outcome is not None:
        query = query.where(AuditEntry.outcome == outcome)
    if object_kind is not None:
        query = query.where(AuditEntry.object_kind == object_kind)
    if object_id is not None:
        query = query.where(AuditEntry.object_id == object_id)
    if first is not None and last is not None and first > last:
        raise AuditQueryError(
            f"起始日期 {first.isoformat()} 晚于结束日期 {last.isoformat()}",
            f"the start date {first.isoformat()} is after the end date {last.isoformat()}",
        )
    if first is not None:
        query = query.where(AuditEntry.at >= _day_start(first))
    if last is not None:
        query = query.where(AuditEntry.at < _day_start(last + timedelta(days=1)))
    entries = list(session.scalars(query))
    actors = sorted({e.actor for e in entries})
    names: dict[str, str] = dict(
        session.execute(
            select(UserAccount.id, UserAccount.username).where(UserAccount.id.in_(actors))
        ).all()
    ) if actors else {}  # fmt: skip
    return [
        {
            "seq": e.seq,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "actor_name": names.get(e.actor),
            "action": e.action,
            "object_kind": e.object_kind,
            "object_id": e.object_id,
            "unit_id": e.unit_id,
            "outcome": e.outcome,
            "detail": e.detail,
            "hash": e.hash,
        }
        for e in entries
    ]


@router.get("/verify")
def verify(
    caller: Annotated[Caller, Depends(requires(Permission.AUDIT_VERIFY))], session: Db
) -> Any:
    """Recompute the hash chain: which entry, if any, was edited, deleted or reordered."""
    report = audit.verify(session)
    return asdict(report) if is_dataclass(report) and not isinstance(report, type) else report
