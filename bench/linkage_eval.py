"""Accuracy of `jiandu.entities.linkage` on public record-linkage benchmarks.

    .venv/bin/python bench/linkage_eval.py [--only NAME] [--json OUT]

Each dataset runs in a fresh child process (so its peak RSS is its own), is linked with
`link()` and a spec written for it (below; none of them looks at the truth), and is
scored pairwise against the truth at the spec's threshold: precision = true predicted
pairs / predicted pairs, recall = true predicted pairs / true pairs. Seconds cover
`link()` only (normalising, training, prediction), not reading the files.

| name | task | truth |
|---|---|---|
| febrl1, febrl2, febrl3 | dedupe one table | records rec-<n>-org and rec-<n>-dup-<k> share <n> |
| febrl4 | link 4a with 4b | the same |
| fake_1000 | dedupe (Splink's demo people) | the `cluster` column |
| dblp_acm | link DBLP with ACM (bibliographic) | DBLP-ACM_perfectMapping.csv |
| companies_zh | link 10,110 real 2019 company registrations (Zhejiang, Shanghai) with a corrupted copy (`jiandu.entities.corruption.corrupt_companies`, seed 7) | `truth_id` of each corrupted row |
| companies_zh_uscc | the same, plus the corrupted USCC as an `id` field | the same |

The company rows compare name (org_zh), legal representative (name_zh), registration date
(date), address (address) and region (exact); the USCC, which is the answer key, is left
out of the first variant and is compared only in its corrupted form in the second.

Data: /work/shared/data (see each folder's SOURCE.md), or `--data DIR`.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from jiandu.entities.linkage import Field, LinkSpec, link

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "tests" / "entities"))

from febrl import FEBRL_SPEC, febrl_table  # noqa: E402

SEED = 7


@dataclass
class Case:
    """One benchmark: inputs, the truth as id pairs, and the spec."""

    task: str
    left: pa.Table
    right: pa.Table | None
    truth: pa.Table  # id_l, id_r (for dedupe id_l < id_r)
    spec: LinkSpec


# ---------------------------------------------------------------------------------------
# FEBRL


def _pairs_by_entity(
    con: duckdb.DuckDBPyConnection, left: pa.Table, right: pa.Table | None
) -> pa.Table:
    """Truth pairs: records sharing `entity` (across the tables, or within one)."""
    con.register("truth_l", left.select(["unique_id", "entity"]))
    con.register("truth_r", (right if right is not None else left).select(["unique_id", "entity"]))
    condition = "" if right is not None else "AND l.unique_id < r.unique_id"
    try:
        return con.sql(
            f"""
            SELECT l.unique_id AS id_l, r.unique_id AS id_r
            FROM truth_l l JOIN truth_r r ON l.entity = r.entity {condition}
            """
        ).to_arrow_table()
    finally:
        con.unregister("truth_l")
        con.unregister("truth_r")


def _febrl(name: str) -> Callable[[Path], Case]:
    def load(data: Path) -> Case:
        con = duckdb.connect()
        if name == "4":
            left, right = febrl_table(data, "4a"), febrl_table(data, "4b")
            return Case("link", left, right, _pairs_by_entity(con, left, right), FEBRL_SPEC)
        table = febrl_table(data, name)
        return Case("dedupe", table, None, _pairs_by_entity(con, table, None), FEBRL_SPEC)

    return load


# ---------------------------------------------------------------------------------------
# Splink's fake_1000


def _fake_1000(data: Path) -> Case:
    con = duckdb.connect()
    path = data / "linkage_splink_datasets" / "fake_1000.csv"
    table = con.sql(
        f"""
        SELECT CAST(unique_id AS VARCHAR) AS unique_id, first_name, surname,
               CAST(dob AS VARCHAR) AS dob, city, email, CAST("cluster" AS VARCHAR) AS entity
        FROM read_csv('{path}', all_varchar = true)
        """
    ).to_arrow_table()
    spec = LinkSpec(
        fields=(
            Field("first_name", "name"),
            Field("surname", "name"),
            Field("dob", "date"),
            Field("city", "text"),
            Field("email", "text"),
        ),
        blocking=(
            ("first_name", "surname"),
            ("first_name", "dob"),
            ("surname", "dob"),
            ("email",),
            ("dob",),
            ("surname",),
            ("first_name",),
            ("substr(email, 1, 5)",),
        ),
        threshold=0.9,
    )
    return Case("dedupe", table, None, _pairs_by_entity(con, table, None), spec)


# ---------------------------------------------------------------------------------------
# DBLP-ACM


def _dblp_acm(data: Path) -> Case:
    con = duckdb.connect()
    folder = data / "linkage_dblp_acm"

    def read(name: str) -> pa.Table:
        return con.sql(
            f"""
            SELECT CAST(id AS VARCHAR) AS unique_id, title, authors, venue,
                   CAST(year AS VARCHAR) AS year
            FROM read_csv('{folder / name}', all_varchar = true, header = true)
            """
        ).to_arrow_table()

    truth = con.sql(
        f"""
        SELECT column0 AS id_l, CAST(column1 AS VARCHAR) AS id_r
        FROM read_csv('{folder / "DBLP-ACM_perfectMapping.csv"}', header = false,
                      all_varchar = true)
        """
    ).to_arrow_table()
    spec = LinkSpec(
        fields=(
            Field("title", "text"),
            Field("authors", "text"),
            Field("venue", "text"),
            Field("year", "exact"),
        ),
        blocking=(
            ("year", "substr(title, 1, 3)"),
            ("substr(title, 1, 12)",),
            ("year", "substr(authors, 1, 4)"),
        ),
        threshold=0.9,
    )
    return Case("link", read("DBLP2.csv"), read("ACM.csv"), truth, spec)


# ---------------------------------------------------------------------------------------
# Chinese companies


def _companies_clean(data: Path) -> pa.Table:
    con = duckdb.connect()
    folder = data / "company_registrations_sample"
    return con.sql(
        f"""
        SELECT CAST(row_number() OVER (ORDER BY 统一社会信用代码) AS VARCHAR) AS unique_id,
               企业名称 AS name, 统一社会信用代码 AS uscc, 法人代表 AS legal_rep,
               CAST(注册日期 AS VARCHAR) AS reg_date, 注册地址 AS address,
               所在省份 || 地区 AS region
        FROM read_csv(['{folder / "2019_zhejiang.csv"}', '{folder / "2019_shanghai.csv"}'],
                      all_varchar = true, header = true)
        """
    ).to_arrow_table()


def _companies(with_uscc: bool) -> Callable[[Path], Case]:
    def load(data: Path) -> Case:
        from jiandu.entities.corruption import corrupt_companies

        clean = _companies_clean(data)
        dirty = corrupt_companies(clean, seed=SEED)
        truth = pa.table(
            {
                "id_l": dirty["truth_id"].cast(pa.string()),
                "id_r": dirty["unique_id"].cast(pa.string()),
            }
        )
        fields = [
            Field("name", "org_zh"),
            Field("legal_rep", "name_zh"),
            Field("reg_date", "date"),
            Field("address", "address"),
            Field("region", "exact"),
        ]
        if with_uscc:
            fields.append(Field("uscc", "id"))
        columns = ["unique_id", *(f.column for f in fields)]
        spec = LinkSpec(
            fields=tuple(fields),
            blocking=(
                ("name__core",),
                ("legal_rep__pinyin", "reg_date"),
                ("reg_date", "region"),
                ("legal_rep", "region"),
            ),
            threshold=0.9,
        )
        return Case("link", clean.select(columns), dirty.select(columns), truth, spec)

    return load


CASES: dict[str, Callable[[Path], Case]] = {
    "febrl1": _febrl("1"),
    "febrl2": _febrl("2"),
    "febrl3": _febrl("3"),
    "febrl4": _febrl("4"),
    "fake_1000": _fake_1000,
    "dblp_acm": _dblp_acm,
    "companies_zh": _companies(with_uscc=False),
    "companies_zh_uscc": _companies(with_uscc=True),
}


# ---------------------------------------------------------------------------------------
# Scoring


def score(pairs: pa.Table, truth: pa.Table, *, dedupe: bool) -> dict[str, Any]:
    con = duckdb.connect()
    con.register("predicted", pairs.select(["id_l", "id_r"]))
    con.register("truth", truth)
    norm = (
        "SELECT DISTINCT least(id_l, id_r) AS a, greatest(id_l, id_r) AS b FROM {}"
        if dedupe
        else "SELECT DISTINCT id_l AS a, id_r AS b FROM {}"
    )
    row = con.sql(
        f"""
        WITH p AS ({norm.format("predicted")}), t AS ({norm.format("truth")})
        SELECT (SELECT count(*) FROM t), (SELECT count(*) FROM p),
               (SELECT count(*) FROM p JOIN t USING (a, b))
        """
    ).fetchall()[0]
    true_pairs, predicted, hits = (int(x) for x in row)
    precision = hits / predicted if predicted else 0.0
    recall = hits / true_pairs if true_pairs else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "true_pairs": true_pairs,
        "predicted_pairs": predicted,
        "true_positives": hits,
        "precision": precision,
        "recall": recall,
        "f1": f1,
    }


def run_one(name: str, data: Path) -> dict[str, Any]:
    case = CASES[name](data)
    started = time.perf_counter()
    pairs = link(case.left, case.right, case.spec)
    seconds = time.perf_counter() - started
    records = case.left.num_rows + (case.right.num_rows if case.right is not None else 0)
    result = {
        "dataset": name,
        "task": case.task,
        "records": records,
        "threshold": case.spec.threshold,
        **score(pairs, case.truth, dedupe=case.right is None),
        "seconds": seconds,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    return result


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| dataset | task | records | true pairs | predicted pairs | precision | recall | F1 "
        "| seconds | peak RSS MiB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['dataset']} | error: {r['error']} | | | | | | | | |")
            continue
        lines.append(
            f"| {r['dataset']} | {r['task']} | {r['records']:,} | {r['true_pairs']:,} "
            f"| {r['predicted_pairs']:,} | {r['precision']:.4f} | {r['recall']:.4f} "
            f"| {r['f1']:.4f} | {r['seconds']:.1f} | {r['peak_rss_mib']:,.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=sorted(CASES), action="append")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    names = args.only or list(CASES)

    if args.child:  # one dataset, in this process
        print(json.dumps(run_one(names[0], args.data)))
        return

    results = []
    for name in names:
        command = [sys.executable, __file__, "--child", "--only", name, "--data", str(args.data)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = done.stderr.strip().splitlines()[-1:] or ["?"]
            results.append({"dataset": name, "error": tail[0][:200]})
        else:
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        print(table(results[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
