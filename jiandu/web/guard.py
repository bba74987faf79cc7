"""Who is calling, and may they: the dependencies every route declares.

Every route of the app declares exactly one guard, checked by a test that walks all
routes (tests/web/test_routes_guarded.py):

- `requires(Permission.X)`: the caller must be signed in (a session cookie, or an API
  token in `Authorization: Bearer jd_…`) and hold permission X; unsafe methods on a
  cookie session must carry the session's CSRF token in `X-CSRF-Token`;
- `public()`: reachable without signing in (sign-in itself, the health check).

A caller who is not signed in gets 401; one without the permission gets 403, and the
refusal is audited. Objects outside the caller's units are answered 404 by the routes
themselves, exactly as objects that do not exist, so nothing leaks whether they do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session
from starlette.routing import Mount

from jiandu.jobs.runner import JobRunner
from jiandu.security import audit
from jiandu.security.errors import AuthenticationFailed, PermissionDenied
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal, principal_for
from jiandu.security.sessions import csrf_matches, load_session
from jiandu.security.tokens import verify_token
from jiandu.store.db import read_mostly, session_scope
from jiandu.store.schema import UserAccount, utcnow
from jiandu.web.state import AppState

SESSION_COOKIE = "jd_session"
CSRF_HEADER = "X-CSRF-Token"
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_READING = frozenset({"GET", "HEAD"})


@dataclass(frozen=True)
class Caller:
    """The signed-in caller of one request."""

    principal: Principal
    via: str  # "session" or "token"
    session_secret: str | None = None  # the cookie, to end the session on sign-out


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.jiandu
    return state


def db(request: Request) -> Iterator[Session]:
    """One metadata-store transaction per request, committed when the route returns and
    before the response is sent (`scope="function"`: FastAPI's default "request" scope
    ends a dependency after the response, so a client could read its own write too early
    and a failed commit would follow a 2xx). A GET's begins deferred on SQLite
    (`read_mostly`), so reading requests never queue for the one write lock."""
    with session_scope(app_state(request).engine) as session:
        if request.method in _READING:
            read_mostly(session)
        yield session


Db = Annotated[Session, Depends(db, scope="function")]


def _authenticate(request: Request, session: Session) -> Caller:
    now = utcnow()
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        user = verify_token(session, header[7:].strip(), now)
        return Caller(principal_for(session, user), "token")
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        raise AuthenticationFailed()
    web_session = load_session(session, secret, now)
    if web_session is None:
        raise AuthenticationFailed()
    account = session.get(UserAccount, web_session.user_id)
    if account is None or not account.is_active:
        raise AuthenticationFailed()
    user = account
    if request.method in _UNSAFE and not csrf_matches(
        web_session, request.headers.get(CSRF_HEADER)
    ):
        raise PermissionDenied("csrf")
    return Caller(principal_for(session, user), "session", secret)


def requires(permission: Permission) -> Callable[..., Caller]:
    """The guard of a route that needs `permission` (see the module docstring)."""

    def guard(request: Request, session: Db) -> Caller:
        caller = _authenticate(request, session)
        if not caller.principal.can(permission):
            raise denied(request, session, caller, permission)
        return caller

    guard.permission = permission  # type: ignore[attr-defined]  # read by the route walk
    return guard


def denied(
    request: Request,
    session: Session,
    caller: Caller,
    permission: Permission,
    action: str = "access.denied",
) -> PermissionDenied:
    """Audit (as `action`, outcome denied) that `caller` lacked `permission` here; the
    error to raise.

    The entry is committed in the request's own transaction before the error rolls the
    rest back: a second transaction would wait on the first's write lock on SQLite
    (signing in touched the session row) until the database gave up.
    """
    audit.record(
        session,
        actor=caller.principal.user_id,
        action=action,
        object_kind="route",
        object_id=request.url.path[:128],
        unit_id=caller.principal.unit_id,
        outcome="denied",
        detail={"permission": str(permission), "method": request.method},
    )
    session.commit()
    return PermissionDenied(str(permission))


def public() -> Callable[..., None]:
    """The guard of a route anyone may reach."""

    def guard() -> None:
        return None

    guard.public = True  # type: ignore[attr-defined]
    return guard


def guard_of(dependency: Any) -> str | None:
    """'public', the permission a guard requires, or None for any other dependency."""
    if getattr(dependency, "public", False):
        return "public"
    permission = getattr(dependency, "permission", None)
    return str(permission) if permission is not None else None


@dataclass(frozen=True)
class RouteGuards:
    """One method of one route and the guards declared anywhere in its dependency tree."""

    method: str
    path: str
    guards: tuple[str, ...]
    endpoint: Callable[..., Any] | None  # None for a route that is not an API route


def _dependency_calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _dependency_calls(dependency)


def route_guards(app: FastAPI) -> list[RouteGuards]:
    """Every route of `app`, per method, with its guards (the route walk's one source).

    `iter_route_contexts` flattens included routers (FastAPI keeps them nested in
    `app.routes`) and gives each route with its router-level dependencies. A route that
    is not an `APIRoute` (a mount, a static route, a docs page) has no dependency tree
    and so no guard: it is listed with none, except the UI's static files (code, styles
    and browser libraries, no data), which are public by design.
    """
    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path or repr(route.original_route)
        original = route.original_route
        declared: tuple[str, ...] = ()
        endpoint = None
        if isinstance(original, APIRoute):
            calls = _dependency_calls(route.dependant)
            declared = tuple(g for call in calls if (g := guard_of(call)) is not None)
            endpoint = original.endpoint
        elif isinstance(original, Mount) and isinstance(original.app, StaticFiles):
            declared = ("public",)
        for method in sorted(route.methods or {"*"}):
            found.append(RouteGuards(method, path, declared, endpoint))
    return found


def job_runner(request: Request) -> JobRunner:
    """The app's background job runner (`jiandu.jobs`)."""
    return app_state(request).job_runner()
