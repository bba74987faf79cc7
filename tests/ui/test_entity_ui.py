"""一人一档 (entity profiles) in a real browser: find organisations of the demo by a word of
their names, open one with relations, read its summary, records and relations, draw its
graph (Cytoscape) one and two hops out, follow a relation to the other entity's profile,
and switch to English; the screens pass axe-core.

Everything is read, nothing written, so the test does not depend on the others' order.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from test_accessibility_ui import AXE, violations
from ui_harness import DemoServer, shoot, sign_in

TIMEOUT = 20_000


def _open(page: Any, server: DemoServer, route: str) -> Any:
    """Load the app afresh at `route` once the page is quiet (see test_data_ui._open)."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.goto(f"{server.base_url}/#{route}")
    return page


def _api(page: Any, server: DemoServer, path: str) -> Any:
    response = page.request.get(server.base_url + path)
    assert response.ok, (path, response.status, response.text())
    return response.json()


def _with_relations(page: Any, server: DemoServer) -> tuple[dict[str, Any], dict[str, Any]]:
    """A demo organisation found by "公司" that has relations: (search row, profile)."""
    found = _api(page, server, f"/api/entities?q={quote('公司')}&kind=org&limit=50")["results"]
    assert found, "the demo has no organisation named …公司"
    for row in found:
        profile = _api(page, server, f"/api/entities/{row['entity_id']}")
        if profile["relations"]:
            return row, profile
    raise AssertionError("no demo organisation with relations")


def test_find_read_a_profile_and_walk_its_graph(signed_in: Any, server: DemoServer) -> None:
    page = signed_in()
    row, profile = _with_relations(page, server)

    _open(page, server, "/entities")
    nav = page.get_by_role("navigation", name="主导航").get_by_role("link", name="一人一档")
    assert nav.get_attribute("aria-current") == "page"
    page.get_by_test_id("entity-help").wait_for()
    box = page.get_by_role("searchbox", name="姓名、名称或证件号码")
    box.fill("公司")
    page.get_by_test_id("entity-kind").select_option("org")
    box.press("Enter")
    page.wait_for_url(re.compile(r"#/entities\?q=%E5%85%AC%E5%8F%B8&kind=org$"))
    page.get_by_test_id("entity-results-table").wait_for(timeout=TIMEOUT)
    listed = page.get_by_test_id("entity-results-table").locator("tbody tr")
    assert listed.count() >= 1
    assert "单位" in listed.first.inner_text()
    shoot(page, "entity-results")

    # The profile: summary, records by dataset, relations, graph.
    _open(page, server, f"/entities/{row['entity_id']}")
    summary = page.get_by_test_id("entity-summary")
    summary.wait_for(timeout=TIMEOUT)
    text = summary.inner_text()
    assert profile["entity"]["name"] in text and row["entity_id"] in text
    assert page.get_by_test_id("entity-records").count() == len(profile["datasets"])
    relations = page.get_by_test_id("entity-relations")
    assert relations.locator("tbody tr").count() == len(profile["relations"])
    graph = page.get_by_test_id("graph")
    graph.locator("canvas").first.wait_for(timeout=TIMEOUT)
    one = _api(page, server, f"/api/entities/{row['entity_id']}/graph?hops=1")
    assert f"{len(one['nodes'])} 个实体" in graph.get_attribute("aria-label")
    two = _api(page, server, f"/api/entities/{row['entity_id']}/graph?hops=2")
    page.get_by_test_id("entity-hops").select_option("2")
    page.wait_for_function(
        "n => document.querySelector('[data-testid=graph]')?.getAttribute('aria-label')"
        "?.includes(`${n} 个实体`)",
        arg=len(two["nodes"]),
        timeout=TIMEOUT,
    )
    shoot(page, "entity-profile")
    shoot(page, "entity-profile-top", full_page=False)
    busy = page.get_by_test_id("entity-records").filter(has=page.get_by_test_id("entity-more"))
    if busy.count():  # more than the first 20 records of a dataset: ask for more
        card = busy.first
        shown = card.locator("tbody tr").count()
        assert shown == 20
        card.get_by_test_id("entity-more").click()
        page.wait_for_function(
            "n => [...document.querySelectorAll('[data-testid=entity-records] tbody')]"
            ".some(body => body.querySelectorAll('tr').length > n)",
            arg=shown,
            timeout=TIMEOUT,
        )

    # Follow a relation to the other entity's profile, then come back.
    other = profile["relations"][0]["entity_b"]
    relations.locator(f'a[href^="#/entities/{other}"]').first.click()
    page.wait_for_url(re.compile(f"#/entities/{other}"))
    page.get_by_test_id("entity-summary").get_by_text(other).wait_for(timeout=TIMEOUT)
    page.get_by_test_id("entity-back").click()
    page.wait_for_url(re.compile(f"#/entities/{row['entity_id']}"))
    page.get_by_test_id("entity-summary").get_by_text(row["entity_id"]).wait_for()

    page.get_by_test_id("lang-switch").click()
    page.get_by_role("heading", name="Entity profile").wait_for()
    assert page.get_by_test_id("entity-summary").get_by_role("heading", name="Summary").is_visible()
    assert page.get_by_role("navigation", name="main navigation").get_by_role(
        "link", name="Entity profiles"
    ).is_visible()  # fmt: skip


def test_an_unknown_entity_is_not_found(signed_in: Any, server: DemoServer) -> None:
    page = _open(signed_in(), server, "/entities/P0000000000000000")
    alert = page.locator(".error-box[role=alert]")
    alert.wait_for(timeout=TIMEOUT)
    assert "未找到" in alert.inner_text()


def test_the_entity_screens_are_accessible(browser: Any, server: DemoServer) -> None:
    assert AXE.is_file()
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 800})
    context.set_default_timeout(TIMEOUT)
    page = context.new_page()
    try:
        sign_in(page, server, "prosecutor")
        row, _ = _with_relations(page, server)
        problems = {}
        for language in ("zh", "en"):
            if language == "en":
                page.get_by_test_id("lang-switch").click()
            for screen in ("#/entities", f"#/entities?q={quote('公司')}",
                           f"#/entities/{row['entity_id']}"):  # fmt: skip
                page.goto(f"{server.base_url}/{screen}")
                page.locator(".page").first.wait_for()
                page.wait_for_load_state("networkidle")
                if found := violations(page):
                    problems[f"{language} {screen}"] = found
        assert problems == {}
    finally:
        context.close()
