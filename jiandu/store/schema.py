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
BATCH_STATUSES = ("committed", "failed")

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
    """One import into a dataset: committed (data in the pool) or failed (audit only)."""

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
