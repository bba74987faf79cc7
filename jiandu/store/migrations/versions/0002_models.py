"""Supervision models: imported model versions and model runs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-05-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from jiandu.store.schema (see 0001).
_STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the model and model_run tables."""
    op.create_table(
        "model",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name_zh", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("owner_unit", sa.String(64), nullable=True),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("source_path", sa.Text(), nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", "version", name="pk_model"),
        sa.CheckConstraint(
            "visibility IN ('private', 'unit', 'province')", name="ck_model_visibility"
        ),
    )
    op.create_table(
        "model_run",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("model_id", sa.String(64), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("model_origin", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("batches", sa.JSON(), nullable=False),
        sa.Column("funnel", sa.JSON(), nullable=True),
        sa.Column("hit_count", sa.BigInteger(), nullable=True),
        sa.Column("branch_counts", sa.JSON(), nullable=True),
        sa.Column("hits_path", sa.String(1024), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("started_at", _STAMP, nullable=False),
        sa.Column("finished_at", _STAMP, nullable=True),
        sa.Column("duration_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_model_run"),
        sa.CheckConstraint(
            "status IN ('running', 'succeeded', 'failed')", name="ck_model_run_status"
        ),
        sa.CheckConstraint(
            "status <> 'failed' OR error IS NOT NULL", name="ck_model_run_failed_error"
        ),
        sa.CheckConstraint(
            "status <> 'succeeded' OR (hits_path IS NOT NULL AND hit_count IS NOT NULL)",
            name="ck_model_run_succeeded_hits",
        ),
    )
    op.create_index("ix_model_run_model_started", "model_run", ["model_id", "started_at"])


def downgrade() -> None:
    """Drop the model tables."""
    op.drop_index("ix_model_run_model_started", table_name="model_run")
    op.drop_table("model_run")
    op.drop_table("model")
