"""Units and users, managed by administrators within their own procuratorate's subtree.

An administrator of a county manages the county's departments and users; a province's
administrator manages the whole province. Nobody manages a unit outside their subtree:
such units and users are "not found". Every change is audited.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.units import create_unit, get_unit, list_units, procuratorate_of, subtree_ids
from jiandu.security.users import (
    create_user,
    disable_user,
    get_user,
    list_users,
    role_names,
    set_roles,
)
from jiandu.store.schema import OrgUnit, UserAccount
from jiandu.web.guard import Caller, Db, requires

router = APIRouter(prefix="/api", tags=["admin"])

Role = Literal[
    "admin", "data_steward", "modeler", "prosecutor", "leader", "auditor", "external_liaison"
]


class NewUnit(BaseModel):
    id: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["procuratorate", "department", "external"]
    level: Literal["province", "city", "county"] | None = None
    region_code: str | None = Field(default=None, min_length=6, max_length=6)
    parent_id: str = Field(min_length=1, max_length=64)


class NewUser(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    display_name: str = Field(min_length=1, max_length=200)
    unit_id: str = Field(min_length=1, max_length=64)
    password: str | None = Field(default=None, max_length=256)
    roles: list[Role] = Field(default_factory=list, max_length=7)
    clearance: Literal["public", "internal", "sensitive", "secret"] = "internal"


class Roles(BaseModel):
    roles: list[Role] = Field(max_length=7)


def managed_units(session: Session, principal: Principal) -> frozenset[str]:
    """The units an administrator manages: the subtree of their procuratorate."""
    unit = get_unit(session, principal.unit_id) if principal.unit_id else None
    if unit is None:
        return frozenset()
    return subtree_ids(session, procuratorate_of(session, unit).id)


def _unit_json(unit: OrgUnit) -> dict[str, Any]:
    return {
        "id": unit.id,
        "name": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "region_code": unit.region_code,
        "parent_id": unit.parent_id,
    }


def _user_json(user: UserAccount) -> dict[str, Any]:
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "unit_id": user.unit_id,
        "roles": sorted(role_names(user)),
        "clearance": user.clearance,
        "is_active": user.is_active,
    }


@router.get("/units")
def units(
    caller: Annotated[Caller, Depends(requires(Permission.UNITS_MANAGE))], session: Db
) -> list[dict[str, Any]]:
    """The units the caller manages."""
    managed = managed_units(session, caller.principal)
    return [_unit_json(u) for u in list_units(session) if u.id in managed]


@router.post("/units", status_code=201)
def add_unit(
    body: NewUnit,
    caller: Annotated[Caller, Depends(requires(Permission.UNITS_MANAGE))],
    session: Db,
) -> dict[str, Any]:
    """Add a unit under one the caller manages."""
    principal = caller.principal
    if body.parent_id not in managed_units(session, principal):
        raise NotFound("unit", body.parent_id)
    unit = create_unit(
        session,
        id=body.id,
        name=body.name,
        kind=body.kind,
        level=body.level,
        region_code=body.region_code,
        parent_id=body.parent_id,
    )
    audit.record(
        session, actor=principal.user_id, action="unit.create", object_kind="unit",
        object_id=unit.id, unit_id=principal.unit_id,
        detail={"parent": body.parent_id, "kind": body.kind},
    )  # fmt: skip
    return _unit_json(unit)


@router.get("/users")
def users(
    caller: Annotated[Caller, Depends(requires(Permission.USERS_MANAGE))], session: Db
) -> list[dict[str, Any]]:
    """The users of the units the caller manages."""
    managed = managed_units(session, caller.principal)
    return [_user_json(u) for u in list_users(session, unit_ids=managed)]


@router.post("/users", status_code=201)
def add_user(
    body: NewUser,
    caller: Annotated[Caller, Depends(requires(Permission.USERS_MANAGE))],
    session: Db,
) -> dict[str, Any]:
    """Add a user to a unit the caller manages."""
    principal = caller.principal
    if body.unit_id not in managed_units(session, principal):
        raise NotFound("unit", body.unit_id)
    user = create_user(
        session,
        username=body.username,
        display_name=body.display_name,
        unit_id=body.unit_id,
        password=body.password,
        roles=body.roles,
        clearance=body.clearance,
        granted_by=principal.user_id,
    )
    audit.record(
        session, actor=principal.user_id, action="permission.user_create", object_kind="user",
        object_id=user.id, unit_id=principal.unit_id,
        detail={"unit": body.unit_id, "roles": sorted(body.roles), "clearance": body.clearance},
    )  # fmt: skip
    return _user_json(user)


def _managed_user(session: Session, principal: Principal, user_id: str) -> UserAccount:
    user = get_user(session, user_id)
    if user is None or user.unit_id not in managed_units(session, principal):
        raise NotFound("user", user_id)
    return user


@router.put("/users/{user_id}/roles")
def change_roles(
    user_id: str,
    body: Roles,
    caller: Annotated[Caller, Depends(requires(Permission.USERS_MANAGE))],
    session: Db,
) -> dict[str, Any]:
    """Replace a managed user's roles (an administrator cannot change their own)."""
    principal = caller.principal
    user = _managed_user(session, principal, user_id)
    if user.id == principal.user_id:
        raise NotFound("user", user_id)
    before = sorted(role_names(user))
    set_roles(session, user.id, body.roles, granted_by=principal.user_id)
    audit.record(
        session, actor=principal.user_id, action="permission.roles", object_kind="user",
        object_id=user.id, unit_id=principal.unit_id,
        detail={"before": before, "after": sorted(body.roles)},
    )  # fmt: skip
    session.refresh(user)
    return _user_json(user)


@router.post("/users/{user_id}/disable")
def disable(
    user_id: str,
    caller: Annotated[Caller, Depends(requires(Permission.USERS_MANAGE))],
    session: Db,
) -> dict[str, Any]:
    """Disable a managed user: their sessions end, their tokens stop working."""
    principal = caller.principal
    user = _managed_user(session, principal, user_id)
    disable_user(session, user.id)
    audit.record(
        session, actor=principal.user_id, action="permission.user_disable", object_kind="user",
        object_id=user.id, unit_id=principal.unit_id, detail={},
    )  # fmt: skip
    return _user_json(user)
