"""Run work in the background, durably, and let people watch it.

A job is a row of the metadata store (`store.schema.Job`): who started it, for which
unit, its kind and JSON params, its status, progress (0..1) with a bilingual stage line,
its result or its error. `JobRunner.submit` writes the row and puts the job's id on a
durable huey queue (`jiandu.jobs.queue`); a consumer thread (in the server, or a
standalone `jiandu worker`) takes it, claims the row (queued → running, a
compare-and-set, so a message delivered twice runs once) and calls the registered kind
(`jiandu.jobs.registry`) with a `JobContext` to report progress and notice a cancel.

- Restart: queued work stays in the queue's storage and runs when a consumer starts. A
  running job's worker beats on its row (`heartbeat_at`); a job whose beat stopped (its
  process died) is queued again by `recover`, up to `max_attempts` tries, then failed.
- Retry: a transient failure (`TRANSIENT`: I/O, a lost database connection, the query
  engine running out of memory or disk) is tried again after 30 s, 60 s, 120 s … (huey's
  `RetryTask` with the delay), the row saying which attempt failed and when the next one
  starts. A `JianduError` (the user's data or request) or a cancel is never retried.
- Cancel: a queued job is marked cancelled at once and its queue message revoked; a
  running one gets `cancel_requested`, which its work notices at its next check.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import traceback
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
from huey import RetryTask, crontab  # type: ignore[import-untyped]
from huey.api import Huey  # type: ignore[import-untyped]
from sqlalchemy import exc, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from jiandu.config import Settings
from jiandu.errors import JianduError
from jiandu.jobs.queue import make_huey
from jiandu.jobs.registry import kind_fn
from jiandu.jobs.settings import QueueSettings, load_queue_settings
from jiandu.security.masking import scrub_text
from jiandu.store.db import session_scope
from jiandu.store.schema import Job, utcnow

if TYPE_CHECKING:
    from huey.consumer import Consumer  # type: ignore[import-untyped]

log = logging.getLogger("jiandu.jobs")

FINISHED = ("succeeded", "failed", "cancelled")
# Progress is written at most this often (seconds), except the first and the last word.
_PROGRESS_EVERY = 0.4
MAX_ATTEMPTS = 3
RETRY_BASE_S = 30.0
RETRY_MAX_S = 3600.0
# A running job's worker writes `heartbeat_at` this often; a job silent for STALE_AFTER_S
# lost its worker (several beats missed: a busy database is not a dead worker).
HEARTBEAT_S = 15.0
STALE_AFTER_S = 90.0
# Failures worth another try: the same request could well succeed a little later.
TRANSIENT: tuple[type[BaseException], ...] = (
    OSError,
    exc.OperationalError,
    duckdb.IOException,
    duckdb.OutOfMemoryException,
)


class JobCancelled(JianduError):
    """Raised inside a job's work when someone asked to cancel it."""

    def __init__(self) -> None:
        super().__init__("任务已取消", "the job was cancelled")


class QueueUnavailable(JianduError):
    def __init__(self) -> None:
        super().__init__(
            "任务队列不可用，请稍后再试或联系管理员",
            "the job queue is unavailable; try again later or contact an administrator",
        )


class Submitter(Protocol):
    """Whom a job runs for (a `Principal`, or a schedule's creator)."""

    @property
    def user_id(self) -> str: ...

    @property
    def unit_id(self) -> str | None: ...


@dataclass(frozen=True)
class Actor:
    user_id: str
    unit_id: str | None


@dataclass
class JobContext:
    """What a job's work sees: its id, whom it runs for, and ways to report progress and
    notice a cancel."""

    job_id: str
    engine: Engine
    settings: Settings
    user_id: str = ""
    unit_id: str | None = None
    attempt: int = 1
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
                .values(progress=value, stage_zh=zh[:300], stage_en=en[:300],
                        heartbeat_at=utcnow())
            )  # fmt: skip

    def cancelled(self) -> bool:
        """Whether someone asked to cancel this job."""
        with session_scope(self.engine) as session:
            return bool(session.scalar(select(Job.cancel_requested).where(Job.id == self.job_id)))

    def check_cancel(self) -> None:
        """Raise `JobCancelled` when someone asked to cancel this job."""
        if self.cancelled():
            raise JobCancelled()


