"""/api/schedules: a model run scheduled by someone who may run it, checked as a run is,
fired once (however many workers tick) as its creator; only the creator changes it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select
from test_models_api import MODEL_ID, _ok, _save, _wait_job
from web_province import Province

from jiandu.jobs.schedules import fire_due
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, Job, JobSchedule, utcnow
from jiandu.web.state import AppState


def test_a_scheduled_model_run_fires_once_as_its_creator(province: Province) -> None:
    modeler = province.client("yc_modeler")
    _save(modeler)
    body = {"cron": "0 2 * * *", "kind": "model.run", "model_id": MODEL_ID}
    made = _ok(modeler.post("/api/schedules", json=body), 201)
    assert made["enabled"] and made["next_fire_at"] and made["created_by"]
    assert [s["id"] for s in _ok(modeler.get("/api/schedules"))] == [made["id"]]
    state: AppState = province.app.state.jiandu
    with session_scope(state.engine) as session:
        session.get_one(JobSchedule, made["id"]).next_fire_at = utcnow() - timedelta(minutes=1)
    runner = state.job_runner()
    # Two ticks here, and the app's own consumer may tick meanwhile (every minute): one
    # firing, whoever fires it.
    fire_due(runner)
    fire_due(runner)
    with session_scope(state.engine) as session:
        fired = list(session.scalars(select(Job.id).where(Job.schedule_id == made["id"])))
    assert len(fired) == 1
    job = _wait_job(modeler, fired[0])
    assert job["status"] == "succeeded", job
    assert job["schedule_id"] == made["id"] and job["result"]["hit_count"] == 1
    again = _ok(modeler.get("/api/schedules"))[0]
    assert again["last_job_id"] == fired[0] and again["next_fire_at"] > again["last_fired_at"]


def test_who_may_make_and_change_a_schedule(province: Province) -> None:
    modeler = province.client("yc_modeler")
    _save(modeler)
    body: dict[str, Any] = {"cron": "0 2 * * *", "kind": "model.run", "model_id": MODEL_ID}
    # A data steward may not run models, so may not schedule them; a prosecutor may run
    # them, but not see this private model: not found.
    assert province.client("yc_steward").post("/api/schedules", json=body).status_code == 403
    assert province.client("yc_pros").post("/api/schedules", json=body).status_code == 404
    # Checked as a run: an unknown parameter, a bad cron, a model not visible.
    bad_param = modeler.post("/api/schedules", json=body | {"params": {"nope": 1}})
    assert bad_param.status_code == 400 and "nope" in bad_param.json()["error"]["en"]
    bad_cron = modeler.post("/api/schedules", json=body | {"cron": "0 25 * * *"})
    assert bad_cron.status_code == 400 and bad_cron.json()["error"]["zh"]
    hidden = modeler.post("/api/schedules", json=body | {"model_id": "no_such_model"})
    assert hidden.status_code == 404
    nightly = _ok(modeler.post("/api/schedules", json={"cron": "0 3 * * *",
                                                       "kind": "models.run_all"}), 201)  # fmt: skip
    assert nightly["title_en"] == "Run all models"
    assert (nightly["cron_zh"], nightly["cron_en"]) == ("每天 03:00", "every day at 03:00")
    assert nightly["mine"] is True and nightly["created_by_name"] == "yc_modeler"
    assert nightly["unit_name"] == "越城区人民检察院"
    # The city's leader sees the county's schedule, and that it is not theirs to change.
    (seen,) = [s for s in _ok(province.client("sx_leader").get("/api/schedules"))
               if s["id"] == nightly["id"]]  # fmt: skip
    assert seen["mine"] is False and seen["cron_zh"] == "每天 03:00"
    # Someone else: not found, exactly as for a missing id.
    other = province.client("kq_pros")
    assert other.delete(f"/api/schedules/{nightly['id']}").status_code == 404
    assert other.post(f"/api/schedules/{nightly['id']}/enable",
                      json={"enabled": False}).status_code == 404  # fmt: skip
    assert other.get("/api/schedules").json() == []
    off = _ok(modeler.post(f"/api/schedules/{nightly['id']}/enable", json={"enabled": False}))
    assert off["enabled"] is False and off["next_fire_at"] is None
    on = _ok(modeler.post(f"/api/schedules/{nightly['id']}/enable", json={"enabled": True}))
    assert on["next_fire_at"] is not None
    assert _ok(modeler.delete(f"/api/schedules/{nightly['id']}"))["deleted"] is True
    assert modeler.get("/api/schedules").json() == []
    with session_scope(province.app.state.jiandu.engine) as session:
        actions = {e.action for e in session.query(AuditEntry).filter(
            AuditEntry.object_id == nightly["id"])}  # fmt: skip
    assert actions == {"schedule.create", "schedule.enable", "schedule.delete"}


def test_schedules_need_a_signed_in_caller(province: Province) -> None:
    anonymous = province.client()
    assert anonymous.get("/api/schedules").status_code == 401
    assert anonymous.delete("/api/schedules/x").status_code == 401
