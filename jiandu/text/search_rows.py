"""Which rows of the pool are searchable, and the one DuckDB query that reads them.

One search document per row of a searchable dataset (docs/dev/text.md, "Search"):

- `judgment_document` rows: the body is the full text; court, case number, cause,
  document type, parties and judgment date become filters.
- any other dataset's rows: the body is its free-text fields — semantic type `text`
  without a PII class, `org_name`, `address` — as "label：value" lines. Unmapped source
  columns (`x_…`) are left out: nobody has classified them, so they may hold personal
  data masking would not know about. A dataset with no such field is not searchable.

Filter columns are looked up by name wherever they occur (a `court_case` row has a
court, a cause and a judgment date too), so fields the catalog gains later are used as
soon as batches carry them.

Bodies, titles, party lists and dates are computed by DuckDB over each Parquet file in
one streaming query (`read`); Python sees Arrow record batches and only segments.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import sqlglot
from sqlglot import exp

from jiandu.catalog.registry import builtin_types
from jiandu.pool.storage import arrow_location
from jiandu.store.schema import Dataset

JUDGMENT_TYPE = "judgment_document"
FULL_TEXT = "full_text"
#: Index field → pool column it is read from, when a batch has that column.
FILTER_COLUMNS: dict[str, str] = {
    "court": "court_name",
    "cause": "cause",
    "case_no": "case_no",
    "doc_type": "doc_type",
    "parties": "parties",
    "date": "judgment_date",
}
BODY_SEMANTIC_TYPES = ("org_name", "address")
# Identifiers and bookkeeping, not prose.
NOT_BODY = frozenset({"source_record_id", "source_file", "doc_id"})
TITLE_CHARS = 60
READ_BATCH_ROWS = 2048

# Fixed expressions (constant text, parsed once): parties are joined by 、 in the pool.
_PARTIES = sqlglot.parse_one(
    "list_filter(string_split(CAST(parties AS VARCHAR), '、'), x -> trim(x) <> '')",
    read="duckdb",
)
_DATE = sqlglot.parse_one(
    "CAST(strftime(CAST(judgment_date AS DATE), '%Y%m%d') AS BIGINT)", read="duckdb"
)


@dataclass(frozen=True)
class BodyField:
    name: str
    label_zh: str


@dataclass(frozen=True)
class SearchSpec:
    """How a dataset's rows become search documents."""

    dataset_id: str
    dataset_type: str
    full_text: bool  # the body is the full_text column (judgments)
    fields: tuple[BodyField, ...]  # else: these fields as label：value lines


def _derived_types() -> frozenset[str]:
    # Only built-in types can be derived: register_type refuses a user type that is.
    return frozenset(t for t, d in builtin_types().items() if d.derived)


def spec_for(dataset: Dataset) -> SearchSpec | None:
    """How `dataset` is searched, or None when it has nothing to search. Derived types
    (near-duplicate groups) are computed from searchable data and are not indexed again."""
    if dataset.type_id in _derived_types():
        return None
    if dataset.type_id == JUDGMENT_TYPE:
        return SearchSpec(dataset.id, dataset.type_id, True, ())
    fields = tuple(
        BodyField(f.name, f.label_zh)
        for f in dataset.fields
        if f.origin != "extra"
        and f.pii == "none"
        and f.name not in NOT_BODY
        and (f.semantic_type == "text" or f.semantic_type in BODY_SEMANTIC_TYPES)
    )
    return SearchSpec(dataset.id, dataset.type_id, False, fields) if fields else None


def _col(name: str) -> exp.Expr:
    return exp.column(name, quoted=True)


def _text(expression: exp.Expr) -> exp.Expr:
    return exp.cast(expression, "VARCHAR")


def _concat_ws(separator: str, parts: Sequence[exp.Expr]) -> exp.Expr:
    # DuckDB's concat_ws skips NULLs; sqlglot's generic CONCAT_WS would be rewritten to
    # NULL-if-any-NULL, so it is written as DuckDB's own function.
    return exp.Anonymous(this="concat_ws", expressions=[exp.Literal.string(separator), *parts])


def _null(kind: str) -> exp.Expr:
    return exp.cast(exp.null(), kind)


def _body_and_title(spec: SearchSpec, columns: set[str]) -> tuple[exp.Expr, exp.Expr]:
    if spec.full_text:
        body = _text(_col(FULL_TEXT))
        header = [_text(_col(c)) for c in ("court_name", "case_no", "cause") if c in columns]
        named = exp.func("nullif", _concat_ws(" ", header), exp.Literal.string(""))
        fallback = exp.func("left", body.copy(), exp.Literal.number(TITLE_CHARS))
        title = exp.func("coalesce", named, fallback) if header else fallback
        return body, title
    present = [f for f in spec.fields if f.name in columns]
    if not present:
        return _null("VARCHAR"), _null("VARCHAR")
    lines = [
        exp.DPipe(this=exp.Literal.string(f"{f.label_zh}："), expression=_text(_col(f.name)))
        for f in present
    ]
    body = _concat_ws("\n", lines)
    first = exp.func("coalesce", *[_text(_col(f.name)) for f in present])
    return body, exp.func("left", first, exp.Literal.number(TITLE_CHARS))


def _filter(field: str, columns: set[str]) -> exp.Expr:
    column = FILTER_COLUMNS[field]
    if column not in columns:
        return _null(
            "BIGINT" if field == "date" else "VARCHAR[]" if field == "parties" else "VARCHAR"
        )
    if field == "parties":
        return _PARTIES.copy()
    if field == "date":
        return _DATE.copy()
    return _text(_col(column))


def rows_query(spec: SearchSpec, path: str, columns: set[str], first_row: int) -> exp.Select:
    """The search documents of one Parquet file: row (its number in the batch, counting
    from `first_row`), title, body and the filter columns; rows without text left out."""
    body, title = _body_and_title(spec, columns)
    source = exp.Anonymous(
        this="read_parquet",
        expressions=[
            exp.Literal.string(path),
            exp.EQ(this=exp.column("file_row_number"), expression=exp.true()),
        ],
    )
    row = exp.Add(this=exp.column("file_row_number"), expression=exp.Literal.number(first_row))
    inner = exp.select(
        exp.alias_(exp.cast(row, "BIGINT"), "row"),
        exp.alias_(title, "title"),
        exp.alias_(body, "body"),
        *(exp.alias_(_filter(field, columns), field) for field in FILTER_COLUMNS),
    ).from_(source)
    non_empty = exp.GT(
        this=exp.func("length", exp.func("trim", exp.column("body"))),
        expression=exp.Literal.number(0),
    )
    return exp.select("*").from_(inner.subquery("r")).where(non_empty)


def read(
    con: duckdb.DuckDBPyConnection, spec: SearchSpec, files: Sequence[str]
) -> Iterator[pa.RecordBatch]:
    """The search documents of a batch's files, as Arrow record batches."""
    first_row = 0
    for path in files:
        where, filesystem = arrow_location(path)
        metadata = pq.read_metadata(where, filesystem=filesystem)
        columns = set(metadata.schema.to_arrow_schema().names)
        sql = rows_query(spec, path, columns, first_row).sql("duckdb")
        reader = con.sql(sql).to_arrow_reader(READ_BATCH_ROWS)
        yield from reader
        first_row += metadata.num_rows
