"""Export of supervision cases to JSONL, CSV or XLSX (one row per case).

Columns (`CASE_COLUMNS`): the case number, type (id and label), title, facts, status
(id and label), owner and supervised unit, reply deadline and whether it is overdue,
the clue ids, the document count, outcome and times. Titles and facts are free text a
prosecutor wrote and may quote ID or phone numbers: they are scrubbed
(`jiandu.security.masking.scrub_text`) unless the caller unmasks, which needs
`pii.unmask` and a reason and is audited (`masking.unmask`). Every export is audited
(`case.export`: format, count, unmasked or not).

Spreadsheet safety: a text cell starting with = + - @ (or a tab / CR) is written so
that Excel shows it as text, never runs it (CSV: a leading apostrophe; XLSX: a string
cell). The file is written beside its target under a temporary name and renamed into
place; an existing target is refused.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jiandu.cases.service import describe, list_cases
from jiandu.cases.types import CASE_STATUS_ZH, CaseError
from jiandu.security import audit, masking
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal
from jiandu.store.schema import CaseDocument, utcnow

FORMATS = ("jsonl", "csv", "xlsx")
CASE_COLUMNS = (
    "case_no",
    "case_type",
    "case_type_zh",
    "title",
    "facts",
    "status",
    "status_zh",
    "owner_unit",
    "supervised_unit",
    "reply_due_at",
    "overdue",
    "clue_ids",
    "documents",
    "outcome",
    "created_at",
    "closed_at",
    "id",
)


def case_records(
    session: Session,
    principal: Principal,
    *,
    status: str | None = None,
    type_id: str | None = None,
    unmask_reason: str | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """The rows an export holds (JSON-typed, `CASE_COLUMNS`), scrubbed unless unmasked.

    `unmask_reason` asks for the titles and facts as written (`pii.unmask`, audited).
    """
    cases = list_cases(session, principal, status=status, type_id=type_id)
    if unmask_reason is not None:
        masking.unmask(
            session,
            principal,
            object_kind="case",
            object_id="export",
            fields=["title", "facts"],
            reason=unmask_reason,
            unit_id=principal.unit_id,
            now=now,
        )
    counts: dict[str, int] = dict(
        session.execute(
            select(CaseDocument.case_id, func.count())
            .where(CaseDocument.case_id.in_([c.id for c in cases]))
            .group_by(CaseDocument.case_id)
        ).all()
    )
    records = []
    for case in cases:
        row = describe(session, case, now=now)
        row["status_zh"] = CASE_STATUS_ZH.get(case.status, case.status)
        row["documents"] = counts.get(case.id, 0)
        if unmask_reason is None:
            row["title"] = masking.scrub_text(row["title"])
            row["facts"] = masking.scrub_text(row["facts"])
        records.append({column: row[column] for column in CASE_COLUMNS})
    return records


def _flat(value: Any) -> Any:
    """A list (clue ids) as one cell: ids joined with ', '."""
    return ", ".join(value) if isinstance(value, list) else value


def _write(path: Path, fmt: str, records: Sequence[dict[str, Any]]) -> None:
    if fmt == "jsonl":
        with path.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        # utf-8-sig lets Excel read Chinese CSV; newline="" leaves line ends to csv.
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(CASE_COLUMNS)
            for record in records:
                writer.writerow([masking.defuse_formula(_flat(record[c])) for c in CASE_COLUMNS])
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("cases")
        sheet.append(list(CASE_COLUMNS))
        for record in records:
            cells: list[Any] = []
            for column in CASE_COLUMNS:
                value = _flat(record[column])
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    value = cell
                cells.append(value)
            sheet.append(cells)
        book.save(path)


def export_cases(
    session: Session,
    principal: Principal,
    fmt: str,
    out: Path,
    *,
    status: str | None = None,
    type_id: str | None = None,
    unmask_reason: str | None = None,
    now: datetime | None = None,
) -> int:
    """Write the cases the caller may read to `out` in `fmt`; returns the row count."""
    principal.require(Permission.CASES_READ)
    if fmt not in FORMATS:
        raise CaseError(
            f"导出格式应为 {'/'.join(FORMATS)}：{fmt!r}",
            f"the export format must be one of {', '.join(FORMATS)}: {fmt!r}",
        )
    if out.exists():
        raise CaseError(f"目标文件已存在：{out.name}", f"the target file exists: {out.name}")
    moment = now or utcnow()
    records = case_records(
        session,
        principal,
        status=status,
        type_id=type_id,
        unmask_reason=unmask_reason,
        now=moment,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        _write(partial, fmt, records)
        audit.record(
            session,
            actor=principal.user_id,
            action="case.export",
            object_kind="case",
            unit_id=principal.unit_id,
            detail={"format": fmt, "count": len(records), "unmasked": unmask_reason is not None},
            now=moment,
        )
        session.flush()
        partial.rename(out)
    finally:
        partial.unlink(missing_ok=True)
    return len(records)
