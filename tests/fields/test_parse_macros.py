"""The one-call parse macros agree with each type's clean / error / warn macros."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.fields.id_card import check_char as id_check_digit
from jiandu.fields.registry import install_macros, semantic_types
from jiandu.fields.uscc import make_org_code as org_code

PARSED = sorted(name for name, t in semantic_types().items() if t.sql_parse)

# Realistic and nasty material for every type with a parse macro.
SAMPLES = {
    "id_card": [
        "33060219500101011" + id_check_digit("33060219500101011"),
        "330602500101011",
        "33060219500101011X",
        "3.30602199001011E+17",
        "99999919500101011" + "1",
        "３３０６０２１９５００１０１０１１" + id_check_digit("33060219500101011"),
        "abc",
    ],
    "uscc": [
        "91330602" + org_code("12345678") + "X",
        "91330602" + org_code("12345678") + "0",
        "91330602MA2BCDEF1X",
        "1234",
        "９１３３０６０２ＭＡ２ＢＣＤＥＦ１Ｘ",
    ],
    "vin": ["LSVAU2180N2183294", "LSVAU2180N218329", "1HGCM82633A004352", "LSVAI2180N2183294"],
    "region_code": ["330602", "330621", "999999", "33060", "110101"],
    "money": ["1.2万元", "￥3,000.00", "3000.456", "(100)", "1.5亿", "abc", "-0.005", "３０００"],
    "address": ["浙江省绍兴市越城区人民路1号", "绍兴越城区", "火星基地", "123", "北京市朝阳区"],
}


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    install_macros(connection)
    return connection


def _agree(con: duckdb.DuckDBPyConnection, type_name: str, raw: str) -> None:
    t = semantic_types()[type_name]
    row = con.execute(
        f"SELECT {t.sql_parse}(x) = {{'value': {t.sql_clean}(x), 'err': {t.sql_error}(x), "
        f"'warn': {t.sql_warn}(x)}} FROM (SELECT ? AS x)",
        [raw],
    ).fetchone()
    assert row is not None
    assert row[0] is True, (type_name, raw)


def test_every_type_with_a_warning_has_a_parse_macro() -> None:
    with_warnings = {name for name, t in semantic_types().items() if t.sql_warn}
    assert with_warnings == set(PARSED)


@pytest.mark.parametrize("type_name", PARSED)
def test_parse_agrees_on_realistic_values(con: duckdb.DuckDBPyConnection, type_name: str) -> None:
    for raw in SAMPLES[type_name]:
        _agree(con, type_name, raw)


@settings(max_examples=150, deadline=None)
@given(
    type_name=st.sampled_from(PARSED),
    raw=st.one_of(
        st.text(alphabet="0123456789Xx.,万元亿￥-() 省市区", min_size=1, max_size=20),
        st.text(min_size=1, max_size=12),
    ),
)
def test_parse_agrees_on_arbitrary_text(
    con: duckdb.DuckDBPyConnection, type_name: str, raw: str
) -> None:
    _agree(con, type_name, raw)
