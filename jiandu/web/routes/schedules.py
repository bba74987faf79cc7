"""Schedules over the web: job kinds fired by cron (the nightly model runs).

`GET /api/schedules` lists the schedules the caller made or whose unit they see (as for
jobs). `POST /api/schedules` makes one: a schedule of a model run needs `models.run`,
and is checked now exactly as running it would be (the version visible, its params
compiling, its data readable); when it fires, the job checks again as its creator
(`models_routes.job_principal`). Only the creator deletes a schedule or switches it on
and off; anyone else gets 'not found', exactly as for a missing id. All three audited.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.jobs.schedules import ScheduleError, create_schedule, schedule_json, set_enabled
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.scope import made_or_unit_seen
from jiandu.store.schema import JobSchedule
from jiandu.web.guard import Caller, Db, app_state, requires
from jiandu.web.names import with_maker
from jiandu.web.routes.models_routes import runnable_entry

router = APIRouter(prefix="/api/schedules", tags=["schedules"])

Self = Annotated[Caller, Depends(requires(Permission.SELF))]
Runner = Annotated[Caller, Depends(requires(Permission.MODELS_RUN))]


class ScheduleRequest(BaseModel):
    """A schedule: cron (minute hour day month weekday, server time) and what it runs."""

    model_config = ConfigDict(extra="forbid")
    cron: str = Field(max_length=100, description="e.g. '0 2 * * *': every night at 02:00")
    kind: Literal["model.run", "models.run_all"]
    model_id: str | None = Field(default=None, max_length=64)
    version: int | None = Field(default=None, ge=1, description="none: the newest visible")
    params: dict[str, Any] = Field(default_factory=dict)
    as_of: date | None = None
    enabled: bool = True


class EnableRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    enabled: bool


def schedules_json(
    session: Session, principal: Principal, rows: list[JobSchedule]
) -> list[dict[str, Any]]:
    """Schedules as the API answers them, with their makers' and units' names and whether
    each is the caller's (only the maker switches or deletes it)."""
    return with_maker(session, principal, rows, schedule_json)


def _own(session: Db, principal: Principal, schedule_id: str) -> JobSchedule:
    row = session.get(JobSchedule, schedule_id)
    if row is None or row.created_by != principal.user_id:
        raise NotFound("schedule", schedule_id)
    return row


@router.get("")
def list_schedules(caller: Self, session: Db) -> list[dict[str, Any]]:
    """The schedules the caller made or whose unit they see, newest first."""
    principal = caller.principal
    query = (
        select(JobSchedule)
        .where(made_or_unit_seen(principal, JobSchedule.created_by, JobSchedule.unit_id))
        .order_by(JobSchedule.created_at.desc(), JobSchedule.id)
    )
    return schedules_json(session, principal, list(session.scalars(query)))


@router.post("", status_code=201)
def add_schedule(
    body: ScheduleRequest, request: Request, caller: Runner, session: Db
) -> dict[str, Any]:
    """Make a schedule (a model run is checked now as running it would be)."""
    principal = caller.principal
    settings = app_state(request).settings
    as_of = body.as_of.isoformat() if body.as_of else None
    if body.kind == "model.run":
        if not body.model_id:
            raise ScheduleError(
                "定时运行模型须给出 model_id", "a scheduled model run needs a model_id"
            )
        entry = runnable_entry(
            session, settings, principal, body.model_id, body.version, body.params, body.as_of
        )
        params: dict[str, Any] = {"model_id": entry.id, "version": body.version,
                                  "params": body.params, "as_of": as_of}  # fmt: skip
        title = (f"运行模型 {entry.spec.name_zh}", f"Run model {entry.spec.name_en}")
    else:
        params = {"as_of": as_of}
        title = ("运行全部模型", "Run all models")
    row = create_schedule(
        session, cron=body.cron, kind=body.kind, params=params, title_zh=title[0],
        title_en=title[1], user_id=principal.user_id, unit_id=principal.unit_id,
        enabled=body.enabled,
    )  # fmt: skip
    audit.record(
        session, actor=principal.user_id, action="schedule.create", object_kind="schedule",
        object_id=row.id, unit_id=principal.unit_id,
        detail={"kind": row.kind, "cron": row.cron, "model_id": params.get("model_id")},
    )  # fmt: skip
    return schedules_json(session, principal, [row])[0]


@router.post("/{schedule_id}/enable")
def enable_schedule(
    schedule_id: str, body: EnableRequest, caller: Self, session: Db
) -> dict[str, Any]:
    """Switch one of the caller's schedules on (from its next firing) or off."""
    row = _own(session, caller.principal, schedule_id)
    set_enabled(row, body.enabled)
    audit.record(
        session, actor=caller.principal.user_id, action="schedule.enable",
        object_kind="schedule", object_id=row.id, unit_id=caller.principal.unit_id,
        detail={"enabled": body.enabled},
    )  # fmt: skip
    return schedules_json(session, caller.principal, [row])[0]


@router.delete("/{schedule_id}")
def delete_schedule(schedule_id: str, caller: Self, session: Db) -> dict[str, Any]:
    """Remove one of the caller's schedules (the jobs it fired stay)."""
    row = _own(session, caller.principal, schedule_id)
    session.delete(row)
    audit.record(
        session, actor=caller.principal.user_id, action="schedule.delete",
        object_kind="schedule", object_id=schedule_id, unit_id=caller.principal.unit_id,
        detail={"kind": row.kind, "cron": row.cron},
    )  # fmt: skip
    return {"id": schedule_id, "deleted": True}
