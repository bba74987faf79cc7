"""Who is acting: a user's roles, permissions, clearance and the units they may see.

Row scope (`visible_units`) follows the org tree:

- a user of a procuratorate or of one of its departments sees that procuratorate and
  all of its departments (a department's work is its procuratorate's);
- a leader also sees every unit below that procuratorate (subordinate procuratorates,
  their departments, external units attached to them);
- a user of an external unit sees that unit only;
- nobody sees a sibling's or an ancestor's units through this rule; objects shared with
  a unit (`share` rows) are the callers' additional look-up.

Objects whose owner unit is unknown (NULL, made before units existed) are visible to
the system principal only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from jiandu.security.errors import AuthenticationFailed, PermissionDenied
from jiandu.security.permissions import Permission, permissions_of
from jiandu.security.units import list_units, owning_procuratorate_ids, procuratorate_of
from jiandu.store.schema import OrgUnit, UserAccount

#: The role that widens row scope to the subtree of the user's procuratorate.
LEADER_ROLE = "leader"


@dataclass(frozen=True)
class Principal:
    """The acting party of a request or command, resolved once per request.

    `unit_id` is None only for the system principal, which sees every unit
    (`all_units`); everyone else sees exactly `visible_units`.
    """

    user_id: str
    username: str
    unit_id: str | None
    roles: frozenset[str]
    permissions: frozenset[Permission]
    clearance: str
    visible_units: frozenset[str]
    all_units: bool = False

    def can(self, permission: Permission) -> bool:
        """True when the principal holds `permission`."""
        return permission in self.permissions

    def require(self, permission: Permission) -> None:
        """Raise `PermissionDenied` unless the principal holds `permission`."""
        if permission not in self.permissions:
            raise PermissionDenied(permission)

    def sees_unit(self, unit_id: str | None) -> bool:
        """True when objects owned by `unit_id` are in the principal's row scope."""
        if self.all_units:
            return True
        return unit_id is not None and unit_id in self.visible_units

    @property
    def is_system(self) -> bool:
        """True for the machine operator's principal (`SYSTEM`)."""
        return self.all_units and self.unit_id is None


#: The command line acts as the machine's operator: every permission, every unit.
#: (Who ran a command is recorded in the audit log as 'cli:<os user>'.)
SYSTEM = Principal(
    user_id="system",
    username="system",
    unit_id=None,
    roles=frozenset(),
    permissions=frozenset(Permission),
    clearance="secret",
    visible_units=frozenset(),
    all_units=True,
)


def visible_unit_ids(session: Session, unit: OrgUnit, roles: frozenset[str]) -> frozenset[str]:
    """The units a user of `unit` holding `roles` may see (see the module docstring)."""
    if unit.kind == "external":
        return frozenset({unit.id})
    home = procuratorate_of(session, unit)
    subtree = list_units(session, within=home.id)
    if LEADER_ROLE in roles:
        return frozenset(u.id for u in subtree)
    owners = owning_procuratorate_ids(subtree)
    return frozenset(
        u.id
        for u in subtree
        if u.id == home.id or (u.kind == "department" and owners[u.id] == home.id)
    )


def principal_for(session: Session, user: UserAccount) -> Principal:
    """The principal of an authenticated `user`; `AuthenticationFailed` if disabled."""
    if not user.is_active:
        raise AuthenticationFailed()
    unit = session.get(OrgUnit, user.unit_id)
    if unit is None:  # pragma: no cover - the foreign key forbids it
        raise AuthenticationFailed()
    roles = frozenset(role.role for role in user.roles)
    return Principal(
        user_id=user.id,
        username=user.username,
        unit_id=unit.id,
        roles=roles,
        permissions=permissions_of(roles),
        clearance=user.clearance,
        visible_units=visible_unit_ids(session, unit, roles),
    )
