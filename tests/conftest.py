"""Shared fixtures: a fresh JIANDU_HOME per test, and the public test data folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from jiandu.config import Settings, load_settings

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public test data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """An empty JIANDU_HOME on SQLite, initialised."""
    from jiandu.workspace import init_workspace

    monkeypatch.setenv("JIANDU_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("JIANDU_DATABASE_URL", raising=False)
    monkeypatch.delenv("JIANDU_ENGINE", raising=False)
    settings = load_settings()
    init_workspace(settings)
    yield settings
