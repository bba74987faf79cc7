"""What each role grants: separation of duties is code, and the strings are stable."""

from __future__ import annotations

import pytest

from jiandu.security.permissions import ROLE_PERMISSIONS, Permission, permissions_of
from jiandu.store.schema import ROLES

P = Permission
DATA_AND_SECRETS = {
    P.DATASETS_READ,
    P.DATASETS_IMPORT,
    P.DATASETS_SHARE,
    P.RUNS_READ,
    P.CLUES_READ,
    P.CASES_READ,
    P.PII_UNMASK,
    P.AUDIT_READ,
}


def test_permission_strings_are_the_ones_routes_and_audit_entries_use() -> None:
    assert {p.value for p in Permission} == {
        "users.manage", "units.manage", "datasets.read", "datasets.import", "datasets.share",
        "models.read", "models.write", "models.run", "runs.read", "clues.read", "clues.write",
        "clues.transfer", "cases.read", "cases.write", "pii.unmask", "export.request",
        "export.approve", "audit.read", "audit.verify", "self",
    }  # fmt: skip
    assert Permission("pii.unmask") is P.PII_UNMASK
    assert f"{P.USERS_MANAGE}" == "users.manage"


def test_every_stored_role_is_defined_and_every_role_may_act_on_itself() -> None:
    assert set(ROLE_PERMISSIONS) == set(ROLES)
    for role, granted in ROLE_PERMISSIONS.items():
        assert P.SELF in granted, role


def test_admin_manages_accounts_but_reads_no_data_pii_or_audit() -> None:
    admin = ROLE_PERMISSIONS["admin"]
    assert {P.USERS_MANAGE, P.UNITS_MANAGE} <= admin
    assert not admin & DATA_AND_SECRETS
    assert not admin & {P.EXPORT_APPROVE, P.EXPORT_REQUEST, P.AUDIT_VERIFY}


def test_only_admins_manage_accounts_and_units() -> None:
    holders = {r for r, g in ROLE_PERMISSIONS.items() if g & {P.USERS_MANAGE, P.UNITS_MANAGE}}
    assert holders == {"admin"}


def test_auditor_reads_and_verifies_the_audit_log_and_nothing_else() -> None:
    assert ROLE_PERMISSIONS["auditor"] == {P.SELF, P.AUDIT_READ, P.AUDIT_VERIFY}
    holders = {r for r, g in ROLE_PERMISSIONS.items() if g & {P.AUDIT_READ, P.AUDIT_VERIFY}}
    assert holders == {"auditor"}


def test_leader_is_a_prosecutor_who_may_also_approve_exports() -> None:
    assert ROLE_PERMISSIONS["leader"] == ROLE_PERMISSIONS["prosecutor"] | {P.EXPORT_APPROVE}
    holders = {r for r, g in ROLE_PERMISSIONS.items() if P.EXPORT_APPROVE in g}
    assert holders == {"leader"}


def test_unmasking_pii_is_for_prosecutors_and_leaders_only() -> None:
    holders = {r for r, g in ROLE_PERMISSIONS.items() if P.PII_UNMASK in g}
    assert holders == {"prosecutor", "leader"}


@pytest.mark.parametrize(
    ("role", "must", "must_not"),
    [
        ("data_steward", {P.DATASETS_IMPORT, P.DATASETS_SHARE}, {P.MODELS_RUN, P.CLUES_READ}),
        ("modeler", {P.MODELS_WRITE, P.MODELS_RUN}, {P.DATASETS_IMPORT, P.CLUES_READ}),
        ("prosecutor", {P.CLUES_TRANSFER, P.CASES_WRITE}, {P.MODELS_WRITE, P.DATASETS_IMPORT}),
    ],
)
def test_roles_grant_their_work_and_not_their_neighbours(
    role: str, must: set[Permission], must_not: set[Permission]
) -> None:
    assert must <= ROLE_PERMISSIONS[role]
    assert not must_not & ROLE_PERMISSIONS[role]


def test_external_liaison_reads_and_answers_clues_only() -> None:
    assert ROLE_PERMISSIONS["external_liaison"] == {P.SELF, P.CLUES_READ, P.CLUES_WRITE}


def test_permissions_of_unions_roles_always_includes_self_and_ignores_unknown_roles() -> None:
    assert permissions_of([]) == {P.SELF}
    assert permissions_of(["root", "superuser"]) == {P.SELF}
    assert permissions_of(["modeler", "auditor"]) == (
        ROLE_PERMISSIONS["modeler"] | ROLE_PERMISSIONS["auditor"]
    )
    assert isinstance(permissions_of(["admin"]), frozenset)
