"""The models API (the web UI's library, model page, builder and runs): who sees which
model version, YAML and SQL, draft validation with bilingual errors naming the place,
preview with its funnel (masked hits), saving versions, publishing, and a run as a job
that syncs clues.

The province (web_province.py): pension and death data belong to 越城 (330602), a
company registry to 柯桥 (330603); one person drew a pension for 12 months of 2023.
"""

from __future__ import annotations

import copy
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_province import NAME, PASSWORD, PERSON, Province

from jiandu.models.runner import ModelRunError
from jiandu.security.users import create_user
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, Model
from jiandu.web.routes import models_routes
from jiandu.workspace import open_workspace

MODEL_ID = "web_pension_months"
DRAFT: dict[str, Any] = {
    "id": MODEL_ID,
    "name_zh": "长期领取养老金人员",
    "name_en": "Long-term pension recipients",
    "legal_basis": ["《中华人民共和国社会保险法》第八十八条"],
    "explanation_zh": "发放金额不低于 {min_amount} 元的月份达到十个月以上。",
    "sources": {"pay": "pension_payment"},
    "parameters": [
        {
            "name": "min_amount",
            "type": "decimal",
            "default": 1000,
            "label_zh": "最低发放金额",
            "label_en": "Minimum amount",
        },
    ],
    "steps": [
        {"name": "big", "from": "pay", "filter": "amount >= $min_amount"},
        {
            "name": "persons",
            "from": "big",
            "group_by": ["id_card"],
            "aggregate": {
                "name": "max(name)",
                "months": "count(distinct pay_month)",
                "total": "sum(amount)",
            },
            "having": "months >= 10",
        },
    ],
    "clue": {
        "subject_type": "person",
        "subject_key": "id_card",
        "title": "{name}领取养老金{months}个月",
        "evidence": ["name", "months", "total"],
    },
}


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _ids(client: TestClient, **params: str) -> set[str]:
    return {m["id"] for m in _ok(client.get("/api/models", params=params))}


def _save(client: TestClient, spec: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = _ok(client.post("/api/models", json={"spec": spec or DRAFT}), 201)
    return answer


def _audit(province: Province, action: str) -> list[tuple[str, str | None]]:
    with session_scope(open_workspace(province.settings).engine) as session:
        rows = session.execute(
            select(AuditEntry.outcome, AuditEntry.object_id)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.seq)
        )
        return [(outcome, object_id) for outcome, object_id in rows]


def _add_modeler(province: Province, username: str, unit: str) -> None:
    with session_scope(open_workspace(province.settings).engine) as session:
        create_user(session, username=username, display_name=username, unit_id=unit,
                    password=PASSWORD, roles=["modeler"], clearance="sensitive")  # fmt: skip


