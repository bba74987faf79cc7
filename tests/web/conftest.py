"""Fixtures of the web tests: the province of web_province.py, per test, on SQLite or
PostgreSQL (a uniquely named helper module, because `conftest` names several files)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import metadata_store
import pytest
from argon2 import PasswordHasher
from web_province import Province, build_province

from jiandu.config import load_settings
from jiandu.security import passwords
from jiandu.web.app import create_app
from jiandu.workspace import init_workspace

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap argon2id parameters: the tests check access logic, not the hash's cost."""
    monkeypatch.setattr(passwords, "_HASHER", FAST_HASHER)
    passwords._dummy_hash.cache_clear()
    yield
    passwords._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def _province_template(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Path, str]:
    """The province, built once per test session: each test gets a copy (on PostgreSQL
    under JIANDU_TEST_METADATA=postgresql, a copy of its database too)."""
    root = tmp_path_factory.mktemp("province")
    with pytest.MonkeyPatch.context() as patch:
        metadata_store.use_metadata(patch, root / "home", request)
        patch.setattr(passwords, "_HASHER", FAST_HASHER)
        settings = load_settings()
        init_workspace(settings)
        run_id = build_province(settings, root)
    for database in (root / "home").glob("*.db"):  # fold the WAL in before copying
        with sqlite3.connect(database) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return root / "home", run_id


@pytest.fixture
def province(
    _province_template: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Iterator[Province]:
    """The province on SQLite (or the switch's PostgreSQL): a fresh copy of the session's
    template per test."""
    template, run_id = _province_template
    home = tmp_path / "home"
    shutil.copytree(template, home)
    metadata_store.copy_database(template, home, request)
    metadata_store.use_metadata(monkeypatch, home, request)
    settings = load_settings()
    yield from _stopping_jobs(Province(settings, create_app(settings), run_id))


def _stopping_jobs(province: Province) -> Iterator[Province]:
    """The province, then its app's job consumer stopped (no lifespan runs in tests)."""
    yield province
    runner = province.app.state.jiandu.jobs
    if runner is not None:
        runner.shutdown(wait=False, timeout=2)


@pytest.fixture
def province_pg(
    fresh_pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Province]:
    """The province with its metadata store on PostgreSQL (built afresh: slower)."""
    monkeypatch.setenv("JIANDU_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("JIANDU_DATABASE_URL", fresh_pg_url)
    monkeypatch.delenv("JIANDU_ENGINE", raising=False)
    settings = load_settings()
    init_workspace(settings)
    run_id = build_province(settings, tmp_path)
    yield from _stopping_jobs(Province(settings, create_app(settings), run_id))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_province(request: pytest.FixtureRequest) -> Province:
    """The province on each metadata-store backend (for the core auth and scope tests)."""
    fixture = "province" if request.param == "sqlite" else "province_pg"
    province: Province = request.getfixturevalue(fixture)
    return province
