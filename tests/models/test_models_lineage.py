"""Hit lineage: which personal data each output column of a model carries, traced through
its steps (or its SQL) to the fields of the source dataset types, whatever the columns
are called."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings
from jiandu.models import compile_model, library_models, lineage
from jiandu.models.lineage import hit_lineage, run_lineage, trace_hits
from jiandu.models.registry import definition_of, import_model
from jiandu.models.spec import ModelSpec, parse_model
from jiandu.store.db import session_scope
from jiandu.workspace import open_workspace

TYPES = builtin_types()
CLASSES = {"id", "contact", "name", "text", "drop"}
BASE: dict[str, Any] = {
    "id": "probe",
    "name_zh": "探针模型",
    "name_en": "Probe",
    "legal_basis": ["测试"],
    "explanation_zh": "测试用",
}


def _spec(**parts: Any) -> ModelSpec:
    return parse_model({**BASE, **parts})


@pytest.mark.parametrize("model_id", sorted(library_models()))
def test_every_column_of_every_library_model_is_traced(model_id: str) -> None:
    spec = library_models()[model_id]
    traced = trace_hits(spec, TYPES)
    compiled = compile_model(spec, types=TYPES)
    output = set(compiled.output_columns) - {"evidence"}
    assert set(traced.columns) == output
    assert set(traced.columns.values()) <= CLASSES
    assert traced.columns["title"] == "text"  # literal text around the columns
    assert list(traced.branches) == [b.id for b in compiled.branches]
    for classes in traced.branches.values():
        assert set(classes) == output
        # Over all branches, a column is masked at least as strictly as in any one.
        for column, own in classes.items():
            if own in ("id", "contact", "name"):
                assert traced.columns[column] in ("id", "contact", "name")


# Columns of the library whose names say nothing (or the wrong thing) about their data.
LIBRARY_EXPECTED = {
    "refusal_to_execute": {
        "name": "name",  # max(respondent_name)
        "subject_key": "id",
        "exec_case_no": "text",
        "finding": "text",
        "acts": "text",
    },
    "auction_vehicle_not_transferred": {"owner_name": "name", "buyer_name": "name"},
    "insurance_false_litigation": {"plaintiff": "name", "agent": "text"},
    "pension_after_death": {"name": "name", "subject_key": "id", "months": "text"},
    "bankruptcy_false_labor_claim": {
        "claimant_name": "name",
        "agent_name": "name",
        "debtor_name": "text",  # an enterprise: organisation names are not PII
    },
    "false_judicial_confirmation": {"shared_phone": "contact", "respondent_name": "name"},
    "case_filing_supervision": {"suspect_id_card": "id", "suspect_name": "name"},
    "professional_lender": {"name": "name", "subject_key": "id"},
    "medical_insurance_fraud": {"name": "name", "subject_key": "id"},
}


@pytest.mark.parametrize("model_id", sorted(LIBRARY_EXPECTED))
def test_library_aliases_get_the_class_of_their_source_field(model_id: str) -> None:
    traced = trace_hits(library_models()[model_id], TYPES).columns
    assert {c: traced[c] for c in LIBRARY_EXPECTED[model_id]} == LIBRARY_EXPECTED[model_id]


STEPS_SPEC: dict[str, Any] = {
    "parameters": [
        {
            "name": "words",
            "type": "text_list",
            "default": ["张"],
            "label_zh": "词",
            "label_en": "Words",
        }
    ],
    "sources": {"pay": "pension_payment", "death": "death_record"},
    "steps": [
        {
            "name": "joined",
            "from": "pay",
            "join": [{"with": "death", "keys": {"id_card": "id_card"}, "how": "left"}],
            "derive": {
                "holder": "name",
                "who": "coalesce(death_name, name)",
                "label": "'领取人' || name",
                "region": "substr(id_card, 1, 6)",
                "dead": "death_id_card is not null",
                "odd": "contains_any(name, $words)",
                "kind": "case when name is null then '无名' else '有名' end",
            },
        },
        {
            "name": "people",
            "from": "joined",
            "group_by": ["id_card"],
            "aggregate": {
                "holder": "max(holder)",
                "who": "min(who)",
                "people": "count(distinct name)",
                "unnamed": "count_if(name is null)",
                "tag": "max(label)",
                "mixed": "max(coalesce(name, id_card))",
                "region": "max(region)",
                "kind": "max(kind)",
                "total": "sum(amount)",
                "dead": "max(case when dead then 1 else 0 end)",
                "odd": "max(odd)",
            },
        },
        {
            "name": "renamed",
            "from": "people",
            "derive": {"person": "holder"},
            "keep": [
                "id_card",
                "person",
                "who",
                "people",
                "unnamed",
                "tag",
                "mixed",
                "region",
                "kind",
                "total",
                "dead",
                "odd",
            ],
        },
    ],
    "clue": {
        "subject_type": "person",
        "subject_key": "id_card",
        "title": "{person}：{tag}",
        "evidence": [
            "person",
            "who",
            "people",
            "unnamed",
            "tag",
            "mixed",
            "region",
            "kind",
            "total",
            "dead",
            "odd",
        ],
    },
}


def test_aliases_aggregates_and_concatenations_in_steps() -> None:
    traced = trace_hits(_spec(**STEPS_SPEC), TYPES)
    assert dict(traced.branches["main"]) == dict(traced.columns)
    assert traced.columns == {
        "branch": "text",
        "subject_type": "text",
        "subject_key": "id",
        # "{person}：{tag}" holds nothing but personal data and literals: masked whole
        # (a title with any other column is free text, the row's names hidden inside).
        "title": "name",
        "severity": "text",
        "person": "name",  # renamed twice: holder <- max(holder) <- name
        "who": "name",  # coalesce of two name fields
        "people": "text",  # a count of names is not a name
        "unnamed": "text",  # a condition on a name is not a name
        "tag": "name",  # '领取人' || name: personal data joined only with literals
        "mixed": "name",  # name or ID number: the strictest mask
        "region": "id",  # a piece of an ID number is masked as one
        "kind": "text",  # the CASE tests the name; its values are literals
        "total": "text",
        "dead": "text",
        "odd": "text",  # a test of the name, not the name
    }


def test_branches_combine_to_the_class_that_masks_more() -> None:
    spec = _spec(
        sources={"pay": "pension_payment"},
        steps=[
            {
                "name": "named",
                "from": "pay",
                "group_by": ["id_card"],
                "aggregate": {"who": "max(name)", "months": "count(*)"},
            },
            {
                "name": "numbered",
                "from": "pay",
                "group_by": ["id_card"],
                "aggregate": {"who": "max(account_no)", "months": "count(*)"},
            },
            {
                "name": "silent",
                "from": "pay",
                "group_by": ["id_card"],
                "aggregate": {"months": "count(*)"},
            },
        ],
        clue={
            "subject_type": "person",
            "subject_key": "id_card",
            "title": "{months}",
            "evidence": ["who", "months"],
            "branches": [
                {"id": "a", "name_zh": "甲", "name_en": "A", "from": "named"},
                {"id": "b", "name_zh": "乙", "name_en": "B", "from": "numbered"},
                {"id": "c", "name_zh": "丙", "name_en": "C", "from": "silent"},
            ],
        },
    )
    traced = trace_hits(spec, TYPES)
    assert traced.columns["who"] == "name"  # a name in one branch, text or NULL in others
    assert traced.columns["months"] == "text"
    # Per branch, each row is masked by its own branch's classes.
    assert [traced.branches[b]["who"] for b in "abc"] == ["name", "text", "text"]


def test_sql_models_are_traced_through_ctes_subqueries_and_stars() -> None:
    sql = """
    with people as (select id_card, name as holder, phone_like from (
        select id_card, name, account_no as phone_like from pension_payment))
    select p.id_card, max(p.name) as holder, array_agg(p.name) as names,
           any_value(p.id_card) as anyid, max(p.id_card_birth_date) as born,
           count(*) as n, '编号' || max(p.id_card) as label,
           (select max(q.holder) from people q) as sub
    from pension_payment p group by p.id_card
    """
    spec = _spec(
        sources={"p": "pension_payment"},
        sql=sql,
        clue={
            "subject_type": "person",
            "subject_key": "id_card",
            "title": "{holder}",
            "evidence": ["holder", "names", "anyid", "born", "n", "label", "sub"],
        },
    )
    traced = trace_hits(spec, TYPES).columns
    assert {c: traced[c] for c in ("subject_key", "title", "holder", "names", "anyid")} == {
        "subject_key": "id",
        "title": "name",  # the title is the name alone
        "holder": "name",
        "names": "name",
        "anyid": "id",
    }
    assert traced["born"] == "drop"  # derived from the ID number: left out when masked
    assert traced["n"] == "text"
    assert traced["label"] == "id"  # '编号' || max(id_card): an ID number with a literal
    assert traced["sub"] == "name"  # a scalar subquery over a CTE

    star = _spec(
        sources={"p": "pension_payment"},
        sql="with t as (select * from (select id_card, name as holder, amount "
        "from pension_payment)) select t.id_card, t.holder, t.amount, t.holder as again from t",
        clue={
            "subject_type": "person",
            "subject_key": "id_card",
            "title": "x",
            "evidence": ["holder", "amount", "again"],
        },
    )
    assert {
        c: v
        for c, v in trace_hits(star, TYPES).columns.items()
        if c in ("holder", "amount", "again")
    } == {
        "holder": "name",
        "amount": "text",
        "again": "name",
    }


def test_lineage_is_cached_per_model_version_and_content(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = lineage.trace_hits

    def counting(spec: ModelSpec, types: Any) -> lineage.HitLineage:
        calls.append(spec.id)
        return real(spec, types)

    monkeypatch.setattr(lineage, "trace_hits", counting)
    monkeypatch.setattr(lineage, "_MEMO", {})
    spec = _spec(**STEPS_SPEC)
    first = hit_lineage(spec, TYPES)
    second = hit_lineage(spec, TYPES)
    assert first is second and first is not None and first.columns["person"] == "name"
    assert len(calls) == 1
    with pytest.raises(TypeError):
        first.columns["person"] = "text"  # type: ignore[index]  # read-only
    # A draft with the same id and version but other content is traced afresh.
    other = _spec(**{**STEPS_SPEC, "clue": {**STEPS_SPEC["clue"], "title": "{person}"}})
    assert hit_lineage(other, TYPES) is not None
    assert len(calls) == 2


def test_a_spec_that_does_not_compile_has_no_lineage() -> None:
    spec = _spec(**STEPS_SPEC)
    types = {k: v for k, v in TYPES.items() if k != "death_record"}
    assert hit_lineage(spec, types) is None


def test_run_lineage_finds_the_runs_model_version(home: Settings, tmp_path: Path) -> None:
    engine = open_workspace(home).engine
    probe = _spec(**{**STEPS_SPEC, "id": "stored_probe", "version": 3})
    path = tmp_path / "probe.yaml"
    path.write_text(yaml.safe_dump(definition_of(probe), allow_unicode=True), encoding="utf-8")
    with session_scope(engine) as session:
        import_model(session, path, TYPES)
    with session_scope(engine) as session:
        library = run_lineage(session, "refusal_to_execute", 1, TYPES)
        assert library is not None and library.columns["name"] == "name"
        stored = run_lineage(session, "stored_probe", 3, TYPES)
        assert stored is not None and stored.columns["person"] == "name"
        # A version nobody knows any more: masking falls back to column names.
        assert run_lineage(session, "refusal_to_execute", 99, TYPES) is None
        assert run_lineage(session, "stored_probe", 1, TYPES) is None
