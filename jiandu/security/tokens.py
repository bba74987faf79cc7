"""API tokens: bearer credentials for scripts.

A token is "jd_" followed by 43 URL-safe characters (32 random bytes), shown once when
it is made; the database keeps only its SHA-256, looked up by a unique index. The
prefix lets secret scanners recognise a leaked token. Tokens expire (default 90 days),
can be revoked, and stop working when their user is disabled.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.security.errors import AuthenticationFailed, NotFound, SecurityError
from jiandu.security.sessions import TOUCH_EVERY, touch
from jiandu.store.schema import ApiToken, UserAccount

TOKEN_PREFIX = "jd_"
DEFAULT_EXPIRY_DAYS = 90
_SECRET_BYTES = 32
_SECRET_MAX_CHARS = 128
_NAME_MAX_CHARS = 100


def _now(now: datetime | None) -> datetime:
    return datetime.now(UTC) if now is None else now


def token_hash(secret: str) -> str:
    """SHA-256 (hex) of a token secret: what the database stores."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(
    session: Session,
    user_id: str,
    name: str,
    expires_in_days: int | None = DEFAULT_EXPIRY_DAYS,
    *,
    now: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Make a token for `user_id`; return (row, secret). The secret is not stored.

    `expires_in_days=None` makes a token that never expires (for service accounts; it
    still dies with revocation or a disabled user).
    """
    name = name.strip()
    if not name or len(name) > _NAME_MAX_CHARS:
        raise SecurityError(
            f"令牌名称不能为空，且最多 {_NAME_MAX_CHARS} 个字符",
            f"A token needs a name of 1 to {_NAME_MAX_CHARS} characters",
        )
    if expires_in_days is not None and expires_in_days <= 0:
        raise SecurityError(
            "令牌有效期须为正数天", "A token's lifetime must be a positive number of days"
        )
    if session.get(UserAccount, user_id) is None:
        raise NotFound("user", user_id)
    moment = _now(now)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(_SECRET_BYTES)
    row = ApiToken(
        id=f"t{secrets.token_hex(8)}",
        user_id=user_id,
        name=name,
        token_hash=token_hash(secret),
        created_at=moment,
        expires_at=None if expires_in_days is None else moment + timedelta(days=expires_in_days),
    )
    session.add(row)
    session.flush()
    return row, secret


def verify_token(session: Session, secret: str, now: datetime | None = None) -> UserAccount:
    """The active user a token secret belongs to; `AuthenticationFailed` otherwise.

    Refused: malformed, unknown, revoked or expired tokens, and tokens of disabled
    users — all with the same message. Records the token's last use.
    """
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > _SECRET_MAX_CHARS:
        raise AuthenticationFailed()
    moment = _now(now)
    digest = token_hash(secret)
    row = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    # The look-up is by hash (no timing signal about the secret); the compare is the
    # constant-time rule for secrets all the same.
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        raise AuthenticationFailed()
    if row.revoked_at is not None or (row.expires_at is not None and moment >= row.expires_at):
        raise AuthenticationFailed()
    user = session.get(UserAccount, row.user_id)
    if user is None or not user.is_active:
        raise AuthenticationFailed()
    # Recorded at most once a minute, as a session's last seen (sessions.TOUCH_EVERY): a
    # script calling the API in a loop should not make every call a database write.
    if row.last_used_at is None or moment - row.last_used_at >= TOUCH_EVERY:
        touch(session, row, "last_used_at", moment)
    return user


def revoke_token(
    session: Session,
    token_id: str,
    *,
    user_id: str | None = None,
    now: datetime | None = None,
) -> ApiToken:
    """Revoke token `token_id` (idempotent); with `user_id`, only if it is theirs.

    A token of another user raises `NotFound`, exactly as a missing one does.
    """
    row = session.get(ApiToken, token_id)
    if row is None or (user_id is not None and row.user_id != user_id):
        raise NotFound("token", token_id)
    if row.revoked_at is None:
        row.revoked_at = _now(now)
        session.flush()
    return row


def list_tokens(session: Session, user_id: str) -> list[ApiToken]:
    """The tokens of `user_id` (revoked and expired ones too), newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id)
        )
    )
