"""Probabilistic record linkage: pairs of records that are probably the same person or
organisation, scored by Splink (Fellegi-Sunter, trained without labels) on DuckDB.

`link(left, right, spec)` compares the records of two tables (or of one table with
itself when `right` is None) and returns every pair whose match probability reaches
`spec.threshold`; `clusters(pairs, ids, threshold=...)` groups records into entities
(connected components of the kept pairs).

**Fields.** Each field names a column and its kind. A kind is normalised once per record
(not once per pair), into the column itself plus helper columns where it needs them, and
compared through a fixed ladder of levels, most specific first. Below, "normal form:
levels"; every ladder starts with "NULL on either side" and ends with "anything else".

- name_zh: `jd_name_simplify` (traditional -> simplified, full-width -> half, no spaces
  or ·), helpers `<col>__pinyin` (`jd_name_pinyin`) and `<col>__dropped` (the name with
  each character left out in turn): exact (with a term-frequency adjustment, so 张伟
  counts for less than a rare name); same pinyin (同音字: 张伟 / 章伟); one character
  changed, added, dropped or moved, or Jaro-Winkler >= 0.9 (for Latin script).
- org_zh: `jd_name_simplify`, helper `<col>__core` (`jd_org_core`: no region prefix, no
  legal-form suffix): exact; same core; core Jaro-Winkler >= 0.9; >= 0.8.
- name: lower case, single spaces: Splink's NameComparison (exact with a
  term-frequency adjustment; Jaro-Winkler >= 0.92, 0.88, 0.7).
- date: digits only (1990-03-05 -> 19900305): exact; Damerau-Levenshtein <= 1 (a typo,
  two swapped digits); same year.
- id, phone: letters and digits, upper case (phone: digits, a leading 86 of a 13-digit
  number dropped): exact; Damerau-Levenshtein <= 1; <= 2.
- address: lower case, single spaces, helper `<col>__grams` (a sketch of its character
  pairs): exact; one contains the other (a dropped province and city); Jaccard of
  character pairs >= 0.7; Jaro-Winkler >= 0.9; Jaccard >= 0.5.
- postcode: no spaces, upper case: exact; first 3 characters; first 2.
- text: lower case, single spaces, helper `<col>__words` (a sketch of its words): exact;
  Jaccard of words >= 0.8; >= 0.6; Jaro-Winkler >= 0.88; Jaccard >= 0.4.
- exact: trimmed text: exact.

Empty strings become NULL, and a NULL on either side falls in Splink's null level, which
counts neither for nor against a match: a register without phone numbers does not make
its records look different from one with them. Jaro-Winkler and edit distances in DuckDB
work on UTF-8 bytes, which is why Chinese names get character-level levels of their own.

**Blocking** says which pairs are scored at all: a pair is scored when it agrees on every
element of at least one rule. An element is a column name (helpers included, e.g.
`name__pinyin`), an SQL expression over one record (`substr(id_card, 1, 6)`,
`split_part(name__pinyin, ' ', 1)`) equal on both sides, or an SQL condition over `l.`
and `r.` written out in full. Columns are compared in their normal form.

**Training** needs no labels. The u-probabilities (how often two unrelated records agree
by chance) come from a random sample of pairs, drawn by hashing the record ids with a
fixed seed, so the same inputs give the same pairs on every run. The m-probabilities (how
often two records of one entity agree) come from expectation maximisation over the pairs
of each blocking rule (the fields in the rule sit that round out), or from `label_column`
when a key such as the ID number is filled in for some records; every m is then kept
above a small floor (`_regularise`). The prior (how likely two random records match)
comes from the `deterministic` rules with their assumed `recall` when there are any, and
otherwise is the prior under which the expected number of matches among the scored
pairs equals itself (`_prior_from_scored`); Splink's own estimate from the EM rounds
breaks down when a blocking rule's pairs are nearly all matches.

Splink runs on the caller's DuckDB connection when one is given (so large inputs spill
to its temp directory) or on a fresh in-memory one. Everything `link` creates there,
Splink's own `__splink__` tables included, is dropped before it returns; the name
functions (`jiandu.entities.names.install_name_functions`) stay installed.
"""

