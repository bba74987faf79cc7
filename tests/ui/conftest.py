"""Fixtures of the browser tests (see ui_harness.py): `server`, `browser`, `page`,
`signed_in`. Skipped with the reason when Playwright or Debian's Chromium is missing,
unless JIANDU_REQUIRE_BROWSER=1 (CI), where that is a failure."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ui_harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DemoServer,
    artifact_name,
    browser_missing,
    shoot,
    sign_in,
    start_demo_server,
)

_missing = browser_missing()
if _missing and os.environ.get("JIANDU_REQUIRE_BROWSER") == "1":
    raise RuntimeError(f"browser tests required but cannot run: {_missing}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _missing is not None and "tests/ui/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.skip(reason=_missing))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """The demo province served on a free port (one per test process)."""
    yield from start_demo_server(tmp_path_factory.mktemp("ui"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context and page (1366×800, Chinese); a screenshot at the end, and
    the test fails if the page threw a JavaScript error or broke the security policy."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 800}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    def on_console(message: Any) -> None:
        text = message.text
        if message.type == "error" and "Failed to load resource" not in text:
            errors.append(f"console: {text}")

    page.on("console", on_console)
    yield page
    with contextlib.suppress(Exception):  # a closed page has nothing to show
        shoot(page, artifact_name(request.node.nodeid))
    context.close()
    assert errors == [], errors


@pytest.fixture
def signed_in(page: Any, server: DemoServer) -> Callable[..., Any]:
    """`signed_in()` or `signed_in("county")`: the page, signed in as a demo account."""

    def go(account: str = "prosecutor") -> Any:
        sign_in(page, server, account)
        return page

    return go


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    return Path(__file__).parent / "artifacts"
