"""Supervision cases: create from confirmed clues, issue documents, track replies, close.

The life of a case (statuses in `jiandu.store.schema.CASE_STATUSES`, labels in
`jiandu.cases.types.CASE_STATUS_ZH`):

    open ──generate_document──▶ document_issued ──record_service──▶ awaiting_reply
                                      │                                 │
                                      └──────────record_reply───────────┴──▶ replied
    any status but closed ──close_case──▶ closed

- `create_case` groups confirmed (成案) clues the caller holds into a case of a type
  (`jiandu.cases.types.CASE_TYPES`); each clue gets a 'case' event through
  `jiandu.clues.service.link_case`.
- `generate_document` writes the type's document (.docx) under
  JIANDU_HOME/documents/<case id>/, records it with its SHA-256 and document number
  (文号), and on the first issue starts the reply deadline: `reply_due_at` = issue time
  + the type's period (two months for 检察建议).
- `record_service` records the day the document was served on (送达) the supervised
  unit: the case awaits the reply (`awaiting_reply`) and the deadline is counted again
  from that day, since the period runs from receipt ("自收到本检察建议书之日起两个月以内",
  《人民检察院检察建议工作规定》第十九条). Until service is recorded, the deadline
  counted from the issue date stands (service is never earlier than issue, so it errs
  on the early side).
- `record_reply` records the supervised unit's answer and whether it rectified; a case
  is overdue while its deadline has passed without a reply (`is_overdue`), whether or
  not service was recorded.
- `close_case` records the outcome and closes the case's clues
  (`jiandu.clues.service.close_for_case`), except clues still part of another open case.

Row scope: a case belongs to the unit of the person who created it (`owner_unit`); a
principal sees it when it sees that unit or the case is shared with one of its units
(`jiandu.security.scope.sees`); anything else is `NotFound`. Every change writes a
`CaseEvent` and an audit entry in the caller's transaction; audit details hold ids,
statuses and counts, never the facts or the reply's text.

Optimistic locking: `SupervisionCase.version` is SQLAlchemy's version column; callers
that pass `expected_version` get `CaseConflict` when somebody changed the case since.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, exc, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from jiandu.cases.documents import DocumentContent, render
from jiandu.cases.types import (
    AWAITING_STATUSES,
    CASE_TYPES,
    CaseError,
    CaseType,
    case_type,
    chinese_date,
    template,
)
from jiandu.clues import service as clues
from jiandu.config import Settings
from jiandu.models.errors import ModelError
from jiandu.models.registry import get_model
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.scope import owner, root_unit_id, sees, shared_with
from jiandu.security.units import procuratorate_of
from jiandu.store.schema import (
    CaseClue,
    CaseDocument,
    CaseEvent,
    Clue,
    OrgUnit,
    SupervisionCase,
    utcnow,
)

#: Documents are dated in China Standard Time (UTC+8, no daylight saving).
CHINA_TIME = timezone(timedelta(hours=8), "CST")
#: Clue statuses a case can be made from: 成案, and 已移送 (a confirmed clue the
#: receiving unit accepted; it closes with the case, `clues.close_for_case`).
_CASEABLE = frozenset({"confirmed", "transferred"})
#: How often `create_case` retries when a concurrent case took its number.
_CASE_NO_ATTEMPTS = 5
# Administrative components of a place name, longest suffixes first.
_PLACE = re.compile(r".+?(?:自治区|自治州|自治县|特别行政区|省|市|地区|盟|区|县|旗)")
_CASE_NO = re.compile(r"(\d+)$")
_DOC_SEQ = re.compile(r"〔\d{4}〕(\d+)号$")
# A gloss in full-width brackets at the end of a legal-basis entry ("…第十条（起拍价…）"),
# unless it is a document number such as （法释〔2011〕5号）.
_GLOSS = re.compile(r"（(?![^（）]*〔\d{4}〕)[^（）]*）$")


class CaseConflict(CaseError):
    """The case changed since the caller read it (optimistic lock): reload and retry."""

    def __init__(self, case_id: str, expected: int | None, current: int | None) -> None:
        self.case_id = case_id
        super().__init__(
            f"案件 {case_id} 已被他人修改（您看到的是第 {expected} 版，当前为第 {current} 版），"
            "请刷新后重试",
            f"case {case_id} was changed by someone else (you saw version {expected}, it is "
            f"now version {current}); reload it and try again",
        )


def new_case_id() -> str:
    """A case id such as 'K3f9a0c1b2d4e5f60' (64 random bits)."""
    return f"K{secrets.token_hex(8)}"


def _now(now: datetime | None) -> datetime:
    moment = now or utcnow()
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime")
    return moment.astimezone(UTC)


def _aware(value: datetime | None) -> datetime | None:
    """A stored time as UTC-aware (SQLite gives naive values back)."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _china_day(moment: datetime) -> date:
    """The calendar day of `moment` in China (documents and replies are dated there)."""
    return moment.astimezone(CHINA_TIME).date()


