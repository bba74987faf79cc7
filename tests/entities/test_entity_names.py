"""Chinese name normal forms: known cases, shipped tables, and Python ↔ DuckDB parity.

The parity tests draw whole batches of strings (one query per batch) from alphabets that
hit every branch: simplified and traditional Han characters, homophones, characters beyond
the BMP (Extension B, mathematical letters, tags), compatibility forms (full-width,
circled digits, Kangxi radicals), separators, whitespace, control and format characters,
and arbitrary Unicode.
"""

from __future__ import annotations

import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiandu.entities import names
from jiandu.entities.names import (
    install_name_functions,
    jaro_winkler,
    name_similarity,
    org_core,
    pinyin,
    simplify,
)

ROOT = Path(__file__).resolve().parents[2]
_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    install_name_functions(connection)
    yield connection
    connection.close()


def _sql(con: duckdb.DuckDBPyConnection, function: str, values: list[str | None]) -> list[object]:
    rows = con.execute(
        f"SELECT {function}(v) FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS t(v, i) ORDER BY i",
        [values],
    ).fetchall()
    return [row[0] for row in rows]


# ---------------------------------------------------------------------------------------
# Known cases


KNOWN = [
    ("張偉", "张伟", "zhang wei"),
    ("张 伟", "张伟", "zhang wei"),
    ("ＡＢＣ", "ABC", "abc"),
    ("王·小明", "王小明", "wang xiao ming"),
    ("王•小明", "王小明", "wang xiao ming"),
    ("买买提．艾力", "买买提艾力", "mai mai ti ai li"),
    ("吕\u3000绿", "吕绿", "lv lv"),
    ("A股张", "A股张", "a gu zhang"),
    ("Zhang-Wei", "ZhangWei", "zhangwei"),
    ("⼈豈①", "人岂1", "ren qi 1"),  # Kangxi radical, compatibility ideograph, circled digit
    ("𠀀张", "𠀀张", "he zhang"),  # Extension B character with a reading
    ("\u200b李\ufeff四\t", "李四", "li si"),
    ("  ", None, None),
    ("", None, None),
    (None, None, None),
]


@pytest.mark.parametrize(("text", "simple", "spelled"), KNOWN)
def test_known_python(text: str | None, simple: str | None, spelled: str | None) -> None:
    assert simplify(text) == simple
    assert pinyin(text) == spelled


def test_known_sql(con: duckdb.DuckDBPyConnection) -> None:
    texts = [text for text, _, _ in KNOWN]
    assert _sql(con, "jd_name_simplify", texts) == [simple for _, simple, _ in KNOWN]
    assert _sql(con, "jd_name_pinyin", texts) == [spelled for _, _, spelled in KNOWN]


SIMILAR = [
    ("张伟", "张伟", 1.0),
    ("張偉", "张伟", 1.0),
    ("张伟", "章伟", 0.95),  # homophones
    ("王小明", "王晓明", 0.95),
    ("ABC", "abc", 0.95),  # same "reading": case only
    ("张伟", None, None),
    (None, None, None),
    (" ", "张伟", None),
]


@pytest.mark.parametrize(("a", "b", "expected"), SIMILAR)
def test_similarity_known(
    con: duckdb.DuckDBPyConnection, a: str | None, b: str | None, expected: float | None
) -> None:
    assert name_similarity(a, b) == expected
    assert con.execute("SELECT jd_name_similarity(?, ?)", [a, b]).fetchall()[0][0] == expected


def test_similarity_is_jaro_winkler_otherwise(con: duckdb.DuckDBPyConnection) -> None:
    value = name_similarity("张伟", "张三")
    assert value is not None and 0.7 < value < 0.95
    sql = con.execute("SELECT jaro_winkler_similarity('张伟', '张三')").fetchall()[0][0]
    assert value == sql
    assert name_similarity("张伟", "李娜") == jaro_winkler("张伟", "李娜") < 0.7


ORGS = [
    ("北京华为技术有限公司", "华为技术"),
    ("华为技术有限公司", "华为技术"),
    ("华为技术（深圳）有限公司", "华为技术"),
    ("北京市华为技术有限责任公司", "华为技术"),
    ("浙江省杭州市余杭区某某科技股份有限公司", "某某科技"),
    ("义乌市宝和日用百货有限公司", "宝和日用百货"),
    ("上海也兴网络科技合伙企业（有限合伙）", "也兴网络科技"),
    ("上海三宝医疗器械有限公司海川路分公司", "三宝医疗器械有限公司海川路"),
    ("某某集团有限公司", "某某"),
    ("某某集团", "某某"),
    ("浙江大学", "浙江大学"),  # no legal form: the place is part of the name
    ("上海有限公司", "上海"),  # only a region left: it stays
    ("有限公司", None),
    ("（北京）", None),
    (None, None),
]


