"""Row scope: own unit and its departments; leaders see subordinates; never siblings,
never ancestors; external units see only themselves. Plus permission checks."""

from __future__ import annotations

import pytest
from org_tree import TREE
from sqlalchemy import Engine

from jiandu.security.errors import AuthenticationFailed, PermissionDenied
from jiandu.security.permissions import Permission
from jiandu.security.principal import SYSTEM, Principal, principal_for
from jiandu.security.units import ancestors, get_unit, subtree_ids
from jiandu.security.users import create_user, disable_user, get_user
from jiandu.store.db import session_scope

SX_OWN = {"sx", "sx-d1", "sx-d1a"}
SX_SUBTREE = SX_OWN | {"yc", "yc-d1", "sx-ext"}


def _principal(engine: Engine, unit_id: str, roles: list[str]) -> Principal:
    with session_scope(engine) as session:
        user = create_user(
            session,
            username=f"u-{unit_id}-{'-'.join(roles) or 'none'}",
            display_name="测试",
            unit_id=unit_id,
            password=None,
            roles=roles,
            clearance="sensitive",
        )
        return principal_for(session, user)


@pytest.mark.parametrize(
    ("unit_id", "roles", "visible"),
    [
        # A procuratorate's users see it and its departments, not its subordinates.
        ("sx", ["prosecutor"], SX_OWN),
        ("sx", ["modeler", "data_steward"], SX_OWN),
        # A department's users see their procuratorate and its departments.
        ("sx-d1a", ["prosecutor"], SX_OWN),
        ("sx-d1", ["auditor"], SX_OWN),
        # Leaders also see every subordinate unit.
        ("sx", ["leader"], SX_SUBTREE),
        ("sx-d1", ["leader"], SX_SUBTREE),
        ("yc", ["leader"], {"yc", "yc-d1"}),
        ("yc-d1", ["prosecutor"], {"yc", "yc-d1"}),
        ("zj", ["prosecutor"], {"zj", "zj-d1"}),
        ("zj", ["leader"], set(TREE)),
        ("hz-d1", ["leader"], {"hz", "hz-d1"}),
        # External units see only themselves.
        ("sx-ext", ["external_liaison"], {"sx-ext"}),
        ("sx", [], SX_OWN),
    ],
)
def test_visible_units(tree: Engine, unit_id: str, roles: list[str], visible: set[str]) -> None:
    principal = _principal(tree, unit_id, roles)
    assert principal.visible_units == visible
    assert principal.unit_id == unit_id
    assert principal.roles == set(roles)
    assert principal.clearance == "sensitive"
    assert all(principal.sees_unit(u) for u in visible)
    assert not any(principal.sees_unit(u) for u in set(TREE) - visible)
    assert not principal.sees_unit(None)  # unowned (legacy) objects: system only
    assert not principal.all_units and not principal.is_system


@pytest.mark.parametrize("unit_id", sorted(TREE))
@pytest.mark.parametrize("roles", [["prosecutor"], ["leader"], ["admin"]])
def test_nobody_sees_a_sibling_or_an_ancestor(tree: Engine, unit_id: str, roles: list[str]) -> None:
    if unit_id == "sx-ext":
        roles = ["external_liaison"]
    principal = _principal(tree, unit_id, roles)
    with session_scope(tree) as session:
        unit = get_unit(session, unit_id)
        assert unit is not None
        chain = ancestors(session, unit)
        home = next(
            (u for u in [*reversed(chain)] if u.kind == "procuratorate"), unit
        ) if unit.kind != "procuratorate" else unit  # fmt: skip
        # Everything visible lies in the home procuratorate's subtree ...
        assert principal.visible_units <= subtree_ids(session, home.id)
        # ... and nothing above it, nor any other branch of the tree.
        above_home = {u.id for u in ancestors(session, home)}
        assert not principal.visible_units & above_home
        for sibling in {u for u in TREE if TREE[u][3] == home.parent_id} - {home.id}:
            if home.parent_id is not None:
                assert not principal.visible_units & subtree_ids(session, sibling)


def test_permissions_follow_roles(tree: Engine) -> None:
    prosecutor = _principal(tree, "sx", ["prosecutor"])
    assert prosecutor.can(Permission.PII_UNMASK)
    assert prosecutor.can(Permission.SELF)
    assert not prosecutor.can(Permission.EXPORT_APPROVE)
    prosecutor.require(Permission.CLUES_TRANSFER)
    with pytest.raises(PermissionDenied) as denied:
        prosecutor.require(Permission.EXPORT_APPROVE)
    assert denied.value.permission == "export.approve"
    assert "export.approve" in denied.value.en and "export.approve" in denied.value.zh

    admin = _principal(tree, "zj", ["admin"])
    admin.require(Permission.USERS_MANAGE)
    for permission in (Permission.DATASETS_READ, Permission.PII_UNMASK, Permission.AUDIT_READ):
        with pytest.raises(PermissionDenied):
            admin.require(permission)


def test_system_principal_may_do_everything_everywhere() -> None:
    assert SYSTEM.is_system and SYSTEM.all_units
    assert SYSTEM.permissions == set(Permission)
    for permission in Permission:
        SYSTEM.require(permission)
    assert SYSTEM.sees_unit("any-unit") and SYSTEM.sees_unit(None)
    assert SYSTEM.clearance == "secret"


def test_principals_are_immutable(tree: Engine) -> None:
    principal = _principal(tree, "sx", ["prosecutor"])
    with pytest.raises(AttributeError):
        principal.unit_id = "zj"  # type: ignore[misc]


def test_a_disabled_user_has_no_principal(tree: Engine) -> None:
    _principal(tree, "sx", ["prosecutor"])
    with session_scope(tree) as session:
        user = create_user(
            session, username="gone", display_name="x", unit_id="sx", password=None, roles=[]
        )
        disable_user(session, user.id)
    with session_scope(tree) as session:
        stored = get_user(session, user.id)
        assert stored is not None
        with pytest.raises(AuthenticationFailed):
            principal_for(session, stored)