from __future__ import annotations

import logging
import math
import re
import secrets
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal, get_args

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import ColumnExpression, DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule

from jiandu.entities import graph
from jiandu.entities.names import install_name_functions
from jiandu.errors import JianduError

__all__ = [
    "KINDS",
    "Field",
    "Kind",
    "LinkSpec",
    "LinkageError",
    "clusters",
    "link",
]

Kind = Literal[
    "name_zh", "org_zh", "name", "date", "id", "phone", "address", "postcode", "text", "exact"
]
KINDS: tuple[str, ...] = get_args(Kind)

#: Seed of the random pair sample for u-probabilities (mixed into a hash of the ids).
SEED = 20240909
#: Pairs sampled for u-probabilities; more than enough for the levels above.
U_MAX_PAIRS = 1e6
#: Above this many records, EM trains on a hash sample of about this many pairs per rule.
EM_MAX_PAIRS = 2e6
_EM_SAMPLE_FROM_RECORDS = 200_000

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SIDE_REF = re.compile(r"\b[lr]\.")
_HELPER_SUFFIXES = ("__pinyin", "__dropped", "__core", "__words", "__grams")
_PREFIX = "__splink__jd_"
# Pairs whose Bayes factors multiply to less than 2**-3 are dropped before the prior is
# estimated (see _prior_from_scored).
_EVIDENCE_FLOOR = -3.0
_PRIOR_ITERATIONS = 200
_M_FLOOR = 1e-3
_M_FLOOR_ELSE = 1e-2


_EMPTY = pa.schema(
    [
        ("id_l", pa.string()),
        ("id_r", pa.string()),
        ("match_probability", pa.float64()),
        ("match_weight", pa.float64()),
    ]
)


class LinkageError(JianduError):
    """A linkage spec does not fit the tables it is applied to."""


@dataclass(frozen=True)
class Field:
    """One column to compare and how (see the module docstring for each kind)."""

    column: str
    kind: Kind


@dataclass(frozen=True)
class LinkSpec:
    """What to compare, which pairs to score, and the match probability kept."""

    fields: tuple[Field, ...]
    # each rule a tuple of columns (or SQL expressions, or conditions over l./r.) that
    # must all be equal on both sides
    blocking: tuple[tuple[str, ...], ...]
    threshold: float = 0.9
    # when set, m-probabilities are estimated from records sharing this label
    label_column: str | None = None
    # SQL rules for the prior (estimate_probability_two_random_records_match)
    deterministic: tuple[str, ...] = ()
    # assumed recall of the deterministic rules
    recall: float = 0.8


# ---------------------------------------------------------------------------------------
# Normalisation (one SQL expression per column, applied once per record)


def _normalised(column: str, kind: str) -> tuple[str, list[tuple[str, str]]]:
    """The SQL of a field's normal form (over the input column) and of its helper columns
    (name, SQL over the column in normal form)."""
    c = f'CAST("{column}" AS VARCHAR)'
    s = f'"{column}"'  # in the helpers: the normal form

    def blank_null(expr: str) -> str:
        return f"NULLIF(trim({expr}), '')"

    def spaced(expr: str) -> str:
        return blank_null(f"lower(regexp_replace({expr}, '\\s+', ' ', 'g'))")

    if kind == "name_zh":
        # the name with each character left out in turn (names of up to 8 characters)
        dropped = (
            f"CASE WHEN length({s}) <= 8 THEN list_transform(range(1, length({s}) + 1), "
            f"lambda i: substr({s}, 1, i - 1) || substr({s}, i + 1)) END"
        )
        return f"NULLIF(jd_name_simplify({c}), '')", [
            (f"{column}__pinyin", f"NULLIF(jd_name_pinyin({s}), '')"),
            (f"{column}__dropped", dropped),
        ]
    if kind == "org_zh":
        core = [(f"{column}__core", f"NULLIF(jd_org_core({s}), '')")]
        return f"NULLIF(jd_name_simplify({c}), '')", core
    if kind == "text":
        words = (
            f"list_distinct(list_filter(string_split_regex({s}, '[^\\p{{L}}\\p{{N}}]+'), "
            "lambda x: x <> ''))"
        )
        return spaced(c), [(f"{column}__words", _sketch(words))]
    if kind == "address":
        grams = f"list_transform(range(1, length({s})), lambda i: substr({s}, i, 2))"
        return spaced(c), [(f"{column}__grams", _sketch(grams))]
    if kind == "name":
        return spaced(c), []
    if kind == "date":
        return blank_null(f"regexp_replace({c}, '[^0-9]', '', 'g')"), []
    if kind == "id":
        return blank_null(f"upper(regexp_replace({c}, '[^0-9A-Za-z]', '', 'g'))"), []
    if kind == "phone":
        digits = f"regexp_replace({c}, '[^0-9]', '', 'g')"
        return blank_null(
            f"CASE WHEN length({digits}) = 13 AND starts_with({digits}, '86') "
            f"THEN substr({digits}, 3) ELSE {digits} END"
        ), []
    if kind == "postcode":
        return blank_null(f"upper(regexp_replace({c}, '\\s+', '', 'g'))"), []
    return blank_null(c), []  # exact


