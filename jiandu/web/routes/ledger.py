"""一本账 (the ledger): what the caller's units did, in figures, and the model leaderboard.

`GET /api/ledger` counts, for the units the caller sees (their own, and for leaders the
units below; never a sibling's or an ancestor's), what happened in a date range (by
default the last twelve months, China time):

- model runs started, models used, hits found (models available: the whole library);
- clues found, by current status; verified (confirmed or rejected, and what followed,
  as `jiandu.cases.outcomes` counts them), confirmed, rejected, overdue;
  verification rate = verified / clues, confirmation rate = confirmed / verified;
- transfers sent, and of those accepted, returned, still waiting;
- cases opened, by type and status, overdue; documents issued; replies received and
  how many reported rectification (rectification rate = rectified / replies);

as totals, per unit and per month. **Each object counts once, for the unit that holds it**:
a clue for its holder (its owner until somebody accepted a transfer), a run, a case for
its owner, a transfer for its sender, documents and replies for their case's owner. A
department's figures are its procuratorate's; objects without an owner are the root
unit's. Clues merely shared with a unit, or sent to it and not yet accepted, stay in the
holder's ledger, so no unit ever shows a sibling's work.

`GET /api/ledger/leaderboard` ranks models by confirmed clues, precision, cases and
rectification over the clues the caller may read (`jiandu.cases.outcomes.model_outcomes`).

Every figure is a SQL aggregate (GROUP BY over a subquery that labels each row with the
unit it counts for), whatever the size of the tables.

Permission: `cases.read`. The ledger is mostly about supervision cases (opened,
documents, replies, rectification), which need `cases.read`; `clues.read` alone is also
held by external liaisons, who may read only the clues sent to them and must not see a
procuratorate's figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy import ColumnElement, Select, String, and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session

from jiandu.cases.outcomes import model_outcomes
from jiandu.cases.types import AWAITING_STATUSES, CASE_STATUS_ZH, CASE_TYPES
from jiandu.clues import service as clue_service
from jiandu.errors import JianduError
from jiandu.models.registry import available_models
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.units import list_units, owning_procuratorate_ids
from jiandu.store.schema import (
    CASE_STATUSES,
    CLUE_STATUSES,
    CaseClue,
    CaseDocument,
    CaseEvent,
    Clue,
    ClueEvent,
    ClueTransfer,
    ModelRun,
    OrgUnit,
    SupervisionCase,
    utcnow,
)
from jiandu.web.guard import Caller, Db, requires

router = APIRouter(prefix="/api/ledger", tags=["ledger"])

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")
#: The longest range one request may ask for (one row per month in the series).
MAX_MONTHS = 120

CLUE_STATUS_EN = {
    "pending": "to verify",
    "verifying": "verifying",
    "confirmed": "confirmed",
    "rejected": "rejected",
    "transferred": "transferred",
    "closed": "closed",
}
CLUE_STATUS_ZH = {
    "pending": "待核查",
    "verifying": "核查中",
    "confirmed": "成案",
    "rejected": "不成案",
    "transferred": "已移送",
    "closed": "已办结",
}
CASE_STATUS_EN = {
    "open": "open",
    "document_issued": "document issued",
    "awaiting_reply": "awaiting reply",
    "replied": "replied",
    "closed": "closed",
}


class LedgerError(JianduError):
    """A ledger request that cannot be answered as asked (e.g. a reversed date range)."""


# ----------------------------------------------------------------------------- scope


@dataclass(frozen=True)
class _Scope:
    """The units whose objects count, and the row (unit) each of them counts for."""

    selected: frozenset[str]
    report: dict[str, str]  # unit id → the id of the unit it is reported under
    rows: list[OrgUnit]  # the reporting units, in tree order
    root: str | None

    def owner(self, *columns: Any) -> ColumnElement[Any]:
        """The unit an object belongs to: the first non-NULL column, else the root."""
        parts: list[Any] = list(columns)
        if self.root is not None:
            parts.append(literal(self.root, String()))
        return func.coalesce(*parts) if len(parts) > 1 else parts[0]

    def where(self, owner: Any) -> ColumnElement[bool]:
        return owner.in_(sorted(self.selected)) if self.selected else false()

    def row_unit(self, owner: Any) -> ColumnElement[Any]:
        """The reporting unit of `owner` (a SQL CASE over the selected units)."""
        if not self.report:
            return literal(None, String())
        return case(self.report, value=owner, else_=literal(None, String()))


def _scope(session: Session, principal: Principal, unit_id: str | None) -> _Scope:
    everything = list_units(session)
    by_id = {unit.id: unit for unit in everything}
    visible = set(by_id) if principal.all_units else set(principal.visible_units) & set(by_id)
    if unit_id is not None:
        if unit_id not in visible:
            raise NotFound("unit", unit_id)
        top = by_id[unit_id].path
        selected = {u for u in visible if by_id[u].path.startswith(top)}
    else:
        selected = visible
    owners = owning_procuratorate_ids(everything)
    report = {u: owners[u] if owners.get(u) in selected else u for u in sorted(selected)}
    rows = sorted({by_id[r] for r in report.values()}, key=lambda unit: unit.path)
    root = next((unit.id for unit in everything if unit.parent_id is None), None)
    return _Scope(frozenset(selected), report, rows, root)


# ----------------------------------------------------------------------------- range


@dataclass(frozen=True)
class _Range:
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(0), CHINA).astimezone(UTC)

    @property
    def end(self) -> datetime:  # exclusive
        return datetime.combine(self.last + timedelta(days=1), time(0), CHINA).astimezone(UTC)

    def holds(self, column: Any) -> ColumnElement[bool]:
        return and_(column >= self.start, column < self.end)

    def months(self) -> list[str]:
        found, year, month = [], self.first.year, self.first.month
        while (year, month) <= (self.last.year, self.last.month):
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


def _range(first: date | None, last: date | None) -> _Range:
    today = utcnow().astimezone(CHINA).date()
    last = last or today
    if first is None:
        year, month = last.year, last.month - 11
        if month < 1:
            year, month = year - 1, month + 12
        first = date(year, month, 1)
    if first > last:
        raise LedgerError(
            f"起始日期 {first.isoformat()} 晚于结束日期 {last.isoformat()}",
            f"the start date {first.isoformat()} is after the end date {last.isoformat()}",
        )
    span = _Range(first, last)
    if len(span.months()) > MAX_MONTHS:
        raise LedgerError(
            f"日期范围过长：最多 {MAX_MONTHS} 个月",
            f"the date range is too long: at most {MAX_MONTHS} months",
        )
    return span


def _month(session: Session, column: Any) -> ColumnElement[str]:
    """'YYYY-MM' of a UTC timestamp column, in China time, on SQLite or PostgreSQL."""
    if session.get_bind().dialect.name == "sqlite":
        # SQLite keeps UTC timestamps as text without a zone (jiandu.store.schema.UTCDateTime).
        return func.strftime("%Y-%m", column, "+8 hours")
    return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM")


# -------------------------------------------------------------------------- measures

#: A decided clue, as `jiandu.cases.outcomes` counts it.
_CONFIRMED = or_(
    Clue.status.in_(("confirmed", "transferred")),
    and_(Clue.status == "closed", Clue.rejection_reason.is_(None)),
)
_REJECTED = or_(
    Clue.status == "rejected",
    and_(Clue.status == "closed", Clue.rejection_reason.is_not(None)),
)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _blank() -> dict[str, Any]:
    return {
        "runs": 0,
        "runs_failed": 0,
        "models_used": 0,
        "hits": 0,
        "clues": 0,
        "clues_by_status": dict.fromkeys(CLUE_STATUSES, 0),
        "verified": 0,
        "confirmed": 0,
        "rejected": 0,
        "clues_overdue": 0,
        "transfers_sent": 0,
        "transfers_accepted": 0,
        "transfers_returned": 0,
        "transfers_pending": 0,
        "cases": 0,
        "cases_by_type": dict.fromkeys(CASE_TYPES, 0),
        "cases_by_status": dict.fromkeys(CASE_STATUSES, 0),
        "cases_overdue": 0,
        "documents": 0,
        "replies": 0,
        "rectified": 0,
    }


def _with_rates(measures: dict[str, Any]) -> dict[str, Any]:
    measures["verified"] = measures["confirmed"] + measures["rejected"]
    measures["verification_rate"] = _ratio(measures["verified"], measures["clues"])
    measures["confirmation_rate"] = _ratio(measures["confirmed"], measures["verified"])
    measures["rectification_rate"] = _ratio(measures["rectified"], measures["replies"])
    return measures


def _int(value: Any) -> int:
    return int(value or 0)


def _per_unit(
    session: Session, scope: _Scope, span: _Range, now: datetime
) -> dict[str, dict[str, Any]]:
    """The measures of each reporting unit (six grouped queries)."""
    found: dict[str, dict[str, Any]] = {unit.id: _blank() for unit in scope.rows}

    def rows_of(query: Select[Any]) -> list[Any]:
        return [row for row in session.execute(query).all() if row[0] in found]

    # Runs started in the range.
    owner = scope.owner(ModelRun.owner_unit)
    runs = (
        select(
            scope.row_unit(owner).label("unit"),
            ModelRun.model_id.label("model_id"),
            _flag(ModelRun.status == "failed").label("failed"),
            case((ModelRun.status == "succeeded", ModelRun.hit_count), else_=0).label("hits"),
        )
        .where(scope.where(owner), span.holds(ModelRun.started_at))
        .subquery()
    )
    for unit, count, models, failed, hits in rows_of(
        select(
            runs.c.unit,
            func.count(),
            func.count(func.distinct(runs.c.model_id)),
            func.sum(runs.c.failed),
            func.sum(runs.c.hits),
        ).group_by(runs.c.unit)
    ):
        measures = found[unit]
        measures.update(runs=_int(count), models_used=_int(models), runs_failed=_int(failed))
        measures["hits"] = _int(hits)

    # Clues found in the range, by their status now.
    owner = scope.owner(Clue.holder_unit, Clue.owner_unit)
    overdue = and_(Clue.due_at.is_not(None), Clue.due_at < now, Clue.status != "closed")
    clue_rows = (
        select(
            scope.row_unit(owner).label("unit"),
            Clue.status.label("status"),
            _flag(_CONFIRMED).label("confirmed"),
            _flag(_REJECTED).label("rejected"),
            _flag(overdue).label("overdue"),
        )
        .where(scope.where(owner), span.holds(Clue.created_at))
        .subquery()
    )
    for unit, status, count, yes, no, late in rows_of(
        select(
            clue_rows.c.unit,
            clue_rows.c.status,
            func.count(),
            func.sum(clue_rows.c.confirmed),
            func.sum(clue_rows.c.rejected),
            func.sum(clue_rows.c.overdue),
        ).group_by(clue_rows.c.unit, clue_rows.c.status)
    ):
        measures = found[unit]
        measures["clues"] += _int(count)
        by_status = measures["clues_by_status"]
        by_status[status] = by_status.get(status, 0) + _int(count)
        measures["confirmed"] += _int(yes)
        measures["rejected"] += _int(no)
        measures["clues_overdue"] += _int(late)

    # Transfers sent in the range, counted for the sender.
    sent = (
        select(
            scope.row_unit(ClueTransfer.from_unit).label("unit"),
            ClueTransfer.status.label("status"),
        )
        .where(scope.where(ClueTransfer.from_unit), span.holds(ClueTransfer.sent_at))
        .subquery()
    )
    for unit, status, count in rows_of(
        select(sent.c.unit, sent.c.status, func.count()).group_by(sent.c.unit, sent.c.status)
    ):
        measures = found[unit]
        measures["transfers_sent"] += _int(count)
        bucket = {"accepted": "transfers_accepted", "returned": "transfers_returned"}
        measures[bucket.get(status, "transfers_pending")] += _int(count)

    # Cases opened in the range, by type and status now.
    case_owner = scope.owner(SupervisionCase.owner_unit)
    late_case = and_(
        SupervisionCase.reply_due_at.is_not(None),
        SupervisionCase.reply_due_at < now,
        SupervisionCase.status.in_(sorted(AWAITING_STATUSES)),
    )
    cases = (
        select(
            scope.row_unit(case_owner).label("unit"),
            SupervisionCase.case_type.label("case_type"),
            SupervisionCase.status.label("status"),
            _flag(late_case).label("overdue"),
        )
        .where(scope.where(case_owner), span.holds(SupervisionCase.created_at))
        .subquery()
    )
    for unit, case_type, status, count, late in rows_of(
        select(
            cases.c.unit, cases.c.case_type, cases.c.status, func.count(), func.sum(cases.c.overdue)
        ).group_by(cases.c.unit, cases.c.case_type, cases.c.status)
    ):
        measures = found[unit]
        measures["cases"] += _int(count)
        for key, value in (("cases_by_type", case_type), ("cases_by_status", status)):
            measures[key][value] = measures[key].get(value, 0) + _int(count)
        measures["cases_overdue"] += _int(late)

    # Documents issued in the range, for their case's owner.
    documents = (
        select(scope.row_unit(case_owner).label("unit"))
        .select_from(CaseDocument)
        .join(SupervisionCase, SupervisionCase.id == CaseDocument.case_id)
        .where(scope.where(case_owner), span.holds(CaseDocument.generated_at))
        .subquery()
    )
    for unit, count in rows_of(select(documents.c.unit, func.count()).group_by(documents.c.unit)):
        found[unit]["documents"] = _int(count)

    # Replies recorded in the range: cases answered, and those reporting rectification.
    replies = (
        select(
            scope.row_unit(case_owner).label("unit"),
            CaseEvent.case_id.label("case_id"),
            _flag(CaseEvent.detail["rectified"].as_boolean()).label("rectified"),
        )
        .join(SupervisionCase, SupervisionCase.id == CaseEvent.case_id)
        .where(CaseEvent.kind == "reply", scope.where(case_owner), span.holds(CaseEvent.at))
        .subquery()
    )
    for unit, answered, rectified in rows_of(
        select(
            replies.c.unit,
            func.count(func.distinct(replies.c.case_id)),
            func.count(func.distinct(case((replies.c.rectified == 1, replies.c.case_id)))),
        ).group_by(replies.c.unit)
    ):
        found[unit].update(replies=_int(answered), rectified=_int(rectified))
    return found


def _models_used(session: Session, scope: _Scope, span: _Range) -> int:
    owner = scope.owner(ModelRun.owner_unit)
    query = select(func.count(func.distinct(ModelRun.model_id))).where(
        scope.where(owner), span.holds(ModelRun.started_at)
    )
    return _int(session.scalar(query))


def _series(session: Session, scope: _Scope, span: _Range) -> list[dict[str, Any]]:
    """Per month: clues found, verified, confirmed, cases opened, documents, replies."""
    months = {month: dict.fromkeys(
        ("clues", "verified", "confirmed", "cases", "documents", "replies", "rectified"), 0
    ) for month in span.months()}  # fmt: skip

    def fill(query: Select[Any], *keys: str) -> None:
        for month, *values in session.execute(query).all():
            if month in months:
                for key, value in zip(keys, values, strict=True):
                    months[month][key] = _int(value)

    clue_owner = scope.owner(Clue.holder_unit, Clue.owner_unit)
    found = (
        select(_month(session, Clue.created_at).label("month"))
        .where(scope.where(clue_owner), span.holds(Clue.created_at))
        .subquery()
    )
    fill(select(found.c.month, func.count()).group_by(found.c.month), "clues")

    decided = (
        select(
            _month(session, ClueEvent.at).label("month"),
            ClueEvent.clue_id.label("clue_id"),
            ClueEvent.to_status.label("to_status"),
        )
        .join(Clue, Clue.id == ClueEvent.clue_id)
        .where(
            ClueEvent.to_status.in_(("confirmed", "rejected")),
            scope.where(clue_owner),
            span.holds(ClueEvent.at),
        )
        .subquery()
    )
    fill(
        select(
            decided.c.month,
            func.count(func.distinct(decided.c.clue_id)),
            func.count(
                func.distinct(case((decided.c.to_status == "confirmed", decided.c.clue_id)))
            ),
        ).group_by(decided.c.month),
        "verified",
        "confirmed",
    )

    case_owner = scope.owner(SupervisionCase.owner_unit)
    opened = (
        select(_month(session, SupervisionCase.created_at).label("month"))
        .where(scope.where(case_owner), span.holds(SupervisionCase.created_at))
        .subquery()
    )
    fill(select(opened.c.month, func.count()).group_by(opened.c.month), "cases")

    issued = (
        select(_month(session, CaseDocument.generated_at).label("month"))
        .select_from(CaseDocument)
        .join(SupervisionCase, SupervisionCase.id == CaseDocument.case_id)
        .where(scope.where(case_owner), span.holds(CaseDocument.generated_at))
        .subquery()
    )
    fill(select(issued.c.month, func.count()).group_by(issued.c.month), "documents")

    answered = (
        select(
            _month(session, CaseEvent.at).label("month"),
            CaseEvent.case_id.label("case_id"),
            _flag(CaseEvent.detail["rectified"].as_boolean()).label("rectified"),
        )
        .join(SupervisionCase, SupervisionCase.id == CaseEvent.case_id)
        .where(CaseEvent.kind == "reply", scope.where(case_owner), span.holds(CaseEvent.at))
        .subquery()
    )
    fill(
        select(
            answered.c.month,
            func.count(func.distinct(answered.c.case_id)),
            func.count(func.distinct(case((answered.c.rectified == 1, answered.c.case_id)))),
        ).group_by(answered.c.month),
        "replies",
        "rectified",
    )
    return [{"month": month, **values} for month, values in months.items()]


def _total(per_unit: dict[str, dict[str, Any]]) -> dict[str, Any]:
    total = _blank()
    for measures in per_unit.values():
        for key, value in measures.items():
            if isinstance(value, dict):
                for inner, count in value.items():
                    total[key][inner] = total[key].get(inner, 0) + count
            elif key in total and not key.endswith("_rate"):
                total[key] += value
    return total


def _labels() -> dict[str, Any]:
    return {
        "clue_status": {
            s: {"zh": CLUE_STATUS_ZH[s], "en": CLUE_STATUS_EN[s]} for s in CLUE_STATUSES
        },
        "case_status": {
            s: {"zh": CASE_STATUS_ZH[s], "en": CASE_STATUS_EN[s]} for s in CASE_STATUSES
        },
        "case_type": {t.id: {"zh": t.label_zh, "en": t.label_en} for t in CASE_TYPES.values()},
    }


def ledger_for(
    session: Session,
    principal: Principal,
    *,
    first: date | None = None,
    last: date | None = None,
    unit_id: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """The ledger of `principal`'s units (see the module docstring), as JSON-able data."""
    principal.require(Permission.CASES_READ)
    span = _range(first, last)
    scope = _scope(session, principal, unit_id)
    moment = now or utcnow()
    per_unit = _per_unit(session, scope, span, moment)
    total = _total(per_unit)
    total["models_used"] = _models_used(session, scope, span)
    total["models_available"] = len(available_models(session))
    return {
        "range": {"from": span.first.isoformat(), "to": span.last.isoformat()},
        "unit": unit_id,
        "units": [
            {"id": u.id, "name": u.name, "kind": u.kind, "level": u.level, "parent_id": u.parent_id}
            for u in scope.rows
        ],
        "totals": _with_rates(total),
        "per_unit": [
            {"unit_id": u.id, "unit_name": u.name, "level": u.level, **_with_rates(per_unit[u.id])}
            for u in scope.rows
        ],
        "months": _series(session, scope, span),
        "labels": _labels(),
    }


