"""Which personal data each hit column carries, traced through the model (column lineage).

Masking a run's hits must know which columns hold personal data, but model authors name
output columns freely (`max(respondent_name)` as `name`, `holder`, `buyer`), so the name
of a column says little. `hit_lineage` follows every output column of the compiled clue
query (the very sqlglot plan that runs: one CTE per step, then the clue SELECT of each
branch; or the power user's SQL) back to the fields of the source dataset types, and
gives it a class:

- `id` / `contact` / `name`: the column *is* a PII value of that class: a source field of
  that class, or an expression or aggregate whose only values come from such fields
  (`max(respondent_name)`, `coalesce(owner_id_card, holder_id_card)`,
  `any_value(id_card)` in SQL). Values from fields of several classes
  (`coalesce(name, id_card)`) get `name`, the strictest mask. So do PII values joined
  with nothing but literals (`'被执行人' || name`, `agent_name || '（' || agent_phone ||
  '）'`): with no other column in it, the text is the personal data.
- `text`: free text: a PII value combined with other columns' values (the clue title
  over a case number and a finding), or no PII at all. Free text is scrubbed of ID and
  phone numbers, and the row's own names (from its `name` columns) are hidden inside it.
- `drop`: derived from a PII field without being it (`id_card_birth_date`, `year(...)`
  of it): left out of masked output, as for pool data.

Branches are traced one by one too (`HitLineage.branches`): a column may hold a phone
number in one branch and an address in another, and masking treats each hit row by its
own branch. Over all branches together (`HitLineage.columns`, for rows without a known
branch) a column that is PII in any branch counts as PII: over-masking is safe.

Conditions do not carry values into a column (`count_if(id_card is null)`, a CASE's
WHEN, `count(distinct id_card)`), so they do not make it personal data; nor do measures
of a text: lengths and similarities (a fuzzy join's `<prefix>similarity` is `text`),
whereas `pinyin(name)` and `org_core(name)` are the name in another form and keep its
class. A column the tracer cannot follow (an unknown table, an ambiguous or correlated
reference) is left out of the answer; masking then falls back to matching column names.

The answer depends only on the spec and the source types, so it is cached per model id,
version, content and source types.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Literal

from sqlalchemy.orm import Session
from sqlglot import exp
from sqlglot.errors import SqlglotError

from jiandu.catalog.dataset_type import DatasetType
from jiandu.fields.registry import get_type
from jiandu.models.compiler import compile_model
from jiandu.models.errors import ModelError
from jiandu.models.expressions import CONTAINS_ANY
from jiandu.models.registry import get_model
from jiandu.models.spec import ModelSpec

#: What masking does with a hit column (the `ColumnTreatment`s of jiandu.security.masking).
HitClass = Literal["id", "contact", "name", "text", "drop"]
_Kind = Literal["id", "contact", "name", "text", "drop", "plain"]
_PII: tuple[_Kind, ...] = ("id", "contact", "name")
# Columns of a table as the tracer sees them; None: not known (the whole table or a column).
_Columns = dict[str, "_Kind | None"]

# Nodes whose value never carries the values of the columns inside them: counts,
# conditions and tests, ranks. Columns under them do not reach the output.
_NEUTRAL: tuple[type[exp.Expr], ...] = (
    exp.Count,
    exp.CountIf,
    exp.Predicate,
    exp.Connector,
    exp.Not,
    exp.Exists,
    exp.Length,
    exp.JarowinklerSimilarity,
    exp.Levenshtein,
    exp.Contains,
    exp.StartsWith,
    exp.EndsWith,
    exp.RowNumber,
    exp.Rank,
    exp.DenseRank,
    exp.Where,
)
# Nodes that join several values into one text: PII inside them becomes free text.
_COMBINING: tuple[type[exp.Expr], ...] = (exp.Concat, exp.DPipe, exp.ConcatWs)


# Functions by SQL name whose value is a test or a measure, never the text inside:
# jiandu's `contains_any(text, $words)` (true or false), a name similarity (a number in
# 0..1, as fuzzy joins' <prefix>similarity) and a length in bytes.
_NEUTRAL_FUNCTIONS = frozenset({CONTAINS_ANY, "jd_name_similarity", "strlen"})


def _is_test(node: exp.Expr) -> bool:
    """A call of one of `_NEUTRAL_FUNCTIONS`: its value carries none of its arguments."""
    return isinstance(node, exp.Anonymous) and str(node.name).lower() in _NEUTRAL_FUNCTIONS


def _combine(kinds: list[_Kind]) -> _Kind:
    """The class of a value that is one of several alternatives (branches, coalesce)."""
    if "drop" in kinds:
        return "drop"
    pii = {k for k in kinds if k in _PII}
    if len(pii) == 1:
        return pii.pop()
    if pii:
        return "name"  # the strictest mask: it keeps one character of anything
    return "text" if "text" in kinds else "plain"


def _source_columns(dataset_type: DatasetType) -> _Columns:
    """A pool view's columns: fields by PII class, columns derived from PII fields drop."""
    columns: _Columns = {}
    for spec in dataset_type.fields:
        pii = spec.pii if spec.pii in ("id", "contact", "name") else None
        columns[spec.name] = pii or "plain"
        for derived in get_type(spec.type).derived:
            columns[f"{spec.name}_{derived.suffix}"] = "drop" if pii else "plain"
    return columns


