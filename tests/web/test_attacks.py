"""The attack list of issue #6, each answered with a refusal and nothing leaked or lost:
SQL injection in every parameter, path traversal in uploads, brute force, tampering
with the audit log, personal data in answers, and exports without a proper approval."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from web_province import NAME, PASSWORD, PERSON, PHONE, Province

from jiandu.security.users import MAX_FAILED_ATTEMPTS
from jiandu.store.db import session_scope
from jiandu.store.schema import ApprovalRequest, AuditEntry, Dataset, UserAccount, utcnow
from jiandu.web.routes.imports import UploadRefused, safe_name
from jiandu.workspace import open_workspace

INJECTIONS = (
    "' OR 1=1 --",
    "1; DROP TABLE user_account",
    "x' OR '1'='1",
    '" OR ""="',
    "1) OR (1=1",
    "'; DELETE FROM audit_log; --",
    "＇ OR １=１ --",  # fullwidth quote and digits
    "x\u202e--\u200b' OR 1=1",  # right-to-left override, zero-width space
    "іd_card",  # Cyrillic і
    "%27%20OR%201%3D1",
    "../../../../etc/passwd",
)


def _counts(province: Province) -> dict[str, int]:
    with session_scope(open_workspace(province.settings).engine) as session:
        return {
            "users": session.scalar(select(func.count()).select_from(UserAccount)) or 0,
            "datasets": session.scalar(select(func.count()).select_from(Dataset)) or 0,
        }


def test_sql_injection_in_every_parameter(province: Province) -> None:
    before = _counts(province)
    pros, admin, steward = (province.client(u) for u in ("yc_pros", "admin", "yc_steward"))
    leader = province.client("yc_leader")
    all_rows = pros.get("/api/datasets/pension_payment/rows").json()["rows"]
    assert len(all_rows) == 12

    def rows(*filters: str, **params: str) -> int | None:
        answer = pros.get(
            "/api/datasets/pension_payment/rows", params={"filter": list(filters), **params}
        )
        assert answer.status_code in (200, 400, 422), (filters, params, answer.text)
        return len(answer.json()["rows"]) if answer.status_code == 200 else None

    for payload in INJECTIONS:
        # A filter's value is a bound parameter: it matches nothing, never everything.
        for field in ("name", "id_card", "pay_month", "amount"):
            for op in ("eq", "ne", "lt", "contains", "prefix"):
                found = rows(f"{field}:{op}:{payload}")
                assert found is None or found == 0 or (op in ("ne", "lt") and found <= 12)
            assert rows(f"{field}:eq:{payload}", "name:eq:张三丰") in (None, 0)
        # The field and the operator are checked against lists: refused.
        assert rows(f"{payload}:eq:x") is None
        assert rows(f"name:{payload}:x") is None
        assert rows('name" OR 1=1 --:eq:x') is None
        for param in ("limit", "offset"):
            assert rows(**{param: payload}) is None
        assert rows(unmask=payload) is None
        # Ids in paths and bodies: not found, or refused.
        for path in (
            f"/api/datasets/{payload}",
            f"/api/datasets/{payload}/rows",
            f"/api/runs/{payload}/hits",
        ):
            assert pros.get(path).status_code in (404, 422), path
        assert pros.get("/api/runs", params={"limit": payload}).status_code == 422
        assert pros.delete(f"/api/tokens/{payload}").status_code in (404, 422)
        assert admin.put(f"/api/users/{payload}/roles", json={"roles": []}).status_code in (
            404,
            422,
        )
        assert admin.post(f"/api/users/{payload}/disable").status_code in (404, 422)
        assert admin.post(
            "/api/units",
            json={"id": "x1", "name": payload, "kind": "department", "parent_id": payload},
        ).status_code in (404, 422)
        assert admin.post(
            "/api/users",
            json={
                "username": payload,
                "display_name": payload,
                "unit_id": "330602",
                "password": PASSWORD + "-x",
                "roles": ["prosecutor"],
            },
        ).status_code in (400, 422)
        assert steward.post(
            "/api/shares",
            json={"object_kind": "dataset", "object_id": payload, "unit_id": "330603"},
        ).status_code in (404, 422)
        assert steward.post(
            "/api/shares",
            json={"object_kind": "dataset", "object_id": "pension_payment", "unit_id": payload},
        ).status_code in (404, 422)
        assert leader.post(
            "/api/exports",
            json={"purpose": payload, "scope": {"object_kind": "dataset", "object_id": payload}},
        ).status_code in (404, 422)
        for action in ("decision", "withdraw", "download"):
            answer = leader.post(f"/api/exports/{payload}/{action}", json={"approve": True})
            assert answer.status_code in (404, 422), (action, answer.text)
        assert (
            province.client("auditor").get("/api/audit", params={"before": payload}).status_code
            == 422
        )
        login = province.client(address="10.9.9.9").post(
            "/api/auth/login", json={"username": payload, "password": payload}
        )
        assert login.status_code in (401, 429)
    # Type-confused and out-of-range parameters.
    for params in ({"limit": "-1"}, {"limit": "100000"}, {"offset": "-5"}, {"limit": "1e3"}):
        assert rows(**params) is None
    assert rows("name:eq:张三丰") == 12  # the filters do work
    assert rows("amount:gt:2999.99", limit="5", offset="10") == 2
    assert _counts(province) == before
    assert province.client("auditor").get("/api/audit/verify").json()["ok"] is True


# --- uploads ------------------------------------------------------------------------------


def _pension_csv(serial: int = 0) -> bytes:
    """A one-row pension file; `serial` makes its content (so its batch) unique."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["身份证号码", "姓名", "发放年月", "发放金额"])
    writer.writerow([PERSON, NAME, "2024-01", str(3000 + serial)])
    return out.getvalue().encode("utf-8")


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


