"""The durable queue under the jobs: huey (3.x), on storage that follows the metadata store.

- SQLite metadata (the default): huey's SQLite storage in `JIANDU_HOME/queue.db`, a
  sibling file rather than the metadata DB itself. huey's SQLite tables have bare names
  (`task`, `schedule`, `kv`, `counter`) that could clash with ours now or later, and its
  workers poll and write the queue constantly: in their own file they never wait on, or
  hold up, the metadata DB's single writer lock.
- PostgreSQL metadata: huey's own `PostgresStorage` on that database, tables prefixed
  `huey_` (no clash with ours). It speaks psycopg 3, which the metadata store already
  uses, and wakes workers with LISTEN/NOTIFY; `huey.contrib.sql_huey` would add peewee as
  a dependency for the same thing.
- `JIANDU_QUEUE_URL=redis://…` (production with several workers): huey's Redis storage
  (needs the `redis` package). `postgresql://…` and `sqlite:///…` name the others.

huey keeps no results here (`results=False`): a job's outcome lives on its `job` row.
"""

from __future__ import annotations

from pathlib import Path

from huey import Huey, PostgresHuey, RedisHuey, SqliteHuey  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

from jiandu.config import Settings
from jiandu.errors import ConfigError
from jiandu.jobs.settings import QueueSettings

QUEUE_NAME = "jiandu"


def _postgres_dsn(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL as libpq takes it (no `+driver`)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def queue_location(settings: Settings, queue: QueueSettings) -> str:
    """Where the queue lives, as a URL (the default derived from the metadata store)."""
    if queue.url:
        return queue.url
    if make_url(settings.database_url).get_backend_name() == "postgresql":
        return settings.database_url
    return f"sqlite:///{settings.home / 'queue.db'}"


def make_huey(settings: Settings, queue: QueueSettings, *, name: str = QUEUE_NAME) -> Huey:
    """A huey instance on the queue storage `settings` and `queue` choose (module doc)."""
    location = queue_location(settings, queue)
    scheme = location.split(":", 1)[0].lower()
    if scheme in ("redis", "rediss", "unix"):
        try:
            import redis  # noqa: F401, PLC0415 - optional: only Redis deployments need it
        except ImportError:
            raise ConfigError(
                "JIANDU_QUEUE_URL 指向 Redis，但未安装 redis 包：pip install redis",
                "JIANDU_QUEUE_URL names Redis but the redis package is not installed: "
                "pip install redis",
            ) from None
        return RedisHuey(name, url=location, results=False)
    if scheme.startswith("postgres"):
        return PostgresHuey(name, dsn=_postgres_dsn(location), results=False)
    if scheme.startswith("sqlite"):
        path = make_url(location).database
        if not path or path == ":memory:":
            raise ConfigError(
                "队列的 SQLite 地址须为文件路径", "the queue's SQLite URL must name a file"
            )
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(name, filename=path, results=False)
    raise ConfigError(
        f"不支持的队列地址 {scheme}://（可用 redis、postgresql、sqlite）",
        f"unsupported queue URL {scheme}:// (use redis, postgresql or sqlite)",
    )