class _Leaves:
    """The columns and subqueries whose values reach an expression's value."""

    def __init__(self, node: exp.Expr) -> None:
        self.columns: list[exp.Column] = []
        self.queries: list[exp.Expr] = []
        self.combining = False
        self._walk(node)

    def _walk(self, node: exp.Expr) -> None:
        if isinstance(node, exp.Column):
            self.columns.append(node)
            return
        if isinstance(node, exp.Subquery | exp.Query):
            self.queries.append(node)
            return
        if isinstance(node, _NEUTRAL) or _is_test(node):
            return
        if isinstance(node, _COMBINING):
            self.combining = True
        for child in self._values(node):
            self._walk(child)

    @staticmethod
    def _values(node: exp.Expr) -> Iterator[exp.Expr]:
        if isinstance(node, exp.Case):
            for branch in node.args.get("ifs") or []:
                if branch.args.get("true") is not None:
                    yield branch.args["true"]
            if node.args.get("default") is not None:
                yield node.args["default"]
        elif isinstance(node, exp.If):
            for key in ("true", "false"):
                if node.args.get(key) is not None:
                    yield node.args[key]
        elif isinstance(node, exp.Window | exp.Filter | exp.Order | exp.Ordered):
            if node.this is not None:
                yield node.this
        else:
            yield from node.iter_expressions()


class _Tracer:
    """Follows columns through a query tree to the pool views (dataset types) it reads."""

    def __init__(self, views: Mapping[str, _Columns]) -> None:
        self.views = views

    def query(self, node: exp.Expr, tables: Mapping[str, _Columns | None]) -> _Columns | None:
        """The output columns of a query (None if it cannot be followed)."""
        if isinstance(node, exp.Subquery | exp.Paren):
            return self.query(node.this, tables)
        scope = dict(tables)
        with_ = node.args.get("with_")
        if isinstance(with_, exp.With):
            for cte in with_.expressions:
                scope[cte.alias_or_name] = self.query(cte.this, scope)
        if isinstance(node, exp.SetOperation):
            left = self.query(node.left, scope)
            right = self.query(node.right, scope)
            if left is None or right is None or len(left) != len(right):
                return None
            merged: _Columns = {}
            for (name, a), b in zip(left.items(), right.values(), strict=True):
                merged[name] = None if a is None or b is None else _combine([a, b])
            return merged
        if isinstance(node, exp.Select):
            return self._select(node, scope)
        return None

    def _source(
        self, node: exp.Expr, tables: Mapping[str, _Columns | None]
    ) -> tuple[str, _Columns | None]:
        if isinstance(node, exp.Table):
            name = node.name
            columns = tables[name] if name in tables else self.views.get(name)
            return node.alias_or_name, columns
        if isinstance(node, exp.Subquery):
            return node.alias_or_name, self.query(node.this, tables)
        return node.alias_or_name, None

    def _select(self, node: exp.Select, tables: Mapping[str, _Columns | None]) -> _Columns | None:
        sources: dict[str, _Columns | None] = {}
        from_ = node.args.get("from_")
        if isinstance(from_, exp.From):
            alias, columns = self._source(from_.this, tables)
            sources[alias] = columns
        for join in node.args.get("joins") or []:
            alias, columns = self._source(join.this, tables)
            sources[alias] = columns
        out: _Columns = {}
        for projection in node.expressions:
            star = projection if isinstance(projection, exp.Star) else projection.args.get("this")
            if isinstance(projection, exp.Star) or (
                isinstance(projection, exp.Column) and isinstance(star, exp.Star)
            ):
                qualifier = projection.text("table") if isinstance(projection, exp.Column) else ""
                for alias, columns in sources.items():
                    if qualifier and alias != qualifier:
                        continue
                    if columns is None:
                        return None
                    out.update(columns)
                continue
            out[projection.alias_or_name] = self._classify(
                projection.unalias(), sources, tables, out
            )
        return out

    def _column(
        self, column: exp.Column, sources: Mapping[str, _Columns | None], earlier: _Columns
    ) -> _Kind | None:
        name, qualifier = column.name, column.table
        if qualifier:
            columns = sources.get(qualifier)
            return None if columns is None else columns.get(name)
        found = [c for c in sources.values() if c is None or name in c]
        if any(c is None for c in found):
            return None
        kinds = [c[name] for c in found if c is not None]
        if not kinds:
            return earlier.get(name)  # an alias of this SELECT (DuckDB allows it)
        if any(k is None for k in kinds):
            return None
        return _combine([k for k in kinds if k is not None])

    def _classify(
        self,
        node: exp.Expr,
        sources: Mapping[str, _Columns | None],
        tables: Mapping[str, _Columns | None],
        earlier: _Columns,
    ) -> _Kind | None:
        leaves = _Leaves(node)
        kinds: list[_Kind] = []
        for column in leaves.columns:
            kind = self._column(column, sources, earlier)
            if kind is None:
                return None
            kinds.append(kind)
        for query in leaves.queries:
            inner = self.query(query, tables)
            if inner is None or len(inner) != 1:
                return None
            (kind,) = inner.values()
            if kind is None:
                return None
            kinds.append(kind)
        if leaves.combining and any(k in _PII or k == "text" for k in kinds):
            if "drop" in kinds:
                return "drop"
            if all(k in _PII for k in kinds):
                # Personal data joined only with literals (`agent_name || '（' ||
                # agent_phone || '）'`) is still personal data: the strictest mask.
                return _combine(kinds)
            return "text"
        return _combine(kinds)


