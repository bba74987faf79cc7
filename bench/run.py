"""The benchmark suite in one command: one table, every figure beside its baseline.

    .venv/bin/python bench/run.py [--quick] [--sizes 1M,10M] [--engines duckdb,spark]
        [--only ingest,models,compiled,search,api] [--models ID,...]
        [--markdown docs/benchmarks.md]

Sections, each baseline measured in the same run on the same machine:

- ingest: `jiandu import` rows/s (UTF-8 and GB18030) against DuckDB `read_csv` → Parquet
  of the same file (bench/ingest_bench.py);
- models: every library model through the real runner (`run_model`) on a pool of each
  size (bench/pool_scale.py), on DuckDB against the same clue query in a plain DuckDB
  connection, and on Spark local against the DuckDB run;
- compiled: `pension_after_death` compiled and sandboxed against the same query written
  by hand (bench/model_bench.py);
- search: full-text query latency p50/p95 against DuckDB scanning the same text
  (bench/search_bench.py);
- api: `jiandu serve` on a demo province, the clue list under 50 clients at once against
  1 client and against a trivial endpoint under the same load (bench/web_bench.py).

Each measurement runs in its own process (bench/measure.py, or ingest_bench's own
children); its peak resident memory is read when it ends (`os.wait4`). Prints the table,
writes bench/out/run.json and, with --markdown, the page docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
sys.path.insert(0, str(BENCH))

from report import Figure, machine, render_markdown, render_table  # noqa: E402

SECTIONS = ("ingest", "models", "compiled", "search", "api")
ENGINES = ("duckdb", "spark")
# Models timed at sizes above REPRESENTATIVE_ABOVE unless --models names others: the ones
# over the largest datasets (pensions, social insurance, invoices, medical settlements,
# vehicles and fines, court parties), each a different shape of query.
REPRESENTATIVE = (
    "pension_after_death",
    "shell_company",
    "insurance_false_litigation",
    "non_standard_oil",
    "medical_insurance_fraud",
    "refusal_to_execute",
)
REPRESENTATIVE_ABOVE = 1_000_000


@dataclass(frozen=True)
class Profile:
    """How big each section runs: the full suite, or --quick for development."""

    sizes: tuple[int, ...]
    cases: int
    ingest_rows: int
    ingest_repeat: int
    pension_rows: int
    deaths: int
    compiled_repeat: int
    search_docs: int
    search_queries: int
    demo_size: int
    clients: int
    per_client: int
    # No client starts a request after this many seconds of one load (a server that
    # queues requests on SQLite's lock would otherwise make the run take many minutes).
    api_seconds: float
    # Models timed on the pools (None: every library model; see _models_for).
    models: tuple[str, ...] | None = None


FULL = Profile(
    sizes=(1_000_000, 10_000_000),
    cases=100,
    ingest_rows=5_000_000,
    ingest_repeat=3,
    pension_rows=5_000_000,
    deaths=50_000,
    compiled_repeat=5,
    search_docs=100_000,
    search_queries=500,
    demo_size=100_000,
    clients=50,
    per_client=20,
    api_seconds=90,
)
QUICK = Profile(
    sizes=(20_000,),
    cases=10,
    ingest_rows=100_000,
    ingest_repeat=1,
    pension_rows=120_000,
    deaths=2_000,
    compiled_repeat=3,
    search_docs=3_000,
    search_queries=100,
    demo_size=2_000,
    clients=50,
    per_client=4,
    api_seconds=20,
    models=("pension_after_death", "shell_company", "related_party_litigation"),
)


@dataclass
class Outcome:
    """What one measuring process gave: its JSON result or an error, and its peak RSS."""

    result: dict[str, Any] | None
    peak_mib: float | None
    error: str | None = None
    seconds: float = 0.0


@dataclass
class Suite:
    args: argparse.Namespace
    profile: Profile
    data: Path
    sizes: tuple[int, ...] = ()
    figures: list[Figure] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(f"  {figure.figure}: {figure.value_text()} (baseline {figure.baseline_text()})")


def measure(
    kind: str, args: dict[str, Any], *, env: dict[str, str] | None = None, timeout: float = 3600
) -> Outcome:
    """Run bench/measure.py KIND in a fresh process; its result and peak memory."""
    command = [sys.executable, str(BENCH / "measure.py"), kind, json.dumps(args)]
    return spawn(command, env=env, timeout=timeout)


def spawn(
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 3600,
    json_result: bool = True,
) -> Outcome:
    """Run `command`, wait for it with `os.wait4` (its own peak RSS, and that of the
    processes it waited for), parse its last stdout line as JSON."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=ROOT)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                process.kill()
                _pid, status, usage = os.wait4(process.pid, 0)
                process.returncode = -9
                return Outcome(None, usage.ru_maxrss / 1024, f"timeout after {timeout:.0f} s")
            time.sleep(0.05)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    peak = usage.ru_maxrss / 1024
    if process.returncode != 0:
        lines = [line for line in stderr.strip().splitlines() if line.strip()]
        return Outcome(None, peak, lines[-1][:300] if lines else f"exit {process.returncode}")
    if not json_result:
        return Outcome({}, peak, seconds=seconds)
    lines = stdout.strip().splitlines()
    return Outcome(json.loads(lines[-1]) if lines else {}, peak, seconds=seconds)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale > 1 else text) * scale)


