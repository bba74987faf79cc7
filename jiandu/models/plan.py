"""A compiled model as data: named steps (CTEs) plus the clue query, rendered per engine.

`CompiledModel` is what the runner executes. It is engine-neutral (sqlglot trees);
`sql(dialect)` renders it through one `EngineAdapter` per engine, which holds the few
rewrites an engine needs and checks that the rendered SQL parses back in that dialect.
Because every step is a CTE, the funnel (rows per step) is one query, `funnel_sql`, and
the rows of any one step are `step_sql`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError

from jiandu.models.errors import ModelError
from jiandu.models.expressions import CONTAINS_ANY
from jiandu.models.spec import Branch, ParamValue

Dialect = Literal["duckdb", "spark"]
StepKind = Literal["source", "step", "sql"]
# Columns every clue row carries, before the evidence columns themselves.
CLUE_COLUMNS = ("branch", "subject_type", "subject_key", "title", "severity", "evidence")
Rewrite = Callable[[exp.Expr], exp.Expr]


def _spark_datediff(node: exp.Expr) -> exp.Expr:
    # DuckDB date_diff('day', start, end) is Spark's two-argument datediff(end, start);
    # sqlglot renders the three-argument form, which only Spark >= 3.3 understands.
    # Spark's is an INT, DuckDB's a BIGINT: cast, so evidence has one type on both.
    if isinstance(node, exp.DateDiff):
        days = exp.Anonymous(
            this="DATEDIFF", expressions=[node.this.copy(), node.expression.copy()]
        )
        return exp.cast(days, exp.DataType.build("BIGINT"))
    return node


def _spark_division(node: exp.Expr) -> exp.Expr:
    # DuckDB's `/` divides as DOUBLE whatever the operands (integers, decimals); Spark's
    # keeps DECIMAL operands DECIMAL. Dividing the operands cast to DOUBLE gives DuckDB's
    # type and the same IEEE result.
    if isinstance(node, exp.Div) and not node.args.get("typed"):
        return exp.Div(
            this=exp.cast(node.this.copy(), exp.DataType.build("DOUBLE")),
            expression=exp.cast(node.expression.copy(), exp.DataType.build("DOUBLE")),
        )
    return node


def _spark_similarity(node: exp.Expr) -> exp.Expr:
    # The fuzzy-join scores, computed as DuckDB computes them: Jaro-Winkler and
    # Levenshtein over UTF-8 bytes (Spark's levenshtein counts characters), through the
    # functions `jiandu.entities.names.install_spark_name_functions` registers.
    if isinstance(node, exp.JarowinklerSimilarity):
        return exp.Anonymous(
            this="jd_byte_jaro_winkler", expressions=[node.this.copy(), node.expression.copy()]
        )
    if isinstance(node, exp.Levenshtein):
        return exp.Anonymous(
            this="jd_byte_levenshtein", expressions=[node.this.copy(), node.expression.copy()]
        )
    if isinstance(node, exp.Anonymous) and str(node.name).lower() == "strlen":
        return exp.Anonymous(this="OCTET_LENGTH", expressions=[e.copy() for e in node.expressions])
    return node


def _expand_contains_any(node: exp.Expr) -> exp.Expr:
    # contains_any(text, ['a', 'b']) -> (contains(text, 'a') OR contains(text, 'b')): the
    # list is a parameter, a literal by now, so no lambda or engine-specific array
    # function is needed. An empty list contains nothing.
    if not (isinstance(node, exp.Anonymous) and str(node.name).lower() == CONTAINS_ANY):
        return node
    text, words = node.expressions
    if not isinstance(words, exp.Array) or not all(
        isinstance(w, exp.Literal) and w.is_string for w in words.expressions
    ):
        raise ModelError(
            "contains_any 的第二个参数须为文本列表参数（text_list），如 $words",
            "contains_any needs a text_list parameter as its second argument, e.g. $words",
        )
    if not words.expressions:
        return exp.false()
    return exp.paren(
        exp.or_(*[exp.Contains(this=text.copy(), expression=w.copy()) for w in words.expressions])
    )


@dataclass(frozen=True)
class EngineAdapter:
    """How one engine differs: its sqlglot dialect and the rewrites it needs."""

    name: Dialect
    rewrites: tuple[Rewrite, ...] = ()

    def render(self, tree: exp.Expr, *, pretty: bool = False) -> str:
        """Render `tree` in this engine's SQL; ModelError if it does not round-trip."""
        adapted = tree.copy()
        for rewrite in self.rewrites:
            adapted = adapted.transform(rewrite)
        text = adapted.sql(dialect=self.name, pretty=pretty, unsupported_level=ErrorLevel.RAISE)
        try:
            sqlglot.parse_one(text, read=self.name)
        except ParseError as exc:
            raise ModelError(
                f"生成的 {self.name} SQL 无法解析，请报告此模型",
                f"the generated {self.name} SQL does not parse back; please report this model",
            ) from exc
        return text


