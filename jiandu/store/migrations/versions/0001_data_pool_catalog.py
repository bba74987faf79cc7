"""Data-pool catalog: dataset types, datasets, their fields, import batches.

Revision ID: 0001
Revises:
Create Date: 2026-05-09
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from jiandu.store.schema: a migration is a record of
# what the schema was at this revision and must not change when the ORM moves on.
_STAMP = sa.DateTime(timezone=True)
_COMMITTED = sa.text("status = 'committed'")


def upgrade() -> None:
    """Create the catalog tables."""
    op.create_table(
        "dataset_type",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_dataset_type"),
    )
    op.create_table(
        "dataset",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("type_id", sa.String(64), nullable=False),
        sa.Column("type_version", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("sensitivity", sa.String(16), nullable=False),
        sa.Column("owner_unit", sa.String(64), nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("updated_at", _STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dataset"),
        sa.CheckConstraint(
            "sensitivity IN ('public', 'internal', 'sensitive', 'secret')",
            name="ck_dataset_sensitivity",
        ),
    )
    op.create_index("ix_dataset_type_id", "dataset", ["type_id"])
    op.create_table(
        "dataset_field",
        sa.Column("dataset_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("semantic_type", sa.String(32), nullable=False),
        sa.Column("label_zh", sa.String(200), nullable=False),
        sa.Column("label_en", sa.String(200), nullable=False),
        sa.Column("pii", sa.String(16), nullable=False),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "name", name="pk_dataset_field"),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name="fk_dataset_field_dataset_id_dataset",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint("pii IN ('id', 'contact', 'name', 'none')", name="ck_dataset_field_pii"),
        sa.CheckConstraint("origin IN ('standard', 'extra')", name="ck_dataset_field_origin"),
    )
    op.create_table(
        "batch",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("dataset_id", sa.String(64), nullable=False),
        sa.Column("source_name", sa.String(255), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("rows_read", sa.BigInteger(), nullable=False),
        sa.Column("rows_accepted", sa.BigInteger(), nullable=False),
        sa.Column("rows_rejected", sa.BigInteger(), nullable=False),
        sa.Column("rows_warned", sa.BigInteger(), nullable=False),
        sa.Column("data_path", sa.String(1024), nullable=True),
        sa.Column("rejects_path", sa.String(1024), nullable=True),
        sa.Column("quality", sa.JSON(), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_batch"),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["dataset.id"],
            name="fk_batch_dataset_id_dataset",
            ondelete="RESTRICT",
        ),
        sa.CheckConstraint("status IN ('committed', 'failed')", name="ck_batch_status"),
        sa.CheckConstraint(
            "status <> 'committed' OR data_path IS NOT NULL", name="ck_batch_committed_data"
        ),
        sa.CheckConstraint("status <> 'failed' OR error IS NOT NULL", name="ck_batch_failed_error"),
        sa.CheckConstraint(
            "rows_read >= 0 AND rows_accepted >= 0 AND rows_rejected >= 0 AND rows_warned >= 0",
            name="ck_batch_row_counts",
        ),
    )
    # Importing identical content twice is refused by the database: unique among
    # committed batches only, so failed attempts with the same files stay recordable.
    op.create_index(
        "uq_batch_committed_content",
        "batch",
        ["dataset_id", "content_hash"],
        unique=True,
        sqlite_where=_COMMITTED,
        postgresql_where=_COMMITTED,
    )
    op.create_index("ix_batch_dataset_created", "batch", ["dataset_id", "created_at"])


def downgrade() -> None:
    """Drop the catalog tables."""
    op.drop_index("ix_batch_dataset_created", table_name="batch")
    op.drop_index("uq_batch_committed_content", table_name="batch")
    op.drop_table("batch")
    op.drop_table("dataset_field")
    op.drop_index("ix_dataset_type_id", table_name="dataset")
    op.drop_table("dataset")
    op.drop_table("dataset_type")