def _iso(value: datetime | None) -> str | None:
    aware = _aware(value)
    return aware.isoformat() if aware is not None else None


# ------------------------------------------------------------------------- row scope


def list_cases(
    session: Session,
    principal: Principal,
    *,
    status: str | None = None,
    type_id: str | None = None,
    overdue_at: datetime | None = None,
) -> list[SupervisionCase]:
    """The cases the caller may read (`cases.read`), newest first, optionally filtered.

    `overdue_at` keeps only the cases overdue at that moment (see `is_overdue`).
    """
    principal.require(Permission.CASES_READ)
    query = select(SupervisionCase)
    if not principal.all_units:
        units = sorted(principal.visible_units)
        root = root_unit_id(session)
        where: ColumnElement[bool] = SupervisionCase.owner_unit.in_(units)
        if root is not None and root in units:
            where = where | SupervisionCase.owner_unit.is_(None)
        shared = shared_with(session, principal, "case")
        if shared:
            where = where | SupervisionCase.id.in_(sorted(shared))
        query = query.where(where)
    if status is not None:
        query = query.where(SupervisionCase.status == status)
    if type_id is not None:
        query = query.where(SupervisionCase.case_type == case_type(type_id).id)
    if overdue_at is not None:
        query = query.where(
            SupervisionCase.reply_due_at.is_not(None),
            SupervisionCase.reply_due_at < _now(overdue_at),
            SupervisionCase.status.in_(sorted(AWAITING_STATUSES)),
        )
    query = query.order_by(SupervisionCase.created_at.desc(), SupervisionCase.id)
    return list(session.scalars(query))


def get_case(session: Session, principal: Principal, case_id: str) -> SupervisionCase:
    """A case the caller may read (`cases.read`); `NotFound` otherwise."""
    principal.require(Permission.CASES_READ)
    case = session.get(SupervisionCase, case_id)
    if case is None or not sees(session, principal, "case", case.id, case.owner_unit):
        raise NotFound("case", case_id)
    return case


def _writable_case(
    session: Session, principal: Principal, case_id: str, expected_version: int | None
) -> SupervisionCase:
    case = get_case(session, principal, case_id)
    principal.require(Permission.CASES_WRITE)
    if expected_version is not None and case.version != expected_version:
        raise CaseConflict(case.id, expected_version, case.version)
    return case


def is_overdue(case: SupervisionCase, now: datetime | None = None) -> bool:
    """True when the reply deadline has passed and no reply was recorded."""
    due = _aware(case.reply_due_at)
    return due is not None and case.status in AWAITING_STATUSES and due < _now(now)


def case_clue_ids(session: Session, case_id: str) -> list[str]:
    """Ids of the clues a case was made from, sorted."""
    query = select(CaseClue.clue_id).where(CaseClue.case_id == case_id)
    return sorted(session.scalars(query))


def documents(session: Session, principal: Principal, case_id: str) -> list[CaseDocument]:
    """The case's documents, oldest first."""
    case = get_case(session, principal, case_id)
    query = select(CaseDocument).where(CaseDocument.case_id == case.id)
    return list(session.scalars(query.order_by(CaseDocument.generated_at, CaseDocument.id)))


def history(session: Session, principal: Principal, case_id: str) -> list[CaseEvent]:
    """Everything that happened to the case, in order."""
    case = get_case(session, principal, case_id)
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)
    return list(session.scalars(query))


# ------------------------------------------------------------------------ recording


