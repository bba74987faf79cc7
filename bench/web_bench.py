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

`serve`, `sign_in` and `load` are the pieces bench/run.py uses for the API under load:
`jiandu serve` in its own process (so its peak memory is its own), many clients at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

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


def percentiles(samples: list[float]) -> dict[str, float | None]:
    """p50/p95/p99 in milliseconds of `samples` (milliseconds), and their count; None
    where no request was answered."""
    ordered = sorted(samples)
    if not ordered:
        return {"p50": None, "p95": None, "p99": None, "n": 0}

    def rank(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 1)

    return {"p50": rank(0.5), "p95": rank(0.95), "p99": rank(0.99), "n": len(ordered)}


def serve(
    home: Path, timeout: float = 60, processes: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `jiandu serve` (with `processes` server processes) on the workspace at `home`
    on a free port; the process and its base URL once /api/healthz answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {**os.environ, "JIANDU_HOME": str(home)}
    env.pop("JIANDU_DATABASE_URL", None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jiandu",
            "serve",
            "--port",
            str(port),
            "--processes",
            str(processes),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"jiandu serve exited with {process.returncode}")
        try:
            if httpx.get(base_url + "/api/healthz", timeout=2).status_code == 200:
                return process, base_url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise RuntimeError("jiandu serve did not answer in time")


def sign_in(base_url: str, username: str, password: str) -> dict[str, str]:
    """The session cookies of a signed-in user (one sign-in: the limit is per address)."""
    with httpx.Client(base_url=base_url, timeout=60) as client:
        answer = client.post("/api/auth/login", json={"username": username, "password": password})
        answer.raise_for_status()
        return dict(client.cookies)


def load(
    base_url: str,
    path: str,
    clients: int,
    per_client: int,
    cookies: dict[str, str],
    max_seconds: float = 120,
) -> dict[str, Any]:
    """`clients` clients at once, each on its own connection, each sending `per_client`
    GETs of `path` one after another after one untimed warm-up (and none after
    `max_seconds` from the end of its warm-up): latency percentiles of the answered requests, requests per
    second over the timed window, and failures (an answer other than 200, or a
    connection the server dropped; the client reconnects)."""
    samples: list[float] = []
    failures: list[str] = []
    window: list[float] = []

    async def one() -> None:
        async with httpx.AsyncClient(base_url=base_url, cookies=cookies, timeout=120) as c:
            try:
                await c.get(path)
            except httpx.TransportError as error:
                failures.append(type(error).__name__)
            window.append(time.perf_counter())
            deadline = window[-1] + max_seconds
            for _ in range(per_client):
                if time.perf_counter() > deadline:
                    break
                started = time.perf_counter()
                try:
                    response = await c.get(path)
                except httpx.TransportError as error:
                    failures.append(type(error).__name__)
                    continue
                samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    failures.append(str(response.status_code))
            window.append(time.perf_counter())

    async def everyone() -> None:
        await asyncio.gather(*(one() for _ in range(clients)))

    asyncio.run(everyone())
    wall = max(window) - min(window)
    return {
        **percentiles(samples),
        "requests_per_s": round(len(samples) / wall, 1) if samples and wall > 0 else None,
        "failed": len(failures),
        "failures": sorted(set(failures)),
        "clients": clients,
    }


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