def _sketch(strings: str) -> str:
    """A 127-bit set sketch of a list of strings (one bit per string, by hash): the size
    of an intersection or union of two sets is then one AND/OR and a bit count, a hundred
    times cheaper than list_intersect. Collisions make unrelated sets look a little more
    alike (measured on FEBRL addresses: 1,058 pairs instead of 1,016 at Jaccard >= 0.7);
    u and m are learnt on the same sketch, so the model accounts for it."""
    bits = f"list_transform({strings}, lambda g: 1::HUGEINT << (hash(g) % 127)::HUGEINT)"
    return f"list_reduce({bits}, lambda a, b: a | b, 0::HUGEINT)"


# ---------------------------------------------------------------------------------------
# Comparisons


def _comparison(field: Field) -> Any:
    col, kind = field.column, field.kind
    if kind == "name_zh":
        pinyin, dropped = f"{col}__pinyin", f"{col}__dropped"
        return cl.CustomComparison(
            comparison_levels=[
                cll.NullLevel(col),
                cll.ExactMatchLevel(col, term_frequency_adjustments=True),
                cll.ExactMatchLevel(pinyin).configure(label_for_charts="same pinyin"),
                cll.CustomLevel(
                    f"{dropped}_l IS NOT NULL AND {dropped}_r IS NOT NULL AND "
                    f"(list_has_any({dropped}_l, {dropped}_r) "
                    f"OR list_contains({dropped}_l, {col}_r) "
                    f"OR list_contains({dropped}_r, {col}_l) "
                    f"OR jaro_winkler_similarity({col}_l, {col}_r) >= 0.9)",
                    "one character changed, added, dropped or moved",
                ),
                cll.ElseLevel(),
            ],
            output_column_name=col,
        )
    if kind == "org_zh":
        core = f"{col}__core"
        return cl.CustomComparison(
            comparison_levels=[
                cll.NullLevel(col),
                cll.ExactMatchLevel(col),
                cll.ExactMatchLevel(core),
                cll.JaroWinklerLevel(core, 0.9),
                cll.JaroWinklerLevel(core, 0.8),
                cll.ElseLevel(),
            ],
            output_column_name=col,
        )
    if kind == "name":
        return cl.NameComparison(col)
    if kind == "date":
        return cl.CustomComparison(
            comparison_levels=[
                cll.NullLevel(col),
                cll.ExactMatchLevel(col),
                _edits(col, 1),
                cll.ExactMatchLevel(ColumnExpression(col).substr(1, 4)),
                cll.ElseLevel(),
            ],
            output_column_name=col,
        )
    if kind in ("id", "phone"):
        return cl.CustomComparison(
            comparison_levels=[
                cll.NullLevel(col),
                cll.ExactMatchLevel(col),
                _edits(col, 1),
                _edits(col, 2),
                cll.ElseLevel(),
            ],
            output_column_name=col,
        )
    if kind == "address":
        grams = f"{col}__grams"
        return cl.CustomComparison(
            comparison_levels=[
                cll.NullLevel(col),
                cll.ExactMatchLevel(col, term_frequency_adjustments=True),
                cll.CustomLevel(
                    f"contains({col}_l, {col}_r) OR contains({col}_r, {col}_l)",
                    "one contains the other",
                ),
                _overlap(grams, 0.7, "character pairs"),
                cll.JaroWinklerLevel(col, 0.9),
                _overlap(grams, 0.5, "character pairs"),
                cll.ElseLevel(),
            ],
            output_column_name=col,
        )
    if kind == "postcode":
        return cl.CustomComparison(
            comparison_levels=[
                cll.NullLevel(col),
                cll.ExactMatchLevel(col),
                cll.ExactMatchLevel(ColumnExpression(col).substr(1, 3)),
                cll.ExactMatchLevel(ColumnExpression(col).substr(1, 2)),
                cll.ElseLevel(),
            ],
            output_column_name=col,
        )
    if kind == "text":
        words = f"{col}__words"
        return cl.CustomComparison(
            comparison_levels=[
                cll.NullLevel(col),
                cll.ExactMatchLevel(col),
                _overlap(words, 0.8, "words"),
                _overlap(words, 0.6, "words"),
                cll.JaroWinklerLevel(col, 0.88),
                _overlap(words, 0.4, "words"),
                cll.ElseLevel(),
            ],
            output_column_name=col,
        )
    return cl.ExactMatch(col)


