"""Background jobs the caller may watch: their own, and those of the units they see."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.jobs.runner import job_json, request_cancel
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.scope import made_or_unit_seen
from jiandu.store.schema import Job
from jiandu.web.guard import Caller, Db, job_runner, requires
from jiandu.web.names import with_maker

router = APIRouter(prefix="/api/jobs", tags=["jobs"])

Self = Annotated[Caller, Depends(requires(Permission.SELF))]


def _visible(principal: Principal, job: Job) -> bool:
    return job.created_by == principal.user_id or (
        job.unit_id is not None and principal.sees_unit(job.unit_id)
    )


def jobs_json(session: Session, principal: Principal, jobs: list[Job]) -> list[dict[str, Any]]:
    """Jobs as the API answers them, with who started each, for which unit, and whether
    it is the caller's (only they may cancel it)."""
    return with_maker(session, principal, jobs, job_json)


def _job_for(session: Db, principal: Principal, job_id: str) -> Job:
    job = session.get(Job, job_id)
    if job is None or not _visible(principal, job):
        raise NotFound("job", job_id)
    return job


@router.get("")
def list_jobs(
    caller: Self,
    session: Db,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    schedule_id: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[dict[str, Any]]:
    """The newest jobs the caller started or whose unit they see (of one kind, in one
    status, or fired by one schedule, if asked)."""
    principal = caller.principal
    query = (
        select(Job)
        .where(made_or_unit_seen(principal, Job.created_by, Job.unit_id))
        .order_by(Job.created_at.desc(), Job.id)
    )
    if kind:
        query = query.where(Job.kind == kind)
    if status:
        query = query.where(Job.status == status)
    if schedule_id:
        query = query.where(Job.schedule_id == schedule_id)
    return jobs_json(session, principal, list(session.scalars(query.limit(limit))))


@router.get("/{job_id}")
def get_job(job_id: str, caller: Self, session: Db) -> dict[str, Any]:
    """One job: status, progress, stage, attempts, result or error."""
    principal = caller.principal
    return jobs_json(session, principal, [_job_for(session, principal, job_id)])[0]


@router.post("/{job_id}/cancel")
def cancel_job(job_id: str, request: Request, caller: Self, session: Db) -> dict[str, Any]:
    """Stop a job the caller started (someone else's job is 'not found').

    A queued job (also one waiting to be tried again) is cancelled at once; a running one
    is asked to stop, which its work notices at its next check."""
    job = _job_for(session, caller.principal, job_id)
    if job.created_by != caller.principal.user_id:
        raise NotFound("job", job_id)
    request_cancel(session, job, job_runner(request))
    audit.record(
        session, actor=caller.principal.user_id, action="job.cancel", object_kind="job",
        object_id=job.id, unit_id=caller.principal.unit_id, detail={"kind": job.kind},
    )  # fmt: skip
    return jobs_json(session, caller.principal, [job])[0]
