"""PII masking: the documented examples, properties over generated values, Arrow = rows."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.catalog.registry import builtin_types
from jiandu.security.masking import (
    UnknownPiiClass,
    dataset_policy,
    mask_arrow,
    mask_rows,
    mask_value,
    pii_fields,
    scrub_text,
)


@pytest.mark.parametrize(
    ("pii_class", "value", "masked"),
    [
        ("id", "330602199001011234", "330602********1234"),
        ("id", "33060219900101123X", "330602********123X"),
        ("id", "330602900101123", "330602******123"),
        ("id", "1234567", "*******"),
        ("contact", "13812345678", "138****5678"),
        ("contact", "0575-88883456", "0575-****3456"),
        ("contact", "010-12345678", "010-****5678"),
        ("name", "张三", "张*"),
        ("name", "李小龙", "李**"),
        ("name", "欧阳娜娜", "欧阳**"),
        ("name", "欧阳", "欧*"),
        ("name", "", ""),
        ("id", None, None),
        ("contact", 13812345678, "138****5678"),
    ],
)
def test_documented_masks(pii_class: str, value: object, masked: str | None) -> None:
    assert mask_value(pii_class, value) == masked


def test_unknown_class_is_refused() -> None:
    with pytest.raises(UnknownPiiClass):
        mask_value("uscc", "91330602MA2BXXXX1X")
    with pytest.raises(UnknownPiiClass):
        mask_rows([{"a": 1}], {"a": "secretish"})


ids_18 = st.builds(
    lambda region, birth, seq, check: region + birth + seq + check,
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.dates(date(1900, 1, 1), date(2099, 12, 31)).map(lambda d: f"{d:%Y%m%d}"),
    st.text(alphabet="0123456789", min_size=3, max_size=3),
    st.sampled_from("0123456789X"),
)
mobiles = st.builds(
    lambda second, rest: "1" + second + rest,
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
names = st.text(alphabet="张王李赵欧阳司马娜丽明华·", min_size=0, max_size=6)
anything = st.one_of(st.none(), st.text(max_size=30))


@given(ids_18)
def test_id_mask_hides_the_middle(value: str) -> None:
    masked = mask_value("id", value)
    assert masked is not None and len(masked) == len(value)
    assert value[6:14] not in masked
    assert masked[6:14] == "********"
    assert mask_value("id", masked) == masked


@given(mobiles)
def test_mobile_mask_hides_the_middle(value: str) -> None:
    masked = mask_value("contact", value)
    assert masked == value[:3] + "****" + value[7:]
    assert value[3:7] not in masked[3:7]
    assert mask_value("contact", masked) == masked


@given(st.sampled_from(["id", "contact", "name"]), anything)
def test_masks_keep_length_and_are_idempotent(pii_class: str, value: str | None) -> None:
    masked = mask_value(pii_class, value)
    if value is None:
        assert masked is None
        return
    assert masked is not None and len(masked) == len(value)
    assert mask_value(pii_class, masked) == masked


@given(st.lists(st.tuples(ids_18, mobiles, names), max_size=20))
def test_scrub_masks_numbers_inside_text(rows: list[tuple[str, str, str]]) -> None:
    for id_no, phone, name in rows:
        text = f"{name}（{id_no}）电话{phone}"
        scrubbed = scrub_text(text)
        assert scrubbed is not None and len(scrubbed) == len(text)
        assert id_no[6:14] not in scrubbed and phone[3:7] + phone[7:] not in scrubbed
        assert scrub_text(scrubbed) == scrubbed


@settings(max_examples=60)
@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "id_card": st.one_of(st.none(), ids_18, st.text(max_size=20)),
                "phone": st.one_of(st.none(), mobiles, st.text(max_size=15)),
                "name": st.one_of(st.none(), names, st.text(max_size=8)),
                "title": st.one_of(st.none(), st.text(max_size=40), ids_18, mobiles),
                "id_card_birth_date": st.none(),
                "amount": st.integers(min_value=-(2**63), max_value=2**63 - 1),
            }
        ),
        max_size=30,
    )
)
def test_arrow_equals_rows(rows: list[dict[str, object]]) -> None:
    policy = {
        "id_card": "id",
        "phone": "contact",
        "name": "name",
        "title": "text",
        "id_card_birth_date": "drop",
    }
    schema = pa.schema(
        [
            ("id_card", pa.string()),
            ("phone", pa.string()),
            ("name", pa.string()),
            ("title", pa.string()),
            ("id_card_birth_date", pa.date32()),
            ("amount", pa.int64()),
        ]
    )
    table = pa.Table.from_pylist(rows, schema=schema)
    masked = mask_arrow(table, policy)
    assert masked.to_pylist() == mask_rows(table.to_pylist(), policy)
    assert "id_card_birth_date" not in masked.column_names
    assert masked.column("amount").type == pa.int64()


def test_arrow_masks_chunked_and_non_text_columns() -> None:
    table = pa.concat_tables([pa.table({"phone": pa.array([13812345678], pa.int64())})] * 3)
    masked = mask_arrow(table, {"phone": "contact"})
    assert masked.column("phone").to_pylist() == ["138****5678"] * 3


def test_pii_fields_from_the_catalog() -> None:
    pension = builtin_types()["pension_payment"]
    policy = pii_fields(pension)
    assert policy["id_card"] == "id"
    assert policy["name"] == "name"
    # Derived columns of PII fields are dropped: the birth date is the ID's hidden middle.
    assert policy["id_card_birth_date"] == "drop"
    assert "amount" not in policy and "pay_month" not in policy


def test_dataset_policy_drops_unclassified_columns() -> None:
    pension = builtin_types()["pension_payment"]
    policy = dataset_policy(pension, ["id_card", "amount", "x_备注", "id_card_sex"])
    assert policy == {"id_card": "id", "x_备注": "drop", "id_card_sex": "drop"}


def test_uscc_is_not_pii() -> None:
    for dataset_type in builtin_types().values():
        for spec in dataset_type.fields:
            if spec.type in ("uscc", "org_name"):
                assert spec.name not in pii_fields(dataset_type)
