"""Where batches live.

    <pool>/<dataset>/<batch>/part-*.parquet             committed, immutable data
    JIANDU_HOME/rejects/<dataset>/<batch>.parquet       rejected rows with reasons
    JIANDU_HOME/staging/<batch>/                        work in progress, never read

<pool> is JIANDU_HOME/pool unless JIANDU_POOL_URL names another root (a shared mount,
S3-compatible storage, HDFS: `jiandu.pool.storage`); the catalog names a batch
`pool/<dataset>/<batch>` either way. A batch becomes visible only through its catalog
row, which is written after the staged folder has been put into the pool (renamed, or
uploaded). A folder in the pool without a committed catalog row is debris of a crash and
is ignored by every reader; `sweep_orphans` removes it.
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
from jiandu.pool.storage import POOL_PREFIX, LocalPool, pool_storage


def batch_path(dataset_id: str, batch_id: str) -> str:
    """The catalog's name of a batch's folder, `pool/<dataset>/<batch>`, wherever the
    pool is stored."""
    return f"{POOL_PREFIX}/{dataset_id}/{batch_id}"


def batch_dir(settings: Settings, dataset_id: str, batch_id: str) -> Path:
    """A batch's folder on this machine; only a local pool (the default JIANDU_HOME/pool
    or a `file://` mount) has one: elsewhere use `storage.batch_url` / `data_files`."""
    storage = pool_storage(settings)
    if not isinstance(storage, LocalPool):
        raise ValueError(f"the pool at {storage.url} has no local folders")
    return Path(storage.batch_url(batch_path(dataset_id, batch_id)))


def rejects_file(settings: Settings, dataset_id: str, batch_id: str) -> Path:
    return settings.home / "rejects" / dataset_id / f"{batch_id}.parquet"


def staging_dir(settings: Settings, batch_id: str) -> Path:
    return settings.staging_dir / batch_id


def relative_to_home(settings: Settings, path: Path) -> str:
    return path.relative_to(settings.home).as_posix()


def data_files(settings: Settings, relative_dirs: Iterable[str]) -> list[str]:
    """Every Parquet file of the given committed batch folders, in a stable order.

    Local pool files are plain paths; files of a remote pool are URLs, which DuckDB reads
    once the pool's filesystem is registered on the connection (`duckdb_engine.connect`
    and `sandboxed_duckdb` do so) and pyarrow through `storage.arrow_location`.
    """
    storage = pool_storage(settings)
    files: list[str] = []
    for relative in relative_dirs:
        files.extend(storage.batch_files(relative))
    return files


def sweep_orphans(settings: Settings, committed_dirs: set[str]) -> list[str]:
    """Remove pool folders and staging debris that no committed batch owns."""
    removed: list[str] = []
    if settings.staging_dir.exists():
        for leftover in settings.staging_dir.iterdir():
            shutil.rmtree(leftover, ignore_errors=True)
            removed.append(str(leftover))
    removed.extend(pool_storage(settings).sweep(committed_dirs))
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
