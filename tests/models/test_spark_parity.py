"""Parity: every library model gives the same clues on DuckDB and on Spark.

The demo province (generated with its dirty files, imported, indexed and resolved, as
`jiandu demo` does) is run once on the embedded engine; then every model runs again on
Spark in local mode over the very same pool files. For each model the hits files must
hold the same rows (with the same evidence values and types) and the funnel the same
counts; finally the Spark runs are synced into the clue store after the DuckDB ones and
must change nothing: every clue `present` with the same evidence hash, none new, none
changed, none gone. That is what "same model file, same results" means to a province
that moves from a county box to a cluster.

Spark needs a Java runtime (17+). Without one the suite is skipped, unless
JIANDU_REQUIRE_SPARK is set (CI sets it): then that is a failure.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import metadata_store
import pyarrow.parquet as pq
import pytest
from model_pool import import_file
from test_fuzzy_join import AS_OF as FUZZY_AS_OF
from test_fuzzy_join import AUCTIONS, PARTIES, _csv, fuzzy_join
from test_fuzzy_join import model as fuzzy_model

from jiandu.clues.sync import sync_run
from jiandu.config import Settings, load_settings
from jiandu.demo.province import DEFAULT_SEED
from jiandu.demo.run import DemoReport, run_demo
from jiandu.demo.world import DEMO_AS_OF
from jiandu.models import library_models
from jiandu.models.history import RunRecord
from jiandu.models.registry import ModelEntry, available_models
from jiandu.models.runner import RunAllReport, run_model
from jiandu.pool.spark_engine import stop_session
from jiandu.store.db import session_scope
from jiandu.store.schema import ModelRun
from jiandu.workspace import open_workspace

# Big enough that every planter plants (each model has true cases and decoys), small
# enough for the default test run.
PARITY_SIZE = 4000

pytestmark = pytest.mark.skipif(
    shutil.which("java") is None and not os.environ.get("JIANDU_REQUIRE_SPARK"),
    reason="Spark needs a Java runtime (17+); set JIANDU_REQUIRE_SPARK=1 to make this a failure",
)


@dataclasses.dataclass
class Parity:
    settings: Settings
    demo: DemoReport
    report: RunAllReport
    duckdb: dict[str, RunRecord]
    spark: dict[str, RunRecord]


@pytest.fixture(scope="module")
def parity(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Parity]:
    home = tmp_path_factory.mktemp("parity")
    settings = load_settings({**metadata_store.environ(home), "JIANDU_ENGINE": "duckdb"})
    demo = run_demo(settings, size=PARITY_SIZE, seed=DEFAULT_SEED)
    assert demo.models is not None
    spark = open_workspace(dataclasses.replace(settings, engine="spark"))
    with session_scope(spark.engine) as session:
        entries = list(available_models(session).values())
    try:
        runs = {e.id: run_model(spark, e, as_of=DEMO_AS_OF, created_by="parity") for e in entries}
    finally:
        stop_session()
    yield Parity(settings, demo, demo.models, {r.model_id: r for r in demo.models.runs}, runs)


def _model_ids() -> list[str]:
    return sorted(library_models())


def _rows(path: Path) -> list[str]:
    return sorted(repr(row) for row in pq.read_table(path).to_pylist())


def test_every_model_ran_on_both_engines(parity: Parity) -> None:
    assert not parity.report.failed and not parity.report.skipped
    assert sorted(parity.duckdb) == sorted(parity.spark) == _model_ids()


@pytest.mark.parametrize("model_id", _model_ids())
def test_same_hits_and_funnel(parity: Parity, model_id: str) -> None:
    duck, spark = parity.duckdb[model_id], parity.spark[model_id]
    assert duck.hits_path and spark.hits_path
    home = parity.settings.home
    duck_schema = pq.read_schema(home / duck.hits_path)
    spark_schema = pq.read_schema(home / spark.hits_path)
    assert spark_schema.equals(duck_schema), f"{spark_schema}\n!=\n{duck_schema}"
    duck_rows, spark_rows = _rows(home / duck.hits_path), _rows(home / spark.hits_path)
    assert duck_rows, f"{model_id} finds nothing in the demo province: parity would be empty"
    only_duck = sorted(set(duck_rows) - set(spark_rows))[:3]
    only_spark = sorted(set(spark_rows) - set(duck_rows))[:3]
    assert duck_rows == spark_rows, f"only DuckDB: {only_duck}\nonly Spark: {only_spark}"
    assert spark.funnel == duck.funnel
    assert spark.branch_counts == duck.branch_counts


def test_spark_runs_change_no_clue(parity: Parity) -> None:
    workspace = open_workspace(parity.settings)
    totals: dict[str, Any] = {"new": 0, "changed": 0, "gone": 0, "present": 0}
    for model_id, record in sorted(parity.spark.items()):
        with session_scope(workspace.engine) as session:
            run = session.get_one(ModelRun, record.run_id)
            report = sync_run(session, parity.settings, run, actor="parity")
        assert (report.new, report.changed, report.gone) == (0, 0, 0), (model_id, report)
        assert report.present == report.subjects > 0, (model_id, report)
        for key in totals:
            totals[key] += getattr(report, key)
    assert totals["present"] == sum(r.subjects for r in parity.demo.clues)


def test_fuzzy_joins_score_the_same_on_spark(home: Settings, tmp_path: Path) -> None:
    """Every fuzzy method (name, org, text, levenshtein) gives the same pairs and scores
    on Spark, whose name functions are Python UDFs twinned with DuckDB's macros."""
    import_file(home, "judicial_auction", _csv(tmp_path / "拍卖.csv", AUCTIONS))
    import_file(home, "court_party", _csv(tmp_path / "当事人.csv", PARTIES))
    conditions = [
        {"left": "buyer_name", "right": "name", "method": method, "min": 0.1}
        for method in ("name", "org", "text", "levenshtein")
    ]
    entry = ModelEntry(fuzzy_model(join=fuzzy_join(fuzzy=conditions, how="left")), "imported")
    duck = run_model(open_workspace(home), entry, as_of=FUZZY_AS_OF)
    try:
        spark = run_model(
            open_workspace(dataclasses.replace(home, engine="spark")), entry, as_of=FUZZY_AS_OF
        )
    finally:
        stop_session()
    assert duck.hits_path and spark.hits_path
    duck_rows, spark_rows = _rows(home.home / duck.hits_path), _rows(home.home / spark.hits_path)
    assert duck_rows == spark_rows
    assert any("王晓明" in row and "王小明" in row for row in duck_rows)  # the homophone met
    assert spark.funnel == duck.funnel
