"""Compile a dataset type and a header mapping into one vectorised cleaning query.

The query reads a source relation (columns c0..cN VARCHAR plus `_row`) and produces, per
row: every standard field cleaned to its semantic type, the derived columns, the unknown
source columns kept as text, `_errors` and `_warnings` (lists of {field, code}) and, only
for rows with errors, `_raw` (the original text, for the rejects table). Every expression
is a sqlglot tree over the DuckDB field macros; nothing here touches a row in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from jiandu.catalog.dataset_type import DatasetType, FieldSpec
from jiandu.catalog.mapping import HeaderMapping
from jiandu.fields.base import SemanticType
from jiandu.fields.registry import get_type

REQUIRED_CODE = "required.missing"
UNIT_PATTERN = "[万亿元圆]"
ENUM_CODE = "enum.unknown"

ROW_COLUMN = "_row"
SOURCE_COLUMN = "_source"
ERRORS_COLUMN = "_errors"
WARNINGS_COLUMN = "_warnings"
RAW_COLUMN = "_raw"


@dataclass(frozen=True)
class OutputColumn:
    """One column of a cleaned batch, as the catalog records it."""

    name: str
    duckdb_type: str
    origin: str  # "standard", "derived" or "extra"
    field: str  # the standard field it comes from (itself for standard/extra)


def _call(macro: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=macro, expressions=list(args))


def _typed_null(duckdb_type: str) -> exp.Expression:
    return exp.cast(exp.null(), exp.DataType.build(duckdb_type, dialect="duckdb"))


def _issue(field: str, code: exp.Expression) -> exp.Expression:
    return exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier("field"), expression=exp.Literal.string(field)),
            exp.PropertyEQ(this=exp.to_identifier("code"), expression=code),
        ]
    )


def _non_null_issues(items: list[exp.Expression]) -> exp.Expression:
    """list_filter([...], lambda i: i.code IS NOT NULL); an empty typed list when no items."""
    if not items:
        return exp.cast(
            exp.Array(expressions=[]),
            exp.DataType.build("STRUCT(field VARCHAR, code VARCHAR)[]", dialect="duckdb"),
        )
    variable = exp.to_identifier("i")
    keep = exp.Lambda(
        this=exp.Not(this=exp.Is(this=exp.column("code", table="i"), expression=exp.null())),
        expressions=[variable],
    )
    return _call("list_filter", exp.Array(expressions=items), keep)


@dataclass(frozen=True)
class _FieldPlan:
    spec: FieldSpec
    semantic: SemanticType
    raw: exp.Expression | None  # jd_nullify(cN), or None when the source lacks the field
    multiplier: int | None = None  # a money unit in the header: "注册资本（万元）" → 10000


def _enum_clean(spec: FieldSpec, raw: exp.Expression) -> exp.Expression:
    """Map every accepted spelling (canonical or synonym) to the canonical value."""
    text = _call("jd_enum_clean", raw)
    case = exp.Case(this=text)
    for value in spec.values or []:
        spellings = [value, *spec.value_synonyms.get(value, [])]
        for spelling in dict.fromkeys(spellings):
            case = case.when(exp.Literal.string(spelling), exp.Literal.string(value))
    return case


def _base_clean(plan: _FieldPlan, raw: exp.Expression) -> exp.Expression:
    """The type's clean value of `raw`, before any unit scaling."""
    if plan.spec.type == "enum":
        return _enum_clean(plan.spec, raw)
    return _call(plan.semantic.sql_clean, raw)


def _scaled(plan: _FieldPlan, raw: exp.Expression, value: exp.Expression) -> exp.Expression:
    """A bare number in a 万元 column means ten-thousands; a value that names its own unit
    ("3000元", "1.2万") already says what it means."""
    if not plan.multiplier or plan.multiplier == 1:
        return value
    names_unit = _call("regexp_matches", raw, exp.Literal.string(UNIT_PATTERN))
    scaled = exp.cast(
        exp.Mul(this=value, expression=exp.Literal.number(plan.multiplier)),
        exp.DataType.build(plan.semantic.duckdb_type, dialect="duckdb"),
    )
    return exp.Case().when(names_unit, value).else_(scaled)