@pytest.mark.parametrize(("name", "core"), ORGS)
def test_org_core_known(con: duckdb.DuckDBPyConnection, name: str | None, core: str | None) -> None:
    assert org_core(name) == core
    assert con.execute("SELECT jd_org_core(?)", [name]).fetchall()[0][0] == core


def test_region_names() -> None:
    regions = set(names.region_names())
    assert {"浙江省", "浙江", "广西", "内蒙古", "杭州市", "杭州", "义乌市", "余杭区"} <= regions
    assert not {"市辖区", "县", "市", "城区", "郊区"} & regions
    assert all(len(n) >= 2 for n in regions)


# ---------------------------------------------------------------------------------------
# Shipped tables


def test_tables_shape() -> None:
    t2s = names.load_t2s()
    readings = names.load_pinyin()
    assert t2s["張"] == "张" and t2s["偉"] == "伟" and t2s["薴"] == "苎"  # chain resolved
    assert all(len(k) == 1 and len(v) == 1 and k != v for k, v in t2s.items())
    assert all(simplify(v) == v for v in t2s.values())  # simplifying twice changes nothing
    assert readings["张"] == readings["章"] == "zhang"
    assert readings["吕"] == "lv" and readings["单"] == "dan"  # pypinyin's default reading
    assert all(v.isascii() and v.isalpha() and v.islower() for v in readings.values())
    basic = sum(chr(code) in readings for code in range(0x4E00, 0x9FA6))
    assert basic >= 20_890  # the whole Unicode 1.1 block but a few unit characters


def test_generator_reproduces_the_tables() -> None:
    pytest.importorskip("pypinyin")
    pytest.importorskip("opencc")
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_name_tables.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_general_ranges_cover_every_changing_code_point() -> None:
    """Outside the ranges _tables() scans, nothing has an NFKC form, a lower case or is
    dropped (true for this Python's Unicode version; fails loudly after an upgrade)."""
    general = {code for block in names._GENERAL for code in block}
    keys = {ord(c) for c in (*names.load_t2s(), *names.load_pinyin())}
    for code in range(0x110000):
        if code in general or code in keys or 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        assert unicodedata.is_normalized("NFKC", char), hex(code)
        assert char.lower() == char, hex(code)
        assert not names._dropped(char), hex(code)


# ---------------------------------------------------------------------------------------
# Parity: Python twin == DuckDB macro


def _alphabet() -> list[str]:
    t2s = names.load_t2s()
    readings = names.load_pinyin()
    chars = list("张章彰伟炜玮王汪李理小晓明鸣吕绿女单曾解区华")
    chars += list(t2s)[:400:7] + list(t2s.values())[:400:11]
    chars += [c for c in list(readings)[-2000::97]]  # Extension B and later
    chars += [chr(c) for c in range(0xFF01, 0xFF5F, 5)]  # full-width ASCII
    chars += list("·•・‧.-‐–— \t\n\u3000\u00a0\u200b\ufeff\x00\x1e\x1f()（）【】[]")
    chars += ["①", "⼈", "豈", "\U0001d400", "\U0001f130", "\U000e0041", "\U0002f800", "㍻"]
    chars += list("AbZz09İǅß")
    return chars


_CHARS = st.sampled_from(_alphabet())
_TEXT = st.one_of(
    st.none(),
    st.text(_CHARS, max_size=12),
    st.text(st.characters(codec="utf-8"), max_size=8),
)


@_SETTINGS
@given(st.lists(_TEXT, min_size=1, max_size=40))
def test_simplify_and_pinyin_parity(
    con: duckdb.DuckDBPyConnection, texts: list[str | None]
) -> None:
    assert _sql(con, "jd_name_simplify", texts) == [simplify(t) for t in texts]
    assert _sql(con, "jd_name_pinyin", texts) == [pinyin(t) for t in texts]


@st.composite
def _org(draw: st.DrawFn) -> str | None:
    if draw(st.integers(0, 15)) == 0:
        return None
    regions = names.region_names()
    parts = [
        regions[draw(st.integers(0, len(regions) - 1))] for _ in range(draw(st.integers(0, 3)))
    ]
    parts.append(draw(st.text(_CHARS, max_size=6)))
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["（上海）", "(北京)", "【注】", "[2019]", "〔旧〕"])))
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["集团", ""])) + draw(st.sampled_from(names.LEGAL_FORMS)))
    return "".join(parts)


@_SETTINGS
@given(st.lists(st.one_of(_org(), _TEXT), min_size=1, max_size=40))
def test_org_core_parity(con: duckdb.DuckDBPyConnection, texts: list[str | None]) -> None:
    assert _sql(con, "jd_org_core", texts) == [org_core(t) for t in texts]


@cache
def _homophones() -> dict[str, list[str]]:
    by_reading: dict[str, list[str]] = {}
    for char, reading in names.load_pinyin().items():
        by_reading.setdefault(reading, []).append(char)
    return {reading: chars[:50] for reading, chars in by_reading.items()}


