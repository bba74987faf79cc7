"""The batch's files: clean every source into one staged table, then split it into the
batch's data (accepted rows, with lineage) and its rejects (with reasons and the text)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb
from sqlglot import exp

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.mapping import HeaderMapping
from jiandu.ingest.cleaning import (
    ERRORS_COLUMN,
    RAW_COLUMN,
    ROW_COLUMN,
    SOURCE_COLUMN,
    WARNINGS_COLUMN,
    OutputColumn,
    cleaning_plan,
)
from jiandu.ingest.readers import SourceTable
from jiandu.pool.duckdb_engine import copy_to_parquet

# Columns every batch file carries besides the dataset's own: lineage back to the source.
BATCH_COLUMN = "_batch_id"
SOURCE_ROW_COLUMN = "_source_row"
STAGE_TABLE = "jd_stage"


def stage_sources(
    con: duckdb.DuckDBPyConnection,
    dataset_type: DatasetType,
    sources: Sequence[SourceTable],
    mappings: Sequence[HeaderMapping],
    columns: Sequence[OutputColumn],
) -> exp.Table:
    """Clean every source into one staged table; returns the table to read it from.

    The stage is a DuckDB temporary table: cheaper to write and read back than Parquet,
    and DuckDB spills it to JIANDU_HOME/tmp beyond the memory limit, so a file larger
    than memory still imports."""
    selects: list[exp.Select] = []
    for number, (source, mapping) in enumerate(zip(sources, mappings, strict=True)):
        view = f"jd_source_{number}"
        source.relation(con).create_view(view, replace=True)
        plan = cleaning_plan(
            dataset_type, mapping, source.label, columns, view, f"jd_lookup_{number}"
        )
        for lookup in plan.lookups:
            con.execute(lookup.sql("duckdb"))
        selects.append(plan.select)
    query: exp.Query = selects[0]
    for select in selects[1:]:
        query = exp.Union(this=query, expression=select, distinct=False, by_name=True)
    stage = exp.to_table(STAGE_TABLE)
    create = exp.Create(
        this=stage,
        kind="TABLE",
        expression=query,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )
    con.execute(create.sql("duckdb"))
    return stage


def split_stage(
    con: duckdb.DuckDBPyConnection,
    stage: exp.Table,
    columns: Sequence[OutputColumn],
    batch_id: str,
    data_dir: Path,
    rejects: Path,
) -> None:
    """Write the accepted rows as the batch's Parquet files (with lineage columns) and the
    rejected rows, with their reasons and original text, as the rejects file."""
    has_errors = exp.GT(
        this=exp.Anonymous(this="len", expressions=[exp.column(ERRORS_COLUMN)]),
        expression=exp.Literal.number(0),
    )
    data = (
        exp.select(
            *[exp.column(c.name, quoted=True) for c in columns],
            exp.column(WARNINGS_COLUMN),
            exp.alias_(exp.Literal.string(batch_id), BATCH_COLUMN),
            exp.column(SOURCE_COLUMN),
            exp.alias_(exp.column(ROW_COLUMN), SOURCE_ROW_COLUMN),
        )
        .from_(stage)
        .where(exp.Not(this=has_errors))
    )
    copy_to_parquet(
        con, data, data_dir, {"FILE_SIZE_BYTES": "256MB", "FILENAME_PATTERN": "part-{i}"}
    )
    bad = (
        exp.select(SOURCE_COLUMN, ROW_COLUMN, ERRORS_COLUMN, RAW_COLUMN)
        .from_(stage)
        .where(has_errors)
        .order_by(SOURCE_COLUMN, ROW_COLUMN)
    )
    copy_to_parquet(con, bad, rejects)
