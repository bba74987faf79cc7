"""Signing in and out, the caller's own profile, and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from jiandu.security import audit
from jiandu.security.errors import AccountLocked, AuthenticationFailed
from jiandu.security.permissions import Permission
from jiandu.security.sessions import (
    ABSOLUTE_LIFETIME,
    end_session,
    session_id_of,
    start_session,
)
from jiandu.security.tokens import create_token, revoke_token
from jiandu.security.users import authenticate
from jiandu.store.db import session_scope
from jiandu.store.schema import ApiToken, OrgUnit, UserAccount, WebSession, utcnow
from jiandu.web.guard import SESSION_COOKIE, Caller, Db, app_state, public, requires

router = APIRouter(prefix="/api", tags=["auth"])


class SignIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class NewToken(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    expires_in_days: int = Field(default=90, ge=1, le=365)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _profile(caller: Caller) -> dict[str, Any]:
    p = caller.principal
    return {
        "id": p.user_id,
        "username": p.username,
        "unit_id": p.unit_id,
        "roles": sorted(p.roles),
        "permissions": sorted(str(x) for x in p.permissions),
        "clearance": p.clearance,
    }


@router.get("/healthz", dependencies=[Depends(public())])
def healthz() -> dict[str, str]:
    """Liveness for load balancers: says nothing about the data."""
    return {"status": "ok"}


@router.post("/auth/login", dependencies=[Depends(public())])
def login(body: SignIn, request: Request, response: Response) -> Any:
    """Sign in with username and password: a session cookie and the CSRF token."""
    state = app_state(request)
    client = _client(request)
    if not state.sign_in_limit.allow(client):
        with session_scope(state.engine) as session:
            audit.record(
                session, actor="anonymous", action="auth.rate_limited", outcome="denied",
                detail={"client": client},
            )  # fmt: skip
        return JSONResponse(
            {
                "error": {
                    "zh": "登录尝试过于频繁，请稍后再试",
                    "en": "too many sign-in attempts; try again later",
                    "kind": "RateLimited",
                }
            },
            status_code=429,
            headers={"Retry-After": str(state.sign_in_limit.retry_after(client))},
        )
    now = utcnow()
    try:
        with session_scope(state.engine) as session:
            user = authenticate(session, body.username, body.password, now=now)
            agent = request.headers.get("user-agent", "")[:200]
            secret, web_session = start_session(session, user.id, f"{client} {agent}", now)
            audit.record(
                session, actor=user.id, action="auth.sign_in", unit_id=user.unit_id,
                detail={"via": "password", "client": client},
            )  # fmt: skip
            csrf = web_session.csrf_token
            user_id, unit_id = user.id, user.unit_id
    except (AuthenticationFailed, AccountLocked) as error:
        with session_scope(state.engine) as session:
            audit.record(
                session, actor="anonymous", action="auth.sign_in", outcome="denied",
                detail={"username": body.username[:64], "client": client,
                        "reason": type(error).__name__},
            )  # fmt: skip
        # One answer for a wrong password, an unknown user and a locked account.
        raise AuthenticationFailed() from None
    secure = (
        state.secure_cookies
        if state.secure_cookies is not None
        else (request.url.scheme == "https")
    )
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(ABSOLUTE_LIFETIME.total_seconds()),
        httponly=True,
        secure=secure,
        samesite="strict",
        path="/",
    )
    return {"csrf_token": csrf, "user": {"id": user_id, "unit_id": unit_id}}


@router.post("/auth/logout")
def logout(
    request: Request,
    response: Response,
    caller: Annotated[Caller, Depends(requires(Permission.SELF))],
    session: Db,
) -> dict[str, str]:
    """End this session (a token caller has none to end: revoke the token instead)."""
    if caller.session_secret is not None:
        end_session(session, caller.session_secret, utcnow())
    audit.record(
        session, actor=caller.principal.user_id, action="auth.sign_out",
        unit_id=caller.principal.unit_id, detail={"via": caller.via},
    )  # fmt: skip
    response.delete_cookie(SESSION_COOKIE, path="/")
    return {"status": "signed out"}


@router.get("/me")
def me(
    caller: Annotated[Caller, Depends(requires(Permission.SELF))], session: Db
) -> dict[str, Any]:
    """The caller: name, unit, roles, permissions, clearance (and, for a browser session,
    the session's CSRF token, so a reloaded page can keep writing)."""
    profile = _profile(caller)
    user = session.get(UserAccount, caller.principal.user_id)
    unit = session.get(OrgUnit, caller.principal.unit_id)
    profile["display_name"] = user.display_name if user else caller.principal.username
    profile["unit_name"] = unit.name if unit else caller.principal.unit_id
    profile["unit_kind"] = unit.kind if unit else None
    if caller.session_secret:
        row = session.get(WebSession, session_id_of(caller.session_secret))
        profile["csrf_token"] = row.csrf_token if row else None
    return profile


@router.get("/tokens")
def list_tokens(
    caller: Annotated[Caller, Depends(requires(Permission.SELF))], session: Db
) -> list[dict[str, Any]]:
    """The caller's own API tokens (never their secrets)."""
    tokens = session.query(ApiToken).filter(ApiToken.user_id == caller.principal.user_id)
    return [
        {
            "id": t.id,
            "name": t.name,
            "created_at": _iso(t.created_at),
            "expires_at": _iso(t.expires_at),
            "last_used_at": _iso(t.last_used_at),
            "revoked": t.revoked_at is not None,
        }
        for t in tokens.order_by(ApiToken.created_at)
    ]


@router.post("/tokens", status_code=201)
def new_token(
    body: NewToken, caller: Annotated[Caller, Depends(requires(Permission.SELF))], session: Db
) -> dict[str, Any]:
    """A new API token for the caller; its secret is shown this once."""
    token, secret = create_token(
        session, caller.principal.user_id, body.name, expires_in_days=body.expires_in_days
    )
    audit.record(
        session, actor=caller.principal.user_id, action="token.create", object_kind="token",
        object_id=token.id, unit_id=caller.principal.unit_id, detail={"name": body.name},
    )  # fmt: skip
    return {
        "id": token.id,
        "name": token.name,
        "token": secret,
        "expires_at": _iso(token.expires_at),
    }


@router.delete("/tokens/{token_id}")
def delete_token(
    token_id: str, caller: Annotated[Caller, Depends(requires(Permission.SELF))], session: Db
) -> dict[str, str]:
    """Revoke one of the caller's tokens (another user's token is 'not found')."""
    revoke_token(session, token_id, user_id=caller.principal.user_id, now=utcnow())
    audit.record(
        session, actor=caller.principal.user_id, action="token.revoke", object_kind="token",
        object_id=token_id, unit_id=caller.principal.unit_id, detail={},
    )  # fmt: skip
    return {"status": "revoked"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
