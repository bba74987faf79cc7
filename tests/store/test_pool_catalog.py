"""The data-pool catalog API used by the ingest pipeline and `jiandu datasets`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel
from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError

from jiandu.errors import CatalogError, IngestError
from jiandu.store import pool_catalog
from jiandu.store.db import session_scope
from jiandu.store.pool_catalog import (
    DatasetSummary,
    committed_batch_paths,
    ensure_dataset,
    find_committed_batch,
    get_dataset,
    list_batches,
    list_datasets,
    record_batch,
    save_dataset_type,
    user_dataset_types,
)

T0 = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)


def _pension(**overrides: Any) -> dict[str, Any]:
    definition: dict[str, Any] = {
        "id": "pension_payment",
        "name_zh": "养老金发放",
        "name_en": "Pension payments",
        "version": 1,
        "sensitivity": "sensitive",
        "fields": [
            {"name": "id_card", "type": "id_card", "label_zh": "身份证号", "pii": "id"},
            {"name": "name", "type": "person_name", "label_zh": "姓名", "pii": "name"},
            {"name": "amount", "type": "money", "label_zh": "金额", "label_en": "Amount"},
        ],
    }
    definition.update(overrides)
    return definition


def _fields(engine: Engine, dataset_id: str) -> list[tuple[str, str, str, str, str]]:
    with session_scope(engine) as session:
        dataset = get_dataset(session, dataset_id)
        assert dataset is not None
        return [(f.name, f.semantic_type, f.label_zh, f.pii, f.origin) for f in dataset.fields]


def _commit(engine: Engine, content_hash: str, at: datetime, **kwargs: Any) -> str:
    with session_scope(engine) as session:
        values: dict[str, Any] = {
            "dataset_id": "pension_payment",
            "status": "committed",
            "content_hash": content_hash,
            "files": [{"name": "a.csv", "size": 1, "sha256": content_hash}],
            "data_path": f"pension_payment/{content_hash}",
            "created_at": at,
        }
        values.update(kwargs)
        return record_batch(session, **values).id


def test_ensure_dataset_creates_fields_in_order(migrated: Engine) -> None:
    with session_scope(migrated) as session:
        dataset = ensure_dataset(session, _pension(), [("c_备注", "备注")])
        assert (dataset.id, dataset.type_id, dataset.type_version) == ("pension_payment",) * 2 + (
            1,
        )
    assert _fields(migrated, "pension_payment") == [
        ("id_card", "id_card", "身份证号", "id", "standard"),
        ("name", "person_name", "姓名", "name", "standard"),
        ("amount", "money", "金额", "none", "standard"),
        ("c_备注", "text", "备注", "none", "extra"),
    ]


def test_ensure_dataset_updates_without_losing_fields(migrated: Engine) -> None:
    with session_scope(migrated) as session:
        ensure_dataset(session, _pension(), [("c_备注", "备注")])
    upgraded = _pension(version=2, name_zh="养老金发放记录")
    upgraded["fields"] = [
        {"name": "amount", "type": "money", "label_zh": "发放金额"},
        {"name": "id_card", "type": "id_card", "label_zh": "公民身份号码", "pii": "id"},
        {"name": "pay_month", "type": "month", "label_zh": "发放月份"},
    ]
    with session_scope(migrated) as session:
        dataset = ensure_dataset(
            session, upgraded, [("c_备注", "备注2"), ("c_x", "X"), ("amount", "金额")]
        )
        assert (dataset.type_version, dataset.name_zh) == (2, "养老金发放记录")
        assert dataset.updated_at >= dataset.created_at
    assert _fields(migrated, "pension_payment") == [
        ("amount", "money", "发放金额", "none", "standard"),
        ("id_card", "id_card", "公民身份号码", "id", "standard"),
        ("pay_month", "month", "发放月份", "none", "standard"),
        ("name", "person_name", "姓名", "name", "standard"),  # retired, data still in pool
        ("c_备注", "text", "备注", "none", "extra"),  # extras keep their first label
        ("c_x", "text", "X", "none", "extra"),
    ]


class _FieldModel(BaseModel):
    name: str
    type: str
    label_zh: str
    label_en: str
    pii: str = "none"


class _TypeModel(BaseModel):
    id: str
    name_zh: str
    name_en: str
    fields: list[_FieldModel]


def test_ensure_dataset_accepts_pydantic_and_derives_sensitivity(migrated: Engine) -> None:
    model = _TypeModel(
        id="death_record",
        name_zh="死亡/火化",
        name_en="Deaths",
        fields=[
            _FieldModel(
                name="id_card", type="id_card", label_zh="身份证号", label_en="ID", pii="id"
            )
        ],
    )
    plain = _pension(id="tax_invoice", sensitivity=None)
    plain["fields"] = [{"name": "invoice_no", "type": "text", "label_zh": "发票号"}]
    with session_scope(migrated) as session:
        assert ensure_dataset(session, model).sensitivity == "sensitive"
        assert ensure_dataset(session, model).type_version == 1
        assert ensure_dataset(session, plain).sensitivity == "internal"


@pytest.mark.parametrize(
    "overrides",
    [
        {"sensitivity": "top"},
        {"version": True},
        {"version": 0},
        {"name_zh": ""},
        {"fields": []},
        {"fields": [{"name": "x", "type": "text", "pii": "phone"}]},
        {"fields": [{"name": "x"}]},
    ],
)
def test_ensure_dataset_refuses_bad_definitions(
    migrated: Engine, overrides: dict[str, Any]
) -> None:
    with pytest.raises(CatalogError) as caught, session_scope(migrated) as session:
        ensure_dataset(session, _pension(**overrides))
    assert "pension_payment" in caught.value.zh and "pension_payment" in caught.value.en


def test_duplicate_content_is_refused_with_the_existing_batch(migrated: Engine) -> None:
    with session_scope(migrated) as session:
        ensure_dataset(session, _pension())
    with session_scope(migrated) as session:
        record_batch(
            session,
            dataset_id="pension_payment",
            status="failed",
            content_hash="h1",
            files=[],
            error={"code": "ingest.io"},
        )
    first = _commit(migrated, "h1", T0)
    with pytest.raises(IngestError, match=first):
        _commit(migrated, "h1", T0 + timedelta(hours=1))
    with session_scope(migrated) as session:
        found = find_committed_batch(session, "pension_payment", "h1")
        assert found is not None and found.id == first
        assert find_committed_batch(session, "pension_payment", "h2") is None


def test_race_is_decided_by_the_database(migrated: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    # Another import committed the same content between our look-up and our insert:
    # the pre-check sees nothing, the unique index refuses, and the error names the batch.
    with session_scope(migrated) as session:
        ensure_dataset(session, _pension())
    first = _commit(migrated, "h1", T0)
    real = pool_catalog.find_committed_batch
    calls: list[str] = []

    def blind_once(session: Any, dataset_id: str, content_hash: str) -> Any:
        calls.append(content_hash)
        return None if len(calls) == 1 else real(session, dataset_id, content_hash)

    monkeypatch.setattr(pool_catalog, "find_committed_batch", blind_once)
    with session_scope(migrated) as session:
        with pytest.raises(IngestError, match=first):
            record_batch(
                session,
                dataset_id="pension_payment",
                status="committed",
                content_hash="h1",
                files=[],
                data_path="p",
            )
        # The savepoint kept the transaction usable: this still commits.
        ensure_dataset(session, _pension(id="death_record"))
    assert len(calls) == 2
    with session_scope(migrated) as session:
        assert get_dataset(session, "death_record") is not None


def test_other_integrity_errors_pass_through(migrated: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(migrated) as session:
        record_batch(
            session,
            dataset_id="nope",
            status="committed",
            content_hash="h",
            files=[],
            data_path="p",
        )
    with pytest.raises(ValueError, match="status"), session_scope(migrated) as session:
        record_batch(session, dataset_id="x", status="done", content_hash="h", files=[])


def test_list_datasets_aggregates_in_one_query(migrated: Engine) -> None:
    with session_scope(migrated) as session:
        ensure_dataset(session, _pension())
        ensure_dataset(session, _pension(id="death_record", name_zh="死亡/火化"))
    _commit(migrated, "h1", T0, rows_read=10, rows_accepted=8, rows_rejected=2, rows_warned=3)
    _commit(migrated, "h2", T0 + timedelta(days=1), rows_read=5, rows_accepted=5)
    with session_scope(migrated) as session:
        record_batch(
            session,
            dataset_id="pension_payment",
            status="failed",
            content_hash="h3",
            files=[],
            rows_read=7,
            rows_accepted=7,
            error={"code": "x"},
            created_at=T0 + timedelta(days=2),
        )

    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(migrated, "before_cursor_execute", count)
    try:
        with session_scope(migrated) as session:
            summaries = list_datasets(session)
    finally:
        event.remove(migrated, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert summaries == [
        DatasetSummary(
            id="death_record",
            type_id="death_record",
            name_zh="死亡/火化",
            name_en="Pension payments",
            sensitivity="sensitive",
            owner_unit=None,
            batch_count=0,
            rows_accepted=0,
            rows_rejected=0,
            failed_attempts=0,
            last_import_at=None,
        ),
        DatasetSummary(
            id="pension_payment",
            type_id="pension_payment",
            name_zh="养老金发放",
            name_en="Pension payments",
            sensitivity="sensitive",
            owner_unit=None,
            batch_count=2,
            rows_accepted=13,
            rows_rejected=2,
            failed_attempts=1,
            last_import_at=T0 + timedelta(days=1),
        ),
    ]
    last = summaries[1].last_import_at
    assert last is not None and last.utcoffset() == timedelta(0)


def test_batches_and_paths_in_import_order(migrated: Engine) -> None:
    with session_scope(migrated) as session:
        ensure_dataset(session, _pension())
    late = _commit(migrated, "h2", T0 + timedelta(hours=2), data_path="pension_payment/late")
    early = _commit(migrated, "h1", T0, data_path="pension_payment/early", rejects_path="r/early")
    with session_scope(migrated) as session:
        failed = record_batch(
            session,
            dataset_id="pension_payment",
            status="failed",
            content_hash="h9",
            files=[{"name": "坏.csv"}],
            error={"zh": "无法读取", "en": "unreadable"},
            created_at=T0 + timedelta(hours=1),
        ).id
    with session_scope(migrated) as session:
        assert [b.id for b in list_batches(session, "pension_payment")] == [early, failed, late]
        committed = list_batches(session, "pension_payment", include_failed=False)
        assert [b.id for b in committed] == [early, late]
        assert committed[0].rejects_path == "r/early"
        assert committed_batch_paths(session, "pension_payment") == [
            "pension_payment/early",
            "pension_payment/late",
        ]
        assert committed_batch_paths(session, "death_record") == []
        stored = list_batches(session, "pension_payment")[1]
        assert stored.error == {"zh": "无法读取", "en": "unreadable"}
        assert stored.files == [{"name": "坏.csv"}]
        assert stored.quality is None


def test_user_dataset_types_round_trip(migrated: Engine) -> None:
    definition = _pension(id="local_subsidy", name_zh="本地补贴", notes={"来源": "民政局"})
    with session_scope(migrated) as session:
        save_dataset_type(session, definition, source_path="types/local_subsidy.yaml")
        save_dataset_type(session, {**definition, "version": 3}, created_by="admin")
    with session_scope(migrated) as session:
        (stored,) = user_dataset_types(session)
        assert stored.version == 3
        assert stored.definition["notes"] == {"来源": "民政局"}
        assert stored.source_path is None
        assert stored.created_by is None  # first registration's author is kept
