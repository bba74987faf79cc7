"""Schedules: cron parsing (huey's crontab, field by field), the next firing, and a due
schedule firing exactly once however many workers tick."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from test_job_runner import CALLS, NO_WORKERS

from jiandu.config import Settings
from jiandu.jobs.runner import JobRunner
from jiandu.jobs.schedules import (
    Cron,
    ScheduleError,
    create_schedule,
    fire,
    fire_due,
    set_enabled,
)
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Job, JobSchedule


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("cron", "after", "expected"),
    [
        ("0 2 * * *", "2026-11-26T03:00", "2026-11-27T02:00"),  # tomorrow night
        ("0 2 * * *", "2026-11-26T01:59:30", "2026-11-26T02:00"),
        ("*/15 * * * *", "2026-11-26T10:15", "2026-11-26T10:30"),  # strictly after
        ("30 1 * * 1", "2026-11-26T00:00", "2026-11-30T01:30"),  # Monday (Sunday = 0)
        ("0 0 29 2 *", "2026-03-01T00:00", "2028-02-29T00:00"),  # the next leap day
        ("0 9-17/4 * * 1-5", "2026-11-27T18:00", "2026-11-30T09:00"),  # Fri 18:00 → Mon
    ],
)
def test_the_next_firing(cron: str, after: str, expected: str) -> None:
    assert Cron.parse(cron).next_after(at(after), UTC) == at(expected)


def test_the_fields_are_read_in_the_given_zone() -> None:
    from datetime import timezone

    beijing = timezone(timedelta(hours=8))
    # 02:00 in Beijing is 18:00 UTC the day before.
    assert Cron.parse("0 2 * * *").next_after(at("2026-11-26T03:00"), beijing) == at(
        "2026-11-26T18:00"
    )


@pytest.mark.parametrize("cron", ["0 2 * *", "61 * * * *", "0 2 * * mon", "0 0 31 2 *", "x"])
def test_a_bad_cron_is_refused_bilingually(cron: str) -> None:
    with pytest.raises(ScheduleError) as refused:
        Cron.parse(cron).next_after(at("2026-01-01T00:00"), UTC)
    assert refused.value.zh and refused.value.en


@pytest.mark.parametrize(
    ("cron", "zh", "en"),
    [
        ("0 2 * * *", "每天 02:00", "every day at 02:00"),
        ("30 1 * * 1", "每周一 01:30", "every Monday at 01:30"),
        ("0 2 * * 0,5", "每周五、周日 02:00", "every Friday, Sunday at 02:00"),
        ("0 9-17/4 * * 1-5", "每个工作日（周一至周五） 09:00、13:00、17:00",
         "every weekday (Monday to Friday) at 09:00, 13:00, 17:00"),
        ("0 3 1,15 * *", "每月 1、15 日 03:00", "on the 1st, 15th of every month at 03:00"),
        ("0 0 29 2 *", "每年 2 月 29 日 00:00", "on the 29th of February at 00:00"),
        ("0 0 * 6 *", "每年 6 月每天 00:00", "every day in June at 00:00"),
        ("*/15 * * * *", "每 15 分钟", "every 15 minutes"),
        ("* * * * *", "每分钟", "every minute"),
        ("0 * * * *", "每小时整点", "every hour on the hour"),
        ("5 * * * 1-5", "每个工作日（周一至周五） 每小时第 5 分",
         "every weekday (Monday to Friday) at minute 5 of every hour"),
        # No plain words: a day of the month *and* of the week; minutes that do not tile.
        ("0 0 1-10 * 1", "定时表达式 0 0 1-10 * 1", "cron 0 0 1-10 * 1"),
        ("*/7 * * * *", "定时表达式 */7 * * * *", "cron */7 * * * *"),
    ],
)  # fmt: skip
def test_a_cron_in_words(cron: str, zh: str, en: str) -> None:
    assert Cron.parse(cron).describe() == (zh, en)


_FIELD = st.one_of(
    st.just("*"),
    st.integers(0, 59).map(str),
    st.integers(1, 30).map(lambda n: f"*/{n}"),
    st.lists(st.integers(0, 59), min_size=1, max_size=4, unique=True).map(
        lambda v: ",".join(map(str, v))
    ),
)


@settings(max_examples=300, deadline=None)
@given(fields=st.tuples(_FIELD, _FIELD, _FIELD, _FIELD, _FIELD))
def test_every_valid_cron_has_words_in_both_languages(fields: tuple[str, ...]) -> None:
    try:
        cron = Cron.parse(" ".join(fields))
    except ScheduleError:
        return  # out of a field's range: refused, tested above
    zh, en = cron.describe()
    assert zh.strip() and en.strip() and zh != en
    if not zh.startswith("定时表达式") and len(cron.hours) < 24:
        # words, not the cron, for a few times a day: they name every one of them
        clocks = [f"{h:02d}:{m:02d}" for h in cron.hours for m in cron.minutes]
        assert all(c in zh and c in en for c in clocks)


@pytest.fixture
def engine(home: Settings) -> Engine:
    return make_engine(home.database_url)


@pytest.fixture
def two_workers(engine: Engine, home: Settings) -> Iterator[tuple[JobRunner, JobRunner]]:
    """Two workers' runners: each its own huey instance on the same queue."""
    first = JobRunner(engine, home, queue=NO_WORKERS)
    second = JobRunner(engine, home, queue=NO_WORKERS)
    yield first, second
    first.shutdown(wait=False)
    second.shutdown(wait=False)


