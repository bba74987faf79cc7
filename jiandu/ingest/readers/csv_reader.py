"""CSV / TSV sources: encoding, delimiter and header detection, then DuckDB's parser.

Pipeline: one streaming Python pass hashes the file and validates it as UTF-8 (or
transcodes GB18030 to a temp UTF-8 file); the decoded first MiB is parsed with the
``csv`` module to find the delimiter and the header row; DuckDB's parallel CSV reader
then writes every data record to a temp Parquet file (all VARCHAR).

``_row`` is the physical line on which a record starts. It costs nothing in the common
case: Parquet's ``file_row_number`` plus the lines above the first data record. That
arithmetic is proved by a line-count check (records + newlines inside quoted fields must
equal the data lines); a quoted multi-line field shifts later rows, so then ``_row`` is
rebuilt with a running sum of embedded newlines. Blank lines (which DuckDB skips) or
broken quoting make the check fail, and a strict ``csv`` pass over the file then finds
the exact start line of every record or the line where quoting breaks. That slow path
runs only for such files.

Ragged rows: a record with fewer fields than the header is padded with NULL; one with
more fields than the header raises SourceError naming the line and the field counts
(nothing is silently dropped). Empty cells are NULL.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import duckdb

from jiandu.ingest.readers.base import ScoreHeader, SourceTable, column_name, source_error
from jiandu.ingest.readers.csv_rows import (
    embedded_newlines,
    exact_record_lines,
    write_row_column,
    write_running_rows,
)
from jiandu.ingest.readers.encoding import TextScan, scan_text
from jiandu.ingest.readers.header_detect import (
    HEADER_SCAN_ROWS,
    detect_header_row,
    name_blank_headers,
    trim_trailing_empty,
)
from jiandu.ingest.readers.workspace import private_connection, temp_parquet, write_empty_parquet

_DELIMITERS = (",", "\t", "|", ";")
_LINE_RE = re.compile(r"Line: (\d+)")
_COUNT_RE = re.compile(r"Expected Number of Columns: (\d+) Found: (\d+)")
_PARALLEL_QUOTED_NEWLINE = "does not support null_padding in conjunction with quoted new lines"


class _Prefix:
    """The first records of the decoded head, with the line each starts and ends on."""

    def __init__(self, text: str, delimiter: str) -> None:
        self.records: list[list[str]] = []
        self.end_lines: list[int] = []
        self.start_lines: list[int] = []
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            for cells in reader:
                before = self.end_lines[-1] if self.end_lines else 0
                if not cells:  # a blank line: not a record, but it advances the count
                    self.end_lines.append(reader.line_num)
                    self.start_lines.append(before + 1)
                    self.records.append([])
                    continue
                self.start_lines.append(before + 1)
                self.end_lines.append(reader.line_num)
                self.records.append(cells)
                if len(self.records) >= HEADER_SCAN_ROWS:
                    break
        except csv.Error:
            pass  # the head is cut mid-record or malformed; DuckDB reports it precisely


def _head_text(scan: TextScan) -> str:
    # Keep whole lines only: the last one may have been cut at the sniff boundary.
    text = scan.prefix
    if len(text) >= 1 << 20 and "\n" in text:
        text = text[: text.rindex("\n") + 1]
    return text


def _choose_delimiter(text: str, suffix: str, score_header: ScoreHeader) -> tuple[str, _Prefix]:
    if suffix == ".tsv":
        return "\t", _Prefix(text, "\t")
    best: tuple[tuple[int, int, int], str, _Prefix] | None = None
    for order, delimiter in enumerate(_DELIMITERS):
        prefix = _Prefix(text, delimiter)
        widths = Counter(len(r) for r in prefix.records if len(r) > 1)
        modal_rows = widths.most_common(1)[0][1] if widths else 0
        score = max((score_header([c.strip() for c in r]) for r in prefix.records), default=0)
        key = (score, modal_rows, -order)
        if best is None or key > best[0]:
            best = (key, delimiter, prefix)
    assert best is not None
    return best[1], best[2]


def open_csv(
    path: Path,
    *,
    tmp_dir: Path,
    score_header: ScoreHeader,
    encoding: str | None = None,
    known_sha256: str | None = None,
) -> SourceTable:
    """Read a CSV/TSV file into a SourceTable (see the module docstring for the rules)."""
    label = path.name
    scan = scan_text(path, label, tmp_dir, encoding, known_sha256)
    temps = [scan.text_path] if scan.transcoded else []
    try:
        return _open_scanned(
            path, label=label, scan=scan, tmp_dir=tmp_dir, score_header=score_header, temps=temps
        )
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise


def _open_scanned(
    path: Path,
    *,
    label: str,
    scan: TextScan,
    tmp_dir: Path,
    score_header: ScoreHeader,
    temps: list[Path],
) -> SourceTable:
    delimiter, prefix = _choose_delimiter(_head_text(scan), path.suffix.lower(), score_header)
    index = detect_header_row(prefix.records, score_header)
    if index < 0:
        raise source_error(
            "文件没有内容（找不到表头行）", "the file is empty (no header row)", label
        )
    raw_header = prefix.records[index]
    headers = name_blank_headers(trim_trailing_empty(raw_header))
    header_end = prefix.end_lines[index]
    # Declare as many columns as the header line has fields, trailing empties included,
    # so rows exported as "a,b,," still fit; the extra columns must then be empty.
    width = max(len(raw_header), len(headers))
    parquet = temp_parquet(tmp_dir)
    temps.append(parquet)
    with private_connection(tmp_dir) as con:
        n_records = _write_parquet(
            con,
            scan=scan,
            label=label,
            delimiter=delimiter,
            header_end=header_end,
            width=width,
            parquet=parquet,
        )
        _check_extra_columns(
            con,
            parquet=parquet,
            label=label,
            n_headers=len(headers),
            width=width,
            header_end=header_end,
        )
        offset = _settle_rows(
            con,
            scan=scan,
            label=label,
            delimiter=delimiter,
            header_end=header_end,
            width=width,
            n_records=n_records,
            parquet=parquet,
        )
    return SourceTable(
        label=label,
        headers=headers,
        header_row=prefix.start_lines[index],
        content_hash=scan.content_hash,
        parquet_path=parquet,
        row_offset=offset,
        temp_paths=temps,
    )


def _write_parquet(
    con: duckdb.DuckDBPyConnection,
    *,
    scan: TextScan,
    label: str,
    delimiter: str,
    header_end: int,
    width: int,
    parquet: Path,
) -> int:
    columns = {column_name(i): "VARCHAR" for i in range(width)}
    if header_end >= scan.line_count:  # header only: DuckDB would refuse to skip past EOF
        write_empty_parquet(parquet, list(columns))
        return 0
    for parallel in (True, False):
        try:
            rel = con.read_csv(
                str(scan.text_path),
                header=False,
                skiprows=header_end,
                sep=delimiter,
                quotechar='"',
                escapechar='"',
                columns=columns,
                null_padding=True,
                auto_detect=False,
                strict_mode=True,
                parallel=parallel,
            )
            rel.write_parquet(str(parquet))
            break
        except duckdb.Error as exc:
            if parallel and _PARALLEL_QUOTED_NEWLINE in str(exc):
                continue  # DuckDB's parallel scanner cannot pad rows around quoted newlines
            raise _csv_error(exc, label) from None
    count = con.read_parquet(str(parquet)).aggregate("count(*)").fetchall()
    return int(count[0][0]) if count else 0


def _csv_error(exc: duckdb.Error, label: str) -> Exception:
    # DuckDB's message quotes the offending line; only its position and counts are kept
    # so no personal data leaks into an error a user or a log sees.
    message = str(exc)
    line_match = _LINE_RE.search(message)
    line = int(line_match.group(1)) if line_match else None
    counts = _COUNT_RE.search(message)
    if counts:
        expected, found = counts.groups()
        return source_error(
            f"该行有 {found} 个字段，多于表头的 {expected} 个；请检查分隔符或引号",
            f"the line has {found} fields, more than the header's {expected}; "
            "check delimiters and quotes",
            label,
            line,
        )
    return source_error(
        "无法解析 CSV（引号不匹配或格式错误）",
        "cannot parse the CSV (unbalanced quotes or malformed line)",
        label,
        line,
    )


def _check_extra_columns(
    con: duckdb.DuckDBPyConnection,
    *,
    parquet: Path,
    label: str,
    n_headers: int,
    width: int,
    header_end: int,
) -> None:
    """Columns past the header's last name may exist ("a,b,,") but must stay empty."""
    if width <= n_headers:
        return
    rel = con.read_parquet(str(parquet), file_row_number=True)
    condition = duckdb.ColumnExpression(column_name(n_headers)).isnotnull()
    for i in range(n_headers + 1, width):
        condition = condition | duckdb.ColumnExpression(column_name(i)).isnotnull()
    hit = (
        rel.filter(condition)
        .order("file_row_number")
        .limit(1)
        .select(duckdb.ColumnExpression("file_row_number"))
        .fetchall()
    )
    if hit:
        line = header_end + int(hit[0][0]) + 1
        raise source_error(
            f"该行的字段数多于表头的 {n_headers} 个（表头之后的列有值）；请检查分隔符或引号",
            f"the line has more fields than the header's {n_headers} (values past the last "
            "header); check delimiters and quotes",
            label,
            line,
        )


def _settle_rows(
    con: duckdb.DuckDBPyConnection,
    *,
    scan: TextScan,
    label: str,
    delimiter: str,
    header_end: int,
    width: int,
    n_records: int,
    parquet: Path,
) -> int | None:
    """Return the ``_row`` offset, or rewrite ``parquet`` with an explicit ``_row``."""
    embedded = embedded_newlines(con, parquet, width)
    if n_records + embedded == scan.line_count - header_end:
        if embedded == 0:
            return header_end
        write_running_rows(con, parquet, width, header_end)
        return None
    lines = exact_record_lines(scan.text_path, label, delimiter, header_end)
    if len(lines) != n_records:
        raise source_error(
            "CSV 记录数无法核对（引号或换行异常）；请用表格软件另存为标准 CSV 后重试",
            "the CSV records cannot be reconciled (odd quotes or line breaks); re-save it "
            "as a standard CSV and retry",
            label,
        )
    write_row_column(parquet, lines)
    return None
