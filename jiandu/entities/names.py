"""Chinese names for matching: simplified form, toneless pinyin, similarity, company core.

The same person is 張偉 in a Hong Kong filing, 张 伟 in a hand-typed register, ＺＨＡＮＧ伟 after
an input method slipped, and 章伟 when a clerk wrote down what he heard. Entity resolution
compares names in this room's normal forms, each a Python function with a DuckDB macro
twin that gives the same answer (tests/entities/test_names.py proves it on random text):

- `simplify` / `jd_name_simplify`: every character is mapped on its own, in three steps:
  its NFKC compatibility form (full-width ＡＢＣ１２３ → ABC123, ideographic space → space,
  compatibility ideographs and Kangxi radicals → the unified character, ① → 1 …), each
  resulting character traditional → simplified (t2s.csv, from OpenCC's TSCharacters: one
  character to its first simplified candidate), and whitespace, control and format
  characters (zero-width space, BOM, tags) and the separators · • ・ ‧ . - ‐ ‑ ‒ – — ―
  dropped. Case is kept. Nothing left → None. There is no composition across characters
  (e + ◌́ stays two) and no context: 乾隆 becomes 干隆 and the surname 於 becomes 于, as
  後/后 and 髮/發 fold to one form. Right for comparing (both sides fold alike), wrong for
  display.
- `pinyin` / `jd_name_pinyin`: after `simplify`, each Han character becomes its toneless
  default reading (pinyin.csv, from pypinyin; ü written v: 吕 → lv) between single spaces;
  other characters are kept, lower-cased, so runs of them stay one token: "张伟" →
  "zhang wei", "A股张" → "a gu zhang". One reading per character, pypinyin's default:
  surnames read unlike the common word (单 shan, 曾 zeng, 仇 qiu, 解 xie, 区 ou, 朴 piao,
  查 zha, 盖 ge) get the common reading (dan, ceng, chou, jie, qu, pu, cha, gai). Only
  equality of readings is ever used and both twins read the same table, so the choice
  changes how the key looks, not what matches.
- `name_similarity` / `jd_name_similarity(a, b)`: None/NULL when either side is missing
  (or simplifies to nothing); 1.0 when the simplified forms are equal; 0.95 when the pinyin
  is (同音字: 张伟 / 章伟); otherwise DuckDB's `jaro_winkler_similarity` of the simplified
  forms. DuckDB computes Jaro-Winkler over UTF-8 bytes (prefix weight 0.1 over at most 4
  bytes, applied above 0.7, the last multiply-add fused): `jaro_winkler` does the same to
  the last bit, so one different character in a two-character name still scores ~0.87.
- `org_core` / `jd_org_core`: the part of an organisation name that tells companies apart:
  `simplify`, then text in brackets removed (（北京）, [2019], 【…】, 〔…〕: region markers and
  notes), then one legal form at the end (股份有限公司, 有限责任公司, 有限公司, 分公司,
  合伙企业 … `LEGAL_FORMS`, optionally after 集团, or 集团 alone), and, only when a legal
  form was removed, up to three region names at the start (浙江省杭州市余杭区…, 上海…),
  the longest match each time: `region_names`, the province-, prefecture- and
  county-level names of jiandu/fields/data/regions.csv (abolished ones too) plus the short
  names of provinces (浙江, 广西, 内蒙古) and prefecture-level cities (杭州, 金华).
  Enterprise names must start with a region, which says nothing about identity; in
  浙江大学 (no legal form) the place is the name and stays. County short names (松江,
  余杭) are not removed: they collide with trade names. When regions are all that is left
  they stay; a bare legal form gives None. So 北京华为技术有限公司, 华为技术有限公司 and
  华为技术（深圳）有限公司 share the core 华为技术. Known slip: a trade name that starts
  with a region's next character loses it (上海市场营销有限公司 → 场营销).

SQL side. translate() rebuilds its character map for every row (10,000 names took 3 s
with OpenCC's 4,000 characters), a regex alternation of 5,000 region names runs at ~40 µs
a row, and a list captured by a lambda (or packed into a per-row struct) is copied for
every vector or row. So `install_name_functions` loads one temp-table row holding the two
tables as 65,536-entry lists indexed by BMP code point (identity-filled), the rarer
characters above U+FFFF as one text searched only for rows that contain one, and the
region names in 4,096 hash slots by their first two characters; the macros split a name
into code points and `list_select` the BMP list in one vectorised step. Measured on the
2-core development machine while other jobs ran (load 2-4), 1,000,000 random two- and
three-character names, 10% traditional: jd_name_simplify 1.4 s, jd_name_pinyin 3.1 s;
jd_org_core 6.3 s per million company names; jd_name_similarity 7.5 s per million pairs
(four lookups each: for many pairs, compute the simplified and pinyin columns once, as
jiandu.entities.linkage does). Each query pays ~15 ms to bind the lists, so call the
macros over tables, not row by row. The lists are bound by
uncorrelated scalar subqueries, which DuckDB does not allow inside lambdas: these macros
cannot be called inside a lambda (compute a column first). They are temp objects: a
`cursor()` is another connection and needs its own `install_name_functions`.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from jiandu.fields.regions import load_regions

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = [
    "LEGAL_FORMS",
    "SEPARATORS",
    "install_name_functions",
    "jaro_winkler",
    "load_pinyin",
    "load_t2s",
    "name_similarity",
    "org_core",
    "pinyin",
    "region_names",
    "region_prefix_length",
    "simplify",
]

# Dropped by simplify (after NFKC: full-width ． and － arrive here as . and -).
SEPARATORS = "·•・‧.-‐‑‒–—―"
# Legal forms removed from the end of an organisation name by org_core, longest first where
# one ends another (有限合伙企业 before 合伙企业); an optional 集团 may precede any of them.
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "股份合作公司",
    "有限公司",
    "股份公司",
    "分公司",
    "总公司",
    "公司",
    "有限合伙企业",
    "普通合伙企业",
    "合伙企业",
    "有限合伙",
    "普通合伙",
    "个人独资企业",
    "独资企业",
    "个体工商户",
)
_HOMOPHONE_SCORE = 0.95
_RS, _US = "\x1e", "\x1f"  # separators of the supplementary-plane text (dropped by simplify)
_BUCKETS = 1 << 12  # hash slots for region names in SQL (by their first two characters)
_STRINGS = pa.list_(pa.string())
_ABOVE_BMP = r"[\x{10000}-\x{10FFFF}]"  # RE2
_BRACKETS = r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕"
_SUFFIX = "(?:集团)?(?:" + "|".join(LEGAL_FORMS) + ")|集团"
_BRACKETS_RE = re.compile(_BRACKETS)
_SUFFIX_RE = re.compile(f"(?:{_SUFFIX})\\Z")
_SPACES_RE = re.compile(" +")
_TABLE = "jd__name_tables"
_AUTONOMOUS = {
    "内蒙古自治区": "内蒙古",
    "广西壮族自治区": "广西",
    "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏",
    "新疆维吾尔自治区": "新疆",
}
_HAN_ONLY = re.compile("[\u3400-\u9fff]+")


def _read_pairs(name: str) -> dict[str, str]:
    path = resources.files("jiandu.entities") / "data" / name
    rows = csv.reader(path.read_text(encoding="utf-8").splitlines())
    next(rows)
    return {key: value for key, value in rows}


@cache
def load_t2s() -> dict[str, str]:
    """Traditional → simplified, one character each (the shipped t2s.csv)."""
    return _read_pairs("t2s.csv")


@cache
def load_pinyin() -> dict[str, str]:
    """Han character → toneless default reading (the shipped pinyin.csv)."""
    return _read_pairs("pinyin.csv")


def _dropped(char: str) -> bool:
    return char.isspace() or char in SEPARATORS or unicodedata.category(char) in ("Cc", "Cf")


@dataclass(frozen=True)
class _Tables:
    fold: dict[int, str]  # code point -> simplified text (only where it changes)
    spell: dict[int, str]  # code point -> pinyin pieces (only where it changes)


# Code points whose NFKC form, case or deletion can change: everything outside the CJK
# Unified Ideograph blocks (which map to themselves on all three counts) up to U+1FFFF, the
# CJK Compatibility Ideographs Supplement and the tags / variation selectors supplement
# (no other code point has a compatibility form, a lower case or a Cc/Cf category in
# Unicode 15). Han characters change only through the two tables.
_GENERAL = (
    range(0x3400),
    range(0x4DC0, 0x4E00),
    range(0xA000, 0xD800),
    range(0xE000, 0x20000),
    range(0x2F800, 0x2FA20),
    range(0xE0000, 0xE1000),
)


@cache
def _tables() -> _Tables:
    t2s = load_t2s()
    readings = load_pinyin()
    fold: dict[int, str] = {}
    spell: dict[int, str] = {}
    codes = [code for block in _GENERAL for code in block]
    codes += sorted({ord(char) for char in (*t2s, *readings)})
    for code in codes:
        char = chr(code)
        if char not in t2s and unicodedata.is_normalized("NFKC", char) and not _dropped(char):
            spelled = f" {readings[char]} " if char in readings else char.lower()
            if spelled != char:
                spell[code] = spelled
            continue
        folded = "".join(
            t2s.get(part, part)
            for part in unicodedata.normalize("NFKC", char)
            if not _dropped(t2s.get(part, part))
        )
        if folded != char:
            fold[code] = folded
        spelled = "".join(
            f" {readings[part]} " if part in readings else part.lower() for part in folded
        )
        if spelled != char:
            spell[code] = spelled
    return _Tables(fold, spell)


def simplify(text: str | None) -> str | None:
    """Comparable form of a name (module docstring); None for None or nothing left."""
    if text is None:
        return None
    return text.translate(_tables().fold) or None


def pinyin(text: str | None) -> str | None:
    """Toneless pinyin of `simplify(text)`, syllables and other runs joined by spaces."""
    if text is None:
        return None
    spelled = _SPACES_RE.sub(" ", text.translate(_tables().spell)).strip(" ")
    return spelled or None


def jaro_winkler(a: str, b: str) -> float:
    """DuckDB's jaro_winkler_similarity, computed the same way over the UTF-8 bytes."""
    p, t = a.encode("utf-8"), b.encode("utf-8")
    p_len, t_len = len(p), len(t)
    if not p_len or not t_len:
        return 0.0
    if p_len == 1 and t_len == 1:
        return float(p[0] == t[0])
    bound = max(p_len, t_len) // 2 - 1
    p_flag = [False] * p_len
    t_flag = [False] * t_len
    common = 0
    for j in range(t_len):
        for i in range(max(0, j - bound), min(p_len, j + bound + 1)):
            if not p_flag[i] and p[i] == t[j]:
                p_flag[i] = t_flag[j] = True
                common += 1
                break
    if not common:
        return 0.0
    transpositions = 0
    i = 0
    for j in range(t_len):
        if t_flag[j]:
            while not p_flag[i]:
                i += 1
            transpositions += p[i] != t[j]
            i += 1
    transpositions //= 2
    sim = 0.0
    sim += common / p_len
    sim += common / t_len
    sim += (common - transpositions) / common
    sim /= 3.0
    prefix = 0
    while prefix < min(p_len, t_len, 4) and p[prefix] == t[prefix]:
        prefix += 1
    if sim > 0.7 and prefix:
        # DuckDB's build fuses this multiply-add (one rounding): computed exactly, rounded once.
        sim = float(Fraction(prefix * 0.1) * Fraction(1.0 - sim) + Fraction(sim))
    return sim


