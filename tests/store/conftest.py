"""Store fixtures: every store test runs on SQLite and on PostgreSQL (loopback).

PostgreSQL: one fresh database `jiandu_test_<random>` per test session, created through
the `postgres` maintenance database and dropped at the end; each test starts from an
empty `public` schema. The server is the one JIANDU_TEST_PG_URL names (any database on
it), else 127.0.0.1:5432 as user postgres or root; when none answers, the PostgreSQL
variants are skipped with the reason.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, exc, text
from sqlalchemy.engine import URL, make_url

from jiandu.store.db import make_engine, mask_url
from jiandu.store.migrate import upgrade

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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty metadata database, once per backend."""
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'meta' / 'jiandu.db'}")
    else:
        made = make_engine(request.getfixturevalue("pg_database_url"))
        with made.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    yield made
    made.dispose()


@pytest.fixture
def migrated(engine: Engine) -> Engine:
    """The `engine` database with the store schema at head."""
    upgrade(engine)
    return engine
