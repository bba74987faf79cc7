"""Spec expressions: parsed with sqlglot (DuckDB dialect) and checked against allowlists.

An expression in a model (`amount >= $theft_threshold`) is never pasted into SQL: it is
parsed into a sqlglot tree, every node is checked against `ALLOWED_NODES` and every
function against `ALLOWED_FUNCTIONS`, column names are resolved against what the step can
see, and `$name` parameters are replaced by typed literals (`substitute_params`).
Anything else is refused with a bilingual message naming the construct; known dangerous
functions get a specific message (`DENIED_FUNCTIONS`). jiandu's own functions are
`contains_any` (expanded by the engine adapters) and the name functions
(`name_similarity`, `pinyin`, `name_simplify`, `org_core`: `NAME_FUNCTIONS`), which the
compiler renames to the `jd_*` SQL functions of `jiandu.entities.names` that the runner
installs on its connection; their SQL names cannot be written directly.

Engine notes (refused because DuckDB and Spark disagree): `date_diff` with a unit other
than 'day' (DuckDB counts calendar boundaries, Spark whole units), `current_date` /
`now()` (use the built-in `$as_of` so backtests are reproducible).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from jiandu.models.errors import SandboxError
from jiandu.models.spec import ParamType, ParamValue

# Plain (non-function) node types an expression may contain.
_STRUCTURE: tuple[type[exp.Expr], ...] = (
    exp.Column,
    exp.Identifier,
    exp.Literal,
    exp.Boolean,
    exp.Null,
    exp.Placeholder,
    exp.Paren,
    exp.Tuple,
    exp.Var,
    exp.Interval,
    exp.DataType,
    exp.DataTypeParam,
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
    exp.And,
    exp.Or,
    exp.Not,
    exp.Is,
    exp.In,
    exp.Between,
    exp.Like,
    exp.ILike,
    exp.Add,
    exp.Sub,
    exp.Mul,
    exp.Div,
    exp.IntDiv,
    exp.Mod,
    exp.Neg,
    exp.DPipe,
    exp.Case,
    exp.If,
    exp.Cast,
    exp.TryCast,
    exp.Distinct,
    exp.Star,
    exp.Array,
)
# Functions by sqlglot class; the name users type is in the comment where it differs.
_SCALAR_FUNCTIONS: tuple[type[exp.Func], ...] = (
    exp.Coalesce,
    exp.Nullif,
    exp.Greatest,
    exp.Least,
    exp.Abs,
    exp.Round,
    exp.Floor,
    exp.Ceil,
    exp.DateDiff,
    exp.TimestampTrunc,
    exp.DateTrunc,
    exp.DateAdd,
    exp.DateSub,
    exp.Year,
    exp.Month,
    exp.Day,
    exp.Quarter,
    exp.LastDay,
    exp.DateFromParts,
    exp.Length,
    exp.Substring,
    exp.Concat,
    exp.Upper,
    exp.Lower,
    exp.Trim,
    exp.RegexpLike,  # regexp_matches
    exp.Contains,
    exp.StartsWith,
    exp.EndsWith,
    exp.Replace,
    exp.ArrayContains,  # list_contains($text_list, x)
)
_AGGREGATE_FUNCTIONS: tuple[type[exp.Func], ...] = (
    exp.Count,
    exp.Sum,
    exp.Min,
    exp.Max,
    exp.Avg,
    exp.CountIf,
)
ALLOWED_FUNCTIONS: tuple[type[exp.Func], ...] = _SCALAR_FUNCTIONS + _AGGREGATE_FUNCTIONS
# jiandu's own: does a text contain any word of a list parameter? Expanded by the engine
# adapters into ORed contains(...) calls, the same on every engine.
CONTAINS_ANY = "contains_any"
# jiandu's own name functions (jiandu.entities.names), by the name users type: the SQL
# function the runner installs on its connection (`install_name_functions`) and the
# number of arguments. The compiler renames them (`rename_name_functions`).
NAME_FUNCTIONS: dict[str, tuple[str, int]] = {
    "name_similarity": ("jd_name_similarity", 2),
    "org_core": ("jd_org_core", 1),
    "pinyin": ("jd_name_pinyin", 1),
    "name_simplify": ("jd_name_simplify", 1),
}
ALLOWED_NODES: tuple[type[exp.Expr], ...] = _STRUCTURE + ALLOWED_FUNCTIONS
_CAST_TYPES = frozenset(
    {
        exp.DataType.Type.VARCHAR,
        exp.DataType.Type.TEXT,
        exp.DataType.Type.DATE,
        exp.DataType.Type.TIMESTAMP,
        exp.DataType.Type.DECIMAL,
        exp.DataType.Type.BIGINT,
        exp.DataType.Type.INT,
        exp.DataType.Type.DOUBLE,
        exp.DataType.Type.BOOLEAN,
    }
)

_FILE = ("读取或写入文件", "reads or writes files")
_META = ("查询数据库内部信息", "reveals database internals")
_SYSTEM = ("访问系统环境", "reaches the host system")
_DYNAMIC = ("执行拼接出的 SQL", "runs SQL built from strings")
DENIED_FUNCTIONS: dict[str, tuple[str, str]] = {
    **dict.fromkeys(
        (
            "read_csv",
            "read_csv_auto",
            "read_parquet",
            "parquet_scan",
            "read_json",
            "read_json_auto",
            "read_ndjson",
            "read_ndjson_auto",
            "read_json_objects",
            "read_text",
            "read_blob",
            "read_xlsx",
            "glob",
            "sniff_csv",
            "parquet_metadata",
            "parquet_schema",
            "parquet_file_metadata",
            "parquet_kv_metadata",
            "st_read",
            "iceberg_scan",
            "delta_scan",
            "sqlite_scan",
            "postgres_scan",
            "mysql_scan",
            "http_get",
            "write_csv",
        ),
        _FILE,
    ),
    **dict.fromkeys(
        ("getenv", "current_setting", "system", "shell", "load_extension", "which_secret"),
        _SYSTEM,
    ),
    **dict.fromkeys(("query", "query_table", "json_execute_serialized_sql"), _DYNAMIC),
    **dict.fromkeys(
        ("current_date", "now", "current_timestamp", "today"),
        ("依赖运行时刻；请用内置参数 $as_of", "depends on the moment of the run; use $as_of"),
    ),
}
DENIED_PREFIXES: dict[str, tuple[str, str]] = {
    "duckdb_": _META,
    "pragma_": _META,
    "information_schema": _META,
    "pg_": _META,
    "sqlite_": _META,
}


def _is_contains_any(node: exp.Expr) -> bool:
    return isinstance(node, exp.Anonymous) and str(node.name).lower() == CONTAINS_ANY


def _name_function(node: exp.Expr) -> str | None:
    """The readable name of one of jiandu's name functions (`pinyin`), else None."""
    if isinstance(node, exp.Anonymous) and str(node.name).lower() in NAME_FUNCTIONS:
        return str(node.name).lower()
    return None


