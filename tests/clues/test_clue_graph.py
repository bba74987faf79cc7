"""The evidence graph of a clue (jiandu.clues.graph): parties, co-occurrence, masking."""

from __future__ import annotations

from typing import Any

import pytest

from jiandu.catalog.registry import all_types
from jiandu.clues.graph import MAX_NODES, evidence_graph
from jiandu.config import Settings

CASE = "（2022）浙0683执50001号"
ROWS: list[dict[str, Any]] = [
    {
        "branch": "not_transferred",
        "title": "司法拍卖：成交后仍登记在曾华国名下",
        "exec_case_no": CASE,
        "plate": "浙DN3017",
        "owner_name": "曾华国",
        "buyer_name": "付磊",
        "deal_price": "199900.00",
    },
    {
        "branch": "still_used",
        "title": "司法拍卖：仍有交通违法",
        "exec_case_no": CASE,
        "plate": "浙DN3017",
        "owner_name": "曾华国",
        "buyer_name": "付磊",
        "violations": 3,
    },
]
SHOWN = [{**row, "owner_name": "曾*国", "buyer_name": "付*"} for row in ROWS]


@pytest.fixture
def types(home: Settings) -> list[Any]:
    return list(all_types(home).values())


def test_parties_in_one_row_are_related_once_with_their_columns(types: list[Any]) -> None:
    graph = evidence_graph(ROWS, SHOWN, types)
    kinds = sorted((n["kind"], n["label"]) for n in graph["nodes"])
    assert kinds == [
        ("case", CASE),
        ("person", "付*"),
        ("person", "曾*国"),
        ("vehicle", "浙DN3017"),
    ]
    assert len(graph["edges"]) == 6  # four parties, every pair, each pair once
    by_id = {n["id"]: n for n in graph["nodes"]}
    (edge,) = [
        e
        for e in graph["edges"]
        if {by_id[e["source"]]["kind"], by_id[e["target"]]["kind"]} == {"case", "vehicle"}
    ]
    assert edge["rows"] == 2 and edge["columns"] == ["exec_case_no — plate"]
    assert "执行案号" in edge["label_zh"] and edge["label_en"]


def test_labels_come_from_the_shown_rows_and_ids_reveal_nothing(types: list[Any]) -> None:
    graph = evidence_graph(ROWS, SHOWN, types)
    text = repr(graph)
    assert "曾华国" not in text and "付磊" not in text
    assert all(n["id"].startswith("n") and n["id"][1:].isdigit() for n in graph["nodes"])


def test_an_id_number_and_a_name_of_one_party_make_one_node(types: list[Any]) -> None:
    rows = [
        {"owner_id_card": "330602195501012312", "owner_name": "张三丰", "plate": "浙D12345"},
        {"owner_id_card": "330602195501012312", "owner_name": "张三丰", "plate": "浙D67890"},
    ]
    shown = [{**r, "owner_id_card": "330602********2312", "owner_name": "张**"} for r in rows]
    graph = evidence_graph(rows, shown, types)
    people = [n for n in graph["nodes"] if n["kind"] == "person"]
    assert [p["label"] for p in people] == ["张**（330602********2312）"]
    assert sorted(n["label"] for n in graph["nodes"] if n["kind"] == "vehicle") == [
        "浙D12345",
        "浙D67890",
    ]
    assert len(graph["edges"]) == 2  # the owner and each car; the cars never met


def test_unknown_aliases_are_recognised_by_their_values(types: list[Any]) -> None:
    rows = [{"lender": "91330603MA2D4XQ73L", "suit": CASE, "amount": "3000"}]
    graph = evidence_graph(rows, rows, types)
    assert sorted(n["kind"] for n in graph["nodes"]) == ["case", "company"]


def test_nothing_to_relate_is_an_empty_graph(types: list[Any]) -> None:
    rows = [{"id_card": "330602195501012312", "name": "张三丰", "amount": "3000"}]
    assert evidence_graph(rows, rows, types) == {"nodes": [], "edges": []}
    assert evidence_graph([], [], types) == {"nodes": [], "edges": []}


def test_the_graph_stops_growing_at_its_limit(types: list[Any]) -> None:
    rows = [{"exec_case_no": CASE, "plate": f"浙D{i:05d}"} for i in range(MAX_NODES + 20)]
    graph = evidence_graph(rows, rows, types)
    assert len(graph["nodes"]) == MAX_NODES
