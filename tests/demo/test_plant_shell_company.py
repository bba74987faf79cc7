"""The shell_company planter: its shell groups are exactly what the model finds, its
decoys stay quiet but sit next to the rule they dodge, its groups survive losing a row,
and no other library model fires on its stories."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import cache
from typing import Any

import duckdb
import pytest
from demo_harness import decoy_keys, expected, found, pool

from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.planters.shell_company import BRANCHES, DECOY_KINDS, MODEL, plant
from jiandu.demo.world import DEMO_AS_OF, DemoData, World
from jiandu.models import compile_model, library_models

OIL_WORDS = ("油", "芳烃", "轻烃", "碳九", "碳十")


def planted(seed: int, cases: int) -> DemoData:
    data = DemoData()
    plant(World(seed), data, cases)
    return data


@pytest.fixture(scope="module")
def data() -> DemoData:
    return planted(seed=11, cases=12)


@pytest.fixture(scope="module")
def con(data: DemoData) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = pool(data)
    yield connection
    connection.close()


@cache
def _sql(params: str) -> str:
    """The model's DuckDB SQL with `params` (JSON) overridden, compiled once per test run."""
    compiled = compile_model(library_models()[MODEL], json.loads(params), as_of=DEMO_AS_OF)
    return compiled.sql("duckdb")


def found_with(
    con: duckdb.DuckDBPyConnection, params: dict[str, Any] | None = None
) -> dict[str, set[str]]:
    """Like the harness's `found` for this model, with some parameters overridden."""
    result: dict[str, set[str]] = {}
    sql = _sql(json.dumps(params or {}, sort_keys=True))
    for key, branch in con.execute(f"SELECT subject_key, branch FROM ({sql})").fetchall():
        result.setdefault(str(key), set()).add(str(branch))
    return result


@pytest.fixture(scope="module")
def hits(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    hits = found_with(con)
    assert hits == found(con, MODEL)  # the cached SQL is the harness's
    return hits


def group_keys(row: dict[str, Any]) -> set[str]:
    """The subject keys a registry row would be grouped under, as the model writes them."""
    keys = {f"住所：{row['reg_address']}", f"联系电话：{row['phone']}"}
    if "agent_name" in row:
        keys.add(f"登记代理人：{row['agent_name']}（{row['agent_phone']}）")
    return keys


def members(data: DemoData) -> dict[str, list[dict[str, Any]]]:
    """{subject key: the registry rows grouped under it}."""
    result: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in data.rows["company_registry"]:
        for key in group_keys(row):
            result[key].append(row)
    return result


def test_model_finds_exactly_the_planted_groups(data: DemoData, hits: dict[str, set[str]]) -> None:
    truth = expected(data, MODEL)
    assert len(truth) == 12
    assert Counter(b for branches in truth.values() for b in branches) == dict.fromkeys(BRANCHES, 4)
    assert hits == truth


def test_groups_have_six_to_nine_shells_and_at_most_one_real_company(data: DemoData) -> None:
    insured = {r["employer_uscc"] for r in data.rows["social_insurance"] if r["month"].year == 2024}
    groups = members(data)
    for key in expected(data, MODEL):
        shells = [row for row in groups[key] if row["uscc"] not in insured]
        assert 6 <= len(shells) <= 9
        assert len(groups[key]) - len(shells) <= 1


def test_one_group_per_branch_with_another_seed() -> None:
    data = planted(seed=5, cases=len(BRANCHES))
    truth = expected(data, MODEL)
    assert sorted(b for branches in truth.values() for b in branches) == sorted(BRANCHES)
    assert found_with(pool(data)) == truth


def test_every_decoy_kind_is_planted(data: DemoData) -> None:
    counts = Counter(d.kind for d in data.decoys)
    assert counts == {**dict.fromkeys(DECOY_KINDS, 6), "namesake_agents": 30}
    assert not set().union(*decoy_keys(data, MODEL).values()) & set(expected(data, MODEL))


@pytest.mark.parametrize("kind", DECOY_KINDS)
def test_decoys_stay_quiet(kind: str, data: DemoData, hits: dict[str, set[str]]) -> None:
    keys = decoy_keys(data, MODEL)[kind]
    assert len(keys) == (30 if kind == "namesake_agents" else 6)
    assert all(members(data)[key] for key in keys)  # the keys are real groups
    assert not keys & set(hits)


def test_shared_things_rotate_over_the_branches(data: DemoData) -> None:
    for kind in ("group_of_four", "dormant_no_invoices", "invoices_outside_window"):
        prefixes = {key.split("：")[0] for key in decoy_keys(data, MODEL)[kind]}
        assert prefixes == {"住所", "联系电话", "登记代理人"}


# Parameters that move one rule just past some decoys (these then fire their group's
# branch): too few shells, shells not the majority, the window's two ends.
LOOSER: dict[str, dict[str, Any]] = {
    "group_of_four": {"min_shells": 4},
    "incubator_with_staff": {"min_shell_share": 0.4},
    "shells_in_minority": {"min_shell_share": 0.4},
    "invoices_outside_window": {"window_days": 900},
    "staff_left_in_window": {"window_days": 330},
}
BRANCH_OF = {"住所": "shared_address", "联系电话": "shared_phone", "登记代理人": "shared_agent"}


@pytest.mark.parametrize("kind", sorted(LOOSER))
def test_decoys_fire_once_their_rule_is_loosened(
    kind: str, data: DemoData, con: duckdb.DuckDBPyConnection
) -> None:
    hits = found_with(con, LOOSER[kind])
    for key in decoy_keys(data, MODEL)[kind]:
        assert hits.get(key) == {BRANCH_OF[key.split("：")[0]]}


def test_dormant_groups_fire_once_they_invoice(
    data: DemoData, con: duckdb.DuckDBPyConnection
) -> None:
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            """INSERT INTO tax_invoice (invoice_no, seller_uscc, seller_name, goods_name, amount,
                                        issue_date)
            SELECT 'T' || uscc, uscc, name, '*劳务*服务费', 50000, DATE '2024-01-15'
            FROM company_registry
            WHERE uscc NOT IN (SELECT seller_uscc FROM tax_invoice WHERE seller_uscc IS NOT NULL)"""
        )
        hits = found_with(con)
    finally:
        con.execute("ROLLBACK")
    for key in decoy_keys(data, MODEL)["dormant_no_invoices"]:
        assert hits.get(key) == {BRANCH_OF[key.split("：")[0]]}


