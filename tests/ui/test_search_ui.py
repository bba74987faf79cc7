"""Full-text search and the judgment import in a real browser (issue #8).

- 全文检索: a term found in the demo through the API, typed into the box (Enter), hits
  with <mark> highlights, a filter, the next page, and the back button restoring each
  earlier search from the address; a query the server refuses shows its message.
- 导入裁判文书: two small judgments written here (one GB18030), parsed as a preview,
  imported as a job, the result with its batches, then found by a party's name.

The two judgments are new to the demo (2025 cases of 越城区法院 with names no demo
document has), so the other tests' counts do not depend on the order of the tests.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from ui_harness import DemoServer, shoot

TIMEOUT = 15_000

JUDGMENT_A = """浙江省绍兴市越城区人民法院
民事判决书
（2025）浙0602民初9901号
原告：欧阳青禾，女，1984年5月6日出生，汉族，住浙江省绍兴市越城区。
委托诉讼代理人：孙明理，浙江越州律师事务所律师。
被告：绍兴市禾丰贸易有限公司，住所地浙江省绍兴市越城区解放路1号。
法定代表人：李建国，该公司经理。
原告欧阳青禾与被告绍兴市禾丰贸易有限公司民间借贷纠纷一案，本院于2025年1月6日立案后，\
依法适用简易程序，公开开庭进行了审理。本案现已审理终结。
欧阳青禾向本院提出诉讼请求：1.判令被告归还借款本金50000元；2.本案诉讼费用由被告负担。\
事实和理由：2023年3月，被告向原告借款50000元，约定半年内归还，至今未还。
本院认为，合法的借贷关系受法律保护。依照《中华人民共和国民法典》第六百六十七条、\
第六百七十五条之规定，判决如下：
一、被告绍兴市禾丰贸易有限公司于本判决生效之日起十日内归还原告欧阳青禾借款本金50000元；
二、案件受理费525元，由被告负担。
审判员　王正平
二〇二五年三月十日
书记员　赵小溪
"""

JUDGMENT_B = """浙江省绍兴市越城区人民法院
民事判决书
（2025）浙0602民初9902号
原告：司马云舒，男，1979年11月2日出生，汉族，住浙江省绍兴市柯桥区。
被告：上官明远，男，1981年7月8日出生，汉族，住浙江省绍兴市越城区。
委托诉讼代理人：周如山，浙江越州律师事务所律师。
原告司马云舒与被告上官明远买卖合同纠纷一案，本院于2025年2月3日立案后，依法适用简易程序，\
公开开庭进行了审理。本案现已审理终结。
司马云舒向本院提出诉讼请求：1.判令被告支付货款32000元；2.本案诉讼费用由被告负担。\
事实和理由：原告向被告供应建材，被告尚欠货款32000元未付。
本院认为，买卖合同依法成立，被告应当支付货款。依照《中华人民共和国民法典》第五百七十九条、\
第六百二十六条之规定，判决如下：
一、被告上官明远于本判决生效之日起十日内支付原告司马云舒货款32000元；
二、案件受理费300元，由被告负担。
审判员　王正平
二〇二五年四月二日
书记员　赵小溪
"""


def _open(page: Any, server: DemoServer, route: str) -> Any:
    """Load the app afresh at `route` once the page is quiet (see test_data_ui._open)."""
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.goto(f"{server.base_url}/#{route}")
    return page


def _api(page: Any, server: DemoServer, path: str) -> Any:
    """A GET of the JSON API with the page's own session."""
    response = page.request.get(server.base_url + path)
    assert response.ok, (path, response.status, response.text())
    return response.json()


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _results(page: Any) -> Any:
    """Wait for the answer to the search in the address; the hits."""
    page.get_by_test_id("search-total").wait_for(timeout=TIMEOUT)
    return page.get_by_test_id("search-hit")


