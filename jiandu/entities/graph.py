"""The relationship graph of 一人一档: components, rings, neighbourhoods and related pairs.

Entities (people, organisations, vehicles) and the relations between them (co-party,
agent, legal representative, same phone…) form an undirected graph with millions of
nodes. Supervision asks a few questions of it, answered here without a per-node Python
loop and without a graph library (networkx keeps Python dicts per node and per edge,
far too slow and large for millions of them; igraph would be a compiled dependency for
five functions):

- `components`: who is connected to whom at all (the `component_id` of `entity`);
- `two_core` and `rings`: the rings (关系圈) — what is left after repeatedly removing
  every node with at most one neighbour, i.e. the nodes on a cycle or on a path between
  cycles. A fixed team of plaintiff, agent and debtor that meets again and again closes
  cycles; a one-off suit is a tree and vanishes;
- `neighbourhood`: everything within k hops of some seeds (the graph panel of a profile);
- `degrees`: distinct neighbours per node (the `degree` of `entity`);
- `related_pairs`: for the parties of a case, whether they are related OUTSIDE that case,
  within one or two hops (`party_relation`; the evidence of collusive litigation 虚假诉讼).

Nodes are the indexes 0..n-1; edges are two equal-length integer arrays `src`, `dst`,
undirected. Self-loops and duplicate edges are allowed everywhere and ignored: a node is
not its own neighbour, and two parallel edges are one relation, not a cycle.

How, and why this way:

- `components` is min-label hooking with pointer jumping (the Shiloach–Vishkin scheme):
  every round, each edge offers the smaller of its two endpoints' roots to the larger
  root (`np.minimum.at`), then every label is replaced by its label's label until nothing
  moves (shortcutting), and the edges are contracted to edges between roots, dropping
  those inside one. Each round is a handful of numpy passes, and the rounds are few:
  3 for a random graph of a million nodes and three million edges, 14 for a chain of a
  million nodes in shuffled order, 19 in bit-reversed order (measured; the number of
  roots falls geometrically on these, though min-hooking has no proven O(log n) bound),
  where plain label propagation needs as many rounds as the graph's diameter (a
  million for that chain).
- `two_core` peels, but not one leaf per round: a round computes the degrees
  (`np.bincount`), finds the chains of nodes of degree <= 2 (components of the
  subgraph on them) and removes, at once, every chain that holds a node of degree <= 1.
  A dangling path of any length goes in one round; a dangling tree loses at least half
  of its leaves per round, so the rounds are logarithmic in the tree's size instead of
  its depth (leaf-by-leaf peeling takes 500,000 rounds on a chain of a million nodes).
- `neighbourhood` is breadth-first search by whole frontiers. Small hop counts, the usual
  case, scan the edge arrays once per hop (a boolean gather per edge); beyond
  `_SCAN_HOPS` hops a CSR adjacency (edges sorted as source·n + target keys, offsets by
  `np.cumsum` of `np.bincount`) is built once and each frontier is expanded with
  `np.repeat` over its offsets, so the work per hop is the frontier's degree. Measured on
  3M edges (bench/graph_bench.py): building the CSR costs ten times a 2-hop scan.
- `related_pairs` is SQL on DuckDB: the edges and pairs already live there, and the
  2-hop search is a pair of hash joins, not a recursive CTE (a recursive CTE enumerates
  every walk; a join with the exact middle-to-end key looks one up).
"""

from __future__ import annotations

import re
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

__all__ = [
    "components",
    "degrees",
    "neighbourhood",
    "related_pairs",
    "rings",
    "two_core",
]

#: Hop counts up to this scan the edge arrays per hop; more build a CSR adjacency first.
_SCAN_HOPS = 4
#: Edge keys source·n + target must fit in int64.
_MAX_NODES = 3_000_000_000

_RELATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*){0,2}")


# --- input checks and edge normalisation -----------------------------------------------


