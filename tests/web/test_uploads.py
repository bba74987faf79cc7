"""The import wizard over the API (jiandu/web/routes/uploads.py) and the batch views of
the data directory (jiandu/web/routes/datasets.py): upload → detection → mapping →
preview → commit as a job → the batch, its quality report and its rejects.

The province (web_province.py) gives 越城 (330602) a pension and a death dataset and its
data steward `yc_steward`, the only role that may import.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_province import PASSWORD, Province

from jiandu.fields.id_card import check_char
from jiandu.security.users import create_user
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, Dataset, Job
from jiandu.web.routes import uploads
from jiandu.workspace import open_workspace

STEWARD = "yc_steward"


def _person(serial: int) -> str:
    stem = f"33060219600101{serial:03d}"
    return stem + check_char(stem)


GOOD = [_person(n) for n in range(101, 105)]
BAD_ID = GOOD[0][:-1] + ("0" if GOOD[0][-1] != "0" else "1")  # a wrong check character


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _gbk_pension(path: Path) -> Path:
    """A GBK CSV as an agency sends it: the month under a header no synonym knows."""
    lines = [
        "公民身份号码,姓名,核发周期,发放金额,联系电话",
        f"{GOOD[0]},王小明,2024-01,3100.50,13900001111",
        f"{GOOD[1]},李四,2024-01,2800,13900002222",
        f"{BAD_ID},赵六,2024-01,2900,13900003333",
        f"{GOOD[2]},钱七,2024-13,3000,13900004444",
        f"{GOOD[3]},孙八,2024-01,3050,13900005555",
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def _xlsx_deaths(path: Path) -> Path:
    """A workbook whose first row is a merged title above the real header row."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "死亡名单"
    sheet.append(["2024年绍兴市越城区死亡人员名单"])
    sheet.merge_cells("A1:D1")
    sheet.append(["身份证号码", "姓名", "死亡日期", "信息来源"])
    sheet.append([GOOD[0], "王小明", "2024-03-02", "火化"])
    sheet.append([GOOD[1], "李四", "2024/03/05", "医院"])
    notes = book.create_sheet("填表说明")
    notes.append(["说明"])
    notes.append(["死亡日期填写到日"])
    book.save(path)
    return path


def _upload(client: TestClient, type_id: str, path: Path, name: str | None = None) -> Any:
    with path.open("rb") as fh:
        return client.post(
            "/api/uploads",
            data={"dataset_type": type_id, "source": "越城区社保局"},
            files={"file": (name or path.name, fh, "application/octet-stream")},
        )


def _wait(province: Province, client: TestClient, job_id: str) -> dict[str, Any]:
    """The job as the API shows it once it has finished.

    Waiting reads the job's row directly: a request's guard reads then touches the web
    session, and on SQLite (deferred BEGIN, WAL) that upgrade fails at once when the job's
    thread committed in between, so polling the API while a job writes can be answered
    500 — a race of the session touch, not of the import (reported to the lead)."""
    engine = open_workspace(province.settings).engine
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with session_scope(engine) as session:
            status = session.scalar(select(Job.status).where(Job.id == job_id))
        if status in ("succeeded", "failed", "cancelled"):
            job: dict[str, Any] = _ok(client.get(f"/api/jobs/{job_id}"))
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


def _staged(province: Province) -> list[Path]:
    staging = province.settings.staging_dir
    return sorted(staging.glob(f"{uploads.FOLDER_PREFIX}*")) if staging.exists() else []