def _edits(col: str, at_most: int) -> Any:
    """Damerau-Levenshtein distance (on bytes: meant for digits and letters) <= at_most.

    DuckDB's damerau_levenshtein costs about 3 s per million pairs of 7-digit strings;
    plain levenshtein a tenth of that. A transposition is two Levenshtein edits, so
    levenshtein <= 2 * at_most is a safe gate, and CASE evaluates the costly function on
    the few pairs that pass it.
    """

    return cll.CustomLevel(
        f"CASE WHEN levenshtein({col}_l, {col}_r) <= {2 * at_most} "
        f"THEN damerau_levenshtein({col}_l, {col}_r) <= {at_most} ELSE false END",
        f"Damerau-Levenshtein <= {at_most}",
    )


def _overlap(column: str, at_least: float, what: str) -> Any:
    """Jaccard similarity of two sets (`_sketch`) >= at_least: |A n B| / |A u B| >= t."""

    shared = f"bit_count({column}_l & {column}_r)"
    union = f"bit_count({column}_l | {column}_r)"
    return cll.CustomLevel(
        f"{shared} > 0 AND {shared} >= {at_least} * {union}", f"Jaccard of {what} >= {at_least}"
    )


def _blocking_sql(rule: tuple[str, ...]) -> str:
    """One blocking rule as an SQL condition over l. and r."""

    parts = []
    for element in rule:
        if _SIDE_REF.search(element):
            parts.append(f"({element})")
        else:
            parts.append(f"({block_on(element).get_blocking_rule('duckdb').blocking_rule_sql})")
    return " AND ".join(parts)


# ---------------------------------------------------------------------------------------
# Checks


