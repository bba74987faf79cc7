"""/api/judgments: upload judgment files, parse them, import them as a background job."""

from __future__ import annotations

import time
from typing import Any

from web_province import Province

from jiandu.store.db import session_scope
from jiandu.store.schema import Dataset

CIVIL = """浙江省绍兴市越城区人民法院
民事判决书
（2021）浙0602民初1234号
原告：张三，男，1980年1月2日出生，汉族，住浙江省绍兴市越城区人民路1号，身份证号码330602198001020016。
委托诉讼代理人：李四，浙江越城律师事务所律师。
被告：王五，男，1975年5月6日出生，汉族，住浙江省绍兴市柯桥区。
原告张三与被告王五民间借贷纠纷一案，本院于2021年3月5日立案后，依法适用简易程序公开开庭进行了审理。
张三向本院提出诉讼请求：1.判令被告归还借款50000元；2.本案诉讼费由被告承担。事实和理由：被告王五向原告张三借款50000元，到期未还。
本院认为，合法的借贷关系受法律保护。依照《中华人民共和国民法典》第六百七十五条之规定，判决如下：
被告王五于本判决生效之日起十日内归还原告张三借款50000元。
审判员　赵六
二〇二一年六月二十八日
书记员　钱七
"""


def _poll(client: Any, job_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if body["status"] in ("succeeded", "failed", "cancelled"):
            return body
        time.sleep(0.05)
    raise AssertionError("the import job did not finish")


def test_a_steward_imports_documents_and_owns_the_new_datasets(province: Province) -> None:
    client = province.client("yc_steward")
    files = [
        ("files", ("a.txt", CIVIL.encode("gb18030"), "text/plain")),
        ("files", ("b.txt", CIVIL.replace("1234号", "1240号").encode(), "text/plain")),
    ]
    response = client.post("/api/judgments/import", files=files)
    assert response.status_code == 202, response.text
    job = _poll(client, response.json()["job_id"])
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["documents"] == 2 and result["refused"] == []
    assert {b["dataset_type"] for b in result["batches"]} == {
        "judgment_document", "court_case", "court_party", "court_agent",
    }  # fmt: skip
    with session_scope(province.app.state.jiandu.engine) as session:
        for type_id in ("judgment_document", "court_case", "court_party", "court_agent"):
            dataset = session.get(Dataset, type_id)
            assert dataset is not None
            assert dataset.owner_unit in (None, "330602")  # earlier owner kept, else the caller's


def test_a_file_of_another_kind_is_refused_by_name(province: Province) -> None:
    client = province.client("yc_steward")
    response = client.post(
        "/api/judgments/import", files=[("files", ("evil.exe", b"MZ", "application/x"))]
    )
    assert response.status_code == 400
    assert "evil.exe" in response.text


def test_parse_shows_the_reading_masked_for_a_caller_who_may_not_unmask(
    province: Province,
) -> None:
    client = province.client("yc_steward")
    response = client.post(
        "/api/judgments/parse", files={"file": ("a.txt", CIVIL.encode(), "text/plain")}
    )
    assert response.status_code == 200, response.text
    (document,) = response.json()["documents"]
    assert document["case_no"] == "（2021）浙0602民初1234号"
    names = [p["name"] for p in document["parties"]]
    assert names == ["张*", "王*"]
    assert "张三" not in response.text and "330602198001020016" not in response.text


def test_only_importers_may_upload(province: Province) -> None:
    client = province.client("auditor")
    response = client.post(
        "/api/judgments/import", files=[("files", ("a.txt", CIVIL.encode(), "text/plain"))]
    )
    assert response.status_code == 403