def size_label(rows: int) -> str:
    if rows >= 1_000_000 and rows % 1_000_000 == 0:
        return f"{rows // 1_000_000}M"
    if rows >= 1_000 and rows % 1_000 == 0:
        return f"{rows // 1_000}k"
    return f"{rows:,}"


# --- sections ------------------------------------------------------------------------


def section_ingest(suite: Suite) -> None:
    import ingest_bench

    rows, repeat = suite.profile.ingest_rows, suite.profile.ingest_repeat
    folder = suite.data / "ingest"
    folder.mkdir(parents=True, exist_ok=True)
    utf8, gb = ingest_bench.generate(rows, folder)
    base = ingest_bench.run("baseline", utf8, repeat)
    suite.raw["ingest"] = {"rows": rows, "baseline": base}
    for label, path in (("UTF-8", utf8), ("GB18030", gb)):
        try:
            done = ingest_bench.run("jiandu", path, repeat)
        except subprocess.CalledProcessError as error:
            suite.add(
                Figure(
                    "ingest",
                    f"jiandu import {label}, {size_label(rows)} rows",
                    error=f"exit {error.returncode}",
                )
            )
            continue
        suite.raw["ingest"][label] = done
        suite.add(
            Figure(
                "ingest",
                f"jiandu import {label}, {size_label(rows)} rows × 12 columns",
                value=rows / done["seconds"],
                unit="rows/s",
                baseline=rows / base["seconds"],
                baseline_label="DuckDB read_csv → Parquet",
                ratio=done["seconds"] / base["seconds"],
                peak_mib=done["peak_rss_mib"],
                detail={
                    "seconds": done["seconds"],
                    "baseline_seconds": base["seconds"],
                    "baseline_peak_rss_mib": base["peak_rss_mib"],
                },
            )
        )


def _models_for(suite: Suite, rows: int) -> list[str]:
    if suite.args.models:
        return [m.strip() for m in suite.args.models.split(",") if m.strip()]
    if suite.profile.models is not None:
        return list(suite.profile.models)
    if rows > REPRESENTATIVE_ABOVE:
        return list(REPRESENTATIVE)
    from jiandu.models import library_models

    return sorted(library_models())


def section_models(suite: Suite) -> None:
    engines = [e.strip() for e in suite.args.engines.split(",") if e.strip()]
    for rows in suite.sizes:
        label = size_label(rows)
        home = suite.data / f"pool-{label}-c{suite.profile.cases}"
        built = measure(
            "pool", {"home": str(home), "rows": rows, "seed": 20231, "cases": suite.profile.cases}
        )
        if built.result is None:
            suite.add(Figure("models", f"pool of {label} rows", error=built.error))
            continue
        suite.raw.setdefault("pools", {})[label] = built.result
        print(f"  pool {label}: {built.result['pool_rows']:,} rows ({built.seconds:.0f} s)")
        for model in _models_for(suite, rows):
            args = {"home": str(home), "model": model}
            query = measure("model_query", args) if "duckdb" in engines else None
            times: dict[str, Outcome] = {}
            for engine in engines:
                env = {**os.environ, "JIANDU_ENGINE": engine}
                env.pop("JIANDU_DATABASE_URL", None)
                times[engine] = measure("model_run", args, env=env)
            suite.raw.setdefault("models", {})[f"{label}/{model}"] = {
                "query": asdict(query) if query else None,
                **{engine: asdict(outcome) for engine, outcome in times.items()},
            }
            for engine, outcome in times.items():
                base = query if engine == "duckdb" else times.get("duckdb")
                base_label = "plain DuckDB query" if engine == "duckdb" else "DuckDB run"
                suite.add(
                    _timed(
                        "models", f"{model} · {label} rows · {engine}", outcome, base, base_label
                    )
                )


