"""Compile a `ModelSpec` into a `CompiledModel`: spec → sqlglot trees, checked on the way.

Each source alias becomes a step selecting the dataset type's declared fields from the
pool view named after the type id; each spec step becomes one SELECT over earlier steps;
the clue query is a UNION ALL of one SELECT per branch. Every expression is parsed,
checked against the allowlist and the columns its step can see, and gets its parameters
as typed literals. A join's `fuzzy` conditions become similarity tests in its ON clause
(`similarity_sql`), and the least similarity a column `<prefix>similarity` after it.
`validate_model` is compiling with the default parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from sqlglot import exp

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.registry import builtin_types
from jiandu.models.errors import ModelError
from jiandu.models.expressions import (
    check_expression,
    parse_expression,
    rename_name_functions,
    substitute_params,
)
from jiandu.models.plan import CLUE_COLUMNS, CompiledModel, PlanStep
from jiandu.models.sandbox import check_user_sql
from jiandu.models.spec import (
    AS_OF,
    SIMILARITY,
    Branch,
    FuzzyCondition,
    Join,
    ModelSpec,
    ParamValue,
    Step,
    coerce_param,
)

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
Namespace = dict[str, exp.Expr]


def resolve_params(
    spec: ModelSpec, overrides: Mapping[str, Any] | None = None, *, as_of: date | None = None
) -> dict[str, ParamValue]:
    """Declared defaults overlaid with `overrides`, each coerced to its declared type."""
    declared = {p.name: p for p in spec.parameters}
    values: dict[str, ParamValue] = {AS_OF: as_of or date.today()}
    for name, parameter in declared.items():
        values[name] = coerce_param(parameter.type, parameter.default)
    for name, raw in (overrides or {}).items():
        if name not in declared:
            raise ModelError(
                f"模型 {spec.id} 没有参数 {name}；可用：{', '.join(declared) or '无'}",
                f"model {spec.id} has no parameter {name}; known: {', '.join(declared) or 'none'}",
                where=f"parameters.{name}",
            )
        try:
            values[name] = coerce_param(declared[name].type, raw)
        except ValueError as exc:
            raise ModelError(
                f"参数 {name} 的取值无效：{raw!r} 不是 {declared[name].type}",
                f"invalid value for parameter {name}: {raw!r} is not {declared[name].type}",
                where=f"parameters.{name}",
            ) from exc
    return values


class _Compiler:
    """Holds what steps can see while compiling one spec; used once per compile."""

    def __init__(
        self, spec: ModelSpec, values: Mapping[str, ParamValue], types: Mapping[str, DatasetType]
    ) -> None:
        self.spec = spec
        self.values = values
        self.param_types = spec.parameter_types()
        self.types = types
        self.columns: dict[str, tuple[str, ...]] = {}
        self.steps: list[PlanStep] = []

    def expression(
        self, text: str, ns: Namespace, where: str, *, aggregates: bool = False
    ) -> exp.Expr:
        """Parse, check and bind one spec expression to the columns of `ns`."""
        tree = parse_expression(text, where=where)
        check_expression(
            tree, columns=list(ns), params=self.param_types, where=where, aggregates=aggregates
        )
        tree = rename_name_functions(substitute_params(tree, self.param_types, self.values))

        def bind(node: exp.Expr) -> exp.Expr:
            if isinstance(node, exp.Column):
                return ns[node.name].copy()
            return node

        return tree.transform(bind)

    def source(self, alias: str, type_id: str) -> None:
        dataset_type = self.types.get(type_id)
        if dataset_type is None:
            raise ModelError(
                f"未知的数据类型 {type_id}；可用：{', '.join(sorted(self.types))}",
                f"unknown dataset type {type_id}; known: {', '.join(sorted(self.types))}",
                where=f"sources.{alias}",
            )
        names = tuple(dataset_type.field_names)
        query = exp.select(*names).from_(exp.to_table(type_id))
        self._add(
            PlanStep(alias, "source", dataset_type.name_zh, dataset_type.name_en, query, names)
        )

    def _add(self, step: PlanStep) -> None:
        if step.name in self.spec.sources.values():
            raise ModelError(
                f"步骤名 {step.name} 与数据类型 id 相同，请改名",
                f"step name {step.name} equals a dataset type id; rename it",
                where=f"steps.{step.name}",
            )
        self.columns[step.name] = step.columns
        self.steps.append(step)

    def _input(self, name: str, where: str) -> tuple[str, ...]:
        if name not in self.columns:
            raise ModelError(
                f"{name} 不是数据源别名或之前的步骤；可用：{', '.join(self.columns)}",
                f"{name} is not a source alias or an earlier step; known: "
                f"{', '.join(self.columns)}",
                where=where,
            )
        return self.columns[name]

    def step(self, index: int, step: Step) -> None:
        where = f"steps[{index}]"
        ns: Namespace = {
            c: exp.column(c, table="t0") for c in self._input(step.from_, f"{where}.from")
        }
        query = exp.select().from_(exp.to_table(step.from_).as_("t0"))
        conditions: list[exp.Expr] = []
        for j, join in enumerate(step.join):
            query, ns = self._join(query, ns, conditions, join, j=j, where=f"{where}.join[{j}]")
        if step.filter is not None:
            conditions.append(self.expression(step.filter, ns, f"{where}.filter"))
        if conditions:
            query = query.where(exp.and_(*conditions), copy=False)
        if step.aggregate:
            query, out = self._aggregate(query, ns, step, where)
        else:
            out = list(ns)
            query = query.select(*(exp.alias_(ns[c], c) for c in ns), copy=False)
            for name, text in step.derive.items():
                self._claim(out, name, f"{where}.derive.{name}")
                derived = self.expression(text, ns, f"{where}.derive.{name}")
                query = query.select(exp.alias_(derived, name), copy=False)
        if step.having is not None or step.keep:
            query, out = self._wrap(query, out, step, where)
        self._add(
            PlanStep(
                step.name,
                "step",
                step.label_zh or step.name,
                step.label_en or step.name,
                query,
                tuple(out),
            )
        )

    @staticmethod
    def _claim(out: list[str], name: str, where: str) -> None:
        if name in out or name in CLUE_COLUMNS:
            raise ModelError(
                f"列名 {name} 已被占用", f"column name {name} is already taken", where=where
            )
        out.append(name)

    def _join(
        self,
        query: exp.Select,
        ns: Namespace,
        conditions: list[exp.Expr],
        join: Join,
        *,
        j: int,
        where: str,
    ) -> tuple[exp.Select, Namespace]:
        right_alias = f"t{j + 1}"
        right_columns = self._input(join.with_, f"{where}.with")
        prefix = join.right_prefix()
        combined = dict(ns)
        for c in right_columns:
            self._claim(list(combined), prefix + c, f"{where}.prefix")
            combined[prefix + c] = exp.column(c, table=right_alias)
        keys: list[exp.Expr] = []
        for left, right in join.keys.items():
            if left not in ns or right not in right_columns:
                raise ModelError(
                    f"连接键 {left}: {right} 不存在（左：{', '.join(ns)}；右："
                    f"{', '.join(right_columns)}）",
                    f"join key {left}: {right} not found (left: {', '.join(ns)}; right: "
                    f"{', '.join(right_columns)})",
                    where=f"{where}.keys",
                )
            keys.append(exp.EQ(this=ns[left].copy(), expression=combined[prefix + right].copy()))
        scores: list[exp.Expr] = []
        for k, fuzzy in enumerate(join.fuzzy_conditions):
            at = f"{where}.fuzzy[{k}]"
            score = self._similarity(fuzzy, ns, right_columns, right_alias, at)
            keys.append(exp.GTE(this=exp.paren(score), expression=self._minimum(fuzzy, at)))
            scores.append(score)
        if scores and join.how not in ("exists", "not_exists"):
            # The least similarity of the pair, for later steps and evidence.
            name = prefix + SIMILARITY
            self._claim(list(combined), name, f"{where}.fuzzy")
            combined[name] = (
                scores[0].copy()
                if len(scores) == 1
                else exp.Least(
                    this=scores[0].copy(),
                    expressions=[s.copy() for s in scores[1:]],
                    ignore_nulls=True,
                )
            )
        if join.condition is not None:
            keys.append(self.expression(join.condition, combined, f"{where}.condition"))
        right_table = exp.to_table(join.with_).as_(right_alias)
        if join.how in ("exists", "not_exists"):
            probe = exp.select(exp.Literal.number(1)).from_(right_table).where(exp.and_(*keys))
            found: exp.Expr = exp.Exists(this=probe)
            conditions.append(found if join.how == "exists" else exp.not_(found))
            return query, ns
        query = query.join(right_table, on=exp.and_(*keys), join_type=join.how, copy=False)
        return query, combined

    @staticmethod
    def _similarity(
        fuzzy: FuzzyCondition,
        ns: Namespace,
        right_columns: tuple[str, ...],
        right_alias: str,
        where: str,
    ) -> exp.Expr:
        """The similarity (DOUBLE in 0..1) of one fuzzy condition, over both sides' columns."""
        if fuzzy.left not in ns:
            raise ModelError(
                f"此处没有列 {fuzzy.left}；可用列：{', '.join(ns)}",
                f"column {fuzzy.left} not known; known: {', '.join(ns)}",
                where=f"{where}.left",
            )
        if fuzzy.right not in right_columns:
            raise ModelError(
                f"连接对象没有列 {fuzzy.right}（不带前缀）；可用列：{', '.join(right_columns)}",
                f"column {fuzzy.right} not known on the joined side (without the prefix); "
                f"known: {', '.join(right_columns)}",
                where=f"{where}.right",
            )
        left = exp.cast(ns[fuzzy.left].copy(), "VARCHAR")
        right = exp.cast(exp.column(fuzzy.right, table=right_alias), "VARCHAR")
        return similarity_sql(fuzzy.method, left, right)

    def _minimum(self, fuzzy: FuzzyCondition, where: str) -> exp.Expr:
        """The `min` of a fuzzy condition as a number literal (a parameter's value too)."""
        name = fuzzy.parameter
        if name is None:
            return exp.Literal.number(repr(float(fuzzy.min)))
        kind = self.param_types.get(name)
        if kind is None:
            raise ModelError(
                f"未声明的参数 ${name}；已声明：{', '.join(sorted(self.param_types))}",
                f"undeclared parameter ${name}; declared: {', '.join(sorted(self.param_types))}",
                where=f"{where}.min",
            )
        value = self.values[name]
        if kind != "decimal" or not isinstance(value, Decimal):
            raise ModelError(
                f"min 的参数 ${name} 须为 decimal 类型（现为 {kind}）",
                f"the min parameter ${name} must be of type decimal (it is {kind})",
                where=f"{where}.min",
            )
        if not Decimal(0) <= value <= Decimal(1):
            raise ModelError(
                f"参数 ${name} 的取值 {value} 不在 0 到 1 之间",
                f"parameter ${name} is {value}, not between 0 and 1",
                where=f"{where}.min",
            )
        return exp.Literal.number(str(value))

    def _aggregate(
        self, query: exp.Select, ns: Namespace, step: Step, where: str
    ) -> tuple[exp.Select, list[str]]:
        out: list[str] = []
        for name in step.group_by:
            if name not in ns:
                raise ModelError(
                    f"分组列 {name} 不存在；可用列：{', '.join(ns)}",
                    f"group_by column {name} not found; available: {', '.join(ns)}",
                    where=f"{where}.group_by",
                )
            self._claim(out, name, f"{where}.group_by")
            query = query.select(exp.alias_(ns[name], name), copy=False)
        if step.group_by:
            query = query.group_by(*(ns[c] for c in step.group_by), copy=False)
        for name, text in step.aggregate.items():
            at = f"{where}.aggregate.{name}"
            self._claim(out, name, at)
            value = self.expression(text, ns, at, aggregates=True)
            _check_grouped(parse_expression(text, where=at), step.group_by, at)
            query = query.select(exp.alias_(value, name), copy=False)
        return query, out

    def _wrap(
        self, inner: exp.Select, out: list[str], step: Step, where: str
    ) -> tuple[exp.Select, list[str]]:
        ns: Namespace = {c: exp.column(c, table="g") for c in out}
        for name in step.keep:
            if name not in ns:
                raise ModelError(
                    f"keep 中的列 {name} 不存在；可用列：{', '.join(out)}",
                    f"keep names unknown column {name}; available: {', '.join(out)}",
                    where=f"{where}.keep",
                )
        kept = step.keep or out
        query = exp.select(*(exp.alias_(ns[c], c) for c in kept)).from_(
            inner.subquery("g", copy=False)
        )
        if step.having is not None:
            query = query.where(self.expression(step.having, ns, f"{where}.having"), copy=False)
        return query, list(kept)

    def user_sql(self, sql: str) -> None:
        readable = sorted(set(self.spec.sources.values()))
        for type_id in readable:
            if type_id not in self.types:
                raise ModelError(
                    f"未知的数据类型 {type_id}",
                    f"unknown dataset type {type_id}",
                    where="sources",
                )
        tree = check_user_sql(sql, readable, params=self.param_types, known=set(self.types))
        names = tree.named_selects
        if "*" in names or len(set(names)) != len(names) or not names:
            raise ModelError(
                "SQL 最外层 SELECT 须逐一列出不重复的列名（不能用 *）",
                "the outer SELECT of the sql must name distinct columns (no *)",
                where="sql",
            )
        bound = substitute_params(tree, self.param_types, self.values)
        select = exp.select("*").from_(
            exp.Subquery(this=bound, alias=exp.TableAlias(this=exp.to_identifier("q")))
        )
        self._add(PlanStep("query", "sql", "SQL 查询", "SQL query", select, tuple(names)))

    def clues(self) -> tuple[exp.Query, tuple[Branch, ...]]:
        clue = self.spec.clue
        branches = tuple(clue.branches) or (
            Branch.model_validate(
                {
                    "id": "main",
                    "name_zh": self.spec.name_zh,
                    "name_en": self.spec.name_en,
                    "from": self.steps[-1].name,
                }
            ),
        )
        selects: list[exp.Select] = []
        for i, branch in enumerate(branches):
            where = f"clue.branches[{i}]"
            columns = self._input(branch.from_, f"{where}.from")
            ns: Namespace = {c: exp.column(c) for c in columns}
            key = self.expression(clue.subject_key, ns, "clue.subject_key")
            evidence = [ns[c].copy() if c in ns else exp.null() for c in clue.evidence]
            struct = (
                exp.Struct(
                    expressions=[
                        exp.PropertyEQ(this=exp.to_identifier(c), expression=e.copy())
                        for c, e in zip(clue.evidence, evidence, strict=True)
                    ]
                )
                if clue.evidence
                else exp.null()
            )
            selects.append(
                exp.select(
                    exp.alias_(exp.Literal.string(branch.id), "branch"),
                    exp.alias_(exp.Literal.string(clue.subject_type), "subject_type"),
                    exp.alias_(exp.cast(key, "VARCHAR"), "subject_key"),
                    exp.alias_(self._title(clue.title, ns, f"{where} clue.title"), "title"),
                    exp.alias_(exp.Literal.string(branch.severity or clue.severity), "severity"),
                    exp.alias_(struct, "evidence"),
                    *(exp.alias_(e, c) for c, e in zip(clue.evidence, evidence, strict=True)),
                ).from_(branch.from_)
            )
        for name in clue.evidence:
            if name in CLUE_COLUMNS or clue.evidence.count(name) > 1:
                raise ModelError(
                    f"证据列 {name} 重名",
                    f"evidence column {name} is a duplicate or a reserved name",
                    where="clue.evidence",
                )
        query: exp.Query = selects[0]
        for select in selects[1:]:
            query = exp.union(query, select, distinct=False)
        return query, branches

    def _title(self, template: str, ns: Namespace, where: str) -> exp.Expr:
        parts: list[exp.Expr] = []
        for k, piece in enumerate(_PLACEHOLDER.split(template)):
            if k % 2 == 0:
                if piece:
                    parts.append(exp.Literal.string(piece))
                continue
            if piece not in ns:
                raise ModelError(
                    f"标题模板引用了不存在的列 {{{piece}}}；可用列：{', '.join(ns)}",
                    f"the title template names unknown column {{{piece}}}; available: "
                    f"{', '.join(ns)}",
                    where=where,
                )
            parts.append(
                exp.func("coalesce", exp.cast(ns[piece].copy(), "VARCHAR"), exp.Literal.string(""))
            )
        if len(parts) == 1:
            return parts[0]
        return exp.Concat(expressions=parts or [exp.Literal.string("")])


