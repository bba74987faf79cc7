"""The ledger (一本账) and the model leaderboard: figures against a hand count, row scope.

On top of the web province (web_province.py: one `pension_after_death` run of 越城) the
`ledger_world` fixture writes clues, transfers, cases, documents and replies straight into
the store, so every expected number below can be counted by hand:

越城 330602 (and its department 330602-d1), model A = pension_after_death, B = zz_model_b:
    c1 B pending · c2 B verifying · c3 A confirmed (case K1) · c4 A rejected
    c5 A closed after confirmation (case K2) · c6 B pending, department, overdue
    t1 B transferred: owned by 柯桥, accepted by 越城 (so held by 越城)
    b1 b2 b3 B confirmed · old: A pending, created two years ago (outside the default range)
    transfer of c3 to the external 医保局, not answered yet
    K1 检察建议, awaiting reply, overdue, 2 documents · K2 抗诉, replied and rectified, 1 document
柯桥 330603: k1 A confirmed (case K3, open) · k2 A rejected · a failed run of A
    the transfer of t1 to 越城, accepted
绍兴 330600: s1 B transferred (held by the city)
浙江 330000 (root): r1 A pending, no owner
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event
from web_province import Province

from jiandu.security.principal import principal_for
from jiandu.security.users import get_user_by_username
from jiandu.store.db import session_scope
from jiandu.store.schema import (
    CaseClue,
    CaseDocument,
    CaseEvent,
    Clue,
    ClueEvent,
    ClueTransfer,
    ModelRun,
    SupervisionCase,
)
from jiandu.web.routes.ledger import CHINA, ledger_for
from jiandu.workspace import open_workspace

A, B = "pension_after_death", "zz_model_b"
NOW = datetime.now(UTC)
OLD = NOW - timedelta(days=800)


def _clue(cid: str, model: str, status: str, owner: str | None, **extra: Any) -> Clue:
    return Clue(
        id=cid, fingerprint=f"fp-{cid}", model_id=model, model_version=1,
        subject_type="person", subject_key=f"key-{cid}", title=f"title {cid}",
        severity="high", branches=[], status=status, owner_unit=owner,
        holder_unit=extra.pop("holder", owner), first_run_id="R1", last_run_id="R1",
        evidence_hash="0" * 64, rejection_reason="no" if status == "rejected" else None,
        **extra,
    )  # fmt: skip


def _case(cid: str, owner: str, case_type: str, status: str, **extra: Any) -> SupervisionCase:
    return SupervisionCase(
        id=cid, case_no=f"2026-{cid}", case_type=case_type, title=f"case {cid}",
        facts="facts", owner_unit=owner, status=status, created_by="test", **extra,
    )  # fmt: skip


def _document(did: str, case_id: str) -> CaseDocument:
    return CaseDocument(
        id=did, case_id=case_id, template="t", path=f"documents/{did}.docx",
        sha256="0" * 64, generated_by="test",
    )  # fmt: skip


def build_ledger_world(province: Province) -> int:
    """Write the objects of the module docstring; the hit count of the province's run."""
    engine = open_workspace(province.settings).engine
    with session_scope(engine) as session:
        session.add_all([
            _clue("c1", B, "pending", "330602"),
            _clue("c2", B, "verifying", "330602"),
            _clue("c3", A, "confirmed", "330602"),
            _clue("c4", A, "rejected", "330602"),
            _clue("c5", A, "closed", "330602"),
            _clue("c6", B, "pending", "330602-d1", due_at=NOW - timedelta(days=3)),
            _clue("t1", B, "transferred", "330603", holder="330602"),
            _clue("b1", B, "confirmed", "330602"),
            _clue("b2", B, "confirmed", "330602"),
            _clue("b3", B, "confirmed", "330602"),
            _clue("old", A, "pending", "330602", created_at=OLD),
            _clue("k1", A, "confirmed", "330603"),
            _clue("k2", A, "rejected", "330603"),
            _clue("s1", B, "transferred", "330600"),
            _clue("r1", A, "pending", None),
        ])  # fmt: skip
        session.flush()
        session.add_all([
            ClueEvent(clue_id="c3", actor="t", kind="action", from_status="verifying",
                      to_status="confirmed", detail={}),
            ClueEvent(clue_id="c4", actor="t", kind="action", from_status="verifying",
                      to_status="rejected", detail={}),
            ClueEvent(clue_id="k1", actor="t", kind="action", from_status="verifying",
                      to_status="confirmed", detail={}),
            ClueTransfer(id="T1", batch_id="TB1", clue_id="t1", from_unit="330603",
                         to_unit="330602", status="accepted", sent_by="t"),
            ClueTransfer(id="T2", batch_id="TB2", clue_id="c3", from_unit="330602",
                         to_unit="ext-yb", status="sent", sent_by="t"),
            _case("K1", "330602", "procuratorial_suggestion", "awaiting_reply",
                  reply_due_at=NOW - timedelta(days=1)),
            _case("K2", "330602", "protest", "replied", reply_due_at=NOW + timedelta(days=9)),
            _case("K3", "330603", "procuratorial_suggestion", "open"),
            ModelRun(id="RFAIL", model_id=A, model_version=1, model_origin="library",
                     status="failed", params={}, batches={}, owner_unit="330603",
                     error={"zh": "失败", "en": "failed"}),
        ])  # fmt: skip
        session.flush()
        session.add_all([
            CaseClue(case_id="K1", clue_id="c3"),
            CaseClue(case_id="K2", clue_id="c5"),
            CaseClue(case_id="K3", clue_id="k1"),
            _document("D1", "K1"),
            _document("D2", "K1"),
            _document("D3", "K2"),
            CaseEvent(case_id="K2", actor="t", kind="reply", from_status="awaiting_reply",
                      to_status="replied",
                      detail={"received_at": NOW.isoformat(), "rectified": True,
                              "on_time": True, "content": "已整改"}),
        ])  # fmt: skip
        run = session.get(ModelRun, province.run_id)
        assert run is not None and run.hit_count is not None
        hits = int(run.hit_count)
    engine.dispose()
    return hits


