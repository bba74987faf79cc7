"""Security fixtures: a migrated metadata DB per backend, cheap argon2, an org tree.

Every DB-touching security test runs on SQLite and on PostgreSQL (loopback; skipped
with the reason when no server answers), as in tests/store.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from org_tree import TREE
from sqlalchemy import Engine, text

from jiandu.security import passwords
from jiandu.security.units import create_unit
from jiandu.store.db import make_engine, session_scope
from jiandu.store.migrate import upgrade


@pytest.fixture(autouse=True)
def fast_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Cheap argon2id parameters: the tests check logic, not the hash's cost."""
    monkeypatch.setattr(
        passwords, "_HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )
    passwords._dummy_hash.cache_clear()
    yield
    passwords._dummy_hash.cache_clear()


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


@pytest.fixture
def tree(migrated: Engine) -> Engine:
    """The migrated database holding the org tree `TREE`."""
    with session_scope(migrated) as session:
        for unit_id, (kind, level, region, parent) in TREE.items():
            create_unit(
                session,
                id=unit_id,
                name=f"单位 {unit_id}",
                kind=kind,
                level=level,
                region_code=region,
                parent_id=parent,
            )
    return migrated
