"""related_party_litigation: each branch on hand-made relations, every look-alike left alone.

The pool (reference date 2024-06-30) holds court_case rows, the party_relation rows the
entity resolver would compute for them and the entity_edge rows of the agents:

- 民初1 (same phone, mediated), 民初5 (same address, judgment awarding the whole claim,
  no outcome recorded), 民初13 (legal representative of both defendants, withdrawn) →
  direct link; 民初13 counts its two related pairs once.
- 民初2 (one agent for both sides in this case), 民初4 (legal_rep>employer, outcome 支持)
  → two hops.
- 民初3: agent>agent, but the agent acted for the defendant in another case → quiet.
- 民初6 (80% awarded), 民初7 (claim rejected), 民初8 (divorce), 民初9 (invoices between the
  parties), 民初10 (pending), 民初11 (closed after the reference date), 民特12 (a judicial
  confirmation, not a suit) → quiet.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import duckdb
import pytest
from library_pool import emptied, hit_keys, hits, library_spec, table

from jiandu.catalog.registry import builtin_types
from jiandu.models.lineage import hit_lineage

MODEL = "related_party_litigation"


def cn(n: int, kind: str = "民初") -> str:
    return f"（2023）浙0602{kind}{n}号"


def case(
    n: int,
    *,
    method: str | None = "调解",
    outcome: str | None = None,
    cause: str = "民间借贷纠纷",
    awarded: str | None = "100000",
    closed: date | None = date(2024, 3, 1),
    kind: str = "民初",
) -> dict[str, Any]:
    return {
        "case_no": cn(n, kind),
        "case_type": kind,
        "cause": cause,
        "filing_date": date(2023, 11, 1),
        "closing_date": closed if method else None,
        "closing_method": method,
        "outcome": outcome,
        "amount_claimed": Decimal("100000"),
        "amount_awarded": Decimal(awarded) if awarded else None,
    }


def relation(
    n: int, path: str, *, a: str = "A", b: str = "B", via: str | None = None, kind: str = "民初"
) -> dict[str, Any]:
    hops = path.count(">") + 1
    return {
        "case_no": cn(n, kind),
        "party_a": f"P{n}{a}",
        "party_a_name": f"原告{n}{a}",
        "party_a_role": "原告",
        "party_b": f"P{n}{b}",
        "party_b_name": f"被告{n}{b}",
        "party_b_role": "被告",
        "hops": hops,
        "via": f"X{n}" if hops == 2 else None,
        "via_name": via if hops == 2 else None,
        "path": path,
    }


def agent_edge(n: int, side: str, case_n: int) -> dict[str, Any]:
    return {
        "entity_a": f"X{n}",
        "entity_b": f"P{n}{side}",
        "relation": "agent",
        "case_no": cn(case_n),
        "source_dataset": "court_party",
        "weight": 1,
    }


@pytest.fixture(scope="module")
def pool() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    table(
        con,
        "court_case",
        [
            case(1),
            case(2, method="撤诉", awarded=None),
            case(3),
            case(4, method="判决", outcome="支持"),
            case(5, method="判决"),
            case(6, method="判决", awarded="80000"),
            case(7, method="判决", outcome="驳回", awarded=None),
            case(8, cause="离婚纠纷"),
            case(9, cause="买卖合同纠纷"),
            case(10, method=None),
            case(11, closed=date(2024, 7, 2)),
            case(12, kind="民特"),
            case(13, method="撤诉", awarded=None, cause="借款合同纠纷"),
        ],
    )
    table(
        con,
        "party_relation",
        [
            relation(1, "same_phone"),
            relation(2, "agent>agent", via="代理人甲"),
            relation(3, "agent>agent", via="律师乙"),
            relation(4, "legal_rep>employer", via="某公司"),
            relation(5, "same_address"),
            relation(6, "same_address"),
            relation(7, "same_phone"),
            relation(8, "same_address"),
            relation(9, "invoice"),
            relation(10, "same_phone"),
            relation(11, "same_phone"),
            relation(12, "same_phone", kind="民特"),
            relation(13, "legal_rep", b="B1"),
            relation(13, "legal_rep", b="B2"),
        ],
    )
    table(
        con,
        "entity_edge",
        [
            agent_edge(2, "A", 2),
            agent_edge(2, "B", 2),
            agent_edge(3, "A", 3),
            agent_edge(3, "B", 99),
        ],
    )
    return con


def test_branches(pool: duckdb.DuckDBPyConnection) -> None:
    assert hit_keys(pool, MODEL) == {
        cn(1): {"direct_link"},
        cn(5): {"direct_link"},
        cn(13): {"direct_link"},
        cn(2): {"shared_agent_or_two_hops"},
        cn(4): {"shared_agent_or_two_hops"},
    }


def test_evidence(pool: duckdb.DuckDBPyConnection) -> None:
    found = {h["subject_key"]: h for h in hits(pool, MODEL)}
    two = found[cn(2)]
    assert two["via_name"] == "代理人甲" and two["path"] == "agent>agent"
    assert two["relation"] == "代理人—代理人" and two["closing"] == "撤诉"
    assert two["title"] == (
        f"民间借贷纠纷{cn(2)}（撤诉）：原告原告2A与被告被告2B在本案外关联（经代理人甲：代理人—代理人）"
    )
    assert found[cn(4)]["relation"] == "法定代表人—用工单位"
    assert found[cn(4)]["closing"] == "判决全部支持"
    assert found[cn(5)]["closing"] == "判决全部支持"
    assert found[cn(1)]["link"] == "电话相同" and found[cn(1)]["hops"] == 1
    assert found[cn(13)]["related_pairs"] == 2
    assert found[cn(1)]["amount_claimed"] == Decimal("100000")


def test_parameters(pool: duckdb.DuckDBPyConnection) -> None:
    found = hit_keys(pool, MODEL, params={"natural_causes": [], "natural_relations": []})
    assert {cn(8), cn(9)} <= set(found)
    found = hit_keys(pool, MODEL, params={"closing_methods": ["调解"]})
    assert cn(2) not in found and cn(13) not in found and cn(1) in found
    assert cn(12, "民特") in hit_keys(pool, MODEL, params={"case_types": ["民初", "民特"]})


def test_backtest_as_of(pool: duckdb.DuckDBPyConnection) -> None:
    assert cn(11) in hit_keys(pool, MODEL, as_of=date(2024, 7, 31))
    assert cn(1) not in hit_keys(pool, MODEL, as_of=date(2024, 2, 1))


def test_without_entity_edges_a_shared_agent_is_not_confirmed(
    pool: duckdb.DuckDBPyConnection,
) -> None:
    with emptied(pool, "entity_edge"):
        found = hit_keys(pool, MODEL)
    assert cn(2) not in found and cn(1) in found and cn(4) in found


def test_names_are_personal_data() -> None:
    lineage = hit_lineage(library_spec(MODEL), builtin_types())
    assert lineage is not None
    for column in ("party_a_name", "party_b_name", "via_name"):
        assert lineage.columns[column] == "name"
    assert lineage.columns["path"] == "text"
