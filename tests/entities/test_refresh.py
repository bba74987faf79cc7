"""The entity datasets follow the pool (`refresh_entities`), and models can read them."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings
from jiandu.entities.refresh import DERIVED, entity_secret, refresh_entities
from jiandu.errors import JianduError
from jiandu.fields.id_card import check_char
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.models.registry import ModelEntry
from jiandu.models.runner import preview_model
from jiandu.models.spec import parse_model
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Batch
from jiandu.workspace import open_workspace

CASE_1 = "（2023）浙0102民初100号"
CASE_2 = "（2023）浙0102民初200号"


def person_id(seq: int, born: str = "19800101") -> str:
    first17 = f"330102{born}{seq:03d}"
    return first17 + check_char(first17)


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def import_rows(settings: Settings, type_id: str, path: Path) -> str:
    result = import_batch(
        settings, ImportRequest(dataset_type=builtin_types()[type_id], files=(path,))
    )
    assert result.status == "committed", result
    return result.batch_id


PARTIES = [
    # Case 1: the plaintiff and the defendant give one phone number.
    {
        "案号": CASE_1,
        "诉讼地位": "原告",
        "当事人名称": "孙八",
        "身份证号": person_id(1),
        "联系电话": "13900000001",
        "委托代理人": "吴律师",
        "代理人执业机构": "丙律师事务所",
    },
    {
        "案号": CASE_1,
        "诉讼地位": "被告",
        "当事人名称": "钱七",
        "身份证号": person_id(2),
        "联系电话": "13900000001",
        "委托代理人": "",
        "代理人执业机构": "",
    },
    # Case 2: strangers, each with a lawyer of his own.
    {
        "案号": CASE_2,
        "诉讼地位": "原告",
        "当事人名称": "周九",
        "身份证号": person_id(3),
        "联系电话": "13900000003",
        "委托代理人": "吴律师",
        "代理人执业机构": "丙律师事务所",
    },
    {
        "案号": CASE_2,
        "诉讼地位": "被告",
        "当事人名称": "郑十",
        "身份证号": person_id(4),
        "联系电话": "13900000004",
        "委托代理人": "冯律师",
        "代理人执业机构": "丁律师事务所",
    },
]


def _batches(settings: Settings, dataset_id: str) -> dict[str, str]:
    engine = make_engine(settings)
    try:
        with session_scope(engine) as session:
            rows = session.execute(
                select(Batch.id, Batch.status).where(Batch.dataset_id == dataset_id)
            )
            return {batch_id: status for batch_id, status in rows}
    finally:
        engine.dispose()


def test_refresh_commits_the_derived_datasets_and_follows_new_imports(
    home: Settings, tmp_path: Path
) -> None:
    import_rows(home, "court_party", write_csv(tmp_path / "当事人.csv", PARTIES))
    first = refresh_entities(home)
    assert first.status == "refreshed"
    assert set(first.batches) == set(DERIVED)
    assert first.entities == 6  # four parties, two lawyers
    assert first.party_relations == 1
    assert refresh_entities(home).status == "unchanged"

    company = [
        {
            "统一社会信用代码": "91330100MA27XXXX1A",
            "企业名称": "杭州甲贸易有限公司",
            "法定代表人": "钱七",
            "法定代表人身份证号": person_id(2),
        }
    ]
    import_rows(home, "company_registry", write_csv(tmp_path / "企业.csv", company))
    second = refresh_entities(home)
    assert second.status == "refreshed"
    assert second.entities == 7
    changed = {d for d, b in first.batches.items() if second.batches[d] != b}
    assert {"entity", "entity_record", "entity_edge"} <= changed
    for dataset_id, batch_id in first.batches.items():
        statuses = _batches(home, dataset_id)
        # Unchanged rows (party_relation here) keep their batch: the import is a duplicate.
        assert statuses[batch_id] == ("replaced" if dataset_id in changed else "committed")
        assert statuses[second.batches[dataset_id]] == "committed"
    assert set(second.replaced) == {first.batches[d] for d in changed}


def test_the_secret_is_made_once_and_private(home: Settings) -> None:
    secret = entity_secret(home)
    assert len(secret) == 32 and entity_secret(home) == secret
    assert (home.home / "entities" / "secret").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("dataset_id", sorted(DERIVED))
def test_derived_entity_datasets_cannot_be_imported_by_hand(dataset_id: str) -> None:
    with pytest.raises(JianduError, match=r"derived|计算"):
        builtin_types()[dataset_id].check_importable()


MODEL = """
id: busy_party
name_zh: 关联多的当事人
name_en: Parties with many relations
legal_basis: [测试]
explanation_zh: 测试实体与关系图特征在模型中可用。
parameters:
  - {name: min_degree, type: int, default: 3, label_zh: 最少关联数, label_en: Min degree}
sources: {p: court_party, r: entity_record, e: entity}
steps:
  - name: with_entity
    from: p
    join:
      - with: r
        keys: {case_no: case_no, name: name}
        condition: r_source_dataset = 'court_party'
      - with: e
        keys: {r_entity_id: entity_id}
    filter: e_degree >= $min_degree
clue:
  subject_type: person
  subject_key: e_entity_id
  title: "{name} 关联 {e_degree} 个实体"
  evidence: [case_no, name, e_degree, e_component_size]
"""


def test_models_read_entity_ids_and_graph_features(home: Settings, tmp_path: Path) -> None:
    import_rows(home, "court_party", write_csv(tmp_path / "当事人.csv", PARTIES))
    refresh_entities(home)
    workspace = open_workspace(home)
    entry = ModelEntry(parse_model(yaml.safe_load(MODEL)), "imported")
    # Degrees: 孙八 – 钱七 (opponent, same phone), 吴律师 (agent): 2; 钱七: 1;
    # 周九 – 郑十, 吴律师: 2; 郑十 – 周九, 冯律师: 2. One component of six via 吴律师.
    preview = preview_model(workspace, entry, {"min_degree": 2})
    assert sorted(h["title"] for h in preview.hits) == [
        "周九 关联 2 个实体",
        "孙八 关联 2 个实体",
        "郑十 关联 2 个实体",
    ]
    assert preview_model(workspace, entry, {"min_degree": 3}).hit_count == 0
