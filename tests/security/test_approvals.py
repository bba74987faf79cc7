"""Export approvals: four eyes, row scope, expiry, single use, masked exports, audit.

Runs on SQLite and PostgreSQL (the `tree` fixture). The pool holds one pension dataset
and one model run owned by the county procuratorate `yc`; exports are written from
Parquet files made here (no import pipeline needed).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, exc, select, update
from sqlalchemy.orm import Session

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings
from jiandu.security import approvals, audit
from jiandu.security.approvals import ApprovalRefused, ExportError
from jiandu.security.clearance import ClearanceTooLow
from jiandu.security.errors import NotFound, PermissionDenied
from jiandu.security.permissions import Permission
from jiandu.security.principal import Principal, principal_for
from jiandu.security.users import create_user
from jiandu.store import pool_catalog
from jiandu.store.db import session_scope
from jiandu.store.schema import ApprovalRequest, AuditEntry, ModelRun

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
ID_NO = "330602195001011234"
PHONE_ID = "330602196502023456"
ROWS: list[dict[str, object]] = [
    {"id_card": ID_NO, "name": "欧阳娜娜", "amount": "2000.00", "x_备注": f"联系人 {PHONE_ID}"},
    {"id_card": PHONE_ID, "name": "=HYPERLINK(1)", "amount": "-3.50", "x_备注": None},
]


@dataclass(frozen=True)
class Traced:
    """A model's hit lineage, as `jiandu.models.lineage.HitLineage` gives it."""

    columns: Mapping[str, str]
    branches: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


@dataclass
class World:
    engine: Engine
    settings: Settings
    users: dict[str, str]

    def principal(self, session: Session, name: str) -> Principal:
        from jiandu.store.schema import UserAccount

        return principal_for(session, session.get_one(UserAccount, self.users[name]))


def _pool(settings: Settings, session: Session) -> None:
    pension = builtin_types()["pension_payment"]
    dataset = pool_catalog.ensure_dataset(session, pension)
    dataset.owner_unit = "yc"
    folder = settings.pool_dir / "pension_payment" / "B1"
    folder.mkdir(parents=True)
    table = pa.Table.from_pylist(
        [
            {**row, "id_card_birth_date": date(1950, 1, 1), "pay_month": date(2025, 1, 1)}
            for row in ROWS
        ]
    )
    pq.write_table(table, folder / "part-0.parquet")
    pool_catalog.record_batch(
        session,
        dataset_id="pension_payment",
        status="committed",
        content_hash="0" * 64,
        files=[],
        rows_read=2,
        rows_accepted=2,
        data_path="pool/pension_payment/B1",
        batch_id="B1",
    )
    run_dir = settings.home / "runs" / "R1"
    run_dir.mkdir(parents=True)
    hits = pa.table(
        {
            "branch": ["main"],
            "subject_type": ["person"],
            "subject_key": [ID_NO],
            "title": [f"欧阳娜娜（{ID_NO}）死亡后仍领取养老金"],
            "severity": ["high"],
            "evidence": [{"name": "欧阳娜娜"}],
            "name": ["欧阳娜娜"],
            "d_id_card": [ID_NO],
            "holder_phone": ["13812345678"],
        }
    )
    pq.write_table(hits, run_dir / "hits.parquet")
    session.add(
        ModelRun(
            id="R1",
            model_id="pension_after_death",
            model_version=2,
            model_origin="library",
            status="succeeded",
            params={},
            batches={"pension_payment": ["B1"]},
            hit_count=1,
            hits_path="runs/R1/hits.parquet",
            owner_unit="yc",
        )
    )