@st.composite
def _pair(draw: st.DrawFn) -> tuple[str | None, str | None]:
    a = draw(_TEXT)
    how = draw(st.integers(0, 3))
    if a is None or how == 0:
        return a, draw(_TEXT)
    chars = list(a)
    if chars and how == 1:  # replace one character by a homophone when there is one
        i = draw(st.integers(0, len(chars) - 1))
        reading = names.load_pinyin().get(simplify(chars[i]) or "")
        same = _homophones().get(reading, []) if reading else []
        if same:
            chars[i] = draw(st.sampled_from(same))
    elif chars and how == 2:  # small edit
        i = draw(st.integers(0, len(chars) - 1))
        chars[i] = draw(_CHARS)
    return a, "".join(chars)


@settings(_SETTINGS, max_examples=25)
@given(st.lists(_pair(), min_size=1, max_size=60))
def test_similarity_parity(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str | None, str | None]]
) -> None:
    rows = con.execute(
        "SELECT jd_name_similarity(p.a, p.b) FROM unnest(?::STRUCT(a VARCHAR, b VARCHAR)[]) "
        "WITH ORDINALITY AS t(p, i) ORDER BY i",
        [[{"a": a, "b": b} for a, b in pairs]],
    ).fetchall()
    assert [row[0] for row in rows] == [name_similarity(a, b) for a, b in pairs]


@_SETTINGS
@given(
    st.lists(
        st.tuples(
            st.text(st.sampled_from("abcdeé张章伟"), max_size=80),
            st.text(st.sampled_from("abcdeé张章伟"), max_size=80),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_jaro_winkler_matches_duckdb(
    con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]
) -> None:
    """Including strings over 64 bytes (DuckDB's multi-word path)."""
    rows = con.execute(
        "SELECT jaro_winkler_similarity(p.a, p.b) FROM unnest(?::STRUCT(a VARCHAR, b VARCHAR)[]) "
        "WITH ORDINALITY AS t(p, i) ORDER BY i",
        [[{"a": a, "b": b} for a, b in pairs]],
    ).fetchall()
    assert [row[0] for row in rows] == [jaro_winkler(a, b) for a, b in pairs]


# ---------------------------------------------------------------------------------------
# Installation


def test_install_is_idempotent_and_per_connection() -> None:
    first = duckdb.connect()
    install_name_functions(first)
    started = time.perf_counter()
    install_name_functions(first)
    assert time.perf_counter() - started < 0.05
    assert first.execute("SELECT jd_name_simplify('張偉')").fetchall() == [("张伟",)]
    other = duckdb.connect()
    with pytest.raises(duckdb.Error):
        other.execute("SELECT jd_name_simplify('張偉')").fetchall()
    install_name_functions(other)
    assert other.execute("SELECT jd_org_core('北京华为技术有限公司')").fetchall() == [("华为技术",)]


def test_columns_can_be_built_in_one_pass(con: duckdb.DuckDBPyConnection) -> None:
    """The way linkage uses them: several macros over a table, in a CREATE TABLE."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE people AS SELECT * FROM (VALUES "
        "('1', '張偉', '北京华为技术有限公司'), ('2', '章伟', '华为技术有限公司')) t(id, name, org)"
    )
    rows = con.execute(
        "CREATE OR REPLACE TEMP TABLE normal AS SELECT id, jd_name_simplify(name) AS name, "
        "jd_name_pinyin(name) AS py, jd_org_core(org) AS core FROM people; "
        "SELECT count(DISTINCT name), count(DISTINCT py), count(DISTINCT core) FROM normal"
    ).fetchall()
    assert rows == [(2, 1, 1)]


@pytest.mark.slow
def test_million_names_speed() -> None:
    """Timing at scale (reported in the module docstring); generous bound for shared CI."""
    rng = np.random.default_rng(0)
    readings = names.load_pinyin()
    t2s = names.load_t2s()
    common = np.array([c for c in map(chr, range(0x4E00, 0x9FA6)) if c in readings][:3500])
    trad = np.array(list(t2s)[:500])
    lengths = rng.integers(2, 4, 1_000_000)
    flat = rng.choice(common, lengths.sum())
    mask = rng.random(lengths.sum()) < 0.1
    flat[mask] = rng.choice(trad, mask.sum())
    joined = np.char.add
    first = joined(flat[np.cumsum(lengths) - lengths], flat[np.cumsum(lengths) - lengths + 1])
    third = np.where(lengths == 3, flat[np.minimum(np.cumsum(lengths) - 1, len(flat) - 1)], "")
    connection = duckdb.connect()
    install_name_functions(connection)
    connection.register("source", pa.table({"name": joined(first, third)}))
    for function in ("jd_name_simplify", "jd_name_pinyin"):
        started = time.perf_counter()
        connection.execute(f"SELECT count(DISTINCT {function}(name)) FROM source").fetchall()
        assert time.perf_counter() - started < 30, function
