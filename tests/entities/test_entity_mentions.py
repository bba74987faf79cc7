"""Which fields of which dataset types describe which entity (`jiandu.entities.mentions`)."""

from __future__ import annotations

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.registry import builtin_types
from jiandu.entities.mentions import (
    MENTION_COLUMNS,
    MENTIONS,
    derive_slots,
    mentions_for,
    mentions_sql,
)


def test_every_explicit_slot_names_fields_of_its_type() -> None:
    types = builtin_types()
    for type_id, spec in MENTIONS.items():
        names = set(types[type_id].field_names)
        slots = {s.name for s in spec.slots}
        for slot in spec.slots:
            for source in (
                *slot.fields.values(),
                slot.case_field,
                slot.group_field,
                slot.date_field,
            ):
                assert source is None or source in names, (type_id, slot.name, source)
            if slot.role.startswith("="):
                assert slot.role[1:] in names, (type_id, slot.role)
        for pair in spec.pairs:
            assert {pair.a, pair.b} <= slots, (type_id, pair)


def test_relations_are_values_of_entity_edge() -> None:
    relations = set(builtin_types()["entity_edge"].field("relation").values or ())
    used = {p.relation for spec in MENTIONS.values() for p in spec.pairs}
    assert used <= relations
    assert {"co_party", "opposing_party", "auction_debtor", "same_phone", "same_address"} <= (
        relations
    )


def test_derived_and_document_types_mention_nobody() -> None:
    types = builtin_types()
    for type_id in (
        "entity",
        "entity_record",
        "entity_edge",
        "party_relation",
        "near_duplicate_group",
        "judgment_document",
    ):
        assert mentions_for(types[type_id]).slots == ()


def test_every_builtin_type_with_an_identifying_field_has_slots() -> None:
    identifying = {"id_card", "uscc", "plate", "vin", "person_name", "org_name"}
    for type_id, dataset_type in builtin_types().items():
        if dataset_type.derived or type_id == "judgment_document":
            continue
        if any(f.type in identifying for f in dataset_type.fields):
            assert mentions_for(dataset_type).slots, type_id


def _user_type() -> DatasetType:
    return DatasetType.model_validate(
        {
            "id": "rental_contract",
            "name_zh": "租赁合同",
            "name_en": "Rental contracts",
            "source_agency_zh": "住建局",
            "source_agency_en": "Housing bureau",
            "fields": [
                {
                    "name": "contract_no",
                    "type": "text",
                    "label_zh": "合同号",
                    "label_en": "Contract",
                },
                {
                    "name": "landlord_id_card",
                    "type": "id_card",
                    "label_zh": "出租人身份证号",
                    "label_en": "Landlord ID",
                },
                {
                    "name": "landlord_name",
                    "type": "person_name",
                    "label_zh": "出租人",
                    "label_en": "Landlord",
                },
                {
                    "name": "landlord_phone",
                    "type": "phone",
                    "label_zh": "出租人电话",
                    "label_en": "Landlord phone",
                },
                {
                    "name": "tenant_uscc",
                    "type": "uscc",
                    "label_zh": "承租单位信用代码",
                    "label_en": "Tenant USCC",
                },
                {
                    "name": "tenant_name",
                    "type": "org_name",
                    "label_zh": "承租单位",
                    "label_en": "Tenant",
                },
                {
                    "name": "address",
                    "type": "address",
                    "label_zh": "房屋地址",
                    "label_en": "Address",
                },
            ],
        }
    )


def test_user_types_get_slots_by_field_prefix() -> None:
    slots = {s.name: s for s in derive_slots(_user_type()).slots}
    assert set(slots) == {"landlord", "tenant"}  # a lone address identifies nobody
    assert slots["landlord"].kind == "person"
    assert dict(slots["landlord"].fields) == {
        "id_card": "landlord_id_card",
        "name": "landlord_name",
        "phone": "landlord_phone",
    }
    assert slots["tenant"].kind == "org"


def _mentions(tmp_path, type_id: str, rows: dict[str, list[object]]) -> pa.Table:
    table = pa.table(rows)
    n = table.num_rows
    table = (
        table.append_column("_batch_id", pa.array(["b1"] * n))
        .append_column("_source", pa.array(["f.csv"] * n))
        .append_column("_source_row", pa.array(list(range(2, n + 2)), pa.int64()))
    )
    path = tmp_path / "part-0.parquet"
    pq.write_table(table, path)
    sql = mentions_sql(type_id, builtin_types()[type_id], [str(path)], set(table.column_names))
    assert sql is not None
    return duckdb.sql(sql).to_arrow_table()


def test_court_party_rows_give_party_agent_legal_rep_and_kinds(tmp_path) -> None:
    found = _mentions(
        tmp_path,
        "court_party",
        {
            "case_no": ["（2023）浙0102民初1号"] * 3,
            "role": ["原告", "被告", "被告"],
            "party_type": [None, None, "org"],
            "name": ["张三", "杭州某某贸易有限公司", "李四商行"],
            "id_card": [None, None, None],
            "uscc": [None, None, None],
            "legal_rep": [None, "王五", None],
            "agent_name": ["赵律师", None, None],
            "agent_firm": ["某律师事务所", None, None],
        },
    )
    assert found.column_names == list(MENTION_COLUMNS)
    rows = sorted(found.to_pylist(), key=lambda r: (r["source_row"], r["slot"]))
    parties = [r for r in rows if r["slot"] == "party"]
    assert [(r["name"], r["kind"], r["side"]) for r in parties] == [
        ("张三", "person", "A"),
        ("杭州某某贸易有限公司", "org", "B"),  # read as an organisation by its name
        ("李四商行", "org", "B"),  # party_type says so
    ]
    assert {(r["slot"], r["name"], r["role"]) for r in rows if r["slot"] != "party"} == {
        ("agent", "赵律师", "委托代理人"),
        ("legal_rep", "王五", "法定代表人"),
    }
    assert all(r["source_row"].startswith("f.csv:") for r in rows)


def test_a_slot_without_any_identifying_value_gives_no_mention(tmp_path) -> None:
    found = _mentions(
        tmp_path,
        "vehicle_registry",
        {
            "plate": [None, "浙A12345"],
            "vin": [None, None],
            "owner_name": ["张三", None],
            "owner_id_card": [None, None],
            "owner_uscc": [None, None],
        },
    )
    assert sorted((r["slot"], r["source_row"]) for r in found.to_pylist()) == [
        ("owner", "f.csv:2"),
        ("vehicle", "f.csv:3"),
    ]


@pytest.mark.parametrize("type_id", sorted(MENTIONS))
def test_every_explicit_type_compiles_against_its_full_schema(tmp_path, type_id: str) -> None:
    dataset_type = builtin_types()[type_id]
    rows = {name: pa.nulls(1, pa.string()) for name in dataset_type.field_names}
    for spec in dataset_type.fields:
        if spec.type == "date":
            rows[spec.name] = pa.nulls(1, pa.date32())
    found = _mentions(tmp_path, type_id, rows)
    assert found.num_rows == 0  # all NULL: nobody is mentioned
