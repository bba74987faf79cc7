"""Every route of the app declares exactly one guard: a permission, or public.

Walks `app.routes` and each route's dependency tree (dependencies of dependencies
included), so a route that forgets its guard, or stacks two, fails here rather than
shipping open. The public surface is pinned to the health check, sign-in and the UI's
shell and static files; no CDN-loading documentation UI is served, and the OpenAPI
document is for signed-in callers only.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from jiandu.config import Settings
from jiandu.security.permissions import Permission
from jiandu.web.app import create_app
from jiandu.web.guard import route_guards


def guards(app: FastAPI) -> dict[tuple[str, str], list[str]]:
    """(method, path) → the guards declared on that route, for every route of `app`."""
    return {(r.method, r.path): list(r.guards) for r in route_guards(app)}


def unguarded(app: FastAPI) -> list[str]:
    """Routes without exactly one guard, as 'METHOD path: guards'."""
    return [
        f"{method} {path}: {declared}"
        for (method, path), declared in sorted(guards(app).items())
        if len(declared) != 1
    ]


def test_every_route_declares_exactly_one_guard(home: Settings) -> None:
    app = create_app(home)
    assert len(guards(app)) >= 20  # the walk found the API, not an empty app
    assert unguarded(app) == []
    permissions = {str(p) for p in Permission}
    for (method, path), (declared,) in guards(app).items():
        assert declared == "public" or declared in permissions, (method, path, declared)


def test_only_health_check_sign_in_and_the_ui_shell_are_public(home: Settings) -> None:
    public = {key for key, declared in guards(create_app(home)).items() if declared == ["public"]}
    assert public == {
        ("GET", "/api/healthz"),
        ("POST", "/api/auth/login"),
        ("GET", "/"),  # the page that signs people in; all data is behind the API
        ("*", "/static"),  # the UI's code, styles and vendored libraries
    }


def test_the_walk_catches_a_route_without_a_guard_or_with_two(home: Settings) -> None:
    from fastapi import Depends

    from jiandu.web.guard import public, requires

    app = create_app(home)
    app.add_api_route("/api/forgotten", lambda: {}, methods=["GET"])
    app.add_api_route(
        "/api/doubled",
        lambda: {},
        methods=["POST"],
        dependencies=[Depends(public()), Depends(requires(Permission.AUDIT_READ))],
    )
    assert unguarded(app) == [
        "GET /api/forgotten: []",
        "POST /api/doubled: ['public', 'audit.read']",
    ]


def test_no_cdn_documentation_ui_and_the_openapi_document_needs_sign_in(home: Settings) -> None:
    app = create_app(home)
    client = TestClient(app)
    for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
        assert client.get(path).status_code == 404, path
    paths = {route.path for route in iter_route_contexts(app.routes)}
    assert not paths & {"/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"}
    assert client.get("/api/openapi.json").status_code == 401
