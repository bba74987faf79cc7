"""After an import: bring everything jiandu derives from the pool up to date.

Two rooms derive data from the pool: text (the full-text index and near-duplicate
judgment groups, `jiandu.text.refresh`) and entities (entity resolution, relations and
graph features, `jiandu.entities.refresh`). Both are idempotent catch-ups, cheap when
nothing changed, so every import path (the CLI's `import` and `judgments import`, the web
import wizard and one-shot import, the demo) calls `refresh` (or `refresh_quietly`) after
committing. Text goes first: judgments it parses feed the court tables entities read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict

from jiandu.config import Settings

__all__ = ["refresh", "refresh_quietly"]

log = logging.getLogger(__name__)
Progress = Callable[[str], None]


def refresh(
    settings: Settings, *, progress: Progress | None = None, user: str | None = None
) -> dict[str, object]:
    """Refresh the text room's and the entities room's derived data; what each did."""
    # Heavy imports (tantivy, Splink) only when something is refreshed.
    from jiandu.entities.refresh import refresh_entities  # noqa: PLC0415
    from jiandu.text.refresh import refresh as refresh_text  # noqa: PLC0415

    report = refresh_text(settings, progress=progress, user=user)
    if progress is not None:
        progress("更新实体与关系 / updating entities and relations")
    report["entities"] = asdict(refresh_entities(settings, user=user))
    return report


def refresh_quietly(
    settings: Settings, *, progress: Progress | None = None, user: str | None = None
) -> dict[str, object]:
    """`refresh`, logging (not raising) a failure: a committed import stands even when what
    is derived from it cannot be updated now; the next refresh catches up."""
    try:
        return refresh(settings, progress=progress, user=user)
    except Exception as error:  # the import has committed; report, don't undo
        log.warning("refresh of derived data failed: %s", error, exc_info=True)
        return {"error": str(error)}