def retry_delay(attempt: int, base: float = RETRY_BASE_S) -> float:
    """Seconds before the try after failed attempt `attempt` (1-based): base · 2^(n-1)."""
    return float(min(RETRY_MAX_S, base * 2 ** max(0, attempt - 1)))


class JobRunner:
    """Submits jobs to the durable queue and runs them when a consumer hands them over."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        *,
        queue: QueueSettings | None = None,
        huey: Huey | None = None,
        max_attempts: int = MAX_ATTEMPTS,
        retry_base: float = RETRY_BASE_S,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.queue = queue or load_queue_settings()
        self.huey = huey or make_huey(settings, self.queue)
        self.max_attempts = max_attempts
        self.retry_base = retry_base
        self._task = self.huey.task(name="jiandu.job")(self.execute)
        # Every minute on every consumer: due schedules (fired once, see schedules.py)
        # and the jobs whose worker died.
        self._tick = self.huey.periodic_task(crontab(), name="jiandu.tick")(self.tick)
        self._lock = threading.Lock()
        self._running: set[str] = set()
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None
        self.consumer: Consumer | None = None

    # ------------------------------------------------------------------ submitting

    def submit(
        self,
        *,
        kind: str,
        title_zh: str,
        title_en: str,
        principal: Submitter,
        params: dict[str, Any] | None = None,
        object_kind: str | None = None,
        object_id: str | None = None,
        schedule_id: str | None = None,
        on_recorded: Any = None,
    ) -> str:
        """Record a queued job of registered `kind` for `principal` and queue it; its id.

        `params` must be JSON (they are stored on the row and read by the worker).
        `on_recorded(job_id)` runs after the row is written and before the job is queued
        (a route that must note the id somewhere first).
        """
        kind_fn(kind)  # refuse an unknown kind now, not in a worker
        payload = json.loads(json.dumps(params or {}))
        job_id = secrets.token_hex(12)
        with session_scope(self.engine) as session:
            session.add(
                Job(
                    id=job_id, kind=kind, title_zh=title_zh[:300], title_en=title_en[:300],
                    status="queued", progress=0.0, object_kind=object_kind,
                    object_id=object_id, cancel_requested=False, params=payload, attempts=0,
                    created_by=principal.user_id, unit_id=principal.unit_id,
                    schedule_id=schedule_id,
                )
            )  # fmt: skip
        if on_recorded is not None:
            on_recorded(job_id)
        self._enqueue(job_id)
        return job_id

    def _enqueue(self, job_id: str) -> None:
        task = self._task.s(job_id)
        try:
            self.huey.enqueue(task)
        except Exception as error:
            log.error("job %s could not be queued: %s", job_id, type(error).__name__)
            refused = QueueUnavailable()
            _finish(self.engine, job_id, "failed", error=(refused.zh, refused.en))
            raise refused from error
        with session_scope(self.engine) as session:
            session.execute(update(Job).where(Job.id == job_id).values(task_id=task.id))

    def revoke(self, job: Job) -> None:
        """Drop a queued job's message (the claim would skip it anyway: tidiness)."""
        if job.task_id:
            try:
                self.huey.revoke_by_id(job.task_id, revoke_once=True)
            except Exception as error:  # the row already says cancelled
                log.warning("could not revoke job %s: %s", job.id, type(error).__name__)

    # ------------------------------------------------------------------ running

    def _claim(self, job_id: str) -> JobContext | None:
        """queued → running for this worker (once), or None when it is not ours to run."""
        now = utcnow()
        with session_scope(self.engine) as session:
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "queued", Job.cancel_requested.is_(True))
                .values(status="cancelled", finished_at=now, next_try_at=None)
            )
            claimed = session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "queued")
                .values(status="running", attempts=Job.attempts + 1, started_at=now,
                        heartbeat_at=now, next_try_at=None)
            )  # fmt: skip
            if not getattr(claimed, "rowcount", 0):
                return None
            job = session.get_one(Job, job_id)
            return JobContext(
                job_id, self.engine, self.settings, user_id=job.created_by,
                unit_id=job.unit_id, attempt=job.attempts,
            )  # fmt: skip

    def execute(self, job_id: str) -> None:
        """Run job `job_id` (the queue's task: its message holds only the id)."""
        context = self._claim(job_id)
        if context is None:
            return
        with self._lock:
            self._running.add(job_id)
        try:
            self._run(context)
        finally:
            with self._lock:
                self._running.discard(job_id)

    def _run(self, context: JobContext) -> None:
        job_id = context.job_id
        with session_scope(self.engine) as session:
            job = session.get_one(Job, job_id)
            kind, params = job.kind, dict(job.params or {})
        try:
            result = kind_fn(kind)(context, params)
        except JobCancelled:
            _finish(self.engine, job_id, "cancelled")
        except JianduError as error:
            _finish(self.engine, job_id, "failed", error=(error.zh, error.en))
        except TRANSIENT as error:
            self._transient(context, error)
        except Exception as error:  # the job's row must say it failed, whatever happened
            _finish(self.engine, job_id, "failed", error=_internal(job_id, error))
        else:
            _finish(self.engine, job_id, "succeeded", result=result or {})

    def _transient(self, context: JobContext, error: BaseException) -> None:
        """Queue the job again after a growing delay, or fail it after its last attempt."""
        job_id, attempt = context.job_id, context.attempt
        if attempt >= self.max_attempts:
            zh, en = _internal(job_id, error)
            message = (f"已尝试 {attempt} 次仍失败：{zh}", f"failed after {attempt} attempts: {en}")
            _finish(self.engine, job_id, "failed", error=message)
            return
        delay = retry_delay(attempt, self.retry_base)
        at = utcnow() + timedelta(seconds=delay)
        log.warning("job %s attempt %d failed (%s); next try in %.0f s", job_id, attempt,
                    type(error).__name__, delay)  # fmt: skip
        with session_scope(self.engine) as session:
            session.execute(
                update(Job)
                .where(Job.id == job_id, Job.status == "running")
                .values(
                    status="queued", next_try_at=at, heartbeat_at=None,
                    stage_zh=f"第 {attempt} 次尝试失败（临时故障），将于 "
                    f"{at.astimezone():%H:%M:%S} 重试",
                    stage_en=f"attempt {attempt} failed (transient); next try at "
                    f"{at.astimezone():%H:%M:%S}",
                )
            )  # fmt: skip
        # huey keeps the same message and schedules it again (durably) after `delay`.
        raise RetryTask(delay=delay)

    # ------------------------------------------------------------------ liveness

    def beat(self) -> None:
        """Write `heartbeat_at` on the jobs this process is running."""
        with self._lock:
            running = sorted(self._running)
        if running:
            with session_scope(self.engine) as session:
                session.execute(
                    update(Job)
                    .where(Job.id.in_(running), Job.status == "running")
                    .values(heartbeat_at=utcnow())
                )

    def start_heartbeat(self, every: float = HEARTBEAT_S) -> None:
        def loop() -> None:
            while not self._stop.wait(every):
                try:
                    self.beat()
                except Exception as error:  # a missed beat is not fatal; keep beating
                    log.warning("job heartbeat failed: %s", type(error).__name__)

        if self._beat is None:
            self._beat = threading.Thread(target=loop, name="jiandu-job-beat", daemon=True)
            self._beat.start()

    def recover(self, *, now: datetime | None = None, stale_after: float = STALE_AFTER_S) -> int:
        """Queue again (or fail, after `max_attempts`) the running jobs whose worker died;
        fail the queued jobs of the old in-process runner (no params, no message)."""
        now = now or utcnow()
        cutoff = now - timedelta(seconds=stale_after)
        with self._lock:
            mine = set(self._running)
        requeue: list[str] = []
        with session_scope(self.engine) as session:
            legacy = session.execute(
                update(Job)
                .where(Job.status == "queued", Job.task_id.is_(None), Job.params.is_(None))
                .values(status="failed", finished_at=now, error_zh=_RESTARTED[0],
                        error_en=_RESTARTED[1])
            )  # fmt: skip
            count = int(getattr(legacy, "rowcount", 0) or 0)
            running = session.scalars(select(Job).where(Job.status == "running")).all()
            for job in running:
                seen = job.heartbeat_at or job.started_at or job.created_at
                if job.id in mine or seen >= cutoff:
                    continue
                values: dict[str, Any]
                if job.attempts >= self.max_attempts or job.params is None:
                    values = {"status": "failed", "finished_at": now,
                              "error_zh": f"执行任务的进程中断，已尝试 {job.attempts} 次，不再重试",
                              "error_en": f"the process running the job stopped; tried "
                                          f"{job.attempts} times, giving up"}  # fmt: skip
                else:
                    again = job.attempts + 1
                    values = {"status": "queued", "heartbeat_at": None,
                              "stage_zh": f"执行任务的进程中断，重新排队（第 {again} 次）",
                              "stage_en": "the process running the job stopped; queued again "
                                          f"(attempt {again})"}  # fmt: skip
                # Compare-and-set on the beat just read: two recovering workers, one winner.
                outcome = session.execute(
                    update(Job)
                    .where(Job.id == job.id, Job.status == "running",
                           Job.heartbeat_at.is_(None) if job.heartbeat_at is None
                           else Job.heartbeat_at == job.heartbeat_at)
                    .values(**values)
                )  # fmt: skip
                if getattr(outcome, "rowcount", 0):
                    count += 1
                    if values["status"] == "queued":
                        requeue.append(job.id)
        for job_id in requeue:
            log.warning("job %s lost its worker; queued again", job_id)
            self._enqueue(job_id)
        return count

    def tick(self) -> None:
        """The every-minute chores: fire due schedules, recover jobs of dead workers."""
        from jiandu.jobs.schedules import fire_due  # noqa: PLC0415 - schedules use the runner

        fire_due(self)
        self.recover()

    # ------------------------------------------------------------------ consumers

    def running(self) -> set[str]:
        with self._lock:
            return set(self._running)

    def shutdown(self, *, wait: bool = True, timeout: float | None = 30.0) -> None:
        """Stop this process's consumer (letting running jobs end when `wait`)."""
        self._stop.set()
        consumer, self.consumer = self.consumer, None
        if consumer is not None:
            consumer.shutdown_timeout = timeout
            consumer.stop(graceful=wait)
        self.huey.storage.close()


