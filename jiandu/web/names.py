"""Names for ids in API answers: who did something, which unit owns something.

One query per answer (ids collected first, then `IN (...)`), never one per row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.security.principal import Principal
from jiandu.store.schema import OrgUnit, UserAccount


def display_names(session: Session, user_ids: Iterable[str | None]) -> dict[str, str]:
    """User id → display name for the given ids (blank and unknown ids left out)."""
    wanted = sorted({u for u in user_ids if u})
    if not wanted:
        return {}
    query = select(UserAccount.id, UserAccount.display_name).where(UserAccount.id.in_(wanted))
    return {user_id: name for user_id, name in session.execute(query)}


def unit_names(session: Session, unit_ids: Iterable[str | None]) -> dict[str, str]:
    """Unit id → unit name for the given ids (blank and unknown ids left out)."""
    wanted = sorted({u for u in unit_ids if u})
    if not wanted:
        return {}
    query = select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(wanted))
    return {unit_id: name for unit_id, name in session.execute(query)}


class Made(Protocol):
    """A row someone made for a unit (a job, a schedule)."""

    @property
    def created_by(self) -> str | None: ...

    @property
    def unit_id(self) -> str | None: ...


_Row = TypeVar("_Row", bound=Made)


def with_maker(
    session: Session,
    principal: Principal,
    rows: Sequence[_Row],
    answer: Callable[[_Row], dict[str, Any]],
) -> list[dict[str, Any]]:
    """`answer(row)` for each row, with who made it (`created_by_name`), for which unit
    (`unit_name`) and whether it is the caller's (`mine`: only the maker may change it)."""
    people = display_names(session, {r.created_by for r in rows})
    units = unit_names(session, {r.unit_id for r in rows})
    return [
        {
            **answer(row),
            "created_by_name": people.get(row.created_by or ""),
            "unit_name": units.get(row.unit_id or ""),
            "mine": row.created_by == principal.user_id,
        }
        for row in rows
    ]
