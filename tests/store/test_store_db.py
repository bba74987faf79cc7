"""Engines, URLs, sessions and connection errors of the metadata store."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jiandu.config import load_settings
from jiandu.errors import ConfigError
from jiandu.store.db import (
    is_read_mostly,
    make_engine,
    mask_url,
    normalize_url,
    read_mostly,
    session_scope,
)
from jiandu.store.schema import Dataset


@pytest.mark.parametrize(
    ("url", "driver"),
    [
        ("postgresql://u@h/db", "postgresql+psycopg"),
        ("postgres://u@h/db", "postgresql+psycopg"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg"),
        ("mysql://u@h/db", "mysql+pymysql"),
        ("mariadb://u@h/db", "mariadb+pymysql"),
        ("sqlite:///x.db", "sqlite"),
    ],
)
def test_normalize_url_points_at_shipped_drivers(url: str, driver: str) -> None:
    assert normalize_url(url).drivername == driver


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://jiandu:s3cret@db.example:5432/meta",
        "postgresql://jiandu:s3cret@db.example:notaport/meta",
        "jiandu:s3/c:ret@db.example/meta",
    ],
)
def test_mask_url_hides_password(url: str) -> None:
    masked = mask_url(url)
    assert "s3" not in masked
    assert "jiandu:***@" in masked


def test_malformed_url_is_config_error_without_password() -> None:
    with pytest.raises(ConfigError) as caught:
        make_engine("postgresql://jiandu:s3cret@db.example:notaport/meta")
    message = str(caught.value)
    assert "s3cret" not in message
    assert "***" in message
    assert "JIANDU_DATABASE_URL" in message
    assert caught.value.zh and caught.value.en


def test_unreachable_server_is_config_error_with_masked_password() -> None:
    # Port 1 on loopback refuses at once: no server listens there.
    with pytest.raises(ConfigError) as caught:
        make_engine("postgresql://jiandu:s3cret@127.0.0.1:1/meta")
    message = str(caught.value)
    assert "s3cret" not in message
    assert "postgresql+psycopg://jiandu:***@127.0.0.1:1/meta" in message
    assert "无法连接" in caught.value.zh
    assert "Cannot connect" in caught.value.en


def test_unsupported_driver_is_config_error() -> None:
    with pytest.raises(ConfigError, match="Unsupported"):
        make_engine("oracle+nosuchdriver://u:pw@h/db")


def test_engine_from_settings_creates_folder_and_wal(tmp_path: Path) -> None:
    home = tmp_path / "home"
    settings = load_settings({"JIANDU_HOME": str(home)})
    engine = make_engine(settings)
    try:
        assert (home / "jiandu.db").exists()
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    finally:
        engine.dispose()
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    raw = sqlite3.connect(home / "jiandu.db")
    try:
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


def test_unchecked_engine_does_not_connect(tmp_path: Path) -> None:
    engine = make_engine("postgresql://u:pw@127.0.0.1:1/db", check=False)
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


def _dataset(dataset_id: str) -> Dataset:
    now = datetime.now(UTC)
    return Dataset(
        id=dataset_id,
        type_id=dataset_id,
        type_version=1,
        name_zh="养老金发放",
        name_en="Pension payments",
        sensitivity="sensitive",
        created_at=now,
        updated_at=now,
    )


def test_session_scope_commits(migrated: Engine) -> None:
    with session_scope(migrated) as session:
        session.add(_dataset("pension_payment"))
    with session_scope(migrated) as session:
        assert session.scalars(select(Dataset.id)).all() == ["pension_payment"]


def test_session_scope_rolls_back_on_error(migrated: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(migrated) as session:
        session.add(_dataset("pension_payment"))
        session.flush()  # the row reached the database inside the transaction
        raise RuntimeError("boom")
    with session_scope(migrated) as session:
        assert session.scalars(select(Dataset.id)).all() == []


def test_ddl_is_transactional(engine: Engine) -> None:
    # On SQLite this holds only because SQLAlchemy emits BEGIN itself (see db.py).
    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.execute(text("CREATE TABLE scratch (x INTEGER)"))
        raise RuntimeError("abort")
    assert "scratch" not in inspect(engine).get_table_names()


def test_as_many_connections_at_once_as_the_server_has_request_threads(tmp_path: Path) -> None:
    """uvicorn runs up to 40 requests at once: each gets a connection without waiting
    (SQLAlchemy's default pool, 5 + 10, made the 16th wait 30 s and then fail)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'jiandu.db'}")
    engine.pool._timeout = 1  # type: ignore[attr-defined]  # fail fast if they must wait
    barrier = threading.Barrier(45)

    def hold() -> int:
        with engine.connect() as connection:
            barrier.wait(timeout=20)  # all 45 hold a connection at the same moment
            return int(connection.execute(text("SELECT 1")).scalar_one())

    with ThreadPoolExecutor(max_workers=45) as pool:
        assert sum(pool.map(lambda _: hold(), range(45))) == 45
    engine.dispose()


def test_a_reading_transaction_takes_no_write_lock(tmp_path: Path) -> None:
    """`read_mostly` (the web's GETs): while one reads, another connection writes and
    commits at once; a normal transaction holds the write lock from its BEGIN."""
    engine = make_engine(f"sqlite:///{tmp_path / 'jiandu.db'}")
    with engine.begin() as setup:
        setup.execute(text("CREATE TABLE t (x INTEGER)"))
    reader = Session(engine)
    read_mostly(reader)
    assert is_read_mostly(reader)
    assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
    with engine.connect() as writer:
        # Fail fast if it must wait (on the driver's connection: no SQLAlchemy BEGIN).
        writer.connection.driver_connection.execute("PRAGMA busy_timeout=200")  # type: ignore[union-attr]
        with writer.begin():
            writer.execute(text("INSERT INTO t VALUES (1)"))
    reader.rollback()
    normal = Session(engine)
    normal.execute(text("SELECT count(*) FROM t"))  # BEGIN IMMEDIATE: holds the lock
    assert not is_read_mostly(normal)
    with engine.connect() as writer:
        writer.connection.driver_connection.execute("PRAGMA busy_timeout=200")  # type: ignore[union-attr]
        with pytest.raises(OperationalError, match="locked"), writer.begin():
            writer.execute(text("INSERT INTO t VALUES (2)"))
    normal.rollback()
    reader.close()
    normal.close()
    engine.dispose()
