"""The web platform's application: `create_app(settings)`.

JSON API under /api, and the web UI: `/` serves the single page (`static/index.html`),
`/static/` its modules, styles and the vendored browser libraries (ECharts, Cytoscape,
Preact+htm, installed from npm by scripts/vendor.sh, never from a CDN). Cross-cutting:

- **Security headers** on every response: a strict Content-Security-Policy (everything
  from this server, nothing inline, no frames), nosniff, DENY framing, no referrer,
  `Cache-Control: no-store` (responses carry personal data), HSTS over https.
- **Errors**: a `JianduError` is answered with its bilingual message and a status that
  fits (401 not signed in, 403 not allowed, 404 not found or not yours, 409 changed
  meanwhile or not allowed in the object's current state, 400 otherwise);
  anything unexpected is a bare 500 with a reference, never a traceback, SQL or data.
- **API documentation**: the OpenAPI document at `/api/openapi.json` (signed-in callers),
  rendered by the UI's own page (`#/api`); Swagger and ReDoc are off because they load from
  CDNs, which an air-gapped intranet cannot reach.
- **Background jobs** (`jiandu.jobs`): the durable queue and its embedded consumer
  threads start with the app (jobs a dead worker left running are queued again) and
  stop with it; `jiandu worker` runs more consumers in their own processes.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from jiandu.cases.service import CaseConflict
from jiandu.clues.errors import ConflictError, WorkflowError
from jiandu.config import Settings, load_settings
from jiandu.errors import ConfigError, JianduError
from jiandu.security.errors import AuthenticationFailed, NotFound, PermissionDenied
from jiandu.security.masking import scrub_text
from jiandu.security.permissions import Permission
from jiandu.store.db import make_engine
from jiandu.web.guard import Caller, public, requires
from jiandu.web.ratelimit import SlidingWindow
from jiandu.web.routes import (
    admin,
    audit_routes,
    auth,
    cases,
    clues,
    datasets,
    entities,
    exports,
    imports,
    jobs,
    judgments,
    ledger,
    models_routes,
    runs,
    schedules,
    search,
    shares,
    uploads,
)
from jiandu.web.state import SIGN_IN_PER_MINUTE, AppState

log = logging.getLogger("jiandu.web")

STATIC = Path(__file__).parent / "static"
VENDOR_FILES = ("preact-htm.mjs", "echarts.mjs", "cytoscape.mjs")

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
    if request.url.path.startswith("/static/"):
        # Code and styles, no data: the browser may keep them but asks again (ETag).
        headers["Cache-Control"] = "no-cache"
    else:
        headers.setdefault("Cache-Control", "no-store")
    if request.url.scheme == "https":
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"


# Set by `jiandu serve --processes N` for its worker processes, which uvicorn starts afresh
# (spawned) and which build their app with `served_app` from the environment.
PROCESSES_ENV = "JIANDU_SERVE_PROCESSES"
SECURE_COOKIES_ENV = "JIANDU_SERVE_SECURE_COOKIES"


def served_app() -> FastAPI:
    """The app of one of `jiandu serve --processes N`'s worker processes (uvicorn's app
    factory): the workspace of the environment, and the sign-in limit per address shared
    out among the processes (uvicorn hands each connection to one of them), so the server
    as a whole still allows about SIGN_IN_PER_MINUTE a minute."""
    processes = max(1, int(os.environ.get(PROCESSES_ENV, "1")))
    secure = True if os.environ.get(SECURE_COOKIES_ENV) == "1" else None
    app = create_app(load_settings(), secure_cookies=secure)
    state: AppState = app.state.jiandu
    state.sign_in_limit = SlidingWindow(max(5, math.ceil(SIGN_IN_PER_MINUTE / processes)), 60.0)
    return app


def create_app(settings: Settings, *, secure_cookies: bool | None = None) -> FastAPI:
    """The app over the workspace of `settings` (initialised: `jiandu init`)."""
    missing = [name for name in VENDOR_FILES if not (STATIC / "vendor" / name).is_file()]
    if missing:
        raise ConfigError(
            f"网页界面缺少前端库 {', '.join(missing)}：请先运行 bash scripts/vendor.sh",
            f"the web UI lacks its browser libraries {', '.join(missing)}: "
            "run bash scripts/vendor.sh first",
        )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state: AppState = app.state.jiandu
        state.job_runner()  # the queue, and its consumers unless JIANDU_WORKERS=0
        yield
        state.job_runner().shutdown(wait=False)

    app = FastAPI(
        title="jiandu",
        version="0.1.0",
        description="监督 jiandu: the JSON API of the legal supervision platform.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
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
        jobs.router,
        schedules.router,
        uploads.router,
        models_routes.router,
        ledger.router,
        judgments.router,
        search.router,
        entities.router,
    ):
        app.include_router(router)

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi(
        caller: Annotated[Caller, Depends(requires(Permission.SELF))],
    ) -> dict[str, Any]:
        """The OpenAPI document of this API (rendered by the UI's API page)."""
        if app.openapi_schema is None:
            app.openapi_schema = get_openapi(
                title=app.title, version=app.version, description=app.description,
                routes=app.routes,
            )  # fmt: skip
        return app.openapi_schema

    @app.get("/", include_in_schema=False, dependencies=[Depends(public())])
    def index() -> FileResponse:
        """The web UI's single page (sign-in first; everything else is behind the API)."""
        return FileResponse(STATIC / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
