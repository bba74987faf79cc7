"""The sandbox for models: user SQL is parsed and checked; DuckDB runs locked down.

Two independent walls:

1. `check_user_sql` parses a power user's SQL with sqlglot and accepts exactly one
   SELECT (WITH allowed) over the datasets the user may read, using only the functions
   of the expression allowlist (plus ranking/window functions). Everything else is
   refused with a bilingual message naming the construct. The runner executes the SQL
   regenerated from the checked tree, never the user's text, so a parser difference
   between sqlglot and DuckDB cannot smuggle anything through.
2. `sandboxed_duckdb` opens a DuckDB connection that can read exactly the pool's
   Parquet files registered as views, nothing else: `allowed_paths` lists those files,
   then external access, extension autoloading and configuration changes are switched
   off. Verified with DuckDB 2.0: views over `read_parquet` are bound lazily, so without
   `allowed_paths` they fail once external access is off. The same holds for a pool on
   shared storage: its fsspec filesystem is registered before the lock and its files are
   listed in `allowed_paths` by the canonical URL DuckDB reports (`memory:///p/x.parquet`,
   `s3://bucket/key`); any other URL, of that filesystem or another, is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

from jiandu.models.errors import SandboxError
from jiandu.models.expressions import (
    _STRUCTURE,
    ALLOWED_FUNCTIONS,
    check_node,
    function_name,
    refuse_function,
)
from jiandu.models.spec import ParamType
from jiandu.pool.duckdb_engine import empty_select
from jiandu.pool.storage import filesystems_for, is_remote

_QUERY_NODES: tuple[type[exp.Expr], ...] = (
    exp.Select,
    exp.From,
    exp.Join,
    exp.Where,
    exp.Group,
    exp.Having,
    exp.Order,
    exp.Ordered,
    exp.Limit,
    exp.Offset,
    exp.With,
    exp.CTE,
    exp.TableAlias,
    exp.Table,
    exp.Subquery,
    exp.Union,
    exp.Intersect,
    exp.Except,
    exp.Alias,
    exp.Exists,
    exp.Window,
    exp.Qualify,
    exp.Any,
    exp.All,
    exp.Filter,
)
_WINDOW_FUNCTIONS: tuple[type[exp.Expr], ...] = (
    exp.RowNumber,
    exp.Rank,
    exp.DenseRank,
    exp.Lag,
    exp.Lead,
    exp.FirstValue,
    exp.LastValue,
    exp.Stddev,
    exp.ArrayAgg,
    exp.AnyValue,
    exp.IgnoreNulls,
)
_SQL_NODES = _STRUCTURE + ALLOWED_FUNCTIONS + _QUERY_NODES + _WINDOW_FUNCTIONS


def _refuse(zh: str, en: str, construct: str) -> SandboxError:
    return SandboxError(zh, en, construct=construct, where="sql")


def _statement_name(node: exp.Expr) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return node.key.upper()


def check_user_sql(
    sql: str,
    readable_datasets: Collection[str],
    *,
    params: Mapping[str, ParamType] | None = None,
    known: Collection[str] = (),
) -> exp.Query:
    """Parse and check a user's SQL; returns the checked tree or raises SandboxError.

    `readable_datasets` are the dataset type ids the user may read (table names);
    `params` the declared `$name` parameters; `known` every dataset type id, which a
    CTE may not shadow.
    """
    try:
        statements = [s for s in sqlglot.parse(sql, read="duckdb") if s is not None]
    except (ParseError, TokenError) as exc:
        raise _refuse("无法解析 SQL", "cannot parse the SQL", "syntax") from exc
    if len(statements) != 1:
        raise _refuse(
            f"只能有一条语句，实际有 {len(statements)} 条",
            f"exactly one statement is allowed, found {len(statements)}",
            "multiple statements",
        )
    tree = statements[0]
    if not isinstance(tree, exp.Query):
        name = _statement_name(tree)
        raise _refuse(
            f"只允许 SELECT 查询，不允许 {name}",
            f"only SELECT is allowed, not {name}",
            f"statement {name}",
        )
    cte_names = _check_ctes(tree, set(known) | set(readable_datasets))
    for node in tree.walk():
        _check_sql_node(node, readable_datasets, cte_names, params or {})
    return tree


def _check_ctes(tree: exp.Query, datasets: set[str]) -> set[str]:
    names: set[str] = set()
    for with_ in tree.find_all(exp.With):
        if with_.args.get("recursive"):
            raise _refuse("不允许递归 CTE", "recursive CTEs are not allowed", "recursive cte")
    for cte in tree.find_all(exp.CTE):
        name = cte.alias_or_name.lower()
        if name in datasets:
            raise _refuse(
                f"CTE 名 {name} 与数据集同名，请改名",
                f"CTE {name} shadows a dataset; rename it",
                "cte shadowing",
            )
        names.add(name)
    return names


def _check_sql_node(
    node: exp.Expr,
    readable: Collection[str],
    cte_names: set[str],
    params: Mapping[str, ParamType],
) -> None:
    if isinstance(node, exp.Func) and not isinstance(node, _SQL_NODES):
        raise refuse_function(function_name(node), where="sql")
    if not isinstance(node, _SQL_NODES):
        raise _refuse(
            f"SQL 中不允许 {node.key.upper()} 结构",
            f"{node.key.upper()} is not allowed in SQL",
            f"node {node.key}",
        )
    check_node(node, where="sql", allowed=_SQL_NODES)
    if isinstance(node, exp.Placeholder) and node.name not in params:
        raise _refuse(
            f"未声明的参数 ${node.name}", f"undeclared parameter ${node.name}", "parameter"
        )
    if isinstance(node, exp.Table):
        _check_table(node, readable, cte_names)


def _check_table(node: exp.Table, readable: Collection[str], cte_names: set[str]) -> None:
    if not isinstance(node.this, exp.Identifier):
        name = function_name(node.this) if isinstance(node.this, exp.Func) else node.this.key
        raise refuse_function(name, where="sql")
    if node.args.get("db") or node.args.get("catalog"):
        raise _refuse(
            f"表名不能带库名/模式名：{node.sql('duckdb')}",
            f"table names take no schema or database: {node.sql('duckdb')}",
            "qualified table",
        )
    name = node.name
    if name not in readable and name.lower() not in cte_names:
        raise _refuse(
            f"无权读取或不存在的数据集：{name}；可读：{', '.join(sorted(readable))}",
            f"dataset {name} is unknown or not readable; readable: {', '.join(sorted(readable))}",
            "unreadable table",
        )


def sandboxed_duckdb(
    tables: Mapping[str, Sequence[str | Path]],
    *,
    memory_limit: str = "2GB",
    threads: int | None = None,
    temp_directory: str | Path | None = None,
    empty_tables: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    setup: Callable[[duckdb.DuckDBPyConnection], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A locked DuckDB connection whose only data are views over the given Parquet files.

    `tables` maps a view name (a dataset type id) to its Parquet files; each list must
    be non-empty (the runner registers an empty typed view itself, before calling, or
    leaves the dataset out). `setup` runs on the connection before the lock (the runner
    installs the name functions with it). After the views exist, reads are limited to
    exactly those files and the configuration is locked: no other file, extension,
    ATTACH, COPY or setting can be reached even by SQL that slipped past `check_user_sql`.
    """
    con = duckdb.connect(
        config={
            "autoinstall_known_extensions": False,
            "autoload_known_extensions": False,
            "memory_limit": memory_limit,
            "threads": threads or os.cpu_count() or 1,
            # Where big joins spill beyond the memory limit; set before the lock, and
            # the engine's own spill files are not user file access.
            **({"temp_directory": str(temp_directory)} if temp_directory else {}),
        }
    )
    allowed: list[str] = []
    # A pool on shared storage hands over URLs: its fsspec filesystem is registered
    # before the lock, and `allowed_paths` then admits exactly those URLs, as it admits
    # local paths (DuckDB checks a registered filesystem's files against it too).
    for filesystem in filesystems_for(str(f) for files in tables.values() for f in files):
        con.register_filesystem(filesystem)
    for name, files in tables.items():
        paths = [str(f) if is_remote(str(f)) else str(Path(f).resolve()) for f in files]
        if not paths:
            raise SandboxError(
                f"数据集 {name} 没有数据文件",
                f"dataset {name} has no data files",
                construct="empty dataset",
            )
        allowed.extend(paths)
        # Batches of one dataset may differ in their extra (x_*) columns: read by name.
        reader = exp.Anonymous(
            this="read_parquet",
            expressions=[
                exp.Array(expressions=[exp.Literal.string(p) for p in paths]),
                exp.EQ(this=exp.column("union_by_name"), expression=exp.true()),
            ],
        )
        view = exp.Create(
            this=exp.to_table(name), kind="VIEW", expression=exp.select("*").from_(reader)
        )
        con.execute(view.sql("duckdb"))
    for name, columns in (empty_tables or {}).items():
        # A dataset with no data yet, read by an optional source: typed, and empty.
        empty = empty_select(columns)
        con.execute(
            exp.Create(this=exp.to_table(name), kind="VIEW", expression=empty).sql("duckdb")
        )
    if setup is not None:
        setup(con)
    con.execute("SET allowed_paths = $paths", {"paths": allowed})
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con