def test_a_due_schedule_fires_once_across_two_workers(
    engine: Engine, two_workers: tuple[JobRunner, JobRunner]
) -> None:
    first, second = two_workers
    with session_scope(engine) as session:
        row = create_schedule(
            session, cron="0 2 * * *", kind="test.count", params={"key": "nightly"},
            title_zh="夜间", title_en="nightly", user_id="u-alice", unit_id="330602",
            now=at("2026-11-25T12:00"), tz=UTC,
        )  # fmt: skip
        schedule_id = row.id
    assert row.next_fire_at == at("2026-11-26T02:00")
    assert fire_due(first, now=at("2026-11-26T01:59"), tz=UTC) == []  # not yet due
    now = at("2026-11-26T02:00:05")
    # Both workers read the schedule as due; the first fires it, the second loses the
    # compare-and-set on next_fire_at; a later tick finds nothing due.
    with session_scope(engine) as session:
        stale = session.get_one(JobSchedule, schedule_id)
        session.expunge(stale)
    fired = fire_due(first, now=now, tz=UTC)
    assert len(fired) == 1
    assert fire(second, stale, now=now, tz=UTC) is None
    assert fire_due(second, now=now + timedelta(seconds=30), tz=UTC) == []
    with session_scope(engine) as session:
        schedule = session.get_one(JobSchedule, schedule_id)
        job = session.get_one(Job, fired[0])
        assert schedule.last_fired_at == now and schedule.last_job_id == fired[0]
        assert schedule.next_fire_at == at("2026-11-27T02:00")
        assert job.schedule_id == schedule_id and job.created_by == "u-alice"
        assert job.unit_id == "330602" and job.params == {"key": "nightly"}
        assert job.title_en == "Scheduled: nightly" and job.status == "queued"
    # One message on the shared queue: one run.
    assert first.huey.pending_count() == 1
    CALLS.pop("nightly", None)
    task = second.huey.dequeue()
    second.huey.execute(task)
    assert CALLS["nightly"] == 1


def test_the_periodic_tick_fires_due_schedules(
    engine: Engine, two_workers: tuple[JobRunner, JobRunner]
) -> None:
    first, _ = two_workers
    with session_scope(engine) as session:
        row = create_schedule(
            session, cron="* * * * *", kind="test.count", params={"key": "tick"},
            title_zh="每分钟", title_en="every minute", user_id="u-alice", unit_id=None,
        )  # fmt: skip
        row.next_fire_at = row.created_at - timedelta(minutes=5)  # missed while down
    periodic = [t for t in first.huey._registry._registry if t.endswith("jiandu.tick")]
    assert periodic, "the tick is registered as a huey periodic task"
    first.tick()
    with session_scope(engine) as session:
        assert session.query(Job).filter(Job.schedule_id == row.id).count() == 1


def test_a_disabled_schedule_does_not_fire_and_enabling_starts_from_now(
    engine: Engine, two_workers: tuple[JobRunner, JobRunner]
) -> None:
    first, _ = two_workers
    with session_scope(engine) as session:
        row = create_schedule(
            session, cron="0 2 * * *", kind="test.count", params={"key": "off"},
            title_zh="关", title_en="off", user_id="u-alice", unit_id=None, enabled=False,
        )  # fmt: skip
        assert row.next_fire_at is None
    assert fire_due(first, now=at("2030-01-01T00:00"), tz=UTC) == []
    with session_scope(engine) as session:
        row = session.get_one(JobSchedule, row.id)
        set_enabled(row, True, now=at("2026-11-26T12:00"), tz=UTC)
        assert row.next_fire_at == at("2026-11-27T02:00")


@pytest.mark.postgres
def test_a_due_schedule_fires_once_on_postgresql(home: Settings, fresh_pg_url: str) -> None:
    from dataclasses import replace

    from jiandu.workspace import init_workspace

    settings = replace(home, database_url=fresh_pg_url)
    init_workspace(settings)
    engine = make_engine(fresh_pg_url)
    first = JobRunner(engine, settings, queue=NO_WORKERS)  # the queue: huey_* tables there
    second = JobRunner(engine, settings, queue=NO_WORKERS)
    try:
        with session_scope(engine) as session:
            create_schedule(
                session, cron="*/5 * * * *", kind="test.count", params={"key": "pg"},
                title_zh="五分钟", title_en="five minutes", user_id="u-alice", unit_id=None,
                now=at("2026-11-26T02:01"), tz=UTC,
            )  # fmt: skip
        now = at("2026-11-26T02:05:01")
        fired = fire_due(first, now=now, tz=UTC) + fire_due(second, now=now, tz=UTC)
        # One job, one row (the queue's message itself may already be taken by another
        # test's consumer on this worker's PostgreSQL database: the row is the record).
        assert len(fired) == 1
        with session_scope(engine) as session:
            assert session.scalar(select(func.count()).select_from(Job)) == 1
        assert fire_due(first, now=at("2026-11-26T02:10:00"), tz=UTC) != []  # the next one
    finally:
        first.shutdown(wait=False)
        second.shutdown(wait=False)
        engine.dispose()
