"""Export approvals (申请 → 审批) and the exports they allow.

Taking data out of the platform needs an approved request: the requester states a
purpose and a scope (`{object_kind, object_id, format, fields?, unmask?}`), a second
person holding `export.approve` whose row scope covers the requester's unit approves or
rejects it (four eyes: never the requester — also a CHECK in the database), and the
requester then uses it exactly once before it expires. Every step is written to the
audit log, refusals included (`outcome="denied"`, in the caller's transaction: a caller
that wants refusals kept commits after catching the `SecurityError`).

Exports (`export_dataset`, `export_run_hits`) check the approval, the caller's row scope
and clearance first, write the file under a temporary name, and only then consume the
approval and rename the file into place, in the transaction that records the export: an
export that fails leaves no file and an unused approval.
They write masked rows (`jiandu.security.masking`); values are written unmasked only
when the approved scope says `unmask` *and* the requester still holds `pii.unmask` at
export time, and that unmasking is audited as `pii.unmask` too. Text cells that a
spreadsheet would run as a formula (= + - @ …) are written as text.

Single use is enforced by one conditional UPDATE (`… WHERE status = 'approved' AND
expires_at > now`): of two concurrent exports with the same approval only one succeeds.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, Protocol, cast

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlglot import exp

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.registry import all_types
from jiandu.config import Settings
from jiandu.pool import layout
from jiandu.pool.duckdb_engine import connect
from jiandu.security import audit
from jiandu.security.clearance import ClearanceTooLow, can_read, rank
from jiandu.security.errors import NotFound, PermissionDenied, SecurityError
from jiandu.security.masking import (
    ColumnTreatment,
    dataset_policy,
    defuse_formula,
    derived_columns,
    mask_arrow,
    scrub_text,
    unmask,
)
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.security.scope import sees
from jiandu.store import pool_catalog
from jiandu.store.schema import ApprovalRequest, Dataset, ModelRun, utcnow

ExportFormat = Literal["csv", "xlsx", "jsonl"]
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx", "jsonl")
EXPORT_KINDS: tuple[str, ...] = ("dataset", "run")
SCOPE_KEYS = frozenset({"object_kind", "object_id", "format", "fields", "unmask"})
MAX_EXPIRY_DAYS = 30
#: Rows per Arrow batch while exporting: bounds memory whatever the export's size.
ROWS_PER_BATCH = 50_000
#: An XLSX sheet holds at most 1,048,576 rows, one of them the header.
XLSX_MAX_ROWS = 1_048_575
# Cells starting with these are run as formulas by spreadsheet programs (CSV injection).
# Hit columns written by the model runner that hold fixed vocabulary, never PII.
_HIT_PLAIN_COLUMNS = frozenset({"branch", "subject_type", "severity"})
# What a hit column's lineage may say (see `hits_policy`).
_TREATMENTS = frozenset({"id", "contact", "name", "text", "drop"})


class ApprovalRefused(SecurityError):
    """An approval step cannot be taken: wrong state, expired, already used, four eyes."""


class ExportError(SecurityError):
    """An approved export cannot be written (bad scope, target exists, too many rows)."""


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: the file, its format, row count and checksum."""

    path: Path
    format: str
    rows: int
    columns: tuple[str, ...]
    unmasked: bool
    sha256: str


def _now(now: datetime | None) -> datetime:
    moment = now or utcnow()
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware datetime")
    return moment.astimezone(UTC)


def new_approval_id(now: datetime | None = None) -> str:
    """An approval id such as 'A20261125-143000-ab12cd' (same shape as batch/run ids)."""
    return f"A{_now(now):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    *,
    object_kind: str | None,
    object_id: str | None,
    unit_id: str | None,
    now: datetime,
    outcome: str = "ok",
    detail: Mapping[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor=principal.user_id,
        action=action,
        object_kind=object_kind,
        object_id=object_id,
        unit_id=unit_id,
        outcome=outcome,
        detail=dict(detail or {}),
        now=now,
    )


def _refuse(
    session: Session,
    principal: Principal,
    action: str,
    error: SecurityError,
    *,
    object_kind: str | None,
    object_id: str | None,
    now: datetime,
    reason: str,
) -> SecurityError:
    """Audit a refusal (`denied`, with a short machine reason) and return the error."""
    _audit(
        session,
        principal,
        action,
        object_kind=object_kind,
        object_id=object_id,
        unit_id=principal.unit_id,
        now=now,
        outcome="denied",
        detail={"reason": reason},
    )
    return error