def _timed(
    section: str, name: str, outcome: Outcome, base: Outcome | None, base_label: str
) -> Figure:
    value = outcome.result["seconds"] if outcome.result else None
    peak = outcome.peak_mib
    if outcome.result and outcome.result.get("jvm_peak_rss_mib") and peak is not None:
        # Spark local: the Python process and its JVM run side by side.
        peak += outcome.result["jvm_peak_rss_mib"]
    baseline = base.result["seconds"] if base and base.result else None
    return Figure(
        section,
        name,
        value=value,
        unit="s",
        baseline=baseline,
        baseline_label=base_label,
        ratio=value / baseline if value and baseline else None,
        peak_mib=peak,
        error=outcome.error,
        detail={k: v for k, v in (outcome.result or {}).items() if k != "seconds"},
    )


def section_compiled(suite: Suite) -> None:
    p = suite.profile
    done = measure(
        "compiled",
        {"pension_rows": p.pension_rows, "deaths": p.deaths, "repeat": p.compiled_repeat},
    )
    name = f"pension_after_death compiled, {size_label(p.pension_rows)} pension rows"
    if done.result is None:
        suite.add(Figure("compiled", name, error=done.error))
        return
    r = suite.raw["compiled"] = done.result
    suite.add(
        Figure(
            "compiled",
            name,
            value=r["compiled_s"],
            unit="s",
            baseline=r["hand_s"],
            baseline_label="hand-written DuckDB SQL",
            ratio=r["ratio"],
            peak_mib=done.peak_mib,
            detail={"hits": r["hits"], "same_rows": r["same_rows"]},
        )
    )
    suite.add(
        Figure(
            "compiled",
            "… the funnel (every step counted, one query)",
            value=r["funnel_s"],
            unit="s",
            baseline=r["hand_s"],
            baseline_label="hand-written DuckDB SQL",
            ratio=r["funnel_s"] / r["hand_s"],
            peak_mib=done.peak_mib,
        )
    )


def section_search(suite: Suite) -> None:
    p = suite.profile
    done = measure("search", {"docs": p.search_docs, "queries": p.search_queries, "seed": 8})
    docs = size_label(p.search_docs)
    if done.result is None:
        suite.add(Figure("search", f"search, {docs} documents", error=done.error))
        return
    suite.raw["search"] = done.result
    every, scan = done.result["queries"]["all"], done.result["scan_baseline"]
    for q in ("p50", "p95"):
        suite.add(
            Figure(
                "search",
                f"query {q}, {docs} documents, {every['n']} queries",
                value=every[f"{q}_ms"],
                unit="ms",
                baseline=scan[f"{q}_ms"],
                baseline_label="DuckDB contains() scan of the text",
                ratio=every[f"{q}_ms"] / scan[f"{q}_ms"],
                peak_mib=done.peak_mib,
            )
        )
    name = done.result["queries"]["name"]
    suite.add(
        Figure(
            "search",
            "query p50, a name",
            value=name["p50_ms"],
            unit="ms",
            baseline=scan["p50_ms"],
            baseline_label="DuckDB contains() scan of the text",
            ratio=name["p50_ms"] / scan["p50_ms"],
            peak_mib=done.peak_mib,
        )
    )


def section_api(suite: Suite) -> None:
    p = suite.profile
    home = suite.data / f"demo-{size_label(p.demo_size)}"
    if not (home / "demo-accounts.json").exists():
        env = {**os.environ, "JIANDU_HOME": str(home)}
        for name in ("JIANDU_DATABASE_URL", "JIANDU_ENGINE"):
            env.pop(name, None)
        built = spawn(
            [
                sys.executable,
                "-m",
                "jiandu",
                "demo",
                "--size",
                str(p.demo_size),
                "--no-serve",
                "--json",
            ],
            env=env,
            json_result=False,
        )
        if built.result is None:
            suite.add(Figure("api", "demo workspace", error=built.error))
            return
    done = measure(
        "api",
        {
            "home": str(home),
            "clients": p.clients,
            "per_client": p.per_client,
            "max_seconds": p.api_seconds,
        },
    )
    if done.result is None:
        suite.add(Figure("api", f"clue list, {p.clients} clients", error=done.error))
        return
    r = suite.raw["api"] = done.result
    peak = r["server_peak_rss_mib"]
    n, one = r["clues_n"], r["clues_1"]
    for q in ("p50", "p95", "p99"):
        suite.add(
            Figure(
                "api",
                f"clue list (50 rows), {p.clients} clients, {q}",
                value=n[q],
                unit="ms",
                baseline=one[q],
                baseline_label="1 client",
                ratio=n[q] / one[q] if n[q] and one[q] else None,
                peak_mib=peak,
            )
        )
    health = r["healthz_n"]
    failed = f" ({n['failed']} failed: {', '.join(n['failures'])})" if n["failed"] else ""
    suite.add(
        Figure(
            "api",
            f"clue list, {p.clients} clients, throughput{failed}",
            value=n["requests_per_s"],
            unit="req/s",
            baseline=health["requests_per_s"],
            baseline_label=f"healthz, {p.clients} clients",
            ratio=health["requests_per_s"] / n["requests_per_s"] if n["requests_per_s"] else None,
            peak_mib=peak,
            detail={"failed": n["failed"]},
        )
    )
    suite.add(
        Figure(
            "api",
            f"healthz, {p.clients} clients, p50",
            value=health["p50"],
            unit="ms",
            baseline=r["healthz_1"]["p50"],
            baseline_label="1 client",
            ratio=health["p50"] / r["healthz_1"]["p50"]
            if health["p50"] and r["healthz_1"]["p50"]
            else None,
            peak_mib=peak,
        )
    )
    _api_processes(suite, home, n)


