"""Service (送达) of a case's document on SQLite and PostgreSQL: the case awaits the
reply, the deadline is counted from the day of service, overdue follows it, and the
step is recorded in the case's history and the audit log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.cases import service
from jiandu.cases.service import CHINA_TIME, CaseConflict
from jiandu.cases.types import CASE_TYPES, CaseError
from jiandu.config import Settings
from jiandu.security.errors import NotFound
from jiandu.security.principal import Principal
from jiandu.store.schema import AuditEntry, CaseEvent, Clue, SupervisionCase

# The fixtures of tests/cases/conftest.py, typed here rather than imported from it: a
# bare `conftest` import resolves to tests/clues/conftest.py when both folders run.
PrincipalFactory = Callable[..., Principal]
ClueFactory = Callable[..., Clue]
#: The issue moment (conftest.T0): 2026-03-10 10:00 China time.
T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)

FACTS = "被保险人甲死亡后，其养老保险待遇仍被继续发放共计12个月。"
#: T0 (2026-03-10 10:00 China time) is the issue day; the document is served two days on.
SERVED = datetime(2026, 3, 12, tzinfo=CHINA_TIME)
#: Two months from 12 March: the end of 12 May, China time.
DUE = datetime(2026, 5, 12, 23, 59, 59, 999999, tzinfo=CHINA_TIME)


def _issued(
    session: Session,
    settings: Settings,
    principal_of: PrincipalFactory,
    make_clue: ClueFactory,
    type_id: str = "procuratorial_suggestion",
) -> SupervisionCase:
    clue = make_clue("k1")
    prosecutor = principal_of("yc")
    case = service.create_case(
        session, prosecutor, [clue.id], type_id, "违规发放养老金", FACTS, "越城区人社局", now=T0
    )
    service.generate_document(session, settings, prosecutor, case.id, now=T0)
    return case


def test_service_moves_the_deadline_and_overdue_with_it(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    case = _issued(session, settings, principal_of, make_clue)
    issued_due = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)  # two months from the issue moment
    assert (case.status, service._aware(case.reply_due_at)) == ("document_issued", issued_due)
    assert service.service_date(session, case.id) is None
    # Overdue from the issue date before service: 11 May is past that deadline …
    on_11_may = datetime(2026, 5, 11, 12, 0, tzinfo=CHINA_TIME)
    assert service.is_overdue(case, on_11_may)

    now = T0 + timedelta(days=3)
    service.record_service(
        session, prosecutor, case.id, SERVED, note="直接送达，回证 12 号", now=now
    )
    assert case.status == "awaiting_reply"
    assert service._aware(case.reply_due_at) == DUE.astimezone(UTC)
    assert service.service_date(session, case.id) == date(2026, 3, 12)
    # … but not past the one counted from service, which runs to the end of 12 May.
    assert not service.is_overdue(case, on_11_may)
    assert not service.is_overdue(case, DUE)
    assert service.is_overdue(case, DUE + timedelta(microseconds=1))
    assert service.list_cases(session, prosecutor, overdue_at=on_11_may) == []
    assert service.list_cases(session, prosecutor, overdue_at=DUE + timedelta(seconds=1)) == [case]
    assert service.list_cases(session, prosecutor, status="awaiting_reply") == [case]
    described = service.describe(session, case, now=now)
    assert described["served_on"] == "2026-03-12"
    assert described["reply_due_at"] == "2026-05-12T15:59:59.999999+00:00"

    event = session.scalars(select(CaseEvent).where(CaseEvent.kind == "serve")).one()
    assert (event.from_status, event.to_status) == ("document_issued", "awaiting_reply")
    assert event.detail == {
        "served_on": "2026-03-12",
        "reply_due_at": "2026-05-12T15:59:59.999999+00:00",
        "previous_due_at": "2026-05-10T02:00:00+00:00",
        "note": "直接送达，回证 12 号",
    }
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.serve")).one()
    assert (entry.object_kind, entry.object_id) == ("case", case.id)
    assert entry.detail["served_on"] == "2026-03-12" and entry.detail["from"] == "document_issued"
    assert "note" not in entry.detail  # free text stays out of the audit log

    # A reply on the last day is on time; replies are accepted from awaiting_reply.
    last_day = datetime(2026, 5, 12, tzinfo=CHINA_TIME)
    service.record_reply(session, prosecutor, case.id, last_day, "已整改", True, now=last_day)
    reply = session.scalars(select(CaseEvent).where(CaseEvent.kind == "reply")).one()
    assert reply.from_status == "awaiting_reply" and reply.detail["on_time"] is True
    assert not service.is_overdue(case, DUE + timedelta(days=30))
    assert [e.kind for e in service.history(session, prosecutor, case.id)] == [
        "create",
        "document",
        "serve",
        "reply",
    ]


@pytest.mark.parametrize(
    ("type_id", "served_on", "due_day"),
    [
        ("procuratorial_suggestion", date(2026, 3, 12), date(2026, 5, 12)),
        ("procuratorial_suggestion", date(2026, 12, 31), date(2027, 2, 28)),  # clamped
        ("retrial_suggestion", date(2026, 3, 12), date(2026, 6, 12)),
        ("protest", date(2026, 3, 12), date(2026, 4, 11)),
        ("filing_supervision", date(2026, 3, 10), date(2026, 3, 25)),  # the day itself not counted
        ("crime_referral", date(2026, 2, 27), date(2026, 3, 29)),
    ],
)
def test_deadline_after_service_per_type(type_id: str, served_on: date, due_day: date) -> None:
    due = service.deadline_after_service(CASE_TYPES[type_id], served_on)
    assert due.tzinfo is UTC
    local = due.astimezone(CHINA_TIME)
    assert local.date() == due_day and (local.hour, local.minute, local.second) == (23, 59, 59)


def test_serving_again_moves_the_deadline_and_keeps_the_previous_one(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    case = _issued(session, settings, principal_of, make_clue, "filing_supervision")
    now = T0 + timedelta(days=10)
    service.record_service(session, prosecutor, case.id, SERVED, now=now)
    first_due = service._aware(case.reply_due_at)
    assert first_due == datetime(2026, 3, 27, 23, 59, 59, 999999, tzinfo=CHINA_TIME)
    later = SERVED + timedelta(days=4)
    service.record_service(session, prosecutor, case.id, later, now=now)
    assert service._aware(case.reply_due_at) == first_due + timedelta(days=4)
    assert service.service_date(session, case.id) == date(2026, 3, 16)
    events = session.scalars(
        select(CaseEvent).where(CaseEvent.kind == "serve").order_by(CaseEvent.id)
    ).all()
    assert [e.from_status for e in events] == ["document_issued", "awaiting_reply"]
    assert events[1].detail["previous_due_at"] == first_due.isoformat()
    assert "note" not in events[1].detail


def test_service_is_refused_out_of_turn_and_out_of_time(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    clue = make_clue("k1")
    case = service.create_case(
        session, prosecutor, [clue.id], "protest", "t", FACTS, "越城区人民法院", now=T0
    )
    now = T0 + timedelta(days=3)
    with pytest.raises(CaseError, match="no issued document"):
        service.record_service(session, prosecutor, case.id, SERVED, now=now)
    service.generate_document(session, settings, prosecutor, case.id, now=T0)
    with pytest.raises(CaseError, match="before it was issued"):
        service.record_service(session, prosecutor, case.id, SERVED - timedelta(days=3), now=now)
    with pytest.raises(CaseError, match="future"):
        service.record_service(session, prosecutor, case.id, now + timedelta(hours=1), now=now)
    with pytest.raises(ValueError, match="naive"):
        service.record_service(session, prosecutor, case.id, datetime(2026, 3, 12), now=now)
    # The issue day itself is a valid day of service (served by hand the same day).
    service.record_service(session, prosecutor, case.id, T0, now=now)
    assert service.service_date(session, case.id) == date(2026, 3, 10)
    service.record_reply(session, prosecutor, case.id, now, "已裁定再审", True, now=now)
    with pytest.raises(CaseError, match="answered already"):
        service.record_service(session, prosecutor, case.id, SERVED, now=now)
    service.close_case(session, prosecutor, case.id, "法院已裁定再审", now=now)
    with pytest.raises(CaseError, match="closed"):
        service.record_service(session, prosecutor, case.id, SERVED, now=now)
    assert [e.kind for e in service.history(session, prosecutor, case.id)].count("serve") == 1
    assert case.status == "closed"


def test_service_is_scoped_guarded_and_locked(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    case = _issued(session, settings, principal_of, make_clue)
    now = T0 + timedelta(days=3)
    with pytest.raises(NotFound):  # a sibling city's prosecutor does not see the case
        service.record_service(session, principal_of("hz"), case.id, SERVED, now=now)
    seen = case.version
    prosecutor = principal_of("yc")
    service.record_service(session, prosecutor, case.id, SERVED, expected_version=seen, now=now)
    assert case.version == seen + 1
    with pytest.raises(CaseConflict, match="changed by someone else"):
        service.record_service(session, prosecutor, case.id, SERVED, expected_version=seen, now=now)
    assert len(service.history(session, prosecutor, case.id)) == 3
