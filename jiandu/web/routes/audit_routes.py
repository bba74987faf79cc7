"""Reading and verifying the audit log (auditors only)."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from jiandu.security import audit
from jiandu.security.permissions import Permission
from jiandu.store.schema import AuditEntry
from jiandu.web.guard import Caller, Db, requires

router = APIRouter(prefix="/api/audit", tags=["audit"])


@router.get("")
def list_entries(
    caller: Annotated[Caller, Depends(requires(Permission.AUDIT_READ))],
    session: Db,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> list[dict[str, Any]]:
    """The newest entries (page with `before`=seq)."""
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEntry.seq < before)
    return [
        {
            "seq": e.seq,
            "at": e.at.isoformat(),
            "actor": e.actor,
            "action": e.action,
            "object_kind": e.object_kind,
            "object_id": e.object_id,
            "unit_id": e.unit_id,
            "outcome": e.outcome,
            "detail": e.detail,
            "hash": e.hash,
        }
        for e in session.scalars(query)
    ]


@router.get("/verify")
def verify(
    caller: Annotated[Caller, Depends(requires(Permission.AUDIT_VERIFY))], session: Db
) -> Any:
    """Recompute the hash chain: which entry, if any, was edited, deleted or reordered."""
    report = audit.verify(session)
    return asdict(report) if is_dataclass(report) and not isinstance(report, type) else report