def _api_processes(suite: Suite, home: Path, one_process: dict[str, Any]) -> None:
    """The clue list under the same load on `jiandu serve --processes 2`, beside one
    process (on a 2-core box the load generator shares the cores: an upper bound on
    what a second process costs, not on what it gives on a bigger server)."""
    p = suite.profile
    done = measure(
        "api",
        {"home": str(home), "clients": p.clients, "per_client": p.per_client,
         "max_seconds": p.api_seconds, "processes": 2},
    )  # fmt: skip
    if done.result is None:
        suite.add(Figure("api", f"clue list, {p.clients} clients, 2 processes", error=done.error))
        return
    r = suite.raw["api_2_processes"] = done.result
    two = r["clues_n"]
    for q, unit, label in (("p50", "ms", "p50"), ("requests_per_s", "req/s", "throughput")):
        suite.add(
            Figure(
                "api",
                f"clue list, {p.clients} clients, {label}, `serve --processes 2`",
                value=two[q],
                unit=unit,
                baseline=one_process[q],
                baseline_label="1 process",
                ratio=two[q] / one_process[q] if two[q] and one_process[q] else None,
                peak_mib=r["server_peak_rss_mib"],
                detail={"failed": two["failed"]},
            )
        )


RUNNERS = {
    "ingest": section_ingest,
    "models": section_models,
    "compiled": section_compiled,
    "search": section_search,
    "api": section_api,
}


def rerender(saved: Path, markdown: Path | None) -> int:
    """Print the table of a saved run.json and, with `markdown`, write its page again."""
    run = json.loads(saved.read_text(encoding="utf-8"))
    figures = [Figure(**f) for f in run["figures"]]
    render_table(figures)
    if markdown:
        quick = " --quick" in f"{run['command']} "
        page = render_markdown(
            figures, run["machine"], run["command"], run["wall_seconds"], REPRESENTATIVE, quick
        )
        markdown.write_text(page, encoding="utf-8")
        print(f"wrote {markdown}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for development")
    parser.add_argument("--sizes", help="pool sizes for the models, e.g. 1M,10M")
    parser.add_argument("--engines", default=",".join(ENGINES), help="duckdb,spark")
    parser.add_argument("--only", help=f"sections: {','.join(SECTIONS)}")
    parser.add_argument(
        "--models",
        help="model ids (default: all; a representative six "
        f"above {size_label(REPRESENTATIVE_ABOVE)} rows)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=Path(tempfile.gettempdir()) / "jiandu-bench",
        help="where generated files and pools are kept between runs",
    )
    parser.add_argument("--markdown", type=Path, help="(re)write this page with the table")
    parser.add_argument("--json", type=Path, default=OUT / "run.json")
    parser.add_argument(
        "--from-json", type=Path, help="measure nothing: print and render a saved run.json"
    )
    args = parser.parse_args()
    if args.from_json:
        return rerender(args.from_json, args.markdown)
    only = [s.strip() for s in (args.only or ",".join(SECTIONS)).split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    profile = QUICK if args.quick else FULL
    sizes = tuple(parse_size(s) for s in args.sizes.split(",")) if args.sizes else profile.sizes
    suite = Suite(args, profile, args.data, sizes)
    args.data.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for section in only:
        print(f"[{section}]", flush=True)
        RUNNERS[section](suite)
    wall = time.perf_counter() - started
    command = " ".join([".venv/bin/python", "bench/run.py", *sys.argv[1:]])
    info = machine()
    render_table(suite.figures)
    OUT.mkdir(exist_ok=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(
        json.dumps(
            {
                "command": command,
                "machine": info,
                "wall_seconds": round(wall, 1),
                "profile": asdict(profile),
                "sizes": list(sizes),
                "figures": [asdict(f) for f in suite.figures],
                "raw": suite.raw,
            },
            indent=1,
            default=str,
        ),
        encoding="utf-8",
    )
    if args.markdown:
        args.markdown.write_text(
            render_markdown(suite.figures, info, command, wall, REPRESENTATIVE, args.quick),
            encoding="utf-8",
        )
        print(f"wrote {args.markdown}")
    print(f"wrote {args.json} ({wall:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
