"""Cases on SQLite and PostgreSQL: create, scope, documents (.docx read back), replies,
deadlines, closing (with the clues), optimistic locking, audit."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from case_world import MODEL, T0, ClueFactory, PrincipalFactory
from docx import Document
from docx.oxml.ns import qn
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jiandu.cases import service
from jiandu.cases.service import CaseConflict
from jiandu.cases.types import CaseError
from jiandu.config import Settings
from jiandu.security.errors import NotFound, PermissionDenied
from jiandu.security.principal import SYSTEM
from jiandu.store.schema import AuditEntry, CaseClue, CaseDocument, CaseEvent, Clue, ClueEvent

FACTS = (
    "2025年1月至2025年12月，被保险人甲死亡后，其养老保险待遇仍被继续发放共计12个月。\n"
    "经比对死亡登记与发放记录，上述情况属实。"
)


def _case(session: Session, principal_of: PrincipalFactory, make_clue: ClueFactory, **kw: object):
    clue = make_clue(str(kw.pop("key", "k1")))
    return service.create_case(
        session,
        principal_of("yc"),
        [clue.id],
        str(kw.pop("type_id", "procuratorial_suggestion")),
        "越城区社会保险经办机构违规发放已死亡人员养老保险待遇",
        FACTS,
        "绍兴市越城区人力资源和社会保障局",
        now=T0,
    )


def _audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.seq)))


def test_create_case_links_confirmed_clues_and_numbers_cases(
    session: Session, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    first, second = make_clue("k1"), make_clue("k2")
    case = service.create_case(
        session,
        principal_of("yc-d1"),
        [first.id, second.id, first.id],
        "检察建议",  # the Chinese label works as well as the id
        "违规发放养老金",
        FACTS,
        "越城区人社局",
        now=T0,
    )
    assert case.case_no == "2026-yc-d1-0001"
    assert (case.case_type, case.status, case.owner_unit) == (
        "procuratorial_suggestion",
        "open",
        "yc-d1",
    )
    assert service.case_clue_ids(session, case.id) == sorted([first.id, second.id])
    events = session.scalars(select(ClueEvent).where(ClueEvent.kind == "case")).all()
    assert sorted(e.clue_id for e in events) == sorted([first.id, second.id])
    assert all(e.detail == {"case_id": case.id} for e in events)
    assert _audit_actions(session) == ["clue.link_case", "clue.link_case", "case.create"]
    again = service.create_case(
        session, principal_of("yc-d1"), [first.id], "protest", "抗诉", FACTS, None, now=T0
    )
    assert again.case_no == "2026-yc-d1-0002"


def test_create_case_refuses_unconfirmed_invisible_and_empty(
    session: Session, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    pending = make_clue("p1", status="pending")
    elsewhere = make_clue("h1", unit="hz")
    prosecutor = principal_of("yc")
    with pytest.raises(CaseError, match="not confirmed"):
        service.create_case(session, prosecutor, [pending.id], "protest", "t", "f", None)
    with pytest.raises(NotFound):
        service.create_case(session, prosecutor, [elsewhere.id], "protest", "t", "f", None)
    with pytest.raises(CaseError, match="no case type"):
        service.create_case(session, prosecutor, [pending.id], "nonsense", "t", "f", None)
    with pytest.raises(CaseError, match="facts"):
        service.create_case(session, prosecutor, [pending.id], "protest", "t", "  ", None)
    with pytest.raises(PermissionDenied):
        service.create_case(session, principal_of("yc", "modeler"), [], "protest", "t", "f", None)
    assert session.scalars(select(CaseClue)).all() == []


def test_row_scope_of_cases(
    session: Session, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    case = _case(session, principal_of, make_clue)
    assert service.get_case(session, principal_of("yc-d1"), case.id) is case
    assert service.get_case(session, principal_of("sx", "leader"), case.id) is case
    assert service.get_case(session, SYSTEM, case.id) is case
    for outsider in (principal_of("sx"), principal_of("hz", "leader"), principal_of("sx-ext")):
        with pytest.raises(NotFound):
            service.get_case(session, outsider, case.id)
        assert service.list_cases(session, outsider) == []
    with pytest.raises(NotFound):
        service.get_case(session, principal_of("yc"), "K-missing")
    assert [c.id for c in service.list_cases(session, principal_of("sx", "leader"))] == [case.id]


def _texts(path: object) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_document_reads_like_a_procuratorial_suggestion(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    case = _case(session, principal_of, make_clue)
    issued = service.generate_document(session, settings, principal_of("yc"), case.id, now=T0)
    data = issued.path.read_bytes()
    assert issued.row.sha256 == hashlib.sha256(data).hexdigest()
    assert issued.path == settings.home / issued.row.path
    assert issued.path.parent == settings.home / "documents" / case.id
    assert issued.row.doc_no == "越检建〔2026〕1号"

    texts = [t for t in _texts(issued.path) if t]
    assert texts[:5] == [
        "绍兴市越城区人民检察院",
        "检察建议书",
        "越检建〔2026〕1号",
        "绍兴市越城区人力资源和社会保障局：",
        "本院在履行法律监督职责中发现，越城区社会保险经办机构违规发放已死亡人员养老保险待遇。"
        "经审查查明：",
    ]
    assert texts[5:7] == FACTS.split("\n")
    conclusion = texts[7]
    assert conclusion.startswith("本院认为，依照《中华人民共和国社会保险法》第八十八条、")
    # The model's legal basis, with documents numbers kept and no repeats.
    assert "（劳社厅函〔2001〕44号）" in conclusion
    assert "《中华人民共和国人民检察院组织法》第二十一条" in conclusion
    assert conclusion.endswith("现提出如下检察建议：")
    assert texts[8] == "建议事项"
    assert texts[9].startswith("一、") and texts[10].startswith("二、")
    assert texts[-4] == (
        "请你单位自收到本检察建议书之日起两个月以内，将采纳检察建议及整改落实情况书面回复本院。"
    )
    assert texts[-3:] == ["绍兴市越城区人民检察院", "二〇二六年三月十日", "（院印）"]

    document = Document(str(issued.path))
    title_run = document.paragraphs[1].runs[0]
    body_run = document.paragraphs[5].runs[0]
    fonts = title_run._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title_run.font.size.pt == 22
    assert body_run._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert body_run.font.size.pt == 16
    assert document.sections[0].top_margin.mm == pytest.approx(37, abs=0.1)

    assert case.status == "document_issued"
    assert service._aware(case.reply_due_at) == datetime(2026, 5, 10, 2, 0, tzinfo=UTC)
    event = session.scalars(select(CaseEvent).where(CaseEvent.kind == "document")).one()
    assert (event.from_status, event.to_status) == ("open", "document_issued")
    assert _audit_actions(session)[-1] == "case.document"


def test_document_numbers_and_other_templates(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    case = _case(session, principal_of, make_clue)
    first = service.generate_document(session, settings, prosecutor, case.id, now=T0)
    later = T0 + timedelta(days=3)
    corrected = service.generate_document(session, settings, prosecutor, case.id, now=later)
    assert corrected.row.doc_no == first.row.doc_no  # a corrected version keeps its number
    # ... and the deadline runs from the first issue.
    assert service._aware(case.reply_due_at) == datetime(2026, 5, 10, 2, 0, tzinfo=UTC)

    other = _case(session, principal_of, make_clue, key="k2")
    assert service.generate_document(
        session, settings, prosecutor, other.id, now=T0
    ).row.doc_no == ("越检建〔2026〕2号")
    filing = _case(session, principal_of, make_clue, key="k3", type_id="filing_supervision")
    issued = service.generate_document(session, settings, prosecutor, filing.id, now=T0)
    texts = [t for t in _texts(issued.path) if t]
    assert texts[1:3] == ["通知立案书", "越检刑通立〔2026〕1号"]
    assert "请你单位在收到本通知书后十五日以内立案" in texts[-4]
    assert service._aware(filing.reply_due_at) == T0 + timedelta(days=15)
    with pytest.raises(CaseError, match="no document template"):
        service.generate_document(session, settings, prosecutor, other.id, "nope", now=T0)


def test_document_needs_an_addressee(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    clue = make_clue("k1")
    case = service.create_case(
        session, principal_of("yc"), [clue.id], "protest", "t", FACTS, "  ", now=T0
    )
    with pytest.raises(CaseError, match="supervised unit"):
        service.generate_document(session, settings, principal_of("yc"), case.id, now=T0)
    assert list((settings.home).rglob("*.docx")) == []
    assert case.status == "open"


def test_reply_deadline_and_overdue(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    case = _case(session, principal_of, make_clue)
    with pytest.raises(CaseError, match="no issued document"):
        service.record_reply(session, prosecutor, case.id, T0, "已整改", True, now=T0)
    service.generate_document(session, settings, prosecutor, case.id, now=T0)
    due = datetime(2026, 5, 10, 2, 0, tzinfo=UTC)
    assert not service.is_overdue(case, due - timedelta(seconds=1))
    assert service.is_overdue(case, due + timedelta(seconds=1))
    assert service.list_cases(session, prosecutor, overdue_at=due) == []
    assert service.list_cases(session, prosecutor, overdue_at=due + timedelta(days=1)) == [case]

    late = due + timedelta(days=5)
    service.record_reply(
        session, prosecutor, case.id, late, "已全面整改，追回养老金 4.2 万元", True, now=late
    )
    assert case.status == "replied"
    assert not service.is_overdue(case, late + timedelta(days=30))
    reply = session.scalars(select(CaseEvent).where(CaseEvent.kind == "reply")).one()
    assert reply.detail["on_time"] is False and reply.detail["rectified"] is True
    assert reply.detail["content"] == "已全面整改，追回养老金 4.2 万元"
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "case.reply")).one()
    assert "content" not in entry.detail
    assert entry.detail["length"] == len("已全面整改，追回养老金 4.2 万元")
    with pytest.raises(CaseError, match="before the document"):
        service.record_reply(
            session, prosecutor, case.id, T0 - timedelta(days=1), "x", True, now=late
        )
    with pytest.raises(CaseError, match="future"):
        service.record_reply(
            session, prosecutor, case.id, late + timedelta(days=1), "x", True, now=late
        )


def test_close_case_closes_its_clues_unless_another_case_is_open(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    shared, own = make_clue("k1"), make_clue("k2")
    case = service.create_case(
        session,
        prosecutor,
        [shared.id, own.id],
        "procuratorial_suggestion",
        "t",
        FACTS,
        "局",
        now=T0,
    )
    other = service.create_case(
        session, prosecutor, [shared.id], "crime_referral", "t", FACTS, "公安局", now=T0
    )
    with pytest.raises(CaseError, match="outcome"):
        service.close_case(session, prosecutor, case.id, " ", now=T0)
    service.close_case(session, prosecutor, case.id, "被建议单位已整改", now=T0)
    assert (case.status, case.outcome) == ("closed", "被建议单位已整改")
    assert (own.status, shared.status) == ("closed", "confirmed")
    with pytest.raises(CaseError, match="closed already"):
        service.close_case(session, prosecutor, case.id, "again", now=T0)
    with pytest.raises(CaseError, match="closed"):
        service.generate_document(session, settings, prosecutor, case.id, now=T0)
    service.close_case(session, prosecutor, other.id, "已移送公安机关立案", now=T0)
    assert shared.status == "closed"
    close = session.scalars(
        select(CaseEvent).where(CaseEvent.kind == "close", CaseEvent.case_id == other.id)
    ).one()
    assert close.detail["clues_closed"] == [shared.id]
    assert session.get(Clue, shared.id).status == "closed"  # type: ignore[union-attr]
    assert "clue.close" in _audit_actions(session)


def test_stale_version_is_a_conflict(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    case = _case(session, principal_of, make_clue)
    seen = case.version
    service.generate_document(session, settings, prosecutor, case.id, expected_version=seen, now=T0)
    with pytest.raises(CaseConflict, match="changed by someone else"):
        service.close_case(session, prosecutor, case.id, "x", expected_version=seen, now=T0)
    service.close_case(session, prosecutor, case.id, "x", expected_version=case.version, now=T0)
    assert case.status == "closed"


def test_two_sessions_one_wins(
    engine: Engine, principal_of: PrincipalFactory, make_clue: ClueFactory, session: Session
) -> None:
    """Both read version 1 (each in a transaction of its own, as two web requests would:
    SQLite serialises transactions); the first close commits, the second is a conflict."""
    case = _case(session, principal_of, make_clue)
    prosecutor = principal_of("yc")
    case_id = case.id
    session.commit()  # ends its transaction (SQLite: one at a time; expired objects reload)
    with (
        Session(engine, expire_on_commit=False) as first,
        Session(engine, expire_on_commit=False) as second,
    ):
        a = service.get_case(first, prosecutor, case_id)
        first.commit()
        b = service.get_case(second, prosecutor, case_id)
        second.commit()
        assert a.version == b.version
        service.close_case(first, prosecutor, a.id, "甲办结", expected_version=a.version)
        first.commit()
        with pytest.raises(CaseConflict):
            service.close_case(second, prosecutor, b.id, "乙办结", expected_version=b.version)
        second.rollback()
    assert session.get(type(case), case_id).outcome == "甲办结"  # type: ignore[union-attr]


def test_documents_and_history_listing(
    session: Session, settings: Settings, principal_of: PrincipalFactory, make_clue: ClueFactory
) -> None:
    prosecutor = principal_of("yc")
    case = _case(session, principal_of, make_clue)
    service.generate_document(session, settings, prosecutor, case.id, now=T0)
    assert [d.doc_no for d in service.documents(session, prosecutor, case.id)] == [
        "越检建〔2026〕1号"
    ]
    assert [e.kind for e in service.history(session, prosecutor, case.id)] == ["create", "document"]
    described = service.describe(session, case, now=T0)
    assert described["case_type_zh"] == "检察建议"
    assert described["reply_due_at"] == "2026-05-10T02:00:00+00:00"
    assert described["clue_ids"] == service.case_clue_ids(session, case.id)
    assert session.scalars(select(CaseDocument)).one().template == "procuratorial_suggestion"
    assert MODEL in {c.model_id for c in session.scalars(select(Clue))}
