"""After an import: bring what the text room derives from the pool up to date.

Two things are derived: the full-text index (`jiandu.text.index.sync`, every searchable
batch) and the near-duplicate groups (`jiandu.text.neardup_refresh`, judgments only). Both
are idempotent catch-ups, cheap when nothing changed, so every import path (the CLI's
`import` and `judgments import`, the web import wizard, the demo) simply calls `refresh`
after committing, and `jiandu search --reindex` rebuilds the index from scratch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from jiandu.config import Settings
from jiandu.text.index import sync
from jiandu.text.neardup_refresh import refresh_near_duplicates

Progress = Callable[[str], None]


def refresh(
    settings: Settings, *, progress: Progress | None = None, user: str | None = None
) -> dict[str, object]:
    """Sync the search index, then the near-duplicate groups; return what each did."""
    if progress is not None:
        progress("更新全文索引 / updating the search index")
    index = sync(settings, progress=progress)
    if progress is not None:
        progress("更新近似文书分组 / updating near-duplicate groups")
    groups = refresh_near_duplicates(settings, user=user)
    return {"index": asdict(index), "near_duplicates": asdict(groups)}
