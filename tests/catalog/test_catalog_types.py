"""The built-in catalog matches spec/data-standard.md and is internally sound."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

import pytest

from jiandu.catalog.dataset_type import SEMANTIC_TYPE_NAMES, SOURCE_RECORD_ID
from jiandu.catalog.registry import builtin_types, load_type_file

SPEC_IDS = {
    "court_case", "court_party", "judgment_document", "execution_case", "judicial_auction",
    "judicial_confirmation", "insurance_claim", "traffic_accident", "vehicle_registry",
    "traffic_violation", "police_incident", "admin_penalty", "death_record",
    "pension_payment", "social_insurance", "company_registry", "bankruptcy_claim",
    "labor_arbitration", "tax_invoice", "sentence_record", "medical_settlement",
}  # fmt: skip
# Built-in types beyond the spec's table (docs/dev/text.md: a party's every agent).
EXTRA_IDS = {"court_agent"}
# Spec values the importer reads as blank (contracts.md) are spelled out instead.
RENAMED_VALUES = {("traffic_accident", "responsibility", "无"): "无责任"}


def test_every_spec_type_is_built_in() -> None:
    # Derived types (near_duplicate_group) are computed by jiandu, not agencies' records.
    assert {t for t, d in builtin_types().items() if not d.derived} == SPEC_IDS | EXTRA_IDS


@pytest.mark.parametrize("type_id", sorted(SPEC_IDS | EXTRA_IDS))
def test_each_yaml_file_loads_on_its_own(type_id: str) -> None:
    path = Path(str(resources.files("jiandu.catalog.types") / f"{type_id}.yaml"))
    dataset_type = load_type_file(path)
    assert dataset_type == builtin_types()[type_id]
    assert dataset_type.id == type_id
    assert dataset_type.required_fields, "every type needs at least one required field"
    assert dataset_type.keys, "every type declares its duplicate keys"
    assert dataset_type.field_names[-1] == SOURCE_RECORD_ID
    for spec in dataset_type.fields:
        assert spec.label_zh and spec.label_en
        if spec.name != SOURCE_RECORD_ID:
            assert spec.synonyms, f"{type_id}.{spec.name} has no header synonyms"


def _spec_rows(shared_dir: Path) -> dict[str, list[str]]:
    text = (shared_dir / "spec" / "data-standard.md").read_text(encoding="utf-8")
    rows: dict[str, list[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in SPEC_IDS:
            # Split on commas outside parentheses: "a, b (x/y), c".
            rows[cells[0]] = [p.strip() for p in re.split(r",\s*(?![^()]*\))", cells[3])]
    return rows


def test_spec_fields_types_and_values(shared_dir: Path) -> None:
    rows = _spec_rows(shared_dir)
    assert set(rows) == SPEC_IDS
    catalog = builtin_types()
    for type_id, entries in rows.items():
        for entry in entries:
            match = re.fullmatch(r"(\w+)(?:\s*\((.*)\))?", entry)
            assert match, entry
            name, note = match.group(1), match.group(2)
            spec = catalog[type_id].field(name)
            if note is None or "…" in note:
                continue
            if note in SEMANTIC_TYPE_NAMES:
                assert spec.type == note, f"{type_id}.{name}"
                continue
            if "/" not in note:  # a gloss such as "cause (案由)"
                continue
            values = [RENAMED_VALUES.get((type_id, name, v), v) for v in note.split("/")]
            assert spec.type == "enum", f"{type_id}.{name}"
            assert set(values) <= set(spec.values), f"{type_id}.{name}: {values}"


def test_identity_fields_are_typed_and_classified() -> None:
    for dataset_type in builtin_types().values():
        for spec in dataset_type.fields:
            if spec.name.endswith("id_card"):
                assert (spec.type, spec.pii) == ("id_card", "id"), spec.name
            if spec.name.endswith("uscc"):
                assert spec.type == "uscc", spec.name
            if spec.type in ("id_card", "phone"):
                assert dataset_type.sensitivity in ("sensitive", "secret"), dataset_type.id


def test_spec_synonym_examples() -> None:
    pension = builtin_types()["pension_payment"].header_index
    for header in ["身份证号", "公民身份号码", "证件号码", "身份证号码", "社会保障号码"]:
        assert pension[header][0] == "id_card"
    assert builtin_types()["vehicle_registry"].header_index["车牌号"][0] == "plate"
    assert builtin_types()["traffic_violation"].header_index["号牌号码"][0] == "plate"
    company = builtin_types()["company_registry"].header_index
    assert company["信用代码"][0] == "uscc"
    assert builtin_types()["tax_invoice"].header_index["销方纳税人识别号"][0] == "seller_uscc"