def similarity_sql(method: str, left: exp.Expr, right: exp.Expr) -> exp.Expr:
    """The similarity of two texts by a fuzzy join `method`, as a DOUBLE in 0..1.

    `name` and `org` use jiandu's name functions (installed on the model connection;
    the name similarity is cast, so that every method gives a DOUBLE);
    DuckDB's `levenshtein` counts bytes, so `levenshtein` divides by the longer byte
    length (`strlen`): for ASCII codes that is the number of characters.
    """
    if method == "name":
        score = exp.Anonymous(this="jd_name_similarity", expressions=[left, right])
        return exp.cast(score, "DOUBLE")
    if method == "org":
        return exp.JarowinklerSimilarity(
            this=exp.Anonymous(this="jd_org_core", expressions=[left]),
            expression=exp.Anonymous(this="jd_org_core", expressions=[right]),
        )
    if method == "text":
        return exp.JarowinklerSimilarity(this=left, expression=right)
    longer = exp.Greatest(
        this=exp.Anonymous(this="strlen", expressions=[left.copy()]),
        expressions=[exp.Anonymous(this="strlen", expressions=[right.copy()])],
        ignore_nulls=True,
    )
    edits = exp.cast(exp.Levenshtein(this=left, expression=right), "DOUBLE")
    ratio = exp.Div(
        this=edits, expression=exp.Nullif(this=longer, expression=exp.Literal.number(0))
    )
    return exp.Sub(this=exp.Literal.number(1), expression=ratio)