ADAPTERS: dict[str, EngineAdapter] = {
    "duckdb": EngineAdapter("duckdb", rewrites=(_expand_contains_any,)),
    "spark": EngineAdapter(
        "spark",
        rewrites=(_expand_contains_any, _spark_datediff, _spark_division, _spark_similarity),
    ),
}


def adapter(dialect: str) -> EngineAdapter:
    """The adapter of a supported engine; ModelError naming the supported ones."""
    try:
        return ADAPTERS[dialect]
    except KeyError:
        raise ModelError(
            f"不支持的引擎 {dialect}；可选：{', '.join(ADAPTERS)}",
            f"unsupported engine {dialect}; choose one of {', '.join(ADAPTERS)}",
        ) from None


@dataclass(frozen=True)
class PlanStep:
    """One named step: a SELECT over sources or earlier steps (a CTE of the final query)."""

    name: str
    kind: StepKind
    label_zh: str
    label_en: str
    query: exp.Select
    columns: tuple[str, ...]


@dataclass(frozen=True)
class CompiledModel:
    """A model compiled for given parameters: steps in order, then the clue query.

    `clues` selects from the steps by name; rendering puts every step in front of it as
    a CTE. Output columns: `CLUE_COLUMNS` then `evidence_columns`.
    """

    model_id: str
    version: int
    sources: tuple[str, ...]
    params: Mapping[str, ParamValue]
    steps: tuple[PlanStep, ...]
    clues: exp.Query
    branches: tuple[Branch, ...]
    evidence_columns: tuple[str, ...]
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {s.name: i for i, s in enumerate(self.steps)})

    @property
    def step_names(self) -> tuple[str, ...]:
        """Step names in funnel order (sources first)."""
        return tuple(step.name for step in self.steps)

    @property
    def output_columns(self) -> tuple[str, ...]:
        """Columns of the clue query, in order."""
        return CLUE_COLUMNS + self.evidence_columns

    def step(self, step: int | str) -> PlanStep:
        """A step by position or name; ModelError if there is none."""
        if isinstance(step, str):
            if step not in self._index:
                raise ModelError(
                    f"模型 {self.model_id} 没有步骤 {step}",
                    f"model {self.model_id} has no step {step}",
                )
            return self.steps[self._index[step]]
        return self.steps[step]

    def _with_steps(self, body: exp.Query, upto: int) -> exp.Query:
        query = body.copy()
        for step in self.steps[: upto + 1]:
            query = query.with_(step.name, as_=step.query.copy(), copy=False)
        return query

    def tree(self) -> exp.Query:
        """The whole clue query with every step as a CTE (engine-neutral)."""
        return self._with_steps(self.clues, len(self.steps) - 1)

    def sql(self, dialect: str = "duckdb", *, pretty: bool = True) -> str:
        """The clue query as SQL for `dialect` ("duckdb" or "spark")."""
        return adapter(dialect).render(self.tree(), pretty=pretty)

    def step_tree(self, step: int | str) -> exp.Query:
        """`SELECT * FROM <step>` with the CTEs it needs: the rows of one funnel step."""
        index = self._index[self.step(step).name]
        body = exp.select("*").from_(self.steps[index].name)
        return self._with_steps(body, index)

    def step_sql(self, step: int | str, dialect: str = "duckdb", *, pretty: bool = True) -> str:
        """The rows of one step as SQL (for preview and for the funnel)."""
        return adapter(dialect).render(self.step_tree(step), pretty=pretty)

    def funnel_sql(self, dialect: str = "duckdb") -> str:
        """Every step's row count in one query: `SELECT (SELECT count(*) FROM s0) AS c0,
        …` over all the CTEs, so the chain is planned and run once, not once per step.
        (Marking the steps MATERIALIZED in DuckDB measured no faster.)"""
        body = exp.select(
            *[
                exp.alias_(
                    exp.select(exp.Count(this=exp.Star())).from_(step.name).subquery(),
                    f"c{i}",
                )
                for i, step in enumerate(self.steps)
            ]
        )
        return adapter(dialect).render(self._with_steps(body, len(self.steps) - 1))
