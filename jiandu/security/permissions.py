"""Permissions and what each role grants.

Roles are stored per user (`user_role`); what a role may do is defined here, in code,
versioned with the package, so that write access to the database cannot widen a role.
An administrator manages accounts and the org tree but reads no data, no PII and no
audit log (separation of duties); the auditor reads the audit log and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from jiandu.store.schema import ROLES


class Permission(StrEnum):
    """One thing a principal may do; routes and commands declare the one they need."""

    USERS_MANAGE = "users.manage"
    UNITS_MANAGE = "units.manage"
    DATASETS_READ = "datasets.read"
    DATASETS_IMPORT = "datasets.import"
    DATASETS_SHARE = "datasets.share"
    MODELS_READ = "models.read"
    MODELS_WRITE = "models.write"
    MODELS_RUN = "models.run"
    RUNS_READ = "runs.read"
    CLUES_READ = "clues.read"
    CLUES_WRITE = "clues.write"
    CLUES_TRANSFER = "clues.transfer"
    CASES_READ = "cases.read"
    CASES_WRITE = "cases.write"
    PII_UNMASK = "pii.unmask"
    EXPORT_REQUEST = "export.request"
    EXPORT_APPROVE = "export.approve"
    AUDIT_READ = "audit.read"
    AUDIT_VERIFY = "audit.verify"
    #: Any signed-in user: own profile, own tokens, sign out.
    SELF = "self"


P = Permission

_PROSECUTOR = frozenset(
    {
        P.SELF,
        P.DATASETS_READ,
        P.MODELS_READ,
        P.MODELS_RUN,
        P.RUNS_READ,
        P.CLUES_READ,
        P.CLUES_WRITE,
        P.CLUES_TRANSFER,
        P.CASES_READ,
        P.CASES_WRITE,
        P.PII_UNMASK,
        P.EXPORT_REQUEST,
    }
)

#: What each role of `jiandu.store.schema.ROLES` grants.
ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "admin": frozenset({P.SELF, P.USERS_MANAGE, P.UNITS_MANAGE}),
    "data_steward": frozenset(
        {
            P.SELF,
            P.DATASETS_READ,
            P.DATASETS_IMPORT,
            P.DATASETS_SHARE,
            P.RUNS_READ,
            P.EXPORT_REQUEST,
        }
    ),
    "modeler": frozenset(
        {P.SELF, P.DATASETS_READ, P.MODELS_READ, P.MODELS_WRITE, P.MODELS_RUN, P.RUNS_READ}
    ),
    "prosecutor": _PROSECUTOR,
    "leader": _PROSECUTOR | {P.EXPORT_APPROVE},
    "auditor": frozenset({P.SELF, P.AUDIT_READ, P.AUDIT_VERIFY}),
    # Collaborating units only read the clues handed to them and write their feedback.
    "external_liaison": frozenset({P.SELF, P.CLUES_READ, P.CLUES_WRITE}),
}

if set(ROLE_PERMISSIONS) != set(ROLES):  # pragma: no cover - caught by the import itself
    raise RuntimeError("ROLE_PERMISSIONS must cover exactly jiandu.store.schema.ROLES")


def permissions_of(roles: Iterable[str]) -> frozenset[Permission]:
    """The union of what `roles` grant, plus `SELF`; unknown role names grant nothing."""
    granted: set[Permission] = {Permission.SELF}
    for role in roles:
        granted |= ROLE_PERMISSIONS.get(role, frozenset())
    return frozenset(granted)
