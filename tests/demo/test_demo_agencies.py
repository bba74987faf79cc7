"""Agency profiles: every dataset type is sent somehow, its headers map onto its fields
without help, and the rendering varies values the way the import must absorb."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from jiandu.catalog.mapping import map_headers
from jiandu.catalog.registry import builtin_types
from jiandu.demo.agencies import AGENCIES, DIRTY_PER_MILLE, render_sql, write_agency_file
from jiandu.fields.id_card import check_char
from jiandu.fields.registry import get_type, install_macros

ID_CARD = "33060219550101231" + check_char("33060219550101231")


def test_every_dataset_type_has_an_agency() -> None:
    # Derived types (near_duplicate_group) are computed by jiandu, never sent.
    assert set(AGENCIES) == {t for t, d in builtin_types().items() if not d.derived}


@pytest.mark.parametrize("type_id", sorted(AGENCIES))
def test_headers_map_onto_the_fields(type_id: str) -> None:
    profile = AGENCIES[type_id]
    headers = [profile.header(spec) for spec in profile.columns()]
    mapping = map_headers(headers, profile.dataset_type(), None, profile.file_stem)
    assert [c.field for c in mapping.columns] == [spec.name for spec in profile.columns()]
    for column in mapping.columns:
        if column.field in profile.wan_fields:
            assert column.yuan_multiplier == 10_000


def _canon(con: duckdb.DuckDBPyConnection, n: int) -> None:
    """n pension rows, all with the same canonical values."""
    con.execute(
        f"""CREATE TABLE canon AS SELECT i AS _n, '{ID_CARD}' AS id_card, '张三' AS name,
        DATE '2023-07-01' AS pay_month, 3210.5::DECIMAL(18, 2) AS amount,
        '6228000000000000001' AS account_no, NULL::VARCHAR AS source_record_id
        FROM range({n}) t(i)"""
    )


def test_rendering_varies_but_cleans_back_to_the_same_value() -> None:
    con = duckdb.connect()
    install_macros(con)
    _canon(con, 4000)
    profile = AGENCIES["pension_payment"]
    rows = con.execute(
        f'SELECT "公民身份号码", "待遇年月", "发放金额（元）" FROM ({render_sql(profile, "canon")})'
    ).fetchall()
    ids, months, amounts = (set(column) for column in zip(*rows, strict=True))
    fullwidth = ID_CARD.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert {ID_CARD, ID_CARD[:6] + ID_CARD[8:17], fullwidth} <= ids
    assert {"202307", "2023年7月", "2023/7"} <= months
    assert {"3,210.50", "0.32105万元"} <= amounts
    id_type, month_type, money_type = get_type("id_card"), get_type("month"), get_type("money")
    # Every rendering cleans back to the value, but for the spoiled rows' mistyped digit.
    cleaned = {id_type.normalize(i) for i in ids if _valid(id_type.normalize, i)}
    assert cleaned == {ID_CARD}
    assert len(ids - {i for i in ids if _valid(id_type.normalize, i)}) >= 1
    assert {month_type.normalize(m) for m in months} == {date(2023, 7, 1)}
    assert {Decimal(str(money_type.normalize(a))) for a in amounts} == {Decimal("3210.50")}


def _valid(normalize: object, text: str) -> bool:
    try:
        normalize(text)  # type: ignore[operator]
    except Exception:
        return False
    return True


def test_a_few_rows_are_spoiled() -> None:
    con = duckdb.connect()
    install_macros(con)
    _canon(con, 20_000)
    sql = render_sql(AGENCIES["pension_payment"], "canon")
    row = con.execute(
        f'SELECT count(*) FILTER (jd_id_card_clean("公民身份号码") IS NULL) FROM ({sql})'
    ).fetchone()
    assert row is not None
    assert 0.5 * DIRTY_PER_MILLE * 20 < row[0] < 1.5 * DIRTY_PER_MILLE * 20


def test_excel_profiles_fall_back_to_csv_when_too_big(tmp_path: Path) -> None:
    con = duckdb.connect()
    install_macros(con)
    con.execute(
        "CREATE TABLE canon AS SELECT i AS _n, '（2023）浙0602民特' || (i + 1) || '号' AS case_no, "
        "'越城区人民调解委员会' AS mediation_org, '张三' AS applicant_name, "
        "NULL::VARCHAR AS applicant_id_card, '李四' AS respondent_name, "
        "NULL::VARCHAR AS respondent_id_card, 1000::DECIMAL(18, 2) AS amount, "
        "DATE '2023-05-01' AS confirm_date, NULL::VARCHAR AS source_record_id FROM range(10) t(i)"
    )
    profile = AGENCIES["judicial_confirmation"]
    small = write_agency_file(con, profile, "canon", tmp_path, rows=10)
    big = write_agency_file(con, profile, "canon", tmp_path, rows=10**6)
    assert (small.suffix, big.suffix) == (".xlsx", ".csv")
    assert big.read_bytes().decode("gb18030").startswith(profile.title or "")
