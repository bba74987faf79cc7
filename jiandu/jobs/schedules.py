"""Schedules: a job kind fired by a cron expression (nightly model runs), as its creator.

A schedule is a `job_schedule` row: five cron fields (minute hour day month weekday, in
the server's local time, each parsed by huey's `crontab`: `*`, `*/n`, `m-n`, `m-n/s`,
`a,b`; weekday 0 = Sunday; all five must match, as in huey), the kind and its JSON
params, who created it for which unit, whether it is enabled, when it last fired and
when it fires next.

Every consumer runs `fire_due` once a minute (`JobRunner.tick`). A due schedule fires
exactly once however many workers tick: each moves `next_fire_at` forward with a
compare-and-set on the value it read, and only the one whose update matched submits the
job. A schedule missed while no worker ran fires once when one starts again, then keeps
its rhythm. Who may schedule what is checked where schedules are made (the API, the
CLI); the kinds run on the creator's behalf check again when they run.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from huey import crontab  # type: ignore[import-untyped]
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from jiandu.errors import JianduError
from jiandu.store.db import session_scope
from jiandu.store.schema import JobSchedule, utcnow

if TYPE_CHECKING:
    from jiandu.jobs.runner import JobRunner

log = logging.getLogger("jiandu.jobs")

# A cron expression with no firing within this many days is refused (e.g. 31 February).
_HORIZON_DAYS = 366 * 8 + 1
# Probes for each field: huey's test of one field, asked at moments that differ only there.
_PROBES: dict[str, list[tuple[int, datetime]]] = {
    "minute": [(m, datetime(2001, 1, 1, 0, m)) for m in range(60)],
    "hour": [(h, datetime(2001, 1, 1, h, 0)) for h in range(24)],
    "day": [(d, datetime(2001, 1, d)) for d in range(1, 32)],
    "month": [(m, datetime(2001, m, 1)) for m in range(1, 13)],
    # 2001-01-07 was a Sunday: weekdays 0 (Sunday) … 6 (Saturday).
    "day_of_week": [(w, datetime(2001, 1, 7 + w)) for w in range(7)],
}


class ScheduleError(JianduError):
    """A cron expression or schedule that cannot be used."""


def _values(field: str, text: str) -> frozenset[int]:
    try:
        test = crontab(**{field: text}, strict=True)
    except ValueError as error:
        raise ScheduleError(
            f"定时表达式的字段 {text!r} 不正确：{error}",
            f"the cron field {text!r} is not valid: {error}",
        ) from None
    return frozenset(value for value, moment in _PROBES[field] if test(moment))


@dataclass(frozen=True)
class Cron:
    """A parsed five-field cron expression."""

    text: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]

    @classmethod
    def parse(cls, text: str) -> Cron:
        fields = text.split()
        if len(fields) != 5:
            raise ScheduleError(
                f"定时表达式须有 5 个字段（分 时 日 月 周），当前为 {text!r}",
                f"a cron expression has 5 fields (minute hour day month weekday), got {text!r}",
            )
        minute, hour, day, month, weekday = fields
        return cls(
            text=" ".join(fields),
            minutes=tuple(sorted(_values("minute", minute))),
            hours=tuple(sorted(_values("hour", hour))),
            days=_values("day", day),
            months=_values("month", month),
            weekdays=_values("day_of_week", weekday),
        )

    def describe(self) -> tuple[str, str]:
        """The expression in words, (zh, en): "每天 02:00", "every Monday, Friday at
        02:00", "每月 1 日 03:30"…; a shape with no plain words is given as the cron."""
        times = _times(self.minutes, self.hours)
        days = _days(self.days, self.months, self.weekdays)
        if times is None or days is None:
            return f"定时表达式 {self.text}", f"cron {self.text}"
        (time_zh, time_en, through_the_day), (day_zh, day_en) = times, days
        if through_the_day and day_en == "every day":
            return time_zh, time_en
        return f"{day_zh} {time_zh}", f"{day_en} {time_en}"

    def _day_matches(self, day: date) -> bool:
        return (
            day.month in self.months
            and day.day in self.days
            and day.isoweekday() % 7 in self.weekdays
        )

    def next_after(self, after: datetime, tz: tzinfo | None = None) -> datetime:
        """The first firing strictly after `after` (aware), in UTC; `tz`: the zone the
        fields are read in (default the server's local time)."""
        local = after.astimezone(tz)
        start = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
        day = start.date()
        for _ in range(_HORIZON_DAYS):
            if self._day_matches(day):
                for hour in self.hours:
                    for minute in self.minutes:
                        candidate = datetime.combine(day, time(hour, minute), local.tzinfo)
                        if candidate >= start:
                            return candidate.astimezone(UTC)
            day += timedelta(days=1)
        raise ScheduleError(
            f"定时表达式 {self.text!r} 在 8 年内不会触发", f"the cron {self.text!r} never fires"
        )


