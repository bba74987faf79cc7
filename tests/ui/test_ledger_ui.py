"""The ledger (一本账) dashboard, the model leaderboard, administration, the audit viewer
and the API page, in the browser.

The demo's clues are all waiting to be verified, so the `story` fixture first takes twelve
clues of one model through the work, by the JSON API as the demo's prosecutor: verified,
seven confirmed, three rejected, two sent to the county (one accepted), two cases with
their documents, one answered with rectification. It uses the clues of `shell_company`
(空壳公司), which no other UI test touches (test_clues_ui.py names its own models).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from ui_harness import DemoServer, shoot

MODEL = "shell_company"


class Api:
    """A signed-in JSON API client (session cookie + CSRF header) for one demo account,
    on a browser context of its own (Playwright's request API)."""

    def __init__(self, browser: Any, server: DemoServer, account: str) -> None:
        who = server.accounts[account]
        self.context = browser.new_context(base_url=server.base_url)
        self.request = self.context.request
        answer = self.request.post(
            "/api/auth/login", data={"username": who.username, "password": who.password}
        )
        assert answer.status == 200, answer.text()
        self.headers = {"X-CSRF-Token": answer.json()["csrf_token"]}
        self.me = self.get("/api/me")

    def get(self, path: str, **params: Any) -> Any:
        answer = self.request.get(path, params=params, timeout=60000)
        assert answer.status == 200, (path, answer.text())
        return answer.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        answer = self.request.post(path, data=body, headers=self.headers, timeout=60000)
        assert answer.status in (200, 201), (path, answer.text())
        return answer.json()


def _act(api: Api, clue: dict[str, Any], action: str, **extra: Any) -> Any:
    body = {"action": action, "expected_version": clue["version"], **extra}
    return api.post(f"/api/clues/{clue['id']}/actions", body)


@pytest.fixture(scope="module")
def story(browser: Any, server: DemoServer) -> Iterator[dict[str, Any]]:
    """Work twelve clues of one model (see the module docstring); what was done."""
    prosecutor = Api(browser, server, "prosecutor")
    model = MODEL
    clues = prosecutor.get("/api/clues", model_id=model, status="pending", limit=12)
    assert len(clues) == 12, f"the demo should have 12 pending clues of {model}"
    worked = []
    me = prosecutor.me["id"]
    for pending in clues:
        body = {"assignee_id": me, "expected_version": pending["version"]}
        assigned = prosecutor.post(f"/api/clues/{pending['id']}/assign", body)
        worked.append(_act(prosecutor, assigned, "verify"))
    confirmed = [_act(prosecutor, c, "confirm") for c in worked[:7]]
    for c in worked[7:10]:
        _act(prosecutor, c, "reject", reason="核查不属实")
    sent = prosecutor.post("/api/clues/transfers", {
        "clues": [{"id": c["id"], "expected_version": c["version"]} for c in confirmed[5:7]],
        "to_unit": "330602", "note": "请越城区院办理"})  # fmt: skip
    county = Api(browser, server, "county")
    first = sent["transfers"][0]
    version = county.get(f"/api/clues/{first['clue_id']}")["version"]
    county.post(f"/api/clues/transfers/{first['id']}/accept", {"expected_version": version})
    made = []
    for case_type, chosen, title in (
        ("procuratorial_suggestion", confirmed[:3], "违规发放问题检察建议"),
        ("crime_referral", confirmed[3:5], "涉嫌犯罪线索移送"),
    ):
        case = prosecutor.post("/api/cases", {
            "clue_ids": [c["id"] for c in chosen], "case_type": case_type, "title": title,
            "facts": "经审查查明的事实。", "supervised_unit": "绍兴市某行政机关"})  # fmt: skip
        issued = prosecutor.post(f"/api/cases/{case['id']}/documents",
                                 {"expected_version": case["version"]})  # fmt: skip
        made.append(issued["case"])
    prosecutor.post(f"/api/cases/{made[0]['id']}/reply", {
        "received_at": datetime.now(UTC).isoformat(), "content": "已全部整改到位。",
        "rectified": True, "expected_version": made[0]["version"]})  # fmt: skip
    yield {"model": model, "cases": [c["id"] for c in made]}
    prosecutor.context.close()
    county.context.close()


def _until(condition: Callable[[], bool], seconds: float = 15) -> None:
    """Wait until `condition()` holds (a screen re-rendering after a fetch)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the page did not get there in time"
        time.sleep(0.1)


def _number(text: str) -> int:
    digits = re.sub(r"[^0-9]", "", text.split("\n")[1] if "\n" in text else text)
    return int(digits or 0)


def _charts_drawn(page: Any, *testids: str) -> None:
    for testid in testids:
        page.locator(f"[data-testid={testid}] canvas").first.wait_for()


def test_dashboard_tiles_and_charts(signed_in: Any, story: dict[str, Any]) -> None:
    page = signed_in("leader")  # the province's leader: every unit of the demo
    tiles = page.get_by_test_id("ledger-tiles")
    tiles.wait_for()
    clues = page.get_by_test_id("tile-clues").inner_text()
    assert _number(clues) > 0, clues
    assert "%" in page.get_by_test_id("tile-confirmation").inner_text()
    assert _number(page.get_by_test_id("tile-cases").inner_text()) >= 2
    _charts_drawn(page, "chart-trend", "chart-status", "chart-units", "chart-types")
    table = page.get_by_test_id("ledger-units")
    for unit in ("浙江省人民检察院", "绍兴市人民检察院", "越城区人民检察院"):
        assert table.get_by_role("cell", name=unit).is_visible()
    page.wait_for_timeout(400)  # let the charts finish their first paint
    shoot(page, "dashboard", full_page=False)  # the README picture (1366×800)
    shoot(page, "dashboard-full")


def test_dashboard_filters_by_unit_and_date(signed_in: Any, story: dict[str, Any]) -> None:
    page = signed_in("leader")
    page.get_by_test_id("ledger-tiles").wait_for()
    page.get_by_label("单位", exact=True).select_option("330602")
    caption = page.get_by_test_id("ledger-caption")
    caption.filter(has_text="越城区人民检察院").wait_for()
    rows = page.get_by_test_id("ledger-units").locator("tbody tr")
    assert rows.count() == 1
    assert _number(page.get_by_test_id("tile-clues").inner_text()) >= 1  # the accepted transfer
    assert "unit=330602" in page.url
    page.get_by_label("自", exact=True).fill("2001-01-01")
    page.get_by_label("至", exact=True).fill("2001-12-31")
    page.get_by_label("至", exact=True).dispatch_event("change")
    caption.filter(has_text="2001-01-01").wait_for()
    assert _number(page.get_by_test_id("tile-clues").inner_text()) == 0


def test_county_sees_only_its_own_ledger(signed_in: Any, story: dict[str, Any]) -> None:
    page = signed_in("county")
    page.get_by_test_id("ledger-tiles").wait_for()
    cells = page.get_by_test_id("ledger-units").locator("tbody tr td:first-child")
    assert cells.all_inner_texts() == ["越城区人民检察院"]
    assert _number(page.get_by_test_id("tile-clues").inner_text()) >= 1  # the accepted transfer


def test_language_switch_flips_the_dashboard(signed_in: Any, story: dict[str, Any]) -> None:
    page = signed_in("leader")
    page.get_by_test_id("ledger-tiles").wait_for()
    page.get_by_test_id("lang-switch").click()
    try:
        page.get_by_role("heading", name="Ledger").wait_for()
        assert "Clues" in page.get_by_test_id("tile-clues").inner_text()
        assert page.get_by_role("heading", name="Month by month").is_visible()
        assert page.get_by_role("columnheader", name="Unit").is_visible()
        _charts_drawn(page, "chart-trend")
        shoot(page, "dashboard-en", full_page=False)
    finally:
        page.get_by_test_id("lang-switch").click()  # the language is remembered per browser
    page.get_by_role("heading", name="一本账").wait_for()


def test_leaderboard(signed_in: Any, story: dict[str, Any]) -> None:
    page = signed_in("prosecutor")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="模型排行").click()
    table = page.get_by_test_id("leaderboard-table")
    table.wait_for()
    _charts_drawn(page, "chart-leaderboard")
    first = table.locator("tbody tr").first
    # By confirmed clues the story's model leads (seven; other tests confirm one or two).
    assert story["model"] in first.inner_text()
    page.get_by_label("排序").select_option("rectified")
    page.wait_for_url(re.compile(r"sort=rectified"))
    _until(lambda: story["model"] in table.locator("tbody tr").first.inner_text())


def test_admin_adds_a_user_and_a_unit(signed_in: Any) -> None:
    page = signed_in("admin")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="用户与单位").click()
    page.get_by_test_id("users-table").wait_for()
    page.get_by_test_id("add-user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("用户名").fill("ui_ledger_new")
    dialog.get_by_label("姓名").fill("新来的检察官")
    dialog.get_by_label("单位").select_option("330602")
    dialog.get_by_label("初始密码").fill("Ledger-Test-Pass-42")
    dialog.get_by_label("检察官").check()
    dialog.get_by_label("密级").select_option("sensitive")
    page.get_by_test_id("user-submit").click()
    row = page.get_by_test_id("users-table").locator("tr", has_text="ui_ledger_new")
    row.wait_for()
    assert "检察官" in row.inner_text() and "敏感" in row.inner_text()
    # Change the new user's roles, then disable them.
    page.get_by_test_id("roles-ui_ledger_new").click()
    page.get_by_role("dialog").get_by_label("院领导/部门负责人").check()
    page.get_by_test_id("roles-submit").click()
    row.filter(has_text="院领导").wait_for()
    page.get_by_test_id("disable-ui_ledger_new").click()
    page.get_by_test_id("disable-submit").click()
    row.filter(has_text="已停用").wait_for()
    # A unit below 越城.
    page.get_by_role("tab", name="单位").click()
    page.get_by_test_id("unit-330602").get_by_role("button", name="＋ 下级单位").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("单位编号").fill("330602-ui2")
    dialog.get_by_label("名称").fill("越城区院第二检察部")
    page.get_by_test_id("unit-submit").click()
    page.get_by_test_id("unit-330602-ui2").wait_for()
    # The roles table is the code's.
    page.get_by_role("tab", name="角色").click()
    roles = page.get_by_test_id("roles-table")
    assert roles.get_by_role("columnheader", name="审计员").is_visible()
    shoot(page, "admin-roles")


def test_admin_refuses_a_bad_password_with_the_reason(signed_in: Any) -> None:
    page = signed_in("admin")
    page.goto(page.url.split("#")[0] + "#/admin")
    page.get_by_test_id("add-user").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("用户名").fill("ui_ledger_weak")
    dialog.get_by_label("姓名").fill("弱口令")
    dialog.get_by_label("初始密码").fill("short")
    page.get_by_test_id("user-submit").click()
    dialog.get_by_role("alert").wait_for()
    assert dialog.is_visible()  # the form stays open to correct it


def test_audit_viewer_filters_and_verifies(signed_in: Any) -> None:
    page = signed_in("auditor")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计日志").click()
    table = page.get_by_test_id("audit-table")
    table.wait_for()
    page.get_by_test_id("audit-verify").click()
    result = page.get_by_test_id("verify-result")
    result.wait_for()
    assert result.get_attribute("data-ok") == "true"
    assert "哈希链完整" in result.inner_text()
    page.get_by_label("操作", exact=True).fill("auth.sign_in")
    page.get_by_label("操作人").fill("auditor")
    page.get_by_test_id("audit-apply").click()
    page.wait_for_url(re.compile(r"actor=auditor"))
    column = table.locator("tbody tr td:nth-child(4)")
    _until(lambda: set(column.all_inner_texts()) == {"auth.sign_in"})
    assert set(table.locator("tbody tr td:nth-child(3)").all_inner_texts()) == {"auditor"}
    page.get_by_label("结果").select_option("denied")
    page.get_by_label("操作", exact=True).fill("")
    page.get_by_label("操作人").fill("")
    page.get_by_test_id("audit-apply").click()
    page.wait_for_url(re.compile(r"outcome=denied"))
    shoot(page, "audit")


def test_api_page_lists_the_routes_with_their_permissions(signed_in: Any) -> None:
    page = signed_in("police")  # any signed-in user may read the API documentation
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="接口文档").click()
    clues = page.get_by_test_id("api-op-GET /api/clues")
    clues.locator("summary").get_by_text("clues.read").wait_for()  # from a second request
    clues.locator("summary").click()
    assert "limit" in clues.inner_text()
    action = page.get_by_test_id("api-op-POST /api/clues/{clue_id}/actions")
    action.locator("summary").click()
    body = action.inner_text()
    assert "expected_version" in body and "reopen" in body and "clues.write" in body
    page.get_by_test_id("api-filter").fill("ledger")
    page.get_by_test_id("api-op-GET /api/clues").wait_for(state="detached")
    assert page.get_by_test_id("api-op-GET /api/ledger").is_visible()
    shoot(page, "api-docs")


def test_home_without_the_ledger_permission_points_the_way(signed_in: Any) -> None:
    page = signed_in("auditor")  # reads the audit log only: no cases, so no ledger
    page.get_by_role("heading", name="工作台").wait_for()
    assert page.get_by_test_id("ledger-tiles").count() == 0
    page.get_by_role("main").get_by_role("link", name="查看与校验审计日志").click()
    page.get_by_test_id("audit-table").wait_for()
