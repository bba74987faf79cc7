"""API tokens: shown once, stored hashed, expiring, revocable, dead with their user."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, select

from jiandu.security.errors import AuthenticationFailed, NotFound, SecurityError
from jiandu.security.tokens import create_token, list_tokens, revoke_token, verify_token
from jiandu.security.users import create_user, disable_user
from jiandu.store.db import session_scope
from jiandu.store.schema import ApiToken

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def users(tree: Engine) -> tuple[str, str]:
    with session_scope(tree) as session:
        ids = tuple(
            create_user(
                session, username=name, display_name=name, unit_id="sx", password=None,
                roles=["prosecutor"],
            ).id
            for name in ("alice", "bob")
        )  # fmt: skip
    return ids[0], ids[1]


def _refused(engine: Engine, secret: str, at: datetime) -> None:
    with session_scope(engine) as session, pytest.raises(AuthenticationFailed):
        verify_token(session, secret, at)


def test_the_secret_is_shown_once_and_only_its_hash_is_stored(
    tree: Engine, users: tuple[str, str]
) -> None:
    with session_scope(tree) as session:
        row, secret = create_token(session, users[0], "nightly import", now=T0)
    assert secret.startswith("jd_") and len(secret) == 3 + 43
    with session_scope(tree) as session:
        stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.token_hash, stored.id, stored.name)
    assert stored.expires_at == T0 + timedelta(days=90)
    assert row.id == stored.id


def test_verify_returns_the_user_and_records_the_use(tree: Engine, users: tuple[str, str]) -> None:
    with session_scope(tree) as session:
        row, secret = create_token(session, users[0], "t", now=T0)
    used = T0 + timedelta(days=1)
    with session_scope(tree) as session:
        assert verify_token(session, secret, used).id == users[0]
    with session_scope(tree) as session:
        assert session.get(ApiToken, row.id).last_used_at == used  # type: ignore[union-attr]


def test_wrong_malformed_expired_and_revoked_tokens_are_refused(
    tree: Engine, users: tuple[str, str]
) -> None:
    with session_scope(tree) as session:
        row, secret = create_token(session, users[0], "t", expires_in_days=30, now=T0)
    _refused(tree, secret[:-1] + ("A" if secret[-1] != "A" else "B"), T0)
    _refused(tree, secret[3:], T0)  # without the prefix
    _refused(tree, "jd_" + "x" * 500, T0)
    _refused(tree, "", T0)
    _refused(tree, secret, T0 + timedelta(days=30))  # expiry is exclusive
    with session_scope(tree) as session:
        assert verify_token(session, secret, T0 + timedelta(days=29)).id == users[0]
        revoke_token(session, row.id, now=T0)
    _refused(tree, secret, T0)


def test_tokens_die_with_a_disabled_user(tree: Engine, users: tuple[str, str]) -> None:
    with session_scope(tree) as session:
        _, secret = create_token(session, users[0], "t", expires_in_days=None, now=T0)
    with session_scope(tree) as session:
        assert verify_token(session, secret, T0 + timedelta(days=3650)).id == users[0]
        disable_user(session, users[0])
    _refused(tree, secret, T0)


def test_a_user_revokes_only_their_own_tokens(tree: Engine, users: tuple[str, str]) -> None:
    alice, bob = users
    with session_scope(tree) as session:
        row, secret = create_token(session, alice, "t", now=T0)
    with session_scope(tree) as session, pytest.raises(NotFound) as refused:
        revoke_token(session, row.id, user_id=bob)
    with session_scope(tree) as session, pytest.raises(NotFound) as missing:
        revoke_token(session, "t-missing", user_id=bob)
    # Someone else's token and a missing one read the same apart from the id itself.
    assert refused.value.en.replace(row.id, "?") == missing.value.en.replace("t-missing", "?")
    with session_scope(tree) as session:
        assert verify_token(session, secret, T0).id == alice
        first = revoke_token(session, row.id, user_id=alice, now=T0).revoked_at
        again = revoke_token(session, row.id, now=T0 + timedelta(hours=1)).revoked_at
    assert first == again == T0


def test_token_names_lifetimes_and_owners_are_checked(tree: Engine, users: tuple[str, str]) -> None:
    with session_scope(tree) as session:
        for name, days in (("", 90), ("x" * 101, 90), ("ok", 0), ("ok", -1)):
            with pytest.raises(SecurityError):
                create_token(session, users[0], name, days)
        with pytest.raises(NotFound):
            create_token(session, "u-missing", "t")


def test_list_tokens_is_per_user_newest_first(tree: Engine, users: tuple[str, str]) -> None:
    with session_scope(tree) as session:
        create_token(session, users[0], "old", now=T0)
        create_token(session, users[0], "new", now=T0 + timedelta(days=1))
        create_token(session, users[1], "bob's", now=T0)
    with session_scope(tree) as session:
        assert [t.name for t in list_tokens(session, users[0])] == ["new", "old"]
