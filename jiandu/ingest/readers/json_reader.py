"""JSON sources: an array of objects, JSON Lines, or an object wrapping one such list.

Top-level keys become headers (union over all records, in first-seen order). Values are
text: strings unquoted, nested objects and arrays as compact JSON, null → NULL, and
numbers as DuckDB's JSON parser renders them (``12.50`` → ``12.5``; numbers whose
spelling matters, such as IDs with leading zeros, must be JSON strings). ``_row``: the
line number for JSON Lines, the 1-based element index for an array (also inside a
wrapper such as ``{"data": [...]}``). ``header_row`` is 0 (headers come from keys).
"""

from __future__ import annotations

import json
from array import array
from pathlib import Path

import duckdb

from jiandu.ingest.readers.base import SourceTable, column_name, sha256_file, source_error
from jiandu.ingest.readers.csv_rows import write_row_column
from jiandu.ingest.readers.workspace import private_connection, temp_parquet

_STAGE_SQL = "SELECT json::VARCHAR AS json FROM read_json_objects($path, format = $format)"
_WRAPPER_SQL = (
    "SELECT unnest(json_extract(json::JSON, $path))::VARCHAR AS json FROM read_parquet($file)"
)
_KEYS_SQL = """
SELECT key FROM (
    SELECT unnest(json_keys(json::JSON)) AS key, file_row_number AS rec,
           generate_subscripts(json_keys(json::JSON), 1) AS pos
    FROM read_parquet($file, file_row_number = true)
) GROUP BY key ORDER BY min(rec), min(pos)
"""
_TYPES_SQL = """
SELECT json_type(json::JSON) AS kind, count(*) AS n, min(file_row_number) AS first
FROM read_parquet($file, file_row_number = true) GROUP BY kind
"""


def _first_char(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4096).decode("utf-8", errors="ignore").lstrip("\ufeff \t\r\n")
    return head[:1]


def _stage(con: duckdb.DuckDBPyConnection, path: Path, label: str, fmt: str, out: Path) -> None:
    try:
        con.execute(
            f"COPY ({_STAGE_SQL}) TO $out (FORMAT parquet)",
            {"path": str(path), "format": fmt, "out": str(out)},
        )
    except duckdb.Error:
        # DuckDB's reported line is not reliable; on this error path only, find the
        # first line that does not parse ourselves.
        line = _first_bad_line(path) if fmt == "newline_delimited" else None
        raise source_error("JSON 格式错误", "malformed JSON", label, line) from None


def _first_bad_line(path: Path) -> int | None:
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                json.loads(line)
            except ValueError:
                return number
    return None


def _unwrap(con: duckdb.DuckDBPyConnection, staged: Path, label: str, out: Path) -> bool:
    """If ``staged`` holds one object wrapping a list of objects, stage that list."""
    (count,) = con.execute(
        "SELECT count(*) FROM read_parquet($f)", {"f": str(staged)}
    ).fetchone() or (0,)
    if count != 1:
        return False
    (text,) = con.execute("SELECT json FROM read_parquet($f)", {"f": str(staged)}).fetchone() or (
        "",
    )
    # Only the key names and value kinds are inspected; the one object may be large, but
    # DuckDB does the unnesting.
    kinds = con.execute(
        "SELECT k, json_type(json_extract($t::JSON, '$.\"' || k || '\"')) "
        "FROM (SELECT unnest(json_keys($t::JSON)) AS k)",
        {"t": text},
    ).fetchall()
    lists = [key for key, kind in kinds if kind == "ARRAY"]
    if not lists:
        return False
    if len(lists) > 1:
        raise source_error(
            f"JSON 对象中有多个列表（{'、'.join(lists)}），无法确定哪个是数据",
            f"the JSON object holds several lists ({', '.join(lists)}); cannot tell which "
            "is the data",
            label,
        )
    path = "$." + json.dumps(lists[0], ensure_ascii=False) + "[*]"
    con.execute(
        f"COPY ({_WRAPPER_SQL}) TO $out (FORMAT parquet)",
        {"path": path, "file": str(staged), "out": str(out)},
    )
    return True


def _require_objects(con: duckdb.DuckDBPyConnection, staged: Path, label: str, lines: bool) -> None:
    for kind, _n, first in con.execute(_TYPES_SQL, {"file": str(staged)}).fetchall():
        if kind != "OBJECT":
            where = int(first) + 1
            raise source_error(
                "JSON 记录必须是对象（{...}）",
                "each JSON record must be an object ({...})",
                label,
                where if not lines else None,
            )


def _count_lines(path: Path) -> int:
    newlines, last = 0, b""
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            newlines += chunk.count(b"\n")
            last = chunk[-1:]
    return newlines + (1 if last and last != b"\n" else 0)


def _line_numbers(path: Path) -> array[int]:
    # Only for JSON Lines files with blank lines, which DuckDB skips.
    numbers: array[int] = array("q")
    with path.open("rb") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                numbers.append(number)
    return numbers


def open_json(path: Path, *, tmp_dir: Path, known_sha256: str | None = None) -> SourceTable:
    """Open a JSON or JSON Lines file (see the module docstring)."""
    label = path.name
    lines = path.suffix.lower() in (".jsonl", ".ndjson") or _first_char(path) == "{"
    staged, unwrapped, final = temp_parquet(tmp_dir), temp_parquet(tmp_dir), temp_parquet(tmp_dir)
    temps = [staged, unwrapped, final]
    try:
        with private_connection(tmp_dir) as con:
            fmt = "newline_delimited" if lines else "array"
            try:
                _stage(con, path, label, fmt, staged)
            except Exception:
                if not lines or path.suffix.lower() != ".json":
                    raise
                _stage(con, path, label, "unstructured", staged)  # one pretty-printed object
            if lines and _unwrap(con, staged, label, unwrapped):
                staged, lines = unwrapped, False
            _require_objects(con, staged, label, lines)
            keys = [str(k) for (k,) in con.execute(_KEYS_SQL, {"file": str(staged)}).fetchall()]
            _write_columns(con, staged, keys, final)
            count = con.execute(
                "SELECT count(*) FROM read_parquet($f)", {"f": str(final)}
            ).fetchone()
        offset: int | None = 0
        if lines and _count_lines(path) != (count[0] if count else 0):
            write_row_column(final, _line_numbers(path))
            offset = None
        for temp in (staged, unwrapped):
            temp.unlink(missing_ok=True)
    except BaseException:
        for temp in temps:
            temp.unlink(missing_ok=True)
        raise
    return SourceTable(
        label=label,
        headers=keys,
        header_row=0,
        content_hash=known_sha256 or sha256_file(path),
        parquet_path=final,
        row_offset=offset,
        temp_paths=[final],
    )


def _write_columns(
    con: duckdb.DuckDBPyConnection, staged: Path, keys: list[str], out: Path
) -> None:
    rel = con.read_parquet(str(staged))
    exprs = [
        duckdb.FunctionExpression(
            "json_extract_string",
            duckdb.ColumnExpression("json"),
            duckdb.ConstantExpression("$." + json.dumps(key, ensure_ascii=False)),
        ).alias(column_name(i))
        for i, key in enumerate(keys)
    ]
    rel.select(*exprs).write_parquet(str(out))