@pytest.fixture
def world(province: Province) -> tuple[Province, int]:
    return province, build_ledger_world(province)


def _get(province: Province, user: str, path: str, status: int = 200) -> Any:
    response = province.client(user).get(path)
    assert response.status_code == status, response.text
    return response.json()


def _this_month() -> str:
    return NOW.astimezone(CHINA).strftime("%Y-%m")


def _check_yuecheng(measures: dict[str, Any], hits: int) -> None:
    """越城's figures (the module docstring, counted by hand)."""
    assert measures["clues"] == 10  # c1-c6, t1, b1-b3 (not 'old', not k1/k2/s1/r1)
    assert measures["clues_by_status"] == {
        "pending": 2, "verifying": 1, "confirmed": 4, "rejected": 1, "transferred": 1,
        "closed": 1,
    }  # fmt: skip
    assert (measures["confirmed"], measures["rejected"], measures["verified"]) == (6, 1, 7)
    assert measures["verification_rate"] == pytest.approx(7 / 10)
    assert measures["confirmation_rate"] == pytest.approx(6 / 7)
    assert measures["clues_overdue"] == 1  # c6, held by the department
    assert (measures["transfers_sent"], measures["transfers_pending"]) == (1, 1)
    assert measures["transfers_accepted"] == 0  # T1 was accepted *by* 越城, sent by 柯桥
    assert measures["cases"] == 2
    assert measures["cases_by_type"]["procuratorial_suggestion"] == 1
    assert measures["cases_by_type"]["protest"] == 1
    assert measures["cases_by_status"]["awaiting_reply"] == 1
    assert measures["cases_by_status"]["replied"] == 1
    assert measures["cases_overdue"] == 1
    assert (measures["documents"], measures["replies"], measures["rectified"]) == (3, 1, 1)
    assert measures["rectification_rate"] == 1.0
    assert (measures["runs"], measures["runs_failed"], measures["models_used"]) == (1, 0, 1)
    assert measures["hits"] == hits


