"""Names in hits are masked by lineage, not by column name (over the API).

A model imported into the province outputs the pensioner's name as `holder`
(`max(name)`), a name no dataset type has: before lineage, masking took it for free text
and showed the name, in the hits, the clue title and the evidence. Now the column is
traced to `pension_payment.name` and masked as a name everywhere a reader without
unmasking sees it — run hits, clue list and detail (evidence, snapshots), the builder's
preview and the approved export — and shown only through the audited unmask path.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from web_province import NAME, PERSON, Province

from jiandu.catalog.registry import all_types, builtin_types
from jiandu.clues.sync import sync_run
from jiandu.models.registry import get_model, import_model
from jiandu.models.runner import run_model
from jiandu.security.approvals import hits_policy
from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, ModelRun
from jiandu.workspace import open_workspace

MODEL = "pension_alias_probe"
MASKED = "张**"
PROBE: dict[str, Any] = {
    "id": MODEL,
    "version": 1,
    "name_zh": "别名探针",
    "name_en": "Alias probe",
    "legal_basis": ["测试"],
    "explanation_zh": "列名不说明其数据：领取人姓名以 holder 输出。",
    "visibility": "province",
    "sources": {"pay": "pension_payment"},
    "steps": [
        {
            "name": "holders",
            "from": "pay",
            "group_by": ["id_card"],
            "aggregate": {"holder": "max(name)", "months": "count(distinct pay_month)"},
        }
    ],
    "clue": {
        "subject_type": "person",
        "subject_key": "id_card",
        "title": "领取人{holder}领取养老金{months}个月",
        "evidence": ["holder", "months"],
    },
}


def _probe_run(province: Province, tmp_path: Path) -> str:
    """Import and run the probe model for 越城 and sync its clue; the run id."""
    settings = province.settings
    workspace = open_workspace(settings)
    path = tmp_path / "probe.yaml"
    path.write_text(yaml.safe_dump(PROBE, allow_unicode=True), encoding="utf-8")
    types = all_types(settings)
    with session_scope(workspace.engine) as session:
        import_model(session, path, types)
    with session_scope(workspace.engine) as session:
        entry = get_model(session, MODEL, 1)
    record = run_model(workspace, entry)
    with session_scope(workspace.engine) as session:
        run = session.get_one(ModelRun, record.run_id)
        run.owner_unit = "330602"
        session.flush()
        assert sync_run(session, settings, run, actor="test").new == 1
    return record.run_id


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _audited(province: Province, action: str) -> list[str]:
    with session_scope(open_workspace(province.settings).engine) as session:
        query = select(AuditEntry.outcome).where(AuditEntry.action == action)
        return list(session.scalars(query))


def test_the_column_name_alone_would_not_mask_the_name() -> None:
    # Why lineage is needed: "holder" is no field of any dataset type.
    policy = hits_policy(["holder", "title"], [builtin_types()["pension_payment"]])
    assert policy == {"holder": "text", "title": "text"}


def test_aliased_name_is_masked_in_hits_clues_and_evidence(
    province: Province, tmp_path: Path
) -> None:
    run_id = _probe_run(province, tmp_path)
    yc = province.client("yc_pros")

    hits = yc.get(f"/api/runs/{run_id}/hits")
    body = _ok(hits)
    (row,) = body["rows"]
    assert body["masked"] and row["holder"] == MASKED
    assert row["title"] == f"领取人{MASKED}领取养老金12个月"
    assert row["subject_key"] == PERSON[:6] + "*" * 8 + PERSON[-4:]
    assert NAME not in hits.text and PERSON not in hits.text

    listed = yc.get("/api/clues", params={"model_id": MODEL})
    (clue,) = _ok(listed)
    assert clue["title"] == f"领取人{MASKED}领取养老金12个月"
    assert NAME not in listed.text and PERSON not in listed.text

    detail = yc.get(f"/api/clues/{clue['id']}")
    record = _ok(detail)
    assert [e["holder"] for e in record["evidence"]] == [MASKED]
    assert record["evidence"][0]["title"] == f"领取人{MASKED}领取养老金12个月"
    assert NAME not in detail.text and PERSON not in detail.text  # snapshots, graph too

    # Only the audited unmask path shows the name.
    plain = _ok(yc.get(f"/api/clues/{clue['id']}", params={"unmask": "true", "reason": "核查"}))
    assert [e["holder"] for e in plain["evidence"]] == [NAME]
    assert NAME in plain["title"]
    (raw,) = _ok(yc.get(f"/api/runs/{run_id}/hits", params={"unmask": "true"}))["rows"]
    assert raw["holder"] == NAME
    assert _audited(province, "pii.unmask").count("ok") == 2

    # A reader without pii.unmask is refused, and the refusal is audited.
    external = province.client("ext")
    assert external.get(f"/api/runs/{run_id}/hits", params={"unmask": "true"}).status_code in (
        403,
        404,
    )


def test_preview_of_a_draft_masks_the_aliased_name(province: Province) -> None:
    modeler = province.client("yc_modeler")
    answer = modeler.post("/api/models/preview", json={"spec": {**PROBE, "id": "draft_probe"}})
    body = _ok(answer)
    assert body["masked"] and body["hit_count"] == 1
    (row,) = body["hits"]
    assert row["holder"] == MASKED and MASKED in row["title"]
    assert NAME not in answer.text and PERSON not in answer.text


def test_approved_export_of_the_run_masks_the_aliased_name(
    province: Province, tmp_path: Path
) -> None:
    run_id = _probe_run(province, tmp_path)
    requester, approver = province.client("yc_leader"), province.client("sx_leader")
    asked = requester.post(
        "/api/exports",
        json={
            "purpose": "移送线索核查",
            "scope": {"object_kind": "run", "object_id": run_id, "format": "csv"},
        },
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["id"]
    _ok(approver.post(f"/api/exports/{request_id}/decision", json={"approve": True}))
    download = requester.post(f"/api/exports/{request_id}/download")
    assert download.status_code == 200, download.text
    exported = download.content.decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(exported)))
    assert row["holder"] == MASKED and MASKED in row["title"]
    assert NAME not in exported and PERSON not in exported
