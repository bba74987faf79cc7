"""Database sources via SQLAlchemy: a whole table, or one read-only SELECT.

Table names go through SQLAlchemy reflection and quoting, never into SQL text. A query
must parse (sqlglot, in the database's dialect) as exactly one SELECT with no INTO and
no data-modifying parts; anything else is refused before it reaches the database.
Rows stream with a server-side cursor (``yield_per``) into Parquet batches under
``tmp_dir``. Values become text: Decimal without exponent, dates ISO ``YYYY-MM-DD``,
date-times ``YYYY-MM-DD HH:MM:SS``, booleans ``TRUE``/``FALSE``, bytes as hex, NULL
stays NULL. ``_row`` is the 1-based row index in result order; ``header_row`` is 0.

``content_hash`` is the sha256 over the column names and then every row, each written
as a JSON array of its text values plus a newline, so the same data hashes the same
regardless of Parquet writer versions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
import sqlglot
from sqlglot import exp

from jiandu.ingest.readers.base import ROW_COLUMN, SourceTable, column_name, source_error
from jiandu.ingest.readers.workspace import temp_parquet

BATCH_ROWS = 50_000
_DIALECTS = {"mysql": "mysql", "mariadb": "mysql", "postgresql": "postgres", "sqlite": "sqlite"}
_WRITES = (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Into)


def value_text(value: object) -> str | None:
    """Text of one database value (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def check_select(query: str, dialect: str | None, label: str) -> None:
    """Refuse anything but one plain SELECT (set operations and CTEs included)."""
    refusal = source_error(
        "只允许单条只读 SELECT 查询", "only a single read-only SELECT query is allowed", label
    )
    try:
        statements = [s for s in sqlglot.parse(query, read=dialect) if s is not None]
    except sqlglot.errors.ParseError:
        raise refusal from None
    if len(statements) != 1:
        raise refusal
    statement = statements[0]
    if not isinstance(statement, exp.Query) or any(statement.find_all(*_WRITES)):
        raise refusal


def open_sql_source(
    url: str,
    *,
    table: str | None = None,
    query: str | None = None,
    tmp_dir: Path | str,
) -> SourceTable:
    """Stage a database table or SELECT as a SourceTable (one of ``table``/``query``)."""
    engine_url = sa.make_url(url)
    where = engine_url.render_as_string(hide_password=True)
    label = f"{where}[{table if table is not None else 'query'}]"
    if (table is None) == (query is None):
        raise source_error(
            "请指定 table 或 query 其中之一", "give exactly one of table or query", label
        )
    dialect = _DIALECTS.get(engine_url.get_backend_name())
    if query is not None:
        check_select(query, dialect, label)
    engine = sa.create_engine(engine_url)
    parquet = temp_parquet(Path(tmp_dir))
    try:
        with engine.connect() as conn:
            statement = _statement(conn, table, query, label)
            result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(
                statement
            )
            headers = [str(key) for key in result.keys()]  # noqa: SIM118 - column names, not a dict
            digest = _write(result, headers, parquet)
    except sa.exc.SQLAlchemyError as exc:
        parquet.unlink(missing_ok=True)
        raise source_error(
            f"读取数据库失败（{type(exc).__name__}）；请检查连接、表名与权限",
            f"reading the database failed ({type(exc).__name__}); check the connection, "
            "table name and permissions",
            label,
        ) from None
    finally:
        engine.dispose()
    return SourceTable(
        label=label,
        headers=headers,
        header_row=0,
        content_hash=digest,
        parquet_path=parquet,
        temp_paths=[parquet],
    )


def _statement(
    conn: sa.Connection, table: str | None, query: str | None, label: str
) -> sa.Executable:
    if query is not None:
        return sa.text(query)
    assert table is not None
    schema, _, name = table.rpartition(".")
    try:
        reflected = sa.Table(name, sa.MetaData(), autoload_with=conn, schema=schema or None)
    except sa.exc.NoSuchTableError:
        raise source_error(
            f"数据表 {table!r} 不存在", f"table {table!r} not found", label
        ) from None
    return sa.select(reflected)


def _write(result: sa.CursorResult[tuple[object, ...]], headers: list[str], parquet: Path) -> str:
    digest = hashlib.sha256()
    digest.update((json.dumps(headers, ensure_ascii=False) + "\n").encode())
    fields = [pa.field(column_name(i), pa.string()) for i in range(len(headers))]
    schema = pa.schema([*fields, pa.field(ROW_COLUMN, pa.int64())])
    row_number = 0
    with pq.ParquetWriter(str(parquet), schema) as writer:
        for partition in result.partitions():
            texts = [[value_text(v) for v in row] for row in partition]
            for row in texts:
                digest.update((json.dumps(row, ensure_ascii=False) + "\n").encode())
            columns = [pa.array(list(col), type=pa.string()) for col in zip(*texts, strict=True)]
            if not columns:
                columns = [pa.array([], type=pa.string()) for _ in headers]
            rows = pa.array(range(row_number + 1, row_number + len(texts) + 1), type=pa.int64())
            row_number += len(texts)
            writer.write_batch(pa.RecordBatch.from_arrays([*columns, rows], schema=schema))
    return digest.hexdigest()