def test_path_traversal_in_uploads(province: Province, tmp_path: Path) -> None:
    steward = province.client("yc_steward")
    home = province.settings.home
    outside = _files(tmp_path) - _files(home)

    uploads = itertools.count(1)

    def upload(name: str) -> int:
        answer = steward.post(
            "/api/imports",
            data={"dataset_type": "pension_payment", "source": "../../etc"},
            files={"file": (name, _pension_csv(next(uploads)), "text/csv")},
        )
        assert answer.status_code in (201, 400, 422), (name, answer.text)
        if answer.status_code == 201:
            assert answer.json()["status"] == "committed"
            assert answer.json()["rows_accepted"] == 1
        return answer.status_code

    refused = [".hidden.csv", "..", "../..", "x.csv/..", "passwd", "evil.exe", "../../.bashrc",
               "C:\\Windows\\..", "   ", "a/b/", "x.csv\x00.exe"]  # fmt: skip
    for name in refused:
        assert upload(name) == 400, name
    # A NUL may be escaped by the client on the way; the server refuses any that arrives.
    assert upload("a\x00.csv") in (201, 400)
    for name in ("a\x00.csv", "x.csv\x00.exe", "a\nb.csv", "a\x7f.csv"):
        with pytest.raises(UploadRefused):
            safe_name(name)
    sanitised = ["../../etc/passwd.csv", "..\\..\\x.csv", "/tmp/jiandu-evil-upload.csv",
                 "C:\\Windows\\evil.csv", "dir/sub/name.csv", "./ok.csv"]  # fmt: skip
    for name in sanitised:
        assert upload(name) == 201, name

    # Nothing landed outside JIANDU_HOME, nor in it beside the pool's own files.
    assert _files(tmp_path) - _files(home) == outside
    assert not Path("/tmp/jiandu-evil-upload.csv").exists()
    assert not (home.parent / "x.csv").exists() and not (home / "x.csv").exists()
    assert list((home / "staging").iterdir()) == []  # uploads are cleaned up after import
    for path in _files(home):
        relative = path.relative_to(home).parts
        # search/ and neardup/: the full-text index and near-duplicate signatures;
        # entities/: the entity-id secret and the last resolution's inputs.
        assert relative[0] in (
            "pool",
            "rejects",
            "runs",
            "tmp",
            "search",
            "neardup",
            "entities",
        ) or path.name.startswith("jiandu.db")
    rows = steward.get("/api/datasets/pension_payment/rows", params={"limit": "500"}).json()
    assert len(rows["rows"]) in (12 + len(sanitised), 13 + len(sanitised))  # NUL name: either

    # Someone else's dataset cannot be appended to.
    answer = province.client("kq_leader").post(
        "/api/imports",
        data={"dataset_type": "pension_payment"},
        files={"file": ("p.csv", _pension_csv(), "text/csv")},
    )
    assert answer.status_code == 403  # leaders do not import; stewards of 柯桥 would get 404