def _require(
    session: Session, principal: Principal, permission: Permission, action: str, now: datetime
) -> None:
    if not principal.can(permission):
        raise _refuse(
            session,
            principal,
            action,
            PermissionDenied(permission),
            object_kind="approval",
            object_id=None,
            now=now,
            reason=f"missing {permission}",
        )


# --- what may be exported ---------------------------------------------------------------


def _visible(
    session: Session, principal: Principal, kind: str, object_id: str, owner: str | None
) -> bool:
    return sees(session, principal, kind, object_id, owner)


def _highest(levels: Sequence[str]) -> str:
    """The most sensitive of `levels`; unknown levels count as the top ("secret")."""
    ranked = [rank(level) for level in levels]
    if any(r is None for r in ranked):
        return "secret"
    return max(levels, key=lambda level: rank(level) or 0, default="internal")


@dataclass(frozen=True)
class _Target:
    kind: str
    object_id: str
    owner_unit: str | None
    sensitivity: str


def _target(session: Session, principal: Principal, kind: str, object_id: str) -> _Target:
    """The object a scope names, if `principal` may see it; NotFound otherwise."""
    if kind == "dataset":
        dataset = session.get(Dataset, object_id)
        if dataset is not None and _visible(
            session, principal, kind, object_id, dataset.owner_unit
        ):
            return _Target(kind, object_id, dataset.owner_unit, dataset.sensitivity)
    elif kind == "run":
        run = session.get(ModelRun, object_id)
        if run is not None and _visible(session, principal, kind, object_id, run.owner_unit):
            sources = sorted(run.batches)
            query = select(Dataset.id, Dataset.sensitivity).where(Dataset.id.in_(sources))
            found = {row.id: row.sensitivity for row in session.execute(query)}
            # A source without a catalog entry is unknown: treated as the top level.
            levels = [found.get(source, "secret") for source in sources]
            return _Target(kind, object_id, run.owner_unit, _highest(levels))
    raise NotFound(kind if kind in EXPORT_KINDS else "object", object_id)


def _check_scope(scope: Mapping[str, Any]) -> dict[str, Any]:
    """The scope as stored: known keys, a known kind and format, fields as a list."""

    def bad(zh: str, en: str) -> ExportError:
        return ExportError(f"导出范围无效：{zh}", f"invalid export scope: {en}")

    unknown = sorted(set(scope) - SCOPE_KEYS)
    if unknown:
        raise bad(f"未知的键 {unknown}", f"unknown keys {unknown}")
    kind, object_id, fmt = scope.get("object_kind"), scope.get("object_id"), scope.get("format")
    if kind not in EXPORT_KINDS:
        raise bad("object_kind 须为 dataset 或 run", "object_kind must be dataset or run")
    if not isinstance(object_id, str) or not object_id.strip():
        raise bad("缺少 object_id", "object_id is missing")
    if fmt not in EXPORT_FORMATS:
        raise bad("format 须为 csv、xlsx 或 jsonl", "format must be csv, xlsx or jsonl")
    fields = scope.get("fields")
    if fields is not None and (
        not isinstance(fields, list)
        or not fields
        or not all(isinstance(f, str) and f for f in fields)
    ):
        raise bad("fields 须为非空的字段名列表", "fields must be a non-empty list of names")
    unmask_flag = scope.get("unmask", False)
    if not isinstance(unmask_flag, bool):
        raise bad("unmask 须为 true 或 false", "unmask must be true or false")
    cleaned: dict[str, Any] = {
        "object_kind": kind,
        "object_id": object_id,
        "format": fmt,
        "unmask": unmask_flag,
    }
    if fields is not None:
        cleaned["fields"] = list(dict.fromkeys(fields))
    return cleaned


def _scope_detail(scope: Mapping[str, Any]) -> dict[str, Any]:
    return {key: scope[key] for key in sorted(scope)}


# --- the request's life -------------------------------------------------------------------


