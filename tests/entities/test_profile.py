"""Entity profiles (`jiandu.entities.profile`) over the small world of entity_world.py:
imported CSVs resolved by `refresh_entities`, then read back whole and scoped to fewer
datasets, where nothing of the invisible data may show (records, aliases, relations,
related opposing parties, graph features)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from entity_world import (
    CASE_A,
    CASE_B,
    COMPANY,
    DATASETS,
    P1,
    P2,
    PHONE,
    U1,
    copy_world,
    use_home,
    world_template,
)
from hypothesis import given
from hypothesis import strategies as st

from jiandu.config import Settings
from jiandu.entities import profile
from jiandu.entities.profile import ProfileError
from jiandu.fields.id_card import check_char
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The world, read in place (these tests only read)."""
    return use_home(world_template(tmp_path_factory), monkeypatch)


def _find(
    settings: Settings, query: str, datasets: tuple[str, ...] = DATASETS, kind: str | None = None
) -> list[dict[str, Any]]:
    return profile.find_entities(settings, query, datasets=datasets, kind=kind).to_pylist()


def _id_of(settings: Settings, key: str) -> str:
    (found,) = _find(settings, key)
    return str(found["entity_id"])


def test_find_by_id_number_uscc_name_and_entity_id(world: Settings) -> None:
    (person,) = _find(world, P1)
    assert person["matched"] == "key" and person["entity_kind"] == "person"
    assert person["name"] == "张三丰" and person["id_card"] == P1
    assert (person["record_count"], person["dataset_count"], person["case_count"]) == (4, 2, 2)
    # Typed loosely: lower-case x, spaces (standardised like the pool's values).
    assert _find(world, f" {P1[:6]} {P1[6:]} ".lower())[0]["entity_id"] == person["entity_id"]
    (company,) = _find(world, U1)
    assert company["matched"] == "key" and company["name"] == COMPANY
    assert _find(world, person["entity_id"])[0]["matched"] == "entity_id"
    assert _find(world, "张三丰")[0]["matched"] == "name"
    assert _find(world, "張三豐")[0]["entity_id"] == person["entity_id"]  # simplified
    assert _find(world, "三丰")[0]["matched"] == "name_contains"
    assert _find(world, "张三丰", kind="org") == []
    assert _find(world, "   ") == [] and _find(world, "查无此人") == []


def test_exact_names_rank_before_contains_then_by_records(world: Settings) -> None:
    found = _find(world, "柯桥")
    assert [f["name"] for f in found] == [COMPANY]
    names = [f["name"] for f in _find(world, "李")]
    assert names == ["李四"]  # one entity, found by both of its names
    with pytest.raises(ProfileError):
        profile.find_entities(world, "x", datasets=DATASETS, limit=0)
    with pytest.raises(ProfileError):
        profile.find_entities(world, "x", datasets=DATASETS, kind="animal")


def test_an_alias_counts_only_where_a_visible_record_carries_it(world: Settings) -> None:
    assert _find(world, "李肆")[0]["id_card"] == P2
    assert _find(world, "李肆", ("court_party", "company_registry")) == []
    (li,) = _find(world, "李四", ("court_party",))
    assert li["name"] == "李四" and li["record_count"] == 1 and li["dataset_count"] == 1
    assert _find(world, "张三丰", ("company_registry",)) == []
    assert _find(world, P1, ("company_registry",)) == []