def name_similarity(a: str | None, b: str | None) -> float | None:
    """1.0 same simplified name, 0.95 same pinyin, else Jaro-Winkler; None if one is missing."""
    left, right = simplify(a), simplify(b)
    if left is None or right is None:
        return None
    if left == right:
        return 1.0
    if pinyin(a) == pinyin(b):
        return _HOMOPHONE_SCORE
    return jaro_winkler(left, right)


@cache
def region_names() -> tuple[str, ...]:
    """Region prefixes org_core removes, longest first (see the module docstring)."""
    names: set[str] = set()
    for region in load_regions():
        name, code = region.name, region.code
        if "直辖" in name or name in ("市辖区", "县") or not _HAN_ONLY.fullmatch(name):
            continue
        if code.endswith("0000"):
            names.add(name)
            short = _AUTONOMOUS.get(name) or re.sub("(?:省|市|特别行政区)$", "", name)
            names.add(short)
        elif code.endswith("00"):
            names.add(name)
            short = re.sub("(?:市|地区)$", "", name)
            if len(short) >= 2 and short != name:
                names.add(short)
        elif not (len(name) == 2 and name.endswith("区")):
            names.add(name)
    # Every name has two characters or more (the SQL side buckets them by the first two).
    return tuple(sorted((n for n in names if len(n) >= 2), key=lambda n: (-len(n), n)))