def test_gbk_csv_through_the_whole_wizard(province: Province, tmp_path: Path) -> None:
    client = province.client(STEWARD)
    types = {t["id"]: t for t in _ok(client.get("/api/uploads/types"))}
    assert "pension_payment" in types
    fields = {f["name"]: f for f in types["pension_payment"]["fields"]}
    assert fields["pay_month"]["required"] is True
    assert fields["id_card"]["pii"] == "id"

    # 1-2. upload and detection
    state = _ok(_upload(client, "pension_payment", _gbk_pension(tmp_path / "养老金.csv")), 201)
    (table,) = state["tables"]
    assert table["encoding"] == {"name": "gb18030", "certain": True}
    assert table["header_row"] == 1
    assert table["headers"] == ["公民身份号码", "姓名", "核发周期", "发放金额", "联系电话"]
    assert table["rows"] == 5

    # 3. suggestions: the month column is not recognised, so a required field is missing
    suggested = {c["header"]: c["field"] for c in table["suggested"]["columns"]}
    assert suggested["公民身份号码"] == "id_card"
    assert suggested["核发周期"] is None
    assert [f["name"] for f in table["suggested"]["missing_required"]] == ["pay_month"]
    refused = client.post(f"/api/uploads/{state['id']}/preview", json={})
    assert refused.status_code == 400
    assert "pay_month" in refused.json()["error"]["en"]
    assert "核发周期" in refused.json()["error"]["zh"]

    # 4. preview with the person's mapping: cleaned rows, rejects with field and reason
    choice = {"mapping": {"核发周期": "pay_month"}}
    preview = _ok(client.post(f"/api/uploads/{state['id']}/preview", json=choice))
    columns = {c["header"]: (c["field"], c["how"]) for c in preview["tables"][0]["columns"]}
    assert columns["核发周期"] == ("pay_month", "override")
    assert preview["sample"] == {
        "rows": 5, "accepted": 3, "rejected": 2, "warned": preview["sample"]["warned"],
        "limit_per_table": uploads.PREVIEW_ROWS,
    }  # fmt: skip
    assert preview["masked"] is True
    first = preview["rows"][0]
    assert first["_row"] == 2
    assert first["id_card"] == GOOD[0][:6] + "*" * 8 + GOOD[0][-4:]
    assert first["name"] == "王**"
    # the phone column is no field of the type: kept as an extra column, whose PII class
    # nobody classified, so masked output leaves it out
    extra = [c for c in preview["tables"][0]["columns"] if c["header"] == "联系电话"]
    assert extra[0]["field"] is None and extra[0]["extra_name"].startswith("x_")
    assert not any(c.startswith("x_") for c in preview["columns"]) and "13900001111" not in str(
        preview
    )
    assert str(first["pay_month"]).startswith("2024-01-01")
    assert float(first["amount"]) == 3100.5
    assert not any(c.startswith("id_card_") for c in preview["columns"])  # derived: dropped
    reasons = {(r["row"], r["field"]): r for r in preview["rejects"]}
    assert set(reasons) == {(4, "id_card"), (5, "pay_month")}
    bad_id = reasons[(4, "id_card")]
    assert bad_id["header"] == "公民身份号码"
    assert bad_id["value"] == BAD_ID[:6] + "*" * 8 + BAD_ID[-4:]
    assert bad_id["code"].startswith("id_card.") and bad_id["zh"] and bad_id["en"]
    assert reasons[(5, "pay_month")]["value"] == "2024-13"  # not personal data: shown
    assert GOOD[0] not in str(preview) and BAD_ID not in str(preview)

    # the steward may not unmask (no pii.unmask); the refusal is audited
    assert client.post(
        f"/api/uploads/{state['id']}/preview", json={**choice, "unmask": True}
    ).status_code == 403  # fmt: skip

    # the upload remembers the choice
    assert _ok(client.get(f"/api/uploads/{state['id']}"))["mapping"] == choice["mapping"]
    assert [u["id"] for u in _ok(client.get("/api/uploads"))] == [state["id"]]

    # 5. commit as a job
    started = _ok(
        client.post(f"/api/uploads/{state['id']}/commit", json={**choice, "source_name": "社保"}),
        202,
    )
    job = _wait(province, client, started["job_id"])
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["status"] == "committed"
    assert (result["rows_read"], result["rows_accepted"], result["rows_rejected"]) == (5, 3, 2)
    assert _staged(province) == []  # the staged upload is gone after a commit
    assert client.get(f"/api/uploads/{state['id']}").status_code == 404

    # the batch appears in the directory, with its quality report and its rejects
    batches = _ok(client.get("/api/datasets/pension_payment/batches"))
    assert batches[0]["id"] == result["batch_id"]
    assert batches[0]["source_name"] == "社保"
    assert batches[0]["created_by_name"] == STEWARD
    assert batches[0]["has_rejects"] is True
    detail = _ok(client.get(f"/api/datasets/pension_payment/batches/{result['batch_id']}"))
    assert {e["field"] for e in detail["quality"]["errors"]} == {"id_card", "pay_month"}
    rejects = _ok(client.get(f"/api/datasets/pension_payment/batches/{result['batch_id']}/rejects"))
    lines = {(line["row"], line["field"]): line for line in rejects["lines"]}
    assert set(lines) == {(4, "id_card"), (5, "pay_month")}
    assert lines[(4, "id_card")]["value"] == BAD_ID[:6] + "*" * 8 + BAD_ID[-4:]
    assert lines[(4, "id_card")]["label_zh"] == "身份证号码"
    listed = {d["id"]: d for d in _ok(client.get("/api/datasets"))}
    assert listed["pension_payment"]["batch_count"] == 2
    assert listed["pension_payment"]["rows"] == 12 + 3
    assert listed["pension_payment"]["owner_unit_name"] == "越城区人民检察院"

    with session_scope(open_workspace(province.settings).engine) as session:
        actions = session.execute(
            select(AuditEntry.action, AuditEntry.outcome, AuditEntry.object_id).where(
                AuditEntry.action.in_(["data.import", "pii.unmask"])
            )
        ).all()
    assert ("data.import", "ok", result["batch_id"]) in actions
    assert any(a == "pii.unmask" and o == "denied" for a, o, _ in actions)


