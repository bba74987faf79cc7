"""A pool of N rows for timing the library models, built straight into a JIANDU_HOME.

    .venv/bin/python bench/pool_scale.py --rows 1000000 --home /tmp/jiandu-bench/pool-1M

Importing ten million rows through the importer takes minutes and is measured elsewhere
(bench/ingest_bench.py, bench/demo_bench.py); to time the *models* at scale the pool is
written as the importer would leave it, without the import:

- every dataset type an agency sends: the demo's planted stories (`jiandu.demo`, a fixed
  number of cases per model, so the models have something to find) plus the demo's
  filler up to N rows (DuckDB SQL over `range(n)`, linked across datasets where the
  filler links them: pensioners who die, workers of filler companies, vehicles' fines);
  each field with the pool's cleaned type, its derived columns (the same `jd_*` macros
  the import uses) and the import's lineage columns, as one Parquet batch per dataset;
- the derived datasets the library reads (party_relation, entity_edge,
  near_duplicate_group), which jiandu computes after imports (entity resolution, MinHash):
  here in SQL from the court tables — one case in twenty gets a relation between its
  parties, one judgment in ten a near-duplicate group of six — so the models' joins meet
  on real keys; the planted template suits are grouped by the real `group_judgments`.

Each batch is committed like an import's: the folder under `pool/<dataset>/<batch>/`,
then the dataset and the batch row in the metadata store, so `run_model` reads it as any
pool. A finished pool leaves `bench-pool.json`; a second call with the same rows, seed
and cases reuses it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import duckdb

from jiandu.catalog.registry import builtin_types
from jiandu.config import Settings, load_settings
from jiandu.demo.filler import FILLER, filler_counts, filler_sql, install_filler_macros
from jiandu.demo.province import _planted_table, plant
from jiandu.fields.registry import get_type, install_macros
from jiandu.pool import layout
from jiandu.pool.storage import pool_storage
from jiandu.store import pool_catalog
from jiandu.store.db import session_scope
from jiandu.store.schema import new_batch_id
from jiandu.workspace import init_workspace, open_workspace

MARKER = "bench-pool.json"
LAYOUT_VERSION = 1
WARNINGS_TYPE = "STRUCT(field VARCHAR, code VARCHAR)[]"

PARTY_RELATION = """
WITH parties AS (
  SELECT case_no, role, name, agent_name,
         'E' || md5(coalesce(id_card, uscc, name))[:15] AS entity
  FROM read_parquet($court_party)
  WHERE hash(case_no) % 20 = 0 AND name IS NOT NULL
), pairs AS (
  SELECT a.case_no, a.entity AS party_a, a.name AS party_a_name, a.role AS party_a_role,
         b.entity AS party_b, b.name AS party_b_name, b.role AS party_b_role,
         coalesce(a.agent_name, b.agent_name) AS agent_name,
         hash(a.case_no || 'kind') % 3 AS kind
  FROM parties a JOIN parties b ON a.case_no = b.case_no
  WHERE a.role = '原告' AND b.role = '被告'
)
SELECT case_no, party_a, party_a_name, party_a_role, party_b, party_b_name, party_b_role,
       CASE kind WHEN 0 THEN 1 ELSE 2 END::INTEGER AS hops,
       CASE kind WHEN 1 THEN 'E' || md5(coalesce(agent_name, '中间人' || case_no))[:15]
                 WHEN 2 THEN 'E' || md5('法定代表人' || case_no)[:15] END AS via,
       CASE kind WHEN 1 THEN coalesce(agent_name, '中间人')
                 WHEN 2 THEN '某法定代表人' END AS via_name,
       CASE kind WHEN 0 THEN 'same_phone' WHEN 1 THEN 'agent>agent'
                 ELSE 'legal_rep>legal_rep' END AS path
FROM pairs
"""
# The agent of the 'agent>agent' pairs, acting for both sides in the case (the edges
# related_party_litigation needs to confirm such a path).
ENTITY_EDGE = """
SELECT via AS entity_a, party AS entity_b, 'person' AS kind_a, 'person' AS kind_b,
       'agent' AS relation, case_no, 'court_party' AS source_dataset, 1::INTEGER AS weight
