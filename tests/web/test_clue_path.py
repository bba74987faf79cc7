"""The whole path over the API: run → clue → verify → transfer → accept → case →
document → reply → close → model precision (issue 5), on SQLite and PostgreSQL; plus
the optimistic lock, row scope (IDOR), external units, attachments and masked exports.

The province (web_province.py) has one `pension_after_death` run owned by 越城 (330602)
with one person who drew a pension after death: one clue once the run is synced.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from docx import Document
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_province import NAME, PERSON, PHONE, Province

from jiandu.clues.sync import sync_run
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, ModelRun, UserAccount
from jiandu.workspace import open_workspace

MODEL = "pension_after_death"
MISSING = "Czz-does-not-exist"
FACTS = "经审查查明：越城区社保经办机构在领取人死亡后继续发放养老金共计三万元，未予追回。"
SUPERVISED = "绍兴市越城区人力资源和社会保障局"


def _sync(province: Province) -> None:
    """Fold the province's run into the clue store (what `jiandu models run` does)."""
    with session_scope(open_workspace(province.settings).engine) as session:
        run = session.get_one(ModelRun, province.run_id)
        report = sync_run(session, province.settings, run, actor="test")
    assert report.new == 1


def _user_id(province: Province, username: str) -> str:
    with session_scope(open_workspace(province.settings).engine) as session:
        return session.scalars(select(UserAccount.id).where(UserAccount.username == username)).one()


def _audit_actions(province: Province) -> list[tuple[str, str]]:
    with session_scope(open_workspace(province.settings).engine) as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.outcome).order_by(AuditEntry.seq)
        )
        return [(action, outcome) for action, outcome in rows]


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _the_clue(client: TestClient) -> dict[str, Any]:
    (clue,) = _ok(client.get("/api/clues", params={"model_id": MODEL}))
    return dict(clue)


def _act(client: TestClient, clue: dict[str, Any], action: str, **body: Any) -> dict[str, Any]:
    payload = {"action": action, "expected_version": clue["version"], **body}
    return dict(_ok(client.post(f"/api/clues/{clue['id']}/actions", json=payload)))


def _confirmed(province: Province, client: TestClient) -> dict[str, Any]:
    """Sync, assign to yc_pros, verify and confirm the clue; the confirmed clue."""
    _sync(province)
    clue = _the_clue(client)
    clue = _ok(
        client.post(
            f"/api/clues/{clue['id']}/assign",
            json={
                "assignee_id": _user_id(province, "yc_pros"),
                "due_at": (datetime.now(UTC) + timedelta(days=30)).isoformat(),
                "expected_version": clue["version"],
            },
        )
    )
    clue = _act(client, clue, "verify")
    assert clue["status"] == "verifying"
    clue = _act(client, clue, "confirm")
    assert clue["status"] == "confirmed"
    return clue


def _send(client: TestClient, clue: dict[str, Any], to_unit: str) -> dict[str, Any]:
    body = {
        "clues": [{"id": clue["id"], "expected_version": clue["version"]}],
        "to_unit": to_unit,
        "note": "请贵院依法办理",
    }
    sent = _ok(client.post("/api/clues/transfers", json=body), 201)
    (transfer,) = sent["transfers"]
    assert transfer["batch_id"] == sent["batch_id"]
    return dict(transfer)


def _leaks(text: str) -> bool:
    return PERSON in text or NAME in text or PHONE in text


# ------------------------------------------------------------------------ the path