def _event(
    session: Session,
    case: SupervisionCase,
    principal: Principal,
    kind: str,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    detail: Mapping[str, Any] | None = None,
    now: datetime,
) -> None:
    session.add(
        CaseEvent(
            case_id=case.id,
            at=now,
            actor=principal.user_id,
            kind=kind,
            from_status=from_status,
            to_status=to_status,
            detail=dict(detail or {}),
        )
    )


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    case: SupervisionCase,
    detail: Mapping[str, Any],
    now: datetime,
) -> None:
    audit.record(
        session,
        actor=principal.user_id,
        action=action,
        object_kind="case",
        object_id=case.id,
        unit_id=principal.unit_id,
        detail=dict(detail),
        now=now,
    )


def _flush(session: Session, case: SupervisionCase, expected_version: int | None) -> None:
    """Write the case's UPDATE now; a concurrent writer that got there first is a
    `CaseConflict`.

    PostgreSQL re-reads the row and the `WHERE version = …` matches nothing
    (SQLAlchemy's `StaleDataError`). SQLite (WAL) refuses a write from a transaction
    whose snapshot predates another writer's commit ("database is locked", at once);
    that is the same conflict, and the same advice (reload, retry) holds when the lock
    is simply held for longer than the busy timeout.
    """
    case_id = case.id  # the failed flush expires the object: read it before
    sqlite = session.get_bind().dialect.name == "sqlite"
    try:
        session.flush()
    except StaleDataError as error:
        raise CaseConflict(case_id, expected_version, None) from error
    except exc.OperationalError as error:
        if sqlite and "locked" in str(error.orig):
            raise CaseConflict(case_id, expected_version, None) from error
        raise


# --------------------------------------------------------------------------- create


def _owner_unit(session: Session, principal: Principal, clue_rows: Sequence[Clue]) -> str | None:
    """The unit a new case belongs to: the creator's, or (for the system principal) the
    unit holding the first clue."""
    if principal.unit_id is not None:
        return principal.unit_id
    return clues.holder_of(session, clue_rows[0])


def _next_case_no(session: Session, year: int, unit: str) -> str:
    prefix = f"{year}-{unit}-"
    taken = session.scalars(
        select(SupervisionCase.case_no).where(
            SupervisionCase.case_no.startswith(prefix, autoescape=True)
        )
    )
    highest = 0
    for case_no in taken:
        match = _CASE_NO.search(case_no)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}{highest + 1:04d}"


def create_case(
    session: Session,
    principal: Principal,
    clue_ids: Iterable[str],
    case_type_id: str,
    title: str,
    facts: str,
    supervised_unit: str | None,
    *,
    now: datetime | None = None,
) -> SupervisionCase:
    """Make a case of `case_type_id` from confirmed clues the caller holds.

    Every clue must be readable and held by a unit the caller sees
    (`clues.actionable_clue`) and 成案 (confirmed) — or 已移送 (transferred): a
    confirmed clue another unit accepted by transfer is that unit's to take to a case;
    the first that is not stops the whole case. The case number reads
    '<year>-<unit>-<seq>' (e.g. 2026-yc-0003), counted per owner unit and year; two
    cases created at once never share one (the loser of the unique index retries with
    the next number).
    """
    principal.require(Permission.CASES_WRITE)
    moment = _now(now)
    kind = case_type(case_type_id)
    title, facts = title.strip(), facts.strip()
    if not title:
        raise CaseError("案件名称不能为空", "a case needs a title")
    if not facts:
        raise CaseError("须写明经审查查明的事实", "a case needs its facts as established")
    wanted = list(dict.fromkeys(clue_ids))
    if not wanted:
        raise CaseError("案件至少要包含一条线索", "a case needs at least one clue")
    clue_rows = [clues.actionable_clue(session, principal, clue_id) for clue_id in wanted]
    for clue in clue_rows:
        if clue.status not in _CASEABLE:
            raise CaseError(
                f"线索 {clue.id} 尚未认定成案，不能立案办理",
                f"clue {clue.id} is not confirmed (status {clue.status}); only confirmed "
                "clues (or confirmed clues a unit accepted by transfer) become cases",
            )
    unit = _owner_unit(session, principal, clue_rows)
    year = moment.astimezone(CHINA_TIME).year
    supervised = (supervised_unit or "").strip() or None
    case: SupervisionCase | None = None
    for _attempt in range(_CASE_NO_ATTEMPTS):
        candidate = SupervisionCase(
            id=new_case_id(),
            case_no=_next_case_no(session, year, unit or "root"),
            case_type=kind.id,
            title=title,
            facts=facts,
            owner_unit=unit,
            supervised_unit=supervised,
            status="open",
            created_by=principal.user_id,
            created_at=moment,
        )
        try:
            with session.begin_nested():
                session.add(candidate)
        except exc.IntegrityError:
            continue  # a concurrent case took the number: count again
        case = candidate
        break
    if case is None:
        raise CaseError(
            "案件编号冲突，请重试", "could not allocate a case number (concurrent cases); retry"
        )
    for clue in clue_rows:
        session.add(CaseClue(case_id=case.id, clue_id=clue.id))
    session.flush()
    for clue in clue_rows:
        clues.link_case(session, principal, clue.id, case.id, now=moment)
    detail = {"case_no": case.case_no, "case_type": kind.id, "clues": [c.id for c in clue_rows]}
    _event(session, case, principal, "create", to_status="open", detail=detail, now=moment)
    _audit(session, principal, "case.create", case, detail, moment)
    session.flush()
    return case


