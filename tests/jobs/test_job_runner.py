"""Background jobs: lifecycle, progress, failure, cancel and restart recovery, on the
real metadata store (SQLite here; the web tests cover the API on both backends)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from jiandu.config import Settings
from jiandu.errors import JianduError
from jiandu.jobs.runner import JobContext, JobRunner, job_json, recover_interrupted
from jiandu.security.principal import Principal
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Job

ALICE = Principal(
    user_id="u-alice",
    username="alice",
    unit_id="330602",
    roles=frozenset({"prosecutor"}),
    permissions=frozenset(),
    clearance="internal",
    visible_units=frozenset({"330602"}),
)


@pytest.fixture
def engine(home: Settings) -> Engine:
    return make_engine(home.database_url)


def wait_for(engine: Engine, job_id: str, statuses: tuple[str, ...], timeout: float = 10) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            job = session.get_one(Job, job_id)
            session.expunge(job)
        if job.status in statuses:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} stayed {job.status}")


def submit(runner: JobRunner, fn: Any) -> str:
    return runner.submit(
        kind="test", title_zh="测试任务", title_en="test job", principal=ALICE, fn=fn,
        object_kind="dataset", object_id="pension",
    )  # fmt: skip


def test_a_job_runs_reports_progress_and_keeps_its_result(engine: Engine) -> None:
    seen: list[float] = []
    release = threading.Event()

    def work(ctx: JobContext) -> dict[str, Any]:
        ctx.progress(0.5, "一半", "halfway", force=True)
        release.wait(5)
        return {"rows": 42}

    runner = JobRunner(engine)
    job_id = submit(runner, work)
    running = wait_for(engine, job_id, ("running",))
    deadline = time.monotonic() + 5
    while running.progress < 0.5 and time.monotonic() < deadline:
        running = wait_for(engine, job_id, ("running",))
    seen.append(running.progress)
    assert running.stage_zh == "一半" and running.started_at is not None
    release.set()
    done = wait_for(engine, job_id, ("succeeded",))
    runner.shutdown()
    assert seen == [0.5]
    assert done.result == {"rows": 42} and done.progress == 1.0 and done.finished_at
    body = job_json(done)
    assert body["created_by"] == "u-alice" and body["unit_id"] == "330602"
    assert body["object_id"] == "pension"


def test_a_bilingual_error_is_kept_and_an_unexpected_one_is_not_leaked(engine: Engine) -> None:
    def refused(ctx: JobContext) -> None:
        raise JianduError("缺少必填列 身份证号", "required column id_card is missing")

    def crashed(ctx: JobContext) -> None:
        raise RuntimeError("secret path /srv/data 330602199001011234")

    runner = JobRunner(engine)
    first = wait_for(engine, submit(runner, refused), ("failed",))
    second = wait_for(engine, submit(runner, crashed), ("failed",))
    runner.shutdown()
    assert first.error_zh == "缺少必填列 身份证号"
    assert first.error_en == "required column id_card is missing"
    assert "编号" in (second.error_zh or "") and "/srv/data" not in (second.error_en or "")
    assert "330602199001011234" not in (second.error_en or "")


def test_cancel_is_noticed_by_the_work(engine: Engine) -> None:
    started = threading.Event()

    def long_work(ctx: JobContext) -> dict[str, Any]:
        started.set()
        for _ in range(500):
            ctx.check_cancel()
            time.sleep(0.01)
        return {"finished": True}

    runner = JobRunner(engine)
    job_id = submit(runner, long_work)
    assert started.wait(5)
    with session_scope(engine) as session:
        session.get_one(Job, job_id).cancel_requested = True
    job = wait_for(engine, job_id, ("cancelled", "succeeded"))
    runner.shutdown()
    assert job.status == "cancelled" and job.result is None


def test_a_restart_marks_unfinished_jobs_failed(engine: Engine) -> None:
    with session_scope(engine) as session:
        for job_id, status in (("j-run", "running"), ("j-queue", "queued"), ("j-ok", "succeeded")):
            job = Job(id=job_id, kind="test", title_zh="t", title_en="t", status=status,
                      progress=0.3, cancel_requested=False, created_by="u-alice")  # fmt: skip
            session.add(job)
    assert recover_interrupted(engine) == 2
    with session_scope(engine) as session:
        statuses = {j.id: (j.status, j.error_en) for j in session.query(Job)}
    assert statuses["j-ok"] == ("succeeded", None)
    assert statuses["j-run"][0] == statuses["j-queue"][0] == "failed"
    assert "restarted" in (statuses["j-run"][1] or "")


def test_a_stopped_runner_refuses_new_work_visibly(engine: Engine) -> None:
    runner = JobRunner(engine)
    runner.shutdown()
    job = wait_for(engine, submit(runner, lambda ctx: {}), ("failed",))
    assert job.error_en == "the server is stopping"