def test_whole_path_from_run_to_model_precision(any_province: Province) -> None:
    province = any_province
    yc = province.client("yc_pros")
    _sync(province)

    # The clue appears, masked, in the list and in its detail.
    listed = _ok(yc.get("/api/clues", params={"model_id": MODEL, "status": "pending"}))
    assert [(c["status"], c["presence"], c["holder_unit"]) for c in listed] == [
        ("pending", "new", "330602")
    ]
    clue = listed[0]
    detail = yc.get(f"/api/clues/{clue['id']}")
    assert detail.status_code == 200 and not _leaks(detail.text)
    shown = detail.json()
    assert shown["evidence"] and len(shown["snapshots"]) == 1
    assert shown["allowed_actions"] == ["verify"]
    assert _ok(yc.get("/api/clues", params={"holder": "330603"})) == []
    # Unmasking needs a reason, and is audited.
    plain = yc.get(f"/api/clues/{clue['id']}", params={"unmask": "true", "reason": "核查"})
    assert plain.status_code == 200 and PERSON in plain.text
    assert ("pii.unmask", "ok") in _audit_actions(province)

    # 越城 verifies and confirms, then sends it to 柯桥 in one batch.
    clue = _confirmed_after_sync(province, yc, clue)
    transfer = _send(yc, clue, "330603")
    assert [t["id"] for t in _ok(yc.get("/api/clues/transfers/outgoing"))] == [transfer["id"]]

    # 柯桥 sees it waiting, masked, and accepts it: it becomes 柯桥's, 已移送.
    kq = province.client("kq_pros")
    assert [t["id"] for t in _ok(kq.get("/api/clues/transfers/incoming"))] == [transfer["id"]]
    seen = kq.get(f"/api/clues/{clue['id']}")
    assert seen.status_code == 200 and not _leaks(seen.text)
    accepted = _ok(
        kq.post(
            f"/api/clues/transfers/{transfer['id']}/accept",
            json={"expected_version": seen.json()["version"], "note": "收到"},
        )
    )
    assert accepted["transfer"]["status"] == "accepted"
    clue = _ok(kq.get(f"/api/clues/{clue['id']}"))
    assert (clue["status"], clue["holder_unit"]) == ("transferred", "330603")
    assert _ok(kq.get("/api/clues/transfers/incoming")) == []

    # 柯桥 makes a 检察建议 case of it, issues the document, records the reply, closes.
    case = _ok(
        kq.post(
            "/api/cases",
            json={
                "clue_ids": [clue["id"]],
                "case_type": "检察建议",
                "title": "死亡人员冒领养老金监督案",
                "facts": FACTS,
                "supervised_unit": SUPERVISED,
            },
        ),
        201,
    )
    assert (case["case_type"], case["status"], case["owner_unit"]) == (
        "procuratorial_suggestion",
        "open",
        "330603",
    )
    issued = _ok(
        kq.post(f"/api/cases/{case['id']}/documents", json={"expected_version": case["version"]}),
        201,
    )
    case = issued["case"]
    assert case["status"] == "document_issued" and case["reply_due_at"]
    download = kq.get(f"/api/cases/{case['id']}/documents/{issued['document']['id']}")
    assert download.status_code == 200
    assert download.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert "检察建议书" in text and FACTS in text and SUPERVISED in text
    assert "柯桥区人民检察院" in text
    case = _ok(
        kq.post(
            f"/api/cases/{case['id']}/reply",
            json={
                "received_at": datetime.now(UTC).isoformat(),
                "content": "已追回全部款项并完善死亡数据比对机制。",
                "rectified": True,
                "expected_version": case["version"],
            },
        )
    )
    assert case["status"] == "replied"
    case = _ok(
        kq.post(
            f"/api/cases/{case['id']}/close",
            json={"outcome": "被建议单位已整改", "expected_version": case["version"]},
        )
    )
    assert case["status"] == "closed"
    detail = _ok(kq.get(f"/api/cases/{case['id']}"))
    assert [e["kind"] for e in detail["history"]] == ["create", "document", "reply", "close"]
    assert len(detail["documents"]) == 1

    # The clue closed with its case; its history tells the whole story.
    clue = _ok(kq.get(f"/api/clues/{clue['id']}"))
    assert clue["status"] == "closed"
    kinds = [e["kind"] for e in clue["history"]]
    assert kinds[-4:] == ["transfer_sent", "transfer_accepted", "case", "status"]

    # The outcome flows back: the model was right.
    (outcome,) = [o for o in _ok(kq.get("/api/cases/outcomes")) if o["model_id"] == MODEL]
    assert outcome == {
        "model_id": MODEL,
        "clues": 1,
        "verified": 1,
        "confirmed": 1,
        "rejected": 0,
        "precision": 1.0,
        "cases": 1,
        "documents": 1,
    }