_WEEKDAYS_ZH = "日一二三四五六"
_WEEKDAYS_EN = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")  # fmt: skip
_MOST_LISTED = 6  # more times or days than this read better as the cron itself


def _times(minutes: tuple[int, ...], hours: tuple[int, ...]) -> tuple[str, str, bool] | None:
    """(zh, en, whether it repeats through the day) of the minute and hour fields."""
    if len(hours) == 24:
        if minutes == (0,):
            return "每小时整点", "every hour on the hour", True
        if len(minutes) == 1:
            return f"每小时第 {minutes[0]} 分", f"at minute {minutes[0]} of every hour", True
        step = minutes[1] - minutes[0]
        if minutes == tuple(range(0, 60, step)) and 60 % step == 0:
            if step == 1:
                return "每分钟", "every minute", True
            return f"每 {step} 分钟", f"every {step} minutes", True
    if len(minutes) * len(hours) > _MOST_LISTED:
        return None
    clocks = [f"{h:02d}:{m:02d}" for h in hours for m in minutes]
    return "、".join(clocks), "at " + ", ".join(clocks), False


def _days(
    days: frozenset[int], months: frozenset[int], weekdays: frozenset[int]
) -> tuple[str, str] | None:
    """(zh, en) of the day, month and weekday fields."""
    all_days, all_months, all_weekdays = len(days) == 31, len(months) == 12, len(weekdays) == 7
    if all_days and all_months and all_weekdays:
        return "每天", "every day"
    if all_days and all_months:
        order = sorted(weekdays, key=lambda w: (w == 0, w))  # Monday first, Sunday last
        if order == [1, 2, 3, 4, 5]:
            return "每个工作日（周一至周五）", "every weekday (Monday to Friday)"
        zh = "、".join(f"周{_WEEKDAYS_ZH[w]}" for w in order)
        return f"每{zh}", "every " + ", ".join(_WEEKDAYS_EN[w] for w in order)
    if not all_weekdays or (not all_days and len(days) > _MOST_LISTED):
        return None  # a day of the month *and* of the week, or many days: the cron says it
    day_zh = "、".join(str(d) for d in sorted(days)) + " 日"
    day_en = ", ".join(_ordinal(d) for d in sorted(days))
    if all_months:
        return f"每月 {day_zh}", f"on the {day_en} of every month"
    month_zh = "、".join(f"{m} 月" for m in sorted(months))
    month_en = ", ".join(_MONTHS_EN[m - 1] for m in sorted(months))
    if all_days:
        return f"每年 {month_zh}每天", f"every day in {month_en}"
    return f"每年 {month_zh} {day_zh}", f"on the {day_en} of {month_en}"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def create_schedule(
    session: Session,
    *,
    cron: str,
    kind: str,
    params: dict[str, Any],
    title_zh: str,
    title_en: str,
    user_id: str,
    unit_id: str | None,
    enabled: bool = True,
    now: datetime | None = None,
    tz: tzinfo | None = None,
) -> JobSchedule:
    """Store a schedule (kind and permission already checked by the caller)."""
    from jiandu.jobs.registry import kind_fn  # noqa: PLC0415 - small cycle-free import

    kind_fn(kind)
    parsed = Cron.parse(cron)
    row = JobSchedule(
        id=secrets.token_hex(8), cron=parsed.text, kind=kind, params=dict(params),
        title_zh=title_zh[:300], title_en=title_en[:300], unit_id=unit_id,
        created_by=user_id, enabled=enabled,
        next_fire_at=parsed.next_after(now or utcnow(), tz) if enabled else None,
    )  # fmt: skip
    session.add(row)
    session.flush()
    return row


