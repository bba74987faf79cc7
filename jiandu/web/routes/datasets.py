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
from sqlalchemy.orm import Session

from jiandu.catalog.registry import all_types
from jiandu.errors import JianduError
from jiandu.models.sandbox import sandboxed_duckdb
from jiandu.pool import layout
from jiandu.pool.duckdb_engine import DEFAULT_MEMORY_LIMIT
from jiandu.security import audit
from jiandu.security.errors import NotFound
from jiandu.security.masking import dataset_policy, mask_arrow
from jiandu.security.permissions import Permission
from jiandu.security.scope import dataset_for, visible_datasets
from jiandu.store import pool_catalog
from jiandu.store.schema import Dataset
from jiandu.web.guard import Caller, Db, app_state, denied, requires

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


@router.get("")
def list_datasets(
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))], session: Db
) -> list[dict[str, Any]]:
    """The datasets the caller may see and is cleared for."""
    return [_summary(d) for d in visible_datasets(session, caller.principal)]


@router.get("/{dataset_id}")
def get_dataset(
    dataset_id: str,
    caller: Annotated[Caller, Depends(requires(Permission.DATASETS_READ))],
    session: Db,
) -> dict[str, Any]:
    """One dataset: fields with types and PII classes, batches."""
    dataset = dataset_for(session, caller.principal, dataset_id)
    return {
        **_summary(dataset),
        "fields": [
            {
                "name": f.name,
                "semantic_type": f.semantic_type,
                "label_zh": f.label_zh,
                "label_en": f.label_en,
                "pii": f.pii,
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