def _confirmed_after_sync(
    province: Province, client: TestClient, clue: dict[str, Any]
) -> dict[str, Any]:
    """Assign, verify, confirm an already synced clue."""
    clue = _ok(
        client.post(
            f"/api/clues/{clue['id']}/assign",
            json={
                "assignee_id": _user_id(province, "yc_pros"),
                "expected_version": clue["version"],
            },
        )
    )
    clue = _act(client, clue, "verify")
    return _act(client, clue, "confirm")


def test_a_returned_clue_goes_back_to_its_sender(province: Province) -> None:
    yc, kq = province.client("yc_pros"), province.client("kq_pros")
    clue = _confirmed(province, yc)
    transfer = _send(yc, clue, "330603")
    path = f"/api/clues/transfers/{transfer['id']}/return"
    refused = kq.post(path, json={"expected_version": clue["version"], "reason": ""})
    assert refused.status_code == 422  # a return needs a reason
    stale = kq.post(path, json={"expected_version": clue["version"] - 1, "reason": "非本院管辖"})
    assert stale.status_code == 409 and "zh" in stale.json()["error"]
    _ok(kq.post(path, json={"expected_version": clue["version"], "reason": "非本院管辖"}))
    # 柯桥 no longer reads it; 越城 holds it still, confirmed, with the return on record.
    assert kq.get(f"/api/clues/{clue['id']}").status_code == 404
    back = _ok(yc.get(f"/api/clues/{clue['id']}"))
    assert (back["status"], back["holder_unit"]) == ("confirmed", "330602")
    assert back["history"][-1]["kind"] == "transfer_returned"
    assert back["history"][-1]["detail"]["reason"] == "非本院管辖"
    (returned,) = _ok(yc.get("/api/clues/transfers/outgoing", params={"status": "returned"}))
    assert returned["answer_note"] == "非本院管辖"
    assert _ok(yc.get("/api/clues/transfers/outgoing")) == []  # nothing in limbo
    # The transfer was answered: 柯桥 cannot answer it again (nor read the clue).
    again = kq.post(path, json={"expected_version": back["version"], "reason": "再次退回"})
    assert again.status_code == 404  # 柯桥 no longer reads the clue at all


# --------------------------------------------------------------------- concurrency


def test_two_users_acting_on_one_version_one_wins(any_province: Province) -> None:
    province = any_province
    first, second = province.client("yc_pros"), province.client("yc_leader")
    _sync(province)
    clue = _the_clue(first)
    clue = _ok(
        first.post(
            f"/api/clues/{clue['id']}/assign",
            json={
                "assignee_id": _user_id(province, "yc_pros"),
                "expected_version": clue["version"],
            },
        )
    )
    payload = {"action": "verify", "expected_version": clue["version"]}
    answers = [c.post(f"/api/clues/{clue['id']}/actions", json=payload) for c in (first, second)]
    assert sorted(a.status_code for a in answers) == [200, 409]
    error = answers[1].json()["error"]
    assert error["kind"] == "ConflictError" and "请刷新后重试" in error["zh"]
    assert "reload" in error["en"]
    history = _ok(first.get(f"/api/clues/{clue['id']}"))["history"]
    assert [e["kind"] for e in history].count("status") == 1
    # A workflow action the state does not allow is a conflict with the state: 409 too.
    wrong = first.post(
        f"/api/clues/{clue['id']}/actions",
        json={"action": "close", "expected_version": answers[0].json()["version"]},
    )
    assert wrong.status_code == 409 and wrong.json()["error"]["kind"] == "WorkflowError"
    # Rejecting needs a reason (refused before the service is asked).
    bare = {"action": "reject", "expected_version": answers[0].json()["version"]}
    assert first.post(f"/api/clues/{clue['id']}/actions", json=bare).status_code == 422


