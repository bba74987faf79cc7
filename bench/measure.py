"""The measurements bench/run.py makes, each run in a process of its own.

    .venv/bin/python bench/measure.py KIND 'JSON ARGUMENTS'

One figure per process, so that the process's peak resident memory — which run.py reads
with `os.wait4` when it ends — belongs to that figure alone, and so that no figure runs
on caches (DuckDB's, the OS's parsed modules, a JVM) another figure warmed. The last
line printed is the result as JSON.

Kinds: `pool` (build or reuse a bench pool, bench/pool_scale.py), `model_run` (the real
runner, `run_model`, on the engine named), `model_query` (the same model's clue query in
a plain DuckDB connection: the runner's baseline), `compiled` (bench/model_bench.py),
`search` (bench/search_bench.py) and `api` (`jiandu serve` under load, bench/web_bench.py).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

# The demo's reference date: the planted stories are clues as of this day.
AS_OF = date(2024, 6, 30)


def _entry(home: Path, model_id: str) -> tuple[Any, Any]:
    from pool_scale import settings_for

    from jiandu.models.registry import available_models
    from jiandu.store.db import session_scope
    from jiandu.workspace import open_workspace

    workspace = open_workspace(settings_for(home))
    with session_scope(workspace.engine) as session:
        return workspace, available_models(session)[model_id]


def pool(args: dict[str, Any]) -> dict[str, Any]:
    from pool_scale import build_pool

    started = time.perf_counter()
    built = build_pool(Path(args["home"]), args["rows"], seed=args["seed"], cases=args["cases"])
    return {**built, "seconds": time.perf_counter() - started}


def model_run(args: dict[str, Any]) -> dict[str, Any]:
    """`run_model` on the engine JIANDU_ENGINE names (run.py sets it per process). On
    Spark the process's session is started first and timed apart: a server or worker
    starts it once, not per model."""
    from jiandu.models.runner import run_model

    workspace, entry = _entry(Path(args["home"]), args["model"])
    engine = workspace.settings.engine
    session_s = None
    if engine == "spark":
        from jiandu.pool.spark_engine import spark_session

        started = time.perf_counter()
        context = spark_session(workspace.settings).sparkContext
        session_s = time.perf_counter() - started
    started = time.perf_counter()
    record = run_model(workspace, entry, as_of=AS_OF, created_by="bench")
    seconds = time.perf_counter() - started
    if engine == "spark" and not context.statusTracker().getJobIdsForGroup(None):
        # A runner that ignored the engine would put DuckDB's time in Spark's column.
        raise RuntimeError("the run started no Spark job: the runner did not use Spark")
    result = {"seconds": seconds, "hits": record.hit_count, "engine": engine}
    if engine == "spark":
        # Spark local's JVM: a child of this process that nobody waits for.
        gateway = context._gateway
        jvm = _peak_rss_mib(gateway.proc.pid) if gateway is not None and gateway.proc else None
        result |= {"session_start_s": session_s, "jvm_peak_rss_mib": jvm}
    return result


def _peak_rss_mib(pid: int) -> float | None:
    """A live process's peak resident set (VmHWM), for children nobody waits for."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return None
    for line in status.read_text(encoding="utf-8").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def model_query(args: dict[str, Any]) -> dict[str, Any]:
    """The baseline of a model run: its compiled clue query over the same Parquet files in
    a plain DuckDB connection (same memory limit), every hit fetched to Arrow — no sandbox,
    no hits file, no funnel, no run record."""
    import duckdb
    from sqlglot import exp

    from jiandu.catalog.registry import all_types
    from jiandu.entities.names import install_name_functions
    from jiandu.fields.registry import get_type
    from jiandu.models.compiler import compile_model
    from jiandu.pool import layout
    from jiandu.pool.duckdb_engine import DEFAULT_MEMORY_LIMIT
    from jiandu.store import pool_catalog
    from jiandu.store.db import session_scope

    workspace, entry = _entry(Path(args["home"]), args["model"])
    settings = workspace.settings
    types = all_types(settings)
    compiled = compile_model(entry.spec, None, as_of=AS_OF, types=types)
    with session_scope(workspace.engine) as session:
        committed = pool_catalog.committed_batches(session)
    files = layout.committed_files_by_dataset(settings, [(d, p) for d, _b, p in committed])
    started = time.perf_counter()
    memory = os.environ.get("JIANDU_DUCKDB_MEMORY", DEFAULT_MEMORY_LIMIT)
    con = duckdb.connect(config={"memory_limit": memory})
    for type_id in compiled.sources:
        if files.get(type_id):
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files[type_id])
            con.execute(
                f"CREATE VIEW {type_id} AS "
                f"SELECT * FROM read_parquet([{listed}], union_by_name = true)"
            )
            continue
        columns = []
        for field in types[type_id].fields:
            semantic = get_type(field.type)
            columns.append(f"NULL::{semantic.duckdb_type} AS {field.name}")
            columns.extend(
                f"NULL::{d.duckdb_type} AS {field.name}_{d.suffix}" for d in semantic.derived
            )
        con.execute(f"CREATE VIEW {type_id} AS SELECT {', '.join(columns)} WHERE false")
    if any(
        node.name.lower().startswith(("jd_name_", "jd_org_"))
        for node in compiled.tree().find_all(exp.Anonymous)
    ):
        install_name_functions(con)
    hits = con.sql(compiled.sql("duckdb", pretty=False)).to_arrow_table().num_rows
    return {"seconds": time.perf_counter() - started, "hits": hits}


