"""Background jobs and schedules in the browser: a nightly run scheduled from a model's
page by picking a rhythm (no cron typed), shown in words; switched off and on; fired, and
its jobs listed on their own with the run's outcome; a custom
cron that is wrong named in the dialog, then right; deleted after a confirmation; a run
started from a model's page listed among the jobs with its outcome. The demo prosecutor
is also a modeler (models.run)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import select
from test_models_ui import RUN_TIMEOUT, _signed_in
from ui_harness import DemoServer, shoot

from jiandu.jobs.runner import JobRunner
from jiandu.jobs.schedules import fire_due
from jiandu.jobs.settings import QueueSettings
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import JobSchedule, utcnow


def _fire_now(server: DemoServer, cron: str) -> None:
    """Make the schedule with `cron` due and fire it into the server's queue."""
    engine = make_engine(server.settings.database_url)
    with session_scope(engine) as session:
        (row,) = session.scalars(select(JobSchedule).where(JobSchedule.cron == cron))
        row.next_fire_at = utcnow() - timedelta(minutes=1)
    runner = JobRunner(engine, server.settings, queue=QueueSettings(url="", workers=0))
    try:
        assert len(fire_due(runner)) == 1
    finally:
        runner.shutdown(wait=False)
        engine.dispose()


def test_schedule_a_model_from_its_page_then_manage_it(page: Any, server: DemoServer) -> None:
    _signed_in(page, server, "/models/pension_after_death")
    page.get_by_test_id("model-schedule").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("频率").select_option("weekly")
    weekdays = dialog.get_by_test_id("sch-weekdays")
    weekdays.get_by_label("周三").check()  # Monday is ticked to begin with
    dialog.get_by_label(re.compile("^时间")).fill("03:30")
    expect(dialog.get_by_test_id("schedule-cron")).to_contain_text("30 3 * * 1,3")
    expect(dialog.get_by_label(re.compile("版本"))).to_have_value("")  # the newest when it runs
    shoot(page, "jobs_schedule_dialog")
    dialog.get_by_test_id("schedule-save").click()

    page.wait_for_url(re.compile(r"#/jobs$"))
    table = page.get_by_test_id("schedules-table")
    row = table.locator("tbody tr").filter(has_text="每周一、周三 03:30")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("死亡")  # the model's name in the title
    # Switched off: no next firing, and the button offers to switch it on again.
    next_cell = row.locator("td").nth(2)
    expect(next_cell).not_to_have_text("—")
    row.get_by_role("button", name="停用").click()
    expect(row.get_by_role("button", name="启用")).to_be_visible()
    expect(next_cell).to_have_text("—")
    row.get_by_role("button", name="启用").click()
    expect(row.get_by_role("button", name="停用")).to_be_visible()
    expect(next_cell).not_to_have_text("—")

    # It comes due and fires (as a worker's minute tick would); the server's own workers
    # run the job. "历次任务" shows only the jobs this schedule fired.
    _fire_now(server, "30 3 * * 1,3")
    page.reload()
    row.get_by_role("button", name="历次任务").click()
    page.get_by_test_id("jobs-of-schedule").wait_for()
    jobs = page.get_by_test_id("jobs-table").locator("tbody tr")
    expect(jobs).to_have_count(1)
    expect(jobs.first).to_contain_text("定时：运行模型 死亡人员冒领养老金")
    expect(jobs.first).to_contain_text("成功", timeout=RUN_TIMEOUT)  # refreshed while it runs
    expect(jobs.first).to_contain_text("命中")
    page.get_by_role("button", name="显示全部任务").click()
    expect(page.get_by_test_id("jobs-of-schedule")).to_have_count(0)

    # A schedule of every model, typed as cron: a wrong one is named, then put right.
    page.get_by_test_id("schedule-new").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("运行什么").select_option("models.run_all")
    dialog.get_by_label("频率").select_option("custom")
    dialog.get_by_label(re.compile("^cron 表达式")).fill("0 25 * * *")
    dialog.get_by_test_id("schedule-save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("25")
    dialog.get_by_label(re.compile("^cron 表达式")).fill("0 2 * * 1-5")
    dialog.get_by_test_id("schedule-save").click()
    expect(dialog).to_have_count(0)
    nightly = table.locator("tbody tr").filter(has_text="运行全部模型")
    expect(nightly).to_contain_text("每个工作日（周一至周五） 02:00")
    shoot(page, "jobs_schedules")

    # Deleting asks once more.
    nightly.get_by_role("button", name="删除").click()
    nightly.get_by_role("button", name="确认删除").click()
    expect(table.locator("tbody tr").filter(has_text="运行全部模型")).to_have_count(0)
    expect(row).to_have_count(1)


def test_a_run_is_listed_among_the_jobs_with_its_outcome(page: Any, server: DemoServer) -> None:
    _signed_in(page, server, "/models/shell_company")
    page.get_by_test_id("model-run").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("run-start").click()
    dialog.locator("[data-testid=job][data-status=succeeded]").wait_for(timeout=RUN_TIMEOUT)
    page.goto(f"{server.base_url}/#/jobs")
    jobs = page.get_by_test_id("jobs-table")
    jobs.wait_for()
    page.get_by_label("按类型筛选").select_option("model.run")
    done = jobs.locator("tbody tr").filter(has_text="空壳").first
    expect(done).to_contain_text("成功")
    expect(done).to_contain_text("命中")
    done.locator("a.mono").click()
    page.get_by_test_id("run-summary").wait_for()
    assert "shell_company" in page.get_by_test_id("run-summary").inner_text()