def test_case_changes_need_the_version_seen(province: Province) -> None:
    yc = province.client("yc_pros")
    clue = _confirmed(province, yc)
    case = _ok(
        yc.post(
            "/api/cases",
            json={"clue_ids": [clue["id"]], "case_type": "procuratorial_suggestion",
                  "title": "冒领养老金案", "facts": FACTS, "supervised_unit": SUPERVISED},
        ),
        201,
    )  # fmt: skip
    path = f"/api/cases/{case['id']}/documents"
    _ok(yc.post(path, json={"expected_version": case["version"]}), 201)
    stale = yc.post(path, json={"expected_version": case["version"]})
    assert stale.status_code == 409 and stale.json()["error"]["kind"] == "CaseConflict"


# --------------------------------------------------------------------- row scope


def test_other_units_get_404_on_clues_and_cases_not_sent_to_them(province: Province) -> None:
    yc = province.client("yc_pros")
    clue = _confirmed(province, yc)
    case = _ok(
        yc.post(
            "/api/cases",
            json={"clue_ids": [clue["id"]], "case_type": "protest", "title": "抗诉案",
                  "facts": FACTS, "supervised_unit": "绍兴市中级人民法院"},
        ),
        201,
    )  # fmt: skip
    probes = {
        "clue": lambda c, i: c.get(f"/api/clues/{i}"),
        "act": lambda c, i: c.post(
            f"/api/clues/{i}/actions", json={"action": "close", "expected_version": 1}
        ),
        "comment": lambda c, i: c.post(f"/api/clues/{i}/comments", json={"text": "看看"}),
    }
    for username in ("kq_pros", "kq_leader"):
        outsider = province.client(username)
        for name, probe in probes.items():
            real, missing = probe(outsider, clue["id"]), probe(outsider, MISSING)
            assert real.status_code == missing.status_code == 404, (username, name)
            assert real.text.replace(clue["id"], "<id>") == missing.text.replace(MISSING, "<id>")
        assert _ok(outsider.get("/api/clues")) == []
        assert _ok(outsider.get("/api/cases")) == []
        real = outsider.get(f"/api/cases/{case['id']}")
        missing = outsider.get("/api/cases/Kzz-missing")
        assert real.status_code == missing.status_code == 404
        closing = outsider.post(
            f"/api/cases/{case['id']}/close", json={"outcome": "x", "expected_version": 1}
        )
        assert closing.status_code == 404
    # The external unit, to which nothing was sent, reads nothing either.
    ext = province.client("ext")
    assert ext.get(f"/api/clues/{clue['id']}").status_code == 404
    assert _ok(ext.get("/api/clues")) == []
    assert ext.get(f"/api/cases/{case['id']}").status_code == 403  # no cases.read at all
    # The city's leader oversees 越城: a positive control for the probes above.
    city = province.client("sx_leader")
    assert city.get(f"/api/clues/{clue['id']}").status_code == 200
    assert city.get(f"/api/cases/{case['id']}").status_code == 200


