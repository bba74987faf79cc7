"""The data screens in a real browser: the resource directory, a dataset's tabs, and the
import wizard end to end (upload → detection → mapping → preview → job → the batch).

The wizard imports into `admin_penalty`, which no library model reads, so the other
tests' clues and runs do not change.
"""

from __future__ import annotations

import re
from typing import Any

from ui_harness import DemoServer, shoot

from jiandu.fields.id_card import check_char


def _open(page: Any, server: DemoServer, route: str) -> Any:
    """Load the app afresh at `route` (signed in already), once the page is quiet.

    Route changes inside the app are not used here: on a route change the previous screen
    renders once more and fetches again beside the new one, and two concurrent requests
    can collide on SQLite's session touch (500 "database is locked"); both are reported
    to the lead. A fresh load sends one request at a time."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.goto(f"{server.base_url}/#{route}")
    return page


def _person(serial: int) -> str:
    stem = f"33060219700101{serial:03d}"
    return stem + check_char(stem)


def test_the_directory_lists_searches_and_opens_a_dataset(
    signed_in: Any, server: DemoServer
) -> None:
    page = _open(signed_in(), server, "/data")
    assert page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="数据资源"
    ).get_attribute("aria-current") == "page"  # fmt: skip
    table = page.get_by_test_id("datasets-table")
    table.wait_for()
    assert table.get_by_role("link", name="养老金发放").count() == 1
    shoot(page, "data-directory")
    page.get_by_test_id("dataset-search").fill("养老")
    assert table.locator("tbody tr").count() == 1
    page.get_by_test_id("dataset-search").fill("")
    assert table.locator("tbody tr").count() > 5

    link = table.get_by_test_id("dataset-link-pension_payment")
    assert link.get_attribute("href") == "#/data/pension_payment"
    _open(page, server, "/data/pension_payment")
    page.get_by_test_id("fields-table").wait_for()
    fields = page.get_by_test_id("fields-table")
    first_field = fields.locator("tbody tr").first.inner_text()
    assert "id_card" in first_field and "身份证号码" in first_field and "身份证号" in first_field

    page.get_by_role("tab", name=re.compile("批次")).click()
    batches = page.get_by_test_id("batches-table")
    batches.wait_for()
    assert "已入池" in batches.inner_text()

    page.get_by_role("tab", name="质量报告").click()
    page.get_by_test_id("quality").wait_for()
    assert page.get_by_test_id("quality-nulls").is_visible()
    shoot(page, "data-quality")

    page.get_by_role("tab", name="数据浏览").click()
    rows = page.get_by_test_id("rows-table")
    rows.wait_for()
    text = rows.inner_text()
    assert "*" in text  # personal data is masked
    assert re.search(r"\d{6}\*{8}[\dX]{4}", text)
    shoot(page, "data-rows")


def test_the_import_wizard_end_to_end(signed_in: Any, server: DemoServer) -> None:
    page = signed_in()
    csv = "\r\n".join(
        [
            "编号,当事人,身份证号码,罚款金额,处罚日期",
            f"绍越市监罚〔2024〕901号,周一,{_person(901)},5000,2024-03-01",
            f"绍越市监罚〔2024〕902号,吴二,{_person(902)}X9,3000,2024-03-02",
            f"绍越市监罚〔2024〕903号,郑三,{_person(903)},2000,2024-03-05",
        ]
    ).encode("gb18030")
    _open(page, server, "/import")
    page.get_by_test_id("import-step-file").wait_for()
    page.locator("#import-type").select_option("admin_penalty")
    page.get_by_test_id("import-type-info").wait_for()
    page.get_by_test_id("import-file").set_input_files(
        {"name": "行政处罚.csv", "mimeType": "text/csv", "buffer": csv}
    )
    page.get_by_test_id("import-upload").click()

    detection = page.get_by_test_id("import-step-detect")
    detection.wait_for()
    assert "GB18030" in detection.inner_text()
    assert "处罚决定书文号" in detection.inner_text()  # the required field not recognised
    shoot(page, "import-detect")
    page.get_by_test_id("import-next").click()

    page.get_by_test_id("mapping-table").wait_for()
    assert page.get_by_test_id("mapping-missing").is_visible()
    assert page.get_by_test_id("import-preview").is_disabled()
    page.get_by_label("“编号”映射到").select_option("penalty_id")
    assert page.get_by_test_id("mapping-missing").count() == 0
    shoot(page, "import-mapping")
    page.get_by_test_id("import-preview").click()

    page.get_by_test_id("import-step-preview").wait_for()
    assert page.get_by_test_id("preview-accepted").inner_text() == "2"
    assert page.get_by_test_id("preview-rejected").inner_text() == "1"
    rejects = page.get_by_test_id("preview-rejects").inner_text()
    assert "当事人身份证号码" in rejects and "身份证号码" in rejects
    assert _person(902) not in rejects  # masked
    shoot(page, "import-preview")
    page.get_by_test_id("import-commit").click()

    page.locator('[data-testid="job"][data-status="succeeded"]').wait_for(timeout=60000)
    result = page.get_by_test_id("import-result")
    result.wait_for()
    assert page.get_by_test_id("result-accepted").inner_text() == "2"
    assert page.get_by_test_id("result-rejected").inner_text() == "1"
    page.get_by_test_id("result-rejects").wait_for()
    batch = page.get_by_test_id("result-batch").inner_text()
    shoot(page, "import-result")

    href = page.get_by_test_id("result-open-batch").get_attribute("href")
    assert href == f"#/data/admin_penalty?tab=batches&batch={batch}"
    _open(page, server, href[1:])
    batches = page.get_by_test_id("batches-table")
    batches.wait_for()
    assert batch in batches.inner_text()
    page.get_by_test_id(f"rejects-{batch}").click()
    lines = page.get_by_test_id("rejects-table")
    lines.wait_for()
    assert "当事人身份证号码" in lines.inner_text()
    shoot(page, "import-batch-rejects")
