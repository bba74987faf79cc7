"""Clue evidence as a reader may see it, and clue export (JSONL, CSV, XLSX).

Evidence is read from the clue's latest snapshot (the rows its last changed run saw).
Unless unmasking is asked for — and allowed: `pii.unmask`, audited as `pii.unmask` —
it is masked the way a run's hits are (`jiandu.security.approvals.mask_hits`): columns
holding PII masked by class (traced through the run's model version to the fields of its
source dataset types, `jiandu.models.lineage`; by column name when that version is
unknown), other text scrubbed of ID and phone numbers, the row's names hidden inside its
title; the subject key is masked with the row (it is often an ID number). Masking runs
over all clues of one model version and source set at once (Arrow), not clue by clue.

The export contract (docs/dev/contracts.md, DESIGN.md): each JSONL line has at least
`model_id`, `subject_type`, `subject_key`, `title`, `severity`, `status` and
`evidence` (a list of row objects). CSV and XLSX carry the same columns with the
evidence as JSON text; text cells a spreadsheet would run as a formula are written as
text.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.catalog.registry import all_types
from jiandu.clues.errors import ClueError
from jiandu.clues.service import describe, list_clues
from jiandu.config import Settings
from jiandu.models.lineage import run_lineage
from jiandu.security import audit
from jiandu.security.approvals import mask_hits
from jiandu.security.masking import defuse_formula
from jiandu.security.masking import unmask as allow_unmask
from jiandu.security.principal import Principal
from jiandu.store.schema import Clue, ClueSnapshot, ModelRun, utcnow

EXPORT_FORMATS = ("jsonl", "csv", "xlsx")
#: Columns of every export, in order (JSONL adds nothing else either).
COLUMNS = (
    "id",
    "model_id",
    "subject_type",
    "subject_key",
    "title",
    "severity",
    "status",
    "presence",
    "branches",
    "explanation",
    "owner_unit",
    "holder_unit",
    "assignee_id",
    "due_at",
    "overdue",
    "created_at",
    "updated_at",
    "evidence",
)
XLSX_MAX_ROWS = 1_048_575


@dataclass(frozen=True)
class ClueFilters:
    """Which clues to export (all the caller may read when every field is None)."""

    model_id: str | None = None
    status: str | None = None
    presence: str | None = None


@dataclass(frozen=True)
class ExportResult:
    """What `export_clues` wrote."""

    path: Path
    format: str
    rows: int
    unmasked: bool


def latest_evidence(session: Session, clue_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """The evidence rows of each clue's newest snapshot, by clue id."""
    found: dict[str, list[dict[str, Any]]] = {}
    newest: dict[str, datetime] = {}
    for start in range(0, len(clue_ids), 1_000):
        chunk = list(clue_ids[start : start + 1_000])
        query = select(ClueSnapshot.clue_id, ClueSnapshot.created_at, ClueSnapshot.evidence)
        for clue_id, created_at, evidence in session.execute(
            query.where(ClueSnapshot.clue_id.in_(chunk))
        ):
            if clue_id not in newest or created_at >= newest[clue_id]:
                newest[clue_id] = created_at
                found[clue_id] = list(evidence)
    return found


def _arrow_rows(rows: list[dict[str, Any]]) -> pa.Table:
    """Rows as an Arrow table; all-null columns typed as text so masking can run."""
    table = pa.Table.from_pylist(rows)
    for index, column in enumerate(table.schema):
        if pa.types.is_null(column.type):
            table = table.set_column(index, column.name, table.column(index).cast(pa.string()))
    return table


