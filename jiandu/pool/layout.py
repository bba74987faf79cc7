"""Where batches live on disk.

    JIANDU_HOME/pool/<dataset>/<batch>/part-*.parquet   committed, immutable data
    JIANDU_HOME/rejects/<dataset>/<batch>.parquet       rejected rows with reasons
    JIANDU_HOME/staging/<batch>/                        work in progress, never read

A batch becomes visible only through its catalog row, which is written after the staged
folder has been renamed into the pool (a rename within one file system is atomic). A
folder in pool/ without a committed catalog row is debris of a crash and is ignored by
every reader; `sweep_orphans` removes it.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jiandu.config import Settings


def batch_dir(settings: Settings, dataset_id: str, batch_id: str) -> Path:
    return settings.pool_dir / dataset_id / batch_id


def rejects_file(settings: Settings, dataset_id: str, batch_id: str) -> Path:
    return settings.home / "rejects" / dataset_id / f"{batch_id}.parquet"


def staging_dir(settings: Settings, batch_id: str) -> Path:
    return settings.staging_dir / batch_id


def relative_to_home(settings: Settings, path: Path) -> str:
    return path.relative_to(settings.home).as_posix()


def data_files(settings: Settings, relative_dirs: Iterable[str]) -> list[str]:
    """Every Parquet file of the given committed batch folders, in a stable order."""
    files: list[str] = []
    for relative in relative_dirs:
        files.extend(str(p) for p in sorted((settings.home / relative).glob("*.parquet")))
    return files


def sweep_orphans(settings: Settings, committed_dirs: set[str]) -> list[Path]:
    """Remove pool folders and staging debris that no committed batch owns."""
    removed: list[Path] = []
    if settings.staging_dir.exists():
        for leftover in settings.staging_dir.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(leftover)
    if settings.pool_dir.exists():
        for dataset in settings.pool_dir.iterdir():
            for batch in dataset.iterdir() if dataset.is_dir() else []:
                if relative_to_home(settings, batch) not in committed_dirs:
                    shutil.rmtree(batch, ignore_errors=True)
                    removed.append(batch)
    return removed


def committed_files_by_dataset(
    settings: Settings, committed: Iterable[tuple[str, str]]
) -> dict[str, list[str]]:
    """{dataset id: its committed Parquet files}, from (dataset id, batch path) pairs.

    This is what an engine registers as one table (view) per dataset; batches of one
    dataset share their columns (fields are never removed), so the files read as one
    table with `union_by_name`.
    """
    files: dict[str, list[str]] = {}
    for dataset_id, relative in committed:
        files.setdefault(dataset_id, []).extend(data_files(settings, [relative]))
    return files


def read_state(path: Path) -> dict[str, Any]:
    """A derived-data state file (JSON object); {} when missing or unreadable."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def write_state(path: Path, state: dict[str, Any]) -> None:
    """Write a state file atomically (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(state, out, ensure_ascii=False, indent=1)
    os.replace(tmp, path)