def test_search_highlights_filters_pages_and_goes_back(signed_in: Any, server: DemoServer) -> None:
    page = signed_in()
    # A real term of the demo, and a court among its hits, asked of the API first.
    everything = _api(page, server, f"/api/search?q={quote('纠纷')}&limit=20")
    total = everything["total"]
    assert total > 40, total
    court = next(hit["court"] for hit in everything["hits"] if hit["court"])
    district = court.replace("人民法院", "")[-3:]  # a part of the name: 诸暨市 …
    filtered = f"/api/search?q={quote('纠纷')}&court={quote(district)}&limit=1"
    in_court = _api(page, server, filtered)["total"]
    assert 0 < in_court < total

    _open(page, server, "/search")
    assert page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="全文检索"
    ).get_attribute("aria-current") == "page"  # fmt: skip
    page.get_by_test_id("search-help").wait_for()
    box = page.get_by_role("searchbox", name="检索词")
    box.fill("纠纷")
    box.press("Enter")
    page.wait_for_url(re.compile(r"#/search\?q=%E7%BA%A0%E7%BA%B7$"))
    hits = _results(page)
    assert _number(page.get_by_test_id("search-total").inner_text()) == total
    assert hits.count() == 20
    marks = page.locator('[data-testid="search-snippet"] mark')
    assert marks.count() >= 20
    assert set(marks.all_inner_texts()) == {"纠纷"}
    # Rendered as text: the marks are the only elements inside a snippet.
    assert page.locator('[data-testid="search-snippet"] > :not(mark)').count() == 0
    first = hits.first.locator("h2").inner_text()
    shoot(page, "search-results")

    # The next page: its offset goes into the address.
    page.get_by_role("button", name="下一页").click()
    page.wait_for_url(re.compile(r"offset=20"))
    page.locator('[data-testid="search-hits"][start="21"]').wait_for(timeout=TIMEOUT)
    assert hits.count() == 20
    assert "第 21–40 条" in page.locator(".pager").inner_text()

    # A filter: the court, by a part of its name; Enter in the filter submits the form.
    page.get_by_test_id("search-court").fill(district)
    page.get_by_test_id("search-court").press("Enter")
    page.wait_for_url(re.compile(r"court="))
    assert "offset" not in page.url
    page.locator('[data-testid="search-hits"][start="1"]').wait_for(timeout=TIMEOUT)
    assert _number(page.get_by_test_id("search-total").inner_text()) == in_court
    chips = page.locator('[data-testid="search-hit"] .search-chips').all_inner_texts()
    assert chips and all(district in text for text in chips), chips
    shoot(page, "search-filtered")

    # Back: the second page without the filter, then the first page.
    page.go_back()
    page.wait_for_url(re.compile(r"offset=20$"))
    page.locator('[data-testid="search-hits"][start="21"]').wait_for(timeout=TIMEOUT)
    assert page.get_by_test_id("search-court").input_value() == ""
    assert _number(page.get_by_test_id("search-total").inner_text()) == total
    page.go_back()
    page.wait_for_url(re.compile(r"q=%E7%BA%A0%E7%BA%B7$"))
    page.locator('[data-testid="search-hits"][start="1"]').wait_for(timeout=TIMEOUT)
    assert hits.first.locator("h2").inner_text() == first
    assert box.input_value() == "纠纷"

    # Nothing found, then a query the server refuses (only an exclusion).
    box.fill("纠纷 zqxjvw")
    box.press("Enter")
    page.get_by_test_id("search-empty").wait_for(timeout=TIMEOUT)
    assert "没有找到" in page.get_by_test_id("search-total").inner_text()
    box.fill("-纠纷")
    box.press("Enter")
    alert = page.locator(".error-box[role=alert]")
    alert.wait_for(timeout=TIMEOUT)
    assert "请输入至少一个检索词" in alert.inner_text()
    shoot(page, "search-refused")
    # In English, the server's message in English, and the screen's own words.
    page.get_by_test_id("lang-switch").click()
    page.get_by_text("enter at least one search term", exact=False).wait_for()
    assert page.get_by_role("button", name="Search", exact=True).is_visible()
    assert page.get_by_role("navigation", name="main navigation").get_by_role(
        "link", name="Import judgments"
    ).is_visible()  # fmt: skip