@cache
def _regions_by_start() -> dict[str, tuple[str, ...]]:
    """First two characters -> the region names starting with them, longest first."""
    index: dict[str, list[str]] = {}
    for name in region_names():
        index.setdefault(name[:2], []).append(name)
    return {start: tuple(group) for start, group in index.items()}


def region_prefix_length(text: str, start: int = 0) -> int:
    """Length of the longest region name at text[start:], 0 when there is none."""
    for name in _regions_by_start().get(text[start : start + 2], ()):
        if text.startswith(name, start):
            return len(name)
    return 0


def _strip_regions(text: str) -> str:
    pos = 0
    for _ in range(3):
        found = region_prefix_length(text, pos)
        if not found:
            break
        pos += found
    return text[pos:] or text


def org_core(text: str | None) -> str | None:
    """Organisation name without brackets, legal form and (for companies) region prefix."""
    simple = simplify(text)
    if simple is None:
        return None
    plain = _BRACKETS_RE.sub("", simple)
    core = _SUFFIX_RE.sub("", plain, count=1)
    if not core:
        return None
    if core == plain:
        return core
    return _strip_regions(core)


def _macros() -> str:
    table = f"(SELECT {{col}} FROM temp.main.{_TABLE})"
    cut = "substr({x}, jd__region_cut({x}, jd__r.b) + 1)"
    # Values are bound once through one-element list_transform (as in jiandu/fields/sql).
    # Macro arguments never appear inside a lambda body (they may hold subqueries, which
    # lambdas do not allow), and the 65,536-entry lists are only ever the first argument of
    # list_select: a list captured by a lambda is copied for every vector of rows.
    return f"""
-- Per character: BMP characters through the list `tab` (index = code point + 1), others
-- (rows with any, rare) by searching the text `sup` for RS char US value; a character
-- found in neither maps to itself.
CREATE OR REPLACE TEMP MACRO jd__name_map(s, tab, sup) AS
    list_transform([{{
        'bmp': list_select(tab, list_transform(
            string_split(nullif(s, ''), ''),
            lambda jd__c: CASE WHEN unicode(jd__c) < 65536 THEN unicode(jd__c) + 1 ELSE 0 END
        )),
        'rare': CASE WHEN regexp_matches(s, '{_ABOVE_BMP}')
                     THEN {{'chars': string_split(s, ''), 'sup': sup}} END
    }}], lambda jd__r: CASE
        WHEN jd__r.rare IS NULL THEN array_to_string(jd__r.bmp, '')
        ELSE array_to_string(list_transform(list_zip(jd__r.rare.chars, jd__r.bmp), lambda jd__z:
            coalesce(jd__z[2], list_transform(
                [strpos(jd__r.rare.sup, chr(30) || jd__z[1] || chr(31))],
                lambda jd__i: CASE WHEN jd__i = 0 THEN jd__z[1]
                    ELSE split_part(substr(jd__r.rare.sup, jd__i + 3), chr(30), 1) END
            )[1])
        ), '')
    END)[1];
CREATE OR REPLACE TEMP MACRO jd_name_simplify(s) AS
    nullif(jd__name_map(s, {table.format(col="fold")}, {table.format(col="fold_sup")}), '');
CREATE OR REPLACE TEMP MACRO jd_name_pinyin(s) AS
    nullif(trim(replace(
        jd__name_map(s, {table.format(col="spell")}, {table.format(col="spell_sup")}),
        '  ', ' '), ' '), '');
CREATE OR REPLACE TEMP MACRO jd_name_similarity(a, b) AS
    list_transform(
        [{{'sa': jd_name_simplify(a), 'sb': jd_name_simplify(b),
           'pa': jd_name_pinyin(a), 'pb': jd_name_pinyin(b)}}],
        lambda jd__p: CASE
            WHEN jd__p.sa IS NULL OR jd__p.sb IS NULL THEN NULL
            WHEN jd__p.sa = jd__p.sb THEN 1.0
            WHEN jd__p.pa = jd__p.pb THEN {_HOMOPHONE_SCORE}
            ELSE jaro_winkler_similarity(jd__p.sa, jd__p.sb)
        END
    )[1];
-- Length of the longest region name x starts with (0: none); b holds the names in
-- {_BUCKETS} slots by a hash of their first two characters, longest first in each slot.
CREATE OR REPLACE TEMP MACRO jd__region_cut(x, b) AS
    coalesce(length(list_filter(
        b[(hash(substr(x, 1, 2)) % {_BUCKETS})::BIGINT + 1],
        lambda jd__n: starts_with(x, jd__n)
    )[1]), 0);
CREATE OR REPLACE TEMP MACRO jd_org_core(s) AS
    list_transform(
        [{{'u': regexp_replace(jd_name_simplify(s), '{_BRACKETS}', '', 'g'),
           'b': {table.format(col="regions")}}}],
        lambda jd__r: list_transform(
            [{{'u': jd__r.u, 'v': regexp_replace(jd__r.u, '(?:{_SUFFIX})$', '')}}],
            lambda jd__q: CASE
                WHEN jd__q.v = '' THEN NULL
                WHEN jd__q.v = jd__q.u THEN jd__q.v
                ELSE list_transform([{cut.format(x="jd__q.v")}], lambda jd__x1:
                    list_transform([{cut.format(x="jd__x1")}], lambda jd__x2:
                        coalesce(nullif({cut.format(x="jd__x2")}, ''), jd__q.v)
                    )[1]
                )[1]
            END
        )[1]
    )[1];
"""


