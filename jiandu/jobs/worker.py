"""Consumers: the threads that take jobs from the queue and run them.

`start_embedded` runs huey's consumer on threads inside the web server (the default,
`JIANDU_WORKERS` of them): no signal handlers (the server owns those), stopped by the
app's shutdown. `run_standalone` is `jiandu worker`: the same consumer as the process's
main loop (huey's signal handling: SIGTERM/SIGINT stop it gracefully — running jobs are
let finish; a second signal stops at once, and the jobs cut off are recovered later by
any worker, see `JobRunner.recover`). Both first recover the jobs of dead workers and
beat on the rows of the jobs they run.
"""

from __future__ import annotations

import logging

from huey.consumer import Consumer  # type: ignore[import-untyped]

from jiandu.jobs.runner import JobRunner

log = logging.getLogger("jiandu.jobs")

# Idle workers poll the queue at most this far apart (seconds); Redis and PostgreSQL
# wake them at once, SQLite storage relies on polling.
MAX_POLL_S = 0.5


class _EmbeddedConsumer(Consumer):  # type: ignore[misc]
    """huey's consumer without its process-wide signal handlers."""

    def _set_signal_handlers(self) -> None:
        return None


def _recover(runner: JobRunner) -> None:
    try:
        recovered = runner.recover()
    except Exception as error:  # the queue still runs; the next tick tries again
        log.error("recovering interrupted jobs failed: %s", type(error).__name__)
        return
    if recovered:
        log.warning("%d background job(s) cut off by a stopped worker recovered", recovered)


def start_embedded(runner: JobRunner, workers: int) -> Consumer | None:
    """Start `workers` consumer threads in this process (none when 0); the consumer."""
    if workers <= 0 or runner.consumer is not None:
        return runner.consumer
    _recover(runner)
    consumer = _EmbeddedConsumer(
        runner.huey, workers=workers, worker_type="thread", max_delay=MAX_POLL_S,
        check_worker_health=False,
    )  # fmt: skip
    consumer.start()
    runner.consumer = consumer
    runner.start_heartbeat()
    return consumer


def run_standalone(runner: JobRunner, workers: int) -> None:
    """Run a consumer with `workers` threads until SIGTERM/SIGINT (blocks)."""
    _recover(runner)
    consumer = runner.huey.create_consumer(
        workers=max(1, workers), worker_type="thread", max_delay=MAX_POLL_S,
        graceful_signal="TERM",
    )  # fmt: skip
    runner.consumer = consumer
    runner.start_heartbeat()
    try:
        consumer.run()
    finally:
        runner.consumer = None
        runner.shutdown(wait=False)