def _wait_job(client: TestClient, job_id: str) -> dict[str, Any]:
    """The job once finished, polled over the API as the page does."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job: dict[str, Any] = _ok(client.get(f"/api/jobs/{job_id}"))
        if job["status"] in ("succeeded", "failed", "cancelled"):
            return job
        time.sleep(0.1)
    raise AssertionError("the run job did not finish in 60 s")


def test_library_is_visible_to_all_and_last_runs_follow_run_scope(province: Province) -> None:
    yc, kq = province.client("yc_pros"), province.client("kq_pros")
    mine = {m["id"]: m for m in _ok(yc.get("/api/models"))}
    theirs = {m["id"]: m for m in _ok(kq.get("/api/models"))}
    assert "pension_after_death" in mine and "shell_company" in mine
    assert set(mine) == set(theirs)  # only library models so far
    pension = mine["pension_after_death"]
    assert pension["origin"] == "library" and pension["visibility"] == "province"
    assert {d["id"] for d in pension["datasets"]} >= {"pension_payment", "death_record"}
    assert pension["last_run"]["id"] == province.run_id  # 越城's run
    assert pension["last_run"]["hit_count"] == 1
    assert theirs["pension_after_death"]["last_run"] is None  # 柯桥 does not see it
    assert _ids(yc, q="养老金") >= {"pension_after_death"}
    assert "shell_company" not in _ids(yc, q="养老金")
    assert _ids(yc, dataset="company_registry") >= {"shell_company"}
    assert "pension_after_death" not in _ids(yc, dataset="company_registry")
    assert _ids(yc, origin="imported") == set()


def test_model_page_shows_yaml_steps_versions_and_sql_per_engine(province: Province) -> None:
    client = province.client("yc_pros")
    model = _ok(client.get("/api/models/pension_after_death"))
    assert model["yaml"].startswith("id: pension_after_death\n")
    assert "legal_basis:" in model["yaml"] and "steps:" in model["yaml"]
    assert model["parameters"][0]["name"] == "min_months"
    steps = {s["name"]: s for s in model["steps"]}
    assert "d_death_date" in steps["paid_after_death"]["columns"]
    assert steps["pay"]["kind"] == "source"
    assert [v["version"] for v in model["versions"]] == [model["version"]]
    assert model["can_publish"] is False  # library models are published already
    duck = _ok(client.get("/api/models/pension_after_death/sql"))
    spark = _ok(client.get("/api/models/pension_after_death/sql", params={"dialect": "spark"}))
    assert duck["dialect"] == "duckdb" and spark["dialect"] == "spark"
    assert "paid_after_death AS" in duck["sql"] and "paid_after_death AS" in spark["sql"]
    assert duck["sql"] != spark["sql"]
    assert client.get("/api/models/pension_after_death/sql?dialect=oracle").status_code == 422
    missing = client.get("/api/models/no_such_model")
    assert missing.status_code == 404
    assert client.get("/api/models/pension_after_death?version=99").status_code == 404


def test_validate_answers_yaml_sql_or_the_error_naming_the_step(province: Province) -> None:
    client = province.client("yc_modeler")
    good = _ok(client.post("/api/models/validate", json={"spec": DRAFT}))
    assert good["valid"] is True and good["error"] is None
    assert good["yaml"].startswith(f"id: {MODEL_ID}\n")
    assert "filter: amount >= $min_amount" in good["yaml"]
    assert "persons AS" in good["sql"]["duckdb"] and "persons AS" in good["sql"]["spark"]
    assert [s["name"] for s in good["steps"]] == ["pay", "big", "persons"]
    assert good["steps"][-1]["columns"] == ["id_card", "name", "months", "total"]

    typo = copy.deepcopy(DRAFT)
    typo["steps"][0]["filter"] = "amout >= $min_amount"
    bad = _ok(client.post("/api/models/validate", json={"spec": typo}))
    assert bad["valid"] is False and bad["sql"] is None
    assert bad["error"]["where"] == "steps[0].filter"
    assert "amout" in bad["error"]["zh"] and "amout" in bad["error"]["en"]
    assert "amout" in bad["yaml"]  # the live panel still shows what the form says

    sneaky = copy.deepcopy(DRAFT)
    sneaky["steps"][0]["filter"] = "length(read_csv('/etc/passwd')) > 0"
    refused = _ok(client.post("/api/models/validate", json={"spec": sneaky}))
    assert refused["valid"] is False and "read_csv" in refused["error"]["en"]

    shapeless = {k: v for k, v in DRAFT.items() if k != "name_zh"}
    missing = _ok(client.post("/api/models/validate", json={"spec": shapeless}))
    assert missing["error"]["where"] == "name_zh"

    as_yaml = _ok(client.post("/api/models/validate", json={"yaml": good["yaml"]}))
    assert as_yaml["valid"] is True and as_yaml["definition"]["id"] == MODEL_ID
    broken = _ok(client.post("/api/models/validate", json={"yaml": "id: [unclosed"}))
    assert broken["valid"] is False and "YAML" in broken["error"]["en"]
    both = client.post("/api/models/validate", json={"yaml": "id: x", "spec": DRAFT})
    assert both.status_code == 200 and both.json()["valid"] is False


def test_preview_gives_the_funnel_and_masked_hits_within_data_scope(province: Province) -> None:
    client = province.client("yc_modeler")
    response = client.post("/api/models/preview", json={"spec": DRAFT})
    preview = _ok(response)
    assert [(f["step"], f["rows"]) for f in preview["funnel"]] == [
        ("pay", 12),
        ("big", 12),
        ("persons", 1),
    ]
    assert preview["hit_count"] == 1 and preview["branch_counts"] == {"main": 1}
    (hit,) = preview["hits"]
    assert str(hit["months"]) == "12" and hit["branch"] == "main"
    assert PERSON not in response.text and NAME not in response.text  # masked
    assert "evidence" not in preview["columns"]
    higher = _ok(
        client.post("/api/models/preview", json={"spec": DRAFT, "params": {"min_amount": 5000}})
    )
    assert [f["rows"] for f in higher["funnel"]] == [12, 0, 0]
    stored = _ok(client.post("/api/models/preview", json={"model_id": "pension_after_death"}))
    assert stored["hit_count"] == 1
    assert ("ok", MODEL_ID) in _audit(province, "model.preview")

    # 柯桥 may not read 越城's pension data: no preview through a model either.
    _add_modeler(province, "kq_modeler", "330603")
    refused = province.client("kq_modeler").post("/api/models/preview", json={"spec": DRAFT})
    assert refused.status_code == 400
    assert "pension_payment" in refused.json()["error"]["en"]
    assert PERSON not in refused.text


def test_saving_makes_new_versions_owned_by_the_unit_and_private(province: Province) -> None:
    client = province.client("yc_modeler")
    first = _save(client)
    assert first == {"id": MODEL_ID, "version": 1, "created": True}
    assert _save(client) == {"id": MODEL_ID, "version": 1, "created": False}  # unchanged
    changed = copy.deepcopy(DRAFT)
    changed["steps"][1]["having"] = "months >= 11"
    assert _save(client, changed)["version"] == 2
    with session_scope(open_workspace(province.settings).engine) as session:
        row = session.get_one(Model, (MODEL_ID, 2))
        assert (row.owner_unit, row.visibility) == ("330602", "private")
        assert row.definition["steps"][1]["having"] == "months >= 11"
    model = _ok(client.get(f"/api/models/{MODEL_ID}"))
    assert model["version"] == 2 and [v["version"] for v in model["versions"]] == [2, 1]
    assert model["can_publish"] is True and model["origin"] == "imported"
    assert _ok(client.get(f"/api/models/{MODEL_ID}?version=1"))["steps"][-1]["name"] == "persons"
    # Loading a library model into the builder and saving it makes its next version.
    library = _ok(client.get("/api/models/pension_after_death"))["definition"]
    library["name_zh"] = "死亡人员冒领养老金（越城）"
    saved = _save(client, library)
    assert saved["version"] == library["version"] + 1
    assert ("ok", MODEL_ID) in _audit(province, "model.save")
    # The YAML tab saves too; invalid YAML is refused naming the place.
    bad = client.post("/api/models", json={"yaml": "id: x\nname_zh: y\n"})
    assert bad.status_code == 400 and "name_en" in bad.json()["error"]["en"]
    # Saving needs models.write: a prosecutor may not.
    assert province.client("yc_pros").post("/api/models", json={"spec": DRAFT}).status_code == 403


def test_a_save_is_committed_before_its_answer_is_sent(province: Province) -> None:
    """The builder goes to `#/models/ID?version=N` the moment the save answers: the
    version must already be readable by another connection then, not after the response
    (FastAPI ends a request-scoped dependency only after sending; CI once caught the page
    asking for a version whose transaction had not committed yet)."""
    engine = open_workspace(province.settings).engine
    stored_at_answer: list[list[int]] = []

    async def watching(scope: Any, receive: Any, send: Any) -> None:
        async def spy(message: Any) -> None:
            if message["type"] == "http.response.start" and scope["path"] == "/api/models":
                with session_scope(engine) as session:
                    versions = session.scalars(select(Model.version).where(Model.id == MODEL_ID))
                    stored_at_answer.append(list(versions))
            await send(message)

        await province.app(scope, receive, spy)

    client = TestClient(watching)
    signed = client.post("/api/auth/login", json={"username": "yc_modeler", "password": PASSWORD})
    client.headers["X-CSRF-Token"] = _ok(signed)["csrf_token"]
    assert _save(client)["version"] == 1
    assert stored_at_answer == [[1]]


def test_private_then_unit_then_province(province: Province) -> None:
    modeler = province.client("yc_modeler")
    _save(modeler)
    colleague, sibling = province.client("yc_pros"), province.client("kq_pros")
    assert MODEL_ID in _ids(modeler)
    assert MODEL_ID not in _ids(colleague) and MODEL_ID not in _ids(sibling)
    # A private model answers 404 to others, exactly as a missing one.
    for other in (colleague, sibling):
        hidden, missing = other.get(f"/api/models/{MODEL_ID}"), other.get("/api/models/zz_nope")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.text.replace(MODEL_ID, "<id>") == missing.text.replace("zz_nope", "<id>")
        assert other.get(f"/api/models/{MODEL_ID}/sql").status_code == 404

    path = f"/api/models/{MODEL_ID}/versions/1/publish"
    assert _ok(modeler.post(path, json={"visibility": "unit"}))["visibility"] == "unit"
    assert MODEL_ID in _ids(colleague) and MODEL_ID not in _ids(sibling)
    assert province.client("sx_leader").get(f"/api/models/{MODEL_ID}").status_code == 200

    # Publishing is for the owner unit's modelers only.
    assert colleague.post(path, json={"visibility": "province"}).status_code == 403
    assert modeler.post(path, json={"visibility": "everyone"}).status_code == 422
    _add_modeler(province, "kq_modeler", "330603")
    kq_modeler = province.client("kq_modeler")
    assert kq_modeler.post(path, json={"visibility": "province"}).status_code == 404

    _ok(modeler.post(path, json={"visibility": "province"}))
    assert MODEL_ID in _ids(sibling)
    refused = kq_modeler.post(path, json={"visibility": "unit"})
    assert refused.status_code == 403
    assert ("denied", path) in _audit(province, "model.publish")
    assert [o for o, _ in _audit(province, "model.publish")].count("ok") == 2
    with session_scope(open_workspace(province.settings).engine) as session:
        row = session.get_one(Model, (MODEL_ID, 1))
        assert row.visibility == row.definition["visibility"] == "province"
    assert (
        modeler.post(
            "/api/models/pension_after_death/versions/2/publish", json={"visibility": "unit"}
        ).status_code
        == 400
    )  # built-in: already province-wide


def test_run_job_records_the_run_for_the_unit_and_syncs_clues(province: Province) -> None:
    modeler = province.client("yc_modeler")
    _save(modeler)
    started = _ok(modeler.post(f"/api/models/{MODEL_ID}/run", json={}), 202)
    job = _wait_job(modeler, started["job_id"])
    assert job["status"] == "succeeded", job
    result = job["result"]
    assert result["hit_count"] == 1 and result["clues"]["new"] == 1
    run_id = result["run_id"]

    run = _ok(modeler.get(f"/api/runs/{run_id}"))
    assert run["status"] == "succeeded" and run["owner_unit"] == "330602"
    assert [(f["step"], f["rows"]) for f in run["funnel"]] == [
        ("pay", 12),
        ("big", 12),
        ("persons", 1),
    ]
    assert run["branches"] == [
        {"id": "main", "name_zh": DRAFT["name_zh"], "name_en": DRAFT["name_en"], "hits": 1}
    ]
    assert run["clues"] == {"last_seen": 1, "new": 1}
    assert run["created_by"] == "yc_modeler"
    listed = _ok(modeler.get("/api/runs", params={"model_id": MODEL_ID}))
    assert [r["id"] for r in listed] == [run_id]
    prosecutor = province.client("yc_pros")
    (clue,) = _ok(prosecutor.get("/api/clues", params={"model_id": MODEL_ID}))
    assert clue["status"] == "pending"
    assert ("ok", run_id) in _audit(province, "model.run")
    # The run belongs to 越城: 柯桥 sees neither it nor its hits.
    sibling = province.client("kq_pros")
    assert sibling.get(f"/api/runs/{run_id}").status_code == 404
    assert run_id not in {r["id"] for r in _ok(sibling.get("/api/runs"))}
    # Runs of data outside the caller's scope are refused before a job starts.
    _ok(modeler.post(f"/api/models/{MODEL_ID}/versions/1/publish", json={"visibility": "province"}))
    _add_modeler(province, "kq_modeler", "330603")
    refused = province.client("kq_modeler").post(f"/api/models/{MODEL_ID}/run", json={})
    assert refused.status_code == 400 and "pension_payment" in refused.json()["error"]["en"]
    bad_param = modeler.post(f"/api/models/{MODEL_ID}/run", json={"params": {"nope": 1}})
    assert bad_param.status_code == 400 and "nope" in bad_param.json()["error"]["en"]


def test_a_model_without_data_is_refused_before_a_job(province: Province) -> None:
    """case_filing_supervision reads police incidents, of which there are none."""
    refused = province.client("yc_modeler").post("/api/models/case_filing_supervision/run", json={})
    assert refused.status_code == 400
    assert "police_incident" in refused.json()["error"]["en"]
    assert "jiandu import" in refused.json()["error"]["en"] and refused.json()["error"]["zh"]


def test_a_run_that_fails_fails_its_job_bilingually_and_is_audited(
    province: Province, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ModelRunError("R-broken", "磁盘已满", "the disk is full")

    monkeypatch.setattr(models_routes, "run_model", broken)
    modeler = province.client("yc_modeler")
    started = _ok(modeler.post("/api/models/pension_after_death/run", json={}), 202)
    job = _wait_job(modeler, started["job_id"])
    assert job["status"] == "failed"
    assert "the disk is full" in job["error_en"] and "磁盘已满" in job["error_zh"]
    assert ("failed", "R-broken") in _audit(province, "model.run")


def test_builder_catalog_lists_types_fields_and_the_spec_choices(province: Province) -> None:
    yc = _ok(province.client("yc_modeler").get("/api/models/builder/catalog"))
    types = {t["id"]: t for t in yc["types"]}
    assert types["pension_payment"]["has_data"] is True
    assert types["company_registry"]["has_data"] is False  # 柯桥's
    assert "amount" in {f["name"] for f in types["pension_payment"]["fields"]}
    assert {p["name"] for p in yc["step_parts"]} == {
        "join", "filter", "group_by", "aggregate", "having", "derive", "keep"
    }  # fmt: skip
    assert yc["join_how"] == ["inner", "left", "exists", "not_exists"]
    assert "text_list" in yc["param_types"] and "person" in yc["subject_types"]
    kq = _ok(province.client("kq_pros").get("/api/models/builder/catalog"))
    kq_types = {t["id"]: t for t in kq["types"]}
    assert kq_types["pension_payment"]["has_data"] is False
    assert kq_types["company_registry"]["has_data"] is True


def test_every_library_model_round_trips_through_its_yaml(province: Province) -> None:
    """The YAML the model page shows is the model: validating it gives the same definition,
    and saving it unchanged stores nothing."""
    client = province.client("yc_modeler")
    for model in _ok(client.get("/api/models", params={"origin": "library"})):
        shown = _ok(client.get(f"/api/models/{model['id']}"))
        again = _ok(client.post("/api/models/validate", json={"yaml": shown["yaml"]}))
        assert again["valid"] is True, (model["id"], again["error"])
        assert again["definition"] == shown["definition"], model["id"]
        saved = _ok(client.post("/api/models", json={"yaml": shown["yaml"]}), 201)
        assert saved == {"id": model["id"], "version": model["version"], "created": False}
