"""Recorded model runs as the CLI and API read them: one run, a model's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from jiandu.models.errors import ModelError
from jiandu.store.db import session_scope
from jiandu.store.schema import ModelRun
from jiandu.workspace import Workspace


@dataclass(frozen=True)
class RunRecord:
    """A recorded model run, as the CLI and API show it."""

    run_id: str
    model_id: str
    model_version: int
    model_origin: str
    status: str
    params: dict[str, Any]
    batches: dict[str, Any]
    funnel: list[dict[str, Any]]
    hit_count: int | None
    branch_counts: dict[str, Any]
    hits_path: str | None
    error: dict[str, Any] | None
    started_at: datetime
    duration_ms: int | None
    created_by: str | None


def record_of(run: ModelRun) -> RunRecord:
    """A store row as a `RunRecord`."""
    return RunRecord(
        run_id=run.id,
        model_id=run.model_id,
        model_version=run.model_version,
        model_origin=run.model_origin,
        status=run.status,
        params=dict(run.params),
        batches=dict(run.batches),
        funnel=list(run.funnel or []),
        hit_count=run.hit_count,
        branch_counts=dict(run.branch_counts or {}),
        hits_path=run.hits_path,
        error=run.error,
        started_at=run.started_at,
        duration_ms=run.duration_ms,
        created_by=run.created_by,
    )


def run_history(workspace: Workspace, model_id: str) -> list[RunRecord]:
    """The runs of a model, newest first."""
    with session_scope(workspace.engine) as session:
        query = (
            select(ModelRun)
            .where(ModelRun.model_id == model_id)
            .order_by(ModelRun.started_at.desc(), ModelRun.id.desc())
        )
        return [record_of(run) for run in session.scalars(query)]


def get_run(workspace: Workspace, run_id: str) -> RunRecord:
    """One recorded run; ModelError when there is none."""
    with session_scope(workspace.engine) as session:
        run = session.get(ModelRun, run_id)
        if run is None:
            raise ModelError(f"没有模型运行 {run_id}", f"no model run {run_id}")
        return record_of(run)


def latest_successful_run(workspace: Workspace, model_id: str) -> RunRecord:
    """The newest succeeded run of a model; ModelError telling to run it when none."""
    for run in run_history(workspace, model_id):
        if run.status == "succeeded":
            return run
    raise ModelError(
        f"模型 {model_id} 还没有成功的运行；请先运行 `jiandu models run {model_id}`",
        f"model {model_id} has no succeeded run yet; run `jiandu models run {model_id}` first",
    )
