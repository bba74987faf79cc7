"""Shared fixtures: a fresh JIANDU_HOME per test, and the public test data folder."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, exc
from sqlalchemy.engine import URL, make_url

from jiandu.config import Settings, load_settings
from jiandu.store.db import mask_url

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


_DEFAULT_SERVERS = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    "postgresql+psycopg://root@127.0.0.1:5432/postgres",
)


def _maintenance_url() -> URL | None:
    configured = os.environ.get("JIANDU_TEST_PG_URL")
    candidates = [configured] if configured else list(_DEFAULT_SERVERS)
    for candidate in candidates:
        url = make_url(candidate).set(drivername="postgresql+psycopg", database="postgres")
        probe = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with probe.connect():
                return url
        except exc.DBAPIError:
            continue
        finally:
            probe.dispose()
    return None


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[URL]:
    """URL of a PostgreSQL database made for this test session (skips when no server)."""
    admin_url = _maintenance_url()
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