def test_profile_gathers_every_record_with_its_source_row(world: Settings) -> None:
    found = profile.entity_profile(world, _id_of(world, P1), datasets=DATASETS)
    assert found is not None and found.complete
    (entity,) = found.entity.to_pylist()
    assert entity["name"] == "张三丰" and entity["record_count"] == 4
    assert entity["component_size"] == 5 and entity["ring_id"] is not None
    assert found.entity.type_id == "entity"
    groups = {g.dataset_id: g for g in found.datasets}
    assert set(groups) == {"court_party", "social_insurance"}
    court = groups["court_party"]
    assert court.type_id == "court_party" and court.total == 2
    assert court.records.type_id == "entity_record" and court.rows.type_id == "court_party"
    rows = court.rows.to_pylist()
    assert [r["case_no"] for r in court.records.to_pylist()] == [r["case_no"] for r in rows]
    assert {r["case_no"] for r in rows} == {CASE_A, CASE_B}
    assert all(r["phone"] == PHONE and r["role"] == "原告" for r in rows)
    assert not any(c.startswith("_") for c in court.rows.table.column_names)
    insured = groups["social_insurance"].rows.to_pylist()
    assert sorted(r["name"] for r in insured) == ["张三丰", "張三豐"]  # as recorded


def test_profile_relations_and_related_opposing_parties(world: Settings) -> None:
    person = _id_of(world, P1)
    found = profile.entity_profile(world, person, datasets=DATASETS)
    assert found is not None
    relations = found.relations.to_pylist()
    assert found.relations.extra == {"other_name": "name"}
    kinds = {(r["relation"], r["other_name"]) for r in relations}
    assert {("employer", COMPANY), ("opposing_party", "李四"), ("opposing_party", COMPANY),
            ("agent", "王律师")} <= kinds  # fmt: skip
    assert found.relations_total == len(relations)
    assert found.relations.kind_of == {"other_name": "kind_b"}
    assert found.party_relations.kind_of["via_name"] == "via_kind"
    related = {r["case_no"]: r for r in found.party_relations.to_pylist()}
    assert set(related) == {CASE_A, CASE_B}
    assert related[CASE_A]["party_b_name"] == "李四" and related[CASE_A]["hops"] == 2
    assert related[CASE_A]["via_name"] == COMPANY
    assert related[CASE_B]["hops"] == 1 and related[CASE_B]["path"] == "employer"


def test_a_narrower_scope_shows_nothing_of_the_rest(world: Settings) -> None:
    person = _id_of(world, P1)
    found = profile.entity_profile(world, person, datasets=("court_party",))
    assert found is not None and not found.complete
    (entity,) = found.entity.to_pylist()
    assert entity["record_count"] == 2 and entity["dataset_count"] == 1
    assert entity["component_id"] is None and entity["ring_id"] is None
    assert entity["degree"] == 3  # 李四, the company, the agent: what court_party shows
    assert [g.dataset_id for g in found.datasets] == ["court_party"]
    relations = {r["relation"] for r in found.relations.to_pylist()}
    assert relations == {"opposing_party", "agent"}
    assert found.party_relations.table.num_rows == 0  # its path runs through other data
    # 李四 seen through court_party alone: his registry alias and role are gone.
    li = profile.entity_profile(world, _id_of(world, P2), datasets=("court_party",))
    assert li is not None
    assert {g.dataset_id for g in li.datasets} == {"court_party"}
    assert "legal_rep" not in {r["relation"] for r in li.relations.to_pylist()}
    assert profile.entity_profile(world, person, datasets=("company_registry",)) is None
    assert profile.entity_profile(world, person, datasets=()) is None


def test_a_shared_phone_shows_only_where_both_visible_records_carry_it(world: Settings) -> None:
    person = _id_of(world, P1)

    def phone_links(datasets: tuple[str, ...]) -> set[str]:
        found = profile.entity_profile(world, person, datasets=datasets)
        assert found is not None
        relations = found.relations.to_pylist()
        return {r["other_name"] for r in relations if r["relation"] == "same_phone"}

    assert phone_links(DATASETS) == {"王五"}
    assert phone_links(("court_party", "company_registry")) == {"王五"}
    # 王五 is visible here, but no visible record of 张三丰 has the number.
    assert phone_links(("company_registry", "social_insurance")) == set()
    assert phone_links(("court_party",)) == set()  # 王五 is not visible at all


