"""The relationship graph at scale: components, 2-core rings, degrees, neighbourhoods and
2-hop related pairs (`jiandu.entities.graph`).

    .venv/bin/python bench/graph_bench.py
    .venv/bin/python bench/graph_bench.py --nodes 100000 --edges 300000 --edge-rows 100000

Graph: `--nodes` nodes and `--edges` edges with both ends drawn uniformly (self-loops and
repeats left in, as `entity_edge` may hold them). Besides it, a chain of `--nodes` nodes in
shuffled order (the worst case for label propagation and leaf-by-leaf peeling: one round
per node) goes through `components` and `two_core`. `neighbourhood` starts from 1,000
random seeds, 2 hops, once with the per-hop edge scan it uses for few hops and once with
the CSR adjacency it builds for many, to show where the switch pays.

Related pairs: `--edge-rows` rows of an `entity_edge`-like table (both directions, VARCHAR
ids, 13 relation names, 20% of the edges without a case number) over `--nodes` / 10
entities, 2% of edge ends drawn from 50 hubs (a few hundred neighbours each), and
`--pairs` pairs: half are edges of the table tested against their own case (so that edge
may not count), half random entities with a random case. Timed with the default hub cap
(200) and without one.

networkx's `connected_components` is timed for comparison only where networkx happens to
be importable (it is not a dependency). Prints a Markdown table; the
figures (the best of `--repeat` runs, 3 by default) also go to bench/out/graph.json.
"""

from __future__ import annotations

import argparse
import importlib
import json
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from jiandu.entities import graph

RELATIONS = [
    "co_party",
    "opposing_party",
    "agent",
    "legal_rep",
    "employer",
    "registration_agent",
    "vehicle_owner",
    "auction_buyer",
    "auction_debtor",
    "insured",
    "injured",
    "same_phone",
    "same_address",
]


