"""Finding the header row among the first records, and joining multi-row headers."""

from __future__ import annotations

from collections.abc import Sequence

from jiandu.ingest.readers.base import ScoreHeader

# Title lines, blank lines and notes sit above the header in agency exports; 30 records
# is far more than any real file puts there and keeps the scan cheap.
HEADER_SCAN_ROWS = 30


def detect_header_row(records: Sequence[Sequence[str]], score_header: ScoreHeader) -> int:
    """Index (0-based) of the header among ``records``; -1 when all are empty.

    The row with the highest ``score_header`` wins; ties go to the earliest row. When no
    row scores, the first row with at least two non-empty cells is taken (a title line
    has one), else the first non-empty row.
    """
    best, best_score = -1, 0
    for index, cells in enumerate(records[:HEADER_SCAN_ROWS]):
        score = score_header([cell.strip() for cell in cells])
        if score > best_score:
            best, best_score = index, score
    if best >= 0:
        return best
    filled = [sum(1 for cell in cells if cell.strip()) for cells in records[:HEADER_SCAN_ROWS]]
    for index, count in enumerate(filled):
        if count >= 2:
            return index
    return next((index for index, count in enumerate(filled) if count), -1)


def trim_trailing_empty(cells: Sequence[str]) -> list[str]:
    """Header cells without the empty columns an export leaves at the end ("a,b,,")."""
    out = [cell.strip() for cell in cells]
    while out and not out[-1]:
        out.pop()
    return out


def name_blank_headers(headers: Sequence[str]) -> list[str]:
    """Blank header cells in the middle get a positional name, so columns stay addressable."""
    return [cell or f"列{index + 1}" for index, cell in enumerate(headers)]


def join_header_rows(rows: Sequence[Sequence[str]]) -> list[str]:
    """Join stacked header rows column-wise with "/", skipping blanks and repeats.

    ``rows`` already carry merged values spread over every covered cell, so a group
    header above two columns prefixes both, and a cell merged vertically over both rows
    appears once.
    """
    width = max((len(row) for row in rows), default=0)
    joined: list[str] = []
    for col in range(width):
        parts: list[str] = []
        for row in rows:
            cell = row[col].strip() if col < len(row) else ""
            if cell and (not parts or parts[-1] != cell):
                parts.append(cell)
        joined.append("/".join(parts))
    return joined
