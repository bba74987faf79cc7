"""The web platform's application: `create_app(settings)`.

JSON API under /api (pages arrive with the web UI). Cross-cutting here:

- **Security headers** on every response: a strict Content-Security-Policy (everything
  from this server, nothing inline, no frames), nosniff, DENY framing, no referrer,
  `Cache-Control: no-store` (responses carry personal data), HSTS over https.
- **Errors**: a `JianduError` is answered with its bilingual message and a status that
  fits (401 not signed in, 403 not allowed, 404 not found or not yours, 409 changed
  meanwhile or not allowed in the object's current state, 400 otherwise);
  anything unexpected is a bare 500 with a reference, never a traceback, SQL or data.
- **No API documentation UI**: Swagger and ReDoc load from CDNs, which an air-gapped
  intranet cannot reach; `docs/dev` documents the API instead.
"""

from __future__ import annotations

import logging
import secrets
import traceback
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from jiandu.cases.service import CaseConflict
from jiandu.clues.errors import ConflictError, WorkflowError
from jiandu.config import Settings
from jiandu.errors import JianduError
from jiandu.security.errors import AuthenticationFailed, NotFound, PermissionDenied
from jiandu.security.masking import scrub_text
from jiandu.store.db import make_engine
from jiandu.web.routes import (
    admin,
    audit_routes,
    auth,
    cases,
    clues,
    datasets,
    exports,
    imports,
    runs,
    shares,
)
from jiandu.web.state import AppState

log = logging.getLogger("jiandu.web")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'self'"
)


def _status(error: JianduError) -> int:
    if isinstance(error, AuthenticationFailed):
        return 401
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, ConflictError | CaseConflict | WorkflowError):
        # Somebody changed the object since the caller read it (optimistic lock), or
        # its state does not allow the action: reload, then decide again.
        return 409
    return 400


def _harden(request: Request, response: Response) -> None:
    """Add the security headers (see the module docstring) to `response`."""
    headers = response.headers
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    headers.setdefault("Cache-Control", "no-store")
    if request.url.scheme == "https":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"


def create_app(settings: Settings, *, secure_cookies: bool | None = None) -> FastAPI:
    """The app over the workspace of `settings` (initialised: `jiandu init`)."""
    app = FastAPI(
        title="jiandu",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.jiandu = AppState(settings, make_engine(settings.database_url), secure_cookies)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        _harden(request, response)
        return response

    @app.exception_handler(JianduError)
    async def jiandu_error(request: Request, error: JianduError) -> JSONResponse:
        body = {"error": {"zh": error.zh, "en": error.en, "kind": type(error).__name__}}
        response = JSONResponse(body, status_code=_status(error))
        if isinstance(error, AuthenticationFailed):
            response.headers["WWW-Authenticate"] = 'Bearer realm="jiandu"'
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        # Say which parameter, never echo the value (it may be personal data).
        fields = [".".join(str(p) for p in e.get("loc", ())) for e in error.errors()]
        body = {
            "error": {
                "zh": f"请求参数不正确：{', '.join(fields)}",
                "en": f"invalid request parameters: {', '.join(fields)}",
                "kind": "InvalidRequest",
            }
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        reference = secrets.token_hex(6)
        # The traceback may quote data: ID and phone numbers are masked before logging.
        trace = scrub_text("".join(traceback.format_exception(error)))
        log.error("unexpected error %s on %s %s\n%s", reference, request.method,
                  request.url.path, trace)  # fmt: skip
        body = {
            "error": {
                "zh": f"服务器内部错误（编号 {reference}），请联系管理员",
                "en": f"internal error (reference {reference}); contact an administrator",
                "kind": "InternalError",
            }
        }
        response = JSONResponse(body, status_code=500)
        # Starlette answers unhandled errors outside every middleware: add the headers here.
        _harden(request, response)
        return response

    for router in (
        auth.router,
        admin.router,
        datasets.router,
        imports.router,
        runs.router,
        shares.router,
        exports.router,
        audit_routes.router,
        clues.router,
        cases.router,
    ):
        app.include_router(router)
    return app
