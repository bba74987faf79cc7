"""Model runs the caller may see, one run in detail, and its hits with personal data
masked."""

from __future__ import annotations

from typing import Annotated, Any

import pyarrow.parquet as pq
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from jiandu.catalog.registry import all_types
from jiandu.models import library_models
from jiandu.models.errors import ModelError
from jiandu.models.lineage import run_lineage
from jiandu.models.registry import get_model
from jiandu.security import audit
from jiandu.security.approvals import mask_hits
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.scope import root_unit_id, run_for, shared_with
from jiandu.store.schema import Clue, Model, ModelRun, UserAccount
from jiandu.web.guard import Caller, Db, app_state, denied, requires

router = APIRouter(prefix="/api/runs", tags=["runs"])


def visible_runs(session: Session, principal: Principal) -> Select[ModelRun]:
    """Runs owned by the caller's units (NULL owner: the root unit) or shared with them."""
    query = select(ModelRun)
    if not principal.all_units:
        shared = ModelRun.id.in_(shared_with(session, principal, "run"))
        owned = ModelRun.owner_unit.in_(principal.visible_units)
        if principal.sees_unit(root_unit_id(session)):
            query = query.where(owned | ModelRun.owner_unit.is_(None) | shared)
        else:
            query = query.where(owned | shared)
    return query


def usernames(session: Session, user_ids: set[str | None]) -> dict[str, str]:
    """User id → user name for the given ids (unknown ids left out)."""
    wanted = {u for u in user_ids if u}
    if not wanted:
        return {}
    rows = session.execute(
        select(UserAccount.id, UserAccount.username).where(UserAccount.id.in_(wanted))
    )
    return {user_id: name for user_id, name in rows}


def model_names(session: Session, model_ids: set[str]) -> dict[str, tuple[str, str]]:
    """Model id → (Chinese, English) name of its newest version (library or stored)."""
    found = {
        spec.id: (spec.name_zh, spec.name_en)
        for spec in library_models().values()
        if spec.id in model_ids
    }
    if model_ids:
        rows = session.execute(
            select(Model.id, Model.name_zh, Model.name_en)
            .where(Model.id.in_(model_ids))
            .order_by(Model.id, Model.version)
        )
        for model_id, zh, en in rows:
            found[model_id] = (zh, en)
    return found


def run_summary(
    run: ModelRun,
    names: dict[str, str] | None = None,
    models: dict[str, tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """A run as lists show it (no hits, no parameters)."""
    zh, en = (models or {}).get(run.model_id, (run.model_id, run.model_id))
    return {
        "id": run.id,
        "model_id": run.model_id,
        "model_name_zh": zh,
        "model_name_en": en,
        "model_version": run.model_version,
        "model_origin": run.model_origin,
        "status": run.status,
        "hit_count": run.hit_count,
        "branch_counts": run.branch_counts,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "duration_ms": run.duration_ms,
        "owner_unit": run.owner_unit,
        "created_by": (names or {}).get(run.created_by or "", None),
        "error": run.error,
    }


@router.get("")
def list_runs(
    caller: Annotated[Caller, Depends(requires(Permission.RUNS_READ))],
    session: Db,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    model_id: Annotated[str | None, Query(max_length=64)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
) -> list[dict[str, Any]]:
    """Recent runs owned by the caller's units or shared with them, newest first;
    optionally of one model or in one status (running, succeeded, failed)."""
    query = visible_runs(session, caller.principal)
    if model_id:
        query = query.where(ModelRun.model_id == model_id)
    if status:
        query = query.where(ModelRun.status == status)
    runs = list(
        session.scalars(query.order_by(ModelRun.started_at.desc(), ModelRun.id).limit(limit))
    )
    names = usernames(session, {r.created_by for r in runs})
    models = model_names(session, {r.model_id for r in runs})
    return [run_summary(r, names, models) for r in runs]


@router.get("/{run_id}")
def get_run(
    run_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.RUNS_READ))],
    session: Db,
) -> dict[str, Any]:
    """One run: parameters, batches read, the funnel (rows per step), hits per rule
    branch with the branches' names, and how many clues it made or updated."""
    run = run_for(session, caller.principal, run_id)
    names = usernames(session, {run.created_by})
    branches: list[dict[str, Any]] = []
    model: dict[str, Any] = {"id": run.model_id, "name_zh": run.model_id, "name_en": run.model_id}
    try:
        spec = get_model(session, run.model_id, run.model_version).spec
    except ModelError:
        spec = None
    if spec is not None:
        model = {"id": spec.id, "name_zh": spec.name_zh, "name_en": spec.name_en}
        named = {b.id: (b.name_zh, b.name_en) for b in spec.clue.branches}
    else:
        named = {}
    for branch, count in (run.branch_counts or {}).items():
        zh, en = named.get(branch, (spec.name_zh, spec.name_en) if spec else (branch, branch))
        branches.append({"id": branch, "name_zh": zh, "name_en": en, "hits": count})
    types = all_types(app_state(request).settings)
    datasets = [
        {
            "id": type_id,
            "name_zh": types[type_id].name_zh if type_id in types else type_id,
            "name_en": types[type_id].name_en if type_id in types else type_id,
            "batches": list(batches),
        }
        for type_id, batches in sorted(run.batches.items())
    ]
    clues_updated = session.scalar(select(func.count()).where(Clue.last_run_id == run.id))
    clues_new = session.scalar(select(func.count()).where(Clue.first_run_id == run.id))
    return {
        **run_summary(run, names),
        "model": model,
        "params": run.params,
        "datasets": datasets,
        "funnel": run.funnel or [],
        "branches": branches,
        "clues": {"last_seen": int(clues_updated or 0), "new": int(clues_new or 0)},
    }


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
        lineage = run_lineage(session, run.model_id, run.model_version, types)
        table = mask_hits(table, [types[t] for t in sorted(run.batches) if t in types], lineage)
    audit.record(
        session, actor=principal.user_id, action="pii.unmask" if unmask else "run.read",
        object_kind="run", object_id=run.id, unit_id=principal.unit_id,
        detail={"rows": table.num_rows},
    )  # fmt: skip
    return {"columns": table.column_names, "rows": table.to_pylist(), "masked": not unmask}
