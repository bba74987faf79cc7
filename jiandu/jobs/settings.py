"""Where background jobs wait and who runs them, read from the environment (as
`jiandu.config` does for the rest; kept here so the queue's choices sit with the queue).

JIANDU_QUEUE_URL  the durable queue (huey storage). Unset: beside the metadata store — a
                  SQLite metadata DB gets `JIANDU_HOME/queue.db`, a PostgreSQL one gets
                  huey's tables (`huey_*`) in the same database. `redis://host:6379/0`
                  (production, several workers), `postgresql://…`, `sqlite:///path`.
JIANDU_WORKERS    worker threads the web server runs itself (default 2); 0 when standalone
                  `jiandu worker` processes do the work (province deployments).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from jiandu.errors import ConfigError

DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class QueueSettings:
    url: str
    workers: int


def load_queue_settings(environ: dict[str, str] | None = None) -> QueueSettings:
    env = os.environ if environ is None else environ
    text = (env.get("JIANDU_WORKERS") or str(DEFAULT_WORKERS)).strip()
    if not text.isdigit() or int(text) > 64:
        raise ConfigError(
            f"JIANDU_WORKERS 须为 0 至 64 的整数，当前为 {text!r}",
            f"JIANDU_WORKERS must be a whole number from 0 to 64, got {text!r}",
        )
    return QueueSettings(url=(env.get("JIANDU_QUEUE_URL") or "").strip(), workers=int(text))
