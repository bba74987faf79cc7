"""What a prosecutor waits for in the browser: the web API's latency on a demo province,
and what the pages weigh.

    .venv/bin/python bench/web_bench.py [--size 100000] [--repeat 30] [--home DIR]

Builds the demo (`run_demo`, default size) in a temporary JIANDU_HOME unless --home names
one that holds it, serves it with uvicorn on a free port, signs in as the demo prosecutor
and times, over real HTTP from one client: the screens' main requests (ledger, clue inbox
and facets, a clue with its evidence and graph, the case list, the model library, a run's
hits, the dataset directory) and `/api/healthz` as the baseline (the framework and network
floor). Then 10 clients at once on the clue inbox. Reports p50/p95 in milliseconds and the
bytes of the page's code (ours and the vendored libraries).

Prints a table and writes bench/out/web.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2 as httpx

ROOT = Path(__file__).resolve().parents[1]
OUT = Path(__file__).resolve().parent / "out"
sys.path.insert(0, str(ROOT / "tests" / "ui"))


def timed(client: httpx.Client, path: str, repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        response.raise_for_status()
    return samples


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": round(statistics.median(ordered), 1), "p95": round(p95, 1), "n": len(ordered)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import ui_harness

    ui_harness.DEMO_SIZE = args.size
    with tempfile.TemporaryDirectory(prefix="jiandu-web-bench-") as tmp:
        started = time.perf_counter()
        server_gen = ui_harness.start_demo_server(Path(tmp))
        server = next(server_gen)
        build_s = time.perf_counter() - started
        account = server.accounts["prosecutor"]
        with httpx.Client(base_url=server.base_url, timeout=60) as client:
            answer = client.post(
                "/api/auth/login", json={"username": account.username, "password": account.password}
            )
            answer.raise_for_status()
            clues = client.get("/api/clues", params={"limit": 50}).json()
            clue_id = clues[0]["id"]
            run_id = next(iter(server.report["runs"].values()))
            paths = {
                "healthz (baseline)": "/api/healthz",
                "me": "/api/me",
                "ledger (一本账)": "/api/ledger",
                "clue inbox (50)": "/api/clues?limit=50",
                "clue facets": "/api/clues/facets",
                "clue detail + graph": f"/api/clues/{clue_id}",
                "cases": "/api/cases",
                "model library": "/api/models",
                "run hits (100)": f"/api/runs/{run_id}/hits?limit=100",
                "dataset directory": "/api/datasets",
            }
            for path in paths.values():  # warm caches once
                client.get(path)
            results = {
                name: summary(timed(client, path, args.repeat)) for name, path in paths.items()
            }
            cookies = dict(client.cookies)

        def one_client(_: int) -> list[float]:
            with httpx.Client(base_url=server.base_url, cookies=cookies, timeout=60) as c:
                return timed(c, "/api/clues?limit=50", args.repeat)

        started = time.perf_counter()
        with ThreadPoolExecutor(10) as pool:
            concurrent = [s for samples in pool.map(one_client, range(10)) for s in samples]
        wall = time.perf_counter() - started
        results["clue inbox, 10 clients"] = {
            **summary(concurrent),
            "requests_per_s": round(len(concurrent) / wall, 1),
        }
        next(server_gen, None)

    static = ROOT / "jiandu" / "web" / "static"
    weights = {
        "our code (html, css, js)": sum(
            p.stat().st_size for p in static.rglob("*") if p.is_file() and "vendor" not in p.parts
        ),
        **{f"vendor/{p.name}": p.stat().st_size for p in sorted((static / "vendor").glob("*.mjs"))},
    }
    print(f"demo size {args.size:,} rows, built and served in {build_s:.1f} s; "
          f"{threading.active_count()} threads")  # fmt: skip
    print(f"{'request':32} {'p50 ms':>8} {'p95 ms':>8}")
    for name, row in results.items():
        extra = f"  {row['requests_per_s']} req/s" if "requests_per_s" in row else ""
        print(f"{name:32} {row['p50']:>8} {row['p95']:>8}{extra}")
    for name, size in weights.items():
        print(f"{name:32} {size / 1024:>8.0f} KiB")
    OUT.mkdir(exist_ok=True)
    (OUT / "web.json").write_text(
        json.dumps({"size": args.size, "build_s": build_s, "latency_ms": results,
                    "bytes": weights}, indent=1), encoding="utf-8")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