FROM (SELECT via, party_a AS party, case_no FROM party_relation_rows WHERE path = 'agent>agent'
      UNION ALL
      SELECT via, party_b, case_no FROM party_relation_rows WHERE path = 'agent>agent')
"""
NEAR_DUPLICATE_GROUP = """
WITH picked AS (
  SELECT doc_id, case_no, court_name, cause, judgment_date,
         (row_number() OVER (ORDER BY doc_id) - 1) // 6 AS g
  FROM read_parquet($judgment_document)
  WHERE claims_text IS NULL AND hash(doc_id) % 10 = 0
)
SELECT min(doc_id) OVER (PARTITION BY g) AS group_id, doc_id, case_no, court_name, cause,
       judgment_date, count(*) OVER (PARTITION BY g)::INTEGER AS group_size,
       (85 + hash(doc_id) % 15)::INTEGER AS similarity
FROM picked
"""


def settings_for(home: Path) -> Settings:
    """The settings of a bench workspace at `home` (SQLite metadata, DuckDB engine)."""
    env = {k: v for k, v in os.environ.items() if k not in ("JIANDU_DATABASE_URL",)}
    return load_settings({**env, "JIANDU_HOME": str(home)})


def _columns(type_id: str) -> list[str]:
    """Fields cast to the pool's types and their derived columns, as the import writes."""
    columns: list[str] = []
    for spec in builtin_types()[type_id].fields:
        semantic = get_type(spec.type)
        columns.append(f"CAST({spec.name} AS {semantic.duckdb_type}) AS {spec.name}")
        columns.extend(
            f"{d.sql_macro}(CAST({spec.name} AS {semantic.duckdb_type})) AS {spec.name}_{d.suffix}"
            for d in semantic.derived
        )
    return columns


def _typed(con: duckdb.DuckDBPyConnection, type_id: str, relation: str) -> str:
    """A SELECT of `relation` with every field of `type_id` typed (absent ones NULL)."""
    present = set(con.sql(f"SELECT * FROM {relation} LIMIT 0").columns)
    parts = []
    for spec in builtin_types()[type_id].fields:
        kind = get_type(spec.type).duckdb_type
        value = spec.name if spec.name in present else "NULL"
        parts.append(f"CAST({value} AS {kind}) AS {spec.name}")
    return f"SELECT {', '.join(parts)} FROM {relation}"


class PoolWriter:
    """Writes batches into a workspace's pool and commits them in the catalog."""

    def __init__(self, settings: Settings, con: duckdb.DuckDBPyConnection, tag: str) -> None:
        self.settings = settings
        self.con = con
        self.tag = tag
        self.engine = open_workspace(settings).engine
        self.files: dict[str, str] = {}
        self.rows: dict[str, int] = {}

    def commit(self, type_id: str, select: str, params: dict[str, Any] | None = None) -> int:
        """Write `select` (the type's fields, or more) as one batch of `type_id`."""
        batch_id = new_batch_id()
        staged = layout.staging_dir(self.settings, batch_id)
        staged.mkdir(parents=True)
        target = staged / "part-0.parquet"
        columns = ", ".join(_columns(type_id))
        self.con.execute(
            f"COPY (SELECT {columns}, CAST([] AS {WARNINGS_TYPE}) AS _warnings, "
            f"'{batch_id}' AS _batch_id, 'bench' AS _source, "
            f"row_number() OVER () AS _source_row FROM ({select})) "
            f"TO '{target}' (FORMAT parquet)",
            params or {},
        )
        rows = int(
            self.con.execute("SELECT count(*) FROM read_parquet(?)", [str(target)]).fetchall()[0][0]
        )
        data_path = layout.batch_path(type_id, batch_id)
        storage = pool_storage(self.settings)
        storage.commit(staged, data_path)
        digest = hashlib.sha256(f"{self.tag}:{type_id}".encode()).hexdigest()
        with session_scope(self.engine) as session:
            pool_catalog.ensure_dataset(session, builtin_types()[type_id])
            pool_catalog.record_batch(
                session,
                batch_id=batch_id,
                dataset_id=type_id,
                status="committed",
                content_hash=digest,
                files=[],
                rows_read=rows,
                rows_accepted=rows,
                source_name="bench",
                data_path=data_path,
            )
        self.files[type_id] = storage.batch_files(data_path)[0]
        self.rows[type_id] = rows
        return rows