def test_unknown_and_malformed_ids_are_none(world: Settings) -> None:
    assert profile.entity_profile(world, "P0000000000000000", datasets=DATASETS) is None
    assert profile.entity_profile(world, "'; DROP TABLE x; --", datasets=DATASETS) is None
    assert profile.neighbourhood(world, "nope", datasets=DATASETS) is None


def test_neighbourhood_scoped_and_limited(world: Settings) -> None:
    person = _id_of(world, P1)
    whole = profile.neighbourhood(world, person, hops=1, datasets=DATASETS)
    assert whole is not None and whole.complete and not whole.truncated
    nodes = {n["entity_id"]: n for n in whole.nodes.to_pylist()}
    assert len(nodes) == 5 and nodes[person]["distance"] == 0
    assert {n["name"] for n in nodes.values()} == {"张三丰", "李四", COMPANY, "王律师", "王五"}
    edges = {(e["relation"], frozenset((e["entity_a"], e["entity_b"]))) for e in
             whole.edges.to_pylist()}  # fmt: skip
    company = _id_of(world, U1)
    assert ("legal_rep", frozenset((company, _id_of(world, P2)))) in edges  # among neighbours
    assert all(e["entity_a"] < e["entity_b"] for e in whole.edges.to_pylist())
    assert nodes[company]["ring_id"] is not None

    court = profile.neighbourhood(world, person, hops=3, datasets=("court_party",))
    assert court is not None and not court.complete
    assert {e["relation"] for e in court.edges.to_pylist()} == {"opposing_party", "agent"}
    assert all(n["ring_id"] is None for n in court.nodes.to_pylist())
    degrees = {n["entity_id"]: n["degree"] for n in court.nodes.to_pylist()}
    assert degrees[person] == 3 and degrees[company] == 1

    cut = profile.neighbourhood(world, person, hops=2, limit=2, datasets=DATASETS)
    assert cut is not None and cut.truncated and cut.nodes.table.num_rows == 2
    assert profile.neighbourhood(world, person, datasets=("company_registry",)) is None
    with pytest.raises(ProfileError):
        profile.neighbourhood(world, person, hops=4, datasets=DATASETS)


def test_a_record_whose_batch_is_gone_comes_without_its_row(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = use_home(copy_world(world_template(tmp_path_factory), tmp_path), monkeypatch)
    person = _id_of(settings, P1)
    engine = make_engine(settings)
    try:
        with session_scope(engine) as session:
            assert pool_catalog.replace_batches(session, "social_insurance", keep="")
        found = profile.entity_profile(settings, person, datasets=DATASETS, engine=engine)
    finally:
        engine.dispose()
    assert found is not None
    insured = next(g for g in found.datasets if g.dataset_id == "social_insurance")
    assert insured.records.table.num_rows == 2 and insured.rows.table.num_columns == 0


def test_an_empty_pool_finds_nothing(home: Settings) -> None:
    assert profile.find_entities(home, "张三丰", datasets=DATASETS).table.num_rows == 0
    assert profile.entity_profile(home, "P0123456789abcdef", datasets=DATASETS) is None
    assert profile.neighbourhood(home, "P0123456789abcdef", datasets=DATASETS) is None


@given(
    first=st.from_regex(
        r"3306021(9[5-9][0-9])(0[1-9]|1[0-2])(0[1-9]|1[0-9])[0-9]{3}", fullmatch=True
    ),
    spaces=st.lists(st.integers(0, 17), max_size=3),
)
def test_an_id_number_is_found_however_it_is_typed(first: str, spaces: list[int]) -> None:
    number = first + check_char(first)
    typed = number.lower()
    for at in sorted(spaces, reverse=True):
        typed = typed[:at] + " " + typed[at:]
    keys, exact = profile._keys(typed)
    assert number in keys and exact


def test_rows_carry_their_type_and_extra_classes() -> None:
    rows = profile.Rows("entity_edge", pa.table({"other_name": ["张三"]}), {"other_name": "name"})
    assert rows.to_pylist() == [{"other_name": "张三"}] and rows.type_id == "entity_edge"
