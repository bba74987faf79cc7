"""User accounts: creation, roles, passwords, disabling, and password sign-in with lockout.

User names are case-insensitive: they are stored in lower case (after Unicode NFKC) and
looked up the same way. Roles apply within the user's own unit. Users of external units
hold the `external_liaison` role only, and that role belongs to them only: it is the one
whose row scope is a single unit (see `jiandu.security.principal`).

Sign-in (`authenticate`): after `MAX_FAILED_ATTEMPTS` consecutive wrong passwords the
account is locked for `LOCKOUT_DURATION`; a success resets the count. Every refusal
costs one argon2 verification (a dummy one for unknown users and locked accounts) and
raises the same `AuthenticationFailed` message, so neither the answer nor its timing
tells whether a user name exists or whether a guess during a lock was right.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Collection, Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.security import passwords
from jiandu.security.errors import AccountLocked, AuthenticationFailed, NotFound, SecurityError
from jiandu.security.sessions import end_user_sessions
from jiandu.store.schema import ROLES, SENSITIVITIES, OrgUnit, UserAccount, UserRole

MAX_FAILED_ATTEMPTS = 5
LOCKOUT_DURATION = timedelta(minutes=15)
USERNAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")
EXTERNAL_ROLE = "external_liaison"
_DISPLAY_NAME_MAX = 200


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now


def normalize_username(username: str) -> str:
    """The stored form of a user name: NFKC, trimmed, lower case."""
    return unicodedata.normalize("NFKC", username).strip().lower()


def _check_roles(roles: Iterable[str], unit: OrgUnit) -> list[str]:
    wanted = sorted(set(roles))
    unknown = [role for role in wanted if role not in ROLES]
    if unknown:
        raise SecurityError(
            f"未知的角色：{', '.join(unknown)}；可用角色：{', '.join(ROLES)}",
            f"Unknown roles: {', '.join(unknown)}; roles are: {', '.join(ROLES)}",
        )
    if unit.kind == "external" and any(role != EXTERNAL_ROLE for role in wanted):
        raise SecurityError(
            f"外部协作单位的用户只能拥有 {EXTERNAL_ROLE} 角色",
            f"Users of external units may hold the {EXTERNAL_ROLE} role only",
        )
    if unit.kind != "external" and EXTERNAL_ROLE in wanted:
        raise SecurityError(
            f"{EXTERNAL_ROLE} 角色只授予外部协作单位的用户",
            f"The {EXTERNAL_ROLE} role is for users of external units only",
        )
    return wanted


def _unit(session: Session, unit_id: str) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("unit", unit_id)
    return unit


def create_user(
    session: Session,
    *,
    username: str,
    display_name: str,
    unit_id: str,
    password: str | None,
    roles: Iterable[str],
    clearance: str = "internal",
    granted_by: str | None = None,
    now: datetime | None = None,
) -> UserAccount:
    """Add an account and flush it.

    `password` None makes an account that cannot sign in with a password until one is
    set (`set_password`). The password must meet the policy
    (`jiandu.security.passwords.check_policy`). `granted_by` (the acting user id or
    'cli:<os user>') is recorded on each role.
    """
    name = normalize_username(username)
    if not USERNAME_PATTERN.fullmatch(name):
        raise SecurityError(
            f"用户名 {username!r} 无效：2–64 个字符，字母、数字或 . _ @ -，以字母或数字开头",
            f"User name {username!r} is invalid: 2–64 characters, letters, digits or "
            ". _ @ -, starting with a letter or digit",
        )
    display_name = display_name.strip()
    if not display_name or len(display_name) > _DISPLAY_NAME_MAX:
        raise SecurityError(
            f"显示名称不能为空，且最多 {_DISPLAY_NAME_MAX} 个字符",
            f"The display name must hold 1 to {_DISPLAY_NAME_MAX} characters",
        )
    if clearance not in SENSITIVITIES:
        raise SecurityError(
            f"密级 {clearance!r} 无效，应为 {'/'.join(SENSITIVITIES)}",
            f"Clearance {clearance!r} is invalid; use one of {', '.join(SENSITIVITIES)}",
        )
    unit = _unit(session, unit_id)
    wanted = _check_roles(roles, unit)
    if get_user_by_username(session, name) is not None:
        raise SecurityError(f"用户名 {name!r} 已被使用", f"The user name {name!r} is taken")
    moment = _now(now)
    password_hash = None
    if password is not None:
        passwords.check_policy(password, name)
        password_hash = passwords.hash_password(password)
    user = UserAccount(
        id=f"u{secrets.token_hex(8)}",
        username=name,
        display_name=display_name,
        unit_id=unit.id,
        password_hash=password_hash,
        clearance=clearance,
        is_active=True,
        failed_attempts=0,
        password_changed_at=moment if password_hash else None,
        created_at=moment,
        roles=[UserRole(role=role, granted_at=moment, granted_by=granted_by) for role in wanted],
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, user_id: str) -> UserAccount | None:
    """The account with id `user_id`, or None."""
    return session.get(UserAccount, user_id)


def get_user_by_username(session: Session, username: str) -> UserAccount | None:
    """The account named `username` (case-insensitive), or None."""
    name = normalize_username(username)
    return session.scalars(select(UserAccount).where(UserAccount.username == name)).first()


def _require_user(session: Session, user_id: str) -> UserAccount:
    user = session.get(UserAccount, user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


def list_users(session: Session, *, unit_ids: Collection[str] | None = None) -> list[UserAccount]:
    """Accounts ordered by user name; with `unit_ids`, only those of these units."""
    query = select(UserAccount).order_by(UserAccount.username)
    if unit_ids is not None:
        query = query.where(UserAccount.unit_id.in_(list(unit_ids)))
    return list(session.scalars(query))


def role_names(user: UserAccount) -> frozenset[str]:
    """The roles `user` holds."""
    return frozenset(role.role for role in user.roles)


def set_roles(
    session: Session,
    user_id: str,
    roles: Iterable[str],
    *,
    granted_by: str | None = None,
    now: datetime | None = None,
) -> UserAccount:
    """Replace the roles of `user_id` with `roles`; roles kept keep their grant record."""
    user = _require_user(session, user_id)
    wanted = _check_roles(roles, _unit(session, user.unit_id))
    moment = _now(now)
    kept = {role.role: role for role in user.roles if role.role in wanted}
    user.roles = [
        kept.get(role) or UserRole(role=role, granted_at=moment, granted_by=granted_by)
        for role in wanted
    ]
    session.flush()
    return user


def set_password(
    session: Session,
    user_id: str,
    password: str,
    *,
    now: datetime | None = None,
) -> UserAccount:
    """Set a new password (policy checked), clear any lockout and end the user's sessions.

    Ending the sessions signs out whoever may have used the old password.
    """
    user = _require_user(session, user_id)
    passwords.check_policy(password, user.username)
    moment = _now(now)
    user.password_hash = passwords.hash_password(password)
    user.password_changed_at = moment
    user.failed_attempts = 0
    user.locked_until = None
    end_user_sessions(session, user.id, moment)
    session.flush()
    return user


def disable_user(session: Session, user_id: str, *, now: datetime | None = None) -> UserAccount:
    """Disable the account and end its sessions; its API tokens stop working too."""
    user = _require_user(session, user_id)
    user.is_active = False
    end_user_sessions(session, user.id, _now(now))
    session.flush()
    return user


def authenticate(
    session: Session, username: str, password: str, *, now: datetime | None = None
) -> UserAccount:
    """The active account `username` if `password` is right; `AuthenticationFailed` if not.

    Raises `AccountLocked` (a subclass, same message) while the account is locked. The
    failure count and the lock are committed before the error is raised, so a caller's
    rollback cannot undo them: call this in a unit of work of its own.
    """
    moment = _now(now)
    user = get_user_by_username(session, username)
    if user is None or not user.is_active or user.password_hash is None:
        passwords.burn_verification(password)
        raise AuthenticationFailed()
    if user.locked_until is not None:
        if moment < user.locked_until:
            # The password is not checked at all: a guess during the lock learns nothing.
            passwords.burn_verification(password)
            raise AccountLocked(user.locked_until)
        user.locked_until = None
        user.failed_attempts = 0
    if not passwords.verify_password(user.password_hash, password):
        user.failed_attempts += 1
        if user.failed_attempts >= MAX_FAILED_ATTEMPTS:
            # Sessions already open stay open: a stranger's guessing must not sign out
            # the real user.
            user.locked_until = moment + LOCKOUT_DURATION
        session.commit()
        raise AuthenticationFailed()
    user.failed_attempts = 0
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    session.flush()
    return user
