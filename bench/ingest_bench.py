"""Ingest throughput: jiandu's import against a plain DuckDB read_csv → Parquet copy.

    .venv/bin/python bench/ingest_bench.py --rows 5000000

Generates (with DuckDB, not Python loops) a pension-payment CSV of 12 columns — the six
standard fields with messy-but-valid values (ID numbers with real check digits, some in
15-digit form, months written several ways, amounts in 元 and 万元) plus six extra columns
an agency adds — as UTF-8, and a GB18030 copy of it. Then, each in a fresh subprocess so
peak RSS is its own:

- baseline: `COPY (SELECT * FROM read_csv(file, all_varchar)) TO parquet` on the UTF-8 file;
- jiandu import of the UTF-8 file (clean, validate, split, quality report, commit);
- jiandu import of the GB18030 file (adds streaming transcoding).

Prints a table and writes bench/out/ingest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

OUT = Path(__file__).resolve().parent / "out"

GENERATE = """
COPY (
  WITH base AS (
    -- One row per pensioner per month, as pension files are: person i // 12, month i % 12.
    SELECT i,
      (['330602','330603','330604','330624','330681','330683','330621','110101'])[1 + (i // 12) % 8]
        || strftime(DATE '1940-01-01' + CAST(hash(i // 12) % 16000 AS INTEGER), '%Y%m%d')
        || lpad(CAST(hash((i // 12) * 7) % 1000 AS VARCHAR), 3, '0') AS first17
    FROM range(?) t(i)
  ), ids AS (
    SELECT i, first17 || substr('10X98765432', CAST(1 + (
        list_sum(list_transform(range(17), lambda k: CAST(first17[k + 1] AS INTEGER)
          * ([7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2])[k + 1])) % 11) AS BIGINT), 1) AS id_card
    FROM base
  )
  SELECT
    CASE WHEN (i // 12) % 20 = 0 THEN substr(id_card, 1, 6) || substr(id_card, 9, 9)
         ELSE id_card END AS "公民身份号码",
    (['张','王','李','赵','刘','陈'])[1 + (i // 12) % 6]
        || (['伟','芳','娜','强','磊','秀英','建国'])[1 + (i // 72) % 7] AS "姓名",
    CASE (i // 12) % 3 WHEN 0 THEN '2023年' || (1 + i % 12) || '月'
               WHEN 1 THEN '2023' || lpad(CAST(1 + i % 12 AS VARCHAR), 2, '0')
               ELSE '2023-' || lpad(CAST(1 + i % 12 AS VARCHAR), 2, '0') END AS "待遇年月",
    CASE WHEN (i // 12) % 4 = 0
         THEN CAST(round((1800 + hash(i // 12) % 4000) / 10000.0, 4) AS VARCHAR) || '万元'
         ELSE CAST(1800 + hash(i // 12) % 4000 AS VARCHAR) || '.50' END AS "发放金额",
    '6228' || lpad(CAST(hash((i // 12) * 3) % 100000000000000 AS VARCHAR), 14, '0') AS "银行账号",
    'R' || i AS "记录号",
    '越城区社保中心' AS "经办机构",
    (['城乡居民','企业职工','机关事业'])[1 + i % 3] AS "险种",
    '银行代发' AS "发放方式",
    (['中国银行','农业银行','工商银行'])[1 + i % 3] AS "开户银行",
    '1' || (['3','5','8'])[1 + (i // 12) % 3]
        || lpad(CAST(hash((i // 12) * 11) % 1000000000 AS VARCHAR), 9, '0') AS "联系电话",
    CASE WHEN i % 50 = 0 THEN '补发' ELSE '' END AS "备注"
  FROM ids
) TO ? (HEADER, DELIMITER ',')
"""


def generate(rows: int, folder: Path) -> tuple[Path, Path]:
    utf8 = folder / f"pension_v2_{rows}.csv"
    gb = folder / f"pension_v2_{rows}_gb18030.csv"
    if not utf8.exists():
        con = duckdb.connect()
        con.execute(GENERATE, [rows, str(utf8)])
    if not gb.exists():
        with (
            utf8.open("r", encoding="utf-8", newline="") as src,
            gb.open("w", encoding="gb18030", newline="") as dst,
        ):
            while chunk := src.read(8 << 20):
                dst.write(chunk)
    return utf8, gb


def _child(kind: str, path: str, home: str) -> None:
    started = time.perf_counter()
    if kind == "baseline":
        con = duckdb.connect()
        con.execute(
            "COPY (SELECT * FROM read_csv(?, all_varchar = true, header = true)) TO ? "
            "(FORMAT parquet)",
            [path, str(Path(home) / "baseline.parquet")],
        )
        rows = con.execute(
            "SELECT count(*) FROM read_parquet(?)", [str(Path(home) / "baseline.parquet")]
        ).fetchone()
        accepted = rows[0] if rows else 0
        rejected = 0
    else:
        os.environ["JIANDU_HOME"] = home
        from jiandu.catalog.registry import builtin_types
        from jiandu.config import load_settings
        from jiandu.ingest.importer import ImportRequest, import_batch
        from jiandu.workspace import init_workspace

        settings = load_settings()
        init_workspace(settings)
        builtin_types()
        # Start-up (imports, catalog, metadata DB) is paid once per process, not per row.
        started = time.perf_counter()
        result = import_batch(
            settings,
            ImportRequest(dataset_type=builtin_types()["pension_payment"], files=(Path(path),)),
        )
        accepted, rejected = result.rows_accepted, result.rows_rejected
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_rss_mib": peak_kib / 1024,
                "accepted": accepted,
                "rejected": rejected,
            }
        )
    )


def run(kind: str, path: Path, repeat: int) -> dict[str, Any]:
    """Median seconds of `repeat` fresh processes; peak RSS is the largest seen."""
    results = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="jiandu-bench-") as home:
            output = subprocess.run(
                [sys.executable, __file__, "--child", kind, str(path), home],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        results.append(json.loads(output.strip().splitlines()[-1]))
    results.sort(key=lambda r: r["seconds"])
    middle = dict(results[len(results) // 2])
    middle["peak_rss_mib"] = max(r["peak_rss_mib"] for r in results)
    middle["all_seconds"] = [round(r["seconds"], 2) for r in results]
    return middle


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "jiandu-bench")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return 0
    args.data.mkdir(parents=True, exist_ok=True)
    utf8, gb = generate(args.rows, args.data)
    results = {
        "rows": args.rows,
        "file_mib": {"utf8": utf8.stat().st_size / 2**20, "gb18030": gb.stat().st_size / 2**20},
        "baseline_read_csv_to_parquet": run("baseline", utf8, args.repeat),
        "jiandu_import_utf8": run("jiandu", utf8, args.repeat),
        "jiandu_import_gb18030": run("jiandu", gb, args.repeat),
        "cpu_count": os.cpu_count(),
    }
    base = results["baseline_read_csv_to_parquet"]["seconds"]
    print(f"{'run':32} {'seconds':>8} {'rows/s':>12} {'peak RSS MiB':>13} {'× baseline':>11}")
    for name in ("baseline_read_csv_to_parquet", "jiandu_import_utf8", "jiandu_import_gb18030"):
        r = results[name]
        print(
            f"{name:32} {r['seconds']:8.1f} {args.rows / r['seconds']:12,.0f} "
            f"{r['peak_rss_mib']:13.0f} {r['seconds'] / base:11.2f}"
        )
    OUT.mkdir(exist_ok=True)
    (OUT / "ingest.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
