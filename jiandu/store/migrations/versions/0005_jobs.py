"""Background jobs: imports and model runs started from the web, with their progress.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from jiandu.store.schema (see 0001).
_STAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    """Create the job table."""
    op.create_table(
        "job",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("title_zh", sa.String(300), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("stage_zh", sa.String(300)),
        sa.Column("stage_en", sa.String(300)),
        sa.Column("object_kind", sa.String(32)),
        sa.Column("object_id", sa.String(64)),
        sa.Column("result", sa.JSON(none_as_null=True)),
        sa.Column("error_zh", sa.Text()),
        sa.Column("error_en", sa.Text()),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("started_at", _STAMP),
        sa.Column("finished_at", _STAMP),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')",
            name=op.f("ck_job_status"),
        ),
        sa.CheckConstraint("progress >= 0 AND progress <= 1", name=op.f("ck_job_progress")),
    )
    op.create_index("ix_job_unit", "job", ["unit_id", "created_at"])


def downgrade() -> None:
    """Drop the job table (its index goes with it)."""
    op.drop_table("job")
