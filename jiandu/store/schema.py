"""ORM tables of the metadata store: the data-pool catalog (数据资源目录).

Portable across SQLite and PostgreSQL: string primary keys, `sqlalchemy.JSON`, small
vocabularies as VARCHAR + CHECK (no native ENUM types, which PostgreSQL cannot alter
inside a migration as freely), and timestamps as `UTCDateTime` (always timezone-aware
UTC in Python, whatever the backend stores). Constraint names follow `NAMING_CONVENTION`
so migrations can refer to them on both backends.

Decisions recorded here:

- **One dataset per dataset type per installation, for now.** `dataset.id` equals the
  dataset type id (`pension_payment`) and `dataset.type_id` repeats it. A later issue may
  allow several datasets of one type (e.g. per agency); the separate columns keep that
  open without a table rewrite.
- **Built-in dataset types are not stored**; they ship as YAML in the package. Only
  user-registered types live in `dataset_type`, as the validated definition (JSON).
- **Fields are never removed from a dataset.** Committed batches keep the columns they
  were written with, so a field that leaves the type definition (or an extra column a
  later file lacks) still describes data in the pool.
- **Failed imports are recorded as `batch` rows with status `failed`**, for audit: who
  tried what, when, and why it failed (`error`). They hold no data (`data_path` may be
  NULL) and readers of the pool only ever look at committed batches. The content hash is
  unique per dataset **among committed batches only** (a partial unique index, which
  SQLite and PostgreSQL both support), so the same files may fail any number of times
  and then be committed once; importing identical content a second time is refused by
  the database itself, not only by the pipeline's look-up.
- **A derived dataset's earlier batches become `replaced`** when a recomputation is
  committed (the near-duplicate groups, `jiandu.text.neardup_refresh`): their data stays
  in the pool, so runs that read them can still be traced, but readers of committed data
  no longer see them.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

SENSITIVITIES = ("public", "internal", "sensitive", "secret")
PII_CLASSES = ("id", "contact", "name", "none")
FIELD_ORIGINS = ("standard", "extra")
BATCH_STATUSES = ("committed", "failed", "replaced")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def new_batch_id(now: datetime | None = None) -> str:
    """A batch id such as 'B20261125-143000-ab12cd': UTC time of the import + 6 random hex.

    Ids sort by time, a person can read when the import happened, and the random part
    keeps two imports in the same second apart.
    """
    moment = (now or utcnow()).astimezone(UTC)
    return f"B{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def _in(column: str, values: tuple[str, ...]) -> str:
    # Static CHECK text built from the module's own constant vocabularies, never user input.
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamps as timezone-aware UTC datetimes on every backend.

    PostgreSQL stores `timestamptz`; SQLite has no time zones, so the value is stored as
    UTC text and UTC is attached again when it is read. Naive datetimes are refused: a
    local wall-clock time without a zone would be stored wrongly without anyone noticing.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every store table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: dict[Any, Any] = {  # noqa: RUF012 (SQLAlchemy's documented hook)
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(none_as_null=True),
        list[dict[str, Any]]: JSON(none_as_null=True),
    }


class DatasetType(Base):
    """A user-registered dataset type (built-in types ship with the package)."""

    __tablename__ = "dataset_type"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    # The validated pydantic model dump of jiandu.catalog's DatasetType.
    definition: Mapped[dict[str, Any]]
    # The YAML file the type was registered from, for people tracing a definition.
    source_path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))


class Dataset(Base):
    """A dataset in the pool: the catalog entry that batches of one type accumulate in."""

    __tablename__ = "dataset"
    __table_args__ = (CheckConstraint(_in("sensitivity", SENSITIVITIES), name="sensitivity"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type_id: Mapped[str] = mapped_column(String(64), index=True)
    type_version: Mapped[int] = mapped_column(Integer)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    sensitivity: Mapped[str] = mapped_column(String(16))
    owner_unit: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    fields: Mapped[list[DatasetField]] = relationship(
        back_populates="dataset",
        cascade="all, delete-orphan",
        order_by="DatasetField.position",
    )


class DatasetField(Base):
    """One column of a dataset, with its semantic type and PII class."""

    __tablename__ = "dataset_field"
    __table_args__ = (
        CheckConstraint(_in("pii", PII_CLASSES), name="pii"),
        CheckConstraint(_in("origin", FIELD_ORIGINS), name="origin"),
    )

    dataset_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("dataset.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(128), primary_key=True)
    # Column order in the pool: standard fields in type order, then extras as first seen.
    position: Mapped[int] = mapped_column(Integer)
    semantic_type: Mapped[str] = mapped_column(String(32))
    label_zh: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    pii: Mapped[str] = mapped_column(String(16))
    # 'extra': an unknown source column kept as text; its PII class is not known, so it
    # is recorded as 'none' and must be treated as unclassified.
    origin: Mapped[str] = mapped_column(String(16))

    dataset: Mapped[Dataset] = relationship(back_populates="fields")


class Batch(Base):
    """One import into a dataset: committed (data in the pool), failed (audit only) or
    replaced (a derived dataset's superseded recomputation: data kept, no longer read)."""

    __tablename__ = "batch"
    __table_args__ = (
        CheckConstraint(_in("status", BATCH_STATUSES), name="status"),
        CheckConstraint("status <> 'committed' OR data_path IS NOT NULL", name="committed_data"),
        CheckConstraint("status <> 'failed' OR error IS NOT NULL", name="failed_error"),
        CheckConstraint(
            "rows_read >= 0 AND rows_accepted >= 0 AND rows_rejected >= 0 AND rows_warned >= 0",
            name="row_counts",
        ),
        Index(
            "uq_batch_committed_content",
            "dataset_id",
            "content_hash",
            unique=True,
            sqlite_where=text("status = 'committed'"),
            postgresql_where=text("status = 'committed'"),
        ),
        Index("ix_batch_dataset_created", "dataset_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    dataset_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("dataset.id", ondelete="RESTRICT")
    )
    source_name: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    # sha256 hex over the imported files' content, combined (see jiandu.ingest).
    content_hash: Mapped[str] = mapped_column(String(64))
    # [{name, size, sha256, format, encoding, sheet}, ...]
    files: Mapped[list[dict[str, Any]]]
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_accepted: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_rejected: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_warned: Mapped[int] = mapped_column(BigInteger, default=0)
    # Relative to the pool directory, so a pool folder can be moved or mounted elsewhere.
    data_path: Mapped[str | None] = mapped_column(String(1024))
    rejects_path: Mapped[str | None] = mapped_column(String(1024))
    quality: Mapped[dict[str, Any] | None]
    error: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    duration_ms: Mapped[int] = mapped_column(BigInteger, default=0)

    dataset: Mapped[Dataset] = relationship()


# --- Supervision models (issue 3) -------------------------------------------------------
#
# Decisions recorded here:
#
# - **Built-in library models are not stored**, like built-in dataset types: they ship in
#   the package (`jiandu/models/library`). `model` holds imported (user) model versions
#   only; a run names its model by id + version whichever the origin, so `model_run` has
#   no foreign key to `model`.
# - **Versions are immutable.** A version, once imported, is never updated; a changed
#   rule is a new version. `content_hash` lets an import of the same id + version tell
#   "already here" (no-op) from "different content" (refused).
# - **The funnel is JSON on the run** (`[{step, label_zh, label_en, rows}]`): it is read
#   whole with its run and never queried across runs by step.

MODEL_VISIBILITIES = ("private", "unit", "province")
RUN_STATUSES = ("running", "succeeded", "failed")


def new_run_id(now: datetime | None = None) -> str:
    """A run id such as 'R20261125-143000-ab12cd' (same shape as batch ids)."""
    moment = (now or utcnow()).astimezone(UTC)
    return f"R{moment:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


class Model(Base):
    """One imported version of a supervision model: its validated definition."""

    __tablename__ = "model"
    __table_args__ = (CheckConstraint(_in("visibility", MODEL_VISIBILITIES), name="visibility"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    # The validated ModelSpec, dumped by alias (the model file's own shape).
    definition: Mapped[dict[str, Any]]
    # sha256 hex of the canonical JSON of `definition`.
    content_hash: Mapped[str] = mapped_column(String(64))
    owner_unit: Mapped[str | None] = mapped_column(String(64))
    visibility: Mapped[str] = mapped_column(String(16))
    source_path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))


class ModelRun(Base):
    """One run of a model over the pool: who, when, on which batches, what came out.

    A run is recorded as `running` before it starts, so a crash leaves a trace; it ends
    `succeeded` (hits file in place) or `failed` (bilingual `error`, no hits file).
    """

    __tablename__ = "model_run"
    __table_args__ = (
        CheckConstraint(_in("status", RUN_STATUSES), name="status"),
        CheckConstraint("status <> 'failed' OR error IS NOT NULL", name="failed_error"),
        CheckConstraint(
            "status <> 'succeeded' OR (hits_path IS NOT NULL AND hit_count IS NOT NULL)",
            name="succeeded_hits",
        ),
        Index("ix_model_run_model_started", "model_id", "started_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    model_id: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[int] = mapped_column(Integer)
    # 'library' or 'imported': where the definition came from.
    model_origin: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    # Resolved parameter values, JSON-typed (dates ISO, decimals as text), incl. as_of.
    params: Mapped[dict[str, Any]]
    # {dataset id: [batch id, ...]}: exactly the committed batches the run read.
    batches: Mapped[dict[str, Any]]
    funnel: Mapped[list[dict[str, Any]] | None]
    hit_count: Mapped[int | None] = mapped_column(BigInteger)
    branch_counts: Mapped[dict[str, Any] | None]
    # Relative to JIANDU_HOME, like batch data paths.
    hits_path: Mapped[str | None] = mapped_column(String(1024))
    error: Mapped[dict[str, Any] | None]
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None] = mapped_column(BigInteger)
    created_by: Mapped[str | None] = mapped_column(String(64))
    # The unit the run belongs to (who may see it); NULL for runs made before units.
    owner_unit: Mapped[str | None] = mapped_column(String(64), index=True)


# --- Security: org tree, accounts, sessions, sharing, approvals, audit (issue 6) ------
#
# Decisions recorded here:
#
# - **Units form one tree** (province → city → county procuratorates, their departments,
#   and external collaborating units). `path` materialises the ancestry as
#   "/<root id>/<child id>/…/" so "this unit and everything under it" is one indexed
#   prefix match on both backends; a unit never moves (a reorganisation is a new unit).
# - **Roles are held per user** and apply within the user's own unit; what a role may do
#   is code (`jiandu.security.permissions`), versioned with the package, not data an
#   attacker with database access could widen.
# - **Sessions are server-side rows**: signing out, locking or disabling a user ends
#   them at once. Only a SHA-256 of the session secret and of API tokens is stored.
# - **The audit log is append-only and hash-chained**: each entry stores the hash of the
#   previous one; the database refuses UPDATE and DELETE on it (triggers, 0003), and
#   `jiandu audit verify` recomputes the chain. `audit_head` is the single row writers
#   lock to append in order on PostgreSQL.

UNIT_KINDS = ("procuratorate", "department", "external")
UNIT_LEVELS = ("province", "city", "county")
ROLES = (
    "admin",
    "data_steward",
    "modeler",
    "prosecutor",
    "leader",
    "auditor",
    "external_liaison",
)
SHARE_KINDS = ("dataset", "run", "clue", "case")
APPROVAL_STATUSES = ("pending", "approved", "rejected", "used", "expired", "withdrawn")


class OrgUnit(Base):
    """A unit of the organisation tree: a procuratorate, a department, an external unit."""

    __tablename__ = "org_unit"
    __table_args__ = (
        CheckConstraint(_in("kind", UNIT_KINDS), name="kind"),
        CheckConstraint(f"level IS NULL OR {_in('level', UNIT_LEVELS)}", name="level"),
        CheckConstraint("kind <> 'procuratorate' OR level IS NOT NULL", name="level_needed"),
        Index("ix_org_unit_path", "path"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[str | None] = mapped_column(String(16))
    region_code: Mapped[str | None] = mapped_column(String(6))
    name: Mapped[str] = mapped_column(String(200))
    path: Mapped[str] = mapped_column(String(1024), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UserAccount(Base):
    """A person who signs in: unit, clearance, argon2 password hash, lockout state."""

    __tablename__ = "user_account"
    __table_args__ = (
        CheckConstraint(_in("clearance", SENSITIVITIES), name="clearance"),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts"),
    )

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    password_hash: Mapped[str | None] = mapped_column(String(255))
    clearance: Mapped[str] = mapped_column(String(16), default="internal")
    is_active: Mapped[bool] = mapped_column(default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    roles: Mapped[list[UserRole]] = relationship(
        cascade="all, delete-orphan", order_by="UserRole.role", lazy="selectin"
    )


class UserRole(Base):
    """One role a user holds (within the user's unit)."""

    __tablename__ = "user_role"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    user_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_by: Mapped[str | None] = mapped_column(String(64))


class ApiToken(Base):
    """A bearer token for scripts: only its SHA-256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in browser session (server side), with its CSRF token."""

    __tablename__ = "web_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie
    user_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    client: Mapped[str | None] = mapped_column(String(255))


class Share(Base):
    """An object (dataset, run, clue, case) shared with another unit."""

    __tablename__ = "share"
    __table_args__ = (CheckConstraint(_in("object_kind", SHARE_KINDS), name="object_kind"),)

    object_kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    object_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    unit_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("org_unit.id", ondelete="RESTRICT"), primary_key=True
    )
    granted_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApprovalRequest(Base):
    """A request to take data out of the platform (申请 → 审批), with purpose, scope, expiry."""

    __tablename__ = "approval_request"
    __table_args__ = (
        CheckConstraint(_in("status", APPROVAL_STATUSES), name="status"),
        CheckConstraint(
            "status NOT IN ('approved', 'rejected') OR decided_by IS NOT NULL", name="decided"
        ),
        CheckConstraint("decided_by IS NULL OR decided_by <> requested_by", name="four_eyes"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # e.g. 'export'
    requested_by: Mapped[str] = mapped_column(String(64), ForeignKey("user_account.id"))
    unit_id: Mapped[str] = mapped_column(String(64), ForeignKey("org_unit.id"))
    purpose: Mapped[str] = mapped_column(Text)
    # What may leave: {object_kind, object_id, format, fields?, unmask?}.
    scope: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(64), ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """One entry of the hash-chained, append-only audit log."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_at", "at"),
        Index("ix_audit_log_object", "object_kind", "object_id"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))  # user id, or 'system' / 'cli:<os user>'
    action: Mapped[str] = mapped_column(String(64))  # e.g. 'auth.sign_in', 'pii.unmask'
    object_kind: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(128))
    unit_id: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), default="ok")  # ok / denied / failed
    detail: Mapped[dict[str, Any]]
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's last entry (one row, id 1): locked by writers to append in order."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))


# --- Clues and supervision cases (issue 5) ----------------------------------------------
#
# Decisions recorded here:
#
# - **One clue per fingerprint** = sha256(model id, subject key): re-running a model
#   updates its clues (`presence`: new, present, changed, gone), never duplicates them.
# - **Evidence is frozen** per run in `clue_snapshot` (the hit rows as JSON, with their
#   hash): the pool may change later; the clue keeps what was seen when.
# - **Workflow state is a column, history is rows**: `clue.status` is the current state
#   of the state machine (jiandu.clues.workflow); every change, comment, assignment and
#   transfer is a `clue_event`. `version` is the optimistic lock: two people acting on one
#   clue never overwrite each other silently.
# - **Transfers are explicit rows** with a state of their own (sent → accepted | returned):
#   a clue in transit is held by its sender until the receiver answers, so nothing is in
#   limbo and both sides see it.
# - **Cases** group clues; their documents are generated files (.docx) recorded with a
#   SHA-256; the supervised unit's replies and rectification are events on the case, with
#   the reply deadline on the case.

CLUE_STATUSES = ("pending", "verifying", "confirmed", "rejected", "transferred", "closed")
CLUE_PRESENCE = ("new", "present", "changed", "gone")
TRANSFER_STATUSES = ("sent", "accepted", "returned")
CASE_STATUSES = ("open", "document_issued", "awaiting_reply", "replied", "closed")


class Clue(Base):
    """A lead one model found on one subject (person, company, case …)."""

    __tablename__ = "clue"
    __table_args__ = (
        CheckConstraint(_in("status", CLUE_STATUSES), name="status"),
        CheckConstraint(_in("presence", CLUE_PRESENCE), name="presence"),
        CheckConstraint(
            "status <> 'rejected' OR rejection_reason IS NOT NULL", name="rejected_reason"
        ),
        Index("ix_clue_model_status", "model_id", "status"),
        Index("ix_clue_holder", "holder_unit", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    model_id: Mapped[str] = mapped_column(String(64))
    model_version: Mapped[int] = mapped_column(Integer)
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_key: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(16))
    branches: Mapped[list[str]] = mapped_column(JSON)
    explanation: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    presence: Mapped[str] = mapped_column(String(16), default="new")
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    # The unit that owns the clue (where it was found) and the unit holding it now.
    owner_unit: Mapped[str | None] = mapped_column(String(64), index=True)
    holder_unit: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[str | None] = mapped_column(String(64), ForeignKey("user_account.id"))
    due_at: Mapped[datetime | None]
    first_run_id: Mapped[str] = mapped_column(String(32))
    last_run_id: Mapped[str] = mapped_column(String(32))
    evidence_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's hook)


class ClueSnapshot(Base):
    """The evidence of a clue as one run saw it (frozen)."""

    __tablename__ = "clue_snapshot"

    clue_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("clue.id", ondelete="CASCADE"), primary_key=True
    )
    run_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    branches: Mapped[list[str]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(Text)
    # The hit rows of this subject in this run (JSON-typed values).
    evidence: Mapped[list[dict[str, Any]]]
    evidence_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClueEvent(Base):
    """One thing that happened to a clue: its full history, in order."""

    __tablename__ = "clue_event"
    __table_args__ = (Index("ix_clue_event_clue", "clue_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    clue_id: Mapped[str] = mapped_column(String(32), ForeignKey("clue.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]]


class ClueAttachment(Base):
    """A file attached to a clue (stored under JIANDU_HOME/attachments)."""

    __tablename__ = "clue_attachment"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    clue_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("clue.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class ClueTransfer(Base):
    """A clue sent to another department, procuratorate or external unit."""

    __tablename__ = "clue_transfer"
    __table_args__ = (
        CheckConstraint(_in("status", TRANSFER_STATUSES), name="status"),
        CheckConstraint("status <> 'returned' OR answer_note IS NOT NULL", name="return_reason"),
        Index("ix_clue_transfer_to", "to_unit", "status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(32), index=True)  # one "一键流转" action
    clue_id: Mapped[str] = mapped_column(String(32), ForeignKey("clue.id"), index=True)
    from_unit: Mapped[str] = mapped_column(String(64), ForeignKey("org_unit.id"))
    to_unit: Mapped[str] = mapped_column(String(64), ForeignKey("org_unit.id"))
    status: Mapped[str] = mapped_column(String(16), default="sent")
    note: Mapped[str | None] = mapped_column(Text)
    sent_by: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None]
    answer_note: Mapped[str | None] = mapped_column(Text)


class SupervisionCase(Base):
    """A supervision case (检察建议, 抗诉, 立案监督 …) made from one or more clues."""

    __tablename__ = "supervision_case"
    __table_args__ = (CheckConstraint(_in("status", CASE_STATUSES), name="status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_no: Mapped[str] = mapped_column(String(64), unique=True)
    case_type: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(Text)
    facts: Mapped[str] = mapped_column(Text)
    owner_unit: Mapped[str | None] = mapped_column(String(64), index=True)
    supervised_unit: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")
    reply_due_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy's hook)


class CaseClue(Base):
    """Which clues a case was made from."""

    __tablename__ = "case_clue"

    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("supervision_case.id", ondelete="CASCADE"), primary_key=True
    )
    clue_id: Mapped[str] = mapped_column(String(32), ForeignKey("clue.id"), primary_key=True)


class CaseDocument(Base):
    """A document generated for a case (e.g. 检察建议书 .docx)."""

    __tablename__ = "case_document"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("supervision_case.id", ondelete="CASCADE"), index=True
    )
    template: Mapped[str] = mapped_column(String(64))
    doc_no: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str] = mapped_column(String(1024))
    sha256: Mapped[str] = mapped_column(String(64))
    generated_by: Mapped[str] = mapped_column(String(64))
    generated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CaseEvent(Base):
    """One thing that happened to a case: documents issued, replies, rectification."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    case_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("supervision_case.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]]


JOB_STATUSES = ("queued", "running", "succeeded", "failed", "cancelled")


class Job(Base):
    """One piece of background work (an import, a model run …) and its visible progress.

    Written by `jiandu.jobs`: queued → running → succeeded / failed / cancelled. The work itself
    is a registered kind run with `params` (JSON) from a durable queue (huey); a job whose
    worker died (no `heartbeat_at` for a while) is queued again until `attempts` reaches
    the limit, and a transient failure waits until `next_try_at` (see `jiandu.jobs`).
    """

    __tablename__ = "job"
    __table_args__ = (
        CheckConstraint(_in("status", JOB_STATUSES), name="status"),
        CheckConstraint("progress >= 0 AND progress <= 1", name="progress"),
        Index("ix_job_unit", "unit_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[float] = mapped_column(Float(), default=0.0)
    stage_zh: Mapped[str | None] = mapped_column(String(300))
    stage_en: Mapped[str | None] = mapped_column(String(300))
    object_kind: Mapped[str | None] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    result: Mapped[dict[str, Any] | None]
    error_zh: Mapped[str | None] = mapped_column(Text)
    error_en: Mapped[str | None] = mapped_column(Text)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(64))
    unit_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    params: Mapped[dict[str, Any] | None]
    # Tries started so far (a retry or a re-run after a dead worker counts one more).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_try_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    # The queue's message id (to revoke a queued job) and the schedule that fired it.
    task_id: Mapped[str | None] = mapped_column(String(64))
    schedule_id: Mapped[str | None] = mapped_column(String(32))


class JobSchedule(Base):
    """A job kind fired by a cron expression (the nightly model runs), as its creator.

    `next_fire_at` is what makes a firing happen once: the worker that moves it forward
    (compare-and-set on the old value) is the one that submits the job.
    """

    __tablename__ = "job_schedule"
    __table_args__ = (Index("ix_job_schedule_due", "enabled", "next_fire_at"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    cron: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict[str, Any]]
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(300))
    unit_id: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_fired_at: Mapped[datetime | None]
    last_job_id: Mapped[str | None] = mapped_column(String(32))
    next_fire_at: Mapped[datetime | None]
