"""Names for ids in API answers: who did something, which unit owns something.

One query per answer (ids collected first, then `IN (...)`), never one per row.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

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
