"""`jiandu demo`'s main job, as a function: generate the province, import every agency
file through the real import path, run every library model as of the demo's reference
date, sync each run's hits into the clue store, score the clues against the ground truth, and
make sure the demo's units and sign-in accounts exist (`accounts.py`).

The workspace must be empty, or hold exactly this demo (same seed and size): then the
imports are recognised as already committed and only the models run again. Anything else
is refused, so a demo never mixes with real data.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.catalog.registry import all_types
from jiandu.clues.sync import SyncReport, sync_run
from jiandu.config import Settings
from jiandu.demo.accounts import DemoAccount, ensure_demo_accounts
from jiandu.demo.evaluate import ModelScore, hit_branches, score_model
from jiandu.demo.province import (
    TRUTH_FILE,
    Province,
    existing_province,
    generate,
    load_truth,
)
from jiandu.demo.world import DEMO_AS_OF
from jiandu.errors import ConfigError
from jiandu.ingest.importer import ImportRequest, ImportResult, import_batch
from jiandu.models.runner import RunAllReport, run_all
from jiandu.store.db import session_scope
from jiandu.store.schema import ModelRun
from jiandu.workspace import init_workspace, open_workspace

__all__ = ["DEMO_FOLDER", "DemoReport", "run_demo"]

DEMO_FOLDER = "demo-files"


@dataclass
class DemoReport:
    """Everything the demo did, for the summary tables and `demo-report.json`."""

    province: Province
    imports: list[tuple[str, ImportResult]] = field(default_factory=list)
    models: RunAllReport | None = None
    scores: list[ModelScore] = field(default_factory=list)
    #: What syncing each successful run into the clue store did (one per run).
    clues: list[SyncReport] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    #: The sign-in accounts of the demo (passwords stay in demo-accounts.json).
    accounts: list[DemoAccount] = field(default_factory=list)
    #: What updating the search index and the near-duplicate groups did.
    text: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "size": self.province.size,
            "seed": self.province.seed,
            "rows_written": self.province.rows,
            "cases_per_model": self.province.cases_per_model,
            "as_of": DEMO_AS_OF.isoformat(),
            "seconds": {k: round(v, 2) for k, v in self.seconds.items()},
            "imports": [
                {
                    "dataset_type": type_id,
                    "status": r.status,
                    "batch_id": r.batch_id,
                    "rows_read": r.rows_read,
                    "rows_accepted": r.rows_accepted,
                    "rows_rejected": r.rows_rejected,
                }
                for type_id, r in self.imports
            ],
            "runs": {r.model_id: r.run_id for r in (self.models.runs if self.models else [])},
            "text": self.text,
            "failed": self.models.failed if self.models else [],
            "skipped": self.models.skipped if self.models else [],
            "scores": [s.as_dict() for s in self.scores],
            "clues": [c.as_dict() for c in self.clues],
            "accounts": [
                {"username": a.username, "unit_id": a.unit_id, "roles": list(a.roles)}
                for a in self.accounts
            ],
        }


def _check_workspace(settings: Settings, folder: Path, size: int, seed: int) -> None:
    """Refuse a workspace that holds anything but this very demo."""
    if not open_workspace(settings).datasets():
        return
    truth_path = folder / TRUTH_FILE
    if truth_path.is_file():
        truth = load_truth(truth_path)
        if truth.get("size") == size and truth.get("seed") == seed:
            return
    raise ConfigError(
        f"工作目录 {settings.home} 中已有数据，演示不与其混合；请另设 JIANDU_HOME 后重试"
        f"（如 JIANDU_HOME=./demo-home jiandu demo）",
        f"{settings.home} already holds data and the demo does not mix with it; set another "
        "JIANDU_HOME and retry (e.g. JIANDU_HOME=./demo-home jiandu demo)",
    )


def run_demo(
    settings: Settings,
    *,
    size: int,
    seed: int,
    say: Callable[[str], None] = lambda _message: None,
) -> DemoReport:
    """Generate, import, run and score (see the module docstring); `say` hears progress."""
    init_workspace(settings)
    folder = settings.home / DEMO_FOLDER
    _check_workspace(settings, folder, size, seed)

    started = time.perf_counter()
    province = existing_province(folder, size, seed)
    if province is None:
        say(f"生成演示省数据 generating the demo province ({size:,} rows, seed {seed})")
        province = generate(folder, size=size, seed=seed)
    else:
        say(f"沿用已生成的演示省数据 reusing the demo province in {folder}")
    report = DemoReport(province)
    report.seconds["generate"] = time.perf_counter() - started

    started = time.perf_counter()
    types = all_types(settings)
    for export in province.exports:
        say(f"导入 importing {export.dataset_type} ← {export.path.name}")
        request = ImportRequest(
            dataset_type=types[export.dataset_type],
            files=(export.path,),
            source_name=export.source_name,
        )
        report.imports.append((export.dataset_type, import_batch(settings, request)))
    report.seconds["import"] = time.perf_counter() - started

    started = time.perf_counter()
    say(
        "建立全文索引、近似文书分组与实体关系 indexing for search, grouping near-duplicate "
        "judgments, resolving entities"
    )
    from jiandu.derived import refresh  # noqa: PLC0415 - tantivy, Splink: only here

    report.text = refresh(settings)
    report.seconds["index"] = time.perf_counter() - started

    started = time.perf_counter()
    say(f"运行全部模型 running every model as of {DEMO_AS_OF}")
    workspace = open_workspace(settings)
    report.models = run_all(workspace, as_of=DEMO_AS_OF, created_by="demo")
    report.seconds["models"] = time.perf_counter() - started

    started = time.perf_counter()
    say("同步线索 syncing clues")
    for record in report.models.runs:
        with session_scope(workspace.engine) as session:
            stored = session.get_one(ModelRun, record.run_id)
            report.clues.append(sync_run(session, settings, stored, actor="demo"))
    report.seconds["clues"] = time.perf_counter() - started

    started = time.perf_counter()
    assert province.truth_path is not None
    truth = load_truth(province.truth_path)["models"]
    for run in report.models.runs:
        if run.model_id not in truth or run.hits_path is None:
            continue
        found = hit_branches(settings.home / run.hits_path)
        report.scores.append(score_model(run.model_id, found, truth[run.model_id]))
    report.scores.sort(key=lambda s: list(truth).index(s.model_id))
    report.seconds["evaluate"] = time.perf_counter() - started

    say("准备演示账户 preparing the demo accounts")
    report.accounts = ensure_demo_accounts(settings)
    return report