def _parsed_expr(plan: _FieldPlan, raw: exp.Expression) -> exp.Expression:
    """STRUCT(value, warn[, err]) of one raw value: the type's parse macro, or its clean
    and warning macros together."""
    if plan.semantic.sql_parse is not None:
        return _call(plan.semantic.sql_parse, raw)
    warn: exp.Expression = (
        _call(plan.semantic.sql_warn, raw)
        if plan.semantic.sql_warn is not None
        else exp.cast(exp.null(), exp.DataType.build("VARCHAR"))
    )
    return exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier("value"), expression=_base_clean(plan, raw)),
            exp.PropertyEQ(this=exp.to_identifier("warn"), expression=warn),
        ]
    )


@dataclass(frozen=True)
class CleaningPlan:
    """What cleans one source: lookup tables to create first, then the SELECT.

    A lookup holds each *distinct* raw text of one source column with its parse. Agency
    files repeat themselves — twelve spellings of a month over millions of rows, the same
    pensioner every month, a few thousand amounts — so parsing distinct values and
    joining them back (a hash join whose build side is small) costs a fraction of
    parsing every row. Lookups read one column of the source at a time."""

    lookups: tuple[exp.Create, ...]
    select: exp.Select

    @property
    def lookup_tables(self) -> list[str]:
        return [create.this.name for create in self.lookups]


def _lookup(plan: _FieldPlan, index: int, source_table: str, name: str) -> exp.Create:
    key = exp.column("k")
    distinct = (
        exp.select(exp.alias_(exp.column(f"c{index}"), "k"))
        .from_(exp.to_table(source_table))
        .where(exp.Not(this=exp.Is(this=exp.column(f"c{index}"), expression=exp.null())))
        .distinct()
    )
    # r: the text with blanks as NULL, so rows need not recompute it; p: its parse.
    nullified = exp.select(key, exp.alias_(_call("jd_nullify", key), "r")).from_(
        distinct.subquery("d")
    )
    body = exp.select(key, "r", exp.alias_(_parsed_expr(plan, exp.column("r")), "p")).from_(
        nullified.subquery("n")
    )
    return exp.Create(
        this=exp.to_table(name),
        kind="TABLE",
        expression=body,
        properties=exp.Properties(expressions=[exp.TemporaryProperty()]),
    )


def _field_of(struct_column: str, name: str) -> exp.Expression:
    return exp.Dot(this=_ref(struct_column), expression=exp.to_identifier(name))


def _error_expr(plan: _FieldPlan) -> exp.Expression | None:
    """The field's error code, in layer 3 (after the value is known), or None if it has none.

    The error macro runs only where the clean value came out NULL: by the field contract
    (docs/dev/contracts.md) that is exactly when the value is invalid, so it costs nothing
    on the good rows."""
    missing = exp.Literal.string(REQUIRED_CODE)
    if plan.raw is None:
        return missing if plan.spec.required else None
    name = plan.spec.name
    if plan.spec.type == "enum":
        invalid: exp.Expression = exp.Literal.string(ENUM_CODE)
    elif plan.semantic.sql_parse is not None:
        invalid = _field_of(_parsed_column(name), "err")
    else:
        # A plain call, not a subquery: a CASE evaluates it on the invalid rows alone,
        # whereas a subquery would be planned over every distinct value.
        invalid = _call(plan.semantic.sql_error, plan.raw)
    case = exp.Case()
    if plan.spec.required:
        case = case.when(exp.Is(this=plan.raw, expression=exp.null()), missing)
    present_but_invalid = exp.and_(
        exp.Not(this=exp.Is(this=plan.raw, expression=exp.null())),
        exp.Is(this=_ref(_value_column(name)), expression=exp.null()),
    )
    return case.when(present_but_invalid, invalid)


def output_columns(
    dataset_type: DatasetType, mappings: Sequence[HeaderMapping]
) -> list[OutputColumn]:
    """The columns a batch of this type has, in order: standard, derived, extra."""
    columns: list[OutputColumn] = []
    for spec in dataset_type.fields:
        semantic = get_type(spec.type)
        columns.append(OutputColumn(spec.name, semantic.duckdb_type, "standard", spec.name))
        for derived in semantic.derived:
            columns.append(
                OutputColumn(
                    f"{spec.name}_{derived.suffix}", derived.duckdb_type, "derived", spec.name
                )
            )
    seen = {column.name for column in columns}
    for mapping in mappings:
        for column in mapping.columns:
            if column.field is None and column.extra_name and column.extra_name not in seen:
                seen.add(column.extra_name)
                columns.append(
                    OutputColumn(column.extra_name, "VARCHAR", "extra", column.extra_name)
                )
    return columns


