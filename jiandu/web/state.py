"""What the app holds between requests: settings, the metadata-store engine, the
sign-in rate limiter and the background job runner."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from jiandu.config import Settings
from jiandu.jobs.runner import JobRunner
from jiandu.jobs.worker import start_embedded
from jiandu.web.ratelimit import SlidingWindow

# Sign-in attempts per client address and minute, over the whole server.
SIGN_IN_PER_MINUTE = 20


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    # Cookies marked Secure: always behind TLS; None = when the request came over https.
    secure_cookies: bool | None = None
    # Sign-in attempts per client address: 20 a minute (the per-account lockout, five
    # failures, is the other half: it holds however many addresses an attacker uses, and
    # it is in the metadata store, so it holds across server processes too).
    sign_in_limit: SlidingWindow = field(
        default_factory=lambda: SlidingWindow(SIGN_IN_PER_MINUTE, 60.0)
    )
    # Imports and model runs started from the web: the durable queue, and (unless
    # JIANDU_WORKERS=0) consumer threads in this process, started with the runner.
    jobs: JobRunner | None = None

    def job_runner(self) -> JobRunner:
        if self.jobs is None:
            self.jobs = JobRunner(self.engine, self.settings)
            start_embedded(self.jobs, self.jobs.queue.workers)
        return self.jobs
