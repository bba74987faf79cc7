"""Migration 0006 (batch status `replaced`) on SQLite and PostgreSQL: existing batches
survive, the new status is accepted and others refused, the partial unique index on
committed content still holds (and only for committed batches), and the way back turns
replaced batches into failed ones."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, exc, text

from jiandu.store.migrate import downgrade, upgrade

_NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _dataset(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO dataset (id, type_id, type_version, name_zh, name_en, sensitivity,"
                " created_at, updated_at) VALUES ('d', 'd', 1, 'd', 'd', 'internal', :t, :t)"
            ),
            {"t": _NOW},
        )


def _batch(
    engine: Engine, batch_id: str, status: str, content_hash: str, *, data: bool = True
) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO batch (id, dataset_id, status, content_hash, files, rows_read,"
                " rows_accepted, rows_rejected, rows_warned, data_path, created_at,"
                " duration_ms) VALUES (:id, 'd', :status, :hash, '[]', 0, 0, 0, 0,"
                " :path, :t, 0)"
            ),
            {
                "id": batch_id,
                "status": status,
                "hash": content_hash,
                "path": f"pool/d/{batch_id}" if data else None,
                "t": _NOW,
            },
        )


def _statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        return {
            str(r[0]): str(r[1]) for r in connection.execute(text("SELECT id, status FROM batch"))
        }


def test_replaced_status_round_trip(engine: Engine) -> None:
    upgrade(engine, "0005")
    _dataset(engine)
    _batch(engine, "B1", "committed", "h1")
    upgrade(engine)
    assert _statuses(engine) == {"B1": "committed"}
    with engine.begin() as connection:
        connection.execute(text("UPDATE batch SET status = 'replaced' WHERE id = 'B1'"))
    # Replaced content may be committed again; committed content only once.
    _batch(engine, "B2", "committed", "h1")
    with pytest.raises(exc.IntegrityError):
        _batch(engine, "B3", "committed", "h1")
    with pytest.raises(exc.IntegrityError):
        _batch(engine, "B4", "superseded", "h4")
    # The table's other checks survived (SQLite copies the table to change one).
    with pytest.raises(exc.IntegrityError):
        _batch(engine, "B8", "committed", "h8", data=False)
    with pytest.raises(exc.IntegrityError):
        _batch(engine, "B9", "failed", "h9")

    downgrade(engine, "0005")
    assert _statuses(engine) == {"B1": "failed", "B2": "committed"}
    with engine.connect() as connection:
        error = connection.execute(text("SELECT error FROM batch WHERE id = 'B1'")).scalar_one()
    assert "replaced" in str(error)
    with pytest.raises(exc.IntegrityError):
        _batch(engine, "B5", "replaced", "h5")
    with pytest.raises(exc.IntegrityError):
        _batch(engine, "B6", "committed", "h1")
    upgrade(engine)
    _batch(engine, "B7", "replaced", "h1")
    assert _statuses(engine)["B7"] == "replaced"
