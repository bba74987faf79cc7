"""Web sessions: hashed ids, CSRF tokens, idle and absolute timeouts, sign-out."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from jiandu.security.sessions import (
    ABSOLUTE_LIFETIME,
    IDLE_TIMEOUT,
    TOUCH_EVERY,
    csrf_matches,
    end_session,
    end_user_sessions,
    list_sessions,
    load_session,
    start_session,
)
from jiandu.security.users import create_user
from jiandu.store.db import read_mostly, session_scope
from jiandu.store.schema import WebSession

T0 = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


@pytest.fixture
def user_id(tree: Engine) -> str:
    with session_scope(tree) as session:
        return create_user(
            session, username="alice", display_name="A", unit_id="sx", password=None,
            roles=["prosecutor"],
        ).id  # fmt: skip


def _start(engine: Engine, user_id: str, at: datetime = T0) -> str:
    with session_scope(engine) as session:
        return start_session(session, user_id, "Mozilla/5.0", at)[0]


def _load(engine: Engine, secret: str, at: datetime) -> WebSession | None:
    with session_scope(engine) as session:
        return load_session(session, secret, at)


def test_only_the_hash_of_the_cookie_is_stored_with_a_csrf_token(
    tree: Engine, user_id: str
) -> None:
    with session_scope(tree) as session:
        secret, row = start_session(session, user_id, "x" * 1000, T0)
    assert row.id == hashlib.sha256(secret.encode()).hexdigest() != secret
    assert len(secret) == 43 and len(row.csrf_token) == 43 and row.csrf_token != secret
    assert row.expires_at == T0 + ABSOLUTE_LIFETIME
    assert row.client == "x" * 255
    loaded = _load(tree, secret, T0)
    assert loaded is not None and loaded.user_id == user_id
    assert _load(tree, row.id, T0) is None  # the stored id is not a credential


def test_csrf_tokens_must_match_exactly(tree: Engine, user_id: str) -> None:
    with session_scope(tree) as session:
        _, row = start_session(session, user_id, None, T0)
    assert csrf_matches(row, row.csrf_token)
    for wrong in (None, "", row.csrf_token[:-1], row.csrf_token + "x", row.csrf_token.upper()):
        assert not csrf_matches(row, wrong)


def test_activity_keeps_a_session_alive_until_the_idle_timeout(tree: Engine, user_id: str) -> None:
    secret = _start(tree, user_id)
    at = T0
    for _ in range(4):  # two hours of requests 29 minutes apart
        at += IDLE_TIMEOUT - timedelta(minutes=1)
        loaded = _load(tree, secret, at)
        assert loaded is not None and loaded.last_seen_at == at
    assert _load(tree, secret, at + IDLE_TIMEOUT) is None
    # Once ended it stays ended, even for a request that would be in time.
    assert _load(tree, secret, at + timedelta(minutes=1)) is None
    with session_scope(tree) as session:
        assert list_sessions(session, user_id) == []


def test_requests_within_a_minute_write_nothing(tree: Engine, user_id: str) -> None:
    """Last seen moves at most once a minute: most requests are reads only, so concurrent
    clients do not queue for SQLite's one writer."""
    secret = _start(tree, user_id)
    for seconds in (1, 30, 59):
        loaded = _load(tree, secret, T0 + timedelta(seconds=seconds))
        assert loaded is not None and loaded.last_seen_at == T0
    loaded = _load(tree, secret, T0 + TOUCH_EVERY)
    assert loaded is not None and loaded.last_seen_at == T0 + TOUCH_EVERY
    # The idle timeout counts from the last write: still within it here.
    assert _load(tree, secret, T0 + TOUCH_EVERY + IDLE_TIMEOUT - timedelta(seconds=1))


def test_the_absolute_lifetime_ends_even_an_active_session(tree: Engine, user_id: str) -> None:
    secret = _start(tree, user_id)
    at = T0
    while at + timedelta(minutes=20) < T0 + ABSOLUTE_LIFETIME:
        at += timedelta(minutes=20)
        assert _load(tree, secret, at) is not None
    assert _load(tree, secret, T0 + ABSOLUTE_LIFETIME) is None


def test_sign_out_ends_one_session(tree: Engine, user_id: str) -> None:
    first, second = _start(tree, user_id), _start(tree, user_id, T0 + timedelta(seconds=1))
    with session_scope(tree) as session:
        assert [s.id for s in list_sessions(session, user_id)] == [
            hashlib.sha256(second.encode()).hexdigest(),
            hashlib.sha256(first.encode()).hexdigest(),
        ]
        assert end_session(session, first, T0)
        assert not end_session(session, first, T0)  # already ended
        assert not end_session(session, "unknown", T0)
        assert not end_session(session, "", T0)
    assert _load(tree, first, T0) is None
    assert _load(tree, second, T0) is not None


def test_end_user_sessions_ends_every_live_one(tree: Engine, user_id: str) -> None:
    secrets_ = [_start(tree, user_id) for _ in range(3)]
    with session_scope(tree) as session:
        end_session(session, secrets_[0], T0)
        assert end_user_sessions(session, user_id, T0) == 2
        assert end_user_sessions(session, user_id, T0) == 0
    assert all(_load(tree, s, T0) is None for s in secrets_)


@pytest.mark.parametrize("secret", ["", "x" * 129, "not-a-session"])
def test_garbage_cookies_load_nothing(tree: Engine, user_id: str, secret: str) -> None:
    _start(tree, user_id)
    assert _load(tree, secret, T0) is None


def test_a_reading_request_touches_its_session_in_a_transaction_of_its_own(
    tree: Engine, user_id: str
) -> None:
    """A GET's transaction (`read_mostly`, deferred on SQLite) never writes: last seen is
    written and committed apart, and the request's own session holds no change."""
    secret = _start(tree, user_id)
    later = T0 + TOUCH_EVERY
    with session_scope(tree) as session:
        read_mostly(session)
        loaded = load_session(session, secret, later)
        assert loaded is not None and loaded.last_seen_at == later
        assert not session.dirty and not session.new
        row_id = loaded.id
    with session_scope(tree) as session:
        assert session.get_one(WebSession, row_id).last_seen_at == later