def _is_own(node: exp.Expr) -> bool:
    """jiandu's own functions: contains_any and the name functions."""
    return _is_contains_any(node) or _name_function(node) is not None


def rename_name_functions(tree: exp.Expr) -> exp.Expr:
    """A copy of a checked expression with `name_similarity(a, b)` … as the SQL functions
    the model connection has (`jd_name_similarity(a, b)` …)."""

    def rename(node: exp.Expr) -> exp.Expr:
        readable = _name_function(node)
        if readable is None:
            return node
        assert isinstance(node, exp.Anonymous)
        args = [a.copy() for a in node.expressions]
        return exp.Anonymous(this=NAME_FUNCTIONS[readable][0], expressions=args)

    return tree.transform(rename)


def function_name(node: exp.Expr) -> str:
    """The lower-case SQL name of a function node (`read_csv`, `date_diff`, `getenv`)."""
    if isinstance(node, exp.Anonymous):
        return str(node.name).lower()
    if isinstance(node, exp.Func):
        return str(node.sql_names()[0]).lower() if node.sql_names() else node.key
    return node.key


def refuse_function(name: str, *, where: str | None) -> SandboxError:
    """The error for a function that is not allowed, specific where we know why."""
    reason = DENIED_FUNCTIONS.get(name) or next(
        (r for p, r in DENIED_PREFIXES.items() if name.startswith(p)), None
    )
    if reason is not None:
        return SandboxError(
            f"禁止使用函数 {name}：它{reason[0]}",
            f"function {name} is not allowed: it {reason[1]}",
            construct=f"function {name}",
            where=where,
        )
    return SandboxError(
        f"不支持函数 {name}；可用函数见 docs/user/models.md",
        f"function {name} is not supported; see docs/user/models.md for the allowed ones",
        construct=f"function {name}",
        where=where,
    )


def parse_expression(text: str, *, where: str) -> exp.Expr:
    """Parse one spec expression; refuses statements and anything but one expression."""
    try:
        tree = sqlglot.parse_one(text, read="duckdb", into=exp.Condition)
    except (ParseError, ValueError) as exc:
        raise SandboxError(
            f"无法解析表达式：{text!r}",
            f"cannot parse the expression {text!r}",
            construct="syntax",
            where=where,
        ) from exc
    return tree