def _index_type(n: int) -> type[np.signedinteger[Any]]:
    """int32 node indexes where they fit: gathers and scatters over half the bytes run
    about twice as fast (measured on 3M edges)."""
    return np.int32 if n <= np.iinfo(np.int32).max else np.int64


def _as_nodes(values: np.ndarray, n: int, what: str) -> np.ndarray:
    """`values` as node indexes of `_index_type(n)`, checked to lie in 0..n-1."""
    array = np.asarray(values)
    if array.ndim != 1:
        raise ValueError(f"{what} 必须是一维数组 / {what} must be a one-dimensional array")
    if array.size == 0:
        return np.empty(0, dtype=_index_type(n))
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{what} 必须是整数节点编号 / {what} must hold integer node indexes")
    if int(array.min()) < 0 or int(array.max()) >= n:
        raise ValueError(
            f"{what} 中的节点编号超出 0..{n - 1} / {what} holds node indexes outside 0..{n - 1}"
        )
    return array.astype(_index_type(n), copy=False)


def _edges(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The edges as node-index arrays after checking them; self-loops dropped."""
    if n < 0:
        raise ValueError(f"节点数不能为负: {n} / the node count cannot be negative: {n}")
    if n > _MAX_NODES:  # edge keys are source·n + target in int64
        raise ValueError(f"节点数超过 {_MAX_NODES} / more than {_MAX_NODES} nodes")
    u = _as_nodes(src, n, "src")
    v = _as_nodes(dst, n, "dst")
    if u.shape != v.shape:
        raise ValueError(
            f"src 与 dst 长度不同 ({u.size} / {v.size}) / "
            f"src and dst differ in length ({u.size} / {v.size})"
        )
    loop = u == v
    if loop.any():
        u, v = u[~loop], v[~loop]
    return u, v


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values. `np.unique` (numpy 2.4) is 15x slower than sort-and-compare
    on 3M int64 keys (3.7 s against 0.25 s, measured)."""
    ordered = np.sort(values)
    if ordered.size < 2:
        return ordered
    first = np.empty(ordered.size, dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def _simple_edges(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each undirected edge once, as (lo, hi) with lo < hi: no self-loops, no duplicates."""
    u, v = _edges(n, src, dst)
    if not u.size:
        return u, v
    low = np.minimum(u, v).astype(np.int64)
    key = _unique(low * n + np.maximum(u, v))
    index = _index_type(n)
    return (key // n).astype(index), (key % n).astype(index)


# --- components ------------------------------------------------------------------------


def _shortcut(labels: np.ndarray) -> np.ndarray:
    """Follow labels to their labels until every node points at a root."""
    while True:
        jumped = labels[labels]
        if np.array_equal(jumped, labels):
            return labels
        labels = jumped


def _components(n: int, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Min-label hooking with pointer jumping over checked, loop-free edges."""
    labels = np.arange(n, dtype=_index_type(n))
    lu, lv = u, v  # every node is its own root at first
    while u.size:
        low, high = np.minimum(lu, lv), np.maximum(lu, lv)
        across = low != high
        if not across.all():
            low, high = low[across], high[across]
        if not low.size:
            break
        # Both ends are roots (labels are shortcut): hang each larger root on the smallest
        # root it touches. Pointers only ever go down, so no cycle can form.
        np.minimum.at(labels, high, low)
        labels = _shortcut(labels)
        # Contract: the edges now join former roots; their new roots are one lookup away.
        u, v = low, high
        lu, lv = labels[u], labels[v]
    return labels


def components(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Connected components: per node, the smallest node index of its component (int64).

    An isolated node is its own component. Self-loops and duplicate edges change nothing.
    """
    u, v = _edges(n, src, dst)
    return _components(n, u, v).astype(np.int64)


# --- 2-core and rings ------------------------------------------------------------------


def _two_core(n: int, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    alive = np.ones(n, dtype=bool)
    while True:
        degree = np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)
        loose = alive & (degree <= 1)
        if not loose.any():
            return alive
        # Chains: components of the subgraph on the nodes of degree <= 2. A chain holding
        # a node of degree <= 1 is a path that hangs by at most one end (or an isolated
        # node): peeling would eat it from the loose end to the other, so it goes at once.
        thin = alive & (degree <= 2)
        inside = thin[lo] & thin[hi]
        chain = _components(n, lo[inside], hi[inside])
        doomed = np.zeros(n, dtype=bool)
        doomed[chain[loose]] = True
        alive &= ~(thin & doomed[chain])
        kept = alive[lo] & alive[hi]
        lo, hi = lo[kept], hi[kept]


def two_core(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 2-core as a boolean mask: nodes left after repeatedly removing every node with
    at most one (distinct, non-self) neighbour. A node survives exactly when it lies on a
    cycle of three or more nodes or on a path between two such cycles."""
    lo, hi = _simple_edges(n, src, dst)
    return _two_core(n, lo, hi)


def rings(n: int, src: np.ndarray, dst: np.ndarray, *, min_size: int = 3) -> np.ndarray:
    """Ring label per node (int64): the connected components of the 2-core with at least
    `min_size` nodes, labelled by their smallest node index; -1 for every other node.

    Two cycles joined by a path are one ring (the path is in the 2-core). Every component
    of a 2-core has at least three nodes, so `min_size` below 3 changes nothing.
    """
    lo, hi = _simple_edges(n, src, dst)
    core = _two_core(n, lo, hi)
    inside = core[lo] & core[hi]
    labels = _components(n, lo[inside], hi[inside])
    size = np.bincount(labels[core], minlength=n)
    return np.where(core & (size[labels] >= min_size), labels.astype(np.int64), -1)


# --- degrees and neighbourhoods --------------------------------------------------------


def degrees(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Distinct neighbours per node (int64); a self-loop or a repeated edge adds nothing."""
    lo, hi = _simple_edges(n, src, dst)
    return np.bincount(lo, minlength=n) + np.bincount(hi, minlength=n)


def _scan_expand(u: np.ndarray, v: np.ndarray, frontier: np.ndarray, n: int) -> np.ndarray:
    member = np.zeros(n, dtype=bool)
    member[frontier] = True
    return np.concatenate([v[member[u]], u[member[v]]])


def _csr(n: int, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(offsets, neighbours): node i's neighbours are neighbours[offsets[i]:offsets[i+1]]."""
    # Sorting source·n + target keys and taking them modulo n is the grouping by source
    # that an argsort would give, at the price of a plain sort (several times cheaper).
    u, v = u.astype(np.int64), v.astype(np.int64)
    keys = np.sort(np.concatenate([u * n + v, v * n + u]))
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys // n, minlength=n), out=offsets[1:])
    return offsets, (keys % n).astype(_index_type(n))


def _csr_expand(offsets: np.ndarray, neighbours: np.ndarray, frontier: np.ndarray) -> np.ndarray:
    starts = offsets[frontier]
    counts = offsets[frontier + 1] - starts
    total = int(counts.sum())
    # Position j of the output reads starts[k] + (j - first output position of k).
    firsts = np.cumsum(counts) - counts
    positions = np.repeat(starts - firsts, counts) + np.arange(total, dtype=np.int64)
    return neighbours[positions]


def neighbourhood(
    n: int, src: np.ndarray, dst: np.ndarray, seeds: np.ndarray, hops: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every node within `hops` hops of any seed: (nodes, distance), both int64.

    Seeds have distance 0 (repeated seeds count once). Rows are ordered by distance, then
    node, so the result is the same for the same input whatever the edge order.
    """
    if hops < 0:
        raise ValueError(f"跳数不能为负: {hops} / hops cannot be negative: {hops}")
    u, v = _edges(n, src, dst)
    frontier = _unique(_as_nodes(seeds, n, "seeds"))
    found = [frontier]
    if hops and frontier.size and u.size:
        seen = np.zeros(n, dtype=bool)
        seen[frontier] = True
        csr = _csr(n, u, v) if hops > _SCAN_HOPS else None
        for _ in range(hops):
            if csr is None:
                reached = _scan_expand(u, v, frontier, n)
            else:
                reached = _csr_expand(csr[0], csr[1], frontier)
            frontier = _unique(reached[~seen[reached]])
            if not frontier.size:
                break
            seen[frontier] = True
            found.append(frontier)
    nodes = np.concatenate(found).astype(np.int64)
    distance = np.repeat(np.arange(len(found), dtype=np.int64), [len(f) for f in found])
    return nodes, distance


# --- related pairs (DuckDB) ------------------------------------------------------------

# `{edges}`: (entity_a, entity_b, relation, case_no), every edge in both directions.
# `{pairs}`: (pair_id, a, b, case_no). An edge "counts" for a pair unless its case_no
# equals the pair's: `(e.case_no = p.case_no) IS NOT TRUE` keeps edges without a case
# (same_phone, same_address) and, for a pair without a case, every edge.
#
# Two hops, a–x–b: enumerating x from a hub endpoint (an insurer, a bank: tens of
# thousands of neighbours, party to thousands of cases) multiplies those neighbours by
# the hub's pairs. So each pair is walked from its endpoint with fewer edges, and the
# other half of the path is one lookup on the exact key (x, end). Middle nodes with more
# than $max_degree distinct neighbours are skipped: they would relate everyone to
# everyone (two customers of one bank are not thereby related), and a join through a
# hub middle is what explodes (the sum over middles of degree², if a plan ever starts
# from the middle).
_RELATED_SQL = """
WITH
degree AS MATERIALIZED (      -- edge rows per entity: an upper bound of its neighbours
    SELECT entity_a AS node, count(*) AS rows FROM {edges} GROUP BY entity_a
),
hub AS MATERIALIZED (         -- distinct neighbours counted only where the bound is over
    SELECT e.entity_a AS node
    FROM {edges} e SEMI JOIN degree d ON d.node = e.entity_a AND d.rows > $max_degree
    WHERE e.entity_b <> e.entity_a
    GROUP BY e.entity_a
    HAVING count(DISTINCT e.entity_b) > $max_degree
),
one AS MATERIALIZED (
    SELECT p.pair_id, min(e.relation) AS relation
    FROM {pairs} p JOIN {edges} e ON e.entity_a = p.a AND e.entity_b = p.b
    WHERE p.a <> p.b AND (e.case_no = p.case_no) IS NOT TRUE
    GROUP BY p.pair_id
),
todo AS MATERIALIZED (
    SELECT p.pair_id, p.a, p.b, p.case_no,
           coalesce(da.rows, 0) <= coalesce(db.rows, 0) AS from_a
    FROM {pairs} p
    LEFT JOIN degree da ON da.node = p.a
    LEFT JOIN degree db ON db.node = p.b
    WHERE $max_hops >= 2 AND p.a <> p.b
      AND NOT EXISTS (SELECT 1 FROM one WHERE one.pair_id = p.pair_id)
),
half_a AS MATERIALIZED (      -- a–x, walked from a
    SELECT t.pair_id, t.a, t.b, t.case_no, e.entity_b AS via, e.relation AS r1
    FROM todo t JOIN {edges} e ON e.entity_a = t.a
    WHERE t.from_a AND e.entity_b <> t.a AND e.entity_b <> t.b
      AND (e.case_no = t.case_no) IS NOT TRUE
      AND NOT EXISTS (SELECT 1 FROM hub WHERE hub.node = e.entity_b)
),
half_b AS MATERIALIZED (      -- x–b, walked from b
    SELECT t.pair_id, t.a, t.b, t.case_no, e.entity_a AS via, e.relation AS r2
    FROM todo t JOIN {edges} e ON e.entity_b = t.b
    WHERE NOT t.from_a AND e.entity_a <> t.a AND e.entity_a <> t.b
      AND (e.case_no = t.case_no) IS NOT TRUE
      AND NOT EXISTS (SELECT 1 FROM hub WHERE hub.node = e.entity_a)
),
two AS (
    SELECT h.pair_id, h.via, h.r1, e.relation AS r2
    FROM half_a h JOIN {edges} e ON e.entity_a = h.via AND e.entity_b = h.b
    WHERE (e.case_no = h.case_no) IS NOT TRUE
    UNION ALL
    SELECT h.pair_id, h.via, e.relation AS r1, h.r2
    FROM half_b h JOIN {edges} e ON e.entity_a = h.a AND e.entity_b = h.via
    WHERE (e.case_no = h.case_no) IS NOT TRUE
),
shortest_two AS (
    SELECT pair_id, via, r1 || '>' || r2 AS path
    FROM two
    QUALIFY row_number() OVER (PARTITION BY pair_id ORDER BY r1, r2, via) = 1
)
SELECT pair_id, 1::INTEGER AS hops, NULL AS via, relation AS path FROM one
UNION ALL
SELECT pair_id, 2::INTEGER AS hops, via, path FROM shortest_two
ORDER BY pair_id
"""


def _relation_name(name: str, what: str) -> str:
    if not _RELATION_NAME.fullmatch(name):
        raise ValueError(
            f"{what} 不是表或视图名: {name!r} / {what} is not a table or view name: {name!r}"
        )
    return ".".join(f'"{part}"' for part in name.split("."))


def related_pairs(
    con: duckdb.DuckDBPyConnection,
    edges: str,
    pairs: str,
    *,
    max_hops: int = 2,
    max_degree: int | None = 200,
) -> pa.Table:
    """Pairs of entities related outside their own case, within `max_hops` (1 or 2) hops.

    `edges` and `pairs` name relations (tables or views, optionally schema-qualified) on
    `con`: `edges` (entity_a, entity_b, relation, case_no) holds every edge in both
    directions; `pairs` (pair_id, a, b, case_no) the pairs to test, pair_id unique.

    A path may not use an edge whose case_no equals the pair's case_no (the pair's own
    case relates them trivially); edges without a case_no (same_phone, same_address)
    always count, and so does every edge for a pair without a case_no. Returns one row
    per related pair, ordered by pair_id: pair_id, hops (1 or 2, int32), via (the middle
    entity of a 2-hop path, NULL for 1 hop) and path: the relation ("same_phone") or
    "rel1>rel2" with rel1 on the edge a–x and rel2 on x–b. The shortest path wins; among
    equals the smallest relation name(s), then the smallest via. A pair with a == b, and
    pairs related only through their own case, get no row.

    Hubs: 2-hop joins explode on high-degree nodes, and a hub in the middle relates
    everyone to everyone without meaning anything. Middle nodes x with more than
    `max_degree` distinct neighbours (over all of `edges`) are therefore ignored; pass
    None to keep them. Each pair is walked from its endpoint with fewer edges, so a hub
    at one end of a pair costs the other end's degree; two hub endpoints still cost a
    hub's degree per pair, which is why callers should cap hubs when building `edges`.
    """
    if max_hops not in (1, 2):
        raise ValueError(f"max_hops 只能是 1 或 2: {max_hops} / max_hops must be 1 or 2")
    if max_degree is not None and max_degree < 0:
        raise ValueError(
            f"max_degree 不能为负: {max_degree} / max_degree cannot be negative: {max_degree}"
        )
    sql = _RELATED_SQL.format(
        edges=_relation_name(edges, "edges"), pairs=_relation_name(pairs, "pairs")
    )
    return con.sql(sql, params={"max_hops": max_hops, "max_degree": max_degree}).to_arrow_table()
