"""Server-side web sessions.

The browser holds only a random secret (the cookie); the database holds its SHA-256 as
the row id, so a copy of the database does not hand out live sessions. Each session has
its own CSRF token (sent back by forms and scripts in a header). A session ends when the
user signs out, after `IDLE_TIMEOUT` without a request, `ABSOLUTE_LIFETIME` after sign-in,
when the user is disabled, or when the password is changed; ended rows are kept (with
`ended_at`) as a record of who was signed in when.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from jiandu.store.db import is_read_mostly
from jiandu.store.schema import ApiToken, UserAccount, WebSession

IDLE_TIMEOUT = timedelta(minutes=30)
# "Last seen" is written at most this often. Writing it on every request made every API
# call a write: on SQLite one writer at a time, holding the lock for the whole request,
# so 50 concurrent clients queued behind each other (bench: p50 30 s, then "database is
# locked"). A minute is nothing against a 30-minute idle timeout.
TOUCH_EVERY = timedelta(minutes=1)
ABSOLUTE_LIFETIME = timedelta(hours=12)
_SECRET_BYTES = 32
# token_urlsafe(32) is 43 characters; anything far longer is not ours and is not hashed.
_SECRET_MAX_CHARS = 128
_CLIENT_MAX_CHARS = 255


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now


def session_id_of(secret: str) -> str:
    """The stored id of a session: SHA-256 (hex) of its cookie secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start_session(
    session: Session, user_id: str, client: str | None, now: datetime | None = None
) -> tuple[str, WebSession]:
    """Open a web session for `user_id`; return (cookie secret, row).

    The secret is shown once, to be set as the cookie; only its hash is stored. `client`
    (e.g. the User-Agent) is kept, cut to the column's size, for the user's session list.
    """
    moment = _now(now)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    row = WebSession(
        id=session_id_of(secret),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(_SECRET_BYTES),
        created_at=moment,
        last_seen_at=moment,
        expires_at=moment + ABSOLUTE_LIFETIME,
        client=client[:_CLIENT_MAX_CHARS] if client else None,
    )
    session.add(row)
    session.flush()
    return secret, row


def load_session(session: Session, secret: str, now: datetime | None = None) -> WebSession | None:
    """The live session for cookie `secret`, touched (last seen = now, at most once per
    `TOUCH_EVERY`: most requests then write nothing); else None.

    None when the secret is unknown, the session was ended, is past its absolute
    lifetime or idle timeout (it is then marked ended), or its user is disabled.
    """
    if not secret or len(secret) > _SECRET_MAX_CHARS:
        return None
    moment = _now(now)
    row = session.get(WebSession, session_id_of(secret))
    if row is None or row.ended_at is not None:
        return None
    user = session.get(UserAccount, row.user_id)
    if (
        moment >= row.expires_at
        or moment - row.last_seen_at >= IDLE_TIMEOUT
        or user is None
        or not user.is_active
    ):
        row.ended_at = moment
        session.flush()
        return None
    if moment - row.last_seen_at >= TOUCH_EVERY:
        touch(session, row, "last_seen_at", moment)
    return row


def touch(session: Session, row: WebSession | ApiToken, column: str, moment: datetime) -> None:
    """Record `moment` in `row.column` (a session's last seen, a token's last use).

    In the request's own transaction normally; when that transaction is a reading one
    (`store.db.read_mostly`: begun deferred on SQLite), in a short transaction of its own,
    so the reading one never writes (a deferred transaction that writes after another
    connection committed fails at once).
    """
    if not is_read_mostly(session):
        setattr(row, column, moment)
        session.flush()
        return
    kind = type(row)
    with Session(session.get_bind()) as own, own.begin():
        own.execute(update(kind).where(kind.id == row.id).values({column: moment}))
    set_committed_value(row, column, moment)


def csrf_matches(web_session: WebSession, token: str | None) -> bool:
    """True when `token` is the session's CSRF token (compared in constant time)."""
    if not token:
        return False
    return hmac.compare_digest(web_session.csrf_token.encode(), token.encode())


def end_session(session: Session, secret: str, now: datetime | None = None) -> bool:
    """Sign out the session of cookie `secret`; True when a live session was ended."""
    if not secret or len(secret) > _SECRET_MAX_CHARS:
        return False
    row = session.get(WebSession, session_id_of(secret))
    if row is None or row.ended_at is not None:
        return False
    row.ended_at = _now(now)
    session.flush()
    return True


def end_user_sessions(session: Session, user_id: str, now: datetime | None = None) -> int:
    """End every live session of `user_id` (disabled, locked, new password); return how many."""
    result = session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
        .values(ended_at=_now(now))
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(result, "rowcount", 0) or 0)


def list_sessions(session: Session, user_id: str) -> list[WebSession]:
    """The live (not ended) sessions of `user_id`, newest first."""
    return list(
        session.scalars(
            select(WebSession)
            .where(WebSession.user_id == user_id, WebSession.ended_at.is_(None))
            .order_by(WebSession.created_at.desc())
        )
    )