def check_node(
    node: exp.Expr,
    *,
    where: str | None,
    allowed: tuple[type[exp.Expr], ...] = ALLOWED_NODES,
) -> None:
    """Refuse a function outside `allowed`, a non-portable date_diff or a cast type."""
    if _is_contains_any(node):
        if len(node.expressions) != 2:
            raise SandboxError(
                "contains_any 需要两个参数：文本与列表参数，如 contains_any(goods_name, $words)",
                "contains_any takes two arguments: a text and a list parameter, e.g. "
                "contains_any(goods_name, $words)",
                construct=f"function {CONTAINS_ANY}",
                where=where,
            )
        return
    readable = _name_function(node)
    if readable is not None:
        arity = NAME_FUNCTIONS[readable][1]
        if len(node.expressions) != arity:
            raise SandboxError(
                f"{readable} 需要 {arity} 个参数，实际 {len(node.expressions)} 个",
                f"{readable} takes {arity} argument{'s' if arity > 1 else ''}, "
                f"got {len(node.expressions)}",
                construct=f"function {readable}",
                where=where,
            )
        return
    if isinstance(node, exp.Func) and not isinstance(node, allowed):
        raise refuse_function(function_name(node), where=where)
    if isinstance(node, exp.DateDiff):
        unit = node.text("unit").lower() or "day"
        if unit not in ("day", "days"):
            raise SandboxError(
                f"date_diff 只支持 'day' 单位（{unit} 在 DuckDB 与 Spark 中含义不同）；月份请用 "
                "date_trunc('month', …) 比较",
                f"date_diff only supports the 'day' unit ({unit} differs between DuckDB and "
                "Spark); compare months with date_trunc('month', …)",
                construct="date_diff unit",
                where=where,
            )
    if isinstance(node, exp.DataType) and node.this not in _CAST_TYPES:
        raise SandboxError(
            f"不支持转换为类型 {node.sql('duckdb')}",
            f"casting to {node.sql('duckdb')} is not supported",
            construct="cast type",
            where=where,
        )


def check_expression(
    tree: exp.Expr,
    *,
    columns: Collection[str],
    params: Mapping[str, ParamType],
    where: str,
    aggregates: bool = False,
) -> None:
    """Check a parsed spec expression: allowed nodes, known columns and parameters.

    `aggregates` allows count/sum/…; column references must be plain names from
    `columns` (no table qualifiers: each step sees one flat set of names).
    """
    for node in tree.walk():
        if not isinstance(node, ALLOWED_NODES) and not _is_own(node):
            if isinstance(node, exp.Func):
                raise refuse_function(function_name(node), where=where)
            raise SandboxError(
                f"表达式中不允许 {node.key.upper()} 结构",
                f"{node.key.upper()} is not allowed in an expression",
                construct=f"node {node.key}",
                where=where,
            )
        check_node(node, where=where)
        if isinstance(node, _AGGREGATE_FUNCTIONS) and not aggregates:
            raise SandboxError(
                f"汇总函数 {function_name(node)} 只能用于 aggregate",
                f"aggregate {function_name(node)} may only be used in aggregate",
                construct=f"aggregate {function_name(node)}",
                where=where,
            )
        if isinstance(node, exp.Star) and not isinstance(node.parent, exp.Count):
            raise SandboxError(
                "* 只能用于 count(*)",
                "* is only allowed in count(*)",
                construct="star",
                where=where,
            )
        if isinstance(node, exp.Column):
            _check_column(node, columns, where)
        if isinstance(node, exp.Placeholder) and node.name not in params:
            raise SandboxError(
                f"未声明的参数 ${node.name}；已声明：{', '.join(sorted(params))}",
                f"undeclared parameter ${node.name}; declared: {', '.join(sorted(params))}",
                construct="parameter",
                where=where,
            )


def _check_column(node: exp.Column, columns: Collection[str], where: str) -> None:
    if node.table:
        raise SandboxError(
            f"列名不能带表前缀：{node.sql('duckdb')}；请直接写列名（连接后右表列名带前缀）",
            f"column names take no table qualifier: {node.sql('duckdb')}; write the "
            "plain name (joined columns carry the join prefix)",
            construct="qualified column",
            where=where,
        )
    if node.name not in columns:
        raise SandboxError(
            f"此处没有列 {node.name}；可用列：{', '.join(columns)}",
            f"no column {node.name} here; available columns: {', '.join(columns)}",
            construct="unknown column",
            where=where,
        )


def param_literal(kind: ParamType, value: ParamValue) -> exp.Expr:
    """A typed SQL literal for a parameter value, built as a tree (never as text)."""
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if kind == "int" and isinstance(value, int):
        return exp.Literal.number(value)
    if kind == "decimal" and isinstance(value, Decimal):
        return exp.cast(exp.Literal.string(str(value)), exp.DataType.build("DECIMAL(18, 2)"))
    if kind == "date":
        return exp.cast(exp.Literal.string(str(value)), exp.DataType.build("DATE"))
    if kind == "text_list" and isinstance(value, tuple):
        return exp.Array(expressions=[exp.Literal.string(v) for v in value])
    return exp.Literal.string(str(value))


def substitute_params(
    tree: exp.Expr, types: Mapping[str, ParamType], values: Mapping[str, ParamValue]
) -> exp.Expr:
    """A copy of `tree` with every `$name` replaced by its typed literal."""

    def replace(node: exp.Expr) -> exp.Expr:
        if isinstance(node, exp.Placeholder) and node.name in values:
            return param_literal(types[node.name], values[node.name])
        return node

    return tree.transform(replace)