def test_xlsx_with_a_title_row_creates_the_dataset_owned_by_the_uploader(
    province: Province, tmp_path: Path
) -> None:
    client = province.client(STEWARD)
    state = _ok(_upload(client, "traffic_accident", _traffic_xlsx(tmp_path / "事故.xlsx")), 201)
    (table,) = state["tables"]
    assert table["sheet"] == "事故"
    assert table["header_row"] == 2  # the merged title row above it is not the header
    assert table["encoding"] is None
    assert table["rows"] == 2
    preview = _ok(client.post(f"/api/uploads/{state['id']}/preview", json={"sheet": "事故"}))
    assert preview["sample"]["accepted"] == 2 and preview["rejects"] == []
    job = _wait(
        province,
        client,
        _ok(client.post(f"/api/uploads/{state['id']}/commit", json={}), 202)["job_id"],
    )
    assert job["status"] == "succeeded", job
    with session_scope(open_workspace(province.settings).engine) as session:
        dataset = session.get(Dataset, "traffic_accident")
        assert dataset is not None and dataset.owner_unit == "330602"
    assert _ok(client.get("/api/datasets/traffic_accident"))["rows"] == 2


def _traffic_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "事故"
    sheet.append(["2024年越城区交通事故登记表"])
    sheet.merge_cells("A1:E1")
    sheet.append(["事故编号", "事故日期", "当事人姓名", "身份证号码", "事故地点"])
    sheet.append(["SG2024001", "2024-02-01", "王小明", GOOD[0], "越城区解放路"])
    sheet.append(["SG2024002", "2024-02-03", "李四", GOOD[1], "越城区中兴路"])
    book.save(path)
    return path