def _check(left: pa.Table, right: pa.Table | None, spec: LinkSpec, id_column: str) -> None:
    if not spec.fields:
        raise LinkageError("链接规则至少需要一个比较字段", "a link spec needs at least one field")
    if not spec.blocking:
        raise LinkageError(
            "链接规则至少需要一条分块规则（否则要比较所有记录对）",
            "a link spec needs at least one blocking rule (otherwise every pair is scored)",
        )
    if not 0.0 < spec.threshold < 1.0:
        raise LinkageError(
            f"匹配概率阈值必须在 0 和 1 之间：{spec.threshold}",
            f"the match probability threshold must be between 0 and 1: {spec.threshold}",
        )
    if not 0.0 < spec.recall <= 1.0:
        raise LinkageError(
            f"确定性规则的召回率必须在 0 和 1 之间：{spec.recall}",
            f"the recall of the deterministic rules must be in (0, 1]: {spec.recall}",
        )
    seen: set[str] = set()
    for field in spec.fields:
        if field.kind not in KINDS:
            raise LinkageError(
                f"未知的比较类型 {field.kind!r}（可用：{'、'.join(KINDS)}）",
                f"unknown field kind {field.kind!r} (one of {', '.join(KINDS)})",
            )
        if field.column in seen:
            raise LinkageError(
                f"字段 {field.column} 重复出现在链接规则中",
                f"field {field.column} appears twice in the link spec",
            )
        seen.add(field.column)
    needed = [id_column, *seen] + ([spec.label_column] if spec.label_column else [])
    for name in needed:
        if not _IDENT.match(name) or name.endswith(_HELPER_SUFFIXES) or name.startswith("__"):
            raise LinkageError(
                f"列名 {name!r} 须由英文字母、数字和下划线组成，不以数字或 __ 开头，"
                f"不以 {'/'.join(_HELPER_SUFFIXES)} 结尾",
                f"column name {name!r} must be letters, digits and underscores, not starting "
                f"with a digit or __, not ending in {'/'.join(_HELPER_SUFFIXES)}",
            )
    for side, table in (("left", left), ("right", right)):
        if table is None:
            continue
        missing = [name for name in needed if name not in table.column_names]
        if missing:
            raise LinkageError(
                f"{'左' if side == 'left' else '右'}表缺少列：{'、'.join(missing)}",
                f"the {side} table lacks columns: {', '.join(missing)}",
            )


def _root(column: str) -> str:
    """The field a helper column belongs to (name__pinyin -> name)."""
    for suffix in _HELPER_SUFFIXES:
        if column.endswith(suffix):
            return column[: -len(suffix)]
    return column


def _extra_columns(spec: LinkSpec, table: pa.Table, taken: set[str]) -> list[str]:
    """Columns named in blocking or deterministic rules that are not fields already."""
    text = " ".join([*(" ".join(rule) for rule in spec.blocking), *spec.deterministic])
    words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))
    return [c for c in table.column_names if c in words and c not in taken and _IDENT.match(c)]


# ---------------------------------------------------------------------------------------
# Connection housekeeping


def _objects(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "UNION ALL SELECT view_name FROM duckdb_views() WHERE NOT internal"
    ).fetchall()
    return {row[0] for row in rows}


def _drop(con: duckdb.DuckDBPyConnection, name: str) -> None:
    for what in ("TABLE", "VIEW"):
        try:
            con.execute(f'DROP {what} IF EXISTS "{name}"')
        except duckdb.CatalogException:
            continue


@contextmanager
def _quiet(name: str = "splink", level: int = logging.WARNING) -> Iterator[None]:
    """Splink logs every step at INFO; keep only its warnings while linking."""
    logger = logging.getLogger(name)
    before = logger.level
    logger.setLevel(level)
    try:
        yield
    finally:
        logger.setLevel(before)


# ---------------------------------------------------------------------------------------
# Linking


def link(
    left: pa.Table,
    right: pa.Table | None,
    spec: LinkSpec,
    *,
    id_column: str = "unique_id",
    con: duckdb.DuckDBPyConnection | None = None,
    stats: dict[str, Any] | None = None,
) -> pa.Table:
    """Pairs of records that probably describe the same entity.

    With `right` None the records of `left` are deduplicated (pairs within `left`, each
    pair once, `id_l < id_r`); otherwise each pair has one record from each table
    (`id_l` from `left`). Returns id_l, id_r (strings), match_probability and
    match_weight (float64) for the pairs whose probability is at least
    `spec.threshold`, sorted by id_l, id_r.

    `stats`, when given, receives seconds per phase (prepare, train_u, train_m,
    predict), the number of pairs scored and the prior used.
    """
    _check(left, right, spec, id_column)
    if left.num_rows < (2 if right is None else 1) or (right is not None and not right.num_rows):
        return _EMPTY.empty_table()  # nothing to pair
    own = con is None
    connection = duckdb.connect() if con is None else con
    before = set() if own else _objects(connection)
    try:
        with _quiet():
            return _link(connection, left, right, spec, id_column, {} if stats is None else stats)
    finally:
        if own:
            connection.close()
        else:
            for name in _objects(connection) - before:
                if name.startswith("__splink__"):
                    _drop(connection, name)


