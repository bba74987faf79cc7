"""The data resource directory (数据资源目录) and reading a dataset's rows, masked.

Row filters are `field:op:value` (repeatable): the field must be one of the dataset's
columns and the operator one of `OPERATORS`; the value is always a bound parameter, never
SQL text — a filter cannot inject anything. Personal data comes back masked; `unmask=true`
needs the pii.unmask permission and is audited, as is every read of a sensitive dataset.
"""

from __future__ import annotations

from typing import Annotated, Any

import duckdb
import pyarrow as pa
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiandu.catalog.registry import all_types
from jiandu.errors import JianduError
from jiandu.models.sandbox import sandboxed_duckdb
from jiandu.pool import layout
from jiandu.pool.duckdb_engine import DEFAULT_MEMORY_LIMIT
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.masking import dataset_policy, mask_arrow, mask_value
from jiandu.security.permissions import Permission
from jiandu.security.scope import dataset_for, root_unit_id, visible_datasets
from jiandu.store import pool_catalog
from jiandu.store.schema import Batch, Dataset
from jiandu.web.guard import Caller, Db, app_state, denied, requires
from jiandu.web.names import display_names, unit_names
from jiandu.workspace import Workspace

router = APIRouter(prefix="/api/datasets", tags=["datasets"])

OPERATORS = {
    "eq": "=",
    "ne": "<>",
    "lt": "<",
    "le": "<=",
    "gt": ">",
    "ge": ">=",
    "contains": "contains",
    "prefix": "starts_with",
}
MAX_ROWS = 500
SENSITIVE = ("sensitive", "secret")


class FilterError(JianduError):
    """A row filter that is not `field:op:value` over the dataset's own columns."""


def _summary(dataset: Dataset) -> dict[str, Any]:
    return {
        "id": dataset.id,
        "type_id": dataset.type_id,
        "name_zh": dataset.name_zh,
        "name_en": dataset.name_en,
        "sensitivity": dataset.sensitivity,
        "owner_unit": dataset.owner_unit,
    }


def _directory_facts(session: Session, dataset_ids: list[str]) -> dict[str, dict[str, Any]]:
    """Per dataset: committed batches, rows in the pool, the last import (one query)."""
    if not dataset_ids:
        return {}
    query = (
        select(
            Batch.dataset_id,
            func.count(Batch.id),
            func.coalesce(func.sum(Batch.rows_accepted), 0),
            func.max(Batch.created_at),
        )
        .where(Batch.dataset_id.in_(dataset_ids), Batch.status == "committed")
        .group_by(Batch.dataset_id)
    )
    return {
        dataset_id: {
            "batch_count": int(count),
            "rows": int(rows),
            "last_import": last.isoformat() if last is not None else None,
        }
        for dataset_id, count, rows, last in session.execute(query)
    }


def _unit_names(session: Session, unit_ids: set[str | None]) -> dict[str, str]:
    # The root too: a dataset without an owner belongs to it.
    return unit_names(session, {*unit_ids, root_unit_id(session)})


def _owner_name(session: Session, names: dict[str, str], owner_unit: str | None) -> str | None:
    unit = owner_unit if owner_unit is not None else root_unit_id(session)
    return names.get(unit) if unit is not None else None


@router.get("")
def list_datasets(
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
) -> list[dict[str, Any]]:
    """The datasets the caller may see and is cleared for (the data resource directory):
    rows in the pool, committed batches, last import, owner unit, source agency."""
    datasets = visible_datasets(session, caller.principal)
    facts = _directory_facts(session, [d.id for d in datasets])
    names = _unit_names(session, {d.owner_unit for d in datasets})
    types = all_types(app_state(request).settings)
    listed = []
    for dataset in datasets:
        dataset_type = types.get(dataset.type_id)
        listed.append(
            {
                **_summary(dataset),
                "owner_unit_name": _owner_name(session, names, dataset.owner_unit),
                "source_agency_zh": dataset_type.source_agency_zh if dataset_type else None,
                "source_agency_en": dataset_type.source_agency_en if dataset_type else None,
                "fields": len(dataset.fields),
                **facts.get(dataset.id, {"batch_count": 0, "rows": 0, "last_import": None}),
            }
        )
    return listed


