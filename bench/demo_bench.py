"""The whole demo at a given size: time per phase, rows/s, peak memory, and the scores.

    .venv/bin/python bench/demo_bench.py --size 100000 --size 10000000

Each size runs `jiandu demo --size N --no-serve --json` in a fresh process with a fresh
JIANDU_HOME (a temporary folder, removed afterwards unless --keep), so the figures include
everything a user waits for: generating the province (planting in Python, filler and
rendering in DuckDB, Excel by openpyxl), importing all 21 agency files through the real
import path, running the 11 library models and scoring them. Peak memory is the child
process's maximum resident set (`getrusage(RUSAGE_CHILDREN)`, Linux reports KiB).

The baseline line is the cost floor of the same bytes: DuckDB reading every generated
file straight into Parquet with no cleaning (`read_csv` / `read_json` / `read_parquet`;
Excel files excluded) — what the import spends beyond it is cleaning, validation, rejects,
the quality report and the commit.

Prints a table and writes bench/out/demo.json.
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

OUT = Path(__file__).resolve().parent / "out"


def _baseline(folder: Path) -> dict[str, float]:
    """Seconds for DuckDB to copy every non-Excel demo file to Parquet (GB18030 files are
    transcoded to UTF-8 first, in Python, streaming: DuckDB reads only UTF-8 offline)."""
    con = duckdb.connect()
    started, rows = time.perf_counter(), 0
    target = folder / ".baseline.parquet"
    staged = folder / ".baseline.csv"
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        if path.suffix in (".csv", ".tsv"):
            source_path = path
            try:
                codecs.getincrementaldecoder("utf-8")().decode(path.read_bytes()[:65536])
            except UnicodeDecodeError:
                with (
                    path.open(encoding="gb18030", newline="") as src,
                    staged.open("w", encoding="utf-8", newline="") as dst,
                ):
                    shutil.copyfileobj(src, dst, 1 << 20)
                source_path = staged
            first = source_path.open(encoding="utf-8-sig").readline()
            skip = 0 if ("\t" if path.suffix == ".tsv" else ",") in first else 1
            delim = "\t" if path.suffix == ".tsv" else ","
            source = (
                f"read_csv('{source_path}', skip={skip}, header=true, all_varchar=true, "
                f"delim='{delim}')"
            )
        elif path.suffix == ".jsonl":
            source = f"read_json('{path}', format='newline_delimited')"
        elif path.suffix == ".parquet":
            source = f"read_parquet('{path}')"
        else:
            continue
        con.execute(f"COPY (SELECT * FROM {source}) TO '{target}' (FORMAT parquet)")
        row = con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()
        rows += int(row[0]) if row else 0
    target.unlink(missing_ok=True)
    staged.unlink(missing_ok=True)
    return {"seconds": time.perf_counter() - started, "rows": rows}


def run(size: int, seed: int, keep: bool) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"jiandu-demo-{size}-"))
    env = {**os.environ, "JIANDU_HOME": str(home)}
    env.pop("JIANDU_DATABASE_URL", None)
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "jiandu",
            "demo",
            "--size",
            str(size),
            "--seed",
            str(seed),
            "--no-serve",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"demo at size {size} failed ({done.returncode})")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report = json.loads((home / "demo-report.json").read_text(encoding="utf-8"))
    baseline = _baseline(home / "demo-files")
    result = {
        "size": size,
        "rows_written": report["rows_written"],
        "wall_seconds": round(wall, 1),
        "seconds": report["seconds"],
        "rows_per_second": round(report["rows_written"] / wall),
        "peak_rss_mib": round(peak_kib / 1024),
        "baseline_copy_seconds": round(baseline["seconds"], 1),
        "pool_bytes": sum(p.stat().st_size for p in (home / "pool").rglob("*") if p.is_file()),
        "scores": {
            s["model_id"]: {"precision": s["precision"], "recall": s["recall"], "clues": s["clues"]}
            for s in report["scores"]
        },
    }
    if keep:
        result["home"] = str(home)
    else:
        shutil.rmtree(home, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size", type=int, action="append", help="pool rows (repeatable)")
    parser.add_argument("--seed", type=int, default=20231)
    parser.add_argument("--keep", action="store_true", help="keep each JIANDU_HOME")
    args = parser.parse_args()
    results = [run(size, args.seed, args.keep) for size in (args.size or [100_000])]
    print(f"{'size':>12} {'rows':>12} {'wall s':>8} {'generate':>9} {'import':>8} "
          f"{'models':>8} {'rows/s':>9} {'peak MiB':>9} {'copy s':>7} {'min P':>6} {'min R':>6}")  # fmt: skip
    for r in results:
        s = r["seconds"]
        precision = min(v["precision"] for v in r["scores"].values())
        recall = min(v["recall"] for v in r["scores"].values())
        print(
            f"{r['size']:>12,} {r['rows_written']:>12,} {r['wall_seconds']:>8} "
            f"{s['generate']:>9} {s['import']:>8} {s['models']:>8} {r['rows_per_second']:>9,} "
            f"{r['peak_rss_mib']:>9,} {r['baseline_copy_seconds']:>7} {precision:>6} {recall:>6}"
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "demo.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