def _prepare(
    con: duckdb.DuckDBPyConnection,
    table: pa.Table,
    spec: LinkSpec,
    id_column: str,
    extra: list[str],
    name: str,
) -> None:
    """Materialise one input, normalised, as table `name` on `con`."""
    view = f"{name}_raw"
    con.register(view, table)
    try:
        selects = [f'CAST("{id_column}" AS VARCHAR) AS "{id_column}"']
        helpers = []
        for field in spec.fields:
            main, extra_columns = _normalised(field.column, field.kind)
            selects.append(f'{main} AS "{field.column}"')
            helpers += [f'{expr} AS "{out}"' for out, expr in extra_columns]
        if spec.label_column and spec.label_column not in {f.column for f in spec.fields}:
            label = spec.label_column
            selects.append(f'NULLIF(trim(CAST("{label}" AS VARCHAR)), \'\') AS "{label}"')
        selects += [f'"{c}"' for c in extra]
        con.execute(
            f'CREATE TABLE "{name}" AS SELECT *{"".join(", " + h for h in helpers)} '
            f'FROM (SELECT {", ".join(selects)} FROM "{view}")'
        )
    finally:
        con.unregister(view)
    ((bad,),) = con.execute(
        f'SELECT count(*) - count(DISTINCT "{id_column}") FROM "{name}"'
    ).fetchall()
    if bad:
        raise LinkageError(
            f"记录编号列 {id_column} 必须非空且唯一",
            f"the record id column {id_column} must be filled in and unique",
        )