@pytest.fixture
def world(tree: Engine, tmp_path: Path) -> Iterator[World]:
    settings = Settings(home=tmp_path / "home", database_url=str(tree.url), engine="duckdb")
    users: dict[str, str] = {}
    people = {
        # name: (unit, roles, clearance)
        "pros": ("yc", ["prosecutor"], "sensitive"),
        "pros2": ("yc", ["prosecutor"], "internal"),
        "lead_yc": ("yc", ["leader"], "secret"),
        "lead_sx": ("sx", ["leader"], "secret"),
        "lead_hz": ("hz", ["leader"], "secret"),
        "steward": ("yc", ["data_steward"], "sensitive"),
        "modeler": ("yc", ["modeler"], "secret"),
    }
    with session_scope(tree) as session:
        for name, (unit, roles, clearance) in people.items():
            user = create_user(
                session,
                username=name,
                display_name=name,
                unit_id=unit,
                password=None,
                roles=roles,
                clearance=clearance,
                now=NOW,
            )
            users[name] = user.id
        _pool(settings, session)
    yield World(tree, settings, users)


def _request(world: World, who: str = "pros", **scope: object) -> str:
    full = {"object_kind": "dataset", "object_id": "pension_payment", "format": "csv", **scope}
    with session_scope(world.engine) as session:
        request = approvals.request_export(
            session,
            world.principal(session, who),
            purpose="移送公安机关核查",
            scope=full,
            now=NOW,
        )
        return request.id


def _decide(world: World, request_id: str, who: str = "lead_sx", approve: bool = True) -> None:
    with session_scope(world.engine) as session:
        approvals.decide(
            session, world.principal(session, who), request_id, approve, "同意", now=NOW
        )


def _actions(world: World) -> list[tuple[str, str]]:
    with session_scope(world.engine) as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq))
        return [(e.action, e.outcome) for e in entries]


def _refused(world: World, error: type[Exception], call: object) -> Exception:
    """Run `call(session)`, expect `error`, and keep the audit entry (commit the refusal)."""
    with session_scope(world.engine) as session, pytest.raises(error) as raised:
        call(session)  # type: ignore[operator]
    return raised.value


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_masked_csv_export_and_every_step_audited(world: World, tmp_path: Path) -> None:
    request_id = _request(world)
    _decide(world, request_id)
    target = tmp_path / "out" / "pension.csv"
    with session_scope(world.engine) as session:
        result = approvals.export_dataset(
            session,
            world.settings,
            world.principal(session, "pros"),
            request_id,
            target,
            now=NOW + timedelta(hours=1),
        )
    assert result.rows == 2 and not result.unmasked
    rows = _read_csv(target)
    assert rows[0]["id_card"] == "330602********1234"
    assert rows[0]["name"] == "欧阳**"
    # A text cell a spreadsheet would run as a formula is written as text.
    assert rows[1]["name"] == "'=" + "*" * 12
    text = target.read_text(encoding="utf-8-sig")
    assert "19500101" not in text and "1950-01-01" not in text
    # Derived columns of PII fields and unclassified extras are not exported masked.
    assert "id_card_birth_date" not in rows[0] and "x_备注" not in rows[0]
    assert [a for a, _ in _actions(world)][-4:] == [
        "export.request",
        "export.approve",
        "export.consume",
        "export.write",
    ]
    with session_scope(world.engine) as session:
        assert session.get_one(ApprovalRequest, request_id).status == "used"
        assert audit.verify(session).ok


def test_requester_cannot_approve_own_request(world: World) -> None:
    request_id = _request(world, who="lead_yc")
    _refused(
        world,
        ApprovalRefused,
        lambda s: approvals.decide(s, world.principal(s, "lead_yc"), request_id, True, now=NOW),
    )
    assert _actions(world)[-1] == ("export.approve", "denied")
    # The database refuses it too (CHECK four_eyes).
    with pytest.raises(exc.IntegrityError), session_scope(world.engine) as session:
        session.execute(
            update(ApprovalRequest)
            .where(ApprovalRequest.id == request_id)
            .values(status="approved", decided_by=world.users["lead_yc"], decided_at=NOW)
        )


def test_approver_outside_scope_is_told_not_found(world: World) -> None:
    request_id = _request(world)
    error = _refused(
        world,
        NotFound,
        lambda s: approvals.decide(s, world.principal(s, "lead_hz"), request_id, True, now=NOW),
    )
    assert "不存在或无权查看" in str(error)
    assert _actions(world)[-1] == ("export.approve", "denied")
    _refused(
        world,
        PermissionDenied,
        lambda s: approvals.decide(s, world.principal(s, "pros2"), request_id, True, now=NOW),
    )
    with session_scope(world.engine) as session:
        assert session.get_one(ApprovalRequest, request_id).status == "pending"


