"""Model runs the caller may see, and their hits with personal data masked."""

from __future__ import annotations

from typing import Annotated, Any

import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from jiandu.catalog.registry import all_types
from jiandu.security import audit
from jiandu.security.approvals import mask_hits
from jiandu.security.permissions import Permission
from jiandu.security.scope import root_unit_id, run_for, shared_with
from jiandu.store.schema import ModelRun
from jiandu.web.guard import Caller, Db, app_state, denied, requires

router = APIRouter(prefix="/api/runs", tags=["runs"])


def _summary(run: ModelRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "model_id": run.model_id,
        "model_version": run.model_version,
        "status": run.status,
        "hit_count": run.hit_count,
        "branch_counts": run.branch_counts,
        "started_at": run.started_at.isoformat(),
        "owner_unit": run.owner_unit,
    }


@router.get("")
def list_runs(
    caller: Annotated[Caller, Depends(requires(Permission.RUNS_READ))],
    session: Db,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Recent runs owned by the caller's units or shared with them."""
    principal = caller.principal
    query = select(ModelRun)
    if not principal.all_units:
        shared = ModelRun.id.in_(shared_with(session, principal, "run"))
        owned = ModelRun.owner_unit.in_(principal.visible_units)
        if principal.sees_unit(root_unit_id(session)):
            query = query.where(owned | ModelRun.owner_unit.is_(None) | shared)
        else:
            query = query.where(owned | shared)
    runs = session.scalars(query.order_by(ModelRun.started_at.desc()).limit(limit))
    return [_summary(r) for r in runs]


@router.get("/{run_id}/hits")
def run_hits(
    run_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.RUNS_READ))],
    session: Db,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    unmask: bool = False,
) -> dict[str, Any]:
    """A run's hits: evidence columns that hold personal data are masked unless the
    caller may unmask and asks to (audited)."""
    principal = caller.principal
    run = run_for(session, principal, run_id)
    if unmask and not principal.can(Permission.PII_UNMASK):
        raise denied(request, session, caller, Permission.PII_UNMASK, "pii.unmask")
    if run.hits_path is None:
        return {"columns": [], "rows": [], "masked": not unmask}
    settings = app_state(request).settings
    table = pq.read_table(settings.home / run.hits_path).slice(0, limit)
    if not unmask:
        types = all_types(settings)
        table = mask_hits(table, [types[t] for t in sorted(run.batches) if t in types])
    audit.record(
        session, actor=principal.user_id, action="pii.unmask" if unmask else "run.read",
        object_kind="run", object_id=run.id, unit_id=principal.unit_id,
        detail={"rows": table.num_rows},
    )  # fmt: skip
    return {"columns": table.column_names, "rows": table.to_pylist(), "masked": not unmask}