def mask_clues(
    session: Session,
    settings: Settings,
    clues: Sequence[Clue],
    evidence: Mapping[str, list[dict[str, Any]]],
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Masked (subject_key, title) and evidence rows per clue id (module docstring)."""
    types = all_types(settings)
    run_ids = sorted({clue.last_run_id for clue in clues})
    sources: dict[str, tuple[int, tuple[str, ...]]] = {}
    for start in range(0, len(run_ids), 1_000):
        chunk = run_ids[start : start + 1_000]
        for run in session.scalars(select(ModelRun).where(ModelRun.id.in_(chunk))):
            sources[run.id] = (run.model_version, tuple(sorted(run.batches)))
    groups: dict[tuple[str, int | None, tuple[str, ...]], list[Clue]] = defaultdict(list)
    for clue in clues:
        version, type_ids = sources.get(clue.last_run_id, (None, ()))
        groups[(clue.model_id, version, type_ids)].append(clue)
    heads: dict[str, dict[str, Any]] = {}
    masked: dict[str, list[dict[str, Any]]] = {}
    for (model_id, version, type_ids), members in groups.items():
        known = [types[t] for t in type_ids if t in types]
        # Which columns hold names, ID or phone numbers, traced through the run's model.
        lineage = None if version is None else run_lineage(session, model_id, version, types)
        rows: list[dict[str, Any]] = []
        owners: list[tuple[str, bool]] = []
        for clue in members:
            # The head row carries the clue's own subject key and title beside its first
            # evidence row (whose name columns say which names to hide in the title);
            # the evidence rows follow with the subject key beside them.
            rows_of = evidence.get(clue.id, [])
            first = rows_of[0] if rows_of else {}
            rows.append({**first, "subject_key": clue.subject_key, "title": clue.title})
            owners.append((clue.id, True))
            for row in rows_of:
                rows.append({"subject_key": clue.subject_key, **row})
                owners.append((clue.id, False))
        if not rows:
            continue
        hidden = mask_hits(_arrow_rows(rows), known, lineage).to_pylist()
        for (clue_id, is_head), row in zip(owners, hidden, strict=True):
            if is_head:
                heads[clue_id] = {"subject_key": row.get("subject_key"), "title": row.get("title")}
            else:
                row.pop("subject_key", None)
                masked.setdefault(clue_id, []).append(row)
    return heads, masked


def clue_records(
    session: Session,
    settings: Settings,
    clues: Sequence[Clue],
    *,
    unmasked: bool,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The clues as export records (`COLUMNS`), masked unless `unmasked`.

    The caller decides whether unmasking is allowed (`export_clues` checks and audits).
    """
    evidence = latest_evidence(session, [clue.id for clue in clues])
    heads: dict[str, dict[str, Any]] = {}
    if not unmasked:
        heads, evidence = mask_clues(session, settings, clues, evidence)
    records = []
    for clue in clues:
        record = describe(clue, now=now)
        record.update(heads.get(clue.id, {}))
        record["evidence"] = evidence.get(clue.id, [])
        records.append({column: record.get(column) for column in COLUMNS})
    return records


def _flat(value: Any) -> Any:
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write(target: Path, fmt: str, records: Iterable[dict[str, Any]]) -> int:
    count = 0
    if fmt == "jsonl":
        with target.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        return count
    if fmt == "csv":
        # utf-8-sig lets Excel read Chinese CSV; newline="" leaves line ends to csv.
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for record in records:
                writer.writerow([defuse_formula(_flat(record[c])) for c in COLUMNS])
                count += 1
        return count
    book = Workbook(write_only=True)
    sheet = book.create_sheet("clues")
    sheet.append(list(COLUMNS))
    for record in records:
        count += 1
        if count > XLSX_MAX_ROWS:
            raise ClueError(
                f"XLSX 最多 {XLSX_MAX_ROWS} 行，请改用 CSV 或 JSONL",
                f"XLSX holds at most {XLSX_MAX_ROWS} rows; use CSV or JSONL",
            )
        cells: list[Any] = []
        for column in COLUMNS:
            value = _flat(record[column])
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
                value = cell
            cells.append(value)
        sheet.append(cells)
    book.save(target)
    return count


def export_clues(
    session: Session,
    settings: Settings,
    principal: Principal,
    fmt: str,
    out: Path,
    filters: ClueFilters | None = None,
    *,
    unmask: bool = False,
    reason: str | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Write the clues the caller may read (narrowed by `filters`) to `out`.

    With `unmask`, the caller must hold `pii.unmask` and give a `reason`; the unmasking
    is audited (`pii.unmask`) and so is the export (`clues.export`, counts only). The
    file is written under a temporary name and renamed into place, so a failed export
    leaves no partial file.
    """
    if fmt not in EXPORT_FORMATS:
        raise ClueError(
            f"不支持的导出格式 {fmt!r}；可选：{', '.join(EXPORT_FORMATS)}",
            f"unsupported export format {fmt!r}; choose one of {', '.join(EXPORT_FORMATS)}",
        )
    chosen = filters or ClueFilters()
    moment = now or utcnow()
    clues = list_clues(
        session, principal, model_id=chosen.model_id, status=chosen.status, presence=chosen.presence
    )
    if unmask:
        allow_unmask(
            session,
            principal,
            object_kind="clue_export",
            object_id=chosen.model_id or "*",
            fields=["subject_key", "title", "evidence"],
            reason=reason or "clue export",
            unit_id=principal.unit_id,
            now=moment,
        )
    records = clue_records(session, settings, clues, unmasked=unmask, now=moment)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        rows = _write(partial, fmt, records)
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    audit.record(
        session,
        actor=principal.user_id,
        action="clues.export",
        object_kind="clue",
        object_id=None,
        unit_id=principal.unit_id,
        detail={
            "format": fmt,
            "rows": rows,
            "unmasked": unmask,
            "filters": {k: v for k, v in vars(chosen).items() if v is not None},
        },
        now=moment,
    )
    return ExportResult(out, fmt, rows, unmask)


__all__ = [
    "COLUMNS",
    "EXPORT_FORMATS",
    "ClueFilters",
    "ExportResult",
    "clue_records",
    "export_clues",
    "latest_evidence",
    "mask_clues",
]
