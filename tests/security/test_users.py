"""Accounts: creation rules, roles, passwords, disabling, sign-in with lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine

from jiandu.security import passwords, users
from jiandu.security.errors import (
    AccountLocked,
    AuthenticationFailed,
    NotFound,
    PasswordRejected,
    SecurityError,
)
from jiandu.security.sessions import load_session, start_session
from jiandu.security.users import (
    LOCKOUT_DURATION,
    MAX_FAILED_ATTEMPTS,
    authenticate,
    create_user,
    disable_user,
    get_user,
    get_user_by_username,
    list_users,
    role_names,
    set_password,
    set_roles,
)
from jiandu.store.db import session_scope
from jiandu.store.schema import UserAccount

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
GOOD = "Correct-Horse-9"


def _create(engine: Engine, **overrides: Any) -> str:
    values: dict[str, Any] = {
        "username": "alice",
        "display_name": "张三",
        "unit_id": "sx",
        "password": GOOD,
        "roles": ["prosecutor"],
        "granted_by": "cli:root",
        "now": T0,
    } | overrides
    with session_scope(engine) as session:
        return create_user(session, **values).id


def _user(engine: Engine, user_id: str) -> UserAccount:
    with session_scope(engine) as session:
        user = get_user(session, user_id)
        assert user is not None
        return user


def _sign_in(engine: Engine, password: str, at: datetime, username: str = "alice") -> str:
    with session_scope(engine) as session:
        return authenticate(session, username, password, now=at).id


def _fails(engine: Engine, password: str, at: datetime, username: str = "alice") -> str:
    """Sign in expecting a refusal (as a web handler would: exception leaves the scope)."""
    with pytest.raises(AuthenticationFailed) as refused:
        _sign_in(engine, password, at, username)
    return type(refused.value).__name__


def test_create_user_stores_a_hash_roles_and_normalised_name(tree: Engine) -> None:
    user_id = _create(tree, username="  Alice ", roles=["leader", "prosecutor", "leader"])
    user = _user(tree, user_id)
    assert user.username == "alice"
    assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    assert GOOD not in user.password_hash
    assert role_names(user) == {"leader", "prosecutor"}
    assert {r.granted_by for r in user.roles} == {"cli:root"}
    assert (user.clearance, user.is_active, user.failed_attempts) == ("internal", True, 0)
    assert user.password_changed_at == T0
    with session_scope(tree) as session:
        assert get_user_by_username(session, "ALICE") is not None


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"username": "x"}, "User name 'x' is invalid"),
        ({"username": "a/b"}, "is invalid"),
        ({"display_name": " "}, "display name"),
        ({"clearance": "top"}, "Clearance 'top' is invalid"),
        ({"roles": ["root"]}, "Unknown roles: root"),
        ({"roles": ["external_liaison"]}, "for users of external units only"),
        ({"unit_id": "sx-ext", "roles": ["prosecutor"]}, "external_liaison role only"),
        ({"unit_id": "sx-ext", "roles": ["external_liaison", "leader"]}, "role only"),
    ],
)
def test_create_user_refusals(tree: Engine, overrides: dict[str, Any], words: str) -> None:
    with pytest.raises(SecurityError) as refused:
        _create(tree, **overrides)
    assert words in refused.value.en
    with session_scope(tree) as session:
        assert list_users(session) == []


def test_user_names_are_unique_case_insensitively_and_units_must_exist(tree: Engine) -> None:
    _create(tree)
    with pytest.raises(SecurityError, match="taken"):
        _create(tree, username="ALICE")
    with pytest.raises(NotFound):
        _create(tree, username="bob", unit_id="nowhere")


def test_new_passwords_must_meet_the_policy(tree: Engine) -> None:
    with pytest.raises(PasswordRejected):
        _create(tree, password="short")
    with pytest.raises(PasswordRejected, match="user name"):
        _create(tree, password="xx-Alice-2026-xx")
    user_id = _create(tree)
    with session_scope(tree) as session, pytest.raises(PasswordRejected):
        set_password(session, user_id, "abcdefghijkl")


def test_external_users_hold_the_liaison_role(tree: Engine) -> None:
    user_id = _create(tree, username="ext", unit_id="sx-ext", roles=["external_liaison"])
    with session_scope(tree) as session, pytest.raises(SecurityError, match="role only"):
        set_roles(session, user_id, ["prosecutor"])


def test_list_users_by_unit(tree: Engine) -> None:
    _create(tree, username="carol", unit_id="hz")
    _create(tree, username="bob")
    _create(tree, username="alice")
    with session_scope(tree) as session:
        assert [u.username for u in list_users(session)] == ["alice", "bob", "carol"]
        assert [u.username for u in list_users(session, unit_ids=["hz"])] == ["carol"]
        assert list_users(session, unit_ids=[]) == []


def test_set_roles_replaces_and_keeps_the_grant_record_of_kept_roles(tree: Engine) -> None:
    user_id = _create(tree, roles=["prosecutor", "modeler"])
    later = T0 + timedelta(days=1)
    with session_scope(tree) as session:
        set_roles(session, user_id, ["prosecutor", "leader"], granted_by="u-admin", now=later)
    user = _user(tree, user_id)
    grants = {r.role: (r.granted_at, r.granted_by) for r in user.roles}
    assert grants == {"prosecutor": (T0, "cli:root"), "leader": (later, "u-admin")}
    with session_scope(tree) as session:
        set_roles(session, user_id, [])
    assert role_names(_user(tree, user_id)) == frozenset()
    with session_scope(tree) as session, pytest.raises(NotFound):
        set_roles(session, "u-missing", ["leader"])


def test_sign_in_with_the_right_password_only(tree: Engine) -> None:
    user_id = _create(tree)
    assert _sign_in(tree, GOOD, T0) == user_id
    assert _sign_in(tree, GOOD, T0, username="ALICE") == user_id
    assert _fails(tree, GOOD.lower(), T0) == "AuthenticationFailed"
    assert _user(tree, user_id).failed_attempts == 1


def test_unknown_disabled_and_passwordless_users_fail_alike_and_cost_a_verification(
    tree: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _create(tree)
    _create(tree, username="nopass", password=None)
    disabled = _create(tree, username="gone")
    with session_scope(tree) as session:
        disable_user(session, disabled)
    burned: list[str] = []
    monkeypatch.setattr(passwords, "burn_verification", burned.append)
    messages = set()
    for name in ("nobody", "nopass", "gone"):
        with session_scope(tree) as session, pytest.raises(AuthenticationFailed) as refused:
            authenticate(session, name, GOOD, now=T0)
        assert type(refused.value) is AuthenticationFailed
        messages.add((refused.value.zh, refused.value.en))
    with session_scope(tree) as session, pytest.raises(AuthenticationFailed) as wrong:
        authenticate(session, "alice", "wrong", now=T0)
    messages.add((wrong.value.zh, wrong.value.en))
    assert len(messages) == 1  # one message: no account enumeration
    assert burned == [GOOD, GOOD, GOOD]


def test_lockout_after_consecutive_failures_for_fifteen_minutes(tree: Engine) -> None:
    user_id = _create(tree)
    for attempt in range(MAX_FAILED_ATTEMPTS - 1):
        _fails(tree, f"wrong-{attempt}", T0)
    # A success resets the count: the next failures start from zero.
    _sign_in(tree, GOOD, T0)
    assert _user(tree, user_id).failed_attempts == 0
    for attempt in range(MAX_FAILED_ATTEMPTS):
        assert _fails(tree, f"wrong-{attempt}", T0 + timedelta(seconds=attempt)) == (
            "AuthenticationFailed"
        )
    locked_at = T0 + timedelta(seconds=MAX_FAILED_ATTEMPTS - 1)
    assert _user(tree, user_id).locked_until == locked_at + LOCKOUT_DURATION
    # While locked even the right password is refused, with the same message.
    just_before = locked_at + LOCKOUT_DURATION - timedelta(seconds=1)
    with session_scope(tree) as session, pytest.raises(AccountLocked) as locked:
        authenticate(session, "alice", GOOD, now=just_before)
    assert locked.value.until == locked_at + LOCKOUT_DURATION
    assert (locked.value.zh, locked.value.en) == (AuthenticationFailed().zh,
                                                  AuthenticationFailed().en)  # fmt: skip
    # When the lock has run out the right password works and clears the state.
    assert _sign_in(tree, GOOD, locked_at + LOCKOUT_DURATION) == user_id
    user = _user(tree, user_id)
    assert (user.failed_attempts, user.locked_until) == (0, None)


def test_after_a_lock_expires_the_count_starts_again(tree: Engine) -> None:
    user_id = _create(tree)
    for _ in range(MAX_FAILED_ATTEMPTS):
        _fails(tree, "wrong", T0)
    after = T0 + LOCKOUT_DURATION
    assert _fails(tree, "wrong", after) == "AuthenticationFailed"
    user = _user(tree, user_id)
    assert (user.failed_attempts, user.locked_until) == (1, None)


def test_failures_are_counted_even_when_the_caller_rolls_back(tree: Engine) -> None:
    user_id = _create(tree)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), session_scope(tree) as session:
        try:
            authenticate(session, "alice", "wrong", now=T0)
        except AuthenticationFailed:
            raise Boom from None
    assert _user(tree, user_id).failed_attempts == 1


def test_a_successful_sign_in_upgrades_an_outdated_hash(
    tree: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    user_id = _create(tree)
    old = _user(tree, user_id).password_hash
    monkeypatch.setattr(passwords, "_HASHER", PasswordHasher(time_cost=2, memory_cost=2048))
    _sign_in(tree, GOOD, T0)
    new = _user(tree, user_id).password_hash
    assert new != old and new is not None and "t=2" in new
    assert _sign_in(tree, GOOD, T0) == user_id


def test_set_password_unlocks_and_ends_sessions(tree: Engine) -> None:
    user_id = _create(tree)
    with session_scope(tree) as session:
        secret, _ = start_session(session, user_id, "test", T0)
    for _ in range(MAX_FAILED_ATTEMPTS):
        _fails(tree, "wrong", T0)
    later = T0 + timedelta(minutes=1)
    with session_scope(tree) as session:
        set_password(session, user_id, "New-Password-2026", now=later)
    with session_scope(tree) as session:
        assert load_session(session, secret, later) is None
    assert _fails(tree, GOOD, later) == "AuthenticationFailed"
    assert _sign_in(tree, "New-Password-2026", later) == user_id
    assert _user(tree, user_id).password_changed_at == later


def test_disable_user_ends_sessions_and_sign_in(tree: Engine) -> None:
    user_id = _create(tree)
    with session_scope(tree) as session:
        secret, _ = start_session(session, user_id, None, T0)
    with session_scope(tree) as session:
        disable_user(session, user_id, now=T0)
    with session_scope(tree) as session:
        assert load_session(session, secret, T0) is None
    assert _fails(tree, GOOD, T0) == "AuthenticationFailed"
    with session_scope(tree) as session, pytest.raises(NotFound):
        disable_user(session, "u-missing")


def test_module_constants_are_the_documented_policy() -> None:
    assert users.MAX_FAILED_ATTEMPTS == 5
    assert timedelta(minutes=15) == users.LOCKOUT_DURATION
