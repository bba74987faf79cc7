"""Alembic migrations shipped in the package: up, down, up again, and ORM parity."""

from __future__ import annotations

from importlib import resources

import pytest
from sqlalchemy import Engine, inspect, text

from jiandu.errors import ConfigError
from jiandu.store.migrate import (
    check_up_to_date,
    current_revision,
    downgrade,
    head_revision,
    schema_differences,
    upgrade,
)
from jiandu.store.schema import Base

STORE_TABLES = {
    "dataset_type",
    "job",
    "job_schedule",
    "dataset",
    "dataset_field",
    "batch",
    "model",
    "model_run",
    "org_unit",
    "user_account",
    "user_role",
    "api_token",
    "web_session",
    "share",
    "approval_request",
    "audit_log",
    "audit_head",
    "clue",
    "clue_snapshot",
    "clue_event",
    "clue_attachment",
    "clue_transfer",
    "supervision_case",
    "case_clue",
    "case_document",
    "case_event",
}


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_migrations_ship_inside_the_package() -> None:
    versions = resources.files("jiandu.store.migrations.versions")
    names = {entry.name for entry in versions.iterdir()}
    assert "0001_data_pool_catalog.py" in names
    assert resources.files("jiandu.store.migrations").joinpath("script.py.mako").is_file()
    assert resources.files("jiandu.store.migrations").joinpath("env.py").is_file()


def test_upgrade_downgrade_upgrade(engine: Engine) -> None:
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert _tables(engine) == STORE_TABLES == set(Base.metadata.tables)

    downgrade(engine, "base")
    assert current_revision(engine) is None
    assert _tables(engine) == set()

    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert _tables(engine) == STORE_TABLES


def test_upgrade_is_idempotent(migrated: Engine) -> None:
    upgrade(migrated)
    assert current_revision(migrated) == head_revision()


def test_migrated_schema_matches_orm(migrated: Engine) -> None:
    assert schema_differences(migrated) == []


def test_schema_difference_is_detected(migrated: Engine) -> None:
    # Guard against a comparison that can never fail: drop an index, see it reported.
    with migrated.begin() as connection:
        connection.execute(text("DROP INDEX ix_batch_dataset_created"))
    differences = schema_differences(migrated)
    assert any(diff[0] == "add_index" for diff in differences)


def test_partial_unique_index_is_in_the_database(migrated: Engine) -> None:
    indexes = {ix["name"]: ix for ix in inspect(migrated).get_indexes("batch")}
    unique = indexes["uq_batch_committed_content"]
    assert unique["unique"]
    assert unique["column_names"] == ["dataset_id", "content_hash"]


def test_check_up_to_date(engine: Engine) -> None:
    with pytest.raises(ConfigError, match="jiandu init"):
        check_up_to_date(engine)
    upgrade(engine)
    check_up_to_date(engine)


def test_check_up_to_date_refuses_newer_database(migrated: Engine) -> None:
    with migrated.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f00d'"))
    with pytest.raises(ConfigError, match="newer than this jiandu"):
        check_up_to_date(migrated)
