"""The quality report of one batch, computed in SQL over the staged rows.

Counts rows read, accepted, rejected and warned; invalid values per field and reason
(with the first rows to look at); nulls per field among accepted rows; duplicate rows
within the batch (whole rows and the dataset type's keys) and rows whose key is already
in the pool from an earlier batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb
from sqlglot import exp

from jiandu.ingest.cleaning import ERRORS_COLUMN, ROW_COLUMN, SOURCE_COLUMN, WARNINGS_COLUMN
from jiandu.ingest.issues import describe

EXAMPLES_PER_REASON = 5


def _scalar(con: duckdb.DuckDBPyConnection, query: exp.Expression) -> int:
    row = con.execute(query.sql("duckdb")).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _has(column: str) -> exp.Expression:
    return exp.GT(
        this=exp.Anonymous(this="len", expressions=[exp.column(column)]),
        expression=exp.Literal.number(0),
    )


def _reasons(
    con: duckdb.DuckDBPyConnection, stage: exp.Expression, column: str
) -> list[dict[str, Any]]:
    """Count per (field, code) with example rows, over the unnested issue lists."""
    unnested = (
        exp.select(
            exp.column(SOURCE_COLUMN),
            exp.column(ROW_COLUMN),
            exp.alias_(exp.Unnest(expressions=[exp.column(column)]), "i"),
        )
        .from_(stage)
        .where(_has(column))
    )
    field = exp.column("field", table="i")
    code = exp.column("code", table="i")
    ranked = exp.select(
        exp.alias_(field, "field"),
        exp.alias_(code, "code"),
        exp.column(SOURCE_COLUMN),
        exp.column(ROW_COLUMN),
        exp.alias_(
            exp.Window(
                this=exp.RowNumber(),
                partition_by=[field, code],
                order=exp.Order(expressions=[exp.Ordered(this=exp.column(ROW_COLUMN))]),
            ),
            "rank",
        ),
        exp.alias_(exp.Window(this=exp.Count(this=exp.Star()), partition_by=[field, code]), "n"),
    ).from_(unnested.subquery("u"))
    query = (
        exp.select("field", "code", "n", SOURCE_COLUMN, ROW_COLUMN)
        .from_(ranked.subquery("r"))
        .where(exp.LTE(this=exp.column("rank"), expression=exp.Literal.number(EXAMPLES_PER_REASON)))
        .order_by("field", "code", ROW_COLUMN)
    )
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for field_name, reason, count, source, row in con.execute(query.sql("duckdb")).fetchall():
        entry = grouped.get((field_name, reason))
        if entry is None:
            issue = describe(reason)
            entry = {
                "field": field_name,
                "code": reason,
                "zh": issue.zh,
                "en": issue.en,
                "count": int(count),
                "examples": [],
            }
            grouped[(field_name, reason)] = entry
        entry["examples"].append({"source": source, "row": int(row)})
    return sorted(grouped.values(), key=lambda e: (-e["count"], e["field"], e["code"]))


def _duplicates(
    con: duckdb.DuckDBPyConnection,
    accepted: exp.Select,
    columns: Sequence[str],
    *,
    skip_null_keys: bool,
) -> int:
    """Rows beyond the first of each group equal on `columns`.

    For a key, a row with any NULL key part identifies nothing and is not counted; for
    whole rows, NULLs compare equal (two identical rows with the same blanks are
    duplicates)."""
    if not columns:
        return 0
    keyed = accepted.copy()
    if skip_null_keys:
        keyed = keyed.where(
            exp.and_(
                *[
                    exp.Not(this=exp.Is(this=exp.column(c, quoted=True), expression=exp.null()))
                    for c in columns
                ]
            )
        )
    distinct = (
        exp.select(*[exp.column(c, quoted=True) for c in columns])
        .from_(keyed.subquery("k"))
        .distinct()
    )
    total = exp.select(exp.Count(this=exp.Star())).from_(keyed.subquery("k"))
    return _scalar(con, total) - _scalar(
        con, exp.select(exp.Count(this=exp.Star())).from_(distinct.subquery("d"))
    )


def _existing_overlap(
    con: duckdb.DuckDBPyConnection,
    accepted: exp.Select,
    keys: Sequence[str],
    earlier_files: Sequence[str],
) -> int:
    """Accepted rows whose key already appears in an earlier batch of the same dataset."""
    if not keys or not earlier_files:
        return 0
    earlier = exp.select(*[exp.column(k, quoted=True) for k in keys]).from_(
        exp.Anonymous(
            this="read_parquet",
            expressions=[exp.Array(expressions=[exp.Literal.string(f) for f in earlier_files])],
        )
    )
    condition = exp.In(
        this=exp.Tuple(expressions=[exp.column(k, quoted=True) for k in keys]),
        query=earlier.subquery(),
    )
    query = exp.select(exp.Count(this=exp.Star())).from_(accepted.subquery("a")).where(condition)
    return _scalar(con, query)


def quality_report(
    con: duckdb.DuckDBPyConnection,
    stage: exp.Expression,
    standard_columns: Sequence[str],
    keys: Sequence[Sequence[str]],
    earlier_files: Sequence[str],
) -> dict[str, Any]:
    """Everything a person checks after an import, as one JSON-able dict."""
    no_errors = exp.Not(this=_has(ERRORS_COLUMN))
    counts = exp.select(
        exp.Count(this=exp.Star()),
        exp.Anonymous(this="count_if", expressions=[_has(ERRORS_COLUMN)]),
        exp.Anonymous(this="count_if", expressions=[exp.and_(no_errors, _has(WARNINGS_COLUMN))]),
    ).from_(stage)
    row = con.execute(counts.sql("duckdb")).fetchone() or (0, 0, 0)
    rows_read, rejected, warned = (int(v or 0) for v in row)

    accepted = exp.select("*").from_(stage).where(no_errors)
    null_counts: dict[str, int] = {}
    if standard_columns:
        nulls = exp.select(
            *[
                exp.Sub(
                    this=exp.Count(this=exp.Star()),
                    expression=exp.Count(this=exp.column(c, quoted=True)),
                )
                for c in standard_columns
            ]
        ).from_(accepted.subquery("a"))
        values = con.execute(nulls.sql("duckdb")).fetchone() or ()
        null_counts = {c: int(v) for c, v in zip(standard_columns, values, strict=True)}

    first_key = list(keys[0]) if keys else []
    return {
        "rows_read": rows_read,
        "rows_accepted": rows_read - rejected,
        "rows_rejected": rejected,
        "rows_warned": warned,
        "errors": _reasons(con, stage, ERRORS_COLUMN),
        "warnings": _reasons(con, stage, WARNINGS_COLUMN),
        "nulls": null_counts,
        "duplicates": {
            "whole_rows": _duplicates(con, accepted, standard_columns, skip_null_keys=False),
            "key": first_key,
            "key_rows": _duplicates(con, accepted, first_key, skip_null_keys=True),
            "key_in_earlier_batches": _existing_overlap(con, accepted, first_key, earlier_files),
        },
    }