def test_ledger_matches_a_hand_count(any_province: Province) -> None:
    hits = build_ledger_world(any_province)
    body = _get(any_province, "yc_pros", "/api/ledger")
    assert [u["id"] for u in body["units"]] == ["330602"]  # the department rolls up
    _check_yuecheng(body["totals"], hits)
    (row,) = body["per_unit"]
    assert row["unit_id"] == "330602" and row["unit_name"] == "越城区人民检察院"
    _check_yuecheng(row, hits)
    assert body["totals"]["models_available"] >= 1
    month = {m["month"]: m for m in body["months"]}[_this_month()]
    assert month == {
        "month": _this_month(), "clues": 10, "verified": 2, "confirmed": 1, "cases": 2,
        "documents": 3, "replies": 1, "rectified": 1,
    }  # fmt: skip
    assert len(body["months"]) == 12
    assert sum(m["clues"] for m in body["months"]) == 10


def test_leader_sees_subordinate_units_row_by_row(world: tuple[Province, int]) -> None:
    province, hits = world
    body = _get(province, "sx_leader", "/api/ledger")
    rows = {row["unit_id"]: row for row in body["per_unit"]}
    assert list(rows) == ["330600", "330602", "330603"]  # never the province (an ancestor)
    _check_yuecheng(rows["330602"], hits)
    keqiao = rows["330603"]
    assert (keqiao["clues"], keqiao["confirmed"], keqiao["rejected"]) == (2, 1, 1)
    assert (keqiao["transfers_sent"], keqiao["transfers_accepted"]) == (1, 1)
    assert (keqiao["cases"], keqiao["documents"], keqiao["cases_overdue"]) == (1, 0, 0)
    assert (keqiao["runs"], keqiao["runs_failed"], keqiao["hits"]) == (1, 1, 0)
    assert rows["330600"]["clues"] == 1 and rows["330600"]["clues_by_status"]["transferred"] == 1
    totals = body["totals"]
    assert totals["clues"] == 13  # 10 + 2 + 1: r1 (the root's) is not the city's
    assert totals["cases"] == 3 and totals["documents"] == 3
    assert totals["runs"] == 2 and totals["models_used"] == 1  # both runs are of model A
    assert totals["confirmation_rate"] == pytest.approx(8 / 10)  # 越城 6, 柯桥 1, s1 / 7+2+1


def test_unit_filter_narrows_to_a_visible_unit(world: tuple[Province, int]) -> None:
    province, hits = world
    body = _get(province, "sx_leader", "/api/ledger?unit=330602")
    assert body["unit"] == "330602"
    assert [row["unit_id"] for row in body["per_unit"]] == ["330602"]
    _check_yuecheng(body["totals"], hits)
    # A unit outside the caller's scope is 'not found', like one that does not exist.
    for user, unit in (("yc_pros", "330603"), ("yc_pros", "330000"), ("kq_leader", "330602"),
                       ("yc_pros", "no-such-unit")):  # fmt: skip
        error = _get(province, user, f"/api/ledger?unit={unit}", 404)
        assert error["error"]["kind"] == "NotFound"


def test_siblings_and_ancestors_stay_out(world: tuple[Province, int]) -> None:
    province, _ = world
    keqiao = _get(province, "kq_pros", "/api/ledger")
    assert [row["unit_id"] for row in keqiao["per_unit"]] == ["330603"]
    assert keqiao["totals"]["clues"] == 2  # not 越城's ten, not t1 (越城 holds it now)
    assert keqiao["totals"]["cases"] == 1
    # A county user does not see the province's (root's) or the city's figures.
    yuecheng = _get(province, "yc_leader", "/api/ledger")
    assert [row["unit_id"] for row in yuecheng["per_unit"]] == ["330602"]
    assert yuecheng["totals"]["clues"] == 10
    department = _get(province, "yc_dept", "/api/ledger")
    assert department["totals"]["clues"] == 10  # a department's work is its procuratorate's