@router.get("")
def ledger(
    caller: Annotated[Caller, Depends(requires(Permission.CASES_READ))],
    session: Db,
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
    unit: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
) -> dict[str, Any]:
    """一本账: totals, per unit and per month over the caller's units (`from`/`to`, `unit`).

    Totals and per-unit rows count what happened between `from` and `to` (dates, China
    time; by default the last twelve months): runs, hits, clues by status, verification
    and confirmation rates, transfers, cases by type and status, documents, replies,
    rectification, overdue clues and cases. `unit` narrows to one visible unit and the
    units below it. Units the caller does not see are 'not found'.
    """
    return ledger_for(session, caller.principal, first=first, last=last, unit_id=unit)


SortKey = Literal["confirmed", "precision", "cases", "rectified"]


def leaderboard_for(
    session: Session, principal: Principal, sort: SortKey = "confirmed"
) -> list[dict[str, Any]]:
    """Models ranked by `sort` (then confirmed, precision, cases), over readable clues."""
    principal.require(Permission.CASES_READ)
    outcomes = model_outcomes(session, principal)
    where = clue_service.scope_filter(session, principal)
    readable = select(Clue.id, Clue.model_id)
    if where is not None:
        readable = readable.where(where)
    visible = readable.subquery()
    model_cases = (
        select(visible.c.model_id, CaseClue.case_id)
        .join(CaseClue, CaseClue.clue_id == visible.c.id)
        .distinct()
        .subquery()
    )
    rectified_cases = select(CaseEvent.case_id).where(
        CaseEvent.kind == "reply", CaseEvent.detail["rectified"].as_boolean()
    )
    rectified: dict[str, int] = {
        model_id: int(count)
        for model_id, count in session.execute(
            select(model_cases.c.model_id, func.count())
            .where(model_cases.c.case_id.in_(rectified_cases))
            .group_by(model_cases.c.model_id)
        ).all()
    }
    models = available_models(session)
    rows = []
    for outcome in outcomes:
        entry = models.get(outcome.model_id)
        fixed = rectified.get(outcome.model_id, 0)
        rows.append(
            {
                **outcome.as_dict(),
                "name_zh": entry.spec.name_zh if entry else outcome.model_id,
                "name_en": entry.spec.name_en if entry else outcome.model_id,
                "rectified": fixed,
                "rectification_rate": _ratio(fixed, outcome.cases),
            }
        )

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        precision = row["precision"] if row["precision"] is not None else -1.0
        first = precision if sort == "precision" else row[sort]
        return (-first, -row["confirmed"], -precision, -row["cases"], row["model_id"])

    rows.sort(key=key)
    return [{"rank": n, **row} for n, row in enumerate(rows, start=1)]


@router.get("/leaderboard")
def leaderboard(
    caller: Annotated[Caller, Depends(requires(Permission.CASES_READ))],
    session: Db,
    sort: SortKey = "confirmed",
) -> list[dict[str, Any]]:
    """Models ranked by confirmed clues (or `sort`): precision, cases, rectification.

    Over the clues the caller may read: clues, verified, confirmed, rejected, precision =
    confirmed / verified, cases and documents made from them, cases whose supervised unit
    reported rectification and the rectification rate = rectified / cases.
    """
    return leaderboard_for(session, caller.principal, sort)