# ------------------------------------------------------------------------ documents


def short_name(procuratorate: str) -> str:
    """The one-character short name documents use for a procuratorate: 越 for
    绍兴市越城区人民检察院, 绍 for 绍兴市人民检察院, 浙 for 浙江省人民检察院 (the first
    character of the last place in its name)."""
    place = procuratorate.replace("人民检察院", "").replace("检察院", "").strip()
    parts = _PLACE.findall(place)
    last = parts[-1] if parts else place
    return last[:1] or "本"


def legal_basis(session: Session, case_id: str) -> list[str]:
    """The laws the case's clues' models rely on, in order, without repeats or glosses.

    A model version that no longer exists (an imported model removed) contributes
    nothing; the document then cites only the template's grounds.
    """
    query = (
        select(Clue.model_id, Clue.model_version)
        .join(CaseClue, CaseClue.clue_id == Clue.id)
        .where(CaseClue.case_id == case_id)
        .distinct()
        .order_by(Clue.model_id, Clue.model_version)
    )
    found: list[str] = []
    for model_id, version in session.execute(query):
        try:
            spec = get_model(session, model_id, version).spec
        except ModelError:
            continue
        for entry in spec.legal_basis:
            text = _GLOSS.sub("", entry.strip())
            if text and text not in found:
                found.append(text)
    return found


def _procuratorate(session: Session, case: SupervisionCase) -> OrgUnit:
    unit_id = owner(session, case.owner_unit)
    unit = session.get(OrgUnit, unit_id) if unit_id is not None else None
    if unit is None:
        raise CaseError(
            "本机尚未建立单位（检察院），无法制作文书；请先用 `jiandu units add` 建立本院",
            "no unit (procuratorate) is set up, so no document can be issued; create one "
            "with `jiandu units add`",
        )
    return procuratorate_of(session, unit)


def _doc_no(session: Session, case: SupervisionCase, prefix: str, template_id: str) -> str:
    """The case's existing number for this template, or the next free one for `prefix`
    (…〔2026〕 then N号); numbers count per prefix, so per procuratorate and year."""
    existing = session.scalar(
        select(CaseDocument.doc_no)
        .where(CaseDocument.case_id == case.id, CaseDocument.template == template_id)
        .order_by(CaseDocument.generated_at)
        .limit(1)
    )
    if existing is not None and existing.startswith(prefix):
        return existing
    taken = session.scalars(
        select(CaseDocument.doc_no).where(CaseDocument.doc_no.startswith(prefix, autoescape=True))
    )
    highest = 0
    for doc_no in taken:
        match = _DOC_SEQ.search(doc_no or "")
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix}{highest + 1}号"