@router.get("/{dataset_id}")
def get_dataset(
    dataset_id: str,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
) -> dict[str, Any]:
    """One dataset: fields with types and PII classes, batches."""
    dataset = dataset_for(session, caller.principal, dataset_id)
    names = _unit_names(session, {dataset.owner_unit})
    return {
        **_summary(dataset),
        "owner_unit_name": _owner_name(session, names, dataset.owner_unit),
        **_directory_facts(session, [dataset.id]).get(
            dataset.id, {"batch_count": 0, "rows": 0, "last_import": None}
        ),
        "fields": [
            {
                "name": f.name,
                "semantic_type": f.semantic_type,
                "label_zh": f.label_zh,
                "label_en": f.label_en,
                "pii": f.pii,
                "origin": f.origin,
            }
            for f in dataset.fields
        ],
        "batches": [
            {
                "id": b.id,
                "status": b.status,
                "rows_accepted": b.rows_accepted,
                "rows_rejected": b.rows_rejected,
                "created_at": b.created_at.isoformat(),
            }
            for b in pool_catalog.list_batches(session, dataset.id, include_failed=False)
        ],
    }


def parse_filters(raw: list[str], columns: set[str]) -> list[tuple[str, str, str]]:
    """[(column, SQL operator, value)] from `field:op:value` texts, or FilterError."""
    parsed = []
    for item in raw:
        parts = item.split(":", 2)
        if len(parts) != 3 or parts[0] not in columns or parts[1] not in OPERATORS:
            name = parts[0] if parts and parts[0] in columns else "?"
            raise FilterError(
                f"筛选条件应为“字段:运算:值”，字段须为本数据集的字段，运算为 {', '.join(OPERATORS)}"
                f"（字段 {name}）",
                f"a filter is 'field:op:value' over this dataset's fields with op one of "
                f"{', '.join(OPERATORS)} (field {name})",
            )
        parsed.append((parts[0], OPERATORS[parts[1]], parts[2]))
    return parsed


