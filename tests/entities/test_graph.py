"""The relationship graph (`jiandu.entities.graph`): components, 2-core rings, degrees and
neighbourhoods agree with plain breadth-first search and leaf-by-leaf peeling on random
graphs (self-loops, repeated edges and isolated nodes included), on hand-drawn shapes and
on long chains; `related_pairs` agrees with a brute-force search over paths and keeps the
pair's own case, the hub cap and the tie-break as documented."""

from __future__ import annotations

from collections import deque

import duckdb
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiandu.entities import graph
from jiandu.entities.graph import (
    components,
    degrees,
    neighbourhood,
    related_pairs,
    rings,
    two_core,
)

# --- pure-Python references ------------------------------------------------------------


def adjacency(n: int, edges: list[tuple[int, int]]) -> list[set[int]]:
    neighbours: list[set[int]] = [set() for _ in range(n)]
    for a, b in edges:
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    return neighbours


def bfs(neighbours: list[set[int]], seeds: list[int], hops: int | None = None) -> dict[int, int]:
    distance = dict.fromkeys(seeds, 0)
    queue = deque(seeds)
    while queue:
        node = queue.popleft()
        if hops is not None and distance[node] == hops:
            continue
        for other in neighbours[node]:
            if other not in distance:
                distance[other] = distance[node] + 1
                queue.append(other)
    return distance


def reference_components(n: int, edges: list[tuple[int, int]]) -> list[int]:
    neighbours = adjacency(n, edges)
    labels = [-1] * n
    for node in range(n):  # ascending: the first node reached is the component's smallest
        if labels[node] < 0:
            for member in bfs(neighbours, [node]):
                labels[member] = node
    return labels


def reference_core(n: int, edges: list[tuple[int, int]]) -> list[bool]:
    neighbours = adjacency(n, edges)
    alive = [True] * n
    removed = True
    while removed:  # one leaf at a time, the textbook way
        removed = False
        for node in range(n):
            if alive[node] and sum(alive[o] for o in neighbours[node]) <= 1:
                alive[node] = False
                removed = True
    return alive


def reference_rings(n: int, edges: list[tuple[int, int]], min_size: int) -> list[int]:
    core = reference_core(n, edges)
    inner = [(a, b) for a, b in edges if core[a] and core[b]]
    labels = reference_components(n, inner)
    sizes = {label: sum(1 for i in range(n) if core[i] and labels[i] == label) for label in labels}
    return [labels[i] if core[i] and sizes[labels[i]] >= min_size else -1 for i in range(n)]