_RESTARTED = (
    "服务重启，任务中断；请重新发起",
    "the server restarted and cut the job off; start it again",
)


def _internal(job_id: str, error: BaseException) -> tuple[str, str]:
    """An unexpected error: logged (masked) with a reference; the row says only that."""
    reference = secrets.token_hex(6)
    trace = scrub_text("".join(traceback.format_exception(error)))
    log.error("job %s failed (reference %s)\n%s", job_id, reference, trace)
    return (
        f"内部错误（编号 {reference}），请联系管理员",
        f"internal error (reference {reference}); contact an administrator",
    )


def _finish(
    engine: Engine,
    job_id: str,
    status: str,
    *,
    result: dict[str, Any] | None = None,
    error: tuple[str, str] | None = None,
) -> None:
    values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "next_try_at": None}
    if status == "succeeded":
        values.update(progress=1.0, result=result, stage_zh="完成", stage_en="done")
    if error is not None:
        values.update(error_zh=error[0], error_en=error[1])
    with session_scope(engine) as session:
        session.execute(update(Job).where(Job.id == job_id).values(**values))


def request_cancel(session: Session, job: Job, runner: JobRunner | None = None) -> None:
    """Cancel a queued job now (its message revoked); ask a running one to stop (its
    work notices at its next check)."""
    if job.status in FINISHED:
        return
    job.cancel_requested = True
    if job.status == "queued":
        job.status, job.finished_at, job.next_try_at = "cancelled", utcnow(), None
        if runner is not None:
            runner.revoke(job)


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


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
        "created_at": _stamp(job.created_at),
        "started_at": _stamp(job.started_at),
        "finished_at": _stamp(job.finished_at),
        "attempts": job.attempts or 0,
        "next_try_at": _stamp(job.next_try_at),
        "schedule_id": job.schedule_id,
    }