# --- brute force --------------------------------------------------------------------------


def test_guessing_from_many_addresses_still_hits_the_lockout(province: Province) -> None:
    for attempt in range(MAX_FAILED_ATTEMPTS + 3):
        guess = province.client(address=f"10.1.0.{attempt}").post(
            "/api/auth/login", json={"username": "sx_leader", "password": f"Guess-{attempt}-xxxx"}
        )
        assert guess.status_code == 401
    right = province.client(address="10.2.0.1").post(
        "/api/auth/login", json={"username": "sx_leader", "password": PASSWORD}
    )
    assert right.status_code == 401


# --- audit tampering ----------------------------------------------------------------------


def _drop_triggers(connection: object, dialect: str) -> None:
    run = connection.execute  # type: ignore[attr-defined]
    if dialect == "postgresql":
        run(text("DROP TRIGGER audit_log_no_change ON audit_log"))
        run(text("DROP TRIGGER audit_log_no_truncate ON audit_log"))
    else:
        run(text("DROP TRIGGER audit_log_no_update"))
        run(text("DROP TRIGGER audit_log_no_delete"))


TAMPERING = {
    "edited": ("UPDATE audit_log SET object_id = 'forged' WHERE seq = :k", "edited", 0),
    "deleted": ("DELETE FROM audit_log WHERE seq = :k", "deleted", 0),
    "tail cut": ("DELETE FROM audit_log WHERE seq >= :k", "head_mismatch", 0),
    "actor changed": ("UPDATE audit_log SET actor = 'someone-else' WHERE seq = :k", "edited", 0),
}


@pytest.mark.parametrize("how", [*TAMPERING, "swapped"])
def test_audit_tampering_is_found_and_located(any_province: Province, how: str) -> None:
    province = any_province
    for username in ("yc_pros", "kq_pros", "sx_leader"):
        province.client(username).get("/api/datasets/pension_payment/rows")
    auditor = province.client("auditor")
    report = auditor.get("/api/audit/verify").json()
    assert report["ok"] is True and report["entries"] >= 6, report
    engine = open_workspace(province.settings).engine
    last = report["last_seq"]
    k = last - 3
    with (  # the triggers refuse edits
        engine.begin() as connection,
        pytest.raises(Exception, match=r"(?i)append-only|audit"),
        connection.begin_nested(),
    ):
        connection.execute(text("UPDATE audit_log SET actor = 'x' WHERE seq = 1"))
    with engine.begin() as connection:
        _drop_triggers(connection, engine.dialect.name)
        if how == "swapped":  # two neighbours trade places, hashes and all
            table = AuditEntry.__table__
            pair = (
                connection.execute(
                    select(table).where(table.c.seq.in_([k, k + 1])).order_by(table.c.seq)
                )
                .mappings()
                .all()
            )
            connection.execute(table.delete().where(table.c.seq.in_([k, k + 1])))
            for seq, row in ((k, pair[1]), (k + 1, pair[0])):
                connection.execute(table.insert().values({**row, "seq": seq}))
        else:
            sql, _, _ = TAMPERING[how]
            connection.execute(text(sql), {"k": k})
    tampered = auditor.get("/api/audit/verify")
    assert tampered.status_code == 200
    found = tampered.json()
    assert found["ok"] is False
    assert found["first_bad_seq"] == k, found
    kinds = {p["kind"] for p in found["problems"] if p["seq"] == k}
    expected = {"edited", "reordered"} if how == "swapped" else {TAMPERING[how][1]}
    assert kinds & expected, found["problems"]
    assert all(p["zh"] and p["en"] for p in found["problems"])


# --- personal data ------------------------------------------------------------------------


def _audit(province: Province, action: str) -> list[AuditEntry]:
    with session_scope(open_workspace(province.settings).engine) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        session.expunge_all()
        return list(entries)


