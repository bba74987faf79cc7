"""Model overhead: compiled `pension_after_death` against the same query written by hand.

    .venv/bin/python bench/model_bench.py --pension-rows 5000000 --deaths 50000

Generates (with DuckDB, not Python loops) pool-shaped Parquet files — pension payments
(12 months per person, the pool's column types) and deaths (some persons with a second
record from another source) — then times, median of `--repeat` runs each:

- hand: the query a person would write in DuckDB SQL over `read_parquet`, plain DuckDB;
- compiled: `compile_model(pension_after_death).sql("duckdb")` in the runner's sandboxed
  DuckDB (views over the same files, external access off);
- funnel: the runner's funnel, every step's count in one `funnel_sql` query (extra work a
  recorded run does).

Both queries return every hit to Arrow; the bench checks they return the same rows.
Prints a table and writes bench/out/model.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from jiandu.catalog.registry import builtin_types
from jiandu.models import compile_model, library_models, sandboxed_duckdb
from jiandu.models.runner import empty_columns

OUT = Path(__file__).resolve().parent / "out"

GENERATE_PENSION = """
COPY (
  SELECT
    lpad(CAST(i AS VARCHAR), 18, '3') AS id_card,
    '人员' || CAST(i AS VARCHAR) AS name,
    CAST(DATE '2023-01-01' + to_months(CAST(m AS INTEGER)) AS DATE) AS pay_month,
    CAST(2000 + hash(i) % 3000 AS DECIMAL(18, 2)) AS amount,
    '6222' || lpad(CAST(i AS VARCHAR), 12, '0') AS account_no,
    CAST(NULL AS VARCHAR) AS source_record_id
  FROM range(0, $persons) AS p(i), range(0, 12) AS mm(m)
) TO '{path}' (FORMAT parquet)
"""
GENERATE_DEATHS = """
COPY (
  WITH dead AS (
    SELECT (i * 7919) % $persons AS person,
           DATE '2023-01-01' + CAST(hash(i) % 365 AS INTEGER) AS death_date
    FROM range(0, $deaths) AS d(i)
  )
  SELECT lpad(CAST(person AS VARCHAR), 18, '3') AS id_card, '人员' || CAST(person AS VARCHAR)
         AS name, death_date, '火化' AS source, CAST(NULL AS VARCHAR) AS source_record_id
  FROM dead
  UNION ALL
  SELECT lpad(CAST(person AS VARCHAR), 18, '3'), '人员' || CAST(person AS VARCHAR),
         death_date + 20, '户籍注销', NULL FROM dead WHERE person % 10 = 0
) TO '{path}' (FORMAT parquet)
"""
HAND_WRITTEN = """
WITH deaths AS (
  SELECT id_card, min(death_date) AS death_date FROM read_parquet($deaths) GROUP BY id_card
), paid AS (
  SELECT p.id_card, p.name, p.pay_month, p.amount, d.death_date
  FROM read_parquet($pension) AS p JOIN deaths AS d ON p.id_card = d.id_card
  WHERE p.pay_month > date_trunc('month', d.death_date)
), persons AS (
  SELECT id_card, max(name) AS name, min(death_date) AS death_date,
         count(DISTINCT pay_month) AS months, min(pay_month) AS first_month,
         max(pay_month) AS last_month, sum(amount) AS total_amount
  FROM paid GROUP BY id_card HAVING count(DISTINCT pay_month) >= 2
)
SELECT 'after_death' AS branch, 'person' AS subject_type, id_card AS subject_key,
  concat(name, '死亡（', death_date, '）后仍领取养老金', months, '个月，共', total_amount, '元')
    AS title,
  'high' AS severity,
  {'name': name, 'death_date': death_date, 'months': months, 'first_month': first_month,
   'last_month': last_month, 'total_amount': total_amount, 'sentence_type': NULL,
   'custody_start': NULL, 'custody_end': NULL} AS evidence,
  name, death_date, months, first_month, last_month, total_amount,
  NULL AS sentence_type, NULL AS custody_start, NULL AS custody_end
