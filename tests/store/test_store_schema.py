"""Constraints the database itself enforces, and the UTC timestamp type."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from jiandu.store.db import session_scope
from jiandu.store.schema import Batch, Dataset, DatasetField, new_batch_id

NOW = datetime(2026, 11, 25, 14, 30, tzinfo=UTC)


def _dataset(dataset_id: str = "pension_payment", **overrides: Any) -> Dataset:
    values: dict[str, Any] = {
        "id": dataset_id,
        "type_id": dataset_id,
        "type_version": 1,
        "name_zh": "养老金发放",
        "name_en": "Pension payments",
        "sensitivity": "sensitive",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Dataset(**values)


def _batch(batch_id: str, **overrides: Any) -> Batch:
    values: dict[str, Any] = {
        "id": batch_id,
        "dataset_id": "pension_payment",
        "status": "committed",
        "content_hash": "a" * 64,
        "files": [{"name": "养老金.xlsx", "size": 10, "sha256": "a" * 64}],
        "data_path": f"pension_payment/{batch_id}",
        "created_at": NOW,
    }
    values.update(overrides)
    return Batch(**values)


def _insert(engine: Engine, *rows: object) -> None:
    with session_scope(engine) as session:
        session.add_all(rows)


def test_new_batch_id_format() -> None:
    first = new_batch_id(datetime(2026, 11, 25, 22, 30, tzinfo=timezone(timedelta(hours=8))))
    assert re.fullmatch(r"B20261125-143000-[0-9a-f]{6}", first)
    assert new_batch_id(NOW) != new_batch_id(NOW)
    assert re.fullmatch(r"B\d{8}-\d{6}-[0-9a-f]{6}", new_batch_id())


def test_timestamps_round_trip_as_aware_utc(migrated: Engine) -> None:
    beijing = datetime(2026, 11, 25, 22, 30, 15, 123456, tzinfo=timezone(timedelta(hours=8)))
    _insert(migrated, _dataset(created_at=beijing, updated_at=beijing))
    with Session(migrated) as session:
        stored = session.scalars(select(Dataset)).one()
    assert stored.created_at == beijing
    assert stored.created_at.utcoffset() == timedelta(0)
    assert stored.created_at.hour == 14


def test_naive_timestamp_is_refused(migrated: Engine) -> None:
    with pytest.raises(StatementError, match="naive datetime"):
        _insert(migrated, _dataset(created_at=datetime(2026, 1, 1)))


def test_unique_content_hash_among_committed_batches(migrated: Engine) -> None:
    _insert(migrated, _dataset(), _batch("B1"))
    with pytest.raises(IntegrityError):
        _insert(migrated, _batch("B2"))


def test_failed_batches_may_share_a_committed_hash(migrated: Engine) -> None:
    failed = {"status": "failed", "data_path": None, "error": {"code": "ingest.no_rows"}}
    _insert(migrated, _dataset(), _batch("B0", **failed), _batch("B1"), _batch("B2", **failed))
    _insert(migrated, _dataset("death_record"), _batch("B3", dataset_id="death_record"))
    with Session(migrated) as session:
        statuses = session.scalars(select(Batch.status).order_by(Batch.id)).all()
    assert statuses == ["failed", "committed", "failed", "committed"]


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "pending"},
        {"data_path": None},  # committed without data
        {"status": "failed", "data_path": None},  # failed without error
        {"rows_rejected": -1},
        {"dataset_id": "no_such_dataset"},  # foreign key (SQLite: needs foreign_keys=ON)
    ],
)
def test_batch_checks(migrated: Engine, overrides: dict[str, Any]) -> None:
    _insert(migrated, _dataset())
    with pytest.raises(IntegrityError):
        _insert(migrated, _batch("B1", **overrides))


def test_dataset_checks(migrated: Engine) -> None:
    with pytest.raises(IntegrityError):
        _insert(migrated, _dataset(sensitivity="top"))
    field = DatasetField(
        dataset_id="pension_payment",
        name="id_card",
        position=0,
        semantic_type="id_card",
        label_zh="身份证号",
        label_en="ID card",
        pii="secret",
        origin="standard",
    )
    with pytest.raises(IntegrityError):
        _insert(migrated, _dataset(), field)


def test_dataset_with_batches_cannot_be_deleted(migrated: Engine) -> None:
    _insert(migrated, _dataset(), _batch("B1"))
    with pytest.raises(IntegrityError), session_scope(migrated) as session:
        session.delete(session.get_one(Dataset, "pension_payment"))
