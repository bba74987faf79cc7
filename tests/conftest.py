"""Shared fixtures: a fresh JIANDU_HOME per test, and the public test data folder.

The workspaces run on SQLite, or on PostgreSQL with JIANDU_TEST_METADATA=postgresql
(see metadata_store.py)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import metadata_store
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import URL

from jiandu.config import Settings, load_settings
from jiandu.store.db import mask_url

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"public test data not found at {SHARED_DATA}")
    return SHARED_DATA


def pytest_sessionfinish() -> None:
    metadata_store.drop_leftovers()


@pytest.fixture
def home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Settings]:
    """An empty JIANDU_HOME, initialised: on SQLite, or on a fresh PostgreSQL database
    under JIANDU_TEST_METADATA=postgresql."""
    from jiandu.workspace import init_workspace

    metadata_store.use_metadata(monkeypatch, tmp_path / "home", request)
    settings = load_settings()
    init_workspace(settings)
    yield settings


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[URL]:
    """URL of a PostgreSQL database made for this test session (skips when no server)."""
    admin_url = metadata_store.maintenance_url()
    if admin_url is None:
        where = os.environ.get("JIANDU_TEST_PG_URL") or "127.0.0.1:5432 (postgres/root)"
        pytest.skip(
            f"PostgreSQL is not reachable at {mask_url(where)}; set JIANDU_TEST_PG_URL to "
            "a server where the user may CREATE DATABASE"
        )
    name = f"jiandu_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            # The name is generated above (hex only); DDL cannot take a bound parameter.
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield admin_url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def fresh_pg_url(pg_database_url: URL) -> str:
    """The session's PostgreSQL database with an empty `public` schema, as a URL string."""
    from sqlalchemy import text

    from jiandu.store.db import make_engine

    engine = make_engine(pg_database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return pg_database_url.render_as_string(hide_password=False)
