"""The browser tests' world: a small `jiandu demo` province served by uvicorn on a free
port, and Debian's Chromium driven by Playwright (never a downloaded browser).

One server per test process (xdist worker), shared by that process's tests: each test
must touch objects no other test touches (its own clue, its own model name …).
Screenshots land in tests/ui/artifacts/ (CI keeps them as artifacts).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("JIANDU_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
# Chromium flags for a closed network, as root, without a screen (see the env notes):
# without the background-networking ones it keeps trying Google's hosts.
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--mute-audio",
]
DEMO_SIZE = 2000


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@dataclass
class Account:
    username: str
    password: str
    unit_id: str


@dataclass
class DemoServer:
    base_url: str
    home: Path
    accounts: dict[str, Account]
    settings: Any
    report: dict[str, Any] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_demo_server(root: Path) -> Iterator[DemoServer]:
    """Build the demo province under `root`, serve it, yield it; stop the server after."""
    import uvicorn

    from jiandu.config import load_settings
    from jiandu.demo.province import DEFAULT_SEED
    from jiandu.demo.run import run_demo
    from jiandu.web.app import create_app
    from jiandu.web.ratelimit import SlidingWindow

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JIANDU_HOME", str(root / "home"))
        patch.delenv("JIANDU_DATABASE_URL", raising=False)
        patch.delenv("JIANDU_ENGINE", raising=False)
        settings = load_settings()
    report = run_demo(settings, size=DEMO_SIZE, seed=DEFAULT_SEED)
    accounts = {a.username: Account(a.username, a.password, a.unit_id) for a in report.accounts}
    app = create_app(settings)
    # Every test signs in from 127.0.0.1: more than the 20 a minute one address may try.
    # The limit itself is tested in tests/web/test_attacks.py.
    app.state.jiandu.sign_in_limit = SlidingWindow(10_000, 60.0)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="jiandu-ui-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the UI test server did not start")
        time.sleep(0.05)
    try:
        yield DemoServer(
            f"http://127.0.0.1:{port}", settings.home, accounts, settings, report.as_dict()
        )
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def artifact_name(nodeid: str) -> str:
    """A file name for a test's screenshot: its id with the odd characters replaced."""
    name = nodeid.split("::", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")[:120] or "test"


def clean_artifacts() -> None:
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)


def sign_in(page: Any, server: DemoServer, account: str = "prosecutor") -> None:
    """Sign in through the real sign-in form as one of the demo accounts."""
    who = server.accounts[account]
    page.goto(server.base_url + "/")
    page.get_by_label(re.compile("用户名|User name")).fill(who.username)
    page.get_by_label(re.compile("^(密码|Password)$")).fill(who.password)
    page.get_by_test_id("signin-submit").click()
    page.get_by_test_id("who").wait_for()


def shoot(page: Any, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of the page as tests/ui/artifacts/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
