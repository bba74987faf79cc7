"""Planter of 破产虚假劳动债权 (bankruptcy_false_labor_claim): the model finds exactly the
planted true cases, every decoy stays quiet although it sits next to a rule's edge, and
no other library model fires on these bankruptcies."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.catalog.registry import builtin_types
from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.planters import bankruptcy_false_labor_claim as planter
from jiandu.demo.planters.bankruptcy_false_labor_claim import (
    BRANCHES,
    DECOY_KINDS,
    MODEL_ID,
    plant,
)
from jiandu.demo.world import DEMO_AS_OF, DemoData, World
from jiandu.models import compile_model, library_models

# (seed, cases): a dozen cases, and one per branch.
SCENARIOS = [(11, 12), (12, len(BRANCHES))]
SUBJECT_KEY = re.compile(r"^（20\d\d）浙\d{4}破\d{5}号\|\d{17}[\dX]$")


def planted(seed: int, cases: int) -> DemoData:
    data = DemoData()
    plant(World(seed), data, cases)
    return data


Scenario = tuple[DemoData, duckdb.DuckDBPyConnection, dict[str, set[str]]]


@cache
def scenario_of(seed: int, cases: int) -> Scenario:
    """Planted data, its pool and the model's hits with the default parameters."""
    data = planted(seed, cases)
    con = pool(data)
    return data, con, found(con, MODEL_ID)


@pytest.fixture(params=SCENARIOS, ids=lambda s: f"seed{s[0]}-cases{s[1]}")
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return scenario_of(*request.param)


@pytest.fixture
def dozen() -> Scenario:
    """The 12-case scenario, for the decoy tests."""
    return scenario_of(*SCENARIOS[0])


def fired(con: duckdb.DuckDBPyConnection, params: dict[str, Any]) -> dict[str, set[str]]:
    """{subject_key: branches} of this model with `params` instead of the defaults."""
    compiled = compile_model(library_models()[MODEL_ID], params, as_of=DEMO_AS_OF)
    result: dict[str, set[str]] = {}
    sql = f"SELECT subject_key, branch FROM ({compiled.sql('duckdb')})"
    for key, branch in con.execute(sql).fetchall():
        result.setdefault(str(key), set()).add(str(branch))
    return result


