"""The shell: sign-in, navigation by role, the language switch, sign-out, the CSP."""

from __future__ import annotations

import re
from typing import Any

from ui_harness import DemoServer, shoot


def test_sign_in_refuses_a_wrong_password_then_signs_in(page: Any, server: DemoServer) -> None:
    page.goto(server.base_url + "/")
    page.get_by_label("用户名").fill("prosecutor")
    page.get_by_label("密码").fill("not-the-password-1A")
    page.get_by_test_id("signin-submit").click()
    page.get_by_role("alert").wait_for()
    assert "身份验证失败" in page.get_by_role("alert").inner_text()
    shoot(page, "signin")
    page.get_by_label("密码").fill(server.accounts["prosecutor"].password)
    page.get_by_test_id("signin-submit").click()
    assert "演示检察官" in page.get_by_test_id("who").inner_text()


def test_navigation_follows_the_roles(signed_in: Any) -> None:
    page = signed_in("police")
    nav = page.get_by_role("navigation", name="主导航")
    assert nav.get_by_role("link", name="线索").is_visible()
    assert nav.get_by_role("link", name="数据导入").count() == 0
    assert nav.get_by_role("link", name="用户与单位").count() == 0


def test_language_switch_is_remembered(signed_in: Any, server: DemoServer) -> None:
    page = signed_in()
    page.get_by_test_id("lang-switch").click()
    nav = page.get_by_role("navigation", name="main navigation")
    assert nav.get_by_role("link", name="Clues").is_visible()
    page.reload()
    page.get_by_test_id("who").wait_for()
    assert page.get_by_role("link", name="Clues").is_visible()
    page.get_by_test_id("lang-switch").click()
    assert page.get_by_role("navigation", name="主导航").is_visible()


def test_sign_out_returns_to_the_sign_in_form(signed_in: Any) -> None:
    page = signed_in()
    page.get_by_test_id("signout").click()
    page.get_by_test_id("signin-submit").wait_for()
    page.reload()
    page.get_by_test_id("signin-submit").wait_for()


def test_pages_carry_the_strict_policy_and_load_nothing_from_outside(
    page: Any, server: DemoServer
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    response = page.goto(server.base_url + "/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe" not in policy
    page.get_by_test_id("signin-submit").wait_for()
    outside = [url for url in requested if not url.startswith(server.base_url) and not
               url.startswith("data:")]  # fmt: skip
    assert outside == []
    assert re.search(r"/static/vendor/preact-htm\.mjs", " ".join(requested))


def test_an_unknown_page_says_so(signed_in: Any, server: DemoServer) -> None:
    page = signed_in()
    page.goto(server.base_url + "/#/no-such-page")
    page.get_by_role("heading", name="页面不存在").wait_for()


def test_on_a_tablet_the_menu_folds_away(signed_in: Any) -> None:
    page = signed_in()
    page.set_viewport_size({"width": 800, "height": 1100})
    nav = page.get_by_role("navigation", name="主导航")
    assert not nav.is_visible()
    toggle = page.get_by_role("button", name="菜单")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    nav.get_by_role("link", name="线索").click()
    assert not nav.is_visible()
    assert page.url.endswith("#/clues")
    shoot(page, "tablet-clues")
