"""The data-pool catalog as the ingest pipeline and the CLI use it.

Every function takes an open `Session` (see `jiandu.store.db.session_scope`) and leaves
committing to the caller, so recording a batch and registering its dataset happen in one
transaction.

Dataset types arrive as plain mappings, because this module must not import
`jiandu.catalog` (the catalog sits above the store). A pydantic model is accepted too and
dumped with `model_dump(mode="json")`. The shape read is::

    {
      "id": "pension_payment", "name_zh": "养老金发放", "name_en": "Pension payments",
      "version": 1,                       # optional, default 1
      "sensitivity": "sensitive",         # optional, see _sensitivity()
      "fields": [{"name": "id_card", "type": "id_card", "label_zh": "身份证号",
                  "label_en": "ID card number", "pii": "id"}, ...]
    }

Other keys are ignored here (the full definition of a user type is kept by
`save_dataset_type`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import BigInteger, case, cast, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jiandu.errors import CatalogError, IngestError
from jiandu.store.schema import (
    BATCH_STATUSES,
    PII_CLASSES,
    SENSITIVITIES,
    Batch,
    Dataset,
    DatasetField,
    DatasetType,
    new_batch_id,
    utcnow,
)

#: Semantic type and PII class recorded for an unknown source column kept as text.
EXTRA_SEMANTIC_TYPE = "text"
EXTRA_PII = "none"


@runtime_checkable
class SupportsModelDump(Protocol):
    """A pydantic model, or anything else that dumps itself to a JSON-ready dict."""

    def model_dump(self, *, mode: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class DatasetSummary:
    """One line of the data resource directory (`jiandu datasets`)."""

    id: str
    type_id: str
    name_zh: str
    name_en: str
    sensitivity: str
    owner_unit: str | None
    batch_count: int  # committed batches
    rows_accepted: int  # over committed batches
    rows_rejected: int  # over committed batches
    failed_attempts: int
    last_import_at: datetime | None  # newest committed batch


def _as_mapping(dataset_type: Mapping[str, Any] | SupportsModelDump) -> Mapping[str, Any]:
    if isinstance(dataset_type, Mapping):
        return dataset_type
    return dataset_type.model_dump(mode="json")


def _invalid(type_id: object, zh: str, en: str) -> CatalogError:
    if type_id is None:
        return CatalogError(f"数据类型定义：{zh}", f"Dataset type definition: {en}")
    return CatalogError(f"数据类型 {type_id}：{zh}", f"Dataset type {type_id}: {en}")


def _text(item: Mapping[str, Any], key: str, type_id: object, field: str | None = None) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        zh_where, en_where = (f"字段 {field} ", f"field {field}: ") if field else ("", "")
        raise _invalid(type_id, f"{zh_where}缺少 {key}", f"{en_where}{key} is missing or empty")
    return value


def _version(definition: Mapping[str, Any]) -> int:
    value = definition.get("version", 1)
    # bool is an int subclass; "version: yes" in YAML is a mistake, not version 1.
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _invalid(
            definition.get("id"),
            f"version 应为正整数，实际为 {value!r}",
            f"version must be a positive integer, got {value!r}",
        )
    return value


def _sensitivity(definition: Mapping[str, Any], fields: Sequence[Mapping[str, Any]]) -> str:
    """The declared sensitivity; when absent, derived from the fields' PII classes.

    Undeclared means a type that carries personal data is 'sensitive' and anything else
    'internal': never 'public' by default, since procuratorate data rarely is.
    """
    value = definition.get("sensitivity")
    if value is None:
        return "sensitive" if any(f.get("pii", "none") != "none" for f in fields) else "internal"
    if value not in SENSITIVITIES:
        raise _invalid(
            definition.get("id"),
            f"密级 sensitivity 应为 {'/'.join(SENSITIVITIES)} 之一，实际为 {value!r}",
            f"sensitivity must be one of {', '.join(SENSITIVITIES)}, got {value!r}",
        )
    return str(value)


def _standard_fields(definition: Mapping[str, Any]) -> list[dict[str, str]]:
    raw = definition.get("fields")
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not raw:
        raise _invalid(definition.get("id"), "缺少字段列表 fields", "fields is missing or empty")
    fields: list[dict[str, str]] = []
    for item in raw:
        if not isinstance(item, Mapping):
            raise _invalid(definition.get("id"), "字段定义格式不正确", "a field is not a mapping")
        name = _text(item, "name", definition.get("id"))
        pii = item.get("pii", "none") or "none"
        if pii not in PII_CLASSES:
            raise _invalid(
                definition.get("id"),
                f"字段 {name} 的 pii 应为 {'/'.join(PII_CLASSES)} 之一，实际为 {pii!r}",
                f"field {name}: pii must be one of {', '.join(PII_CLASSES)}, got {pii!r}",
            )
        fields.append(
            {
                "name": name,
                "semantic_type": _text(item, "type", definition.get("id"), name),
                "label_zh": str(item.get("label_zh") or name),
                "label_en": str(item.get("label_en") or name),
                "pii": str(pii),
            }
        )
    return fields


def ensure_dataset(
    session: Session,
    dataset_type: Mapping[str, Any] | SupportsModelDump,
    extra_fields: Sequence[tuple[str, str]] = (),
) -> Dataset:
    """Create or update the dataset of a dataset type, with its fields.

    `extra_fields` are unknown source columns the import keeps as text, as
    `(column name, source header)` pairs; the header becomes both labels. Standard fields
    take the type's current definition and order; fields are never removed (committed
    batches still hold them), and extras keep the label they were first seen with.
    """
    definition = _as_mapping(dataset_type)
    type_id = _text(definition, "id", None)
    standard = _standard_fields(definition)
    now = utcnow()
    dataset = session.get(Dataset, type_id)
    if dataset is None:
        dataset = Dataset(id=type_id, type_id=type_id, created_at=now)
        session.add(dataset)
    dataset.type_version = _version(definition)
    dataset.name_zh = _text(definition, "name_zh", type_id)
    dataset.name_en = _text(definition, "name_en", type_id)
    dataset.sensitivity = _sensitivity(definition, standard)
    dataset.updated_at = now

    existing = {field.name: field for field in dataset.fields}
    ordered: list[DatasetField] = []
    for spec in standard:
        field = existing.pop(spec["name"], None) or DatasetField(name=spec["name"])
        field.semantic_type = spec["semantic_type"]
        field.label_zh, field.label_en, field.pii = spec["label_zh"], spec["label_en"], spec["pii"]
        field.origin = "standard"
        ordered.append(field)
    # Retired standard fields and earlier extras keep their relative order after the
    # current standard fields; new extras follow.
    ordered.extend(sorted(existing.values(), key=lambda f: f.position))
    known = {field.name for field in ordered}
    for name, header in extra_fields:
        if not name or name in known:
            continue
        known.add(name)
        ordered.append(
            DatasetField(
                name=name,
                semantic_type=EXTRA_SEMANTIC_TYPE,
                label_zh=header or name,
                label_en=header or name,
                pii=EXTRA_PII,
                origin="extra",
            )
        )
    for position, field in enumerate(ordered):
        field.position = position
    dataset.fields = ordered
    session.flush()
    return dataset


def get_dataset(session: Session, dataset_id: str) -> Dataset | None:
    """The dataset with this id, or None."""
    return session.get(Dataset, dataset_id)


def find_committed_batch(session: Session, dataset_id: str, content_hash: str) -> Batch | None:
    """The committed batch of this dataset with this content hash, if one exists."""
    return session.scalars(
        select(Batch).where(
            Batch.dataset_id == dataset_id,
            Batch.content_hash == content_hash,
            Batch.status == "committed",
        )
    ).one_or_none()


def record_batch(
    session: Session,
    *,
    dataset_id: str,
    status: str,
    content_hash: str,
    files: Sequence[Mapping[str, Any]],
    rows_read: int = 0,
    rows_accepted: int = 0,
    rows_rejected: int = 0,
    rows_warned: int = 0,
    data_path: str | None = None,
    rejects_path: str | None = None,
    quality: Mapping[str, Any] | None = None,
    error: Mapping[str, Any] | None = None,
    source_name: str | None = None,
    created_by: str | None = None,
    duration_ms: int = 0,
    batch_id: str | None = None,
    created_at: datetime | None = None,
) -> Batch:
    """Record one import attempt and flush it, so the database checks it at once.

    A committed batch needs `data_path`; a failed one needs `error`. Committing content
    that is already committed for the dataset raises `IngestError` naming that batch —
    also when two imports race, because the database's unique index decides.
    """
    if status not in BATCH_STATUSES:
        raise ValueError(f"batch status must be one of {BATCH_STATUSES}, got {status!r}")
    if status == "committed":
        _refuse_duplicate(session, dataset_id, content_hash)
    moment = created_at or utcnow()
    batch = Batch(
        id=batch_id or new_batch_id(moment),
        dataset_id=dataset_id,
        source_name=source_name,
        status=status,
        content_hash=content_hash,
        files=[dict(f) for f in files],
        rows_read=rows_read,
        rows_accepted=rows_accepted,
        rows_rejected=rows_rejected,
        rows_warned=rows_warned,
        data_path=data_path,
        rejects_path=rejects_path,
        quality=dict(quality) if quality is not None else None,
        error=dict(error) if error is not None else None,
        created_at=moment,
        created_by=created_by,
        duration_ms=duration_ms,
    )
    # A savepoint keeps the caller's transaction usable when the insert is refused.
    try:
        with session.begin_nested():
            session.add(batch)
    except IntegrityError:
        if status == "committed":
            _refuse_duplicate(session, dataset_id, content_hash)
        raise
    return batch


def _refuse_duplicate(session: Session, dataset_id: str, content_hash: str) -> None:
    existing = find_committed_batch(session, dataset_id, content_hash)
    if existing is not None:
        raise IngestError(
            f"相同内容已导入数据集 {dataset_id}（批次 {existing.id}），未重复导入",
            f"The same content is already in dataset {dataset_id} (batch {existing.id}); "
            "not imported again",
        )


def list_datasets(session: Session) -> list[DatasetSummary]:
    """Every dataset with its batch count, row totals and last import, in one query."""
    committed = Batch.status == "committed"

    def committed_sum(column: Any) -> Any:
        # PostgreSQL's SUM(bigint) is NUMERIC; cast back so every backend gives an int.
        return cast(func.coalesce(func.sum(case((committed, column), else_=0)), 0), BigInteger)

    query = (
        select(
            Dataset.id,
            Dataset.type_id,
            Dataset.name_zh,
            Dataset.name_en,
            Dataset.sensitivity,
            Dataset.owner_unit,
            func.count(case((committed, Batch.id))),
            committed_sum(Batch.rows_accepted),
            committed_sum(Batch.rows_rejected),
            func.count(case((Batch.status == "failed", Batch.id))),
            func.max(case((committed, Batch.created_at))),
        )
        .outerjoin(Batch, Batch.dataset_id == Dataset.id)
        .group_by(Dataset.id)
        .order_by(Dataset.id)
    )
    return [
        DatasetSummary(
            id=row[0],
            type_id=row[1],
            name_zh=row[2],
            name_en=row[3],
            sensitivity=row[4],
            owner_unit=row[5],
            batch_count=int(row[6]),
            rows_accepted=int(row[7]),
            rows_rejected=int(row[8]),
            failed_attempts=int(row[9]),
            last_import_at=row[10],
        )
        for row in session.execute(query)
    ]


def list_batches(session: Session, dataset_id: str, *, include_failed: bool = True) -> list[Batch]:
    """The batches of a dataset, oldest first; failed attempts too unless told otherwise."""
    query = select(Batch).where(Batch.dataset_id == dataset_id)
    if not include_failed:
        query = query.where(Batch.status == "committed")
    return list(session.scalars(query.order_by(Batch.created_at, Batch.id)))


def committed_batch_paths(session: Session, dataset_id: str) -> list[str]:
    """Pool-relative data paths of the dataset's committed batches, oldest first."""
    query = (
        select(Batch.data_path)
        .where(Batch.dataset_id == dataset_id, Batch.status == "committed")
        .order_by(Batch.created_at, Batch.id)
    )
    return [path for path in session.scalars(query) if path is not None]