def test_an_external_unit_reads_masked_and_replies_but_does_not_act(province: Province) -> None:
    yc, ext = province.client("yc_pros"), province.client("ext")
    clue = _confirmed(province, yc)
    yc.post(
        f"/api/clues/{clue['id']}/attachments",
        files={"file": ("调查笔录.pdf", b"%PDF-1.4 record", "application/pdf")},
    )
    transfer = _send(yc, clue, "ext-yb")
    seen = ext.get(f"/api/clues/{clue['id']}")
    assert seen.status_code == 200 and not _leaks(seen.text)
    assert seen.json()["allowed_actions"] == [] and seen.json()["attachments"] == []
    version = seen.json()["version"]
    # Acting is refused and audited; so is unmasking.
    act = ext.post(
        f"/api/clues/{clue['id']}/actions", json={"action": "close", "reason": "x",
                                                  "expected_version": version},
    )  # fmt: skip
    assert act.status_code == 403
    unmask = ext.get(f"/api/clues/{clue['id']}", params={"unmask": "true", "reason": "看"})
    assert unmask.status_code == 403 and not _leaks(unmask.text)
    sending = ext.post(
        "/api/clues/transfers",
        json={"clues": [{"id": clue["id"], "expected_version": version}], "to_unit": "330603"},
    )
    assert sending.status_code == 403  # no clues.transfer
    actions = _audit_actions(province)
    assert ("access.denied", "denied") in actions and ("pii.unmask", "denied") in actions
    # Feedback comes after accepting.
    path = f"/api/clues/transfers/{transfer['id']}"
    early = ext.post(f"{path}/feedback", json={"text": "已收到"})
    assert early.status_code == 400
    _ok(ext.post(f"{path}/accept", json={"expected_version": version}))
    _ok(ext.post(f"{path}/feedback", json={"text": f"已核实并追回，联系 {PHONE}"}), 201)
    # The sender reads the feedback; the clue stays with it, 已移送.
    back = _ok(yc.get(f"/api/clues/{clue['id']}"))
    assert (back["status"], back["holder_unit"]) == ("transferred", "330602")
    feedback = back["history"][-1]
    assert feedback["kind"] == "feedback" and PHONE not in json.dumps(feedback)
    plain = _ok(yc.get(f"/api/clues/{clue['id']}", params={"unmask": "true", "reason": "核查"}))
    assert PHONE in plain["history"][-1]["detail"]["text"]


# ---------------------------------------------------------- attachments, exports


def test_attachments_are_stored_under_safe_names_and_bounded(
    province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    yc = province.client("yc_pros")
    _sync(province)
    clue = _the_clue(yc)
    uploaded = _ok(
        yc.post(
            f"/api/clues/{clue['id']}/attachments",
            files={
                "file": ("../../etc/核查报告.docx", b"report bytes", "application/octet-stream")
            },
        ),
        201,
    )
    assert uploaded["filename"] == "核查报告.docx" and uploaded["size"] == 12
    stored = list((province.settings.home / "attachments" / clue["id"]).iterdir())
    assert [p.name for p in stored] == [uploaded["id"]]
    got = yc.get(f"/api/clues/{clue['id']}/attachments/{uploaded['id']}")
    assert got.status_code == 200 and got.content == b"report bytes"
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment")
    kq = province.client("kq_pros")
    assert kq.get(f"/api/clues/{clue['id']}/attachments/{uploaded['id']}").status_code == 404
    assert yc.get(f"/api/clues/{clue['id']}/attachments/nope").status_code == 404
    monkeypatch.setattr("jiandu.web.routes.clues.MAX_ATTACHMENT_BYTES", 8)
    big = yc.post(
        f"/api/clues/{clue['id']}/attachments", files={"file": ("big.pdf", b"123456789", "x/y")}
    )
    assert big.status_code == 400
    shown = _ok(yc.get(f"/api/clues/{clue['id']}"))
    assert [a["id"] for a in shown["attachments"]] == [uploaded["id"]]


def test_exports_of_clues_and_cases_are_masked(province: Province) -> None:
    yc = province.client("yc_pros")
    clue = _confirmed(province, yc)
    _ok(
        yc.post(
            "/api/cases",
            json={"clue_ids": [clue["id"]], "case_type": "crime_referral",
                  "title": f"{PERSON} 冒领案", "facts": f"身份证 {PERSON}，电话 {PHONE}。",
                  "supervised_unit": "绍兴市公安局越城区分局"},
        ),
        201,
    )  # fmt: skip
    clues = yc.get("/api/clues/export", params={"format": "jsonl"})
    assert clues.status_code == 200 and not _leaks(clues.text)
    (line,) = [json.loads(x) for x in clues.text.splitlines()]
    assert line["model_id"] == MODEL and line["evidence"] and line["status"] == "confirmed"
    cases = yc.get("/api/cases/export", params={"format": "csv"})
    assert cases.status_code == 200 and "冒领案" in cases.text and not _leaks(cases.text)
    listed = yc.get("/api/cases")
    assert listed.status_code == 200 and not _leaks(listed.text)
    actions = [a for a, _ in _audit_actions(province)]
    assert "clues.export" in actions and "case.export" in actions