def _link(
    con: duckdb.DuckDBPyConnection,
    left: pa.Table,
    right: pa.Table | None,
    spec: LinkSpec,
    id_column: str,
    stats: dict[str, Any],
) -> pa.Table:
    clock = time.perf_counter()

    def lap(phase: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stats[f"seconds_{phase}"] = now - clock
        clock = now

    if any(f.kind in ("name_zh", "org_zh") for f in spec.fields):
        install_name_functions(con)
    uid = secrets.token_hex(4)
    left_name, right_name = f"{_PREFIX}{uid}_a", f"{_PREFIX}{uid}_b"
    taken = {id_column, *(f.column for f in spec.fields)}
    if spec.label_column:
        taken.add(spec.label_column)
    extra = _extra_columns(spec, left, taken)
    if right is not None:
        extra = [c for c in extra if c in right.column_names]
    _prepare(con, left, spec, id_column, extra, left_name)
    if right is not None:
        _prepare(con, right, spec, id_column, extra, right_name)

    db = DuckDBAPI(connection=con)
    inputs = [db.register(left_name, dataset_display_name="a", table_name=f"{left_name}_in")]
    if right is not None:
        inputs.append(
            db.register(right_name, dataset_display_name="b", table_name=f"{right_name}_in")
        )
    blocking = [_blocking_sql(rule) for rule in spec.blocking]
    settings = SettingsCreator(
        link_type="dedupe_only" if right is None else "link_only",
        unique_id_column_name=id_column,
        comparisons=[_comparison(field) for field in spec.fields],
        blocking_rules_to_generate_predictions=[CustomRule(rule) for rule in blocking],
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )
    # log_level None: Splink would otherwise install a stderr handler on its logger
    linker = Linker(inputs if right is not None else inputs[0], settings, log_level=None)
    sizes = (left.num_rows, right.num_rows if right is not None else left.num_rows)
    lap("prepare")

    _train_u(linker, sizes, dedupe=right is None)
    lap("train_u")
    labelled = spec.label_column is not None and _label_pairs(
        con, spec.label_column, left_name, right_name if right is not None else None
    )
    stats["m_from"] = _train_m(linker, spec, blocking, labelled, sum(sizes))
    _regularise(linker)
    lap("train_m")

    result = _predict(
        con, linker, spec, sizes, dedupe=right is None, id_column=id_column, stats=stats
    )
    lap("predict")
    return result


def _train_u(linker: Linker, sizes: tuple[int, int], *, dedupe: bool) -> None:
    """u: how often unrelated records agree, from a hash-seeded random sample of pairs."""
    total = sizes[0] * (sizes[0] - 1) / 2 if dedupe else sizes[0] * sizes[1]
    with _quiet("splink.internals.linker_components.training", logging.ERROR):
        # (it warns that 1e6 pairs, its default, may be too few: not for these levels)
        linker.training.estimate_u_using_random_sampling(
            max_pairs=min(U_MAX_PAIRS, max(total, 1.0)),
            seed=SEED,
            min_count_per_level=None,  # one pass: rare levels never reach the count anyway
            num_chunks=1,
        )


def _train_m(
    linker: Linker, spec: LinkSpec, blocking: list[str], labelled: bool, records: int
) -> str:
    """m: from records sharing the label, or by EM over each blocking rule's pairs."""
    if labelled and spec.label_column is not None:
        linker.training.estimate_m_from_label_column(spec.label_column)
        return "label"
    rounds = 0
    for rule in blocking:
        roots = {_root(word) for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", rule)}
        if all(field.column in roots for field in spec.fields):
            continue  # the rule fixes every field: nothing left to learn from its pairs
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, max_pairs=EM_MAX_PAIRS if records > _EM_SAMPLE_FROM_RECORDS else None
        )
        rounds += 1
    return f"em ({rounds} rounds)"


def _predict(
    con: duckdb.DuckDBPyConnection,
    linker: Linker,
    spec: LinkSpec,
    sizes: tuple[int, int],
    *,
    dedupe: bool,
    id_column: str,
    stats: dict[str, Any],
) -> pa.Table:
    """Every blocked pair scored; then the prior (unless rules give it) and the cut."""
    total = sizes[0] * (sizes[0] - 1) / 2 if dedupe else sizes[0] * sizes[1]
    settings = linker._settings_obj
    if spec.deterministic:
        linker.training.estimate_probability_two_random_records_match(
            list(spec.deterministic), recall=spec.recall
        )
        prior = float(settings._probability_two_random_records_match)
    else:
        prior = 1.0 / max(*sizes, 2)
        settings._probability_two_random_records_match = prior
    scored = linker.inference.predict().physical_name
    # evidence = the sum of the pair's log2 Bayes factors, i.e. its weight without prior
    evidence = f"(match_weight - {_logit2(prior)!r})"
    if not spec.deterministic:
        prior = _prior_from_scored(con, scored, evidence, total, prior)
    weight = f"({evidence} + {_logit2(prior)!r})"
    id_l, id_r = f'"{id_column}_l"', f'"{id_column}_r"'
    if dedupe:
        first, second = f"least({id_l}, {id_r})", f"greatest({id_l}, {id_r})"
    else:
        first = f"CASE WHEN source_dataset_l = 'a' THEN {id_l} ELSE {id_r} END"
        second = f"CASE WHEN source_dataset_l = 'a' THEN {id_r} ELSE {id_l} END"
    result = con.sql(
        f"""
        SELECT id_l, id_r, CAST(1.0 / (1.0 + pow(2.0, -w)) AS DOUBLE) AS match_probability,
               CAST(w AS DOUBLE) AS match_weight
        FROM (SELECT {first} AS id_l, {second} AS id_r, {weight} AS w FROM {scored})
        WHERE w >= {_logit2(spec.threshold)!r}
        ORDER BY id_l, id_r
        """
    ).to_arrow_table()
    ((stats["pairs_scored"],),) = con.execute(f"SELECT count(*) FROM {scored}").fetchall()
    stats["prior"] = prior
    stats["pairs_kept"] = result.num_rows
    return result.cast(_EMPTY)


def _regularise(linker: Any) -> None:
    """Keep every m-probability at or above a floor (`_M_FLOOR`, `_M_FLOOR_ELSE` for the
    "everything else" level), then renormalise.

    EM can drive an m-probability to ~1e-20 when, in its training pairs, matches never
    show a level (every matched pair blocked on names happens to share its e-mail, say).
    One such level then vetoes any pair that shows it: a true match with one mistyped or
    changed value gets a Bayes factor of 1e-20. Real records of one entity disagree on any
    field now and then, so the floor is a prior, not a fudge.
    """
    for comparison in linker._settings_obj.comparisons:
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        if not levels:
            continue
        m = np.array([float(level.m_probability or 0.0) for level in levels])
        floors = np.full(len(levels), _M_FLOOR)
        if levels[-1]._is_else_level:
            floors[-1] = _M_FLOOR_ELSE
        m = np.maximum(m, floors)
        m /= m.sum()
        for level, value in zip(levels, m, strict=True):
            level.m_probability = float(value)


def _logit2(p: float) -> float:
    return math.log2(p / (1.0 - p))


def _label_pairs(con: duckdb.DuckDBPyConnection, label: str, left: str, right: str | None) -> bool:
    """Whether any two records share a label (the pairs m is learnt from)."""
    if right is None:
        sql = (
            f'SELECT count(*) FROM (SELECT "{label}" FROM "{left}" WHERE "{label}" IS NOT NULL '
            "GROUP BY ALL HAVING count(*) > 1)"
        )
    else:
        sql = (
            f'SELECT count(*) FROM (SELECT DISTINCT "{label}" FROM "{left}") a '
            f'JOIN (SELECT DISTINCT "{label}" FROM "{right}") b USING ("{label}")'
        )
    ((count,),) = con.execute(sql).fetchall()
    return bool(count)


def _prior_from_scored(
    con: duckdb.DuckDBPyConnection, scored: str, evidence: str, total_pairs: float, start: float
) -> float:
    """The probability that two random records match, as the fixed point of
    prior = (expected number of matches among the scored pairs) / (all pairs).

    Given the trained m and u, each scored pair's posterior follows from the prior; the
    prior that makes the expected count of matches agree with itself is found by
    iteration (the map is increasing and concave, so it converges from any start).
    Pairs outside the blocking rules are taken as non-matches, and pairs whose evidence
    is below `_EVIDENCE_FLOOR` are left out: each would add less than
    2**_EVIDENCE_FLOOR times the prior to the count.
    """
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE __splink__jd_evidence AS SELECT CAST({evidence} AS DOUBLE)"
        f" AS e FROM {scored} WHERE {evidence} >= {_EVIDENCE_FLOOR}"
    )
    try:
        prior = start
        for _ in range(_PRIOR_ITERATIONS):
            ((expected,),) = con.execute(
                f"SELECT coalesce(sum(1.0 / (1.0 + pow(2.0, -(e + {_logit2(prior)!r})))), 0) "
                "FROM __splink__jd_evidence"
            ).fetchall()
            updated = min(max(float(expected) / max(total_pairs, 1.0), 1e-12), 0.5)
            if abs(updated - prior) <= 1e-4 * prior:
                return updated
            prior = updated
        return prior
    finally:
        con.execute("DROP TABLE IF EXISTS __splink__jd_evidence")