def _peak_mib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _timed(function: Callable[[], Any], repeat: int) -> tuple[Any, float]:
    """The result and the best of `repeat` runs: on a shared machine the best is the
    figure least disturbed by the neighbours."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return result, best


def related_tables(
    con: duckdb.DuckDBPyConnection, edge_rows: int, pairs: int, entities: int, seed: int
) -> None:
    """Create `edges` (both directions) and `pairs` on `con`."""
    rng = np.random.default_rng(seed)
    undirected = edge_rows // 2

    def ends() -> np.ndarray:
        end = rng.integers(0, entities, undirected)
        hub = rng.random(undirected) < 0.02
        end[hub] = rng.integers(0, 50, int(hub.sum()))  # entities 0..49 are the hubs
        return end

    a, b = ends(), ends()
    case = rng.integers(0, entities, undirected)
    no_case = rng.random(undirected) < 0.2
    relation = rng.integers(0, len(RELATIONS), undirected)
    con.register(
        "raw_edges",
        pa.table(
            {
                "a": a,
                "b": b,
                "relation": relation,
                "case_no": pa.array(case, mask=no_case),
            }
        ),
    )
    con.register("relation_names", pa.table({"i": np.arange(len(RELATIONS)), "name": RELATIONS}))
    con.execute("""
        CREATE TABLE edges AS
        WITH named AS (
            SELECT 'E' || lpad(a::VARCHAR, 8, '0') AS a, 'E' || lpad(b::VARCHAR, 8, '0') AS b,
                   r.name AS relation, 'C' || lpad(case_no::VARCHAR, 8, '0') AS case_no
            FROM raw_edges JOIN relation_names r ON r.i = raw_edges.relation
        )
        SELECT a AS entity_a, b AS entity_b, relation, case_no FROM named
        UNION ALL
        SELECT b, a, relation, case_no FROM named
    """)
    half = pairs // 2
    from_edges = rng.integers(0, undirected, half)
    con.register(
        "raw_pairs",
        pa.table(
            {
                "a": np.concatenate([a[from_edges], rng.integers(0, entities, pairs - half)]),
                "b": np.concatenate([b[from_edges], rng.integers(0, entities, pairs - half)]),
                "case_no": np.concatenate(
                    [case[from_edges], rng.integers(0, entities, pairs - half)]
                ),
            }
        ),
    )
    con.execute("""
        CREATE TABLE pairs AS
        SELECT row_number() OVER () AS pair_id,
               'E' || lpad(a::VARCHAR, 8, '0') AS a, 'E' || lpad(b::VARCHAR, 8, '0') AS b,
               'C' || lpad(case_no::VARCHAR, 8, '0') AS case_no
        FROM raw_pairs
    """)


Rows = list[dict[str, Any]]


def _record(rows: Rows, step: str, seconds: float, note: str = "") -> None:
    rows.append(
        {"step": step, "seconds": round(seconds, 3), "peak_rss_mib": _peak_mib(), "note": note}
    )


def graph_steps(
    rows: Rows, n: int, edges: int, seeds: int, rng: np.random.Generator, repeat: int
) -> None:
    src = rng.integers(0, n, edges)
    dst = rng.integers(0, n, edges)
    labels, seconds = _timed(lambda: graph.components(n, src, dst), repeat)
    _record(rows, "components", seconds, f"{len(np.unique(labels)):,} components")
    core, seconds = _timed(lambda: graph.two_core(n, src, dst), repeat)
    _record(rows, "two_core", seconds, f"{int(core.sum()):,} nodes in the 2-core")
    ring, seconds = _timed(lambda: graph.rings(n, src, dst), repeat)
    _record(rows, "rings", seconds, f"{len(np.unique(ring[ring >= 0])):,} ring(s)")
    degree, seconds = _timed(lambda: graph.degrees(n, src, dst), repeat)
    _record(rows, "degrees", seconds, f"max {int(degree.max())}")
    starts = rng.integers(0, n, seeds)
    (nodes, _), seconds = _timed(lambda: graph.neighbourhood(n, src, dst, starts, 2), repeat)
    _record(rows, f"neighbourhood ({seeds:,} seeds, 2 hops)", seconds, f"{len(nodes):,} nodes")

    def with_csr() -> np.ndarray:
        u, v = graph._edges(n, src, dst)
        offsets, neighbours = graph._csr(n, u, v)
        seen = np.zeros(n, dtype=bool)
        frontier = graph._unique(starts)
        seen[frontier] = True
        for _ in range(2):
            reached = graph._csr_expand(offsets, neighbours, frontier)
            frontier = graph._unique(reached[~seen[reached]])
            seen[frontier] = True
        return seen

    seen, seconds = _timed(with_csr, repeat)
    _record(rows, "neighbourhood through a CSR built first", seconds, f"{int(seen.sum()):,} nodes")

    order = rng.permutation(n)
    chain_src, chain_dst = order[:-1], order[1:]
    labels, seconds = _timed(lambda: graph.components(n, chain_src, chain_dst), repeat)
    _record(rows, "components, shuffled chain", seconds, f"{len(np.unique(labels))} component")
    core, seconds = _timed(lambda: graph.two_core(n, chain_src, chain_dst), repeat)
    _record(rows, "two_core, shuffled chain", seconds, f"{int(core.sum())} nodes in the 2-core")

    try:
        nx = importlib.import_module("networkx")
    except ImportError:
        _record(rows, "networkx connected_components", float("nan"), "not installed: skipped")
        return

    def networkx_components() -> int:
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        return sum(1 for _ in nx.connected_components(g))

    count, seconds = _timed(networkx_components, repeat)
    _record(rows, "networkx connected_components (with building)", seconds, f"{count:,}")


def related_steps(
    rows: Rows, edge_rows: int, pairs: int, entities: int, seed: int, repeat: int
) -> None:
    con = duckdb.connect()
    started = time.perf_counter()
    related_tables(con, edge_rows, pairs, entities, seed)
    seconds = time.perf_counter() - started
    _record(rows, f"related: build {edge_rows:,} edge rows, {pairs:,} pairs", seconds)
    hubs = con.execute(
        "SELECT count(*) FROM (SELECT entity_a FROM edges GROUP BY entity_a"
        " HAVING count(DISTINCT entity_b) > 200)"
    ).fetchall()
    _record(rows, "  entities with more than 200 neighbours", 0.0, f"{hubs[0][0]}")
    for cap in (200, None):

        def run(cap: int | None = cap) -> pa.Table:
            return graph.related_pairs(con, "edges", "pairs", max_degree=cap)

        found, seconds = _timed(run, repeat)
        hops = found.column("hops").to_numpy()
        note = f"{int((hops == 1).sum()):,} at 1 hop, {int((hops == 2).sum()):,} at 2"
        _record(rows, f"related_pairs, max_degree={cap}", seconds, note)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=3_000_000)
    parser.add_argument("--edge-rows", type=int, default=1_000_000)
    parser.add_argument("--pairs", type=int, default=100_000)
    parser.add_argument("--seeds", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    rows: Rows = []
    graph_steps(
        rows, args.nodes, args.edges, args.seeds, np.random.default_rng(args.seed), args.repeat
    )
    related_steps(
        rows, args.edge_rows, args.pairs, max(args.nodes // 10, 100), args.seed, args.repeat
    )

    print(
        f"\n{args.nodes:,} nodes, {args.edges:,} edges"
        f" (numpy {np.__version__}, DuckDB {duckdb.__version__})\n"
    )
    print("| step | seconds | peak RSS MiB | result |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row['step']} | {row['seconds']} | {row['peak_rss_mib']:,} | {row['note']} |")
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    result = {
        "nodes": args.nodes,
        "edges": args.edges,
        "edge_rows": args.edge_rows,
        "pairs": args.pairs,
        "steps": rows,
    }
    (out / "graph.json").write_text(json.dumps(result, indent=1), "utf-8")


if __name__ == "__main__":
    main()