def test_an_xlsx_title_row_is_not_taken_for_the_header(province: Province, tmp_path: Path) -> None:
    client = province.client(STEWARD)
    state = _ok(_upload(client, "death_record", _xlsx_deaths(tmp_path / "死亡.xlsx")), 201)
    table, notes = state["tables"]
    assert (table["sheet"], table["header_row"], table["rows"]) == ("死亡名单", 2, 2)
    assert (table["skipped"], notes["sheet"], notes["skipped"]) == (False, "填表说明", True)
    assert table["headers"] == ["身份证号码", "姓名", "死亡日期", "信息来源"]
    assert table["suggested"]["missing_required"] == []
    preview = _ok(client.post(f"/api/uploads/{state['id']}/preview", json={}))
    assert [r["_row"] for r in preview["rows"]] == [3, 4]
    assert preview["skipped"] == ["死亡.xlsx[填表说明]"]
    assert client.post(
        f"/api/uploads/{state['id']}/preview", json={"sheet": "nope"}
    ).status_code == 400  # fmt: skip
    _ok(client.post(f"/api/uploads/{state['id']}/discard"))
    assert _staged(province) == []


def test_uploads_belong_to_their_uploader(province: Province, tmp_path: Path) -> None:
    with session_scope(open_workspace(province.settings).engine) as session:
        create_user(session, username="yc_steward2", display_name="yc_steward2",
                    unit_id="330602", password=PASSWORD, roles=["data_steward"],
                    clearance="sensitive")  # fmt: skip
    owner, other = province.client(STEWARD), province.client("yc_steward2")
    state = _ok(_upload(owner, "pension_payment", _gbk_pension(tmp_path / "p.csv")), 201)
    path = f"/api/uploads/{state['id']}"
    missing = "/api/uploads/" + "0" * 24
    for client_path in (path, missing):
        assert other.get(client_path).status_code == 404
        assert other.post(f"{client_path}/preview", json={}).status_code == 404
        assert other.post(f"{client_path}/commit", json={}).status_code == 404
        assert other.post(f"{client_path}/discard").status_code == 404
    assert _ok(other.get("/api/uploads")) == []
    # a prosecutor may not import at all
    assert province.client("yc_pros").get("/api/uploads/types").status_code == 403
    assert _ok(owner.get(path))["id"] == state["id"]  # still there, untouched


def test_names_and_ids_cannot_leave_the_staging_folder(province: Province, tmp_path: Path) -> None:
    client = province.client(STEWARD)
    source = _gbk_pension(tmp_path / "p.csv")
    for name in ("..", ".hidden.csv", "evil.exe", "a<b>.csv", "x|y.csv", "C:\\x\\"):
        assert _upload(client, "pension_payment", source, name).status_code in (400, 422), name
    state = _ok(_upload(client, "pension_payment", source, "../../../etc/passwd.csv"), 201)
    assert state["file_name"] == "passwd.csv"
    (folder,) = _staged(province)
    assert (folder / "file" / "passwd.csv").is_file()
    assert folder.parent == province.settings.staging_dir
    for bad_id in ("..%2F..%2Fpool", "../pool", "%2e%2e", "A" * 24, state["id"] + "0"):
        assert client.get(f"/api/uploads/{bad_id}").status_code == 404, bad_id
    assert client.post("/api/uploads", data={"dataset_type": "nope"},
                       files={"file": ("p.csv", b"a,b\n1,2\n")}).status_code == 404  # fmt: skip