def save_dataset_type(
    session: Session,
    definition: Mapping[str, Any] | SupportsModelDump,
    *,
    source_path: str | None = None,
    created_by: str | None = None,
) -> DatasetType:
    """Register (or replace) a user dataset type: its validated definition, as JSON."""
    data = dict(_as_mapping(definition))
    type_id = _text(data, "id", None)
    _standard_fields(data)  # a type the catalog cannot describe is refused here
    row = session.get(DatasetType, type_id)
    if row is None:
        row = DatasetType(id=type_id, created_at=utcnow(), created_by=created_by)
        session.add(row)
    row.version = _version(data)
    row.definition = data
    row.source_path = source_path
    session.flush()
    return row


def user_dataset_types(session: Session) -> list[DatasetType]:
    """Every user-registered dataset type, by id."""
    return list(session.scalars(select(DatasetType).order_by(DatasetType.id)))


def replace_batches(session: Session, dataset_id: str, keep: str) -> list[str]:
    """Mark every committed batch of the dataset except `keep` as `replaced`; their ids.

    For derived datasets, recomputed as a whole: the newest recomputation is the only one
    readers of committed data should see. The data folders stay (see `kept_batch_paths`).
    """
    replaced = list(
        session.scalars(
            select(Batch).where(
                Batch.dataset_id == dataset_id, Batch.status == "committed", Batch.id != keep
            )
        )
    )
    for batch in replaced:
        batch.status = "replaced"
    session.flush()
    return [batch.id for batch in replaced]


def kept_batch_paths(session: Session) -> set[str]:
    """Data paths the pool must keep: those of committed and of replaced batches."""
    query = select(Batch.data_path).where(
        Batch.status.in_(("committed", "replaced")), Batch.data_path.is_not(None)
    )
    return {path for path in session.scalars(query) if path is not None}


def committed_batches(session: Session) -> list[tuple[str, str, str]]:
    """(dataset id, batch id, data path) of every committed batch, oldest first."""
    query = (
        select(Batch.dataset_id, Batch.id, Batch.data_path)
        .where(Batch.status == "committed", Batch.data_path.is_not(None))
        .order_by(Batch.created_at, Batch.id)
    )
    return [(d, b, p) for d, b, p in session.execute(query) if p is not None]


def dataset_type_ids(session: Session) -> dict[str, str]:
    """{dataset id: its type id} of every dataset in the catalog."""
    return {d: t for d, t in session.execute(select(Dataset.id, Dataset.type_id))}