@router.get("/{dataset_id}/rows")
def read_rows(
    dataset_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
    filter: Annotated[list[str] | None, Query(max_length=300)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    unmask: bool = False,
) -> dict[str, Any]:
    """Rows of a dataset, filtered, masked unless unmasking is allowed (and audited)."""
    principal = caller.principal
    dataset = dataset_for(session, principal, dataset_id)
    if unmask and not principal.can(Permission.PII_UNMASK):
        raise denied(request, session, caller, Permission.PII_UNMASK, "pii.unmask")
    return _rows(request, session, caller, dataset, filter or [], limit, offset, unmask)


def _rows(
    request: Request,
    session: Session,
    caller: Caller,
    dataset: Dataset,
    raw_filters: list[str],
    limit: int,
    offset: int,
    unmask: bool,
) -> dict[str, Any]:
    settings = app_state(request).settings
    files = layout.data_files(settings, pool_catalog.committed_batch_paths(session, dataset.id))
    if not files:
        return {"rows": [], "columns": [], "masked": not unmask}
    con = sandboxed_duckdb(
        {"t": files}, memory_limit=DEFAULT_MEMORY_LIMIT, temp_directory=settings.tmp_dir / "duckdb"
    )
    try:
        described = con.execute("DESCRIBE SELECT * FROM t").fetchall()
        types = {str(row[0]): str(row[1]) for row in described if not str(row[0]).startswith("_")}
        columns = list(types)
        filters = parse_filters(raw_filters, set(columns))
        where, params = [], []
        for column, op, value in filters:
            # Columns are the dataset's own (checked above); values are bound parameters.
            if op in ("contains", "starts_with"):
                where.append(f'{op}(CAST("{column}" AS VARCHAR), ?)')
            else:
                where.append(f'"{column}" {op} CAST(? AS {types[column]})')
            params.append(value)
        sql = "SELECT " + ", ".join(f'"{c}"' for c in columns) + " FROM t"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" LIMIT {int(limit)} OFFSET {int(offset)}"
        try:
            fetched = con.sql(sql, params=params).to_arrow_table()
        except duckdb.ConversionException:
            raise FilterError(
                "筛选值与字段类型不符", "a filter value does not fit its field's type"
            ) from None
    finally:
        con.close()
    assert fetched is not None
    table: pa.Table = fetched
    dataset_type = all_types(settings).get(dataset.type_id)
    if dataset_type is None:  # the type was removed: nothing says which columns are PII
        raise NotFound("dataset", dataset.id)
    if not unmask:
        table = mask_arrow(table, dataset_policy(dataset_type, table.column_names))
    principal = caller.principal
    if unmask or dataset.sensitivity in SENSITIVE:
        audit.record(
            session,
            actor=principal.user_id,
            action="pii.unmask" if unmask else "data.read",
            object_kind="dataset",
            object_id=dataset.id,
            unit_id=principal.unit_id,
            detail={
                "rows": table.num_rows,
                "filters": [c for c, _, _ in filters],
                "sensitivity": dataset.sensitivity,
            },
        )
    return {"columns": table.column_names, "rows": table.to_pylist(), "masked": not unmask}


# ---- batches: the imports of a dataset, their quality reports and rejected rows ------


def _batch_for(session: Session, caller: Caller, dataset_id: str, batch_id: str) -> Batch:
    dataset = dataset_for(session, caller.principal, dataset_id)
    batch = session.get(Batch, batch_id)
    if batch is None or batch.dataset_id != dataset.id:
        raise NotFound("batch", batch_id)
    return batch


def _batch_entry(batch: Batch, people: dict[str, str]) -> dict[str, Any]:
    files = batch.files or []
    error = batch.error or None
    return {
        "id": batch.id,
        "dataset_id": batch.dataset_id,
        "status": batch.status,
        "source_name": batch.source_name,
        "rows_read": batch.rows_read,
        "rows_accepted": batch.rows_accepted,
        "rows_rejected": batch.rows_rejected,
        "rows_warned": batch.rows_warned,
        "created_at": batch.created_at.isoformat(),
        "created_by": batch.created_by,
        "created_by_name": people.get(batch.created_by or "", batch.created_by),
        "duration_ms": batch.duration_ms,
        "files": [{"name": f.get("name"), "size": f.get("size")} for f in files if "name" in f],
        "tables": [
            {"table": f.get("table"), "header_row": f.get("header_row")}
            for f in files
            if "table" in f
        ],
        "error": {"zh": error.get("zh"), "en": error.get("en")} if error else None,
        "has_rejects": batch.rejects_path is not None,
    }


def _people(session: Session, batches: list[Batch]) -> dict[str, str]:
    return display_names(session, (b.created_by for b in batches))


@router.get("/{dataset_id}/batches")
def list_dataset_batches(
    dataset_id: str,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
) -> list[dict[str, Any]]:
    """Every import of a dataset, newest first: committed batches and refused attempts."""
    dataset = dataset_for(session, caller.principal, dataset_id)
    batches = list(reversed(pool_catalog.list_batches(session, dataset.id)))
    people = _people(session, batches)
    return [_batch_entry(b, people) for b in batches]


@router.get("/{dataset_id}/batches/{batch_id}")
def get_dataset_batch(
    dataset_id: str,
    batch_id: str,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
) -> dict[str, Any]:
    """One batch with its quality report: errors and warnings per field and reason (with
    the first rows to look at), nulls per field, duplicates, key overlap."""
    batch = _batch_for(session, caller, dataset_id, batch_id)
    return {**_batch_entry(batch, _people(session, [batch])), "quality": batch.quality}


@router.get("/{dataset_id}/batches/{batch_id}/rejects")
def list_batch_rejects(
    dataset_id: str,
    batch_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
    limit: Annotated[int, Query(ge=1, le=MAX_ROWS)] = 50,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    unmask: bool = False,
) -> dict[str, Any]:
    """Rejected rows of a batch, one line per (row, field) problem: source, row, field,
    the header it came from, the value (masked for personal data) and the reason."""
    principal = caller.principal
    batch = _batch_for(session, caller, dataset_id, batch_id)
    dataset = dataset_for(session, principal, dataset_id)
    if unmask and not principal.can(Permission.PII_UNMASK):
        raise denied(request, session, caller, Permission.PII_UNMASK, "pii.unmask")
    state = app_state(request)
    dataset_type = all_types(state.settings).get(dataset.type_id)
    if dataset_type is None:  # the type was removed: nothing says which fields are PII
        raise NotFound("dataset", dataset.id)
    batch_id, has_rejects, sensitivity = (
        batch.id,
        batch.rejects_path is not None,
        dataset.sensitivity,
    )
    # The workspace reads the batch through a session of its own: end this request's
    # transaction first (it holds the store's write lock since the guard touched the
    # session row), so the two never wait on each other.
    session.commit()
    lines = (
        Workspace(state.settings, state.engine).rejects(batch_id, offset + limit + 1)
        if has_rejects
        else []
    )
    page, has_more = lines[offset : offset + limit], len(lines) > offset + limit
    pii = {f.name: f.pii for f in dataset_type.fields}
    for line in page:
        spec = dataset_type.field(line["field"]) if line["field"] in pii else None
        line["label_zh"] = spec.label_zh if spec else line["field"]
        line["label_en"] = spec.label_en if spec else line["field"]
        if not unmask and pii.get(line["field"], "none") in ("id", "contact", "name"):
            line["value"] = mask_value(pii[line["field"]], line["value"])
    if unmask or sensitivity in SENSITIVE:
        audit.record(
            session, actor=principal.user_id, action="pii.unmask" if unmask else "data.read",
            object_kind="batch", object_id=batch_id, unit_id=principal.unit_id,
            detail={"rejects": len(page), "sensitivity": sensitivity},
        )  # fmt: skip
    return {"lines": page, "offset": offset, "has_more": has_more, "masked": not unmask}