def test_personal_data_is_masked_unless_unmasked_by_permission(province: Province) -> None:
    pros = province.client("yc_pros")
    masked = [
        pros.get("/api/datasets/pension_payment/rows"),
        pros.get("/api/datasets/death_record/rows", params={"filter": f"id_card:eq:{PERSON}"}),
        pros.get(f"/api/runs/{province.run_id}/hits"),
    ]
    for answer in masked:
        assert answer.status_code == 200 and answer.json()["masked"] is True
        assert answer.json()["rows"], answer.text
        for secret in (PERSON, NAME, PHONE, PERSON[6:14]):
            assert secret not in answer.text, (secret, answer.text[:300])
    assert "330602********" in masked[0].text and "张**" in masked[0].text

    steward = province.client("yc_steward")  # may read data, may not unmask
    for path in ("/api/datasets/pension_payment/rows", f"/api/runs/{province.run_id}/hits"):
        refused = steward.get(path, params={"unmask": "true"})
        assert refused.status_code == 403, refused.text
        assert PERSON not in refused.text and NAME not in refused.text
    denials = _audit(province, "pii.unmask")
    assert [e.outcome for e in denials] == ["denied", "denied"]

    rows = pros.get("/api/datasets/pension_payment/rows", params={"unmask": "true"})
    hits = pros.get(f"/api/runs/{province.run_id}/hits", params={"unmask": "true"})
    for answer in (rows, hits):
        assert answer.status_code == 200 and answer.json()["masked"] is False
        assert PERSON in answer.text and NAME in answer.text
    unmasked = [e for e in _audit(province, "pii.unmask") if e.outcome == "ok"]
    assert {(e.object_kind, e.object_id) for e in unmasked} == {
        ("dataset", "pension_payment"),
        ("run", province.run_id),
    }
    log = province.client("auditor").get("/api/audit", params={"limit": "1000"}).text
    for secret in (PERSON, NAME, PHONE, PASSWORD):
        assert secret not in log


# --- exports ------------------------------------------------------------------------------


def _request(client: object) -> str:
    answer = client.post(  # type: ignore[attr-defined]
        "/api/exports",
        json={
            "purpose": "移送线索核查",
            "scope": {"object_kind": "dataset", "object_id": "pension_payment", "format": "csv"},
        },
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def test_exports_need_another_persons_approval_and_are_used_once(province: Province) -> None:
    requester, approver = province.client("yc_leader"), province.client("sx_leader")
    request_id = _request(requester)
    assert requester.post(f"/api/exports/{request_id}/download").status_code == 400  # pending
    self_approval = requester.post(f"/api/exports/{request_id}/decision", json={"approve": True})
    assert self_approval.status_code == 400
    assert "four eyes" in self_approval.json()["error"]["en"]
    assert (
        province.client("yc_pros")
        .post(f"/api/exports/{request_id}/decision", json={"approve": True})
        .status_code
        == 403
    )  # prosecutors do not approve
    approved = approver.post(f"/api/exports/{request_id}/decision", json={"approve": True})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert approver.post(f"/api/exports/{request_id}/download").status_code == 404  # not theirs

    first = requester.post(f"/api/exports/{request_id}/download")
    assert first.status_code == 200, first.text
    assert first.headers["content-type"].startswith("text/csv")
    exported = first.content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(exported)))) == 13
    for secret in (PERSON, NAME, PHONE):
        assert secret not in exported
    assert "330602********" in exported
    second = requester.post(f"/api/exports/{request_id}/download")
    assert second.status_code == 400 and "already used" in second.json()["error"]["en"]

    expiring = _request(requester)
    assert (
        approver.post(f"/api/exports/{expiring}/decision", json={"approve": True}).status_code
        == 200
    )
    with session_scope(open_workspace(province.settings).engine) as session:
        session.execute(
            update(ApprovalRequest)
            .where(ApprovalRequest.id == expiring)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    late = requester.post(f"/api/exports/{expiring}/download")
    assert late.status_code == 400 and "expired" in late.json()["error"]["en"]
    assert list((province.settings.home / "staging").iterdir()) == []
    outcomes = [(e.action, e.outcome) for e in _audit(province, "export.consume")]
    assert outcomes.count(("export.consume", "ok")) == 1
    assert outcomes.count(("export.consume", "denied")) >= 3
