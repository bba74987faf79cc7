"""`jiandu serve --processes N`: uvicorn's worker processes, each building the app from the
environment (`served_app`), sharing the sign-in limit per address out among them; a
real server with two processes answers a signed-in caller and stops cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest
from web_province import PASSWORD, Province

from jiandu.web.app import PROCESSES_ENV, SECURE_COOKIES_ENV, served_app
from jiandu.web.state import SIGN_IN_PER_MINUTE, AppState


@pytest.mark.parametrize(("processes", "limit"), [("1", SIGN_IN_PER_MINUTE), ("2", 10), ("8", 5)])
def test_each_process_gets_its_share_of_the_sign_in_limit(
    province: Province, monkeypatch: pytest.MonkeyPatch, processes: str, limit: int
) -> None:
    monkeypatch.setenv(PROCESSES_ENV, processes)
    monkeypatch.setenv(SECURE_COOKIES_ENV, "1")
    state: AppState = served_app().state.jiandu
    assert state.sign_in_limit.limit == limit  # never below 5: a person mistyping twice
    assert state.secure_cookies is True
    assert state.settings.home == province.settings.home


def _children(pid: int) -> list[str]:
    """The command lines of the processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue  # it ended meanwhile
    return found


def test_two_processes_serve_and_stop(province: Province) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    server = subprocess.Popen(
        [sys.executable, "-m", "jiandu", "serve", "--port", str(port), "--processes", "2"],
        env={**os.environ, "JIANDU_WORKERS": "0"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert server.poll() is None, server.communicate()[0]
            try:
                if httpx.get(f"{base}/api/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        workers = [c for c in _children(server.pid) if "spawn_main" in c]
        assert len(workers) == 2, _children(server.pid)
        with httpx.Client(base_url=base, timeout=30) as client:
            signed = client.post("/api/auth/login",
                                 json={"username": "yc_pros", "password": PASSWORD})  # fmt: skip
            assert signed.status_code == 200, signed.text
            # Whichever process takes each request, the session (in the metadata store)
            # holds: twenty requests over new connections.
            for _ in range(20):
                me = client.get("/api/me", headers={"Connection": "close"})
                assert me.status_code == 200 and me.json()["username"] == "yc_pros"
    finally:
        server.send_signal(signal.SIGINT)
        try:
            output = server.communicate(timeout=30)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0]
    assert server.returncode == 0, output
    assert "2 进程 processes" in output
    assert _children(server.pid) == []