def document_content(
    session: Session,
    case: SupervisionCase,
    kind: CaseType,
    template_id: str,
    *,
    issued_at: datetime,
    requests: Sequence[str] | None = None,
) -> DocumentContent:
    """What the document of `case` says (its number is allocated here)."""
    chosen = template(template_id)
    if not case.supervised_unit:
        raise CaseError(
            f"案件 {case.case_no} 未填写被监督单位（主送单位），无法制作文书",
            f"case {case.case_no} names no supervised unit (the addressee); set it first",
        )
    procuratorate = _procuratorate(session, case)
    local = issued_at.astimezone(CHINA_TIME)
    prefix = f"{short_name(procuratorate.name)}检{chosen.doc_code}〔{local.year}〕"
    laws = legal_basis(session, case.id)
    law = f"依照{'、'.join(laws)}的规定，" if laws else ""
    demands = tuple(r.strip() for r in (requests or chosen.requests) if r.strip())
    if not demands:
        raise CaseError("建议事项不能为空", "the document needs at least one demand")
    facts = tuple(p.strip() for p in case.facts.splitlines() if p.strip())
    return DocumentContent(
        procuratorate=procuratorate.name,
        title=chosen.title,
        doc_no=_doc_no(session, case, prefix, chosen.id),
        addressee=case.supervised_unit,
        opening=chosen.opening.format(title=case.title.rstrip("。")),
        facts=facts,
        conclusion=chosen.conclusion.format(law=law, basis="、".join(chosen.basis)),
        requests_heading=chosen.requests_heading,
        requests=demands,
        reply=chosen.reply.format(period=kind.reply_period.label_zh),
        date=chinese_date(local),
    )


@dataclass(frozen=True)
class IssuedDocument:
    """A generated document: its row and where its file lies."""

    row: CaseDocument
    path: Path


