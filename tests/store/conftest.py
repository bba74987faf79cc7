"""Store fixtures: every store test runs on SQLite and on PostgreSQL (loopback).

PostgreSQL: one fresh database `jiandu_test_<random>` per test session, created through
the `postgres` maintenance database and dropped at the end; each test starts from an
empty `public` schema. The server is the one JIANDU_TEST_PG_URL names (any database on
it), else 127.0.0.1:5432 as user postgres or root; when none answers, the PostgreSQL
variants are skipped with the reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from jiandu.store.db import make_engine
from jiandu.store.migrate import upgrade


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
