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


def _row_of(columns: Sequence[str]) -> exp.Expression:
    """The columns as one 64-bit hash (NULL parts hash alike). Counting distinct hashes
    instead of distinct rows is several times faster; a collision among n rows has odds
    of about n²/2⁶⁵ (under one in a million at five million rows), and these counts are a
    report for a person, not a key for joins."""
    return exp.Anonymous(this="hash", expressions=[exp.column(c, quoted=True) for c in columns])


def _counts(
    con: duckdb.DuckDBPyConnection,
    stage: exp.Expression,
    standard_columns: Sequence[str],
    key: Sequence[str],
) -> dict[str, int]:
    """Row counts, nulls per field and duplicates, in one scan of the staged rows.

    Duplicates are rows beyond the first of each group: on whole rows (NULLs equal), and
    on the key (rows with any NULL key part identify nothing and are not counted)."""
    ok = exp.Not(this=_has(ERRORS_COLUMN))

    def count_if(condition: exp.Expr) -> exp.Expression:
        return exp.Anonymous(this="count_if", expressions=[condition])

    def distinct_where(value: exp.Expression, condition: exp.Expr) -> exp.Expression:
        return exp.Filter(
            this=exp.Count(this=exp.Distinct(expressions=[value])),
            expression=exp.Where(this=condition),
        )

    names = ["rows_read", "rows_rejected", "rows_warned"]
    aggregates = [
        exp.Count(this=exp.Star()),
        count_if(_has(ERRORS_COLUMN)),
        count_if(exp.and_(ok, _has(WARNINGS_COLUMN))),
    ]
    for column in standard_columns:
        names.append(f"null:{column}")
        aggregates.append(
            count_if(
                exp.and_(ok, exp.Is(this=exp.column(column, quoted=True), expression=exp.null()))
            )
        )
    if standard_columns:
        names.append("distinct_rows")
        aggregates.append(distinct_where(_row_of(standard_columns), ok))
    if key:
        keyed = exp.and_(
            ok,
            *[
                exp.Not(this=exp.Is(this=exp.column(c, quoted=True), expression=exp.null()))
                for c in key
            ],
        )
        names += ["keyed_rows", "distinct_keys"]
        aggregates += [count_if(keyed), distinct_where(_row_of(key), keyed)]
    row = con.execute(exp.select(*aggregates).from_(stage).sql("duckdb")).fetchone()
    return {name: int(value or 0) for name, value in zip(names, row or (), strict=True)}


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
    first_key = list(keys[0]) if keys else []
    counts = _counts(con, stage, standard_columns, first_key)
    rows_read, rejected = counts["rows_read"], counts["rows_rejected"]
    accepted = exp.select("*").from_(stage).where(exp.Not(this=_has(ERRORS_COLUMN)))
    return {
        "rows_read": rows_read,
        "rows_accepted": rows_read - rejected,
        "rows_rejected": rejected,
        "rows_warned": counts["rows_warned"],
        "errors": _reasons(con, stage, ERRORS_COLUMN),
        "warnings": _reasons(con, stage, WARNINGS_COLUMN),
        "nulls": {c: counts[f"null:{c}"] for c in standard_columns},
        "duplicates": {
            "whole_rows": (rows_read - rejected - counts["distinct_rows"])
            if standard_columns
            else 0,
            "key": first_key,
            "key_rows": counts.get("keyed_rows", 0) - counts.get("distinct_keys", 0),
            "key_in_earlier_batches": _existing_overlap(con, accepted, first_key, earlier_files),
        },
    }
