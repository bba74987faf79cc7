"""Signing in and staying signed in: passwords, lockout, rate limit, sessions, CSRF,
API tokens, disabled accounts, security headers and what error answers may contain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from web_province import PASSWORD, Province

from jiandu.security.users import LOCKOUT_DURATION, MAX_FAILED_ATTEMPTS
from jiandu.store.db import session_scope
from jiandu.store.schema import ApiToken, AuditEntry, UserAccount, utcnow
from jiandu.web.app import create_app
from jiandu.web.guard import CSRF_HEADER, SESSION_COOKIE
from jiandu.web.routes import auth as auth_routes
from jiandu.workspace import open_workspace

LOGIN = "/api/auth/login"


def _login(client: TestClient, username: str, password: str = PASSWORD) -> httpx2.Response:
    return client.post(LOGIN, json={"username": username, "password": password})


def _user_id(province: Province, username: str) -> str:
    with session_scope(open_workspace(province.settings).engine) as session:
        return session.scalars(select(UserAccount.id).where(UserAccount.username == username)).one()


def _audit_actions(province: Province) -> list[tuple[str, str]]:
    with session_scope(open_workspace(province.settings).engine) as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.outcome).order_by(AuditEntry.seq)
        )
        return [(a, o) for a, o in rows]


def test_sign_in_and_one_answer_for_every_refusal(any_province: Province) -> None:
    client = any_province.client()
    ok = _login(client, "yc_pros")
    assert ok.status_code == 200
    assert ok.json()["user"]["unit_id"] == "330602"
    assert len(ok.json()["csrf_token"]) >= 32
    assert client.get("/api/me").json()["username"] == "yc_pros"

    wrong_password = _login(any_province.client(), "kq_pros", "Wrong-Horse-9-Battery")
    unknown_user = _login(any_province.client(), "nobody", PASSWORD)
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert wrong_password.json() == unknown_user.json()
    assert wrong_password.json()["error"]["kind"] == "AuthenticationFailed"
    assert SESSION_COOKIE not in wrong_password.cookies

    # Locked after MAX_FAILED_ATTEMPTS consecutive failures: then even the right password
    # gets the very same answer as an unknown user.
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        assert _login(client, "kq_pros", "Wrong-Horse-9-Battery").status_code == 401
    locked = _login(client, "kq_pros", PASSWORD)
    assert locked.status_code == 401
    assert locked.json() == unknown_user.json()
    assert locked.headers["www-authenticate"] == wrong_password.headers["www-authenticate"]
    # ... until the lock runs out.
    with session_scope(open_workspace(any_province.settings).engine) as session:
        account = session.scalars(
            select(UserAccount).where(UserAccount.username == "kq_pros")
        ).one()
        assert account.locked_until is not None
        assert account.locked_until - utcnow() > LOCKOUT_DURATION - timedelta(minutes=1)
        account.locked_until = utcnow() - timedelta(seconds=1)
    assert _login(client, "kq_pros", PASSWORD).status_code == 200
    denied = [a for a in _audit_actions(any_province) if a == ("auth.sign_in", "denied")]
    assert len(denied) == 2 + MAX_FAILED_ATTEMPTS


def test_a_success_resets_the_failure_count(province: Province) -> None:
    client = province.client()
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        assert _login(client, "kq_pros", "Wrong-Horse-9-Battery").status_code == 401
    assert _login(client, "kq_pros").status_code == 200
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        assert _login(client, "kq_pros", "Wrong-Horse-9-Battery").status_code == 401
    assert _login(client, "kq_pros").status_code == 200


def test_sign_in_is_rate_limited_per_client_address(province: Province) -> None:
    attacker = province.client(address="10.0.0.66")
    for attempt in range(20):
        answer = _login(attacker, f"guess{attempt}", "Wrong-Horse-9-Battery")
        assert answer.status_code == 401, attempt
    limited = _login(attacker, "yc_pros")  # even the right password, from this address
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert limited.json()["error"]["kind"] == "RateLimited"
    assert SESSION_COOKIE not in limited.cookies
    # Another address is not held up by this one.
    assert _login(province.client(address="10.0.0.67"), "yc_pros").status_code == 200
    assert ("auth.rate_limited", "denied") in _audit_actions(province)


def test_sign_out_ends_the_session(any_province: Province) -> None:
    client = any_province.client("yc_pros")
    cookie = client.cookies[SESSION_COOKIE]
    assert client.get("/api/me").status_code == 200
    assert client.post("/api/auth/logout").status_code == 200
    assert client.get("/api/me").status_code == 401
    replay = any_province.client()
    replay.cookies.set(SESSION_COOKIE, cookie)
    assert replay.get("/api/me").status_code == 401


def _session_cookie(response: httpx2.Response) -> str:
    (cookie,) = [c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE)]
    return cookie.lower()


def test_cookie_flags(province: Province) -> None:
    plain = _session_cookie(_login(province.client(), "yc_pros"))
    assert "httponly" in plain and "samesite=strict" in plain and "path=/" in plain
    assert "secure" not in plain.replace("httponly", "")  # plain http: the browser drops Secure

    over_tls = province.client(base_url="https://testserver")
    assert "; secure" in _session_cookie(_login(over_tls, "yc_pros"))

    behind_proxy = create_app(province.settings, secure_cookies=True)

    forced = _session_cookie(_login(TestClient(behind_proxy), "yc_pros"))
    assert "; secure" in forced and "httponly" in forced and "samesite=strict" in forced


def _token_names(client: TestClient) -> list[str]:
    answer = client.get("/api/tokens")
    assert answer.status_code == 200
    return [t["name"] for t in answer.json()]


def test_csrf_is_required_for_unsafe_requests_on_a_cookie_session(any_province: Province) -> None:
    client = any_province.client("yc_pros")
    right = client.headers.pop(CSRF_HEADER)
    other = any_province.client("kq_pros").headers[CSRF_HEADER]  # another session's token
    body = {"name": "script"}
    for headers in ({}, {CSRF_HEADER: ""}, {CSRF_HEADER: "x" * 43}, {CSRF_HEADER: other}):
        refused = client.post("/api/tokens", json=body, headers=headers)
        assert refused.status_code == 403, headers
        assert refused.json()["error"]["kind"] == "PermissionDenied"
    assert _token_names(client) == []  # GET needs no token; nothing was created
    created = client.post("/api/tokens", json=body, headers={CSRF_HEADER: right})
    assert created.status_code == 201
    token_id = created.json()["id"]
    assert client.delete(f"/api/tokens/{token_id}").status_code == 403
    assert client.post("/api/auth/logout").status_code == 403  # sign-out too: no forced logout
    assert client.get("/api/me").status_code == 200
    assert client.delete(f"/api/tokens/{token_id}", headers={CSRF_HEADER: right}).status_code == 200


def test_a_cross_site_form_post_is_refused(province: Province) -> None:
    admin = province.client("admin")
    admin.headers.pop(CSRF_HEADER)
    # What a hostile page's <form method=post> sends along with the victim's cookie.
    for form in (
        {"username": "mallory", "display_name": "m", "unit_id": "330602", "roles": "admin"},
        {"name": "stolen"},
    ):
        for path in ("/api/users", "/api/tokens"):
            answer = admin.post(path, data=form, headers={"Origin": "https://evil.example"})
            assert answer.status_code == 403, (path, answer.text)
    users = province.client("admin").get("/api/users").json()
    assert "mallory" not in {u["username"] for u in users}
    assert _token_names(province.client("admin")) == []


def test_bearer_tokens(any_province: Province) -> None:
    owner = any_province.client("yc_pros")
    made = owner.post("/api/tokens", json={"name": "nightly", "expires_in_days": 1}).json()
    secret = made["token"]
    assert secret.startswith("jd_")
    assert secret not in owner.get("/api/tokens").text  # listed, never shown again

    script = any_province.client(headers={"Authorization": f"Bearer {secret}"})
    assert script.get("/api/me").json()["username"] == "yc_pros"
    # No cookie, so no CSRF to guard against: unsafe requests work without the header.
    second = script.post("/api/tokens", json={"name": "second"})
    assert second.status_code == 201
    assert script.get("/api/datasets").status_code == 200

    for bad in ("jd_" + "A" * 43, secret + "x", secret[:-1], "", "Basic " + secret):
        answer = any_province.client(headers={"Authorization": f"Bearer {bad}"}).get("/api/me")
        assert answer.status_code == 401, bad

    assert owner.delete(f"/api/tokens/{made['id']}").status_code == 200
    revoked = script.get("/api/me")
    assert revoked.status_code == 401
    assert revoked.json()["error"]["kind"] == "AuthenticationFailed"

    expiring = any_province.client(headers={"Authorization": f"Bearer {second.json()['token']}"})
    assert expiring.get("/api/me").status_code == 200
    with session_scope(open_workspace(any_province.settings).engine) as session:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == second.json()["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert expiring.get("/api/me").status_code == 401


def test_a_disabled_user_is_shut_out_everywhere(any_province: Province) -> None:
    user = any_province.client("yc_pros")
    token = user.post("/api/tokens", json={"name": "t"}).json()["token"]
    script = any_province.client(headers={"Authorization": f"Bearer {token}"})
    assert script.get("/api/me").status_code == 200

    admin = any_province.client("admin")
    disabled = admin.post(f"/api/users/{_user_id(any_province, 'yc_pros')}/disable")
    assert disabled.status_code == 200 and disabled.json()["is_active"] is False

    assert user.get("/api/me").status_code == 401
    assert script.get("/api/me").status_code == 401
    assert _login(any_province.client(), "yc_pros").status_code == 401


SECURITY_HEADERS = {
    "content-security-policy": None,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
    "referrer-policy": "no-referrer",
}


def _assert_security_headers(response: httpx2.Response, *, https: bool = False) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert name in response.headers, (response.status_code, name)
        if value is not None:
            assert response.headers[name] == value, (response.status_code, name)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert ("strict-transport-security" in response.headers) is https, response.status_code


def _explode(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError(f"SELECT * FROM user_account WHERE password = '{PASSWORD}'")


def test_security_headers_on_every_answer(
    province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    anonymous = province.client()
    user = province.client("yc_pros")
    answers = {
        "ok": user.get("/api/me"),
        "unauthenticated": anonymous.get("/api/me"),
        "forbidden": user.get("/api/audit"),
        "not found": user.get("/api/datasets/nope"),
        "invalid": user.get("/api/runs?limit=0"),
        "no route": anonymous.get("/nowhere"),
        "bad sign-in": _login(anonymous, "yc_pros", "x"),
    }
    over_tls = province.client("yc_pros", base_url="https://testserver")
    _assert_security_headers(over_tls.get("/api/me"), https=True)
    _assert_security_headers(over_tls.get("/api/datasets/nope"), https=True)
    monkeypatch.setattr(auth_routes, "_profile", _explode)
    crashing = province.client("yc_pros", raise_server_exceptions=False)
    answers["internal error"] = crashing.get("/api/me")
    expected = {
        **{"ok": 200, "unauthenticated": 401, "forbidden": 403, "not found": 404},
        **{"invalid": 422, "no route": 404, "bad sign-in": 401, "internal error": 500},
    }
    assert {k: v.status_code for k, v in answers.items()} == expected
    for answer in answers.values():
        _assert_security_headers(answer)


def test_errors_leak_no_traceback_sql_or_password(
    province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "Hunter2-' OR 1=1 --"
    anonymous = province.client()
    answers = [
        _login(anonymous, "yc_pros", secret),
        _login(anonymous, "nobody", secret),
        anonymous.post(LOGIN, json={"username": "yc_pros", "password": secret * 20}),  # too long
        anonymous.post(LOGIN, json={"username": "", "password": secret}),
        anonymous.post(LOGIN, content=f'{{"username": "yc_pros", "password": "{secret}"'),
    ]
    monkeypatch.setattr(auth_routes, "_profile", _explode)
    answers.append(province.client("yc_pros", raise_server_exceptions=False).get("/api/me"))
    assert [a.status_code for a in answers] == [401, 401, 422, 422, 422, 500]
    for answer in answers:
        text = answer.text
        assert answer.headers["content-type"].startswith("application/json")
        for leak in ("Traceback", "File \"", "SELECT", "user_account", "RuntimeError", PASSWORD,
                     secret, "Hunter2", "sqlalchemy", "psycopg", "sqlite"):  # fmt: skip
            assert leak not in text, (answer.status_code, leak, text)
        assert set(answer.json()["error"]) == {"zh", "en", "kind"}
