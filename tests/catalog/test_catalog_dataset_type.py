"""Validation rules of FieldSpec and DatasetType."""

from __future__ import annotations

from typing import Any

import pytest
from catalog_helpers import minimal_type
from pydantic import ValidationError

from jiandu.catalog.dataset_type import (
    SEMANTIC_TYPE_NAMES,
    SOURCE_RECORD_ID,
    DatasetType,
    FieldSpec,
)
from jiandu.errors import CatalogError


def enum_field(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "party_type",
        "type": "enum",
        "label_zh": "当事人类型",
        "label_en": "Party type",
        "values": ["person", "org"],
        "value_synonyms": {"person": ["个人", "自然人"], "org": ["单位", "法人", "企业"]},
    }
    data.update(overrides)
    return data


def test_semantic_type_list_matches_contract() -> None:
    names = "id_card uscc person_name org_name phone plate vin case_no address region_code"
    names += " date datetime month money int text enum"
    assert names.split() == list(SEMANTIC_TYPE_NAMES)


@pytest.mark.parametrize(
    ("semantic_type", "pii"),
    [("id_card", "id"), ("phone", "contact"), ("person_name", "name"), ("money", "none")],
)
def test_pii_defaults_from_type(semantic_type: str, pii: str) -> None:
    spec = FieldSpec(name="f", type=semantic_type, label_zh="字段", label_en="Field")  # type: ignore[arg-type]
    assert spec.pii == pii


def test_pii_can_be_overridden() -> None:
    spec = FieldSpec(name="f", type="text", label_zh="名称", label_en="Name", pii="name")
    assert spec.pii == "name"


def test_enum_canonical_values() -> None:
    spec = FieldSpec.model_validate(enum_field())
    assert spec.canonical_values() == {
        "person": "person",
        "org": "org",
        "个人": "person",
        "自然人": "person",
        "单位": "org",
        "法人": "org",
        "企业": "org",
    }


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ({"name": "Bad Name"}, "snake_case"),
        ({"name": "1st"}, "snake_case"),
        ({"name": "x_note"}, "x_"),
        ({"type": "passport"}, "passport"),
        ({"values": []}, "needs values"),
        ({"type": "text"}, "not an enum"),
        ({"value_synonyms": {"robot": ["机器人"]}}, "'robot'"),
        ({"value_synonyms": {"person": ["单位"], "org": ["单位"]}}, "maps to both"),
        ({"values": ["有责", "无"]}, "read as blank"),
        ({"value_synonyms": {"person": ["--"]}}, "read as blank"),
        ({"extra_key": 1}, "extra_key"),
    ],
)
def test_field_spec_rejects(field: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        FieldSpec.model_validate(enum_field(**field))


def test_dataset_type_defaults() -> None:
    dataset_type = DatasetType.model_validate(minimal_type())
    assert dataset_type.sensitivity == "sensitive"  # an id_card field holds ID data
    assert dataset_type.sensitivity_zh == "敏感"
    assert dataset_type.version == 1
    assert dataset_type.field_names[-1] == SOURCE_RECORD_ID
    extra = dataset_type.field(SOURCE_RECORD_ID)
    assert (extra.type, extra.label_zh, extra.required) == ("text", "源系统记录号", False)
    assert "流水号" in extra.synonyms
    assert [f.name for f in dataset_type.required_fields] == ["id_card"]


def test_internal_when_no_personal_data() -> None:
    data = minimal_type(fields=minimal_type()["fields"][1:], keys=[])
    assert DatasetType.model_validate(data).sensitivity == "internal"


def test_explicit_sensitivity_wins() -> None:
    assert DatasetType.model_validate(minimal_type(sensitivity="secret")).sensitivity_zh == "机密"


def test_declared_source_record_id_is_not_duplicated() -> None:
    fields = [
        *minimal_type()["fields"],
        {"name": SOURCE_RECORD_ID, "type": "text", "label_zh": "记录号", "label_en": "Record"},
    ]
    dataset_type = DatasetType.model_validate(minimal_type(fields=fields))
    assert dataset_type.field_names.count(SOURCE_RECORD_ID) == 1
    assert dataset_type.field(SOURCE_RECORD_ID).label_zh == "记录号"


def test_source_record_id_yields_spellings_a_field_uses() -> None:
    fields = [
        *minimal_type()["fields"],
        {
            "name": "payment_serial",
            "type": "text",
            "label_zh": "支付流水号",
            "label_en": "Payment serial",
            "synonyms": ["流水号"],
        },
    ]
    dataset_type = DatasetType.model_validate(minimal_type(fields=fields))
    assert "流水号" not in dataset_type.field(SOURCE_RECORD_ID).synonyms
    assert dataset_type.header_index["流水号"] == ("payment_serial", "synonym")


def test_header_index_kinds() -> None:
    index = DatasetType.model_validate(minimal_type()).header_index
    assert index["id_card"] == ("id_card", "name")
    assert index["身份证号码"] == ("id_card", "label")
    assert index["idcardnumber"] == ("id_card", "label")
    assert index["公民身份号码"] == ("id_card", "synonym")


def _with_fields(*extra: dict[str, Any]) -> dict[str, Any]:
    return minimal_type(fields=[*minimal_type()["fields"], *extra])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (minimal_type(id="Demo-Payment"), "snake_case"),
        (minimal_type(fields=[]), "at least 1"),
        (minimal_type(version=0), "greater than or equal to 1"),
        (minimal_type(sensitivity="top"), "sensitivity"),
        (
            _with_fields({"name": "amount", "type": "int", "label_zh": "数额", "label_en": "N"}),
            "duplicate field names: amount",
        ),
        (minimal_type(keys=[["id_card", "month"]]), r"unknown fields \['month'\]"),
        (minimal_type(keys=[[]]), "unknown fields"),
        (
            # '身份证号 ' normalises like the id_card synonym '身份证号'.
            _with_fields(
                {
                    "name": "agent_id",
                    "type": "text",
                    "label_zh": "代理人",
                    "label_en": "Agent",
                    "synonyms": ["身份证号 "],
                }
            ),
            "belongs to both id_card and agent_id",
        ),
        (
            # Full-width spelling of another field's English label collides too.
            _with_fields(
                {"name": "month2", "type": "month", "label_zh": "月", "label_en": "ＭＯＮＴＨ"}
            ),
            "belongs to both pay_month and month2",
        ),
    ],
)
def test_dataset_type_rejects(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        DatasetType.model_validate(data)


def test_unknown_field_is_a_catalog_error() -> None:
    dataset_type = DatasetType.model_validate(minimal_type())
    with pytest.raises(CatalogError) as caught:
        dataset_type.field("death_date")
    assert "没有字段 'death_date'" in caught.value.zh
    assert "has no field 'death_date'" in caught.value.en
    assert "pay_month" in caught.value.en


def test_json_schema_describes_the_file() -> None:
    schema = DatasetType.json_schema()
    assert {"id", "fields", "keys", "sensitivity"} <= set(schema["properties"])
    field_schema = schema["$defs"]["FieldSpec"]
    assert set(field_schema["properties"]["type"]["enum"]) == set(SEMANTIC_TYPE_NAMES)
    assert schema["title"].startswith("jiandu")