FROM persons
"""


def generate(folder: Path, persons: int, deaths: int) -> tuple[Path, Path]:
    pension, death = folder / "pension.parquet", folder / "deaths.parquet"
    con = duckdb.connect()
    # Paths come from tempfile, not from users; COPY cannot take a bound file name.
    con.execute(GENERATE_PENSION.format(path=pension), {"persons": persons})
    con.execute(GENERATE_DEATHS.format(path=death), {"persons": persons, "deaths": deaths})
    con.close()
    return pension, death


def _rows(result: duckdb.DuckDBPyConnection) -> list[str]:
    # Evidence is a dict (unhashable): compare rows by their text, sorted.
    return sorted(repr(row) for row in result.fetchall())


def median_seconds(action: Callable[[], int], repeat: int) -> tuple[float, int]:
    times, rows = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        rows = action()
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def measure(pension_rows: int, deaths: int, repeat: int) -> dict[str, Any]:
    """Generate the files, time hand-written against compiled (median of `repeat`), check
    both return the same rows; the figures `main` prints (and bench/run.py tabulates)."""
    persons = pension_rows // 12
    compiled = compile_model(library_models()["pension_after_death"], as_of=date(2024, 6, 30))
    sql = compiled.sql("duckdb", pretty=False)

    with tempfile.TemporaryDirectory() as tmp:
        pension, death = generate(Path(tmp), persons, deaths)
        plain = duckdb.connect()
        params = {"pension": str(pension), "deaths": str(death)}
        # The model's optional sources without data (sentence_record) are empty tables,
        # as the runner registers them.
        types = builtin_types()
        sandbox = sandboxed_duckdb(
            {"pension_payment": [pension], "death_record": [death]},
            empty_tables={
                t: empty_columns(types[t])
                for t in compiled.sources
                if t not in ("pension_payment", "death_record")
            },
        )

        def hand() -> int:
            return int(plain.sql(HAND_WRITTEN, params=params).to_arrow_table().num_rows)

        def compiled_run() -> int:
            return int(sandbox.sql(sql).to_arrow_table().num_rows)

        def funnel() -> int:
            # The runner's funnel: every step's count in one query (funnel_sql).
            return sum(int(n) for n in sandbox.execute(compiled.funnel_sql()).fetchall()[0])

        hand()  # warm the OS file cache for both
        hand_s, hand_rows = median_seconds(hand, repeat)
        compiled_s, compiled_rows = median_seconds(compiled_run, repeat)
        funnel_s, _ = median_seconds(funnel, repeat)
        same = _rows(plain.execute(HAND_WRITTEN, params)) == _rows(sandbox.execute(sql))

    return {
        "pension_rows": persons * 12,
        "death_rows_generated_from": deaths,
        "hits": compiled_rows,
        "same_rows": same and hand_rows == compiled_rows,
        "hand_s": round(hand_s, 4),
        "compiled_s": round(compiled_s, 4),
        "ratio": round(compiled_s / hand_s, 3),
        "funnel_s": round(funnel_s, 4),
        "funnel_steps": len(compiled.steps),
        "repeat": repeat,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pension-rows", type=int, default=5_000_000)
    parser.add_argument("--deaths", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    result = measure(args.pension_rows, args.deaths, args.repeat)
    OUT.mkdir(exist_ok=True)
    (OUT / "model.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"pension rows {result['pension_rows']:,}, hits {result['hits']:,}, "
          f"same rows: {result['same_rows']}")  # fmt: skip
    print(f"hand-written DuckDB   {result['hand_s']:8.3f} s (median of {args.repeat})")
    print(f"compiled (sandboxed)  {result['compiled_s']:8.3f} s   ratio {result['ratio']:.3f}")
    print(f"funnel ({result['funnel_steps']} steps, one query)  {result['funnel_s']:8.3f} s   "
          "(recorded runs only)")  # fmt: skip


if __name__ == "__main__":
    main()
