"""Model files: shape validation with errors that name the YAML path, and the schema."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path
from typing import Any

import pytest
import yaml

from jiandu.models import library_models, load_model_file, validate_model
from jiandu.models.errors import ModelError
from jiandu.models.spec import model_json_schema, parse_model

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "jiandu" / "models" / "library"


def base() -> dict[str, Any]:
    data = yaml.safe_load((LIBRARY / "pension_after_death.yaml").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def with_change(path: list[str | int], value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base())
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


_DELETE = object()

CASES = [
    (["id"], "Pension", "id"),
    (["version"], 0, "version"),
    (["name_zh"], _DELETE, "name_zh"),
    (["legal_basis"], [], "legal_basis"),
    (["visibility"], "world", "visibility"),
    (["sources"], {}, "sources"),
    (["sources"], {"Pay": "pension_payment"}, "sources"),
    (["steps", 2, "filter"], 3, "steps[2].filter"),
    (["steps", 1, "join", 0, "how"], "cross", "steps[1].join[0].how"),
    # With fuzzy joins, keys may be empty: a join needs keys or fuzzy (the join is named).
    (["steps", 1, "join", 0, "keys"], {}, "steps[1].join[0]"),
    (["steps", 1, "frobnicate"], "x", "steps[1].frobnicate"),
    (["steps", 0, "name"], "Deaths", "steps[0].name"),
    (["steps", 0, "derive"], {"x": "1"}, "steps[0]"),
    (["steps", 1, "having"], "x > 1", "steps[1]"),
    (["parameters", 0, "default"], "two", "parameters[0]"),
    (["parameters", 0, "name"], "as_of", "parameters[0].name"),
    (["parameters", 0, "type"], "float", "parameters[0].type"),
    (["clue", "severity"], "urgent", "clue.severity"),
    (["clue", "subject_type"], "planet", "clue.subject_type"),
    (["clue", "branches", 0, "from"], _DELETE, "clue.branches[0].from"),
    (["sql"], "select 1 as x", "(top level)"),
    (["optional_sources"], ["nope"], "(top level)"),
]


@pytest.mark.parametrize(("path", "value", "where"), CASES)
def test_shape_errors_name_the_yaml_path(path: list[str | int], value: Any, where: str) -> None:
    with pytest.raises(ModelError) as caught:
        parse_model(with_change(path, value), "m.yaml")
    assert caught.value.where == where
    assert caught.value.location.file == "m.yaml"
    assert "模型定义无效" in caught.value.zh and "invalid model" in caught.value.en


SEMANTIC = [
    (["sources", "pay"], "no_such_type", "sources.pay", "unknown dataset type"),
    (["steps", 1, "from"], "nowhere", "steps[1].from", "not a source alias"),
    (["steps", 1, "filter"], "pay_month > nope", "steps[1].filter", "no column nope"),
    (["steps", 1, "filter"], "getenv('HOME') = 'x'", "steps[1].filter", "getenv"),
    (["steps", 1, "filter"], "amount > $missing", "steps[1].filter", "undeclared parameter"),
    (["steps", 1, "filter"], "count(*) > 1", "steps[1].filter", "aggregate"),
    (["steps", 1, "filter"], "pay.amount > 1", "steps[1].filter", "qualifier"),
    (["steps", 1, "filter"], "amount >", "steps[1].filter", "cannot parse"),
    (["steps", 2, "aggregate", "name"], "name", "steps[2].aggregate.name", "group_by"),
    (["steps", 2, "group_by"], ["nope"], "steps[2].group_by", "nope"),
    (["steps", 2, "having"], "monthz > 1", "steps[2].having", "monthz"),
    (["steps", 1, "join", 0, "keys"], {"id_card": "x"}, "steps[1].join[0].keys", "join key"),
    (["steps", 1, "join", 0, "prefix"], "", "steps[1].join[0].prefix", "taken"),
    (["clue", "title"], "{nobody}", "clue.branches[0] clue.title", "nobody"),
    (["clue", "subject_key"], "idcard", "clue.subject_key", "idcard"),
    (["clue", "evidence"], ["months", "months"], "clue.evidence", "duplicate"),
    (["steps", 0, "name"], "pension_payment", "steps.pension_payment", "dataset type id"),
]


@pytest.mark.parametrize(("path", "value", "where", "english"), SEMANTIC)
def test_semantic_errors_name_the_place(
    path: list[str | int], value: Any, where: str, english: str
) -> None:
    spec = parse_model(with_change(path, value))
    with pytest.raises(ModelError) as caught:
        validate_model(spec)
    assert caught.value.where == where
    assert english in caught.value.en


def test_bad_yaml_and_missing_file_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [unclosed\n", encoding="utf-8")
    with pytest.raises(ModelError) as caught:
        load_model_file(bad)
    assert caught.value.location.file == str(bad)
    assert caught.value.location.row is not None
    with pytest.raises(ModelError, match="cannot read"):
        load_model_file(tmp_path / "absent.yaml")
    top = tmp_path / "list.yaml"
    top.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(ModelError, match="top level"):
        load_model_file(top)


def test_library_models_validate() -> None:
    models = library_models()
    assert set(models) == {  # every model of shared/spec/models.md
        *("pension_after_death", "insurance_false_litigation", "bankruptcy_false_labor_claim"),
        *("auction_vehicle_not_transferred", "non_standard_oil", "shell_company"),
        *("professional_lender", "false_judicial_confirmation", "case_filing_supervision"),
        *("refusal_to_execute", "medical_insurance_fraud"),
        "template_litigation",  # issue #8
        "related_party_litigation",  # issue #9
    }
    for spec in models.values():
        validate_model(spec)


def test_committed_schema_is_current() -> None:
    spec = importlib.util.spec_from_file_location("gen", ROOT / "tools" / "gen_model_schema.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    committed = (ROOT / "docs" / "dev" / "model-spec.schema.json").read_text("utf-8")
    assert committed == module.render(), "run python tools/gen_model_schema.py"


def test_schema_uses_yaml_spellings() -> None:
    schema = model_json_schema()
    step = schema["$defs"]["Step"]["properties"]
    assert "from" in step and "from_" not in step
    assert "with" in schema["$defs"]["Join"]["properties"]


def test_annotated_example_in_user_docs_is_valid() -> None:
    text = (ROOT / "docs" / "user" / "models.md").read_text("utf-8")
    blocks = [b for b in text.split("```yaml\n")[1:] if b.startswith("id: ")]
    assert blocks, "docs/user/models.md lost its complete example"
    for block in blocks:
        validate_model(parse_model(yaml.safe_load(block.split("```")[0])))
