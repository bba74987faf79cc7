"""Batch status `replaced`: a derived dataset's earlier batch, superseded by a newer one.

A derived dataset (the near-duplicate judgment groups, issue #8) is recomputed as a whole;
each recomputation is committed as a new batch and the earlier batches of the dataset are
marked `replaced`. They keep their data (runs that read them stay explainable) but no
reader of committed data sees them any more.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from jiandu.store.schema (see 0001).
_COMMITTED = sa.text("status = 'committed'")


def _status_check(statuses: str, old_name: str, new_name: str) -> None:
    """Replace the CHECK on batch.status (named `old_name`) by one allowing `statuses`.

    0001 named its constraints through the naming convention, so the database calls this
    one ck_batch_ck_batch_status; the new one takes the ORM's name, ck_batch_status
    (`op.f`: names used as given). SQLite cannot alter a constraint: batch mode copies the
    table (reflection carries the other CHECKs over); its partial unique index is dropped
    and made again by hand so its WHERE clause cannot be lost on the way.
    """
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.drop_index("uq_batch_committed_content", table_name="batch")
    with op.batch_alter_table("batch") as batch:
        batch.drop_constraint(op.f(old_name), type_="check")
        batch.create_check_constraint(op.f(new_name), sa.text(f"status IN ({statuses})"))
    if sqlite:
        op.create_index(
            "uq_batch_committed_content",
            "batch",
            ["dataset_id", "content_hash"],
            unique=True,
            sqlite_where=_COMMITTED,
        )


def upgrade() -> None:
    """Allow status 'replaced'."""
    _status_check(
        "'committed', 'failed', 'replaced'", "ck_batch_ck_batch_status", "ck_batch_status"
    )


def downgrade() -> None:
    """Back to committed/failed: replaced batches are recorded as failed with the reason
    (made committed again, a recomputation and the one it replaced would both be read,
    and could even share a content hash)."""
    op.execute(
        sa.text(
            "UPDATE batch SET status = 'failed', error = :error WHERE status = 'replaced'"
        ).bindparams(
            sa.bindparam(
                "error",
                {"zh": "已被更新的批次替换", "en": "replaced by a newer batch", "where": ""},
                type_=sa.JSON(),
            )
        )
    )
    _status_check("'committed', 'failed'", "ck_batch_status", "ck_batch_ck_batch_status")