@dataclass(frozen=True)
class HitLineage:
    """The class of each hit column: over all branches together (`columns`), and per
    branch id (`branches`), where a column may be a phone number in one branch and an
    address in another; read-only."""

    columns: Mapping[str, HitClass]
    branches: Mapping[str, Mapping[str, HitClass]]


def _classes(traced: _Columns | None) -> Mapping[str, HitClass]:
    answer: dict[str, HitClass] = {}
    for name, kind in (traced or {}).items():
        if kind is None or name == "evidence":
            continue
        answer[name] = "text" if kind == "plain" else kind
    return MappingProxyType(answer)


def _selects(query: exp.Expr) -> list[exp.Expr]:
    """The branch SELECTs of the clue query, in order (a left-deep UNION ALL)."""
    if isinstance(query, exp.Union):
        return _selects(query.left) + _selects(query.right)
    return [query]


def trace_hits(spec: ModelSpec, types: Mapping[str, DatasetType]) -> HitLineage:
    """The class of each output (hit) column of `spec` (module docstring), uncached.

    `types` must hold every dataset type the spec reads; ModelError if the spec does not
    compile against them. Columns that cannot be traced are left out; the `evidence`
    struct (its values are the evidence columns beside it) is never in the answer.
    """
    views = {t: _source_columns(types[t]) for t in set(spec.sources.values()) if t in types}
    compiled = compile_model(spec, types=types, as_of=date(2000, 1, 1))
    tracer = _Tracer(views)
    steps: dict[str, _Columns | None] = {}
    for step in compiled.steps:  # the CTEs, in order
        steps[step.name] = tracer.query(step.query, steps)
    branches: dict[str, Mapping[str, HitClass]] = {}
    selects = _selects(compiled.clues)
    if len(selects) == len(compiled.branches):
        for branch, select in zip(compiled.branches, selects, strict=True):
            branches[branch.id] = _classes(tracer.query(select, steps))
    return HitLineage(_classes(tracer.query(compiled.clues, steps)), MappingProxyType(branches))


def _fingerprint(spec: ModelSpec, types: Mapping[str, DatasetType]) -> str:
    used = sorted(set(spec.sources.values()))
    data = {
        "spec": spec.model_dump(mode="json", by_alias=True, exclude_none=True),
        "types": {
            t: [[f.name, f.type, f.pii] for f in types[t].fields] if t in types else None
            for t in used
        },
    }
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


_MEMO: dict[tuple[str, int, str], HitLineage | None] = {}
_MEMO_LOCK = threading.Lock()
_MEMO_SIZE = 512


def hit_lineage(spec: ModelSpec, types: Mapping[str, DatasetType]) -> HitLineage | None:
    """`trace_hits`, cached per (model id, version, content and source types); None when
    the spec does not compile against `types` (then masking matches column names)."""
    key = (spec.id, spec.version, _fingerprint(spec, types))
    with _MEMO_LOCK:
        known = key in _MEMO
        found = _MEMO.get(key)
    if not known:
        try:
            found = trace_hits(spec, types)
        except (ModelError, SqlglotError):
            found = None
        with _MEMO_LOCK:
            _MEMO[key] = found
            while len(_MEMO) > _MEMO_SIZE:
                _MEMO.pop(next(iter(_MEMO)))
    return found


def run_lineage(
    session: Session, model_id: str, version: int, types: Mapping[str, DatasetType]
) -> HitLineage | None:
    """The hit lineage of the model version a run used (stored, else built in), or None
    when that version is not known or does not compile (masking then matches names)."""
    try:
        spec = get_model(session, model_id, version).spec
    except ModelError:
        return None
    return hit_lineage(spec, types)


__all__ = ["HitClass", "HitLineage", "hit_lineage", "run_lineage", "trace_hits"]
