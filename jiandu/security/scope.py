"""Row scope: which objects a principal may see: owned by one of their visible units, or shared with
one, and (for data) within their clearance. Anything else is `NotFound`, exactly as an
object that does not exist, so probing ids (IDOR) learns nothing.

Objects made before units existed, or by the command line without a unit, have no
owner: they belong to the installation's root unit.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.orm import QueryableAttribute, Session

from jiandu.security.clearance import can_read
from jiandu.security.errors import NotFound
from jiandu.security.principal import Principal
from jiandu.store.schema import Dataset, ModelRun, OrgUnit, Share


def made_or_unit_seen(
    principal: Principal, created_by: QueryableAttribute[Any], unit_id: QueryableAttribute[Any]
) -> ColumnElement[bool]:
    """The rows `principal` made or whose unit they see (jobs, schedules): a WHERE
    clause; always true for a principal who sees every unit."""
    if principal.all_units:
        return true()
    return or_(created_by == principal.user_id, unit_id.in_(sorted(principal.visible_units)))


def root_unit_id(session: Session) -> str | None:
    """The installation's root unit (the one without a parent), if any."""
    return session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)).limit(1))


def owner(session: Session, owner_unit: str | None) -> str | None:
    return owner_unit if owner_unit is not None else root_unit_id(session)


def shared_with(session: Session, principal: Principal, kind: str) -> set[str]:
    """Ids of objects of `kind` shared with one of the caller's visible units."""
    query = select(Share.object_id).where(Share.object_kind == kind)
    if not principal.all_units:
        query = query.where(Share.unit_id.in_(principal.visible_units))
    return set(session.scalars(query))


def sees(
    session: Session, principal: Principal, kind: str, object_id: str, owner_unit: str | None
) -> bool:
    if principal.sees_unit(owner(session, owner_unit)):
        return True
    return object_id in shared_with(session, principal, kind)


def visible_datasets(session: Session, principal: Principal) -> list[Dataset]:
    """Datasets the caller may see and is cleared for, by id."""
    shared = shared_with(session, principal, "dataset")
    root = root_unit_id(session)
    found = []
    for dataset in session.scalars(select(Dataset).order_by(Dataset.id)):
        unit = dataset.owner_unit if dataset.owner_unit is not None else root
        if (principal.sees_unit(unit) or dataset.id in shared) and can_read(
            principal, dataset.sensitivity
        ):
            found.append(dataset)
    return found


def dataset_for(session: Session, principal: Principal, dataset_id: str) -> Dataset:
    dataset = session.get(Dataset, dataset_id)
    if (
        dataset is None
        or not sees(session, principal, "dataset", dataset.id, dataset.owner_unit)
        or not can_read(principal, dataset.sensitivity)
    ):
        raise NotFound("dataset", dataset_id)
    return dataset


def run_for(session: Session, principal: Principal, run_id: str) -> ModelRun:
    """A run the caller may see: visible, and cleared for every dataset it read (its
    hits carry their rows as evidence)."""
    run = session.get(ModelRun, run_id)
    if run is None or not sees(session, principal, "run", run.id, run.owner_unit):
        raise NotFound("run", run_id)
    for dataset_id in run.batches:
        dataset = session.get(Dataset, dataset_id)
        if dataset is not None and not can_read(principal, dataset.sensitivity):
            raise NotFound("run", run_id)
    return run
