"""`/api/entities`: guarded (401/403), scoped to the caller's datasets (a unit sees only
what its own data says of anyone), masked unless unmasking is allowed and asked for, and
audited without names or ID numbers.

The world of entity_world.py, with court_party and social_insurance owned by 越城
(330602) and company_registry by 柯桥 (330603); 绍兴 (330600) sees all three.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from entity_world import CASE_A, COMPANY, P1, P2, PHONE, U1, copy_world, use_home, world_template
from sqlalchemy import select
from web_province import PASSWORD, Province

from jiandu.security.units import create_unit
from jiandu.security.users import create_user
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, Dataset
from jiandu.web.app import create_app
from jiandu.workspace import open_workspace

USERS = {
    "admin": ("330000", ["admin"], "internal"),
    "sx_leader": ("330600", ["leader"], "sensitive"),
    "sx_low": ("330600", ["leader"], "internal"),
    "yc_pros": ("330602", ["prosecutor"], "sensitive"),
    "yc_steward": ("330602", ["data_steward"], "sensitive"),
    "kq_pros": ("330603", ["prosecutor"], "sensitive"),
}
OWNERS = {"court_party": "330602", "social_insurance": "330602", "company_registry": "330603"}


@pytest.fixture
def world(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Province:
    settings = use_home(copy_world(world_template(tmp_path_factory), tmp_path), monkeypatch)
    with session_scope(open_workspace(settings).engine) as session:
        create_unit(session, id="330000", name="浙江省人民检察院", kind="procuratorate",
                    level="province")  # fmt: skip
        create_unit(session, id="330600", name="绍兴市人民检察院", kind="procuratorate",
                    level="city", parent_id="330000")  # fmt: skip
        for unit, name in (("330602", "越城区人民检察院"), ("330603", "柯桥区人民检察院")):
            create_unit(session, id=unit, name=name, kind="procuratorate", level="county",
                        parent_id="330600")  # fmt: skip
        for username, (unit, roles, clearance) in USERS.items():
            create_user(session, username=username, display_name=username, unit_id=unit,
                        password=PASSWORD, roles=roles, clearance=clearance)  # fmt: skip
        for dataset_id, unit in OWNERS.items():
            dataset = session.get(Dataset, dataset_id)
            assert dataset is not None
            dataset.owner_unit = unit
    return Province(settings, create_app(settings), "")


def _get(province: Province, user: str, path: str, status: int = 200, **params: Any) -> Any:
    response = province.client(user).get(path, params=params)
    assert response.status_code == status, response.text
    return response.json()


def _find(province: Province, user: str, q: str, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = _get(province, user, "/api/entities", q=q, **params)["results"]
    return found


def _audit(province: Province, action: str) -> list[AuditEntry]:
    with session_scope(open_workspace(province.settings).engine) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        session.expunge_all()
        return list(entries)


def test_the_routes_need_sign_in_and_the_dataset_permission(world: Province) -> None:
    for path in ("/api/entities?q=张三丰", "/api/entities/P0123456789abcdef",
                 "/api/entities/P0123456789abcdef/graph"):  # fmt: skip
        assert world.client().get(path).status_code == 401
        assert world.client("admin").get(path).status_code == 403
    assert any(e.outcome == "denied" for e in _audit(world, "access.denied"))


def test_found_and_shown_masked_and_audited_without_pii(world: Province) -> None:
    (person,) = _find(world, "yc_pros", "张三丰")
    assert person["name"] == "张**" and person["id_card"] == P1[:6] + "********" + P1[-4:]
    assert person["record_count"] == 4
    answer = _get(world, "yc_pros", f"/api/entities/{person['entity_id']}")
    assert answer["masked"] is True and answer["entity"]["name"] == "张**"
    court = next(g for g in answer["datasets"] if g["dataset_id"] == "court_party")
    assert court["name_zh"] and court["fields"]
    row = court["records"][0]["row"]
    assert row["name"] == "张**" and row["phone"] == "138****1234"
    assert row["id_card"].startswith(P1[:6]) and P1 not in str(answer)
    assert "id_card_birth_date" not in row  # derived from the ID number: dropped
    assert court["records"][0]["record"]["name"] == "张**"
    # People's names masked; an organisation's name is not personal data.
    assert {r["other_name"] for r in answer["relations"]} >= {"李*", "王**", COMPANY}
    related = next(r for r in answer["party_relations"] if r["case_no"] == CASE_A)
    assert related["party_b_name"] == "李*" and related["via_name"] == COMPANY
    text = str(answer)
    assert "张三丰" not in text and "李四" not in text and PHONE not in text
    reads = [e for e in _audit(world, "data.read") if e.object_kind == "entity"]
    assert {e.object_id for e in reads} >= {"find", person["entity_id"]}
    logged = str([e.detail for e in reads])
    assert "张三丰" not in logged and P1 not in logged and "三丰" not in logged


def test_a_unit_sees_only_what_its_own_data_says(world: Province) -> None:
    assert _find(world, "kq_pros", "张三丰") == []
    assert _find(world, "kq_pros", P1) == []
    person = _find(world, "yc_pros", P1)[0]["entity_id"]
    _get(world, "kq_pros", f"/api/entities/{person}", 404)
    _get(world, "kq_pros", f"/api/entities/{person}/graph", 404)
    (li,) = _find(world, "kq_pros", "李", unmask=1)
    assert li["name"] == "李四" and li["record_count"] == 1  # the registry's legal rep
    answer = _get(world, "kq_pros", f"/api/entities/{li['entity_id']}", unmask=1)
    assert [g["dataset_id"] for g in answer["datasets"]] == ["company_registry"]
    assert {r["relation"] for r in answer["relations"]} == {"legal_rep"}
    assert answer["complete"] is False and answer["entity"]["ring_id"] is None
    assert "李肆" not in str(answer) and "张三丰" not in str(answer)
    assert _find(world, "kq_pros", "李肆") == []  # the alias lives in 越城's data
    assert _find(world, "yc_pros", "李肆", unmask=1)[0]["id_card"] == P2
    whole = _get(world, "sx_leader", f"/api/entities/{person}", unmask=1)
    assert whole["complete"] is True and len(whole["datasets"]) == 2
    assert {r["other_name"] for r in whole["relations"]} >= {COMPANY, "李四"}


def test_unmasking_needs_the_permission_and_is_audited(world: Province) -> None:
    (found,) = _find(world, "yc_pros", U1, unmask=1)
    answer = _get(world, "yc_pros", f"/api/entities/{found['entity_id']}", unmask=1)
    assert answer["masked"] is False and answer["entity"]["name"] == COMPANY
    unmasked = [e for e in _audit(world, "pii.unmask") if e.outcome == "ok"]
    assert {e.object_id for e in unmasked} >= {found["entity_id"]}
    refused = world.client("yc_steward").get(f"/api/entities/{found['entity_id']}?unmask=1")
    assert refused.status_code == 403
    assert any(e.outcome == "denied" for e in _audit(world, "pii.unmask"))
    assert _find(world, "yc_steward", "柯桥")[0]["name"] == COMPANY  # not personal data


def test_the_entity_index_needs_its_clearance(world: Province) -> None:
    response = world.client("sx_low").get("/api/entities", params={"q": "张三丰"})
    assert response.status_code == 400 and "密级" in response.json()["error"]["zh"]


def test_graph_is_scoped_and_masked(world: Province) -> None:
    person = _find(world, "yc_pros", P1)[0]["entity_id"]
    graph = _get(world, "yc_pros", f"/api/entities/{person}/graph", hops=2)
    names = {n["name"] for n in graph["nodes"]}
    assert {"张**", COMPANY} <= names and "张三丰" not in names and graph["masked"] is True
    relations = {e["relation"] for e in graph["edges"]}
    assert "employer" in relations and "legal_rep" not in relations  # registry is 柯桥's
    whole = _get(world, "sx_leader", f"/api/entities/{person}/graph", hops=2)
    assert "legal_rep" in {e["relation"] for e in whole["edges"]} and whole["complete"]
    _get(world, "yc_pros", f"/api/entities/{person}/graph", 422, hops=4)
    entries = [e for e in _audit(world, "data.read") if e.object_id == person]
    assert entries and all("张" not in str(e.detail) for e in entries)