def generate_document(
    session: Session,
    settings: Settings,
    principal: Principal,
    case_id: str,
    template_id: str | None = None,
    *,
    requests: Sequence[str] | None = None,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> IssuedDocument:
    """Write the case's document (.docx) and record it.

    `template_id` defaults to the case type's own template. The file goes to
    JIANDU_HOME/documents/<case id>/<document id>.docx (written under a temporary name,
    renamed into place, removed again if recording it fails). An open case becomes
    `document_issued`, and the first issue starts the reply deadline; a later document
    (a corrected version keeps its number) leaves status and deadline alone. A closed
    case takes no documents.
    """
    moment = _now(now)
    case = _writable_case(session, principal, case_id, expected_version)
    if case.status == "closed":
        raise CaseError(
            f"案件 {case.case_no} 已办结，不能再制作文书",
            f"case {case.case_no} is closed; it takes no more documents",
        )
    kind = CASE_TYPES[case.case_type]
    chosen_id = template_id or kind.template.id
    content = document_content(session, case, kind, chosen_id, issued_at=moment, requests=requests)
    data = render(content)
    document_id = secrets.token_hex(16)
    folder = settings.home / "documents" / case.id
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{document_id}.docx"
    partial = folder / f".{document_id}.partial"
    partial.write_bytes(data)
    partial.rename(target)
    try:
        row = CaseDocument(
            id=document_id,
            case_id=case.id,
            template=chosen_id,
            doc_no=content.doc_no,
            path=target.relative_to(settings.home).as_posix(),
            sha256=hashlib.sha256(data).hexdigest(),
            generated_by=principal.user_id,
            generated_at=moment,
        )
        session.add(row)
        before = case.status
        if case.status == "open":
            case.status = "document_issued"
        if case.reply_due_at is None:
            case.reply_due_at = kind.reply_period.due(moment)
        _flush(session, case, expected_version)
        detail = {
            "document_id": document_id,
            "template": chosen_id,
            "doc_no": content.doc_no,
            "sha256": row.sha256,
            "reply_due_at": _iso(case.reply_due_at),
        }
        _event(
            session,
            case,
            principal,
            "document",
            from_status=before,
            to_status=case.status,
            detail=detail,
            now=moment,
        )
        _audit(session, principal, "case.document", case, detail, moment)
        session.flush()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return IssuedDocument(row=row, path=target)


# -------------------------------------------------------------------------- service


def deadline_after_service(kind: CaseType, served_on: date) -> datetime:
    """The reply deadline of a `kind` document served on the China-time day `served_on`:
    the end (23:59:59.999999 China time) of the period's last day, in UTC.

    The day of service is not counted and a period in months ends on the corresponding
    day (《中华人民共和国民事诉讼法》第八十五条): served 10 March, two months → 10 May;
    fifteen days → 25 March; 31 December + two months → the end of February. A last
    day falling on a public holiday is not moved to the next working day: the platform
    keeps no holiday calendar, so such a deadline errs on the early side.
    """
    last_day = kind.reply_period.due(datetime.combine(served_on, time.min)).date()
    return datetime.combine(last_day, time.max, CHINA_TIME).astimezone(UTC)


def service_date(session: Session, case_id: str) -> date | None:
    """The China-time day the case's document was last recorded as served (None: never).

    Read from the latest 'serve' event, which is where `record_service` keeps it.
    """
    detail = session.scalar(
        select(CaseEvent.detail)
        .where(CaseEvent.case_id == case_id, CaseEvent.kind == "serve")
        .order_by(CaseEvent.id.desc())
        .limit(1)
    )
    if not detail or not isinstance(detail.get("served_on"), str):
        return None
    return date.fromisoformat(detail["served_on"])


def record_service(
    session: Session,
    principal: Principal,
    case_id: str,
    served_at: datetime,
    *,
    expected_version: int | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> SupervisionCase:
    """Record that the case's document was served on (送达) the supervised unit.

    The case moves from `document_issued` to `awaiting_reply`, and `reply_due_at` is
    counted again from the China-time day of `served_at` (`deadline_after_service`):
    the addressee's period runs from receipt, not from the date on the document. Only a
    case with an issued document and no reply yet can be served; the day may be neither
    in the future nor before the first document's issue day. Recording service again on
    an `awaiting_reply` case (a date entered wrongly, or the document served anew)
    moves the deadline again; the event keeps the previous deadline, so nothing is lost.

    `note` (e.g. how it was served: 直接送达, 邮寄送达, the receipt number) is kept in the
    case's history, not in the audit log, which records the dates only.
    """
    moment = _now(now)
    served = _now(served_at)
    case = _writable_case(session, principal, case_id, expected_version)
    if case.status not in AWAITING_STATUSES:
        raise CaseError(
            f"案件 {case.case_no} 尚未制发文书、已回复或已办结，不能登记送达",
            f"case {case.case_no} has no issued document, was answered already or is "
            f"closed (status {case.status}); no service can be recorded",
        )
    if served > moment:
        raise CaseError("送达日期不能晚于当前时间", "the document cannot be served in the future")
    served_on = _china_day(served)
    first_issued = _aware(
        session.scalar(
            select(func.min(CaseDocument.generated_at)).where(CaseDocument.case_id == case.id)
        )
    )
    if first_issued is not None and served_on < _china_day(first_issued):
        raise CaseError(
            "送达日期早于文书制发日期",
            "the document cannot be served before it was issued",
        )
    text = (note or "").strip() or None
    before, previous_due = case.status, _iso(case.reply_due_at)
    case.status = "awaiting_reply"
    case.reply_due_at = deadline_after_service(CASE_TYPES[case.case_type], served_on)
    _flush(session, case, expected_version)
    detail = {
        "served_on": served_on.isoformat(),
        "reply_due_at": _iso(case.reply_due_at),
        "previous_due_at": previous_due,
    }
    _event(
        session,
        case,
        principal,
        "serve",
        from_status=before,
        to_status="awaiting_reply",
        detail={**detail, "note": text} if text else detail,
        now=moment,
    )
    _audit(session, principal, "case.serve", case, {**detail, "from": before}, moment)
    session.flush()
    return case


# -------------------------------------------------------------------- reply, close


def record_reply(
    session: Session,
    principal: Principal,
    case_id: str,
    received_at: datetime,
    content: str,
    rectified: bool,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> SupervisionCase:
    """Record the supervised unit's written reply and whether it rectified.

    Only a case whose document was issued can be answered; a later reply (a report on
    rectification after a first answer) is recorded too. The event keeps the reply's
    text and whether it came on time (`received_at` ≤ `reply_due_at`).
    """
    moment = _now(now)
    received = _now(received_at)
    case = _writable_case(session, principal, case_id, expected_version)
    if case.status not in AWAITING_STATUSES | {"replied"}:
        raise CaseError(
            f"案件 {case.case_no} 尚未制发文书或已办结，不能登记回复",
            f"case {case.case_no} has no issued document or is closed (status "
            f"{case.status}); no reply can be recorded",
        )
    body = content.strip()
    if not body:
        raise CaseError("回复内容不能为空", "the reply needs its content")
    if received > moment:
        raise CaseError("回复日期不能晚于当前时间", "the reply cannot be received in the future")
    first_issued = _aware(
        session.scalar(
            select(func.min(CaseDocument.generated_at)).where(CaseDocument.case_id == case.id)
        )
    )
    if first_issued is not None and _china_day(received) < _china_day(first_issued):
        raise CaseError(
            "回复日期早于文书制发日期",
            "the reply cannot be received before the document was issued",
        )
    due = _aware(case.reply_due_at)
    on_time = due is None or received <= due
    before = case.status
    case.status = "replied"
    _flush(session, case, expected_version)
    detail = {"received_at": received.isoformat(), "rectified": rectified, "on_time": on_time}
    _event(
        session,
        case,
        principal,
        "reply",
        from_status=before,
        to_status="replied",
        detail={**detail, "content": body},
        now=moment,
    )
    _audit(session, principal, "case.reply", case, {**detail, "length": len(body)}, moment)
    session.flush()
    return case


def close_case(
    session: Session,
    principal: Principal,
    case_id: str,
    outcome: str,
    *,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> SupervisionCase:
    """Close the case with its outcome (办结情况) and close its clues.

    A clue that is also part of another case still open stays as it is: that case
    closes it. Closing an already closed case is refused (its outcome stands).
    """
    moment = _now(now)
    case = _writable_case(session, principal, case_id, expected_version)
    text = outcome.strip()
    if not text:
        raise CaseError("须写明办结情况", "closing a case needs its outcome")
    if case.status == "closed":
        raise CaseError(f"案件 {case.case_no} 已办结", f"case {case.case_no} is closed already")
    before = case.status
    case.status = "closed"
    case.outcome = text
    case.closed_at = moment
    _flush(session, case, expected_version)
    closed: list[str] = []
    for clue_id in case_clue_ids(session, case.id):
        still_open = session.scalar(
            select(func.count())
            .select_from(CaseClue)
            .join(SupervisionCase, SupervisionCase.id == CaseClue.case_id)
            .where(
                CaseClue.clue_id == clue_id,
                CaseClue.case_id != case.id,
                SupervisionCase.status != "closed",
            )
        )
        if not still_open:
            clues.close_for_case(session, principal, clue_id, case.id, now=moment)
            closed.append(clue_id)
    _event(
        session,
        case,
        principal,
        "close",
        from_status=before,
        to_status="closed",
        detail={"outcome": text, "clues_closed": closed},
        now=moment,
    )
    _audit(session, principal, "case.close", case, {"from": before, "clues_closed": closed}, moment)
    session.flush()
    return case


# ------------------------------------------------------------------------- describe


def describe(
    session: Session, case: SupervisionCase, *, now: datetime | None = None
) -> dict[str, Any]:
    """The case's fields as JSON-typed values, with its clue ids and labels.

    `served_on` is the China-time day its document was served (`record_service`), or
    None while service is not recorded.
    """
    kind = CASE_TYPES.get(case.case_type)
    served_on = service_date(session, case.id)
    return {
        "id": case.id,
        "case_no": case.case_no,
        "case_type": case.case_type,
        "case_type_zh": kind.label_zh if kind else case.case_type,
        "title": case.title,
        "facts": case.facts,
        "owner_unit": case.owner_unit,
        "supervised_unit": case.supervised_unit,
        "status": case.status,
        "served_on": served_on.isoformat() if served_on is not None else None,
        "reply_due_at": _iso(case.reply_due_at),
        "overdue": is_overdue(case, now),
        "created_by": case.created_by,
        "created_at": _iso(case.created_at),
        "closed_at": _iso(case.closed_at),
        "outcome": case.outcome,
        "version": case.version,
        "clue_ids": case_clue_ids(session, case.id),
    }