def set_enabled(
    row: JobSchedule, enabled: bool, *, now: datetime | None = None, tz: tzinfo | None = None
) -> None:
    """Switch a schedule on (from its next firing after now) or off."""
    row.enabled = enabled
    row.next_fire_at = Cron.parse(row.cron).next_after(now or utcnow(), tz) if enabled else None


def fire_due(
    runner: JobRunner, *, now: datetime | None = None, tz: tzinfo | None = None
) -> list[str]:
    """Submit a job for every enabled schedule due at `now` that this call wins; the ids."""
    now = now or utcnow()
    with session_scope(runner.engine) as session:
        due = session.scalars(
            select(JobSchedule).where(
                JobSchedule.enabled.is_(True), JobSchedule.next_fire_at <= now
            )
        ).all()
    fired = [job_id for row in due if (job_id := fire(runner, row, now=now, tz=tz))]
    return fired


def fire(
    runner: JobRunner, row: JobSchedule, *, now: datetime, tz: tzinfo | None = None
) -> str | None:
    """Fire `row` as read (its `next_fire_at` then) if this call wins; the job's id.

    Two workers may both read the schedule as due: the update below moves `next_fire_at`
    only where it still holds the value read, so one of them matches and submits."""
    try:
        following: datetime | None = Cron.parse(row.cron).next_after(now, tz)
    except ScheduleError:
        following = None
    with session_scope(runner.engine) as session:
        won = session.execute(
            update(JobSchedule)
            .where(JobSchedule.id == row.id, JobSchedule.enabled.is_(True),
                   JobSchedule.next_fire_at == row.next_fire_at)
            .values(next_fire_at=following, last_fired_at=now, enabled=following is not None)
        )  # fmt: skip
        if not getattr(won, "rowcount", 0):
            return None  # another worker fired it, or someone changed it meanwhile
    try:
        job_id = runner.submit(
            kind=row.kind, title_zh=f"定时：{row.title_zh}",
            title_en=f"Scheduled: {row.title_en}",
            principal=_Creator(row.created_by, row.unit_id), params=dict(row.params or {}),
            object_kind="schedule", object_id=row.id, schedule_id=row.id,
        )  # fmt: skip
    except JianduError as error:
        log.error("schedule %s could not submit its job: %s", row.id, error.en)
        return None
    with session_scope(runner.engine) as session:
        session.execute(
            update(JobSchedule).where(JobSchedule.id == row.id).values(last_job_id=job_id)
        )
    return job_id


@dataclass(frozen=True)
class _Creator:
    user_id: str
    unit_id: str | None


def schedule_json(row: JobSchedule) -> dict[str, Any]:
    """A schedule as the API answers it."""

    def stamp(value: datetime | None) -> str | None:
        return value.isoformat() if value else None

    try:
        words = Cron.parse(row.cron).describe()
    except ScheduleError:  # stored before a stricter parser: shown as it is
        words = (row.cron, row.cron)

    return {
        "id": row.id,
        "cron": row.cron,
        "kind": row.kind,
        "params": row.params,
        "title_zh": row.title_zh,
        "title_en": row.title_en,
        "unit_id": row.unit_id,
        "created_by": row.created_by,
        "enabled": row.enabled,
        "created_at": stamp(row.created_at),
        "last_fired_at": stamp(row.last_fired_at),
        "last_job_id": row.last_job_id,
        "next_fire_at": stamp(row.next_fire_at),
        "cron_zh": words[0],
        "cron_en": words[1],
    }