def _value_column(field: str) -> str:
    return f"__v_{field}"


def _error_column(field: str) -> str:
    return f"__e_{field}"


def _warn_column(field: str) -> str:
    return f"__w_{field}"


def _parsed_column(field: str) -> str:
    return f"__p_{field}"


def _ref(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


def _plans(dataset_type: DatasetType, mapping: HeaderMapping) -> list[_FieldPlan]:
    """Each standard field with its raw text (a layer-1 column) or None when absent."""
    by_field = {c.field: c for c in mapping.columns if c.field is not None}
    plans: list[_FieldPlan] = []
    for spec in dataset_type.fields:
        column = by_field.get(spec.name)
        semantic = get_type(spec.type)
        if column is None:
            plans.append(_FieldPlan(spec, semantic, None))
            continue
        multiplier = column.yuan_multiplier if spec.type == "money" else None
        plans.append(_FieldPlan(spec, semantic, _ref(f"__r{column.index}"), multiplier))
    return plans


def cleaning_plan(
    dataset_type: DatasetType,
    mapping: HeaderMapping,
    source_label: str,
    columns: Sequence[OutputColumn],
    source_table: str,
    lookup_prefix: str,
) -> CleaningPlan:
    """How to clean one source relation (registered as `source_table`).

    Layers, so that each macro runs once per value: (1) blanks to NULL for every source
    column, joined with the lookups of parsed distinct values; (2) the parse of fields
    without a lookup; (3) per field its clean value, warning and error code; (4) the
    batch's columns — derived columns read the clean value, the issue lists read the
    codes, and the original text is attached only to rows with errors.
    """
    plans = _plans(dataset_type, mapping)
    passthrough = [exp.column(name) for name in (SOURCE_COLUMN, ROW_COLUMN)]
    index_of = {c.field: c.index for c in mapping.columns if c.field is not None}
    source = exp.to_table(source_table, alias="src")

    lookups: list[exp.Create] = []
    looked_up: list[exp.Expr] = []
    nullified_by_lookup: dict[int, exp.Expression] = {}
    raw_from = exp.select().from_(source)
    for plan in plans:
        if plan.raw is None or not plan.semantic.parse_per_distinct:
            continue
        index = index_of[plan.spec.name]
        name = f"{lookup_prefix}_{len(lookups)}"
        lookups.append(_lookup(plan, index, source_table, name))
        alias = f"l{len(lookups)}"
        raw_from = raw_from.join(
            exp.to_table(name, alias=alias),
            on=exp.EQ(
                this=exp.column(f"c{index}", table="src"), expression=exp.column("k", table=alias)
            ),
            join_type="left",
        )
        looked_up.append(
            exp.alias_(exp.column("p", table=alias), _parsed_column(plan.spec.name), quoted=True)
        )
        nullified_by_lookup[index] = exp.column("r", table=alias)
    raw_layer = raw_from.select(
        exp.alias_(exp.Literal.string(source_label), SOURCE_COLUMN),
        exp.column(ROW_COLUMN, table="src"),
        *[
            exp.alias_(exp.column(f"c{c.index}", table="src"), f"__c{c.index}", quoted=True)
            for c in mapping.columns
        ],
        *[
            exp.alias_(
                nullified_by_lookup.get(c.index)
                or _call("jd_nullify", exp.column(f"c{c.index}", table="src")),
                f"__r{c.index}",
                quoted=True,
            )
            for c in mapping.columns
        ],
        *looked_up,
    )

    # Layer 2: each field parsed once per distinct raw value. Layer 3: its clean value
    # (scaled by a unit in the header), warning, and — only where the value is NULL —
    # its error code. Layer 4 (below): the batch's columns.
    parsed: list[exp.Expr] = [exp.Star()]
    valued: list[exp.Expr] = [exp.Star()]
    checked: list[exp.Expr] = [exp.Star()]
    for plan in plans:
        if plan.raw is None:
            continue
        name = plan.spec.name
        if not plan.semantic.parse_per_distinct:
            parsed.append(
                exp.alias_(_parsed_expr(plan, plan.raw), _parsed_column(name), quoted=True)
            )
        value = _scaled(plan, plan.raw, _field_of(_parsed_column(name), "value"))
        valued.append(exp.alias_(value, _value_column(name), quoted=True))
        valued.append(
            exp.alias_(_field_of(_parsed_column(name), "warn"), _warn_column(name), quoted=True)
        )
        error = _error_expr(plan)
        if error is not None:
            checked.append(exp.alias_(error, _error_column(name), quoted=True))
    parse_layer = exp.select(*parsed).from_(raw_layer.subquery("raw"))
    value_layer = exp.select(*valued).from_(parse_layer.subquery("parsed"))
    check_layer = exp.select(*checked).from_(value_layer.subquery("valued"))

    plan_by_name = {plan.spec.name: plan for plan in plans}
    extras = {c.extra_name: c.index for c in mapping.columns if c.field is None and c.extra_name}
    final: list[exp.Expr] = list(passthrough)
    for column in columns:
        final.append(
            exp.alias_(_final_column(column, plan_by_name, extras), column.name, quoted=True)
        )

    error_items: list[exp.Expression] = []
    for plan in plans:
        if plan.raw is not None and _error_expr(plan) is not None:
            error_items.append(_issue(plan.spec.name, _ref(_error_column(plan.spec.name))))
        elif plan.raw is None and plan.spec.required:
            error_items.append(_issue(plan.spec.name, exp.Literal.string(REQUIRED_CODE)))
    warn_items = [
        _issue(plan.spec.name, _ref(_warn_column(plan.spec.name)))
        for plan in plans
        if plan.raw is not None and plan.semantic.sql_warn is not None
    ]  # fields without a warning macro have a NULL warn and are left out of the list
    final.append(exp.alias_(_non_null_issues(error_items), ERRORS_COLUMN))
    final.append(exp.alias_(_non_null_issues(warn_items), WARNINGS_COLUMN))
    final.append(exp.alias_(_raw_when_rejected(mapping, plans), RAW_COLUMN))
    select = exp.select(*final).from_(check_layer.subquery("checked_values"))
    return CleaningPlan(tuple(lookups), select)


def _final_column(
    column: OutputColumn, plans: dict[str, _FieldPlan], extras: dict[str, int]
) -> exp.Expression:
    if column.origin == "extra":
        index = extras.get(column.name)
        return _typed_null("VARCHAR") if index is None else _ref(f"__r{index}")
    plan = plans[column.field]
    if plan.raw is None:
        return _typed_null(column.duckdb_type)
    value = _ref(_value_column(plan.spec.name))
    if column.origin == "standard":
        return value
    derived = next(d for d in plan.semantic.derived if f"{column.field}_{d.suffix}" == column.name)
    return _call(derived.sql_macro, value)


def _raw_when_rejected(mapping: HeaderMapping, plans: Sequence[_FieldPlan]) -> exp.Expression:
    """The original text as a MAP {header: text}, only on rows with an error.

    A NULL map costs nothing in Parquet, and the rejects table can then show the person
    exactly what the file said. A row has an error when any error code is set, or a
    required field is absent from the source altogether."""
    codes = [
        _ref(_error_column(plan.spec.name))
        for plan in plans
        if plan.raw is not None and _error_expr(plan) is not None
    ]
    if any(plan.raw is None and plan.spec.required for plan in plans):
        rejected: exp.Expression = exp.true()
    elif codes:
        first_code = (
            codes[0] if len(codes) == 1 else exp.Coalesce(this=codes[0], expressions=codes[1:])
        )
        rejected = exp.Not(this=exp.Is(this=first_code, expression=exp.null()))
    else:
        return exp.cast(exp.null(), exp.DataType.build("MAP(VARCHAR, VARCHAR)", dialect="duckdb"))
    raw = exp.Map(
        keys=exp.Array(expressions=[exp.Literal.string(key) for key in raw_keys(mapping)]),
        values=exp.Array(expressions=[_ref(f"__c{c.index}") for c in mapping.columns]),
    )
    return exp.Case().when(rejected, raw)


def raw_keys(mapping: HeaderMapping) -> list[str]:
    """Header texts made unique (a map cannot repeat a key); blank headers get a place name."""
    keys: list[str] = []
    seen: set[str] = set()
    for column in mapping.columns:
        key = column.header.strip() or f"(第{column.index + 1}列)"
        if key in seen:
            key = f"{key} (第{column.index + 1}列)"
        seen.add(key)
        keys.append(key)
    return keys