def request_export(
    session: Session,
    principal: Principal,
    *,
    purpose: str,
    scope: Mapping[str, Any],
    expires_in_days: int = 7,
    now: datetime | None = None,
) -> ApprovalRequest:
    """File a request to export one dataset or one run's hits (status `pending`).

    Needs `export.request`; the object must be in the requester's row scope (NotFound
    otherwise) and within their clearance; asking for unmasked values needs `pii.unmask`.
    The approval, once given, is valid until `expires_in_days` (1–30) after the request.
    """
    moment = _now(now)
    _require(session, principal, Permission.EXPORT_REQUEST, "export.request", moment)
    cleaned = _check_scope(scope)
    purpose = purpose.strip()
    if not purpose:
        raise ExportError("导出申请必须说明用途", "an export request must state its purpose")
    if not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ExportError(
            f"有效期须为 1 至 {MAX_EXPIRY_DAYS} 天", f"expiry must be 1 to {MAX_EXPIRY_DAYS} days"
        )
    kind, object_id = cleaned["object_kind"], cleaned["object_id"]
    try:
        target = _target(session, principal, kind, object_id)
        if not can_read(principal, target.sensitivity):
            raise ClearanceTooLow(target.sensitivity)
        if cleaned["unmask"] and not principal.can(Permission.PII_UNMASK):
            raise PermissionDenied(Permission.PII_UNMASK)
    except SecurityError as error:
        raise _refuse(
            session,
            principal,
            "export.request",
            error,
            object_kind=kind,
            object_id=object_id,
            now=moment,
            reason=type(error).__name__,
        ) from None
    if principal.unit_id is None:
        raise ExportError(
            "导出申请须由所属单位明确的用户提出", "an export request needs a user with a unit"
        )
    request = ApprovalRequest(
        id=new_approval_id(moment),
        kind="export",
        requested_by=principal.user_id,
        unit_id=principal.unit_id,
        purpose=purpose,
        scope=cleaned,
        status="pending",
        expires_at=moment + timedelta(days=expires_in_days),
        created_at=moment,
    )
    session.add(request)
    session.flush()
    _audit(
        session,
        principal,
        "export.request",
        object_kind="approval",
        object_id=request.id,
        unit_id=request.unit_id,
        now=moment,
        detail={
            "scope": _scope_detail(cleaned),
            # The purpose is free text: ID and phone numbers in it are masked.
            "purpose": scrub_text(purpose),
            "expires_at": request.expires_at.isoformat(),
        },
    )
    return request


def _load(session: Session, request_id: str) -> ApprovalRequest | None:
    return session.execute(
        select(ApprovalRequest).where(ApprovalRequest.id == request_id).with_for_update()
    ).scalar_one_or_none()


def decide(
    session: Session,
    principal: Principal,
    request_id: str,
    approve: bool,
    note: str | None = None,
    *,
    now: datetime | None = None,
) -> ApprovalRequest:
    """Approve or reject a pending request.

    Needs `export.approve`; the requester's unit must be in the approver's row scope
    (NotFound otherwise, as for a request that does not exist); the approver is never
    the requester (four eyes) and must have the clearance the data needs. A request
    past its expiry is marked `expired` instead.
    """
    moment = _now(now)
    action = "export.approve" if approve else "export.reject"
    _require(session, principal, Permission.EXPORT_APPROVE, action, moment)

    def refuse(error: SecurityError, reason: str) -> SecurityError:
        return _refuse(
            session,
            principal,
            action,
            error,
            object_kind="approval",
            object_id=request_id,
            now=moment,
            reason=reason,
        )

    request = _load(session, request_id)
    if request is None or not principal.sees_unit(request.unit_id):
        raise refuse(NotFound("approval", request_id), "not_found")
    if request.requested_by == principal.user_id:
        raise refuse(
            ApprovalRefused(
                "申请人不能审批自己的申请（须由另一人审批）",
                "the requester cannot decide their own request (four eyes)",
            ),
            "four_eyes",
        )
    if request.status != "pending":
        raise refuse(
            ApprovalRefused(
                f"该申请已处理（状态 {request.status}），不能再审批",
                f"the request is no longer pending (status {request.status})",
            ),
            f"status_{request.status}",
        )
    if request.expires_at <= moment:
        request.status = "expired"
        raise refuse(ApprovalRefused("该申请已过期", "the request has expired"), "expired")
    target_kind, target_id = request.scope["object_kind"], request.scope["object_id"]
    try:
        target = _target(session, principal, target_kind, target_id)
    except NotFound:
        raise refuse(NotFound("approval", request_id), "object_out_of_scope") from None
    if approve and not can_read(principal, target.sensitivity):
        raise refuse(ClearanceTooLow(target.sensitivity), "clearance")
    request.status = "approved" if approve else "rejected"
    request.decided_by = principal.user_id
    request.decided_at = moment
    request.decision_note = (note or "").strip() or None
    session.flush()
    _audit(
        session,
        principal,
        action,
        object_kind="approval",
        object_id=request.id,
        unit_id=request.unit_id,
        now=moment,
        detail={"requested_by": request.requested_by, "scope": _scope_detail(request.scope)},
    )
    return request


