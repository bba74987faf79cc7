"""Spec expressions: the allowlist admits the documented functions and nothing else."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import duckdb
import pytest
from sqlglot import exp

from jiandu.catalog.registry import builtin_types
from jiandu.fields.registry import get_type
from jiandu.models.errors import SandboxError
from jiandu.models.expressions import (
    check_expression,
    param_literal,
    parse_expression,
    substitute_params,
)
from jiandu.models.spec import ParamType

COLUMNS = ["a", "b", "s", "d", "m", "amount"]
PARAMS: dict[str, ParamType] = {"n": "int", "t": "text", "as_of": "date", "l": "text_list"}

ALLOWED = [
    "a >= $n and not (b < 2 or b is null)",
    "a between 1 and 10 and b in (1, 2, 3)",
    "case when a > 1 then 'x' when a > 0 then 'y' else 'z' end = s",
    "coalesce(a, b, 0) + nullif(a, 0) * 2 - abs(b) / 3 % 2 > round(amount, 2)",
    "date_diff('day', d, $as_of) <= 30",
    "date_trunc('month', d) = m and year(d) = 2024 and month(d) = 2 and day(d) = 1",
    "date_add(d, INTERVAL 30 DAY) > $as_of and d - INTERVAL 1 MONTH < $as_of",
    "length(s) = 18 and substr(s, 1, 6) = '110101' and concat(s, 'x') <> s",
    "regexp_matches(s, '^[0-9]+$') and contains(s, '盗窃') and starts_with(s, '11')",
    "ends_with(s, 'X') and upper(s) = lower(s) and trim(s) = replace(s, ' ', '')",
    "s like '%借贷%' and s ilike 'a%' and s || 'x' = 'yx'",
    "list_contains($l, s)",
    "cast(a as decimal(18, 2)) > 0 and cast(d as varchar) = '2024-01-01'",
    "greatest(a, b) > least(a, b)",
]


@pytest.mark.parametrize("text", ALLOWED)
def test_allowed_expressions(text: str) -> None:
    check_expression(parse_expression(text, where="w"), columns=COLUMNS, params=PARAMS, where="w")


AGGREGATES = [
    "count(*)",
    "count(distinct a)",
    "sum(amount)",
    "min(d)",
    "max(s)",
    "avg(a)",
    "count_if(a > 1)",
    "sum(case when a > 1 then amount else 0 end)",
]


@pytest.mark.parametrize("text", AGGREGATES)
def test_aggregates_only_where_allowed(text: str) -> None:
    tree = parse_expression(text, where="w")
    check_expression(tree, columns=COLUMNS, params=PARAMS, where="w", aggregates=True)
    with pytest.raises(SandboxError) as caught:
        check_expression(tree, columns=COLUMNS, params=PARAMS, where="w")
    assert caught.value.construct.startswith("aggregate")


REFUSED = [
    ("getenv('HOME') = s", "function getenv", "host system"),
    ("current_setting('threads') = s", "function current_setting", "host system"),
    ("length(read_text('/etc/passwd')) > 0", "function read_text", "files"),
    ("(select count(*) from court_case) > 1", "node subquery", "not allowed"),
    ("exists (select 1)", "function exists", "not supported"),
    ("a = current_date", "function current_date", "$as_of"),
    ("now() > d", "function now", "$as_of"),
    ("date_diff('month', d, $as_of) > 1", "date_diff unit", "'day'"),
    ("list_transform([1], x -> x + 1) = [2]", "function transform", "not supported"),
    ("duckdb_settings() is null", "function duckdb_settings", "internals"),
    ("md5(s) = s", "function md5", "not supported"),
    ("t.a = 1", "qualified column", "qualifier"),
    ("zz = 1", "unknown column", "no column zz"),
    ("a = $undeclared", "parameter", "undeclared"),
    ("cast(a as blob) = a", "cast type", "casting"),
    ("row_number() over () = 1", "node window", "not allowed"),
    ("a = 1; drop table x", "syntax", "cannot parse"),
    ("*", "star", "count(*)"),
]


@pytest.mark.parametrize(("text", "construct", "english"), REFUSED)
def test_refused_expressions(text: str, construct: str, english: str) -> None:
    with pytest.raises(SandboxError) as caught:
        tree = parse_expression(text, where="steps[0].filter")
        check_expression(tree, columns=COLUMNS, params=PARAMS, where="steps[0].filter")
    assert caught.value.construct == construct
    assert english in caught.value.en
    assert caught.value.where == "steps[0].filter"
    assert caught.value.zh and caught.value.zh != caught.value.en


def test_parameters_become_typed_literals_not_text() -> None:
    tree = parse_expression("s = $t and a > $n and d < $as_of and list_contains($l, s)", where="w")
    values = {"t": "x' or 1=1 --", "n": 3, "as_of": date(2024, 5, 1), "l": ("甲", "乙")}
    bound = substitute_params(tree, PARAMS, values)
    assert not list(bound.find_all(exp.Placeholder))
    sql = bound.sql("duckdb")
    assert "'x'' or 1=1 --'" in sql  # quoted by the generator, one string literal
    assert "CAST('2024-05-01' AS DATE)" in sql
    assert "['甲', '乙']" in sql


def test_decimal_literal_keeps_precision() -> None:
    literal = param_literal("decimal", Decimal("3000.5"))
    assert literal.sql("duckdb") == "CAST('3000.5' AS DECIMAL(18, 2))"
    assert param_literal("bool", True).sql("duckdb") == "TRUE"


CONTAINS_ANY_MODEL = """
id: words
name_zh: 词
name_en: Words
legal_basis: [测试]
explanation_zh: 测试
parameters:
  - {name: words, type: text_list, default: [混合芳烃, 石脑油], label_zh: 词, label_en: Words}
