"""Security: org units, user accounts and roles, API tokens, web sessions, shares,
approval requests, and the hash-chained append-only audit log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out rather than imported from jiandu.store.schema (see 0001).
_STAMP = sa.DateTime(timezone=True)

# The audit log refuses UPDATE and DELETE in the database itself. Anyone who can drop a
# trigger can still edit rows; the hash chain (jiandu audit verify) then tells which.
_SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
    """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END""",
)
_POSTGRES_TRIGGERS = (
    """CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$""",
    """CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
       FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()""",
    """CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()""",
)


def upgrade() -> None:
    """Create the security tables and the audit log's append-only triggers."""
    op.create_table(
        "org_unit",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=True),
        sa.Column("region_code", sa.String(6), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_org_unit"),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["org_unit.id"],
            name="fk_org_unit_parent_id_org_unit",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("path", name="uq_org_unit_path"),
        sa.CheckConstraint(
            "kind IN ('procuratorate', 'department', 'external')", name="ck_org_unit_kind"
        ),
        sa.CheckConstraint(
            "level IS NULL OR level IN ('province', 'city', 'county')", name="ck_org_unit_level"
        ),
        sa.CheckConstraint(
            "kind <> 'procuratorate' OR level IS NOT NULL", name="ck_org_unit_level_needed"
        ),
    )
    op.create_index("ix_org_unit_parent_id", "org_unit", ["parent_id"])
    op.create_index("ix_org_unit_path", "org_unit", ["path"])

    op.create_table(
        "user_account",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.Column("clearance", sa.String(16), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", _STAMP, nullable=True),
        sa.Column("password_changed_at", _STAMP, nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_user_account"),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_unit.id"],
            name="fk_user_account_unit_id_org_unit",
            ondelete="RESTRICT",
        ),
        sa.UniqueConstraint("username", name="uq_user_account_username"),
        sa.CheckConstraint(
            "clearance IN ('public', 'internal', 'sensitive', 'secret')",
            name="ck_user_account_clearance",
        ),
        sa.CheckConstraint("failed_attempts >= 0", name="ck_user_account_failed_attempts"),
    )
    op.create_index("ix_user_account_unit_id", "user_account", ["unit_id"])

    op.create_table(
        "user_role",
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("granted_at", _STAMP, nullable=False),
        sa.Column("granted_by", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "role", name="pk_user_role"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name="fk_user_role_user_id_user_account",
            ondelete="CASCADE",
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'data_steward', 'modeler', 'prosecutor', 'leader', 'auditor', "
            "'external_liaison')",
            name="ck_user_role_role",
        ),
    )

    op.create_table(
        "api_token",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("expires_at", _STAMP, nullable=True),
        sa.Column("last_used_at", _STAMP, nullable=True),
        sa.Column("revoked_at", _STAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_token"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name="fk_api_token_user_id_user_account",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("token_hash", name="uq_api_token_token_hash"),
    )
    op.create_index("ix_api_token_user_id", "api_token", ["user_id"])

    op.create_table(
        "web_session",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.Column("expires_at", _STAMP, nullable=False),
        sa.Column("last_seen_at", _STAMP, nullable=False),
        sa.Column("ended_at", _STAMP, nullable=True),
        sa.Column("client", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_web_session"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name="fk_web_session_user_id_user_account",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_web_session_user_id", "web_session", ["user_id"])

    op.create_table(
        "share",
        sa.Column("object_kind", sa.String(16), nullable=False),
        sa.Column("object_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("granted_by", sa.String(64), nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.PrimaryKeyConstraint("object_kind", "object_id", "unit_id", name="pk_share"),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name="fk_share_unit_id_org_unit", ondelete="RESTRICT"
        ),
        sa.CheckConstraint(
            "object_kind IN ('dataset', 'run', 'clue', 'case')", name="ck_share_object_kind"
        ),
    )

    op.create_table(
        "approval_request",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("requested_by", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("decided_at", _STAMP, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("expires_at", _STAMP, nullable=False),
        sa.Column("used_at", _STAMP, nullable=True),
        sa.Column("created_at", _STAMP, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_approval_request"),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["user_account.id"],
            name="fk_approval_request_requested_by_user_account",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_unit.id"], name="fk_approval_request_unit_id_org_unit"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["user_account.id"],
            name="fk_approval_request_decided_by_user_account",
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected', 'used', 'expired', 'withdrawn')",
            name="ck_approval_request_status",
        ),
        sa.CheckConstraint(
            "status NOT IN ('approved', 'rejected') OR decided_by IS NOT NULL",
            name="ck_approval_request_decided",
        ),
        sa.CheckConstraint(
            "decided_by IS NULL OR decided_by <> requested_by",
            name="ck_approval_request_four_eyes",
        ),
    )

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("at", _STAMP, nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object_kind", sa.String(32), nullable=True),
        sa.Column("object_id", sa.String(128), nullable=True),
        sa.Column("unit_id", sa.String(64), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
        sa.UniqueConstraint("hash", name="uq_audit_log_hash"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_object", "audit_log", ["object_kind", "object_id"])

    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_head"),
        sa.CheckConstraint("id = 1", name="ck_audit_head_single_row"),
    )

    op.add_column("model_run", sa.Column("owner_unit", sa.String(64), nullable=True))
    op.create_index("ix_model_run_owner_unit", "model_run", ["owner_unit"])

    dialect = op.get_bind().dialect.name
    for statement in _POSTGRES_TRIGGERS if dialect == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    """Drop the security tables (the audit log with them: downgrade only a test database)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_no_change ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.execute("DROP TRIGGER audit_log_no_delete")
        op.execute("DROP TRIGGER audit_log_no_update")
    op.drop_index("ix_model_run_owner_unit", table_name="model_run")
    with op.batch_alter_table("model_run") as batch:
        batch.drop_column("owner_unit")
    op.drop_table("audit_head")
    op.drop_index("ix_audit_log_object", table_name="audit_log")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("approval_request")
    op.drop_table("share")
    op.drop_index("ix_web_session_user_id", table_name="web_session")
    op.drop_table("web_session")
    op.drop_index("ix_api_token_user_id", table_name="api_token")
    op.drop_table("api_token")
    op.drop_table("user_role")
    op.drop_index("ix_user_account_unit_id", table_name="user_account")
    op.drop_table("user_account")
    op.drop_index("ix_org_unit_path", table_name="org_unit")
    op.drop_index("ix_org_unit_parent_id", table_name="org_unit")
    op.drop_table("org_unit")