def _own(code: int) -> str:
    return "" if 0xD800 <= code <= 0xDFFF else chr(code)


def _supplement(mapping: dict[int, str]) -> str:
    """Entries above U+FFFF as one string: RS char US value RS char US value … RS."""
    entries = (f"{_RS}{chr(c)}{_US}{v}" for c, v in sorted(mapping.items()) if c > 0xFFFF)
    return "".join(entries) + _RS


@cache
def _arrow_tables() -> pa.Table:
    """The SQL side's tables (one row): BMP lists indexed by code point, the rest as text."""
    tables = _tables()
    return pa.table(
        {
            "fold": pa.array([[tables.fold.get(c, _own(c)) for c in range(0x10000)]], _STRINGS),
            "spell": pa.array([[tables.spell.get(c, _own(c)) for c in range(0x10000)]], _STRINGS),
            "fold_sup": [_supplement(tables.fold)],
            "spell_sup": [_supplement(tables.spell)],
            "names": pa.array([list(region_names())], _STRINGS),
        }
    )


def install_name_functions(con: duckdb.DuckDBPyConnection) -> None:
    """Create the jd_name_* and jd_org_core macros on `con` (temp objects; idempotent)."""
    found = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [_TABLE]
    ).fetchall()
    if found[0][0]:
        return
    staging = f"{_TABLE}_arrow"
    con.register(staging, _arrow_tables())
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE {_TABLE} AS
            WITH named AS (
                SELECT unnest(names) AS name, generate_subscripts(names, 1) AS ord
                FROM {staging}
            ),
            buckets AS (
                SELECT (hash(substr(name, 1, 2)) % {_BUCKETS})::BIGINT AS slot,
                       list(name ORDER BY ord) AS names
                FROM named GROUP BY slot
            )
            SELECT fold, spell, fold_sup, spell_sup,
                   (SELECT list(b.names ORDER BY r.slot)
                    FROM (SELECT range AS slot FROM range({_BUCKETS})) r
                    LEFT JOIN buckets b USING (slot)) AS regions
            FROM {staging}
            """
        )
    finally:
        con.unregister(staging)
    try:
        con.execute(_macros())
    except duckdb.Error:
        con.execute(f"DROP TABLE IF EXISTS temp.main.{_TABLE}")
        raise


def byte_levenshtein(a: str | None, b: str | None) -> int | None:
    """DuckDB's levenshtein: single-byte edits between the UTF-8 encodings."""
    if a is None or b is None:
        return None
    p, t = a.encode("utf-8"), b.encode("utf-8")
    previous = list(range(len(t) + 1))
    for i, byte in enumerate(p, 1):
        current = [i]
        for j, other in enumerate(t, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (byte != other))
            )
        previous = current
    return previous[-1]


