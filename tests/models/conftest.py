"""Fixtures of the model tests: an imported pension pool, a throwaway PostgreSQL DB."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from model_pool import import_file, pg_admin_url, pool_files
from sqlalchemy import create_engine

from jiandu.config import Settings


@pytest.fixture
def pension_pool(home: Settings, tmp_path: Path) -> dict[str, str]:
    """`home` with pension payments and deaths imported; returns {dataset: batch id}."""
    files = pool_files(tmp_path)
    return {
        "pension_payment": import_file(home, "pension_payment", files.pension),
        "death_record": import_file(home, "death_record", files.deaths),
    }


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database (skips when no server answers on loopback)."""
    admin_url = pg_admin_url()
    if admin_url is None:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432 (set JIANDU_TEST_PG_URL)")
    name = f"jiandu_test_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            # Generated hex name; DDL cannot take a bound parameter.
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
