"""Clues and supervision cases: clues with frozen evidence snapshots, their events,
attachments and transfers; supervision cases with their clues, documents and events.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from jiandu.store.schema (see 0001).
_STAMP = sa.DateTime(timezone=True)

_TABLES = (
    "clue_transfer",
    "clue_snapshot",
    "clue_event",
    "clue_attachment",
    "case_clue",
    "clue",
    "case_event",
    "case_document",
    "supervision_case",
)


def upgrade() -> None:
    """Create the clue and case tables."""
    op.create_table(
        "supervision_case",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_no", sa.String(length=64), nullable=False),
        sa.Column("case_type", sa.String(length=32), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("owner_unit", sa.String(length=64), nullable=True),
        sa.Column("supervised_unit", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reply_due_at", _STAMP, nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("closed_at", _STAMP, nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'document_issued', 'awaiting_reply', 'replied', 'closed')",
            name=op.f("ck_supervision_case_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supervision_case")),
        sa.UniqueConstraint("case_no", name=op.f("uq_supervision_case_case_no")),
    )
    op.create_index(
        op.f("ix_supervision_case_owner_unit"), "supervision_case", ["owner_unit"], unique=False
    )
    op.create_table(
        "case_document",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.Column("doc_no", sa.String(length=64), nullable=True),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("generated_by", sa.String(length=64), nullable=False),
        sa.Column("generated_at", _STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["supervision_case.id"],
            name=op.f("fk_case_document_case_id_supervision_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_document")),
    )
    op.create_index(op.f("ix_case_document_case_id"), "case_document", ["case_id"], unique=False)
    op.create_table(
        "case_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("at", _STAMP, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["supervision_case.id"],
            name=op.f("fk_case_event_case_id_supervision_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    op.create_index("ix_case_event_case", "case_event", ["case_id", "id"], unique=False)
    op.create_table(
        "clue",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_key", sa.String(length=255), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("branches", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("presence", sa.String(length=16), nullable=False),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("owner_unit", sa.String(length=64), nullable=True),
        sa.Column("holder_unit", sa.String(length=64), nullable=True),
        sa.Column("assignee_id", sa.String(length=64), nullable=True),
        sa.Column("due_at", _STAMP, nullable=True),
        sa.Column("first_run_id", sa.String(length=32), nullable=False),
        sa.Column("last_run_id", sa.String(length=32), nullable=False),
        sa.Column("evidence_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("updated_at", _STAMP, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "presence IN ('new', 'present', 'changed', 'gone')", name=op.f("ck_clue_presence")
        ),
        sa.CheckConstraint(
            "status <> 'rejected' OR rejection_reason IS NOT NULL",
            name=op.f("ck_clue_rejected_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'verifying', 'confirmed', 'rejected', 'transferred', 'closed')",
            name=op.f("ck_clue_status"),
        ),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["user_account.id"], name=op.f("fk_clue_assignee_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_clue_fingerprint")),
    )
    op.create_index("ix_clue_holder", "clue", ["holder_unit", "status"], unique=False)
    op.create_index("ix_clue_model_status", "clue", ["model_id", "status"], unique=False)
    op.create_index(op.f("ix_clue_owner_unit"), "clue", ["owner_unit"], unique=False)
    op.create_table(
        "case_clue",
        sa.Column("case_id", sa.String(length=32), nullable=False),
        sa.Column("clue_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["supervision_case.id"],
            name=op.f("fk_case_clue_case_id_supervision_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["clue_id"], ["clue.id"], name=op.f("fk_case_clue_clue_id_clue")),
        sa.PrimaryKeyConstraint("case_id", "clue_id", name=op.f("pk_case_clue")),
    )
    op.create_table(
        "clue_attachment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("clue_id", sa.String(length=32), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by", sa.String(length=64), nullable=False),
        sa.Column("uploaded_at", _STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["clue_id"],
            ["clue.id"],
            name=op.f("fk_clue_attachment_clue_id_clue"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_attachment")),
    )
    op.create_index(
        op.f("ix_clue_attachment_clue_id"), "clue_attachment", ["clue_id"], unique=False
    )
    op.create_table(
        "clue_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("clue_id", sa.String(length=32), nullable=False),
        sa.Column("at", _STAMP, nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["clue_id"], ["clue.id"], name=op.f("fk_clue_event_clue_id_clue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_event")),
    )
    op.create_index("ix_clue_event_clue", "clue_event", ["clue_id", "id"], unique=False)
    op.create_table(
        "clue_snapshot",
        sa.Column("clue_id", sa.String(length=32), nullable=False),
        sa.Column("run_id", sa.String(length=32), nullable=False),
        sa.Column("branches", sa.JSON(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("evidence_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["clue_id"], ["clue.id"], name=op.f("fk_clue_snapshot_clue_id_clue"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("clue_id", "run_id", name=op.f("pk_clue_snapshot")),
    )
    op.create_table(
        "clue_transfer",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("batch_id", sa.String(length=32), nullable=False),
        sa.Column("clue_id", sa.String(length=32), nullable=False),
        sa.Column("from_unit", sa.String(length=64), nullable=False),
        sa.Column("to_unit", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("sent_by", sa.String(length=64), nullable=False),
        sa.Column("sent_at", _STAMP, nullable=False),
        sa.Column("answered_by", sa.String(length=64), nullable=True),
        sa.Column("answered_at", _STAMP, nullable=True),
        sa.Column("answer_note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status <> 'returned' OR answer_note IS NOT NULL",
            name=op.f("ck_clue_transfer_return_reason"),
        ),
        sa.CheckConstraint(
            "status IN ('sent', 'accepted', 'returned')", name=op.f("ck_clue_transfer_status")
        ),
        sa.ForeignKeyConstraint(
            ["clue_id"], ["clue.id"], name=op.f("fk_clue_transfer_clue_id_clue")
        ),
        sa.ForeignKeyConstraint(
            ["from_unit"], ["org_unit.id"], name=op.f("fk_clue_transfer_from_unit_org_unit")
        ),
        sa.ForeignKeyConstraint(
            ["to_unit"], ["org_unit.id"], name=op.f("fk_clue_transfer_to_unit_org_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clue_transfer")),
    )
    op.create_index(op.f("ix_clue_transfer_batch_id"), "clue_transfer", ["batch_id"], unique=False)
    op.create_index(op.f("ix_clue_transfer_clue_id"), "clue_transfer", ["clue_id"], unique=False)
    op.create_index("ix_clue_transfer_to", "clue_transfer", ["to_unit", "status"], unique=False)


def downgrade() -> None:
    """Drop the clue and case tables (their indexes go with them)."""
    for table in _TABLES:
        op.drop_table(table)