def test_request_outside_scope_or_clearance_is_refused(world: World) -> None:
    def ask(who: str, **scope: object) -> object:
        return lambda s: approvals.request_export(
            s,
            world.principal(s, who),
            purpose="核查",
            scope={"object_kind": "dataset", "object_id": "pension_payment", "format": "csv"}
            | scope,
            now=NOW,
        )

    _refused(world, NotFound, ask("lead_hz"))
    _refused(world, NotFound, ask("pros", object_id="no_such_dataset"))
    _refused(world, ClearanceTooLow, ask("pros2"))  # pension data is 'sensitive'
    _refused(world, PermissionDenied, ask("modeler"))  # no export.request
    _refused(world, PermissionDenied, ask("steward", unmask=True))  # no pii.unmask
    _refused(world, ExportError, ask("pros", format="pdf"))
    _refused(world, ExportError, ask("pros", extra="x"))
    assert ("export.request", "denied") in _actions(world)


def test_expired_and_reused_approvals_are_refused(world: World, tmp_path: Path) -> None:
    late = NOW + timedelta(days=8)
    stale = _request(world)
    _refused(
        world,
        ApprovalRefused,
        lambda s: approvals.decide(s, world.principal(s, "lead_sx"), stale, True, now=late),
    )
    approved = _request(world)
    _decide(world, approved)
    _refused(
        world,
        ApprovalRefused,
        lambda s: approvals.export_dataset(
            s, world.settings, world.principal(s, "pros"), approved, tmp_path / "a.csv", now=late
        ),
    )
    assert not (tmp_path / "a.csv").exists()
    fresh = _request(world)
    _decide(world, fresh)
    with session_scope(world.engine) as session:
        approvals.export_dataset(
            session,
            world.settings,
            world.principal(session, "pros"),
            fresh,
            tmp_path / "b.csv",
            now=NOW,
        )
    _refused(
        world,
        ApprovalRefused,
        lambda s: approvals.export_dataset(
            s, world.settings, world.principal(s, "pros"), fresh, tmp_path / "c.csv", now=NOW
        ),
    )
    assert not (tmp_path / "c.csv").exists()
    assert _actions(world)[-1] == ("export.consume", "denied")


def test_only_the_requester_consumes_and_only_when_approved(world: World) -> None:
    request_id = _request(world)
    _refused(
        world,
        ApprovalRefused,
        lambda s: approvals.consume(s, world.principal(s, "pros"), request_id, NOW),
    )
    _decide(world, request_id)
    _refused(
        world,
        NotFound,
        lambda s: approvals.consume(s, world.principal(s, "lead_sx"), request_id, NOW),
    )
    rejected = _request(world)
    _decide(world, rejected, approve=False)
    _refused(
        world,
        ApprovalRefused,
        lambda s: approvals.consume(s, world.principal(s, "pros"), rejected, NOW),
    )


def test_withdraw(world: World) -> None:
    request_id = _request(world)
    _refused(
        world,
        NotFound,
        lambda s: approvals.withdraw(s, world.principal(s, "pros2"), request_id, NOW),
    )
    with session_scope(world.engine) as session:
        approvals.withdraw(session, world.principal(session, "pros"), request_id, NOW)
    _refused(
        world,
        ApprovalRefused,
        lambda s: approvals.decide(s, world.principal(s, "lead_sx"), request_id, True, now=NOW),
    )
    assert ("export.withdraw", "ok") in _actions(world)