def arrays(edges: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    src = np.array([a for a, _ in edges], dtype=np.int64)
    dst = np.array([b for _, b in edges], dtype=np.int64)
    return src, dst


@st.composite
def graphs(draw: st.DrawFn, max_nodes: int = 24) -> tuple[int, list[tuple[int, int]]]:
    n = draw(st.integers(0, max_nodes))
    if n == 0:
        return 0, []
    node = st.integers(0, n - 1)
    edges = draw(st.lists(st.tuples(node, node), max_size=3 * n))
    # Repeat some edges, some reversed: duplicates must change nothing.
    repeats = draw(st.lists(st.sampled_from(edges), max_size=4)) if edges else []
    return n, edges + [(b, a) for a, b in repeats]


# --- properties ------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_components_match_breadth_first_search(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    assert components(n, *arrays(edges)).tolist() == reference_components(n, edges)


@settings(max_examples=150, deadline=None)
@given(graphs(), st.integers(1, 6))
def test_two_core_and_rings_match_peeling(
    case: tuple[int, list[tuple[int, int]]], min_size: int
) -> None:
    n, edges = case
    src, dst = arrays(edges)
    assert two_core(n, src, dst).tolist() == reference_core(n, edges)
    assert rings(n, src, dst, min_size=min_size).tolist() == reference_rings(n, edges, min_size)


@settings(max_examples=150, deadline=None)
@given(graphs())
def test_degrees_count_distinct_neighbours(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    assert degrees(n, *arrays(edges)).tolist() == [len(s) for s in adjacency(n, edges)]


@settings(max_examples=150, deadline=None)
@given(graphs(), st.data())
def test_neighbourhood_matches_breadth_first_search(
    case: tuple[int, list[tuple[int, int]]], data: st.DataObject
) -> None:
    n, edges = case
    if n == 0:
        return
    seeds = data.draw(st.lists(st.integers(0, n - 1), max_size=4))
    hops = data.draw(st.integers(0, 2 * graph._SCAN_HOPS))  # both the scan and the CSR
    nodes, distance = neighbourhood(n, *arrays(edges), np.array(seeds, dtype=np.int64), hops)
    expected = sorted((d, node) for node, d in bfs(adjacency(n, edges), seeds, hops).items())
    assert list(zip(distance.tolist(), nodes.tolist(), strict=True)) == expected


# --- hand cases ------------------------------------------------------------------------


def two_triangles_and_a_bridge() -> list[tuple[int, int]]:
    return [(0, 1), (1, 2), (2, 0), (3, 4), (4, 5), (5, 3), (2, 3)]


def test_a_triangle_is_a_ring_and_a_path_is_not() -> None:
    triangle = arrays([(0, 1), (1, 2), (2, 0)])
    assert rings(3, *triangle).tolist() == [0, 0, 0]
    path = arrays([(0, 1), (1, 2), (2, 3)])
    assert not two_core(4, *path).any()
    assert rings(4, *path).tolist() == [-1] * 4


def test_two_triangles_joined_by_a_bridge_are_one_ring_of_six() -> None:
    edges = [*two_triangles_and_a_bridge(), (5, 6), (6, 7), (1, 8)]  # tails hang off it
    src, dst = arrays(edges)
    assert two_core(9, src, dst).tolist() == [True] * 6 + [False] * 3
    assert rings(9, src, dst).tolist() == [0] * 6 + [-1] * 3
    assert rings(9, src, dst, min_size=7).tolist() == [-1] * 9
    assert components(10, src, dst).tolist() == [0] * 9 + [9]


def test_a_square_a_star_and_a_double_edge() -> None:
    square = arrays([(0, 1), (1, 2), (2, 3), (3, 0)])
    assert rings(4, *square, min_size=4).tolist() == [0, 0, 0, 0]
    assert rings(4, *square, min_size=5).tolist() == [-1] * 4
    star = arrays([(0, leaf) for leaf in range(1, 6)])
    assert degrees(6, *star).tolist() == [5, 1, 1, 1, 1, 1]
    assert not two_core(6, *star).any()
    # Two parallel edges and a self-loop are not a cycle.
    parallel = arrays([(0, 1), (1, 0), (0, 1), (1, 1)])
    assert not two_core(2, *parallel).any()
    assert degrees(2, *parallel).tolist() == [1, 1]


def test_empty_and_edgeless_graphs() -> None:
    none = np.empty(0, dtype=np.int64)
    assert components(0, none, none).tolist() == []
    assert two_core(0, none, none).tolist() == []
    assert rings(0, none, none).tolist() == []
    assert degrees(0, none, none).tolist() == []
    assert components(3, none, none).tolist() == [0, 1, 2]
    assert rings(3, np.array([]), np.array([])).tolist() == [-1, -1, -1]
    nodes, distance = neighbourhood(3, none, none, np.array([2, 2]), 3)
    assert (nodes.tolist(), distance.tolist()) == ([2], [0])
    nodes, distance = neighbourhood(3, none, none, none, 3)
    assert nodes.size == distance.size == 0


def test_long_chains_take_few_rounds() -> None:
    # A chain of 200,000 nodes in shuffled order, with a triangle at one end: label
    # propagation would need 200,000 rounds, leaf-by-leaf peeling 200,000 too.
    n = 200_000
    order = np.random.default_rng(3).permutation(n)
    src = np.concatenate([order[:-1], order[[0]]])
    dst = np.concatenate([order[1:], order[[2]]])
    assert (components(n, src, dst) == 0).all()
    core = two_core(n, src, dst)
    assert set(np.flatnonzero(core).tolist()) == set(order[:3].tolist())
    nodes, distance = neighbourhood(n, src, dst, order[[n // 2]], 10)
    assert sorted(nodes.tolist()) == sorted(order[n // 2 - 10 : n // 2 + 11].tolist())
    assert distance.max() == 10


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        components(3, np.array([0, 3]), np.array([1, 1]))
    with pytest.raises(ValueError, match="differ in length"):
        degrees(3, np.array([0, 1]), np.array([1]))
    with pytest.raises(ValueError, match="integer"):
        two_core(3, np.array([0.0]), np.array([1.0]))
    with pytest.raises(ValueError, match="negative"):
        neighbourhood(3, np.array([0]), np.array([1]), np.array([0]), -1)
    with pytest.raises(ValueError, match="outside"):
        neighbourhood(3, np.array([0]), np.array([1]), np.array([-1]), 1)


# --- related pairs ---------------------------------------------------------------------

Edge = tuple[str, str, str, str | None]
Pair = tuple[int, str, str, str | None]


def database(
    edges: list[Edge], pairs: list[Pair], con: duckdb.DuckDBPyConnection | None = None
) -> duckdb.DuckDBPyConnection:
    con = con or duckdb.connect()
    both = [(a, b, r, c) for a, b, r, c in edges] + [(b, a, r, c) for a, b, r, c in edges]
    edge_rows = pa.table(
        [pa.array(column, pa.string()) for column in zip(*both, strict=True)]
        if both
        else [pa.array([], pa.string())] * 4,
        names=["entity_a", "entity_b", "relation", "case_no"],
    )
    pair_rows = pa.table(
        {
            "pair_id": pa.array([p[0] for p in pairs], pa.int64()),
            "a": pa.array([p[1] for p in pairs], pa.string()),
            "b": pa.array([p[2] for p in pairs], pa.string()),
            "case_no": pa.array([p[3] for p in pairs], pa.string()),
        }
    )
    con.register("edge_rows", edge_rows)
    con.register("pair_rows", pair_rows)
    con.execute("CREATE OR REPLACE TABLE edges AS SELECT * FROM edge_rows")
    con.execute("CREATE OR REPLACE TABLE pairs AS SELECT * FROM pair_rows")
    return con


def reference_related(
    edges: list[Edge], pairs: list[Pair], max_hops: int, max_degree: int | None
) -> list[dict[str, str | int | None]]:
    rows = [(a, b, r, c) for a, b, r, c in edges] + [(b, a, r, c) for a, b, r, c in edges]
    neighbours: dict[str, set[str]] = {}
    for a, b, _, _ in rows:
        if a != b:
            neighbours.setdefault(a, set()).add(b)

    def usable(case: str | None, pair_case: str | None) -> bool:
        return case is None or pair_case is None or case != pair_case

    found: list[dict[str, str | int | None]] = []
    for pair_id, a, b, pair_case in sorted(pairs):
        if a == b:
            continue
        one = sorted(r for x, y, r, c in rows if (x, y) == (a, b) and usable(c, pair_case))
        if one:
            found.append({"pair_id": pair_id, "hops": 1, "via": None, "path": one[0]})
            continue
        if max_hops < 2:
            continue
        two = sorted(
            (r1, r2, x)
            for s, x, r1, c1 in rows
            if s == a and x not in (a, b) and usable(c1, pair_case)
            if max_degree is None or len(neighbours.get(x, ())) <= max_degree
            for x2, t, r2, c2 in rows
            if x2 == x and t == b and usable(c2, pair_case)
        )
        if two:
            r1, r2, via = two[0]
            found.append({"pair_id": pair_id, "hops": 2, "via": via, "path": f"{r1}>{r2}"})
    return found


# One connection for all examples: a fresh one per example is most of the test's time.
SHARED = duckdb.connect(config={"threads": 1})
ENTITIES = st.sampled_from("ABCDEFG")
RELATIONS = st.sampled_from(["agent", "co_party", "employer", "same_phone"])
CASES = st.sampled_from(["C1", "C2", "C3", None])


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(ENTITIES, ENTITIES, RELATIONS, CASES), max_size=25),
    st.lists(st.tuples(ENTITIES, ENTITIES, CASES), max_size=8),
    st.sampled_from([1, 2]),
    st.sampled_from([None, 1, 2, 3]),
)
def test_related_pairs_match_brute_force(
    edges: list[Edge],
    raw_pairs: list[tuple[str, str, str | None]],
    max_hops: int,
    max_degree: int | None,
) -> None:
    pairs = [(i, a, b, c) for i, (a, b, c) in enumerate(raw_pairs)]
    con = database(edges, pairs, SHARED)
    found = related_pairs(con, "edges", "pairs", max_hops=max_hops, max_degree=max_degree)
    assert found.to_pylist() == reference_related(edges, pairs, max_hops, max_degree)


def test_the_pairs_own_case_does_not_relate_it() -> None:
    edges: list[Edge] = [
        ("A", "B", "co_party", "C1"),  # the case itself
        ("A", "X", "agent", "C2"),
        ("X", "B", "agent", "C3"),
        ("A", "Y", "agent", "C1"),  # through the case itself: no
        ("Y", "B", "agent", "C4"),
        ("P", "Q", "same_phone", None),  # no case: always counts
    ]
    pairs: list[Pair] = [
        (1, "A", "B", "C1"),
        (2, "A", "B", "C9"),
        (3, "P", "Q", "C1"),
        (4, "A", "A", "C9"),
        (5, "A", "Q", "C9"),
    ]
    found = related_pairs(database(edges, pairs), "edges", "pairs").to_pylist()
    assert found == [
        {"pair_id": 1, "hops": 2, "via": "X", "path": "agent>agent"},
        {"pair_id": 2, "hops": 1, "via": None, "path": "co_party"},
        {"pair_id": 3, "hops": 1, "via": None, "path": "same_phone"},
    ]
    one_hop = related_pairs(database(edges, pairs), "edges", "pairs", max_hops=1)
    assert one_hop.column("pair_id").to_pylist() == [2, 3]


def test_ties_break_on_relation_then_via() -> None:
    edges: list[Edge] = [
        ("A", "Y", "co_party", "C2"),
        ("Y", "B", "agent", "C2"),
        ("A", "X", "agent", "C2"),  # smallest first relation, larger second one
        ("X", "B", "legal_rep", "C2"),
        ("A", "W", "agent", "C3"),  # the same, through a smaller via
        ("W", "B", "legal_rep", "C3"),
        ("W", "B", "same_phone", None),
    ]
    found = related_pairs(database(edges, [(7, "A", "B", "C1")]), "edges", "pairs")
    assert found.to_pylist() == [{"pair_id": 7, "hops": 2, "via": "W", "path": "agent>legal_rep"}]
    edges.append(("A", "B", "same_phone", None))  # one hop beats every two-hop path
    found = related_pairs(database(edges, [(7, "A", "B", "C1")]), "edges", "pairs")
    assert found.to_pylist() == [{"pair_id": 7, "hops": 1, "via": None, "path": "same_phone"}]


def test_hub_middles_are_skipped_unless_asked_for() -> None:
    # H is everyone's bank; M relates A and B on its own, with a worse relation name.
    edges: list[Edge] = [("H", f"E{i}", "same_address", None) for i in range(5)]
    edges += [("A", "H", "agent", "C2"), ("H", "B", "agent", "C3")]
    edges += [("A", "M", "employer", "C2"), ("M", "B", "employer", "C3")]
    edges += [("A", "Z", "co_party", "C1")]  # A has more edges: A–B is walked from B
    pairs: list[Pair] = [(1, "A", "B", "C1"), (2, "E0", "E1", "C1")]
    con = database(edges, pairs)
    capped = related_pairs(con, "edges", "pairs", max_degree=6)
    assert capped.to_pylist() == [
        {"pair_id": 1, "hops": 2, "via": "M", "path": "employer>employer"}
    ]
    loose = related_pairs(con, "edges", "pairs", max_degree=None)
    assert loose.to_pylist() == [
        {"pair_id": 1, "hops": 2, "via": "H", "path": "agent>agent"},
        {"pair_id": 2, "hops": 2, "via": "H", "path": "same_address>same_address"},
    ]


def test_a_hub_endpoint_is_walked_from_the_other_end() -> None:
    # A has many edges, B few: the path is found from B and still reads a–x, x–b.
    edges: list[Edge] = [("A", f"E{i}", "co_party", "C5") for i in range(20)]
    edges += [("A", "X", "legal_rep", "C2"), ("X", "B", "employer", "C3")]
    pairs: list[Pair] = [(1, "A", "B", "C1"), (2, "B", "A", "C1")]
    found = related_pairs(database(edges, pairs), "edges", "pairs").to_pylist()
    assert found == [
        {"pair_id": 1, "hops": 2, "via": "X", "path": "legal_rep>employer"},
        {"pair_id": 2, "hops": 2, "via": "X", "path": "employer>legal_rep"},
    ]


def test_relations_by_qualified_name_and_bad_names() -> None:
    con = database([("A", "B", "agent", "C2")], [(1, "A", "B", "C1")])
    con.execute("CREATE SCHEMA g")
    con.execute("CREATE VIEW g.e AS SELECT * FROM edges")
    assert related_pairs(con, "g.e", "pairs").num_rows == 1
    with pytest.raises(ValueError, match="not a table or view name"):
        related_pairs(con, "edges; DROP TABLE pairs", "pairs")
    with pytest.raises(ValueError, match="must be 1 or 2"):
        related_pairs(con, "edges", "pairs", max_hops=3)