def install_spark_name_functions(session: SparkSession) -> None:
    """Register the name functions, jd_byte_jaro_winkler and jd_byte_levenshtein.

    The DuckDB engine has these as SQL macros over lookup tables; here they are Arrow
    UDFs over this module's Python functions, which the macros are tested against, so a
    fuzzy join scores the same pairs on both engines (the UDFs loop over a batch in
    Python: fine for the candidate pairs of a blocked fuzzy join, not for whole tables).
    """
    # pyspark is an optional extra (the scale-out engine): imported only when used.
    from pyspark.sql.functions import arrow_udf  # type: ignore[attr-defined]  # noqa: PLC0415
    from pyspark.sql.types import DoubleType, LongType, StringType  # noqa: PLC0415

    def text_udf(fn: Any) -> Any:
        def apply(values: pa.Array) -> pa.Array:
            return pa.array([fn(v) for v in values.to_pylist()], pa.string())

        return arrow_udf(apply, StringType())

    def pair_udf(fn: Any, arrow_type: pa.DataType | None = None) -> Any:
        arrow_type = arrow_type or pa.float64()

        def apply(left: pa.Array, right: pa.Array) -> pa.Array:
            pairs = zip(left.to_pylist(), right.to_pylist(), strict=True)
            return pa.array([fn(a, b) for a, b in pairs], arrow_type)

        spark_type = LongType() if pa.types.is_integer(arrow_type) else DoubleType()
        return arrow_udf(apply, spark_type)

    def jaro(a: str | None, b: str | None) -> float | None:
        return None if a is None or b is None else jaro_winkler(a, b)

    session.udf.register("jd_name_simplify", text_udf(simplify))
    session.udf.register("jd_name_pinyin", text_udf(pinyin))
    session.udf.register("jd_org_core", text_udf(org_core))
    session.udf.register("jd_name_similarity", pair_udf(name_similarity))
    session.udf.register("jd_byte_jaro_winkler", pair_udf(jaro))
    session.udf.register("jd_byte_levenshtein", pair_udf(byte_levenshtein, pa.int64()))