def test_unmasked_only_when_approved_and_held(world: World, tmp_path: Path) -> None:
    request_id = _request(world, unmask=True, format="jsonl")
    _decide(world, request_id)
    target = tmp_path / "raw.jsonl"
    with session_scope(world.engine) as session:
        result = approvals.export_dataset(
            session, world.settings, world.principal(session, "pros"), request_id, target, now=NOW
        )
    assert result.unmasked
    lines = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert lines[0]["id_card"] == ID_NO and lines[0]["name"] == "欧阳娜娜"
    assert ("pii.unmask", "ok") in _actions(world)

    # Approved for unmask, but the requester no longer holds pii.unmask: masked.
    second = _request(world, unmask=True, format="jsonl")
    _decide(world, second)
    target = tmp_path / "masked.jsonl"
    with session_scope(world.engine) as session:
        principal = world.principal(session, "pros")
        demoted = replace(principal, permissions=principal.permissions - {Permission.PII_UNMASK})
        result = approvals.export_dataset(session, world.settings, demoted, second, target, now=NOW)
    assert not result.unmasked
    assert ID_NO not in target.read_text(encoding="utf-8")


def test_xlsx_export_writes_formulas_as_text(world: World, tmp_path: Path) -> None:
    request_id = _request(world, unmask=True, format="xlsx", fields=["id_card", "name"])
    _decide(world, request_id)
    target = tmp_path / "out.xlsx"
    with session_scope(world.engine) as session:
        approvals.export_dataset(
            session, world.settings, world.principal(session, "pros"), request_id, target, now=NOW
        )
    sheet = load_workbook(target).active
    assert sheet is not None
    cells = list(sheet.iter_rows(values_only=True))
    assert cells[0] == ("id_card", "name")
    assert cells[2][1] == "=HYPERLINK(1)"
    assert sheet.cell(row=3, column=2).data_type == "s"


def test_run_hits_export_masks_title_and_keys(world: World, tmp_path: Path) -> None:
    request_id = _request(world, object_kind="run", object_id="R1")
    _decide(world, request_id)
    target = tmp_path / "hits.csv"
    with session_scope(world.engine) as session:
        result = approvals.export_run_hits(
            session, world.settings, world.principal(session, "pros"), request_id, target, now=NOW
        )
    assert "evidence" not in result.columns
    row = _read_csv(target)[0]
    assert row["title"] == "欧阳**（330602********1234）死亡后仍领取养老金"
    assert row["subject_key"] == "330602********1234"
    assert row["d_id_card"] == "330602********1234"
    assert row["holder_phone"] == "138****5678"
    assert row["severity"] == "high"
    assert "欧阳娜娜" not in target.read_text(encoding="utf-8-sig")


def test_run_hits_export_masks_by_the_runs_lineage(world: World, tmp_path: Path) -> None:
    request_id = _request(world, object_kind="run", object_id="R1")
    _decide(world, request_id)
    target = tmp_path / "hits.csv"
    asked: list[str] = []

    def lineage(run: ModelRun) -> Traced:
        asked.append(run.id)
        # What the model's steps say, whatever the columns are called.
        return Traced({"subject_key": "id", "holder_phone": "drop", "d_id_card": "text"})

    with session_scope(world.engine) as session:
        result = approvals.export_run_hits(
            session,
            world.settings,
            world.principal(session, "pros"),
            request_id,
            target,
            lineage=lineage,
            now=NOW,
        )
    assert asked == ["R1"]
    assert "holder_phone" not in result.columns  # lineage: derived from a PII field
    row = _read_csv(target)[0]
    assert row["subject_key"] == "330602********1234"
    assert row["d_id_card"] == "330602********1234"  # free text, still scrubbed
    assert row["name"] == "欧阳**"  # not in the lineage: matched by name
    assert row["title"] == "欧阳**（330602********1234）死亡后仍领取养老金"


def test_hits_policy_prefers_lineage_to_column_names() -> None:
    pension = builtin_types()["pension_payment"]
    columns = ["branch", "holder", "name", "id_card", "who", "title", "born", "plain"]
    by_name = approvals.hits_policy(columns, [pension])
    assert by_name["holder"] == "text" and by_name["name"] == "name"
    traced = {"holder": "name", "name": "text", "who": "contact", "born": "drop", "plain": "?"}
    policy = approvals.hits_policy(columns, [pension], traced)
    assert policy == {
        "holder": "name",  # max(name) AS holder
        "name": "text",  # e.g. a company's name in a column called "name"
        "id_card": "id",  # not traced: by name
        "who": "contact",
        "title": "text",
        "born": "drop",
        "plain": "text",  # an unknown class in the lineage is ignored
    }


