"""What the admin and audit screens read: roles, route permissions, audit filters."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from web_province import Province

from jiandu.security.permissions import ROLE_PERMISSIONS, Permission
from jiandu.web.routes.admin import PERMISSION_LABELS, ROLE_LABELS
from jiandu.web.routes.audit_routes import CHINA


def test_roles_table_is_the_code(province: Province) -> None:
    body = province.client("admin").get("/api/roles").json()
    roles = {r["role"]: r for r in body["roles"]}
    assert set(roles) == set(ROLE_PERMISSIONS)
    for role, granted in ROLE_PERMISSIONS.items():
        assert roles[role]["permissions"] == sorted(str(p) for p in granted)
    assert roles["leader"]["label_zh"] == "院领导/部门负责人"
    assert roles["auditor"]["label_en"] == "auditor"
    assert [p["permission"] for p in body["permissions"]] == [str(p) for p in Permission]
    assert set(PERMISSION_LABELS) == set(Permission) and set(ROLE_LABELS) == set(ROLE_PERMISSIONS)


def test_roles_need_users_manage(province: Province) -> None:
    assert province.client().get("/api/roles").status_code == 401
    for user in ("yc_pros", "yc_leader", "auditor", "ext"):
        assert province.client(user).get("/api/roles").status_code == 403, user


def test_route_permissions_for_the_api_page(province: Province) -> None:
    assert province.client().get("/api/route-permissions").status_code == 401
    routes = province.client("ext").get("/api/route-permissions").json()
    found = {(r["method"], r["path"]): r["permission"] for r in routes}
    assert found[("GET", "/api/clues")] == "clues.read"
    assert found[("GET", "/api/ledger")] == "cases.read"
    assert found[("POST", "/api/auth/login")] == "public"
    assert found[("GET", "/api/roles")] == "users.manage"
    assert all(path.startswith("/api/") for _, path in found)


def _entries(auditor: TestClient, **params: Any) -> list[dict[str, Any]]:
    response = auditor.get("/api/audit", params=params)
    assert response.status_code == 200, response.text
    entries: list[dict[str, Any]] = response.json()
    return entries


def _user_id(province: Province, username: str) -> str:
    users = province.client("admin").get("/api/users").json()
    return str(next(u["id"] for u in users if u["username"] == username))


def test_audit_filters(any_province: Province) -> None:
    province = any_province
    kq = province.client("kq_pros")  # one sign-in ...
    assert kq.get("/api/audit").status_code == 403  # ... and one refusal, both audited
    kq_id = _user_id(province, "kq_pros")
    auditor = province.client("auditor")  # one sign-in: the pages below stay put

    signins = _entries(auditor, action="auth.sign_in")
    assert signins and {e["action"] for e in signins} == {"auth.sign_in"}
    auth = _entries(auditor, action="auth.")
    assert {e["action"] for e in auth} >= {"auth.sign_in"}
    assert all(e["action"].startswith("auth.") for e in auth)
    assert _entries(auditor, action="auth*") == auth
    assert _entries(auditor, action="auth") == []  # no prefix without '.' or '*'

    for actor in ("kq_pros", kq_id):  # a user name or a user id
        mine = _entries(auditor, actor=actor)
        assert {e["actor"] for e in mine} == {kq_id}
        assert {e["actor_name"] for e in mine} == {"kq_pros"}
        assert {("auth.sign_in", "ok"), ("access.denied", "denied")} <= {
            (e["action"], e["outcome"]) for e in mine
        }

    denied = _entries(auditor, outcome="denied")
    assert denied and {e["outcome"] for e in denied} == {"denied"}
    assert kq_id in {e["actor"] for e in denied}
    routes = _entries(auditor, object_kind="route", object_id="/api/audit")
    assert routes and {e["object_id"] for e in routes} == {"/api/audit"}

    today = datetime.now(UTC).astimezone(CHINA).date()
    assert _entries(auditor, actor="kq_pros", **{"from": today.isoformat()})
    assert _entries(auditor, actor="kq_pros", to=(today - timedelta(days=1)).isoformat()) == []
    bad = auditor.get("/api/audit", params={"from": "2026-05-02", "to": "2026-05-01"})
    assert bad.status_code == 400 and "2026-05-02" in bad.json()["error"]["zh"]
    assert auditor.get("/api/audit", params={"outcome": "meh"}).status_code == 422


def test_audit_paging_with_filters(province: Province) -> None:
    for _ in range(3):
        province.client("kq_pros")
    auditor = province.client("auditor")
    everything = _entries(auditor, action="auth.sign_in", limit=1000)
    assert len(everything) >= 4
    first = _entries(auditor, action="auth.sign_in", limit=2)
    second = _entries(auditor, action="auth.sign_in", limit=2, before=first[-1]["seq"])
    assert [e["seq"] for e in first + second] == [e["seq"] for e in everything[:4]]
    assert all(a["seq"] > b["seq"] for a, b in itertools.pairwise(everything))


def test_audit_filters_are_for_auditors(province: Province) -> None:
    for user in ("admin", "yc_leader"):
        answer = province.client(user).get("/api/audit", params={"action": "auth.sign_in"})
        assert answer.status_code == 403
