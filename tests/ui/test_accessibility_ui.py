"""Every screen passes axe-core (the accessibility engine, from npm, run in the page)
without a serious or critical violation, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ui_harness import DemoServer, sign_in

AXE = Path(__file__).resolve().parents[2] / "ui" / "node_modules" / "axe-core" / "axe.min.js"
SCREENS = ("#/", "#/data", "#/data/pension_payment", "#/import", "#/judgments", "#/search",
           "#/search?q=%E7%BA%A0%E7%BA%B7", "#/models", "#/models/pension_after_death",
           "#/builder", "#/runs", "#/jobs", "#/clues", "#/transfers", "#/cases", "#/leaderboard",
           "#/api")  # fmt: skip
ADMIN_SCREENS = ("#/admin", "#/audit")
RUN_AXE = """axe.run({resultTypes: ['violations']}).then(result => result.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => `${v.id} (${v.impact}): ` +
    v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))"""


@pytest.fixture
def axe_page(browser: Any) -> Any:
    """A page that may inject axe: the audit script is inline, which the CSP refuses, so
    this one context bypasses the policy (the other tests keep it)."""
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run bash scripts/vendor.sh")
    context = browser.new_context(bypass_csp=True, viewport={"width": 1366, "height": 800})
    context.set_default_timeout(15000)
    yield context.new_page()
    context.close()


def violations(page: Any) -> list[str]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found: list[str] = page.evaluate(RUN_AXE)
    return found


def audit(page: Any, server: DemoServer, screens: tuple[str, ...]) -> dict[str, list[str]]:
    problems = {}
    for screen in screens:
        page.goto(f"{server.base_url}/{screen}")
        page.locator(".page").first.wait_for()
        page.wait_for_load_state("networkidle")
        if found := violations(page):
            problems[screen] = found
    return problems


def test_the_sign_in_form(axe_page: Any, server: DemoServer) -> None:
    axe_page.goto(server.base_url + "/")
    axe_page.get_by_test_id("signin-submit").wait_for()
    assert violations(axe_page) == []


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_prosecutors_screens(axe_page: Any, server: DemoServer, language: str) -> None:
    sign_in(axe_page, server, "prosecutor")
    if language == "en":
        axe_page.get_by_test_id("lang-switch").click()
    assert audit(axe_page, server, SCREENS) == {}


def test_the_administrators_screens(axe_page: Any, server: DemoServer) -> None:
    sign_in(axe_page, server, "admin")
    assert audit(axe_page, server, ADMIN_SCREENS[:1]) == {}
    axe_page.get_by_test_id("signout").click()
    sign_in(axe_page, server, "auditor")
    assert audit(axe_page, server, ADMIN_SCREENS[1:]) == {}
