"""/api/jobs: a job is seen by its starter and by those who see its unit; only the
starter cancels it; everyone else gets 'not found', exactly as for a missing id."""

from __future__ import annotations

import threading
import time
from typing import Any

from web_province import Province

from jiandu.jobs.registry import job_kind
from jiandu.jobs.runner import JobContext
from jiandu.security.principal import principal_for
from jiandu.security.users import get_user_by_username
from jiandu.store.db import session_scope
from jiandu.web.state import AppState

# The test's work waits for its event (named in the params: a job's params are JSON).
RELEASES: dict[str, threading.Event] = {}


@job_kind("test.import")
def held_import(ctx: JobContext, params: dict[str, Any]) -> dict[str, Any]:
    ctx.progress(0.25, "读取文件", "reading the file", force=True)
    while not RELEASES[params["release"]].wait(0.02):
        ctx.check_cancel()
    return {"batch_id": "b-1"}


def start_job(province: Province, username: str, release: threading.Event) -> str:
    state: AppState = province.app.state.jiandu
    with session_scope(state.engine) as session:
        user = get_user_by_username(session, username)
        assert user is not None
        principal = principal_for(session, user)

    key = str(id(release))
    RELEASES[key] = release
    return state.job_runner().submit(
        kind="test.import", title_zh="导入 养老金", title_en="import pension",
        principal=principal, params={"release": key}, object_kind="dataset",
        object_id="pension_payment",
    )  # fmt: skip


def poll(client: Any, job_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        body: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if body["status"] == status:
            return body
        time.sleep(0.02)
    raise AssertionError(f"job never became {status}")


def test_the_starter_watches_progress_and_result(province: Province) -> None:
    release = threading.Event()
    job_id = start_job(province, "yc_pros", release)
    client = province.client("yc_pros")
    running = poll(client, job_id, "running")
    assert running["title_zh"] == "导入 养老金" and running["object_id"] == "pension_payment"
    assert [j["id"] for j in client.get("/api/jobs").json()] == [job_id]
    assert client.get("/api/jobs", params={"kind": "model_run"}).json() == []
    assert running["mine"] is True and running["attempts"] == 1
    assert (running["created_by_name"], running["unit_name"]) == ("yc_pros", "越城区人民检察院")
    # Filtered by status (and by the schedule that fired it: none fired this one).
    assert [j["id"] for j in client.get("/api/jobs", params={"status": "running"}).json()] == [
        job_id
    ]
    assert client.get("/api/jobs", params={"status": "queued"}).json() == []
    assert client.get("/api/jobs", params={"schedule_id": "abc"}).json() == []
    # A colleague who sees the unit sees the job, but it is not theirs (no cancel button).
    seen = province.client("yc_leader").get(f"/api/jobs/{job_id}").json()
    assert seen["mine"] is False and seen["created_by_name"] == "yc_pros"
    release.set()
    done = poll(client, job_id, "succeeded")
    assert done["result"] == {"batch_id": "b-1"} and done["progress"] == 1.0


def test_scope_same_unit_and_leaders_see_siblings_and_others_do_not(province: Province) -> None:
    release = threading.Event()
    job_id = start_job(province, "yc_pros", release)
    try:
        for username in ("yc_leader", "sx_leader"):  # same unit; the city above it
            assert province.client(username).get(f"/api/jobs/{job_id}").status_code == 200
        for username in ("kq_pros", "ext"):  # a sibling county; an external unit
            client = province.client(username)
            answer = client.get(f"/api/jobs/{job_id}")
            missing = client.get(f"/api/jobs/{job_id[::-1]}")  # an id that does not exist
            assert answer.status_code == missing.status_code == 404
            assert answer.text.replace(job_id, "?") == missing.text.replace(job_id[::-1], "?")
            assert client.get("/api/jobs").json() == []
            assert client.post(f"/api/jobs/{job_id}/cancel").status_code == 404
        # Seeing a colleague's job is not cancelling it.
        leader = province.client("yc_leader")
        assert leader.post(f"/api/jobs/{job_id}/cancel").status_code == 404
    finally:
        release.set()


def test_the_starter_cancels_and_it_is_audited(province: Province) -> None:
    release = threading.Event()
    job_id = start_job(province, "yc_pros", release)
    client = province.client("yc_pros")
    poll(client, job_id, "running")
    assert client.post(f"/api/jobs/{job_id}/cancel").json()["cancel_requested"] is True
    assert poll(client, job_id, "cancelled")["result"] is None
    audit = province.client("auditor").get("/api/audit").json()
    entries = audit["entries"] if isinstance(audit, dict) else audit
    assert any(e["action"] == "job.cancel" and e["object_id"] == job_id for e in entries)


def test_jobs_need_a_signed_in_caller(province: Province) -> None:
    anonymous = province.client()
    assert anonymous.get("/api/jobs").status_code == 401
    assert anonymous.post("/api/jobs/x/cancel").status_code == 401
