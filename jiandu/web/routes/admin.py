"""Units and users, managed by administrators within their own procuratorate's subtree.

An administrator of a county manages the county's departments and users; a province's
administrator manages the whole province. Nobody manages a unit outside their subtree:
such units and users are "not found". Every change is audited.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.permissions import ROLE_PERMISSIONS, Permission
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
from jiandu.web.guard import Caller, Db, requires, route_guards

router = APIRouter(prefix="/api", tags=["admin"])

Role = Literal[
    "admin", "data_steward", "modeler", "prosecutor", "leader", "auditor", "external_liaison"
]


#: Role names as people say them (the same as docs/user/security.md).
ROLE_LABELS: dict[str, tuple[str, str]] = {
    "admin": ("管理员", "administrator"),
    "data_steward": ("数据管理员", "data steward"),
    "modeler": ("建模人员", "modeler"),
    "prosecutor": ("检察官", "prosecutor"),
    "leader": ("院领导/部门负责人", "leader"),
    "auditor": ("审计员", "auditor"),
    "external_liaison": ("外部联络人", "external liaison"),
}

#: What each permission allows, in words.
PERMISSION_LABELS: dict[Permission, tuple[str, str]] = {
    Permission.USERS_MANAGE: ("管理用户", "manage users"),
    Permission.UNITS_MANAGE: ("管理单位", "manage units"),
    Permission.DATASETS_READ: ("查看数据资源", "read datasets"),
    Permission.DATASETS_IMPORT: ("导入数据", "import data"),
    Permission.DATASETS_SHARE: ("共享数据", "share data"),
    Permission.MODELS_READ: ("查看监督模型", "read models"),
    Permission.MODELS_WRITE: ("编辑监督模型", "write models"),
    Permission.MODELS_RUN: ("运行监督模型", "run models"),
    Permission.RUNS_READ: ("查看运行结果", "read runs"),
    Permission.CLUES_READ: ("查看线索", "read clues"),
    Permission.CLUES_WRITE: ("办理线索", "work on clues"),
    Permission.CLUES_TRANSFER: ("流转线索", "transfer clues"),
    Permission.CASES_READ: ("查看案件与一本账", "read cases and the ledger"),
    Permission.CASES_WRITE: ("办理案件", "work on cases"),
    Permission.PII_UNMASK: ("显示个人信息原文", "unmask personal data"),
    Permission.EXPORT_REQUEST: ("申请导出", "request exports"),
    Permission.EXPORT_APPROVE: ("审批导出", "approve exports"),
    Permission.AUDIT_READ: ("查看审计日志", "read the audit log"),
    Permission.AUDIT_VERIFY: ("校验审计日志", "verify the audit log"),
    Permission.SELF: ("本人账户", "own account"),
}


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


@router.get("/roles")
def roles(
    caller: Annotated[Caller, Depends(requires(Permission.USERS_MANAGE))],
) -> dict[str, Any]:
    """The roles and the permissions each grants (defined in code, not in the database)."""
    return {
        "roles": [
            {
                "role": role,
                "label_zh": ROLE_LABELS.get(role, (role, role))[0],
                "label_en": ROLE_LABELS.get(role, (role, role))[1],
                "permissions": sorted(str(p) for p in granted),
            }
            for role, granted in ROLE_PERMISSIONS.items()
        ],
        "permissions": [
            {
                "permission": str(permission),
                "label_zh": PERMISSION_LABELS.get(permission, (str(permission),) * 2)[0],
                "label_en": PERMISSION_LABELS.get(permission, (str(permission),) * 2)[1],
            }
            for permission in Permission
        ],
    }


@router.get("/route-permissions")
def route_permissions(
    request: Request, caller: Annotated[Caller, Depends(requires(Permission.SELF))]
) -> list[dict[str, str]]:
    """The permission each API route requires ('public' for none), for the API page.

    The same walk as the guard test and docs/dev/api.md: read off the routes themselves.
    """
    return [
        {
            "method": route.method,
            "path": route.path,
            "permission": "public" if route.guards == ("public",) else ", ".join(route.guards),
        }
        for route in route_guards(request.app)
        if route.endpoint is not None and route.path.startswith("/api/")
    ]
