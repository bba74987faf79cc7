"""Models in the browser: the library, one model's page (YAML, SQL per engine, history),
building a model in the visual builder (a filter with a parameter, then a grouping with
aggregates), previewing it with its funnel, saving it, running it as a job and opening the
run. The demo prosecutor is also a modeler; the server is shared by the session, so the
builder test makes a model id nobody else uses.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect
from ui_harness import DemoServer, shoot

RUN_TIMEOUT = 90_000
MODEL_ID = "ui_long_pension"


def _signed_in(page: Any, server: DemoServer, path: str) -> None:
    """Open `path` and sign in there as the demo prosecutor (also a modeler): the screen
    comes up straight after signing in, without the home page in between."""
    who = server.accounts["prosecutor"]
    page.goto(f"{server.base_url}/#{path}")
    page.get_by_label(re.compile("用户名|User name")).fill(who.username)
    page.get_by_label(re.compile("^(密码|Password)$")).fill(who.password)
    page.get_by_test_id("signin-submit").click()
    page.get_by_test_id("who").wait_for()


def _wait_valid(page: Any) -> None:
    page.get_by_test_id("builder-status").get_by_text("模型有效").wait_for(timeout=20_000)


def test_models_library_and_model_page(page: Any, server: DemoServer) -> None:
    _signed_in(page, server, "/models")
    table = page.get_by_test_id("models-table")
    table.wait_for()
    assert table.get_by_test_id("model-link-pension_after_death").is_visible()
    assert table.get_by_test_id("model-link-shell_company").is_visible()
    page.get_by_test_id("model-search").fill("养老金")
    assert not table.get_by_test_id("model-link-shell_company").is_visible()
    shoot(page, "models_library")

    table.get_by_test_id("model-link-pension_after_death").click()
    page.get_by_test_id("model-meta").wait_for()
    assert "pension_after_death" in page.get_by_test_id("model-meta").inner_text()
    page.get_by_test_id("model-explanation").get_by_text("社会保险法").first.wait_for()
    page.get_by_role("tab", name="YAML").click()
    assert page.get_by_test_id("model-yaml").inner_text().startswith("id: pension_after_death")
    page.get_by_role("tab", name="SQL").click()
    sql = page.get_by_test_id("model-sql")
    sql.wait_for()
    assert "paid_after_death AS" in sql.inner_text()
    duckdb_text = sql.inner_text()
    page.get_by_label("SQL 方言").select_option("spark")
    changed = "old => document.querySelector('[data-testid=model-sql]')?.innerText !== old"
    page.wait_for_function(changed, arg=duckdb_text)
    page.get_by_role("tab", name="运行记录").click()
    page.get_by_test_id("model-runs").wait_for()  # the demo ran every model
    shoot(page, "models_model_page")
    # A preview with another threshold: the funnel and the first hits, nothing recorded.
    page.get_by_role("tab", name="试运行").click()
    preview = page.get_by_test_id("model-preview")
    preview.get_by_label(re.compile(r"\$min_months")).fill("3")
    preview.get_by_test_id("model-preview-go").click()
    preview.get_by_test_id("model-preview-funnel-table").wait_for(timeout=60_000)
    assert "命中" in preview.get_by_test_id("model-preview-summary").inner_text()


def _fill(page: Any, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).fill(value)


def test_models_build_preview_save_and_run(page: Any, server: DemoServer) -> None:
    _signed_in(page, server, "/builder")
    page.get_by_test_id("builder-basics").wait_for()
    _fill(page, "模型编号（小写英文、数字、下划线）", MODEL_ID)
    _fill(page, "中文名", "长期领取养老金人员")
    _fill(page, "英文名", "Long-term pension recipients")
    _fill(page, "法律依据（每行一条）", "《中华人民共和国社会保险法》第八十八条")
    explanation = "发放金额不低于 {min_amount} 元的月份较多的人员。"
    page.get_by_label(re.compile("^通俗说明")).fill(explanation)

    # 1. a dataset: the builder starts a first step over it, with a filter
    page.get_by_label("选择数据集", exact=True).select_option("pension_payment")
    page.get_by_test_id("b-add-source").click()
    page.get_by_test_id("step0").wait_for()
    # 2. a parameter, used by the filter
    page.get_by_test_id("b-add-param").click()
    _fill(page, "参数名（表达式中写 $参数名）", "min_amount")
    page.get_by_label("类型", exact=True).select_option("decimal")
    page.get_by_label(re.compile(r"^默认值")).fill("1000")
    _fill(page, "中文含义", "最低发放金额")
    _fill(page, "英文含义", "Minimum amount")
    step0 = page.get_by_test_id("step0")
    step0.get_by_label("列", exact=True).select_option("amount")
    step0.get_by_label("比较", exact=True).select_option(">=")
    step0.get_by_placeholder("值或 $参数").fill("$min_amount")
    step0.get_by_test_id("step0-fh-add").click()
    assert step0.get_by_test_id("step0-filter-text").input_value() == "amount >= $min_amount"

    # 3. a second step: per person, the months paid and the total, at least 6 months
    page.get_by_test_id("b-add-step").click()
    step1 = page.get_by_test_id("step1")
    step1.get_by_test_id("step1-add-aggregate").click()
    step1.get_by_test_id("step1-groupby").get_by_label("id_card").check()
    helper = step1.get_by_role("group", name="汇总助手")
    helper.get_by_placeholder("新列名，如 months").fill("months")
    helper.get_by_label("汇总方式").select_option("count(distinct {c})")
    helper.get_by_label("列", exact=True).select_option("pay_month")
    step1.get_by_test_id("step1-ah-add").click()
    helper.get_by_placeholder("新列名，如 months").fill("total")
    helper.get_by_label("汇总方式").select_option("sum({c})")
    helper.get_by_label("列", exact=True).select_option("amount")
    step1.get_by_test_id("step1-ah-add").click()
    helper.get_by_placeholder("新列名，如 months").fill("name")
    helper.get_by_label("汇总方式").select_option("max({c})")
    helper.get_by_label("列", exact=True).select_option("name")
    step1.get_by_test_id("step1-ah-add").click()
    step1.get_by_test_id("step1-add-having").click()
    step1.get_by_label("对汇总结果的条件").fill("months >= 6")

    # 4. the clue: subject, title, evidence
    clue = page.get_by_test_id("builder-clue")
    clue.get_by_label("主体键").select_option("id_card")
    clue.get_by_label(re.compile("^线索标题")).fill("{name}领取养老金{months}个月，共{total}元")
    for column in ("name", "months", "total"):
        clue.get_by_test_id("clue-evidence").get_by_label(column, exact=True).check()

    _wait_valid(page)
    yaml_text = page.get_by_test_id("builder-yaml").inner_text()
    assert f"id: {MODEL_ID}" in yaml_text and "having: months >= 6" in yaml_text
    page.get_by_role("tab", name="DuckDB SQL").click()
    assert "GROUP BY" in page.get_by_test_id("builder-sql-duckdb").inner_text()

    # A mistake is named with its step and field, in both languages' words.
    step1.get_by_label("对汇总结果的条件").fill("monthz >= 6")
    error = page.get_by_test_id("builder-error")
    error.wait_for(timeout=20_000)
    assert "第 2 步" in error.inner_text() and "汇总后条件" in error.inner_text()
    step1.get_by_label("对汇总结果的条件").fill("months >= 6")
    _wait_valid(page)

    page.get_by_test_id("builder-preview").click()
    result = page.get_by_test_id("builder-preview-result")
    result.get_by_test_id("preview-funnel-table").wait_for(timeout=60_000)
    rows = result.get_by_test_id("preview-funnel-table").locator("tbody tr")
    assert rows.count() == 3  # the source, the filter step, the grouping step
    assert "命中" in result.get_by_test_id("preview-summary").inner_text()
    page.get_by_test_id("preview-funnel-chart").locator("canvas").wait_for()
    shoot(page, "models_builder_preview")

    page.get_by_test_id("builder-save").click()
    page.wait_for_url(re.compile(rf"#/models/{MODEL_ID}\?version=1$"))
    meta = page.get_by_test_id("model-meta")
    meta.wait_for()
    assert "仅本人" in meta.inner_text()

    page.get_by_test_id("model-run").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_label(re.compile(r"最低发放金额"))).to_have_value("1000")
    dialog.get_by_test_id("run-start").click()
    dialog.locator("[data-testid=job][data-status=succeeded]").wait_for(timeout=RUN_TIMEOUT)
    dialog.get_by_test_id("run-done").wait_for()
    shoot(page, "models_run_job")
    dialog.get_by_test_id("run-link").click()
    page.get_by_test_id("run-status").get_by_text("成功").wait_for()
    page.get_by_test_id("run-funnel-view").wait_for()
    page.get_by_test_id("run-hits-table").wait_for()
    shoot(page, "models_run_page")

    # Back in the builder, the saved model loads; a change made in the YAML tab comes back
    # to the form, and saving it makes version 2.
    page.goto(f"{server.base_url}/#/builder/{MODEL_ID}")
    page.get_by_test_id("step1").wait_for()
    _wait_valid(page)
    page.get_by_role("tab", name="YAML 编辑").click()
    text = page.get_by_test_id("builder-yaml-text")
    assert "having: months >= 6" in text.input_value()
    text.fill(text.input_value().replace("having: months >= 6", "having: months >= 7"))
    page.get_by_role("tab", name="表单").click()
    having = page.get_by_test_id("step1").get_by_label("对汇总结果的条件")
    expect(having).to_have_value("months >= 7")
    _wait_valid(page)
    page.get_by_test_id("builder-save").click()
    page.wait_for_url(re.compile(rf"#/models/{MODEL_ID}\?version=2$"))
    page.get_by_test_id("model-meta").wait_for()


def test_models_runs_list_and_a_run(page: Any, server: DemoServer) -> None:
    _signed_in(page, server, "/runs?model=pension_after_death")
    table = page.get_by_test_id("runs-table")
    table.wait_for()
    table.locator("a.mono").first.click()
    page.get_by_test_id("run-summary").wait_for()
    assert "pension_after_death" in page.get_by_test_id("run-summary").inner_text()
    page.get_by_test_id("run-funnel-view").wait_for()
    page.get_by_test_id("run-hits-table").wait_for()
    page.get_by_test_id("run-clues").wait_for()
    shoot(page, "models_run_detail")


def test_models_builder_round_trips_every_library_model(page: Any, server: DemoServer) -> None:
    """Each built-in model loads into the builder's form and comes back unchanged: saving
    it stores nothing (the server compares the rule with the newest version)."""
    from jiandu.models import library_models

    _signed_in(page, server, "/models")
    for model_id, spec in sorted(library_models().items()):
        page.goto(f"{server.base_url}/#/builder/{model_id}")
        page.reload()  # a fresh page each time: no toast or screen left from the last one
        _wait_valid(page)
        page.get_by_test_id("builder-save").click()
        page.wait_for_url(re.compile(rf"#/models/{model_id}\?version={spec.version}$"))
        page.locator(".toast", has_text=f"与第 {spec.version} 版相同，未另存").wait_for()
