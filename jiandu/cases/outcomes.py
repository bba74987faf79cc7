"""Outcomes per model: how many of its clues proved true, and what came of them.

For the dashboard and the model leaderboard. A clue counts as *verified* once a person
decided it: confirmed (成案, and what follows from it: 已移送, or 已办结 without a
rejection) or rejected (不成案, or 已办结 after a rejection, which keeps its reason).
`precision` = confirmed / verified; None while nothing was verified. Cases and
documents count those made from the model's clues (a case of two models' clues counts
for both). Only clues the caller may read count (`jiandu.clues.service.scope_filter`), so
a unit sees its own record and a leader that of the units below.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from jiandu.clues import service as clues
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.store.schema import CaseClue, CaseDocument, Clue


@dataclass(frozen=True)
class ModelOutcome:
    """What one model's clues came to."""

    model_id: str
    clues: int
    verified: int
    confirmed: int
    rejected: int
    precision: float | None
    cases: int
    documents: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def model_outcomes(session: Session, principal: Principal) -> list[ModelOutcome]:
    """One `ModelOutcome` per model with clues the caller may read, by model id.

    Three grouped queries (clue counts, cases, documents), whatever the number of clues.
    """
    principal.require(Permission.CLUES_READ)
    confirmed = or_(
        Clue.status.in_(("confirmed", "transferred")),
        and_(Clue.status == "closed", Clue.rejection_reason.is_(None)),
    )
    rejected = or_(
        Clue.status == "rejected",
        and_(Clue.status == "closed", Clue.rejection_reason.is_not(None)),
    )
    where = clues.scope_filter(session, principal)
    counts = select(
        Clue.model_id,
        func.count(),
        func.sum(case((confirmed, 1), else_=0)),
        func.sum(case((rejected, 1), else_=0)),
    ).group_by(Clue.model_id)
    readable = select(Clue.id, Clue.model_id)
    if where is not None:
        counts, readable = counts.where(where), readable.where(where)
    visible = readable.subquery()
    case_counts: dict[str, int] = dict(
        session.execute(
            select(visible.c.model_id, func.count(func.distinct(CaseClue.case_id)))
            .join(CaseClue, CaseClue.clue_id == visible.c.id)
            .group_by(visible.c.model_id)
        ).all()
    )
    model_cases = (
        select(visible.c.model_id, CaseClue.case_id)
        .join(CaseClue, CaseClue.clue_id == visible.c.id)
        .distinct()
        .subquery()
    )
    document_counts: dict[str, int] = dict(
        session.execute(
            select(model_cases.c.model_id, func.count(CaseDocument.id))
            .join(CaseDocument, CaseDocument.case_id == model_cases.c.case_id)
            .group_by(model_cases.c.model_id)
        ).all()
    )
    found = []
    for model_id, total, yes_sum, no_sum in session.execute(counts).all():
        yes, no = int(yes_sum or 0), int(no_sum or 0)
        verified = yes + no
        found.append(
            ModelOutcome(
                model_id=model_id,
                clues=int(total),
                verified=verified,
                confirmed=yes,
                rejected=no,
                precision=yes / verified if verified else None,
                cases=int(case_counts.get(model_id, 0)),
                documents=int(document_counts.get(model_id, 0)),
            )
        )
    return sorted(found, key=lambda outcome: outcome.model_id)
