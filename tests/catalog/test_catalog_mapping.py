"""map_headers and load_mapping_file."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.catalog.mapping import load_mapping_file, map_headers
from jiandu.catalog.registry import builtin_types
from jiandu.errors import MappingError


def catalog(type_id: str):  # type: ignore[no-untyped-def]
    return builtin_types()[type_id]


@pytest.mark.parametrize(
    ("type_id", "header", "field", "how"),
    [
        ("pension_payment", "公民身份号码 ", "id_card", "synonym"),
        ("pension_payment", "身份证号码*", "id_card", "label"),
        ("pension_payment", "＊证件号码：", "id_card", "synonym"),
        ("pension_payment", "社会保障号码", "id_card", "synonym"),
        ("pension_payment", "id_card", "id_card", "name"),
        ("pension_payment", "ID_CARD", "id_card", "name"),
        ("pension_payment", "ＩＤ　ｃａｒｄ　ｎｕｍｂｅｒ", "id_card", "label"),
        ("pension_payment", "发放月份", "pay_month", "label"),
        ("pension_payment", "待遇年月", "pay_month", "synonym"),
        ("pension_payment", "发放金额（元）", "amount", "label"),
        ("pension_payment", "发放信息/金额", "amount", "synonym"),
        ("pension_payment", "发放信息/金额(元)", "amount", "synonym"),
        ("pension_payment", "人员信息/姓 名", "name", "label"),
        ("pension_payment", "姓名（全称）", "name", "label"),
        ("pension_payment", "流水号", "source_record_id", "synonym"),
        ("execution_case", "申请执行人/姓名", "applicant_name", "synonym"),
        ("execution_case", "被执行人/身份证号", "respondent_id_card", "synonym"),
        ("court_party", "姓名/名称", "name", "synonym"),
        ("court_party", "姓名（名称）", "name", "synonym"),
        ("vehicle_registry", "号牌号码", "plate", "label"),
        ("vehicle_registry", "车牌号", "plate", "synonym"),
        ("company_registry", "注册资本（万元）", "reg_capital", "label"),
        ("company_registry", "企业（机构）名称", "name", "synonym"),
        ("tax_invoice", "金额（不含税）", "amount", "label"),
        ("tax_invoice", "纳税人识别号", None, None),
        ("social_insurance", "费款所属期", "month", "synonym"),
        ("social_insurance", "备注", None, None),
    ],
)
def test_header_synonyms(type_id: str, header: str, field: str | None, how: str | None) -> None:
    # The other required fields are supplied by name so that the mapping succeeds.
    others = [f.name for f in catalog(type_id).required_fields if f.name != field]
    mapping = map_headers([header, *others], catalog(type_id), None, "a.xlsx")
    column = mapping.columns[0]
    assert (column.field, column.how) == (field, how)
    assert (column.extra_name is None) == (field is not None)


def test_a_real_pension_sheet() -> None:
    headers = ["序号", "姓名", "公民身份号码", "待遇年月", "发放金额（元）", "银行账号", "备注"]
    mapping = map_headers(headers, catalog("pension_payment"), None, "养老金.xlsx")
    assert mapping.field_to_index == {
        "name": 1, "id_card": 2, "pay_month": 3, "amount": 4, "account_no": 5,
    }  # fmt: skip
    assert [c.extra_name for c in mapping.extras] == ["x_序号", "x_备注"]
    assert mapping.columns[4].unit == "元"
    assert mapping.columns[4].yuan_multiplier == 1
    assert mapping.missing_required == []
    assert all(not c.dropped for c in mapping.columns)


def test_unit_is_kept_for_the_money_parser() -> None:
    mapping = map_headers(["统一社会信用代码", "企业名称", "注册资本(万元)"],
                          catalog("company_registry"), None, "a.csv")  # fmt: skip
    assert mapping.columns[2].field == "reg_capital"
    assert mapping.columns[2].yuan_multiplier == 10_000


def test_real_company_registration_headers(shared_dir: Path) -> None:
    path = shared_dir / "data" / "company_registrations_sample" / "2019_zhejiang.csv"
    if not path.exists():
        pytest.skip("company sample absent")
    with path.open(encoding="utf-8") as handle:
        headers = next(csv.reader(handle))
    mapping = map_headers(headers, catalog("company_registry"), None, path.name)
    assert mapping.field_to_index == {
        "name": 0, "uscc": 1, "established": 2, "legal_rep_name": 4, "reg_capital": 5,
        "reg_address": 9,
    }  # fmt: skip
    assert {c.extra_name for c in mapping.extras} == {
        "x_企业类型", "x_经营范围", "x_所在省份", "x_地区",
    }  # fmt: skip


def test_extra_names_are_unique_and_safe() -> None:
    headers = ["身份证号", "发放月份", "备注", "备 注", "备注（1）", "", "  ", "a-b c", "x"]
    mapping = map_headers(headers, catalog("pension_payment"), None, "a.csv")
    names = [c.extra_name for c in mapping.extras]
    assert names == ["x_备注", "x_备注_2", "x_备注_1", "x_col6", "x_col7", "x_a_bc", "x_x"]
    assert len(set(names)) == len(names)


def test_override_wins_and_drops() -> None:
    headers = ["身份证号", "证件号码", "月份", "金额"]
    override = {"证件号码": "id_card", "身份证号": None, "金额 ": "amount"}
    mapping = map_headers(headers, catalog("pension_payment"), override, "a.csv")
    first, second, _, amount = mapping.columns
    assert (first.field, first.dropped, first.extra_name, first.how) == (
        None,
        True,
        None,
        "override",
    )
    assert (second.field, second.how) == ("id_card", "override")
    assert amount.how == "override"
    assert mapping.field_to_index["pay_month"] == 2


def test_override_claims_field_from_automatic_match() -> None:
    headers = ["身份证号", "代理人证件号码", "发放月份"]
    mapping = map_headers(headers, catalog("pension_payment"), {"代理人证件号码": "id_card"}, "f")
    assert mapping.field_to_index["id_card"] == 1
    assert mapping.columns[0].extra_name == "x_身份证号"


def test_missing_required_fields() -> None:
    with pytest.raises(MappingError) as caught:
        map_headers(["姓名", "金额"], catalog("pension_payment"), None, "养老金.xlsx")
    error = caught.value
    assert error.location.file == "养老金.xlsx"
    assert "id_card（身份证号码）" in error.zh and "pay_month（发放月份）" in error.zh
    assert "id_card (ID card number)" in error.en and "pay_month" in error.en
    assert "['姓名', '金额']" in error.en
    assert "--mapping" in error.zh and "--mapping" in error.en
    assert "养老金.xlsx" in str(error)


def test_two_columns_for_one_field() -> None:
    with pytest.raises(MappingError) as caught:
        map_headers(
            ["身份证号", "发放月份", "公民身份号码"], catalog("pension_payment"), None, "b.csv"
        )
    error = caught.value
    assert "'身份证号'" in error.zh and "'公民身份号码'" in error.zh
    assert "column 1" in error.en and "column 3" in error.en
    assert "--mapping" in error.en and error.location.file == "b.csv"


def test_override_unknown_field() -> None:
    with pytest.raises(MappingError) as caught:
        map_headers(["身份证号", "月"], catalog("pension_payment"), {"月": "monthh"}, "c.csv")
    assert "'monthh'" in caught.value.zh and "pay_month" in caught.value.en


def test_override_header_not_present() -> None:
    with pytest.raises(MappingError) as caught:
        map_headers(["身份证号", "月"], catalog("pension_payment"), {"年月": "pay_month"}, "c.csv")
    assert "'年月'" in caught.value.zh and "not in the source" in caught.value.en


@settings(max_examples=60, deadline=None)
@given(st.permutations(["序号", "姓名", "公民身份号码", "待遇年月", "金额（元）", "备注", "账号"]))
def test_permutation_keeps_field_to_header(headers: list[str]) -> None:
    mapping = map_headers(list(headers), catalog("pension_payment"), None, "p.csv")
    by_field = {c.field: c.header for c in mapping.columns if c.field}
    assert by_field == {
        "name": "姓名", "id_card": "公民身份号码", "pay_month": "待遇年月",
        "amount": "金额（元）", "account_no": "账号",
    }  # fmt: skip
    assert [c.index for c in mapping.columns] == list(range(len(headers)))


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_load_mapping_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"m{suffix}"
    if suffix == ".json":
        path.write_text('{"证件号码": "id_card", "备注": null}', encoding="utf-8")
    else:
        path.write_text("证件号码: id_card\n备注: null\n", encoding="utf-8")
    assert load_mapping_file(path) == {"证件号码": "id_card", "备注": None}


@pytest.mark.parametrize(
    ("text", "suffix", "zh", "row"),
    [
        ("a: [b\n", ".yaml", "不是合法的 YAML/JSON", 2),
        ('{"a": }', ".json", "不是合法的 YAML/JSON", 1),
        ("- a\n- b\n", ".yaml", "键值对", None),
        ("a: [b, c]\n", ".yaml", "'a'", None),
    ],
)
def test_load_mapping_file_errors(
    tmp_path: Path, text: str, suffix: str, zh: str, row: int | None
) -> None:
    path = tmp_path / f"bad{suffix}"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError) as caught:
        load_mapping_file(path)
    assert zh in caught.value.zh
    assert caught.value.location.file == str(path)
    assert caught.value.location.row == row


def test_load_mapping_file_missing(tmp_path: Path) -> None:
    with pytest.raises(MappingError) as caught:
        load_mapping_file(tmp_path / "absent.yaml")
    assert "FileNotFoundError" in caught.value.en