def test_namesake_agents_fire_once_their_phones_are_unknown(
    data: DemoData, con: duckdb.DuckDBPyConnection
) -> None:
    """Without the phones that tell them apart, five namesakes look like one agent."""
    names = {
        key.split("：")[1].split("（")[0] for key in decoy_keys(data, MODEL)["namesake_agents"]
    }
    assert len(names) == 6
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("UPDATE company_registry SET agent_phone = NULL")
        hits = found_with(con)
    finally:
        con.execute("ROLLBACK")
    for name in names:
        assert hits.get(f"登记代理人：{name}") == {"shared_agent"}


def test_groups_survive_losing_a_company_and_an_invoice_of_each(
    data: DemoData, con: duckdb.DuckDBPyConnection
) -> None:
    """The demo's files lose a few corrupted rows: every group still fires without one of
    its shells' registry rows and every company's largest invoice (shells have 2-3)."""
    truth = expected(data, MODEL)
    groups = members(data)
    gone = [groups[key][0]["uscc"] for key in truth]
    invoices: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in data.rows["tax_invoice"]:
        invoices[row["seller_uscc"]].append(row)
    dropped = [
        max(rows, key=lambda r: r["amount"])["invoice_no"]
        for rows in invoices.values()
        if len(rows) >= 2
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM company_registry WHERE list_contains(?, uscc)", [gone])
        con.execute("DELETE FROM tax_invoice WHERE list_contains(?, invoice_no)", [dropped])
        assert found_with(con) == truth
    finally:
        con.execute("ROLLBACK")


def test_shells_invoice_nothing_oil_like(data: DemoData) -> None:
    goods = {row["goods_name"] for row in data.rows["tax_invoice"]}
    assert not [name for name in goods if any(word in name for word in OIL_WORDS)]


@pytest.mark.parametrize("model_id", [m for m in MODEL_IDS if m != MODEL])
def test_no_other_model_fires(model_id: str, con: duckdb.DuckDBPyConnection) -> None:
    assert found(con, model_id) == {}


def test_planting_is_deterministic() -> None:
    first, second = planted(seed=3, cases=3), planted(seed=3, cases=3)
    assert first.rows == second.rows
    assert first.truth == second.truth
    assert first.decoys == second.decoys
