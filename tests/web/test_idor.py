"""Row scope over the API: probing other units' object ids (IDOR) learns nothing.

For every object kind, a caller outside the owner's scope gets exactly the answer an id
that does not exist gets (same status, same body but for the id itself); anonymous
callers get 401 for both. Leaders see subordinate units, never siblings or ancestors;
clearance hides sensitive datasets; a share opens one dataset to one unit.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx2
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from web_province import PASSWORD, Province

from jiandu.security.units import create_unit
from jiandu.security.users import create_user
from jiandu.store.db import session_scope
from jiandu.store.schema import Dataset, UserAccount
from jiandu.workspace import open_workspace

MISSING = "zz-does-not-exist"

Probe = Callable[[TestClient, str], httpx2.Response]


def _same_as_missing(client: TestClient, probe: Probe, real_id: str, status: int) -> None:
    """`probe` on `real_id` answers like on an id that does not exist, with `status`."""
    real, missing = probe(client, real_id), probe(client, MISSING)
    assert real.status_code == missing.status_code == status, (real_id, real.text)
    assert real.text.replace(real_id, "<id>") == missing.text.replace(MISSING, "<id>")


def _setup_extras(province: Province) -> dict[str, str]:
    """An admin of 柯桥 only, and ids of users, a token and an export request of 越城."""
    with session_scope(open_workspace(province.settings).engine) as session:
        create_unit(session, id="330603-d1", name="柯桥区院第一检察部", kind="department",
                    parent_id="330603")  # fmt: skip
        create_user(session, username="kq_admin", display_name="kq_admin", unit_id="330603",
                    password=PASSWORD, roles=["admin"], clearance="internal")  # fmt: skip
        create_user(session, username="kq_dept", display_name="kq_dept", unit_id="330603-d1",
                    password=PASSWORD, roles=["prosecutor"],
                    clearance="sensitive")  # fmt: skip
        ids = {u: i for u, i in session.execute(select(UserAccount.username, UserAccount.id))}
    yc = province.client("yc_leader")
    ids["token"] = yc.post("/api/tokens", json={"name": "mine"}).json()["id"]
    request = yc.post(
        "/api/exports",
        json={
            "purpose": "核查线索",
            "scope": {"object_kind": "dataset", "object_id": "pension_payment"},
        },
    )
    assert request.status_code == 201, request.text
    ids["export"] = request.json()["id"]
    return ids


def _probes(province: Province, ids: dict[str, str]) -> dict[str, tuple[Probe, str]]:
    """Object kind → (how to touch one, the id of a 越城 object of that kind)."""
    return {
        "dataset": (lambda c, i: c.get(f"/api/datasets/{i}"), "pension_payment"),
        "dataset rows": (lambda c, i: c.get(f"/api/datasets/{i}/rows"), "pension_payment"),
        "run hits": (lambda c, i: c.get(f"/api/runs/{i}/hits"), province.run_id),
        "share": (
            lambda c, i: c.post(
                "/api/shares", json={"object_kind": "dataset", "object_id": i, "unit_id": "330603"}
            ),
            "pension_payment",
        ),
        "share run": (
            lambda c, i: c.post(
                "/api/shares", json={"object_kind": "run", "object_id": i, "unit_id": "330603"}
            ),
            province.run_id,
        ),
        "token": (lambda c, i: c.delete(f"/api/tokens/{i}"), ids["token"]),
        "user roles": (
            lambda c, i: c.put(f"/api/users/{i}/roles", json={"roles": ["admin"]}),
            ids["yc_pros"],
        ),
        "user disable": (lambda c, i: c.post(f"/api/users/{i}/disable"), ids["yc_pros"]),
        "unit": (
            lambda c, i: c.post(
                "/api/units",
                json={"id": "new-dept", "name": "新部门", "kind": "department", "parent_id": i},
            ),
            "330602",
        ),
        "export decision": (
            lambda c, i: c.post(f"/api/exports/{i}/decision", json={"approve": True}),
            ids["export"],
        ),
        "export withdraw": (lambda c, i: c.post(f"/api/exports/{i}/withdraw"), ids["export"]),
        "export download": (lambda c, i: c.post(f"/api/exports/{i}/download"), ids["export"]),
    }


# Who may hold the permission a probe needs (the others get 403 for real and missing ids
# alike, which tells nothing either).
NEEDS = {
    "share": {"yc_steward"},
    "share run": {"yc_steward"},
    "user roles": {"admin", "kq_admin"},
    "user disable": {"admin", "kq_admin"},
    "unit": {"admin", "kq_admin"},
    "export decision": {"yc_leader", "kq_leader", "sx_leader", "sx_low"},
}


def test_objects_of_other_units_are_not_found(any_province: Province) -> None:
    province = any_province
    ids = _setup_extras(province)
    probes = _probes(province, ids)
    outsiders = ["kq_pros", "kq_leader", "kq_dept", "kq_admin", "ext"]
    for username in outsiders:
        client = province.client(username)
        for kind, (probe, real_id) in probes.items():
            needs = NEEDS.get(kind)
            held = needs is None or username in needs
            if kind in ("dataset", "dataset rows", "run hits") and username in ("ext", "kq_admin"):
                held = False  # external liaisons and admins do not read data at all
            if kind.startswith("export") and username in ("ext", "kq_admin"):
                held = False
            if kind == "token" and username == "ext":
                held = True
            _same_as_missing(client, probe, real_id, 404 if held else 403)
    anonymous = province.client()
    for probe, real_id in probes.values():
        _same_as_missing(anonymous, probe, real_id, 401)

    # Nothing was changed by the probes; the owners still have everything.
    yc = province.client("yc_leader")
    assert yc.get("/api/tokens").json()[0]["revoked"] is False
    (request,) = yc.get("/api/exports").json()
    assert request["status"] == "pending"
    users = {u["username"]: u for u in province.client("admin").get("/api/users").json()}
    assert users["yc_pros"]["roles"] == ["prosecutor"] and users["yc_pros"]["is_active"]
    assert "new-dept" not in {u["id"] for u in province.client("admin").get("/api/units").json()}
    for username in ("kq_pros", "kq_leader", "ext"):
        listed = province.client(username)
        if username != "ext":
            assert {d["id"] for d in listed.get("/api/datasets").json()} == {"company_registry"}
            assert listed.get("/api/runs").json() == []
    kq_admin = province.client("kq_admin")
    assert {u["unit_id"] for u in kq_admin.get("/api/users").json()} <= {"330603", "330603-d1"}
    assert {u["id"] for u in kq_admin.get("/api/units").json()} == {"330603", "330603-d1"}


def _datasets(client: TestClient) -> set[str]:
    answer = client.get("/api/datasets")
    assert answer.status_code == 200
    return {d["id"] for d in answer.json()}


def _run_ids(client: TestClient) -> set[str]:
    return {r["id"] for r in client.get("/api/runs").json()}


def test_leaders_see_down_never_sideways_or_up(any_province: Province) -> None:
    province = any_province
    everything = {"pension_payment", "death_record", "company_registry"}
    sx = province.client("sx_leader")
    assert _datasets(sx) == everything
    assert sx.get("/api/datasets/company_registry/rows").status_code == 200
    assert sx.get(f"/api/runs/{province.run_id}/hits").status_code == 200
    assert _run_ids(sx) == {province.run_id}

    yc_dept = province.client("yc_dept")  # a department works on its procuratorate's data
    assert _datasets(yc_dept) == {"pension_payment", "death_record"}
    assert yc_dept.get(f"/api/runs/{province.run_id}/hits").status_code == 200

    yc, kq = province.client("yc_leader"), province.client("kq_leader")
    assert _datasets(yc) == {"pension_payment", "death_record"}
    assert _datasets(kq) == {"company_registry"}
    _same_as_missing(yc, lambda c, i: c.get(f"/api/datasets/{i}/rows"), "company_registry", 404)
    _same_as_missing(yc_dept, lambda c, i: c.get(f"/api/datasets/{i}"), "company_registry", 404)

    # An object of the city (an ancestor): its leader sees it, the counties below do not.
    with session_scope(open_workspace(province.settings).engine) as session:
        session.execute(
            update(Dataset).where(Dataset.id == "death_record").values(owner_unit="330600")
        )
    assert "death_record" in _datasets(sx)
    for username in ("yc_leader", "yc_pros", "yc_dept", "kq_leader"):
        client = province.client(username)
        assert "death_record" not in _datasets(client), username
        _same_as_missing(client, lambda c, i: c.get(f"/api/datasets/{i}/rows"), "death_record", 404)


def test_clearance_hides_sensitive_datasets(any_province: Province) -> None:
    with session_scope(open_workspace(any_province.settings).engine) as session:
        session.execute(
            update(Dataset).where(Dataset.id == "company_registry").values(sensitivity="internal")
        )
    low = any_province.client("sx_low")  # a city leader cleared for 'internal' only
    assert _datasets(low) == {"company_registry"}
    assert low.get("/api/datasets/company_registry/rows").status_code == 200
    for path in ("/api/datasets/{}", "/api/datasets/{}/rows"):
        _same_as_missing(low, lambda c, i, p=path: c.get(p.format(i)), "pension_payment", 404)
    # The run read sensitive data: its hits are out of reach too.
    _same_as_missing(low, lambda c, i: c.get(f"/api/runs/{i}/hits"), any_province.run_id, 404)


def test_a_share_opens_one_dataset_to_one_unit(any_province: Province) -> None:
    province = any_province
    kq = province.client("kq_pros")
    assert kq.get("/api/datasets/pension_payment").status_code == 404
    steward = province.client("yc_steward")
    shared = steward.post(
        "/api/shares",
        json={"object_kind": "dataset", "object_id": "pension_payment", "unit_id": "330603"},
    )
    assert shared.status_code == 201, shared.text
    assert _datasets(kq) == {"company_registry", "pension_payment"}
    rows = kq.get("/api/datasets/pension_payment/rows")
    assert rows.status_code == 200 and len(rows.json()["rows"]) == 12
    assert rows.json()["masked"] is True
    # Only that dataset, only that unit: not its sibling dataset, not the external unit.
    assert kq.get("/api/datasets/death_record").status_code == 404
    with session_scope(open_workspace(province.settings).engine) as session:
        create_unit(session, id="330604", name="上虞区人民检察院", kind="procuratorate",
                    level="county", region_code="330604", parent_id="330600")  # fmt: skip
        create_user(session, username="sy_pros", display_name="sy_pros", unit_id="330604",
                    password=PASSWORD, roles=["prosecutor"],
                    clearance="sensitive")  # fmt: skip
    assert _datasets(province.client("sy_pros")) == set()
    assert province.client("ext").get("/api/datasets/pension_payment").status_code == 403
    # Clearance still applies to shared data.
    assert "pension_payment" not in _datasets(province.client("sx_low"))