# ---------------------------------------------------------------------------------------
# Clustering


def clusters(pairs: pa.Table, ids: pa.Array | pa.ChunkedArray, *, threshold: float) -> pa.Table:
    """Connected components of the pairs at or above `threshold`.

    Returns one row per distinct id in `ids` (in the order of first appearance):
    id, cluster_id, where cluster_id is the smallest id of the component (so a record
    linked to nothing is its own cluster). Pairs naming ids not in `ids` are ignored.
    """
    if isinstance(ids, pa.ChunkedArray):
        ids = ids.combine_chunks()
    ids = pc.unique(ids.cast(pa.string()).drop_null())
    order = pc.sort_indices(ids)
    sorted_ids = ids.take(order)
    n = len(sorted_ids)
    kept = pairs.filter(pc.greater_equal(pairs["match_probability"], threshold))
    src = pc.index_in(kept["id_l"].cast(pa.string()), value_set=sorted_ids)
    dst = pc.index_in(kept["id_r"].cast(pa.string()), value_set=sorted_ids)
    known = pc.and_(pc.is_valid(src), pc.is_valid(dst))
    a = src.filter(known).to_numpy(zero_copy_only=False).astype(np.int64)
    b = dst.filter(known).to_numpy(zero_copy_only=False).astype(np.int64)
    labels = graph.components(n, a, b)
    position = np.empty(n, dtype=np.int64)
    position[order.to_numpy()] = np.arange(n)
    cluster_of_input = labels[position]
    return pa.table({"id": ids, "cluster_id": sorted_ids.take(pa.array(cluster_of_input))})