def test_date_range(world: tuple[Province, int]) -> None:
    province, _ = world
    old_day = OLD.astimezone(CHINA).date()
    body = _get(province, "yc_pros", f"/api/ledger?from={old_day}&to={old_day}")
    assert body["range"] == {"from": old_day.isoformat(), "to": old_day.isoformat()}
    assert body["totals"]["clues"] == 1 and body["totals"]["cases"] == 0
    assert [m["month"] for m in body["months"]] == [old_day.strftime("%Y-%m")]
    whole = _get(province, "yc_pros", f"/api/ledger?from={old_day}")
    assert whole["totals"]["clues"] == 11
    reversed_range = _get(province, "yc_pros", "/api/ledger?from=2026-05-01&to=2026-04-01", 400)
    assert "2026-05-01" in reversed_range["error"]["en"]
    assert _get(province, "yc_pros", "/api/ledger?from=2000-01-01&to=2026-01-01", 400)
    assert _get(province, "yc_pros", "/api/ledger?from=yesterday", 422)


def test_ledger_and_leaderboard_are_guarded(world: tuple[Province, int]) -> None:
    province, _ = world
    for path in ("/api/ledger", "/api/ledger/leaderboard"):
        assert province.client().get(path).status_code == 401
        for user in ("admin", "auditor", "ext", "yc_steward", "yc_modeler"):
            assert province.client(user).get(path).status_code == 403, (user, path)


def test_leaderboard_ranks_models(world: tuple[Province, int]) -> None:
    province, _ = world
    board = _get(province, "yc_pros", "/api/ledger/leaderboard")
    assert [(r["rank"], r["model_id"]) for r in board] == [(1, B), (2, A)]
    by_model = {r["model_id"]: r for r in board}
    a, b = by_model[A], by_model[B]
    # Over the clues 越城 may read: A = c3 c4 c5 + old; B = c1 c2 c6 t1 b1 b2 b3.
    assert (a["clues"], a["confirmed"], a["rejected"], a["cases"]) == (4, 2, 1, 2)
    assert a["precision"] == pytest.approx(2 / 3)
    assert (a["documents"], a["rectified"], a["rectification_rate"]) == (3, 1, 0.5)
    assert a["name_zh"] != A  # a library model: its name
    assert (b["clues"], b["confirmed"], b["rejected"], b["cases"]) == (7, 4, 0, 0)
    assert b["precision"] == 1.0 and b["rectification_rate"] is None
    assert b["name_zh"] == B  # no such model in the library: its id
    path = "/api/ledger/leaderboard?sort="
    ranked = {
        sort: [r["model_id"] for r in _get(province, "yc_pros", path + sort)]
        for sort in ("precision", "cases", "rectified")
    }
    assert ranked == {"precision": [B, A], "cases": [A, B], "rectified": [A, B]}
    assert _get(province, "yc_pros", "/api/ledger/leaderboard?sort=hits", 422)
    # 柯桥 reads its own clues only: A's k1 and k2, and t1, which it found (B).
    keqiao = {r["model_id"]: r for r in _get(province, "kq_pros", "/api/ledger/leaderboard")}
    assert (keqiao[A]["clues"], keqiao[A]["cases"], keqiao[B]["clues"]) == (2, 1, 1)


def test_ledger_queries_do_not_grow_with_the_data(world: tuple[Province, int]) -> None:
    """Grouped SQL, never a query (or Python work) per clue: the same statements for 300
    more clues."""
    province, _ = world
    engine = open_workspace(province.settings).engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    def run() -> tuple[int, int]:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            with session_scope(engine) as session:
                user = get_user_by_username(session, "sx_leader")
                assert user is not None
                body = ledger_for(session, principal_for(session, user))
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements), int(body["totals"]["clues"])

    before, clues = run()
    with session_scope(engine) as session:
        session.add_all([_clue(f"x{n}", B, "pending", "330603") for n in range(300)])
    after, more = run()
    assert more == clues + 300
    assert after == before
    engine.dispose()