def build_pool(
    home: Path, rows: int, *, seed: int = 20231, cases: int = 100, memory: str = "2GB"
) -> dict[str, Any]:
    """Build (or reuse) a bench pool of about `rows` rows at `home`; what it holds."""
    wanted = {"version": LAYOUT_VERSION, "rows": rows, "seed": seed, "cases": cases}
    marker = home / MARKER
    if marker.exists():
        done: dict[str, Any] = json.loads(marker.read_text(encoding="utf-8"))
        if {k: done.get(k) for k in wanted} == wanted:
            return done
    shutil.rmtree(home, ignore_errors=True)
    settings = settings_for(home)
    init_workspace(settings)
    started = time.perf_counter()
    data = plant(seed, cases)
    planted = data.count()
    counts = filler_counts(max(rows - planted, 0))
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"memory_limit": memory})
    try:
        con.execute(f"SET temp_directory = '{home / 'tmp'}'")
        install_macros(con)
        install_filler_macros(con, seed)
        writer = PoolWriter(settings, con, f"bench:{rows}:{seed}:{cases}")
        for type_id in FILLER:
            names = ", ".join(f.name for f in builtin_types()[type_id].fields)
            planted_name = _planted_table(con, type_id, data.rows.pop(type_id, []))
            writer.commit(
                type_id,
                f"SELECT {names} FROM {planted_name} UNION ALL "
                f"SELECT {names} FROM ({filler_sql(type_id, counts)})",
            )
            con.execute(f"DROP TABLE {planted_name}")
        _derived(con, writer)
    finally:
        con.close()
    result = {
        **wanted,
        "planted_rows": planted,
        "pool_rows": sum(writer.rows.values()),
        "datasets": writer.rows,
        "seconds": round(time.perf_counter() - started, 1),
    }
    marker.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def _derived(con: duckdb.DuckDBPyConnection, writer: PoolWriter) -> None:
    """party_relation, entity_edge and near_duplicate_group over the written court tables."""
    from jiandu.text.neardup_refresh import group_judgments  # numpy MinHash: only here

    relations = con.sql(PARTY_RELATION, params={"court_party": writer.files["court_party"]})
    relations.create("party_relation_rows")
    writer.commit("party_relation", _typed(con, "party_relation", "party_relation_rows"))
    con.execute(f"CREATE TEMP TABLE entity_edge_rows AS {ENTITY_EDGE}")
    writer.commit("entity_edge", _typed(con, "entity_edge", "entity_edge_rows"))
    judgments = writer.files["judgment_document"]
    planted = con.sql(
        "SELECT * FROM read_parquet(?) WHERE claims_text IS NOT NULL", params=[judgments]
    ).to_arrow_table()
    con.execute(
        f"CREATE TEMP TABLE group_rows AS {NEAR_DUPLICATE_GROUP}", {"judgment_document": judgments}
    )
    if planted.num_rows:
        con.register("planted_groups", group_judgments(planted))
        con.execute("INSERT INTO group_rows BY NAME SELECT * FROM planted_groups")
        con.unregister("planted_groups")
    writer.commit("near_duplicate_group", _typed(con, "near_duplicate_group", "group_rows"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=20231)
    parser.add_argument("--cases", type=int, default=100, help="planted cases per model")
    args = parser.parse_args()
    print(json.dumps(build_pool(args.home, args.rows, seed=args.seed, cases=args.cases), indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
