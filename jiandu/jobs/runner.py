"""Run work in the background and let people watch it.

A job is a row of the metadata store (`store.schema.Job`): who started it, for which
unit, its status, progress (0..1) with a bilingual stage line, its result or its error.
`JobRunner` runs each submitted function on a small thread pool inside the server
process; the function gets a `JobContext` to report progress and to notice a cancel.

What this is not (yet): a durable queue. A job cut off by a restart is marked failed
(`recover_interrupted`) rather than resumed, and there are no retries or schedules;
issue #10 puts a queue library behind the same table and API.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from jiandu.errors import JianduError
from jiandu.security.masking import scrub_text
from jiandu.security.principal import Principal
from jiandu.store.db import session_scope
from jiandu.store.schema import Job, utcnow

log = logging.getLogger("jiandu.jobs")

FINISHED = ("succeeded", "failed", "cancelled")
# Progress is written at most this often (seconds), except the first and the last word.
_PROGRESS_EVERY = 0.4


class JobCancelled(JianduError):
    """Raised inside a job's work when someone asked to cancel it."""

    def __init__(self) -> None:
        super().__init__("任务已取消", "the job was cancelled")


@dataclass
class JobContext:
    """What a job's work sees: its id, and ways to report progress and notice a cancel."""

    job_id: str
    engine: Engine
    _last_write: float = 0.0

    def progress(self, fraction: float, zh: str, en: str, *, force: bool = False) -> None:
        """Report how far the work is (0..1) and what it is doing, in both languages."""
        now = time.monotonic()
        if not force and now - self._last_write < _PROGRESS_EVERY:
            return
        self._last_write = now
        value = min(1.0, max(0.0, float(fraction)))
        with session_scope(self.engine) as session:
            session.execute(
                update(Job)
                .where(Job.id == self.job_id, Job.status == "running")
                .values(progress=value, stage_zh=zh[:300], stage_en=en[:300])
            )

    def cancelled(self) -> bool:
        """Whether someone asked to cancel this job."""
        with session_scope(self.engine) as session:
            return bool(session.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)))

    def check_cancel(self) -> None:
        """Raise `JobCancelled` when someone asked to cancel this job."""
        if self.cancelled():
            raise JobCancelled()


Work = Callable[[JobContext], dict[str, Any] | None]


class JobRunner:
    """A thread pool that runs submitted work and keeps each job's row up to date."""

    def __init__(self, engine: Engine, *, workers: int = 2) -> None:
        self.engine = engine
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="jiandu-job")
        self._lock = threading.Lock()
        self._closed = False

    def submit(
        self,
        *,
        kind: str,
        title_zh: str,
        title_en: str,
        principal: Principal,
        fn: Work,
        object_kind: str | None = None,
        object_id: str | None = None,
    ) -> str:
        """Record a queued job for `principal` and start `fn` on a worker; its id."""
        job_id = secrets.token_hex(12)
        with session_scope(self.engine) as session:
            session.add(
                Job(
                    id=job_id,
                    kind=kind,
                    title_zh=title_zh[:300],
                    title_en=title_en[:300],
                    status="queued",
                    progress=0.0,
                    object_kind=object_kind,
                    object_id=object_id,
                    cancel_requested=False,
                    created_by=principal.user_id,
                    unit_id=principal.unit_id,
                )
            )
        with self._lock:
            if self._closed:
                _finish(
                    self.engine, job_id, "failed", error=("服务正在停止", "the server is stopping")
                )
                return job_id
            self._pool.submit(self._run, job_id, fn)
        return job_id

    def _run(self, job_id: str, fn: Work) -> None:
        with session_scope(self.engine) as session:
            job = session.get(Job, job_id)
            if job is None:
                return
            if job.cancel_requested:
                job.status, job.finished_at = "cancelled", utcnow()
                return
            job.status, job.started_at = "running", utcnow()
        context = JobContext(job_id, self.engine)
        try:
            result = fn(context)
        except JobCancelled:
            _finish(self.engine, job_id, "cancelled")
        except JianduError as error:
            _finish(self.engine, job_id, "failed", error=(error.zh, error.en))
        except Exception as error:  # the job's row must say it failed, whatever happened
            reference = secrets.token_hex(6)
            trace = scrub_text("".join(traceback.format_exception(error)))
            log.error("job %s failed (reference %s)\n%s", job_id, reference, trace)
            _finish(
                self.engine,
                job_id,
                "failed",
                error=(
                    f"内部错误（编号 {reference}），请联系管理员",
                    f"internal error (reference {reference}); contact an administrator",
                ),
            )
        else:
            _finish(self.engine, job_id, "succeeded", result=result or {})

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop taking work; wait for the running jobs when `wait`."""
        with self._lock:
            self._closed = True
        self._pool.shutdown(wait=wait, cancel_futures=True)


def _finish(
    engine: Engine,
    job_id: str,
    status: str,
    *,
    result: dict[str, Any] | None = None,
    error: tuple[str, str] | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "finished_at": utcnow()}
    if status == "succeeded":
        values.update(progress=1.0, result=result, stage_zh="完成", stage_en="done")
    if error is not None:
        values.update(error_zh=error[0], error_en=error[1])
    with session_scope(engine) as session:
        session.execute(update(Job).where(Job.id == job_id).values(**values))


def recover_interrupted(engine: Engine) -> int:
    """Mark the jobs a previous server process left queued or running as failed."""
    with session_scope(engine) as session:
        outcome = session.execute(
            update(Job)
            .where(Job.status.in_(("queued", "running")))
            .values(
                status="failed",
                finished_at=utcnow(),
                error_zh="服务重启，任务中断；请重新发起",
                error_en="the server restarted and cut the job off; start it again",
            )
        )
        return int(getattr(outcome, "rowcount", 0) or 0)


def request_cancel(session: Session, job: Job) -> None:
    """Ask a queued or running job to stop (its work notices at its next check)."""
    if job.status in FINISHED:
        return
    job.cancel_requested = True


def job_json(job: Job) -> dict[str, Any]:
    """A job as the API answers it."""
    return {
        "id": job.id,
        "kind": job.kind,
        "title_zh": job.title_zh,
        "title_en": job.title_en,
        "status": job.status,
        "progress": job.progress,
        "stage_zh": job.stage_zh,
        "stage_en": job.stage_en,
        "object_kind": job.object_kind,
        "object_id": job.object_id,
        "result": job.result,
        "error_zh": job.error_zh,
        "error_en": job.error_en,
        "cancel_requested": job.cancel_requested,
        "created_by": job.created_by,
        "unit_id": job.unit_id,
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }
