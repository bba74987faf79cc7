"""Background jobs on the durable queue: lifecycle, progress, failure, cancel, restart
survival, recovery of a dead worker's job, and retries with backoff, on the real
metadata store and huey's SQLite storage (JIANDU_HOME/queue.db, the default)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from jiandu.config import Settings
from jiandu.errors import JianduError
from jiandu.jobs.registry import UnknownJobKind, job_kind
from jiandu.jobs.runner import JobContext, JobRunner, job_json, request_cancel
from jiandu.jobs.settings import QueueSettings
from jiandu.jobs.worker import start_embedded
from jiandu.security.principal import Principal
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Job, utcnow

ALICE = Principal(
    user_id="u-alice",
    username="alice",
    unit_id="330602",
    roles=frozenset({"prosecutor"}),
    permissions=frozenset(),
    clearance="internal",
    visible_units=frozenset({"330602"}),
)
NO_WORKERS = QueueSettings(url="", workers=0)

# What the test kinds saw (a job's params are JSON: they name the entry to use).
EVENTS: dict[str, threading.Event] = {}
CALLS: dict[str, int] = {}


@job_kind("test.count")
def count(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    CALLS[params["key"]] = CALLS.get(params["key"], 0) + 1
    return {"rows": params.get("rows", 0), "attempt": ctx.attempt}


@job_kind("test.hold")
def hold(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.progress(0.5, "一半", "halfway", force=True)
    while not EVENTS[params["key"]].wait(0.02):
        ctx.check_cancel()
    return {"rows": 42}


@job_kind("test.refuse")
def refuse(ctx: JobContext, params: dict[str, Any]) -> None:
    CALLS[params["key"]] = CALLS.get(params["key"], 0) + 1
    raise JianduError("缺少必填列 身份证号", "required column id_card is missing")


@job_kind("test.crash")
def crash(ctx: JobContext, params: dict[str, Any]) -> None:
    raise RuntimeError("secret path /srv/data 330602199001011234")


@job_kind("test.flaky")
def flaky(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    """Fails with a transient error until attempt `succeed_at` (0: never)."""
    CALLS[params["key"]] = CALLS.get(params["key"], 0) + 1
    if ctx.attempt != params["succeed_at"]:
        raise OSError("the share went away for a moment")
    return {"attempt": ctx.attempt}


@pytest.fixture
def engine(home: Settings) -> Engine:
    return make_engine(home.database_url)


@pytest.fixture
def runners(engine: Engine, home: Settings) -> Iterator[list[JobRunner]]:
    """Runners made by a test (each a fresh huey instance on the same queue), shut down."""
    made: list[JobRunner] = []
    yield made
    for runner in made:
        runner.shutdown(wait=False, timeout=2)


def new_runner(
    runners: list[JobRunner], engine: Engine, home: Settings, **options: Any
) -> JobRunner:
    runner = JobRunner(engine, home, queue=NO_WORKERS, **options)
    runners.append(runner)
    return runner


def wait_for(engine: Engine, job_id: str, statuses: tuple[str, ...], timeout: float = 15) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = read(engine, job_id)
        if job.status in statuses:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} stayed {job.status}")


def read(engine: Engine, job_id: str) -> Job:
    with session_scope(engine) as session:
        job = session.get_one(Job, job_id)
        session.expunge(job)
    return job


def submit(runner: JobRunner, kind: str, **params: Any) -> str:
    return runner.submit(
        kind=kind, title_zh="测试任务", title_en="test job", principal=ALICE, params=params,
        object_kind="dataset", object_id="pension",
    )  # fmt: skip


def test_a_job_runs_reports_progress_and_keeps_its_result(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    EVENTS["progress"] = release = threading.Event()
    runner = new_runner(runners, engine, home)
    start_embedded(runner, 2)
    job_id = submit(runner, "test.hold", key="progress")
    running = wait_for(engine, job_id, ("running",))
    deadline = time.monotonic() + 5
    while running.progress < 0.5 and time.monotonic() < deadline:
        running = wait_for(engine, job_id, ("running",))
    assert running.progress == 0.5 and running.stage_zh == "一半"
    assert running.started_at is not None and running.attempts == 1
    release.set()
    done = wait_for(engine, job_id, ("succeeded",))
    assert done.result == {"rows": 42} and done.progress == 1.0 and done.finished_at
    body = job_json(done)
    assert body["created_by"] == "u-alice" and body["unit_id"] == "330602"
    assert body["object_id"] == "pension" and body["attempts"] == 1
    assert body["next_try_at"] is None


def test_an_unknown_kind_is_refused_before_anything_is_queued(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    runner = new_runner(runners, engine, home)
    with pytest.raises(UnknownJobKind):
        submit(runner, "test.nothing")
    assert runner.huey.pending_count() == 0


def test_a_bilingual_error_is_kept_not_retried_and_an_unexpected_one_is_not_leaked(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    runner = new_runner(runners, engine, home)
    start_embedded(runner, 1)
    first = wait_for(engine, submit(runner, "test.refuse", key="refuse"), ("failed",))
    second = wait_for(engine, submit(runner, "test.crash"), ("failed",))
    assert first.error_zh == "缺少必填列 身份证号"
    assert first.error_en == "required column id_card is missing"
    # A user's error is final: tried once, nothing scheduled again.
    assert first.attempts == 1 and CALLS["refuse"] == 1 and first.next_try_at is None
    assert runner.huey.scheduled_count() == 0
    assert "编号" in (second.error_zh or "") and "/srv/data" not in (second.error_en or "")
    assert "330602199001011234" not in (second.error_en or "")


def test_queued_work_survives_a_restart(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    before = new_runner(runners, engine, home)
    job_id = submit(before, "test.count", key="restart", rows=7)
    assert read(engine, job_id).status == "queued"
    before.shutdown(wait=False)  # the server stops with the job still queued
    CALLS.pop("restart", None)
    after = new_runner(runners, engine, home)  # a new process: a fresh huey instance
    assert after.huey.pending_count() == 1
    start_embedded(after, 1)
    done = wait_for(engine, job_id, ("succeeded",))
    assert done.result == {"rows": 7, "attempt": 1} and CALLS["restart"] == 1


def _cut_off(engine: Engine, runner: JobRunner, job_id: str, attempts: int) -> None:
    """What a worker that died mid-job leaves: its message taken, the row running."""
    assert runner.huey.dequeue() is not None
    with session_scope(engine) as session:
        job = session.get_one(Job, job_id)
        job.status, job.attempts = "running", attempts
        job.started_at = job.heartbeat_at = utcnow() - timedelta(minutes=10)


def test_a_running_job_whose_worker_died_runs_again_up_to_its_last_attempt(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    dead = new_runner(runners, engine, home)
    job_id = submit(dead, "test.count", key="recovered")
    last = submit(dead, "test.count", key="exhausted")
    _cut_off(engine, dead, job_id, attempts=1)
    _cut_off(engine, dead, last, attempts=3)
    alive = new_runner(runners, engine, home)
    # A job beating recently is left alone (its worker may well be alive).
    assert alive.recover(now=utcnow() - timedelta(minutes=9, seconds=30)) == 0
    assert alive.recover() == 2
    given_up = read(engine, last)
    assert given_up.status == "failed" and "3" in (given_up.error_en or "")
    assert "进程中断" in (given_up.error_zh or "")
    queued = read(engine, job_id)
    assert queued.status == "queued" and "attempt 2" in (queued.stage_en or "")
    assert alive.recover() == 0  # recovered once, not again
    start_embedded(alive, 1)
    done = wait_for(engine, job_id, ("succeeded",))
    assert done.attempts == 2 and done.result == {"rows": 0, "attempt": 2}
    assert "exhausted" not in CALLS


def test_jobs_of_the_old_in_process_runner_are_failed_as_before(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    with session_scope(engine) as session:
        session.add(Job(id="j-old", kind="test", title_zh="t", title_en="t", status="queued",
                        progress=0.0, cancel_requested=False, created_by="u-alice"))  # fmt: skip
    assert new_runner(runners, engine, home).recover() == 1
    assert "restarted" in (read(engine, "j-old").error_en or "")


def _run_next(runner: JobRunner) -> None:
    """Be the consumer once: run the first queued message, or the first scheduled one
    (whatever its eta), as huey's worker would."""
    task = runner.huey.dequeue()
    if task is None:
        scheduled = runner.huey.scheduled()
        assert scheduled, "nothing queued or scheduled"
        task = runner.huey.read_schedule(scheduled[0].eta + timedelta(seconds=1))[0]
    runner.huey.execute(task, timestamp=task.eta)


def test_a_transient_failure_is_retried_with_growing_delays(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    runner = new_runner(runners, engine, home, retry_base=10.0)
    job_id = submit(runner, "test.flaky", key="flaky", succeed_at=3)
    delays = []
    for attempt in (1, 2):
        started = utcnow()
        _run_next(runner)
        waiting = read(engine, job_id)
        assert waiting.status == "queued" and waiting.attempts == attempt
        assert waiting.next_try_at is not None
        assert f"attempt {attempt} failed" in (waiting.stage_en or "")
        assert job_json(waiting)["next_try_at"] == waiting.next_try_at.isoformat()
        (task,) = runner.huey.scheduled()  # the same message, again, later
        delays.append((waiting.next_try_at - started).total_seconds())
        assert abs(task.eta - waiting.next_try_at.replace(tzinfo=None)) < timedelta(seconds=1)
    # 10 s, then 20 s, counted from the failure; `started` is a little earlier (the run's
    # own writes: over a second on a loaded PostgreSQL), hence the slack above.
    assert 9 <= delays[0] <= 13 and 19 <= delays[1] <= 23 and delays[1] - delays[0] >= 8
    _run_next(runner)
    done = read(engine, job_id)
    assert done.status == "succeeded" and done.attempts == 3 and CALLS["flaky"] == 3
    assert done.result == {"attempt": 3} and done.next_try_at is None


def test_a_transient_failure_fails_after_the_last_attempt(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    runner = new_runner(runners, engine, home, retry_base=1.0, max_attempts=2)
    job_id = submit(runner, "test.flaky", key="never", succeed_at=0)
    _run_next(runner)
    _run_next(runner)
    failed = read(engine, job_id)
    assert failed.status == "failed" and failed.attempts == 2 and CALLS["never"] == 2
    assert "after 2 attempts" in (failed.error_en or "") and "已尝试 2 次" in (
        failed.error_zh or ""
    )
    assert "/srv" not in (failed.error_en or "") and runner.huey.scheduled_count() == 0


def test_a_queued_job_is_cancelled_at_once_and_never_runs(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    runner = new_runner(runners, engine, home)
    job_id = submit(runner, "test.count", key="cancelled")
    with session_scope(engine) as session:
        request_cancel(session, session.get_one(Job, job_id), runner)
    cancelled = read(engine, job_id)
    assert cancelled.status == "cancelled" and cancelled.finished_at is not None
    start_embedded(runner, 1)
    time.sleep(1.0)  # the consumer has had its chance to (wrongly) run it
    assert runner.huey.pending_count() == 0 and "cancelled" not in CALLS
    assert read(engine, job_id).status == "cancelled"


def test_a_running_job_notices_its_cancel(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    EVENTS["cancel"] = threading.Event()
    runner = new_runner(runners, engine, home)
    start_embedded(runner, 1)
    job_id = submit(runner, "test.hold", key="cancel")
    wait_for(engine, job_id, ("running",))
    with session_scope(engine) as session:
        request_cancel(session, session.get_one(Job, job_id), runner)
    job = wait_for(engine, job_id, ("cancelled", "succeeded"))
    assert job.status == "cancelled" and job.result is None and job.cancel_requested


def test_a_running_job_beats_on_its_row(
    engine: Engine, home: Settings, runners: list[JobRunner]
) -> None:
    EVENTS["beat"] = release = threading.Event()
    runner = new_runner(runners, engine, home)
    start_embedded(runner, 1)
    job_id = submit(runner, "test.hold", key="beat")
    first = wait_for(engine, job_id, ("running",)).heartbeat_at
    time.sleep(0.01)
    runner.beat()
    later = read(engine, job_id).heartbeat_at
    assert first is not None and later is not None and later > first
    assert job_id in runner.running()
    release.set()
    wait_for(engine, job_id, ("succeeded",))
