"""The embedded engine: DuckDB over the pool's Parquet files."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import pyarrow as pa
from fsspec import AbstractFileSystem  # type: ignore[import-untyped, unused-ignore]
from sqlglot import exp

from jiandu.config import Settings
from jiandu.fields.registry import install_macros
from jiandu.pool.storage import pool_storage

DEFAULT_MEMORY_LIMIT = "2GB"


def connect(settings: Settings, *, macros: bool = True) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to JIANDU_HOME/tmp and knows the field macros.

    The memory limit bounds an import of a file far larger than RAM: DuckDB streams
    CSV/Parquet and spills sorts and hash tables to the temp folder beyond it.
    """
    spill = settings.tmp_dir / "duckdb"
    spill.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(
        config={
            "memory_limit": os.environ.get("JIANDU_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT),
            "temp_directory": str(spill),
            # Rows carry their source row number, so order need not be kept while
            # writing; dropping it lets DuckDB write Parquet from all threads.
            "preserve_insertion_order": False,
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
        }
    )
    register_pool_filesystem(con, settings)
    if macros:
        install_macros(con)
    return con


def register_pool_filesystem(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Let `con` read the files of a pool on shared storage (their URLs) through the
    pool's fsspec filesystem; a local pool needs nothing (DuckDB reads its own files)."""
    filesystem = pool_storage(settings).filesystem
    if filesystem is not None and not con.filesystem_is_registered(_name(filesystem)):
        con.register_filesystem(filesystem)


def _name(filesystem: AbstractFileSystem) -> str:
    """The name DuckDB registers an fsspec filesystem under: its first protocol."""
    protocol = filesystem.protocol
    return protocol if isinstance(protocol, str) else protocol[0]


def copy_to_parquet(
    con: duckdb.DuckDBPyConnection,
    query: exp.Query,
    target: Path,
    options: dict[str, str] | None = None,
) -> None:
    """COPY a query's rows to a Parquet file (or folder, when options split the output)."""
    params = [exp.CopyParameter(this=exp.var("FORMAT"), expression=exp.var("parquet"))]
    params.extend(
        exp.CopyParameter(this=exp.var(name), expression=exp.Literal.string(value))
        for name, value in (options or {}).items()
    )
    statement = exp.Copy(
        this=query.subquery(),
        kind=False,
        files=[exp.Literal.string(str(target))],
        params=params,
    )
    con.execute(statement.sql("duckdb"))


def read_parquet(files: str | Path | list[str]) -> exp.Expression:
    """The table expression reading one Parquet file or a list of them."""
    if isinstance(files, list):
        argument: exp.Expression = exp.Array(expressions=[exp.Literal.string(f) for f in files])
    else:
        argument = exp.Literal.string(str(files))
    return exp.Anonymous(this="read_parquet", expressions=[argument])


def arrow_reader(rel: duckdb.DuckDBPyRelation, rows: int) -> pa.RecordBatchReader:
    """A relation's rows as an Arrow stream, with HUGEINT columns as int64.

    DuckDB's `sum` over integers is a HUGEINT (128 bits), which Arrow carries as
    decimal(38, 0); Spark's is a bigint. A count summed in a model is an integer on both
    engines this way, so the same hit has the same evidence (and evidence hash) whichever
    engine found it. Only columns DuckDB types as HUGEINT are touched, never a DECIMAL.
    """
    reader = rel.to_arrow_reader(rows)
    huge = [i for i, kind in enumerate(rel.types) if "HUGEINT" in str(kind)]
    if not huge:
        return reader
    fields = list(reader.schema)
    for i in huge:
        fields[i] = fields[i].with_type(_hugeint_as_bigint(fields[i].type))
    target = pa.schema(fields)
    return pa.RecordBatchReader.from_batches(target, _cast_each(reader, target))


def _cast_each(reader: pa.RecordBatchReader, target: pa.Schema) -> Iterator[pa.RecordBatch]:
    for batch in reader:
        yield batch.cast(target)


def _hugeint_as_bigint(kind: pa.DataType) -> pa.DataType:
    if pa.types.is_decimal(kind) and kind.precision == 38 and kind.scale == 0:
        return pa.int64()
    if pa.types.is_struct(kind):
        return pa.struct([f.with_type(_hugeint_as_bigint(f.type)) for f in kind])
    if pa.types.is_list(kind):
        return pa.list_(_hugeint_as_bigint(kind.value_type))
    return kind


def empty_select(columns: Sequence[tuple[str, str]]) -> exp.Select:
    """`SELECT CAST(NULL AS t) AS c, … WHERE FALSE`: a dataset with no data yet, typed
    (columns as (name, DuckDB type)) and empty; rendered for DuckDB or Spark."""
    return exp.select(
        *[
            exp.alias_(
                exp.cast(exp.null(), exp.DataType.build(sql_type, dialect="duckdb")),
                column,
                quoted=True,
            )
            for column, sql_type in columns
        ]
    ).where(exp.false())