def test_mask_hits_hides_an_aliased_name_and_the_same_name_in_the_title() -> None:
    pension = builtin_types()["pension_payment"]
    hits = pa.table(
        {
            "branch": ["main"],
            "subject_key": [ID_NO],
            "title": ["领取人欧阳娜娜死亡后仍领取养老金"],
            "holder": ["欧阳娜娜"],
        }
    )
    leaked = approvals.mask_hits(hits, [pension]).to_pylist()[0]
    assert leaked["holder"] == "欧阳娜娜"  # by name alone, "holder" is free text
    masked = approvals.mask_hits(hits, [pension], Traced({"holder": "name", "title": "text"}))
    row = masked.to_pylist()[0]
    assert row["holder"] == "欧阳**"
    assert row["title"] == "领取人欧阳**死亡后仍领取养老金"
    assert row["subject_key"] == "330602********1234"


def test_a_name_value_holding_a_phone_is_hidden_in_the_scrubbed_title() -> None:
    registry = builtin_types()["company_registry"]
    hits = pa.table(
        {
            "branch": ["shared_agent"],
            "title": ["登记代理人“黄文辉（15212344461）”名下8家企业无人参保"],
            "shared_value": ["黄文辉（15212344461）"],  # agent_name || '（' || agent_phone || '）'
        }
    )
    row = approvals.mask_hits(hits, [registry], Traced({"shared_value": "name"})).to_pylist()[0]
    assert "黄文辉" not in row["title"] and "15212344461" not in row["title"]
    assert row["title"].startswith("登记代理人“黄*") and row["shared_value"].startswith("黄*")


def test_a_column_that_is_free_text_in_one_branch_hides_the_rows_names() -> None:
    pension = builtin_types()["pension_payment"]
    hits = pa.table(
        {
            "branch": ["not_transferred", "buyer_is_debtor"],
            "owner_name": ["谭云晓", "欧阳娜娜"],
            # One branch writes a sentence around the name, another only names (name class).
            "finding": ["成交后138天仍登记在谭云晓名下", "欧阳娜娜"],
        }
    )
    traced = Traced(
        {"owner_name": "name", "finding": "name"},
        {
            "not_transferred": {"owner_name": "name", "finding": "text"},
            "buyer_is_debtor": {"owner_name": "name", "finding": "name"},
        },
    )
    rows = approvals.mask_hits(hits, [pension], traced).to_pylist()
    assert rows[0]["finding"] == "成交后138天仍登记在谭**名下"
    assert rows[1]["finding"] == "欧阳**"


def test_mask_hits_masks_each_row_by_its_branchs_classes() -> None:
    pension = builtin_types()["pension_payment"]
    hits = pa.table(
        {
            "branch": ["phone", "address", None],
            "title": ["电话13812345678", "住所绍兴市越城区人民路1号", "其他"],
            "shared": ["13812345678", "绍兴市越城区人民路1号", "13912345678"],
        }
    )
    traced = Traced(
        {"shared": "contact", "title": "text"},
        {"phone": {"shared": "contact"}, "address": {"shared": "text"}},
    )
    rows = approvals.mask_hits(hits, [pension], traced).to_pylist()
    assert [r["shared"] for r in rows] == ["138****5678", "绍兴市越城区人民路1号", "139****5678"]
    assert rows[0]["title"] == "电话138****5678"


def test_export_kind_must_match_the_approval(world: World, tmp_path: Path) -> None:
    request_id = _request(world)
    _decide(world, request_id)
    _refused(
        world,
        ExportError,
        lambda s: approvals.export_run_hits(
            s, world.settings, world.principal(s, "pros"), request_id, tmp_path / "x.csv", now=NOW
        ),
    )
    with session_scope(world.engine) as session:
        # The failed export rolled back: the approval is still usable.
        assert session.get_one(ApprovalRequest, request_id).status == "approved"