sources: {inv: tax_invoice}
steps:
  - name: lines
    from: inv
    filter: contains_any(coalesce(goods_name, ''), $words)
clue:
  subject_type: org
  subject_key: seller_uscc
  title: "{seller_uscc}"
  severity: low
  branches: [{id: hit, name_zh: 命中, name_en: hit, from: lines}]
"""


def test_contains_any_expands_to_the_same_ors_on_both_engines() -> None:
    from jiandu.models import compile_model, load_model_text

    model = compile_model(load_model_text(CONTAINS_ANY_MODEL, "words.yaml"))
    for dialect in ("duckdb", "spark"):
        sql = model.sql(dialect, pretty=False)
        assert "contains_any" not in sql.lower()
        assert "'混合芳烃'" in sql and "'石脑油'" in sql
    con = duckdb_with_invoices(["*化学原料*混合芳烃", "*成品油*汽油", None])
    assert [r[2] for r in con.execute(model.sql("duckdb")).fetchall()] == ["U1"]


def test_contains_any_with_an_empty_list_matches_nothing() -> None:
    from jiandu.models import compile_model, load_model_text

    model = compile_model(load_model_text(CONTAINS_ANY_MODEL, "words.yaml"), {"words": []})
    con = duckdb_with_invoices(["*化学原料*混合芳烃"])
    assert con.execute(model.sql("duckdb")).fetchall() == []


def test_contains_any_needs_a_list_parameter() -> None:
    from jiandu.models import compile_model, load_model_text
    from jiandu.models.errors import ModelError

    text = CONTAINS_ANY_MODEL.replace("$words)", "goods_name)")
    with pytest.raises(ModelError, match="text_list"):
        compile_model(load_model_text(text, "words.yaml")).sql("duckdb")


def duckdb_with_invoices(names: list[str | None]) -> duckdb.DuckDBPyConnection:

    con = duckdb.connect()
    fields = builtin_types()["tax_invoice"].fields
    columns = ", ".join(f"{f.name} {get_type(f.type).duckdb_type}" for f in fields)
    con.execute(f"CREATE TABLE tax_invoice ({columns})")
    for number, name in enumerate(names, start=1):
        con.execute(
            "INSERT INTO tax_invoice (seller_uscc, goods_name) VALUES (?, ?)", [f"U{number}", name]
        )
    return con
