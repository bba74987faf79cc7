"""What the web UI's clue and case screens add to the API: inbox filters and search,
facets, transfer targets, assignees, transfers with clue summaries, the evidence graph
in a clue's detail, a case's clues, and recording service (送达) — scoped, masked and
guarded like the rest (test_clue_path.py covers the path itself).

The province (web_province.py) has one `pension_after_death` clue of 越城 (330602) on
one person once its run is synced.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from web_province import NAME, PERSON, PHONE, Province

from jiandu.cases.service import CHINA_TIME, deadline_after_service
from jiandu.cases.types import CASE_TYPES
from jiandu.clues.sync import sync_run
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, ModelRun, UserAccount
from jiandu.workspace import open_workspace

MODEL = "pension_after_death"
FACTS = "经审查查明：越城区社保经办机构在领取人死亡后继续发放养老金共计三万元，未予追回。"
SUPERVISED = "绍兴市越城区人力资源和社会保障局"


def _sync(province: Province) -> None:
    with session_scope(open_workspace(province.settings).engine) as session:
        run = session.get_one(ModelRun, province.run_id)
        assert sync_run(session, province.settings, run, actor="test").new == 1


def _user_id(province: Province, username: str) -> str:
    with session_scope(open_workspace(province.settings).engine) as session:
        return session.scalars(select(UserAccount.id).where(UserAccount.username == username)).one()


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _leaks(text: str) -> bool:
    return PERSON in text or NAME in text or PHONE in text


def _the_clue(client: TestClient) -> dict[str, Any]:
    (clue,) = _ok(client.get("/api/clues", params={"model_id": MODEL}))
    return dict(clue)


def _confirmed(province: Province, client: TestClient) -> dict[str, Any]:
    _sync(province)
    clue = _the_clue(client)
    clue = _ok(
        client.post(
            f"/api/clues/{clue['id']}/assign",
            json={"assignee_id": _user_id(province, "yc_pros"), "expected_version": 1},
        )
    )
    for action in ("verify", "confirm"):
        clue = _ok(
            client.post(
                f"/api/clues/{clue['id']}/actions",
                json={"action": action, "expected_version": clue["version"]},
            )
        )
    return dict(clue)


def _case(client: TestClient, clue: dict[str, Any]) -> dict[str, Any]:
    body = {
        "clue_ids": [clue["id"]],
        "case_type": "procuratorial_suggestion",
        "title": "冒领养老金监督案",
        "facts": FACTS,
        "supervised_unit": SUPERVISED,
    }
    return dict(_ok(client.post("/api/cases", json=body), 201))


# ------------------------------------------------------------------------- the inbox


def test_inbox_filters_by_assignee_and_pages(province: Province) -> None:
    yc = province.client("yc_pros")
    _sync(province)
    clue = _the_clue(yc)
    assert clue["holder_unit_name"] == "越城区人民检察院" and clue["assignee_name"] is None
    assert [c["id"] for c in _ok(yc.get("/api/clues", params={"assignee": "none"}))] == [clue["id"]]
    assert _ok(yc.get("/api/clues", params={"assignee": "me"})) == []
    _ok(
        yc.post(
            f"/api/clues/{clue['id']}/assign",
            json={"assignee_id": _user_id(province, "yc_pros"), "expected_version": 1},
        )
    )
    (mine,) = _ok(yc.get("/api/clues", params={"assignee": "me"}))
    assert mine["assignee_name"] == "yc_pros"
    assert _ok(yc.get("/api/clues", params={"assignee": "none"})) == []
    leader = province.client("yc_leader")
    assert _ok(leader.get("/api/clues", params={"assignee": "me"})) == []
    # Paging: the one clue is on the first page only.
    assert len(_ok(yc.get("/api/clues", params={"limit": 1, "offset": 0}))) == 1
    assert _ok(yc.get("/api/clues", params={"limit": 1, "offset": 1})) == []
    assert yc.get("/api/clues", params={"offset": -1}).status_code == 422


def test_search_matches_only_what_the_reader_is_shown(province: Province) -> None:
    yc = province.client("yc_pros")
    _sync(province)
    clue = _the_clue(yc)
    assert NAME not in clue["title"]  # masked: the surname and stars
    surname = NAME[0]
    assert surname in clue["title"]
    found = _ok(yc.get("/api/clues", params={"q": surname}))
    assert [c["id"] for c in found] == [clue["id"]]
    assert [c["id"] for c in _ok(yc.get("/api/clues", params={"q": clue["id"][-6:]}))] == [
        clue["id"]
    ]
    assert len(_ok(yc.get("/api/clues", params={"q": "PENSION_after"}))) == 1
    # The hidden values behind the mask are no search key: no oracle on ID numbers,
    # full names or phone numbers.
    for hidden in (NAME, PERSON, PERSON[6:14], PHONE):
        answer = yc.get("/api/clues", params={"q": hidden})
        assert _ok(answer) == [], hidden
    # Another unit finds nothing, whatever it searches for.
    assert _ok(province.client("kq_pros").get("/api/clues", params={"q": surname})) == []


def test_facets_count_only_readable_clues(province: Province) -> None:
    _sync(province)
    facets = _ok(province.client("yc_pros").get("/api/clues/facets"))
    assert facets["total"] == 1
    (model,) = facets["models"]
    assert (model["id"], model["count"]) == (MODEL, 1) and model["name_zh"] != MODEL
    statuses = {s["status"]: s["count"] for s in facets["statuses"]}
    assert statuses["pending"] == 1 and statuses["closed"] == 0
    assert facets["holders"] == [{"id": "330602", "name": "越城区人民检察院", "count": 1}]
    other = _ok(province.client("kq_pros").get("/api/clues/facets"))
    assert (other["total"], other["models"], other["holders"]) == (0, [], [])
    assert province.client("auditor").get("/api/clues/facets").status_code == 403


def test_transfer_targets_say_where_each_unit_stands(province: Province) -> None:
    targets = _ok(province.client("yc_pros").get("/api/clues/transfer-targets"))
    relation = {t["id"]: t["relation"] for t in targets}
    assert relation == {
        "330000": "other",
        "330600": "other",
        "330602": "own",
        "330602-d1": "within",
        "330603": "other",
        "ext-yb": "external",
    }
    assert next(t for t in targets if t["id"] == "330603")["name"] == "柯桥区人民检察院"
    # Only those who may send clues get the list (external units may not).
    assert province.client("ext").get("/api/clues/transfer-targets").status_code == 403
    assert province.client("auditor").get("/api/clues/transfer-targets").status_code == 403


def test_assignees_are_active_clue_workers_of_the_callers_units(province: Province) -> None:
    found = _ok(province.client("yc_pros").get("/api/clues/assignees"))
    names = {p["display_name"]: p["unit_id"] for p in found}
    # The steward and the modeler do not work on clues; 柯桥 and the city are not 越城's.
    assert names == {"yc_pros": "330602", "yc_leader": "330602", "yc_dept": "330602-d1"}
    assert [p["display_name"] for p in found if p["is_me"]] == ["yc_pros"]
    city = {
        p["display_name"] for p in _ok(province.client("sx_leader").get("/api/clues/assignees"))
    }
    assert {"yc_pros", "kq_pros", "sx_leader"} <= city and "ext" not in city
    # An external unit's liaison may write feedback but assigns nobody: nobody is listed.
    assert _ok(province.client("ext").get("/api/clues/assignees")) == []
    assert province.client("auditor").get("/api/clues/assignees").status_code == 403


# ---------------------------------------------------------------- detail, transfers


def test_detail_carries_names_and_a_graph_without_leaks(province: Province) -> None:
    yc = province.client("yc_pros")
    clue = _confirmed(province, yc)
    answer = yc.get(f"/api/clues/{clue['id']}")
    detail = _ok(answer)
    assert not _leaks(answer.text)
    assert detail["holder_unit_name"] == "越城区人民检察院"
    assert detail["assignee_name"] == "yc_pros"
    assert {e["actor_name"] for e in detail["history"] if e["kind"] == "status"} == {"yc_pros"}
    assert detail["can_act"] is True
    # 柯桥 reads it once it is sent there, but works on it only after accepting it.
    body = {"clues": [{"id": clue["id"], "expected_version": clue["version"]}], "to_unit": "330603"}
    _ok(yc.post("/api/clues/transfers", json=body), 201)
    assert _ok(province.client("kq_pros").get(f"/api/clues/{clue['id']}"))["can_act"] is False
    assert _ok(yc.get(f"/api/clues/{clue['id']}"))["can_act"] is True  # still 越城's
    # One person with a pension and a death record: nothing to relate, no graph.
    assert detail["graph"] == {"nodes": [], "edges": []}


def test_transfer_lists_carry_unit_names_and_masked_clue_summaries(province: Province) -> None:
    yc, kq = province.client("yc_pros"), province.client("kq_pros")
    clue = _confirmed(province, yc)
    body = {
        "clues": [{"id": clue["id"], "expected_version": clue["version"]}],
        "to_unit": "330603",
        "note": f"请核查 {PERSON}",
    }
    _ok(yc.post("/api/clues/transfers", json=body), 201)
    for client, path in ((yc, "outgoing"), (kq, "incoming")):
        answer = client.get(f"/api/clues/transfers/{path}")
        (transfer,) = _ok(answer)
        assert not _leaks(answer.text), path
        assert (transfer["from_unit_name"], transfer["to_unit_name"]) == (
            "越城区人民检察院",
            "柯桥区人民检察院",
        )
        assert transfer["clue"]["id"] == clue["id"]
        assert transfer["clue"]["version"] == clue["version"]
        assert transfer["clue"]["status"] == "confirmed"
    # A returned transfer is listed to 柯桥 without the clue it no longer reads.
    (transfer,) = _ok(kq.get("/api/clues/transfers/incoming"))
    _ok(
        kq.post(
            f"/api/clues/transfers/{transfer['id']}/return",
            json={"expected_version": clue["version"], "reason": "非本院管辖"},
        )
    )
    (answered,) = _ok(kq.get("/api/clues/transfers/incoming", params={"status": "all"}))
    assert answered["status"] == "returned" and answered["clue"] is None


# ------------------------------------------------------------------------- cases


def test_service_restarts_the_reply_period(province: Province) -> None:
    yc = province.client("yc_pros")
    clue = _confirmed(province, yc)
    case = _case(yc, clue)
    path = f"/api/cases/{case['id']}/service"
    today = datetime.now(CHINA_TIME).date()
    # Not before a document is issued.
    early = yc.post(path, json={"served_on": today.isoformat(), "expected_version": 1})
    assert early.status_code == 400 and "送达" in early.json()["error"]["zh"]
    issued = _ok(
        yc.post(f"/api/cases/{case['id']}/documents", json={"expected_version": case["version"]}),
        201,
    )["case"]
    version = issued["version"]
    for wrong in (today + timedelta(days=1), today - timedelta(days=1)):
        refused = yc.post(path, json={"served_on": wrong.isoformat(), "expected_version": version})
        assert refused.status_code == 400, wrong
    stale = yc.post(path, json={"served_on": today.isoformat(), "expected_version": version - 1})
    assert stale.status_code == 409
    # 柯桥 cannot touch 越城's case, and an auditor may not write at all.
    other = province.client("kq_pros").post(
        path, json={"served_on": today.isoformat(), "expected_version": version}
    )
    assert other.status_code == 404
    assert (
        province.client("auditor")
        .post(path, json={"served_on": today.isoformat(), "expected_version": version})
        .status_code
        == 403
    )
    served = _ok(
        yc.post(
            path,
            json={"served_on": today.isoformat(), "note": "直接送达", "expected_version": version},
        )
    )
    assert served["status"] == "awaiting_reply" and served["served_on"] == today.isoformat()
    due = datetime.fromisoformat(served["reply_due_at"])
    assert due == deadline_after_service(CASE_TYPES["procuratorial_suggestion"], today)
    assert due.astimezone(CHINA_TIME).date() > today + timedelta(days=55)  # two months on
    detail = _ok(yc.get(f"/api/cases/{case['id']}"))
    serve = detail["history"][-1]
    assert (serve["kind"], serve["detail"]["note"], serve["actor_name"]) == (
        "serve",
        "直接送达",
        "yc_pros",
    )
    with session_scope(open_workspace(province.settings).engine) as session:
        actions = list(session.scalars(select(AuditEntry.action)))
    assert "case.serve" in actions


def test_case_detail_lists_its_clues_masked(province: Province) -> None:
    yc = province.client("yc_pros")
    clue = _confirmed(province, yc)
    case = _case(yc, clue)
    answer = yc.get(f"/api/cases/{case['id']}")
    detail = _ok(answer)
    (listed,) = detail["clues"]
    assert (listed["id"], listed["status"], listed["model_id"]) == (clue["id"], "confirmed", MODEL)
    assert NAME not in listed["title"]
    assert detail["owner_unit_name"] == "越城区人民检察院"
    (row,) = _ok(yc.get("/api/cases"))
    assert row["owner_unit_name"] == "越城区人民检察院"


def test_served_on_is_a_date(province: Province) -> None:
    yc = province.client("yc_pros")
    case = _case(yc, _confirmed(province, yc))
    bad = yc.post(
        f"/api/cases/{case['id']}/service",
        json={"served_on": "yesterday", "expected_version": case["version"]},
    )
    assert bad.status_code == 422
