"""Clues and cases in the browser — the issue's acceptance: from `jiandu demo` to a
transferred clue and a generated 检察建议书 without touching the command line.

The demo's clues belong to the province (浙江省人民检察院), where the demo prosecutor
works; 越城区人民检察院 (`county`) and 绍兴市公安局 (`police`, external) receive
transfers. The server is shared by the whole session, so each test works on clues of a
model no other test touches:

- auction_vehicle_not_transferred: verify, confirm, transfer to the county, accepted;
- refusal_to_execute: confirm, a 检察建议 case, its document, service, reply, closing;
- non_standard_oil: a batch sent to the police, one accepted (feedback), one returned;
- false_judicial_confirmation: rejected with a reason, then reopened.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from docx import Document
from ui_harness import DemoServer, shoot, sign_in

TIMEOUT = 15_000


def _inbox(page: Any, server: DemoServer, model: str, status: str = "pending") -> None:
    page.goto(f"{server.base_url}/#/clues?model_id={model}&status={status}")
    page.get_by_test_id("clue-table").wait_for()


def _open_first_clue(page: Any) -> str:
    """Open the first clue of the inbox; its title."""
    link = page.get_by_test_id("clue-link").first
    title = str(link.inner_text())
    link.click()
    page.get_by_test_id("clue-title").wait_for()
    return title


def _status(page: Any, text: str) -> None:
    status = page.get_by_test_id("clue-status")
    status.get_by_text(text, exact=True).wait_for(timeout=TIMEOUT)


def _assign_to_me(page: Any) -> None:
    page.get_by_test_id("clue-assign").click()
    dialog = page.get_by_role("dialog")
    who = dialog.get_by_label("承办人")
    who.locator("option", has_text="本人").wait_for(state="attached")
    assert "本人" in who.locator("option:checked").inner_text()  # the caller by default
    dialog.get_by_label("办理期限").fill("2030-12-31")
    dialog.get_by_test_id("assign-submit").click()
    dialog.wait_for(state="detached")
    page.get_by_text("2030-12-31").first.wait_for()


def _verify_and_confirm(page: Any) -> None:
    _status(page, "待核查")
    _assign_to_me(page)
    page.get_by_test_id("clue-verify").click()
    _status(page, "核查中")
    page.get_by_test_id("clue-confirm").click()
    _status(page, "成案")


def _raw_names(server: DemoServer, clue_id: str) -> set[str]:
    """The people's names in the clue's stored (unmasked) evidence."""
    from sqlalchemy import select

    from jiandu.store.db import session_scope
    from jiandu.store.schema import ClueSnapshot
    from jiandu.workspace import open_workspace

    engine = open_workspace(server.settings).engine
    try:
        with session_scope(engine) as session:
            query = select(ClueSnapshot.evidence).where(ClueSnapshot.clue_id == clue_id)
            rows = [row for evidence in session.scalars(query) for row in evidence]
    finally:
        engine.dispose()
    return {str(r[c]) for r in rows for c in ("owner_name", "buyer_name") if r.get(c)}


def _sign_out(page: Any) -> None:
    page.get_by_test_id("signout").click()
    page.get_by_test_id("signin-submit").wait_for()


def test_a_clue_is_verified_confirmed_and_transferred_to_the_county(
    signed_in: Any, server: DemoServer
) -> None:
    page = signed_in("prosecutor")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="线索").click()
    page.get_by_test_id("clue-table").wait_for()
    page.get_by_label("模型").select_option("auction_vehicle_not_transferred")
    page.get_by_label("状态").select_option("pending")
    page.wait_for_url(re.compile("model_id=auction_vehicle_not_transferred"))
    # Search what the reader sees: vehicles still registered to the debtor (名下).
    page.get_by_label("搜索线索").fill("名下")
    page.get_by_role("button", name="搜索", exact=True).click()
    page.wait_for_url(re.compile("q="))
    page.get_by_test_id("clue-table").wait_for()
    title = _open_first_clue(page)
    assert "名下" in title

    # What the model found and why: explanation, masked evidence, the graph.
    assert page.get_by_test_id("clue-explanation").inner_text().strip()
    evidence = page.get_by_test_id("evidence-table")
    assert evidence.locator("tbody tr").count() >= 1
    assert "exec_case_no" in evidence.inner_text()
    clue_id = page.get_by_text(re.compile(r"^C[0-9a-f]{16}$")).first.inner_text()
    names = _raw_names(server, clue_id)
    assert names  # the debtor still registered as the owner
    shown = page.get_by_test_id("clue-evidence").inner_text() + page.locator("h1").inner_text()
    for name in names:
        assert name not in shown and name[0] in shown  # masked: the surname and stars
    page.get_by_test_id("clue-graph").wait_for()
    page.get_by_test_id("graph").locator("canvas").first.wait_for()
    graph_text = page.get_by_test_id("clue-graph").inner_text()
    assert not any(name in graph_text for name in names)

    _verify_and_confirm(page)
    shoot(page, "clue-confirmed")

    # 一键流转 to the county procuratorate, with a note.
    page.get_by_test_id("clue-transfer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("接收单位").select_option(label="越城区人民检察院")
    dialog.get_by_label("流转说明").fill("请越城区院依法办理")
    dialog.get_by_test_id("transfer-submit").click()
    dialog.wait_for(state="detached")
    page.get_by_text("流转中，待对方接收").wait_for()
    page.get_by_test_id("clue-history").get_by_text("流转发出").wait_for()

    # It waits in the outgoing transfers (nothing in limbo).
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="流转").click()
    page.get_by_role("tab", name="发出的").click()
    outgoing = page.get_by_test_id("transfers-outgoing")
    row = outgoing.locator("tr", has_text=title)
    row.wait_for()
    assert "越城区人民检察院" in row.inner_text() and "请越城区院依法办理" in row.inner_text()
    shoot(page, "transfers-outgoing")

    # The county's prosecutor accepts it; it becomes theirs, 已移送.
    _sign_out(page)
    sign_in(page, server, "county")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="流转").click()
    incoming = page.get_by_test_id("transfers-incoming")
    row = incoming.locator("tr", has_text=title)
    row.wait_for()
    assert "浙江省人民检察院" in row.inner_text()
    row.get_by_test_id("transfer-accept").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("接收说明（可选）").fill("已收到")
    dialog.get_by_test_id("accept-submit").click()
    dialog.wait_for(state="detached")
    incoming.locator("tr", has_text=title).wait_for(state="detached")
    page.get_by_label("状态").select_option("accepted")
    page.get_by_test_id("transfers-incoming").locator("tr", has_text=title).get_by_test_id(
        "transfer-clue"
    ).click()
    _status(page, "已移送")
    page.get_by_text("越城区人民检察院").first.wait_for()
    page.get_by_test_id("clue-history").get_by_text("流转接收").wait_for()
    shoot(page, "clue-accepted-by-county")


def test_a_confirmed_clue_becomes_a_case_with_its_document(
    signed_in: Any, server: DemoServer
) -> None:
    page = signed_in("prosecutor")
    _inbox(page, server, "refusal_to_execute")
    _open_first_clue(page)
    _verify_and_confirm(page)

    # 立案: a 检察建议 case from the confirmed clue.
    page.get_by_test_id("clue-create-case").click()
    dialog = page.get_by_role("dialog")
    kind = dialog.get_by_label("案件类型")
    kind.locator("option[value=procuratorial_suggestion]").wait_for(state="attached")
    assert kind.input_value() == "procuratorial_suggestion"
    dialog.get_by_label("案件名称").fill("拒不执行判决裁定监督案")
    dialog.get_by_label("被监督单位（主送单位）").fill("绍兴市越城区人民法院")
    facts = "经审查查明：被执行人在执行期间转移财产，执行法院未依法采取强制措施。"
    dialog.get_by_label("经审查查明的事实").fill(facts)
    dialog.get_by_test_id("case-create-submit").click()
    page.get_by_test_id("case-title").wait_for()
    assert "拒不执行判决裁定监督案" in page.get_by_test_id("case-title").inner_text()
    status = page.get_by_test_id("case-status")
    status.get_by_text("办理中").wait_for()
    assert page.get_by_test_id("case-clues").locator("tbody tr").count() == 1

    # Generate the 检察建议书 and download it: a real .docx.
    page.get_by_test_id("case-generate").click()
    dialog = page.get_by_role("dialog")
    assert dialog.get_by_label("建议事项").input_value().strip()  # the template's demands
    dialog.get_by_test_id("document-submit").click()
    dialog.wait_for(state="detached")
    status.get_by_text("已制发文书").wait_for()
    with page.expect_download() as info:
        page.get_by_test_id("document-download").first.click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    data = Path(download.path()).read_bytes()
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "检察建议书" in text and facts in text and "绍兴市越城区人民法院" in text
    shoot(page, "case-document")

    # Service (送达) starts the reply period; the reply; closing with the outcome.
    page.get_by_test_id("case-serve").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("送达方式与说明").fill("直接送达")
    dialog.get_by_test_id("serve-submit").click()
    dialog.wait_for(state="detached")
    status.get_by_text("待回复").wait_for()
    assert re.match(r"\d{4}-\d{2}-\d{2}", page.get_by_test_id("case-due").inner_text())
    page.get_by_test_id("case-history").get_by_text("直接送达").wait_for()

    page.get_by_test_id("case-reply").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("已整改", exact=True).check()
    dialog.get_by_label("回复内容").fill("已对被执行人依法采取强制措施，执行款项已到位。")
    dialog.get_by_test_id("reply-submit").click()
    dialog.wait_for(state="detached")
    status.get_by_text("已回复").wait_for()

    page.get_by_test_id("case-close").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("办结情况").fill("被建议单位已整改，案件办结")
    dialog.get_by_test_id("close-submit").click()
    dialog.wait_for(state="detached")
    status.get_by_text("已办结").wait_for()
    history = page.get_by_test_id("case-history").inner_text()
    for step in ("立案", "制发文书", "送达", "回复", "办结"):
        assert step in history, step
    # The clue closed with its case.
    page.get_by_test_id("case-clues").get_by_text("已办结").wait_for()
    shoot(page, "case-closed")

    # The case list shows it, closed.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="监督案件").click()
    row = page.get_by_test_id("case-table").locator("tr", has_text="拒不执行判决裁定监督案")
    row.get_by_text("已办结").wait_for()


def test_a_batch_goes_to_the_police_who_accept_one_return_one_and_reply(
    signed_in: Any, server: DemoServer
) -> None:
    page = signed_in("prosecutor")
    _inbox(page, server, "non_standard_oil")
    table = page.get_by_test_id("clue-table")
    rows = table.locator("tbody tr")
    titles = [rows.nth(i).get_by_test_id("clue-link").inner_text() for i in range(2)]

    def select_both() -> None:
        for title in titles:
            table.locator("tr", has_text=title).get_by_role("checkbox").check()
        page.get_by_text("已选 2 条").wait_for()

    # Batch: assign both to me, start verifying both, then send both at once.
    select_both()
    page.get_by_test_id("batch-assign").click()
    page.get_by_role("dialog").get_by_test_id("assign-submit").click()
    page.get_by_role("dialog").wait_for(state="detached")
    page.get_by_text("已选 2 条").wait_for(state="detached")
    for title in titles:  # the inbox reloads with the new assignee
        table.locator("tr", has_text=title).get_by_text("演示检察官").wait_for()
    select_both()
    page.get_by_test_id("batch-verify").click()
    page.get_by_text("已选 2 条").wait_for(state="detached")
    _inbox(page, server, "non_standard_oil", "verifying")
    for title in titles:
        table.locator("tr", has_text=title).wait_for()
    # The inbox exports what it shows (a masked spreadsheet).
    with page.expect_download() as info:
        page.get_by_test_id("clues-export").click()
    assert info.value.suggested_filename == "clues.xlsx"
    select_both()
    page.get_by_test_id("batch-transfer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("接收单位").select_option(label="绍兴市公安局")
    dialog.get_by_label("流转说明").fill("涉嫌非标油销售，请依法查处")
    dialog.get_by_test_id("transfer-submit").click()
    dialog.wait_for(state="detached")
    page.get_by_text("已选 2 条").wait_for(state="detached")

    _sign_out(page)
    sign_in(page, server, "police")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="流转").click()
    incoming = page.get_by_test_id("transfers-incoming")
    for title in titles:
        incoming.locator("tr", has_text=title).wait_for()
    assert page.get_by_role("tab", name="发出的").count() == 0  # external units send nothing
    incoming.locator("tr", has_text=titles[1]).get_by_test_id("transfer-return").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("退回理由").fill("不属于本局管辖")
    dialog.get_by_test_id("return-submit").click()
    dialog.wait_for(state="detached")
    incoming.locator("tr", has_text=titles[0]).get_by_test_id("transfer-accept").click()
    page.get_by_role("dialog").get_by_test_id("accept-submit").click()
    page.get_by_role("dialog").wait_for(state="detached")
    page.get_by_label("状态").select_option("accepted")
    row = page.get_by_test_id("transfers-incoming").locator("tr", has_text=titles[0])
    row.get_by_test_id("transfer-feedback").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("处理情况").fill("已立案调查，查扣非标油12吨")
    dialog.get_by_test_id("feedback-submit").click()
    dialog.wait_for(state="detached")
    # The police read the clue, masked, with no working buttons.
    row.get_by_test_id("transfer-clue").click()
    page.get_by_test_id("clue-title").wait_for()
    assert page.get_by_test_id("clue-assign").count() == 0
    assert page.get_by_test_id("clue-transfer").count() == 0
    shoot(page, "police-clue")

    # Back at the province: the returned one is listed as returned, the feedback arrived.
    _sign_out(page)
    sign_in(page, server, "prosecutor")
    page.goto(f"{server.base_url}/#/transfers?dir=outgoing&status=returned")
    returned = page.get_by_test_id("transfers-outgoing").locator("tr", has_text=titles[1])
    returned.get_by_text("不属于本局管辖").wait_for()
    page.goto(f"{server.base_url}/#/transfers?dir=outgoing&status=accepted")
    accepted = page.get_by_test_id("transfers-outgoing").locator("tr", has_text=titles[0])
    accepted.get_by_test_id("transfer-clue").click()
    page.get_by_test_id("clue-history").get_by_text("已立案调查，查扣非标油12吨").wait_for()


def test_a_rejected_clue_needs_a_reason_and_can_be_reopened(
    signed_in: Any, server: DemoServer
) -> None:
    page = signed_in("prosecutor")
    _inbox(page, server, "false_judicial_confirmation")
    _open_first_clue(page)
    _assign_to_me(page)
    page.get_by_test_id("clue-verify").click()
    _status(page, "核查中")
    page.get_by_test_id("clue-reject").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_test_id("reject-submit").click()
    dialog.get_by_role("alert").get_by_text("不成案理由不能为空").wait_for()
    dialog.get_by_label("不成案理由").fill("经核查，调解协议系当事人真实意思表示")
    dialog.get_by_test_id("reject-submit").click()
    dialog.wait_for(state="detached")
    _status(page, "不成案")
    page.get_by_text("经核查，调解协议系当事人真实意思表示").first.wait_for()
    page.get_by_test_id("clue-reopen").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("重新核查理由").fill("发现新的证据")
    dialog.get_by_test_id("reopen-submit").click()
    dialog.wait_for(state="detached")
    _status(page, "核查中")
    page.get_by_label("发表意见").fill("补充调取银行流水")
    page.get_by_test_id("comment-submit").click()
    page.get_by_test_id("clue-history").get_by_text("补充调取银行流水").wait_for()
    # An attachment goes up and comes back byte for byte.
    content = "调取笔录\n".encode()
    attachments = page.get_by_test_id("clue-attachments")
    attachments.get_by_label("选择附件").set_input_files(
        files=[{"name": "笔录.txt", "mimeType": "text/plain", "buffer": content}]
    )
    attachments.get_by_role("button", name="上传").click()
    with page.expect_download() as info:
        attachments.get_by_role("button", name="笔录.txt").click()
    assert info.value.suggested_filename == "笔录.txt"
    assert Path(info.value.path()).read_bytes() == content


def test_the_inbox_and_cases_read_in_english_on_a_tablet(
    signed_in: Any, server: DemoServer
) -> None:
    page = signed_in("prosecutor")  # a fresh browser context: the language is its own
    page.set_viewport_size({"width": 800, "height": 1000})
    page.get_by_test_id("lang-switch").click()
    page.goto(f"{server.base_url}/#/clues?model_id=shell_company")
    page.get_by_test_id("clue-table").wait_for()
    page.get_by_role("heading", name="Clues").wait_for()
    for label in ("Status", "Model", "Presence", "Assignee", "Held by"):
        assert page.get_by_label(label, exact=True).count() == 1, label
    # Wide tables scroll inside their frame; the page itself does not.
    fits = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    assert page.evaluate(fits)
    shoot(page, "clues-tablet-en")
    page.goto(f"{server.base_url}/#/cases")
    page.get_by_role("heading", name="Supervision cases").wait_for()
    page.get_by_test_id("case-new").click()
    dialog = page.get_by_role("dialog", name="New supervision case")
    kinds = dialog.get_by_label("Case type").locator("option")
    kinds.filter(has_text="procuratorial suggestion").first.wait_for(state="attached")
    assert page.evaluate(fits)
    shoot(page, "new-case-tablet-en")