def compiled(args: dict[str, Any]) -> dict[str, Any]:
    from model_bench import measure

    return measure(args["pension_rows"], args["deaths"], args["repeat"])


def search(args: dict[str, Any]) -> dict[str, Any]:
    from search_bench import measure

    result = measure(args["docs"], args["queries"], args["seed"], scan=True)
    result["build"].pop("sample", None)
    return result


def api(args: dict[str, Any]) -> dict[str, Any]:
    """`jiandu serve` (`processes` server processes, default 1) on a built demo
    workspace; the clue list and healthz, by 1 and by `clients` clients at once; the
    server's own peak memory (its largest process's)."""
    from web_bench import load, serve, sign_in

    home = Path(args["home"])
    accounts = json.loads((home / "demo-accounts.json").read_text(encoding="utf-8"))
    prosecutor = next(a for a in accounts if a["username"] == "prosecutor")
    process, base_url = serve(home, processes=args.get("processes", 1))
    try:
        cookies = sign_in(base_url, prosecutor["username"], prosecutor["password"])
        clients, per_client, limit = args["clients"], args["per_client"], args["max_seconds"]
        clues = "/api/clues?limit=50"

        def timed(path: str, how_many: int, each: int) -> dict[str, Any]:
            return load(base_url, path, how_many, each, cookies, max_seconds=limit)

        # The clue list under load last: a server that fell behind is still answering
        # the requests its clients gave up on when the next load starts.
        result: dict[str, Any] = {
            "clues_1": timed(clues, 1, per_client * 2),
            "healthz_1": timed("/api/healthz", 1, per_client * 2),
            "healthz_n": timed("/api/healthz", clients, per_client),
            "clues_n": timed(clues, clients, per_client),
        }
    finally:
        process.terminate()
    _pid, status, usage = os.wait4(process.pid, 0)
    result["server_peak_rss_mib"] = usage.ru_maxrss / 1024
    result["server_exit"] = os.waitstatus_to_exitcode(status)
    return result


KINDS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "pool": pool,
    "model_run": model_run,
    "model_query": model_query,
    "compiled": compiled,
    "search": search,
    "api": api,
}


def main() -> int:
    kind, raw = sys.argv[1], sys.argv[2]
    result = KINDS[kind](json.loads(raw))
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