def test_a_failing_import_ends_as_a_failed_job(province: Province, tmp_path: Path) -> None:
    client = province.client(STEWARD)
    bad = tmp_path / "bad.csv"
    bad.write_text("身份证号码,姓名,发放年月\n123,张三,2024-01\n456,李四,2024-02\n", "utf-8")
    state = _ok(_upload(client, "pension_payment", bad), 201)
    preview = _ok(client.post(f"/api/uploads/{state['id']}/preview", json={}))
    assert preview["sample"]["accepted"] == 0 and preview["sample"]["rejected"] == 2
    job = _wait(
        province,
        client,
        _ok(client.post(f"/api/uploads/{state['id']}/commit", json={}), 202)["job_id"],
    )
    assert job["status"] == "failed"
    assert "未提交任何批次" in job["error_zh"]
    assert "nothing was committed" in job["error_en"]
    home = str(province.settings.home)
    assert home not in job["error_zh"] and home not in job["error_en"]  # no server folders
    # the upload stays so the person can fix the mapping and try again
    assert _ok(client.get(f"/api/uploads/{state['id']}"))["job_id"] == job["id"]
    failed = [b for b in _ok(client.get("/api/datasets/pension_payment/batches"))
              if b["status"] == "failed"]  # fmt: skip
    assert failed and failed[0]["error"]["en"].startswith("all 2 rows were rejected")


def test_old_uploads_expire(province: Province, tmp_path: Path) -> None:
    client = province.client(STEWARD)
    state = _ok(_upload(client, "pension_payment", _gbk_pension(tmp_path / "p.csv")), 201)
    (folder,) = _staged(province)
    old = time.time() - uploads.EXPIRE_AFTER.total_seconds() - 60
    os.utime(folder / uploads.META, (old, old))
    assert _ok(client.get("/api/uploads")) == []
    assert not folder.exists()
    assert client.get(f"/api/uploads/{state['id']}").status_code == 404


@pytest.mark.parametrize("username", ["kq_pros", "yc_pros"])
def test_batch_views_follow_the_dataset_scope(province: Province, username: str) -> None:
    steward = province.client(STEWARD)
    (batch,) = _ok(steward.get("/api/datasets/pension_payment/batches"))
    paths = [
        "/api/datasets/pension_payment/batches",
        f"/api/datasets/pension_payment/batches/{batch['id']}",
        f"/api/datasets/pension_payment/batches/{batch['id']}/rejects",
    ]
    reader = province.client(username)
    for path in paths:
        expected = 404 if username == "kq_pros" else 200  # 柯桥 does not see 越城's data
        assert reader.get(path).status_code == expected, path
    # a batch of another dataset is not found under this one
    (company,) = _ok(province.client("kq_pros").get("/api/datasets/company_registry/batches"))
    assert steward.get(
        f"/api/datasets/pension_payment/batches/{company['id']}"
    ).status_code == 404  # fmt: skip


def test_a_batch_leaves_the_owner_of_an_existing_dataset_alone(
    province: Province, tmp_path: Path
) -> None:
    """A dataset owned by the root unit (owner NULL) stays so when a unit imports into it;
    only a dataset the upload creates is given to the uploader's unit."""
    engine = open_workspace(province.settings).engine
    with session_scope(engine) as session:
        create_user(session, username="sx_steward", display_name="sx_steward", unit_id="330000",
                    password=PASSWORD, roles=["data_steward"], clearance="sensitive")  # fmt: skip
        dataset = session.get(Dataset, "death_record")
        assert dataset is not None
        dataset.owner_unit = None
    client = province.client("sx_steward")
    state = _ok(_upload(client, "death_record", _xlsx_deaths(tmp_path / "d.xlsx")), 201)
    job = _wait(
        province,
        client,
        _ok(client.post(f"/api/uploads/{state['id']}/commit", json={}), 202)["job_id"],
    )
    assert job["status"] == "succeeded", job
    with session_scope(engine) as session:
        dataset = session.get(Dataset, "death_record")
        assert dataset is not None and dataset.owner_unit is None


def test_a_file_the_readers_refuse_is_not_kept(province: Province, tmp_path: Path) -> None:
    client = province.client(STEWARD)
    broken = tmp_path / "broken.csv"
    broken.write_text("身份证号码,姓名,发放年月\n1,2,3,4,5\n", "utf-8")
    answer = _upload(client, "pension_payment", broken)
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert "多于表头" in error["zh"] and "more than the header" in error["en"]
    assert _staged(province) == []