def test_judgments_parse_import_and_search(signed_in: Any, server: DemoServer) -> None:
    page = _open(signed_in(), server, "/judgments")
    assert page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="导入裁判文书"
    ).get_attribute("aria-current") == "page"  # fmt: skip
    page.get_by_test_id("judgments-files").set_input_files(
        [
            {"name": "欧阳青禾借贷.txt", "mimeType": "text/plain", "buffer": JUDGMENT_A.encode()},
            {
                "name": "司马云舒买卖.txt",
                "mimeType": "text/plain",
                "buffer": JUDGMENT_B.encode("gb18030"),
            },
        ]
    )
    assert "2 个文件" in page.get_by_test_id("judgments-chosen").inner_text()
    page.get_by_test_id("judgments-source").fill("越城区法院 2025 年判决（界面测试）")

    # Try parsing: the first file's document, nothing imported.
    page.get_by_test_id("judgments-parse").click()
    preview = page.get_by_test_id("judgments-preview")
    preview.wait_for(timeout=TIMEOUT)
    assert page.get_by_test_id("parsed-document").count() == 1
    assert page.get_by_test_id("parsed-case-no").inner_text() == "（2025）浙0602民初9901号"
    text = preview.inner_text()
    for expected in ("浙江省绍兴市越城区人民法院", "民间借贷纠纷", "判决书", "孙明理",
                     "浙江越州律师事务所", "李建国", "王正平", "赵小溪", "2025-03-10",
                     "2025-01-06", "支持", "中华人民共和国民法典", "667"):  # fmt: skip
        assert expected in text, expected
    parties = page.get_by_test_id("parsed-parties").inner_text()
    assert "原告" in parties and "被告" in parties and "绍兴市禾丰贸易有限公司" in parties
    shoot(page, "judgments-preview")
    assert _api(page, server, f"/api/search?q={quote('司马云舒')}")["total"] == 0

    # Import both as a job; the result names the batches of the four datasets.
    page.get_by_test_id("judgments-import").click()
    page.locator('[data-testid="job"][data-status="succeeded"]').wait_for(timeout=120_000)
    result = page.get_by_test_id("judgments-result")
    result.wait_for()
    assert page.get_by_test_id("result-documents").inner_text() == "2"
    assert page.get_by_test_id("result-parsed").inner_text() == "2"
    assert page.get_by_test_id("result-refused").inner_text() == "0"
    batches = page.get_by_test_id("result-batches").inner_text()
    assert "已入池" in batches
    link = page.get_by_test_id("result-dataset-judgment_document")
    href = link.get_attribute("href")
    assert href and href.startswith("#/data/judgment_document?tab=batches&batch=")
    assert page.get_by_test_id("result-dataset-court_party").count() == 1
    shoot(page, "judgments-result")

    # Found by a party's name (masked in what is shown), and by the party filter.
    _open(page, server, f"/search?q={quote('司马云舒')}")
    hits = _results(page)
    assert hits.count() == 1
    hit = hits.first.inner_text()
    assert "（2025）浙0602民初9902号" in hit and "越城区人民法院" in hit
    assert "司马云舒" not in hit  # masked: the prosecutor did not ask to unmask
    assert hits.first.locator("mark").count() >= 1
    shoot(page, "search-judgment")

    page.get_by_test_id("search-unmask").check()
    page.wait_for_url(re.compile(r"unmask=1"))
    page.locator('[data-testid="search-hit"] mark', has_text="司马云舒").first.wait_for(
        timeout=TIMEOUT
    )

    _open(page, server, f"/search?q={quote('货款')}&party={quote('上官明远')}&from=2025-04-01")
    hits = _results(page)
    assert hits.count() == 1
    assert "（2025）浙0602民初9902号" in hits.first.inner_text()
    page.get_by_test_id("search-from").fill("2025-04-03")
    page.get_by_test_id("search-apply").click()
    page.get_by_test_id("search-empty").wait_for(timeout=TIMEOUT)
