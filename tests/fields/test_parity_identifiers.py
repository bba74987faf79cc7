"""Scalar ↔ SQL parity for the identifier types (contract: docs/dev/contracts.md).

For every generated non-blank string s: normalize(s) raises code C ⟺ jd_<type>_error(s) = C
(and jd_<type>_clean(s) IS NULL); otherwise clean == normalize(s); warnings and every
derived column agree too. Strategies mix valid values, mutated values, full-width and
spaced variants, Excel damage and arbitrary text.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from importlib import resources
from typing import Any

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from identifier_db import identifier_connection

from jiandu.fields import case_no, id_card, phone, plate, region_code, uscc, vin
from jiandu.fields.base import FieldInvalid, SemanticType
from jiandu.fields.regions import known_codes
from jiandu.fields.registry import install_macros, semantic_types

CODES = sorted(known_codes())
FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = identifier_connection()
    yield connection
    connection.close()


def assert_parity(con: duckdb.DuckDBPyConnection, semantic_type: SemanticType, raw: str) -> None:
    """The contract's parity statement for one raw value."""
    error, clean = con.execute(
        f"SELECT {semantic_type.sql_error}(?), {semantic_type.sql_clean}(?)", [raw, raw]
    ).fetchone() or (None, None)
    try:
        expected = semantic_type.normalize(raw)
    except FieldInvalid as exc:
        assert (error, clean) == (exc.issue.code, None), raw
        assert exc.issue.code in semantic_type.issues
        return
    assert (error, clean) == (None, expected), raw
    if semantic_type.sql_warn:
        row = con.execute(f"SELECT {semantic_type.sql_warn}(?)", [raw]).fetchone()
        scalar_warning = semantic_type.warn(raw)
        assert (row or [None])[0] == (scalar_warning.code if scalar_warning else None), raw
    for derived in semantic_type.derived:
        row = con.execute(f"SELECT {derived.sql_macro}(?)", [clean]).fetchone()
        assert (row or [None])[0] == derived.scalar(expected), (raw, derived.suffix)


def dressed(draw: Any, value: str) -> str:
    """Random real-world damage that normalisation must undo (or reject identically)."""
    choice = draw(st.integers(0, 5))
    if choice == 1:
        value = value.translate(FULLWIDTH)
    elif choice == 2:
        at = draw(st.integers(0, len(value)))
        value = (
            value[:at] + draw(st.sampled_from([" ", "\u3000", "\t", "\u00a0", "-"])) + value[at:]
        )
    elif choice == 3:
        value = value.lower()
    elif choice == 4 and value:
        at = draw(st.integers(0, len(value) - 1))
        value = value[:at] + draw(st.characters(codec="utf-8")) + value[at + 1 :]
    return f" {value} " if choice == 5 else value


NASTY = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=24
)


@st.composite
def id_cards(draw: Any) -> str:
    rng = random.Random(draw(st.integers(0, 2**32)))
    region = draw(
        st.one_of(st.sampled_from(CODES), st.sampled_from(["990101", "330699", "123456"]))
    )
    birth = f"{rng.randint(1880, 2030)}{rng.randint(1, 13):02d}{rng.randint(1, 31):02d}"
    first17 = region + birth + f"{rng.randint(0, 999):03d}"
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return dressed(draw, first17 + id_card.check_char(first17))
    if kind == 1:  # 15-digit old number
        return dressed(draw, first17[:6] + first17[8:])
    if kind == 2:  # Excel damage
        number = first17 + id_card.check_char(first17)
        return draw(st.sampled_from([number[:15] + "000", f"{int(number[:17] + '0'):.14E}"]))
    if kind == 3:
        return dressed(draw, first17 + draw(st.sampled_from("0123456789Xx")))
    return draw(NASTY)


def test_id_card_examples(con: duckdb.DuckDBPyConnection) -> None:
    for raw in ["11010519491231002X", "3.30602199001011E+17", "110105491231002", "x"]:
        assert_parity(con, id_card.ID_CARD, raw)


SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(raw=id_cards())
def test_id_card_parity(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert_parity(con, id_card.ID_CARD, raw)


@st.composite
def usccs(draw: Any) -> str:
    body = draw(st.text(alphabet=uscc.USCC_CHARS, min_size=17, max_size=17))
    region = draw(st.sampled_from(CODES))
    first17 = body[:2] + region + body[8:]
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return dressed(draw, first17 + uscc.check_char(first17))
    if kind == 1:
        return dressed(draw, first17 + draw(st.sampled_from(uscc.USCC_CHARS)))
    if kind == 2:  # old organisation code / registration number
        return draw(st.sampled_from([body[8:16] + "-" + body[16], body[:9], region + "000000123"]))
    return draw(NASTY)


@SETTINGS
@given(raw=usccs())
def test_uscc_parity(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert_parity(con, uscc.USCC, raw)


PHONE_PIECES = st.sampled_from(
    ["+86", "0086", "86", "0", "571", "10", "21", "139", "1234", "5678", "8888", "9999",
     "-", " ", "(", ")", "转", "EXT", "#", "x", "400", "95588", "12345", "/", "、", "a", "."]
)  # fmt: skip


@SETTINGS
@given(raw=st.one_of(st.lists(PHONE_PIECES, min_size=1, max_size=8).map("".join), NASTY))
def test_phone_parity(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert_parity(con, phone.PHONE, raw)


PLATE_CHARS = plate.PLATE_PROVINCES[:6] + "使挂学警港澳领ABDFIOXZ0123456789·.- "


@SETTINGS
@given(
    raw=st.one_of(
        st.text(alphabet=PLATE_CHARS, min_size=1, max_size=9),
        st.builds(
            lambda prov, office, rest: prov + office + rest,
            st.sampled_from(plate.PLATE_PROVINCES),
            st.sampled_from("ADZ"),
            st.text(alphabet="D0123456789F学·", min_size=4, max_size=7),
        ),
        NASTY,
    )
)
def test_plate_parity(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert_parity(con, plate.PLATE, raw)


@st.composite
def vins(draw: Any) -> str:
    body = draw(st.text(alphabet="0123456789ABCDEFGHJKLMNPRSTUVWXYZ", min_size=17, max_size=17))
    kind = draw(st.integers(0, 3))
    if kind == 0:
        return dressed(draw, body[:8] + vin.check_char(body) + body[9:])
    if kind == 1:
        return dressed(draw, body)
    return draw(NASTY)


@SETTINGS
@given(raw=vins())
def test_vin_parity(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert_parity(con, vin.VIN, raw)


CASE_PIECES = st.sampled_from(
    ["(", ")", "（", "）", "〔", "〕", "[", "]", "2021", "2014", "1949", "2099", "浙", "0602",
     "京73", "最高法", "绍越", "新民", "民", "初", "终", "执", "恢", "刑", "一", "字", "第",
     "00", "123", "号", "、", ",", " ", "证"]
)  # fmt: skip


@SETTINGS
@given(raw=st.one_of(st.lists(CASE_PIECES, min_size=1, max_size=12).map("".join), NASTY))
def test_case_no_parity(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert_parity(con, case_no.CASE_NO, raw)


@st.composite
def case_numbers(draw: Any) -> str:
    court = draw(st.sampled_from(["浙0602", "京73", "最高法", "绍越", "兵0603", "粤03", "黔0102"]))
    kind = draw(
        st.sampled_from(["民初", "民终", "执", "执恢", "破", "民特", "刑初", "行初", "执保"])
    )
    seq = draw(st.integers(0, 10**10))
    year = draw(st.integers(1940, 2040))
    bracket = draw(st.sampled_from(["()", "（）", "〔〕", "[]"]))
    zi = draw(st.sampled_from(["", "字第", "第"]))
    one = f"{bracket[0]}{year}{bracket[1]}{court}{kind}{zi}{seq}号"
    return dressed(draw, one + draw(st.sampled_from(["", "、" + one, ";" + one])))


@SETTINGS
@given(raw=case_numbers())
def test_case_no_structured_parity(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    assert_parity(con, case_no.CASE_NO, raw)


@SETTINGS
@given(raw=st.one_of(st.sampled_from(CODES), st.text(alphabet="0123456789 ", max_size=8), NASTY))
def test_region_code_parity(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    if raw.strip():
        assert_parity(con, region_code.REGION_CODE, raw)


IDENTIFIER_TYPES = {
    "id_card": ("20_id_card.sql", "11010519491231002X"),
    "uscc": ("21_uscc.sql", "91330783MA2E696E3C"),
    "phone": ("22_phone.sql", "0571-88889999"),
    "plate": ("23_plate.sql", "浙A·12345"),
    "vin": ("24_vin.sql", "1M8GDM9AXKP042788"),
    "case_no": ("25_case_no.sql", "(2021)浙0602民初1号"),
    "region_code": ("26_region_code.sql", "330602"),
}


@pytest.mark.parametrize("name", sorted(IDENTIFIER_TYPES))
def test_registry_installs_identifier_macros(name: str) -> None:
    """Through the real registry (all types, all SQL files) the macros still agree."""
    semantic_type = semantic_types()[name]
    connection = duckdb.connect()
    install_macros(connection)
    install_macros(connection)  # idempotent
    assert_parity(connection, semantic_type, IDENTIFIER_TYPES[name][1])
    assert_parity(connection, semantic_type, "??")


@pytest.mark.parametrize("name", sorted(IDENTIFIER_TYPES))
def test_sql_reason_codes_are_documented(name: str) -> None:
    """Every '<type>.<reason>' literal in the macro file is an Issue of the type."""
    semantic_type = semantic_types()[name]
    script = (resources.files("jiandu.fields") / "sql" / IDENTIFIER_TYPES[name][0]).read_text(
        encoding="utf-8"
    )
    in_sql = set(re.findall(rf"'({name}\.[a-z_]+)'", script))
    assert in_sql
    assert in_sql <= set(semantic_type.issues)
    assert all(code.startswith(f"{name}.") for code in semantic_type.issues)
