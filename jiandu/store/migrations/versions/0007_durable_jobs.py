"""Durable jobs: a job's kind runs with JSON params from a queue, counts its attempts,
says when it tries again and shows it is alive; schedules fire job kinds by cron.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from jiandu.store.schema (see 0001).
_STAMP = sa.DateTime(timezone=True)
_JOB_COLUMNS = ("params", "attempts", "next_try_at", "heartbeat_at", "task_id", "schedule_id")


def upgrade() -> None:
    """Add the job's queue columns and create the job_schedule table."""
    # Plain ADD COLUMNs (nullable, or with a server default): SQLite needs no table copy.
    op.add_column("job", sa.Column("params", sa.JSON(none_as_null=True)))
    op.add_column("job", sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("job", sa.Column("next_try_at", _STAMP))
    op.add_column("job", sa.Column("heartbeat_at", _STAMP))
    op.add_column("job", sa.Column("task_id", sa.String(64)))
    op.add_column("job", sa.Column("schedule_id", sa.String(32)))
    op.create_table(
        "job_schedule",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("cron", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("params", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("title_zh", sa.String(300), nullable=False),
        sa.Column("title_en", sa.String(300), nullable=False),
        sa.Column("unit_id", sa.String(64)),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("last_fired_at", _STAMP),
        sa.Column("last_job_id", sa.String(32)),
        sa.Column("next_fire_at", _STAMP),
    )
    op.create_index("ix_job_schedule_due", "job_schedule", ["enabled", "next_fire_at"])


def downgrade() -> None:
    """Drop the schedules and the job's queue columns (batch mode: SQLite copies the table)."""
    op.drop_table("job_schedule")
    with op.batch_alter_table("job") as batch:
        for name in _JOB_COLUMNS:
            batch.drop_column(name)