@contextmanager
def rolled_back(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Changes made inside are undone afterwards (the pool is shared by the module)."""
    con.execute("BEGIN")
    try:
        yield
    finally:
        con.execute("ROLLBACK")


# -- true cases ------------------------------------------------------------------------------
def test_the_model_finds_exactly_the_planted_cases(scenario: Scenario) -> None:
    data, _, hits = scenario
    truth = expected(data, MODEL_ID)
    assert truth
    assert hits == truth


@pytest.mark.parametrize("cases", [0, 1, len(BRANCHES), 12, 40])
def test_cases_are_dealt_round_robin_over_the_branches(cases: int) -> None:
    data = planted(5, cases)
    per_branch = Counter(case.branch for case in data.truth if case.model_id == MODEL_ID)
    share = {
        branch: cases // len(BRANCHES) + (i < cases % len(BRANCHES))
        for i, branch in enumerate(BRANCHES)
    }
    assert per_branch == Counter({branch: n for branch, n in share.items() if n})
    # One case per claimant: no subject is planted twice.
    assert len({case.subject_key for case in data.truth}) == cases


def test_subject_keys_are_the_bankruptcy_case_and_the_claimant(dozen: Scenario) -> None:
    data, _, _ = dozen
    keys = [case.subject_key for case in data.truth] + [d.subject_key for d in data.decoys]
    assert all(SUBJECT_KEY.match(key) for key in keys), keys


def test_planting_is_deterministic() -> None:
    first, second = planted(21, 12), planted(21, 12)
    assert first.rows == second.rows
    assert first.truth == second.truth and first.decoys == second.decoys
    assert planted(22, 12).rows != first.rows


def test_rows_respect_the_dataset_keys(scenario: Scenario) -> None:
    """Two rows with one key would collapse into one at import: none share a key, and
    every required field is filled."""
    data, _, _ = scenario
    types = builtin_types()
    for type_id, rows in data.rows.items():
        dataset = types[type_id]
        required = {f.name for f in dataset.fields if f.required}
        for row in rows:
            assert required <= set(row), (type_id, row)
        for key in dataset.keys:
            values = [tuple(row.get(name) for name in key) for row in rows]
            duplicates = [v for v, n in Counter(values).items() if n > 1]
            assert not duplicates, (type_id, key, duplicates[:3])


def test_stories_stay_in_the_demo_period(scenario: Scenario) -> None:
    _, con, _ = scenario
    first, last = con.execute(
        "SELECT min(d), max(d) FROM ("
        " SELECT month AS d FROM social_insurance UNION ALL"
        " SELECT filed_date FROM bankruptcy_claim UNION ALL"
        " SELECT employed_from FROM bankruptcy_claim UNION ALL"
        " SELECT decided_date FROM labor_arbitration UNION ALL"
        " SELECT filing_date FROM court_case UNION ALL SELECT closing_date FROM court_case)"
    ).fetchone() or (None, None)
    assert first >= date(2022, 1, 1) and last <= DEMO_AS_OF, (first, last)


# -- decoys ----------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", DECOY_KINDS)
def test_each_decoy_kind_is_planted_and_left_alone(dozen: Scenario, kind: str) -> None:
    data, _, hits = dozen
    keys = decoy_keys(data, MODEL_ID).get(kind, set())
    assert len(keys) >= 2
    assert not keys & set(hits)


def test_only_the_listed_decoy_kinds_are_planted(dozen: Scenario) -> None:
    data, _, _ = dozen
    assert set(decoy_keys(data, MODEL_ID)) == set(DECOY_KINDS)


# Moving the threshold a decoy sits next to makes it fire: the decoys are look-alikes on the
# quiet side of that very rule. Each parameter moves one rule only, so one run with all of
# them moved serves every kind.
EDGES: dict[str, tuple[str, Any, str]] = {
    "real_worker": ("real_record_coverage", 1.01, "mediated_before_filing"),
    "real_worker_batch": ("real_record_coverage", 1.01, "agent_batch"),
    "short_employment": ("min_employment_days", 10, "no_contributions"),
    "mediation_before_window": ("mediation_window_days", 111, "mediated_before_filing"),
    "suit_before_window": ("suit_window_days", 401, "suit_before_acceptance"),
    "non_labour_suit": ("labor_cause_pattern", "劳动|工资|经济补偿|借贷", "suit_before_acceptance"),
    "claim_under_limit": ("max_claim_amount", 289_999, "large_claim"),
    "claim_under_base_multiple": ("base_multiple", 33, "large_claim"),
    "batch_spread": ("batch_amount_spread", 0.3, "agent_batch"),
    "batch_too_few": ("batch_min_claims", 4, "agent_batch"),
    "batch_above_small_claim": ("small_claim_amount", 60_000, "agent_batch"),
}


@cache
def moved_hits() -> dict[str, set[str]]:
    """Hits on the 12-case scenario with every threshold of EDGES moved."""
    _, con, _ = scenario_of(*SCENARIOS[0])
    return fired(con, {name: value for name, value, _ in EDGES.values()})


@pytest.mark.parametrize("kind", sorted(EDGES))
def test_decoys_fire_once_their_threshold_moves(dozen: Scenario, kind: str) -> None:
    data, _, _ = dozen
    _, _, branch = EDGES[kind]
    hits = moved_hits()
    keys = decoy_keys(data, MODEL_ID)[kind]
    assert all(branch in hits.get(key, set()) for key in keys), kind


def test_real_workers_were_also_sued_within_the_year(dozen: Scenario) -> None:
    data, _, _ = dozen
    hits = moved_hits()
    for key in decoy_keys(data, MODEL_ID)["real_worker"]:
        assert {"mediated_before_filing", "suit_before_acceptance"} <= hits[key]


def test_the_planters_thresholds_are_the_models_defaults() -> None:
    """The planter's edges (where its decoys sit) are the YAML's default parameters."""
    defaults = {p.name: p.default for p in library_models()[MODEL_ID].parameters}
    planted_edges = {
        "min_employment_days": planter.MIN_EMPLOYMENT_DAYS,
        "max_claim_amount": planter.MAX_CLAIM,
        "base_multiple": planter.BASE_MULTIPLE,
        "mediation_window_days": planter.MEDIATION_WINDOW_DAYS,
        "suit_window_days": planter.SUIT_WINDOW_DAYS,
        "small_claim_amount": planter.SMALL_CLAIM,
        "batch_min_claims": planter.BATCH_MIN_CLAIMS,
        "batch_amount_spread": planter.BATCH_SPREAD,
    }
    for name, value in planted_edges.items():
        assert Decimal(str(defaults[name])) == value, name


def test_an_award_in_the_window_would_fire_as_a_mediation(dozen: Scenario) -> None:
    data, con, _ = dozen
    keys = decoy_keys(data, MODEL_ID)["award_in_window"]
    with rolled_back(con):
        con.execute(
            "UPDATE labor_arbitration SET closing_method = '调解' WHERE closing_method = '裁决'"
        )
        hits = found(con, MODEL_ID)
    assert all(hits.get(key) == {"mediated_before_filing"} for key in keys)


def test_other_company_rep_relatives_really_live_with_a_legal_representative(
    dozen: Scenario,
) -> None:
    """The look-alike is real: the claimant shares a court-file address with a registered
    legal representative, only not the debtor's; made the debtor's, that one would fire."""
    data, con, _ = dozen
    keys = decoy_keys(data, MODEL_ID)["other_company_rep_relative"]
    links = con.execute(
        "SELECT DISTINCT c.case_no || '|' || c.claimant_id_card, c.debtor_uscc, r.uscc,"
        " r.legal_rep_id_card, r.legal_rep_name"
        " FROM bankruptcy_claim c"
        " JOIN court_party p ON p.id_card = c.claimant_id_card"
        " JOIN court_party o ON o.address = p.address AND o.id_card <> p.id_card"
        " JOIN company_registry r ON r.legal_rep_id_card = o.id_card"
    ).fetchall()
    by_key = {key: (debtor, firm, rep, name) for key, debtor, firm, rep, name in links}
    assert keys <= set(by_key)
    assert all(by_key[key][0] != by_key[key][1] for key in keys)
    key = min(keys)
    debtor, _, rep, name = by_key[key]
    with rolled_back(con):
        con.execute(
            "UPDATE company_registry SET legal_rep_id_card = ?, legal_rep_name = ? WHERE uscc = ?",
            [rep, name, debtor],
        )
        hits = found(con, MODEL_ID)
    assert "legal_rep_relative" in hits.get(key, set())


# -- other models ----------------------------------------------------------------------------
def test_no_other_library_model_fires(dozen: Scenario) -> None:
    _, con, _ = dozen
    others = {m: found(con, m) for m in MODEL_IDS if m != MODEL_ID}
    assert others == {m: {} for m in others}