def _usable(
    session: Session, principal: Principal, request_id: str, moment: datetime
) -> ApprovalRequest:
    """The caller's approved, unexpired, unused request; refused (and audited) otherwise."""

    def refuse(error: SecurityError, reason: str) -> SecurityError:
        return _refuse(
            session,
            principal,
            "export.consume",
            error,
            object_kind="approval",
            object_id=request_id,
            now=moment,
            reason=reason,
        )

    request = _load(session, request_id)
    if request is None or request.requested_by != principal.user_id:
        raise refuse(NotFound("approval", request_id), "not_found")
    status = request.status
    if status == "approved" and request.expires_at <= moment:
        status = "expired"
    if status != "approved":
        messages = {
            "pending": ("该申请尚未审批", "the request has not been approved yet"),
            "rejected": ("该申请已被驳回", "the request was rejected"),
            "used": ("该审批已使用过，每次审批只能导出一次", "the approval was already used"),
            "expired": ("该审批已过期", "the approval has expired"),
            "withdrawn": ("该申请已撤回", "the request was withdrawn"),
        }
        zh, en = messages.get(status, ("该申请不可用", "the request cannot be used"))
        raise refuse(ApprovalRefused(zh, en), f"status_{status}")
    return request


def consume(
    session: Session, principal: Principal, request_id: str, now: datetime | None = None
) -> ApprovalRequest:
    """Use an approved request once (status → `used`); only its requester may.

    Refused when the request is not the caller's (NotFound), not approved, already used,
    withdrawn or expired. Exports call this themselves; other exporters (evidence
    packages) call it before letting anything out.
    """
    moment = _now(now)
    request = _usable(session, principal, request_id, moment)
    # One conditional UPDATE: of two concurrent consumers only one sees a row changed.
    result = session.execute(
        update(ApprovalRequest)
        .where(
            ApprovalRequest.id == request.id,
            ApprovalRequest.status == "approved",
            ApprovalRequest.expires_at > moment,
        )
        .values(status="used", used_at=moment)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        raise _refuse(
            session,
            principal,
            "export.consume",
            ApprovalRefused("该审批已使用过", "the approval was already used"),
            object_kind="approval",
            object_id=request_id,
            now=moment,
            reason="race_lost",
        )
    session.refresh(request)
    _audit(
        session,
        principal,
        "export.consume",
        object_kind="approval",
        object_id=request.id,
        unit_id=request.unit_id,
        now=moment,
        detail={"scope": _scope_detail(request.scope)},
    )
    return request


def withdraw(
    session: Session, principal: Principal, request_id: str, now: datetime | None = None
) -> ApprovalRequest:
    """The requester withdraws a pending or approved (unused) request."""
    moment = _now(now)
    request = _load(session, request_id)
    if request is None or request.requested_by != principal.user_id:
        raise _refuse(
            session,
            principal,
            "export.withdraw",
            NotFound("approval", request_id),
            object_kind="approval",
            object_id=request_id,
            now=moment,
            reason="not_found",
        )
    if request.status not in ("pending", "approved"):
        raise _refuse(
            session,
            principal,
            "export.withdraw",
            ApprovalRefused(
                f"该申请（状态 {request.status}）不能撤回",
                f"a request with status {request.status} cannot be withdrawn",
            ),
            object_kind="approval",
            object_id=request_id,
            now=moment,
            reason=f"status_{request.status}",
        )
    request.status = "withdrawn"
    session.flush()
    _audit(
        session,
        principal,
        "export.withdraw",
        object_kind="approval",
        object_id=request.id,
        unit_id=request.unit_id,
        now=moment,
    )
    return request


def list_requests(session: Session, principal: Principal) -> list[ApprovalRequest]:
    """Requests the principal filed, and (approvers) those of units in their scope."""
    query = select(ApprovalRequest).order_by(ApprovalRequest.created_at.desc())
    if not principal.all_units:
        own = ApprovalRequest.requested_by == principal.user_id
        if principal.can(Permission.EXPORT_APPROVE) and principal.visible_units:
            query = query.where(own | ApprovalRequest.unit_id.in_(sorted(principal.visible_units)))
        else:
            query = query.where(own)
    return list(session.scalars(query))


# --- exports ------------------------------------------------------------------------------


def _read_parquet(files: list[str]) -> exp.Expression:
    """read_parquet([...], union_by_name = true): batches of one dataset share columns
    by name, a later batch may have more (fields are never removed)."""
    array = exp.Array(expressions=[exp.Literal.string(f) for f in files])
    option = exp.EQ(this=exp.column("union_by_name"), expression=exp.true())
    return exp.Anonymous(this="read_parquet", expressions=[array, option])


def _batches(
    settings: Settings, files: list[str], columns: Sequence[str] | None
) -> Iterator[pa.RecordBatch]:
    if not files:
        return
    selection = [exp.column(c, quoted=True) for c in columns] if columns else [exp.Star()]
    query = exp.select(*selection).from_(_read_parquet(files))
    con = connect(settings, macros=False)
    try:
        reader = con.sql(query.sql("duckdb")).to_arrow_reader(ROWS_PER_BATCH)
        yield from reader
    finally:
        con.close()


def _schema(settings: Settings, files: list[str]) -> pa.Schema:
    """The (union) schema of Parquet files, read without reading their rows."""
    query = exp.select(exp.Star()).from_(_read_parquet(files)).limit(0)
    con = connect(settings, macros=False)
    try:
        return con.sql(query.sql("duckdb")).to_arrow_table().schema
    finally:
        con.close()


def _cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class _Writer:
    """Writes rows to a CSV, XLSX or JSONL file, hashing what it writes."""

    def __init__(self, path: Path, fmt: str, columns: Sequence[str]) -> None:
        self.path, self.fmt, self.columns, self.rows = path, fmt, list(columns), 0
        self._book: Workbook | None = None
        self._handle: io.TextIOWrapper | None = None
        if fmt == "xlsx":
            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("export")
            self._sheet.append(self.columns)
            return
        # newline="" leaves line ends to csv; utf-8-sig lets Excel read Chinese CSV.
        self._handle = path.open("w", encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="")
        if fmt == "csv":
            self._csv = csv.writer(self._handle)
            self._csv.writerow(self.columns)

    def write(self, table: pa.Table) -> None:
        rows = table.to_pylist()
        if self.fmt == "xlsx" and self.rows + len(rows) > XLSX_MAX_ROWS:
            raise ExportError(
                f"XLSX 最多 {XLSX_MAX_ROWS} 行，请改用 CSV 或 JSONL",
                f"XLSX holds at most {XLSX_MAX_ROWS} rows; use CSV or JSONL",
            )
        for row in rows:
            raw = [row.get(c) for c in self.columns]
            values = [_cell(v) for v in raw]
            if self.fmt == "jsonl":
                assert self._handle is not None
                line = dict(zip(self.columns, values, strict=True))
                self._handle.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
            elif self.fmt == "csv":
                self._csv.writerow([_cell(defuse_formula(v)) for v in raw])
            else:
                self._sheet.append([self._xlsx_cell(v) for v in values])
        self.rows += len(rows)

    def _xlsx_cell(self, value: Any) -> Any:
        if isinstance(value, str):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.data_type = "s"  # never a formula, whatever the text starts with
            return cell
        return value

    def close(self) -> None:
        if self._book is not None:
            self._book.save(self.path)
        if self._handle is not None:
            self._handle.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write(
    target: Path,
    fmt: str,
    columns: Sequence[str],
    tables: Iterator[pa.Table],
    commit: Callable[[], object],
) -> tuple[int, str]:
    """Write the tables to a temporary file beside `target`, call `commit` (which
    consumes the approval), then rename the file into place; on any failure the
    temporary file is removed and the approval is not consumed."""
    if target.exists():
        raise ExportError(
            f"目标文件已存在：{target.name}", f"the target file exists: {target.name}"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    writer = _Writer(partial, fmt, columns)
    try:
        try:
            for table in tables:
                writer.write(table)
        finally:
            writer.close()
        digest = _sha256(partial)
        commit()
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return writer.rows, digest


def _flat_columns(schema: pa.Schema) -> list[str]:
    """Columns a flat file can hold: nested ones (structs, lists, maps) are left out."""
    return [f.name for f in schema if not pa.types.is_nested(f.type)]


def _start_export(
    session: Session,
    principal: Principal,
    request_id: str,
    kind: str,
    moment: datetime,
) -> tuple[ApprovalRequest, _Target, bool]:
    """Check everything an export needs before anything is written or consumed."""
    request = _usable(session, principal, request_id, moment)
    if request.scope["object_kind"] != kind:
        raise ExportError(
            f"该审批针对的不是{'数据集' if kind == 'dataset' else '模型运行'}导出",
            f"the approval is not for a {kind} export",
        )
    # Scope and clearance are checked again: roles or units may have changed since.
    target = _target(session, principal, kind, request.scope["object_id"])
    if not can_read(principal, target.sensitivity):
        raise ClearanceTooLow(target.sensitivity)
    unmasked = bool(request.scope.get("unmask")) and principal.can(Permission.PII_UNMASK)
    return request, target, unmasked


def _finish_export(
    session: Session,
    principal: Principal,
    request: ApprovalRequest,
    target: _Target,
    result: ExportResult,
    moment: datetime,
) -> None:
    if result.unmasked:
        unmask(
            session,
            principal,
            object_kind=target.kind,
            object_id=target.object_id,
            fields=list(result.columns),
            reason=scrub_text(request.purpose) or "export",
            unit_id=target.owner_unit,
            now=moment,
        )
    _audit(
        session,
        principal,
        "export.write",
        object_kind=target.kind,
        object_id=target.object_id,
        unit_id=target.owner_unit,
        now=moment,
        detail={
            "approval": request.id,
            "format": result.format,
            "rows": result.rows,
            "columns": list(result.columns),
            "unmasked": result.unmasked,
            "sha256": result.sha256,
            "file": result.path.name,
        },
    )


def export_dataset(
    session: Session,
    settings: Settings,
    principal: Principal,
    request_id: str,
    target: Path,
    *,
    now: datetime | None = None,
) -> ExportResult:
    """Export the dataset an approved request names to `target` (which must not exist).

    Consumes the approval, reads the dataset's committed batches, masks PII (columns
    derived from PII fields and unclassified extra columns are left out) unless the
    scope says unmask and the principal holds `pii.unmask`, and audits the export.
    """
    moment = _now(now)
    request, found, unmasked = _start_export(session, principal, request_id, "dataset", moment)
    dataset = session.get_one(Dataset, found.object_id)
    dataset_type = _type_of(settings, dataset.type_id)
    files = layout.data_files(settings, pool_catalog.committed_batch_paths(session, dataset.id))
    wanted = request.scope.get("fields")
    columns = _dataset_columns(settings, files, dataset_type, wanted)
    policy = dataset_policy(dataset_type, columns)
    shown = columns if unmasked else [c for c in columns if policy.get(c) != "drop"]

    def tables() -> Iterator[pa.Table]:
        for batch in _batches(settings, files, columns):
            table = pa.Table.from_batches([batch])
            yield table if unmasked else mask_arrow(table, policy)

    rows, digest = _write(
        target,
        request.scope["format"],
        shown,
        tables(),
        functools.partial(consume, session, principal, request_id, moment),
    )
    result = ExportResult(target, request.scope["format"], rows, tuple(shown), unmasked, digest)
    _finish_export(session, principal, request, found, result, moment)
    return result


def _type_of(settings: Settings, type_id: str) -> DatasetType:
    types = all_types(settings)
    if type_id not in types:
        raise ExportError(
            f"数据类型 {type_id} 的定义不可用，无法判断哪些字段需要脱敏",
            f"the definition of dataset type {type_id} is unavailable, so PII cannot be told",
        )
    return types[type_id]


def _dataset_columns(
    settings: Settings, files: list[str], dataset_type: DatasetType, wanted: list[str] | None
) -> list[str]:
    present = _flat_columns(_schema(settings, files)) if files else dataset_type.field_names
    if wanted is None:
        return present
    missing = [c for c in wanted if c not in present]
    if missing:
        raise ExportError(f"数据集中没有字段 {missing}", f"the dataset has no fields {missing}")
    return wanted


def hits_policy(
    columns: Sequence[str],
    types: Sequence[DatasetType],
    lineage: Mapping[str, str] | None = None,
) -> dict[str, ColumnTreatment]:
    """Masking policy for a run's hits, whose columns are named by the model.

    `lineage` (`HitLineage.columns` of `jiandu.models.lineage`: column -> id / contact /
    name / text / drop, traced through the model's steps to the source fields) decides for
    every column it names: model aliases and aggregates (`max(respondent_name)` as
    `name`) are masked by the class of the field they come from. Columns it does not
    name (no lineage given, an untraceable column) are judged by name: a column named
    like a PII field of a source type, or ending in "_<field>" (join prefixes such as
    `d_id_card`), gets that field's class; a column derived from a PII field is dropped;
    any other column except the runner's fixed vocabulary (branch, subject_type,
    severity) is free text and scrubbed of ID and phone numbers — the floor for every
    column not recognised.
    """
    pii: dict[str, str] = {}
    derived: set[str] = set()
    for dataset_type in types:
        for spec in dataset_type.fields:
            if spec.pii != "none":
                pii.setdefault(spec.name, spec.pii)
                derived.update(derived_columns(dataset_type, spec.name))
    policy: dict[str, ColumnTreatment] = {}
    for column in columns:
        if column in _HIT_PLAIN_COLUMNS:
            continue
        traced = (lineage or {}).get(column)
        if traced in _TREATMENTS:
            policy[column] = cast(ColumnTreatment, traced)
            continue
        if any(column == d or column.endswith("_" + d) for d in derived):
            policy[column] = "drop"
            continue
        field = next(
            (
                f
                for f in sorted(pii, key=len, reverse=True)
                if column == f or column.endswith("_" + f)
            ),
            None,
        )
        policy[column] = cast(ColumnTreatment, pii[field]) if field else "text"
    return policy


def _mask_names_in_text(
    table: pa.Table,
    policy: Mapping[str, str],
    masked_table: pa.Table,
    also: Iterable[str] = (),
) -> pa.Table:
    """Replace the row's own name values inside its free-text columns (e.g. the title),
    and inside the columns in `also` (free text in some branches of the model).

    Names cannot be found in text by pattern; the row's name columns say what to hide.
    """
    name_columns = [c for c, t in policy.items() if t == "name" and c in table.column_names]
    wanted = {c for c, t in policy.items() if t == "text"} | set(also)
    text_columns = [c for c in masked_table.column_names if c in wanted]
    if not name_columns or not text_columns:
        return masked_table
    names = [table.column(c).to_pylist() for c in name_columns]
    masked_names = [masked_table.column(c).to_pylist() for c in name_columns]
    # The text was scrubbed of ID and phone numbers already: a name value holding one
    # ("黄文辉（15212348381）") appears in its scrubbed form. Scrubbed once per value, not
    # once per value and text column.
    scrubbed = [[scrub_text(v) if v else v for v in raw] for raw in names]
    for column in text_columns:
        index = masked_table.column_names.index(column)
        texts = masked_table.column(index).to_pylist()
        for row, original in enumerate(texts):
            if original is None:
                continue
            text = original
            for raw, clean, hidden in zip(names, scrubbed, masked_names, strict=True):
                if raw[row]:
                    text = text.replace(raw[row], hidden[row])
                    text = text.replace(clean[row], hidden[row])
            texts[row] = text
        masked_table = masked_table.set_column(index, column, pa.array(texts, pa.string()))
    return masked_table


class TracedHits(Protocol):
    """What a model's hit lineage says (`jiandu.models.lineage.HitLineage`): the class of
    each hit column over all branches, and per branch id."""

    @property
    def columns(self) -> Mapping[str, str]: ...

    @property
    def branches(self) -> Mapping[str, Mapping[str, str]]: ...


def _by_branch(
    table: pa.Table,
    masked: pa.Table,
    policy: Mapping[str, str],
    branches: Mapping[str, Mapping[str, str]],
) -> pa.Table:
    """Rows of a branch in which a PII column holds other data (an address where another
    branch has a phone number) masked by that branch's own class, not the strictest."""
    if "branch" not in table.column_names or not branches:
        return masked
    branch = table.column("branch")
    for index, name in enumerate(masked.column_names):
        treatment = policy.get(name)
        if treatment not in ("id", "contact", "name"):
            continue
        column = masked.column(index)
        changed = False
        for branch_id, classes in branches.items():
            own = classes.get(name)
            if own is None or own == treatment or own not in _TREATMENTS - {"drop"}:
                continue
            rows = pc.fill_null(pc.equal(branch, pa.scalar(branch_id, branch.type)), False)
            alternative = mask_arrow(table.select([name]), {name: own}).column(0)
            column = pc.if_else(rows, alternative, column)
            changed = True
        if changed:
            masked = masked.set_column(index, pa.field(name, pa.string()), column)
    return masked


def _mask_hit_table(
    table: pa.Table, policy: Mapping[str, str], lineage: TracedHits | None
) -> pa.Table:
    masked = mask_arrow(table, policy)
    branch_text: set[str] = set()
    if lineage is not None:
        masked = _by_branch(table, masked, policy, lineage.branches)
        # A column that is free text in some branch was masked as text in those rows: the
        # row's names must be hidden inside it too (in the other rows it holds none).
        branch_text = {c for classes in lineage.branches.values()
                       for c, t in classes.items() if t == "text"}  # fmt: skip
    return _mask_names_in_text(table, policy, masked, branch_text)


def mask_hits(
    table: pa.Table, sources: Sequence[DatasetType], lineage: TracedHits | None = None
) -> pa.Table:
    """A run's hits as a reader without unmasking may see them: the nested `evidence`
    column left out (its values are the columns beside it), PII masked by `hits_policy`
    (by the model's `lineage` where given: each row by its branch's classes) and the
    row's names hidden inside its title and other free text."""
    table = table.drop_columns([c for c in table.column_names if c == "evidence"])
    policy = hits_policy(table.column_names, sources, lineage.columns if lineage else None)
    return _mask_hit_table(table, policy, lineage)


def export_run_hits(
    session: Session,
    settings: Settings,
    principal: Principal,
    request_id: str,
    target: Path,
    *,
    lineage: Callable[[ModelRun], TracedHits | None] | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Export the hits of the run an approved request names to `target`.

    Like `export_dataset`; the hits' nested `evidence` column is left out (its values
    are the evidence columns beside it) and PII is masked by `hits_policy`, with the
    row's names also hidden inside its title and other free text. `lineage` gives the
    run's hit lineage (`jiandu.models.lineage.run_lineage`), asked only once the run is
    known to be in the caller's scope.
    """
    moment = _now(now)
    request, found, unmasked = _start_export(session, principal, request_id, "run", moment)
    run = session.get_one(ModelRun, found.object_id)
    if run.status != "succeeded" or run.hits_path is None:
        raise ExportError("该模型运行没有命中结果可导出", "the run has no hits to export")
    hits_file = settings.home / run.hits_path
    types = all_types(settings)
    sources = [types[t] for t in sorted(run.batches) if t in types]
    files = [str(hits_file)]
    columns = _flat_columns(_schema(settings, files))
    wanted = request.scope.get("fields")
    if wanted is not None:
        missing = [c for c in wanted if c not in columns]
        if missing:
            raise ExportError(
                f"命中结果中没有字段 {missing}", f"the hits have no columns {missing}"
            )
        columns = wanted
    traced = lineage(run) if lineage is not None else None
    policy = hits_policy(columns, sources, traced.columns if traced else None)
    if len(sources) != len(run.batches) and not unmasked:
        # A source type we cannot read (removed user type): its fields are unknown, so
        # every column it might have named is scrubbed at least.
        policy.update(
            {c: "text" for c in columns if c not in policy and c not in _HIT_PLAIN_COLUMNS}
        )
    shown = columns if unmasked else [c for c in columns if policy.get(c) != "drop"]

    def tables() -> Iterator[pa.Table]:
        for batch in _batches(settings, files, columns):
            table = pa.Table.from_batches([batch])
            if unmasked:
                yield table
            else:
                yield _mask_hit_table(table, policy, traced)

    rows, digest = _write(
        target,
        request.scope["format"],
        shown,
        tables(),
        functools.partial(consume, session, principal, request_id, moment),
    )
    result = ExportResult(target, request.scope["format"], rows, tuple(shown), unmasked, digest)
    _finish_export(session, principal, request, found, result, moment)
    return result


__all__ = [
    "EXPORT_FORMATS",
    "ApprovalRefused",
    "ExportError",
    "ExportResult",
    "TracedHits",
    "consume",
    "decide",
    "export_dataset",
    "export_run_hits",
    "hits_policy",
    "list_requests",
    "mask_hits",
    "request_export",
    "withdraw",
]
