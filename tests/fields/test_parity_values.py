"""Scalar ↔ SQL parity for the value/text types (contract: docs/dev/contracts.md).

Strategies mix every accepted form with full-width variants, stray spaces and garbage
drawn from the characters each parser cares about.
"""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import pytest
from _values_sql import assert_parity, call, values_connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jiandu.fields import address, dates, names, numbers, text
from jiandu.fields.base import SemanticType
from jiandu.fields.text import halfwidth, is_blank, trim_space

_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_FULL = {code - 0xFEE0: code for code in range(0xFF01, 0xFF5F)} | {0x20: 0x3000}


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = values_connection()
    yield connection
    connection.close()


@st.composite
def _noisy(draw: st.DrawFn, core: st.SearchStrategy[str]) -> str:
    """Wrap a value in optional surrounding whitespace and full-width characters."""
    value = draw(core)
    if draw(st.booleans()):
        value = "".join(
            chr(_FULL[ord(c)]) if ord(c) in _FULL and draw(st.booleans()) else c for c in value
        )
    pad = st.sampled_from(["", " ", "\u3000", "\t", " \u00a0"])
    return draw(pad) + value + draw(pad)


def _non_blank(values: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return values.filter(lambda s: not is_blank(s) and "\x00" not in s)


def _garbage(alphabet: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=alphabet, min_size=1, max_size=25)


_digits = st.integers(min_value=0, max_value=9999).map(str)
_date_core = st.one_of(
    st.builds(
        lambda y, m, d, sep, pad, time: "".join(
            (str(y), sep[0], f"{m:0{pad}d}", sep[1], f"{d:0{pad}d}", sep[2], time)
        ),
        st.integers(1850, 2150),
        st.integers(0, 13),
        st.integers(0, 32),
        st.sampled_from(
            [
                ("-", "-", ""),
                ("/", "/", ""),
                (".", ".", ""),
                ("年", "月", "日"),
                ("年", "月", "号"),
                (" - ", " - ", ""),
                ("", "", ""),
            ]
        ),
        st.sampled_from([1, 2]),
        st.sampled_from(
            [
                "",
                " 0:00:00",
                "T14:05:33Z",
                " 14:05",
                "14时05分",
                " 23:59:59.5",
                " 24:00",
                "T01:02:03+08:00",
                " 9:61",
                " 14时05分33秒",
            ]
        ),
    ),
    st.builds(
        lambda n, f: f"{n}{f}",
        st.integers(1000, 100000),
        st.sampled_from(["", ".5", ".25", ".99999", ".000001", ".123456789"]),
    ),
    st.builds(
        lambda y, m, sep, tail: f"{y}{sep}{m}{tail}",
        st.integers(1890, 2110),
        st.integers(0, 13).map(str) | st.integers(0, 13).map(lambda m: f"{m:02d}"),
        st.sampled_from(["-", "/", "年", ".", ""]),
        st.sampled_from(["", "月"]),
    ),
    _garbage("0123456789-/.年月日号T: 时分秒Z+ "),
)
_money_core = st.one_of(
    st.builds(
        lambda pre, sign, num, frac, unit: f"{pre}{sign}{num}{frac}{unit}",
        st.sampled_from(["", "¥", "￥", "RMB ", "人民币", "CNY", "-¥", "(", "rmb"]),
        st.sampled_from(["", "-", "+"]),
        st.integers(0, 10**20).map(str) | st.integers(0, 10**9).map(lambda n: f"{n:,}"),
        st.sampled_from(["", ".5", ".005", ".12", ".125", ".0", ".000000000000001", ".9999"]),
        st.sampled_from(["", "元", "万", "万元", "亿", "千元", "元整", ")", " 元"]),
    ),
    st.sampled_from(
        [
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "922337203685477580.7万",
            "9999999999999999.995",
            "叁仟元整",
        ]
    ),
    _garbage("0123456789,.-+()¥￥元万亿千整RMB "),
)
_han = "张三李四王五丰阿卜杜热合曼某贸易有限责任公司股份集团浙江省绍兴市越城区朝阳北京路号"
_name_core = st.one_of(
    _garbage(_han + "·•・‧. 'ABCxyzé-1(（）)\t"),
    st.builds(
        lambda a, sep, b: a + sep + b,
        _garbage(_han),
        st.sampled_from(["", " ", "·", " • ", ".", "  "]),
        _garbage(_han + "abc"),
    ),
)
_region_names = [
    "浙江省",
    "浙江",
    "绍兴市",
    "绍兴",
    "越城区",
    "越城",
    "北京市",
    "朝阳区",
    "广西",
    "南宁市",
    "新疆",
    "上海市",
    "浦东新区",
    "湖北省",
    "仙桃市",
    "内蒙古",
    "某某",
]
_address_core = st.one_of(
    st.builds(
        lambda parts, rest: "".join(parts) + rest,
        st.lists(st.sampled_from(_region_names), max_size=3),
        _garbage(_han + "0123456789 号路"),
    ),
    _garbage(_han + " ,.-0123456789"),
)

CASES: list[tuple[SemanticType, st.SearchStrategy[str]]] = [
    (dates.DATE, _date_core),
    (dates.DATETIME, _date_core),
    (dates.MONTH, _date_core),
    (numbers.MONEY, _money_core),
    (numbers.INT, _money_core),
    (names.PERSON_NAME, _name_core),
    (names.ORG_NAME, _name_core),
    (address.ADDRESS, _address_core),
    (text.TEXT, st.text(min_size=1, max_size=20)),
    (text.ENUM, st.text(min_size=1, max_size=20)),
]


@pytest.mark.parametrize(("semantic_type", "strategy"), CASES, ids=[c[0].name for c in CASES])
def test_scalar_and_sql_agree(
    con: duckdb.DuckDBPyConnection,
    semantic_type: SemanticType,
    strategy: st.SearchStrategy[str],
) -> None:
    @_SETTINGS
    @given(_non_blank(_noisy(strategy)))
    def check(raw: str) -> None:
        assert_parity(con, semantic_type, raw)

    check()


@_SETTINGS
@given(
    st.text(max_size=12) | st.sampled_from(["NULL", " null ", "无", "\u3000/", "--", "—", "\u00a0"])
)
def test_base_macros_agree(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert (call(con, "jd_nullify", raw) is None) == is_blank(raw)
    assert call(con, "jd_halfwidth", raw) == halfwidth(raw)
    assert call(con, "jd_trim", raw) == trim_space(raw)


def test_null_in_null_out(con: duckdb.DuckDBPyConnection) -> None:
    for semantic_type, _ in CASES:
        for macro in (semantic_type.sql_clean, semantic_type.sql_error, semantic_type.sql_warn):
            if macro is not None:
                assert call(con, macro, None) is None, macro


def test_install_macros_everything() -> None:
    """The whole registry installs (idempotently) and names a macro for every type."""
    from jiandu.fields.registry import install_macros, semantic_types

    connection = duckdb.connect()
    install_macros(connection)
    install_macros(connection)
    for semantic_type in semantic_types().values():
        call(connection, semantic_type.sql_clean, "x")
        call(connection, semantic_type.sql_error, "x")
    assert call(connection, "jd_date_clean", "2021年3月5日") is not None
