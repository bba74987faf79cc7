"""Where the queue lives: beside the metadata store by default (SQLite → JIANDU_HOME/
queue.db; PostgreSQL → huey's tables in the same database), Redis when JIANDU_QUEUE_URL
says so. Each backend carries a job from one runner (a stopped server) to another."""

from __future__ import annotations

import secrets
import socket
import time
from dataclasses import replace

import metadata_store
import pytest
from huey import PostgresHuey, RedisHuey, SqliteHuey  # type: ignore[import-untyped]
from sqlalchemy import inspect
from test_job_runner import ALICE, CALLS, NO_WORKERS

from jiandu.config import Settings
from jiandu.errors import ConfigError
from jiandu.jobs.queue import make_huey, queue_location
from jiandu.jobs.runner import JobRunner
from jiandu.jobs.settings import QueueSettings, load_queue_settings
from jiandu.jobs.worker import start_embedded
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Job


def carry_one_job(settings: Settings, queue: QueueSettings) -> None:
    """Queue a job with one runner, run it with a fresh one on the same storage."""
    engine = make_engine(settings.database_url)
    key = secrets.token_hex(4)
    before = JobRunner(engine, settings, queue=queue)
    job_id = before.submit(kind="test.count", title_zh="t", title_en="t", principal=ALICE,
                           params={"key": key})  # fmt: skip
    before.shutdown(wait=False)
    after = JobRunner(engine, settings, queue=queue)
    try:
        start_embedded(after, 1)
        deadline = time.monotonic() + 15
        status = "queued"
        while time.monotonic() < deadline and status != "succeeded":
            time.sleep(0.05)
            with session_scope(engine) as session:
                status = session.get_one(Job, job_id).status
        assert status == "succeeded" and CALLS[key] == 1
    finally:
        after.shutdown(wait=False, timeout=2)
        engine.dispose()


def test_settings_read_the_environment() -> None:
    assert load_queue_settings({}) == QueueSettings(url="", workers=2)
    queue = load_queue_settings({"JIANDU_QUEUE_URL": " redis://q:6379/1 ", "JIANDU_WORKERS": "0"})
    assert queue == QueueSettings(url="redis://q:6379/1", workers=0)
    with pytest.raises(ConfigError):
        load_queue_settings({"JIANDU_WORKERS": "many"})


@metadata_store.sqlite_only
def test_sqlite_metadata_queues_in_a_sibling_file(home: Settings) -> None:
    assert queue_location(home, NO_WORKERS) == f"sqlite:///{home.home / 'queue.db'}"
    huey = make_huey(home, NO_WORKERS)
    assert isinstance(huey, SqliteHuey) and huey.storage.filename == str(home.home / "queue.db")
    # huey's bare table names stay out of the metadata DB.
    tables = set(inspect(make_engine(home.database_url)).get_table_names())
    assert not tables & {"task", "schedule", "kv", "counter"}
    carry_one_job(home, NO_WORKERS)


def test_an_unknown_queue_url_is_refused(home: Settings) -> None:
    with pytest.raises(ConfigError):
        make_huey(home, QueueSettings(url="amqp://rabbit", workers=0))


@pytest.mark.postgres
def test_postgresql_metadata_queues_in_the_same_database(home: Settings, fresh_pg_url: str) -> None:
    from jiandu.workspace import init_workspace

    settings = replace(home, database_url=fresh_pg_url)
    init_workspace(settings)
    assert queue_location(settings, NO_WORKERS) == fresh_pg_url
    huey = make_huey(settings, NO_WORKERS)
    assert isinstance(huey, PostgresHuey)
    huey.storage.close()
    tables = set(inspect(make_engine(fresh_pg_url)).get_table_names())
    assert {"huey_task", "huey_schedule", "job", "job_schedule"} <= tables
    carry_one_job(settings, NO_WORKERS)


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_redis_when_the_queue_url_says_so(home: Settings) -> None:
    if not _redis_reachable():
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    pytest.importorskip("redis")
    queue = QueueSettings(url="redis://127.0.0.1:6379/15", workers=0)  # a test database
    huey = make_huey(home, queue)
    assert isinstance(huey, RedisHuey)
    try:
        carry_one_job(home, queue)
    finally:
        huey.flush()
