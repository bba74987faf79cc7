"""Excel sources (XLSX, XLSM, XLSB, XLS, ODS) via python-calamine.

One SourceTable per non-empty sheet (label ``file.xlsx[Sheet]``). Header detection scans
the first rows after spreading merged cells over the cells they cover; header rows
stacked above the detected one are joined when merged cells tie them together (a group
header such as 基本信息 over 姓名/身份证号 → ``基本信息/姓名``), while a title merged
across the whole table is left out (it has a single non-empty cell).

Cell text: integral numbers without ".0"; other numbers with Excel's 15 significant
digits (an 18-digit ID typed as a number shows as ``3.30602199001011E+17``, which the
field cleaner flags as damaged rather than as a plausible wrong ID); date cells as ISO
``YYYY-MM-DD`` (``YYYY-MM-DD HH:MM:SS`` with a time); booleans ``TRUE``/``FALSE``; empty
cells NULL. Fully empty rows are skipped (``_row`` keeps the spreadsheet row number).
A value to the right of the last header column raises SourceError naming sheet and row.
Data rows stream to a temp Parquet file in 50,000-row Arrow batches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from python_calamine import CalamineSheet, CalamineWorkbook

from jiandu.ingest.readers.base import (
    ROW_COLUMN,
    ScoreHeader,
    SourceTable,
    column_name,
    sha256_file,
    source_error,
)
from jiandu.ingest.readers.header_detect import (
    HEADER_SCAN_ROWS,
    detect_header_row,
    join_header_rows,
    name_blank_headers,
    trim_trailing_empty,
)
from jiandu.ingest.readers.workspace import temp_parquet

BATCH_ROWS = 50_000
Merged = tuple[tuple[int, int], tuple[int, int]]


def cell_text(value: object) -> str | None:
    """The text a person sees for one calamine cell value; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        text = format(value, ".15G")
        return "0" if text == "-0" else text
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def open_excel(
    path: Path,
    *,
    tmp_dir: Path,
    score_header: ScoreHeader,
    sheet: str | None = None,
    known_sha256: str | None = None,
) -> list[SourceTable]:
    """Open every non-empty sheet (or only ``sheet``) of an Excel workbook."""
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception:  # calamine raises its own types for corrupt or encrypted files
        raise source_error(
            "无法打开 Excel 文件（文件损坏、加密或格式不符）",
            "cannot open the Excel file (corrupt, encrypted or not a workbook)",
            path.name,
        ) from None
    names: list[str] = list(workbook.sheet_names)
    if sheet is not None and sheet not in names:
        listed = "、".join(names)
        raise source_error(
            f"工作表 {sheet!r} 不存在；现有工作表：{listed}",
            f"sheet {sheet!r} not found; the workbook has: {', '.join(names)}",
            path.name,
        )
    content_hash = known_sha256 or sha256_file(path)
    tables: list[SourceTable] = []
    try:
        for name in [sheet] if sheet is not None else names:
            label = f"{path.name}[{name}]"
            table = _open_sheet(
                workbook.get_sheet_by_name(name), label, content_hash, tmp_dir, score_header
            )
            if table is not None:
                tables.append(table)
    except BaseException:
        for table in tables:
            table.close()
        raise
    if not tables:
        raise source_error("工作簿中没有数据", "the workbook holds no data", path.name)
    return tables


def _spread_merged(rows: list[list[str]], merged: Sequence[Merged], col0: int) -> None:
    """Copy each merged range's value into every cell it covers (within ``rows``)."""
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(rows):
            continue
        value = rows[r0][c0 - col0] if 0 <= c0 - col0 < len(rows[r0]) else ""
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            for c in range(max(c0 - col0, 0), min(c1 - col0 + 1, len(rows[r]))):
                rows[r][c] = value


def _header_block(rows: list[list[str]], index: int, merged: Sequence[Merged]) -> int:
    """First row of the header block ending at ``index`` (stacked group headers)."""
    top = index
    while top > 0:
        above = top - 1
        vertical = any(r0 <= above and r1 >= top for (r0, _), (r1, _) in merged)
        horizontal = any(r0 == above and c1 > c0 for (r0, c0), (_, c1) in merged)
        distinct = {cell for cell in rows[above] if cell.strip()}
        if not (vertical or (horizontal and len(distinct) >= 2)):
            break
        top = above
    return top


def _open_sheet(
    sheet: CalamineSheet,
    label: str,
    content_hash: str,
    tmp_dir: Path,
    score_header: ScoreHeader,
) -> SourceTable | None:
    if sheet.height == 0 or sheet.start is None:
        return None
    col0 = int(sheet.start[1])
    merged: list[Merged] = list(sheet.merged_cell_ranges or [])
    rows_iter: Iterator[list[object]] = iter(list(row) for row in sheet.iter_rows())
    head: list[list[object]] = []
    # iter_rows starts at spreadsheet row 1 even when the used range starts lower.
    scan_until = int(sheet.start[0]) + HEADER_SCAN_ROWS
    for raw in rows_iter:
        head.append(raw)
        if len(head) >= scan_until:
            break
    head_text = [[cell_text(v) or "" for v in raw] for raw in head]
    _spread_merged(head_text, merged, col0)
    index = detect_header_row(head_text, score_header)
    if index < 0:
        return None
    top = _header_block(head_text, index, merged)
    headers = name_blank_headers(trim_trailing_empty(join_header_rows(head_text[top : index + 1])))
    parquet = temp_parquet(tmp_dir)
    try:
        _write_rows(
            parquet,
            label=label,
            width=len(headers),
            first_row=index + 1,
            buffered=head[index + 1 :],
            rest=rows_iter,
        )
    except BaseException:
        parquet.unlink(missing_ok=True)
        raise
    return SourceTable(
        label=label,
        headers=headers,
        header_row=index + 1,
        content_hash=content_hash,
        parquet_path=parquet,
        temp_paths=[parquet],
    )


def _write_rows(
    parquet: Path,
    *,
    label: str,
    width: int,
    first_row: int,
    buffered: list[list[object]],
    rest: Iterator[list[object]],
) -> None:
    """Stream data rows (spreadsheet rows ``first_row + 1`` on) into Parquet batches."""
    fields = [pa.field(column_name(i), pa.string()) for i in range(width)]
    schema = pa.schema([*fields, pa.field(ROW_COLUMN, pa.int64())])
    columns: list[list[str | None]] = [[] for _ in range(width)]
    row_numbers: list[int] = []

    def flush(writer: pq.ParquetWriter) -> None:
        arrays = [pa.array(col, type=pa.string()) for col in columns]
        arrays.append(pa.array(row_numbers, type=pa.int64()))
        writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
        for col in columns:
            col.clear()
        row_numbers.clear()

    with pq.ParquetWriter(str(parquet), schema) as writer:
        for offset, raw in enumerate(_chain(buffered, rest)):
            cells = [cell_text(v) for v in raw]
            if not any(cells):
                continue
            row = first_row + offset + 1
            if any(cells[width:]):
                raise source_error(
                    f"第 {row} 行在表头之外的列（第 {width + 1} 列之后）有值；请删除或补上表头",
                    f"row {row} has values right of the last header column ({width}); "
                    "remove them or add a header",
                    label,
                    row,
                )
            for i in range(width):
                columns[i].append(cells[i] if i < len(cells) else None)
            row_numbers.append(row)
            if len(row_numbers) >= BATCH_ROWS:
                flush(writer)
        if row_numbers:
            flush(writer)


def _chain(first: list[list[object]], rest: Iterator[list[object]]) -> Iterator[list[object]]:
    yield from first
    yield from rest