def _check_grouped(tree: exp.Expr, group_by: list[str], where: str) -> None:
    """Refuse a column used outside an aggregate that is not in group_by."""
    for column in tree.find_all(exp.Column):
        if column.name not in group_by and column.find_ancestor(exp.AggFunc) is None:
            raise ModelError(
                f"列 {column.name} 既不在 group_by 中，也不在汇总函数内",
                f"column {column.name} is neither in group_by nor inside an aggregate",
                where=where,
            )


def compile_model(
    spec: ModelSpec,
    params: Mapping[str, Any] | None = None,
    *,
    as_of: date | None = None,
    types: Mapping[str, DatasetType] | None = None,
) -> CompiledModel:
    """Compile `spec` for the given parameter overrides (defaults otherwise).

    `as_of` is the run's reference date (`$as_of`; today when None); `types` are the
    dataset types known to the platform (built-in ones when None).
    """
    values = resolve_params(spec, params, as_of=as_of)
    compiler = _Compiler(spec, values, types if types is not None else builtin_types())
    for alias, type_id in spec.sources.items():
        compiler.source(alias, type_id)
    if spec.sql is not None:
        compiler.user_sql(spec.sql)
    for index, step in enumerate(spec.steps):
        compiler.step(index, step)
    clues, branches = compiler.clues()
    return CompiledModel(
        model_id=spec.id,
        version=spec.version,
        sources=tuple(sorted(set(spec.sources.values()))),
        params=values,
        steps=tuple(compiler.steps),
        clues=clues,
        branches=branches,
        evidence_columns=tuple(spec.clue.evidence),
    )


def validate_model(spec: ModelSpec, types: Mapping[str, DatasetType] | None = None) -> None:
    """Check everything the compiler checks, with default parameters; ModelError if not."""
    compile_model(spec, types=types, as_of=date(2000, 1, 1))
