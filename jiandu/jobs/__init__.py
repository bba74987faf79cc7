"""Background jobs: long work (imports, model runs) with visible progress and cancel,
on a durable queue (huey) that survives restarts, retries transient failures and fires
schedules.

A job is a registered kind (`registry.job_kind`) with JSON params; `JobRunner.submit`
records its `job` row and queues it (`runner.py`); consumers run it (`worker.py`);
schedules fire kinds by cron (`schedules.py`); the storage follows the metadata store
or `JIANDU_QUEUE_URL` (`queue.py`, `settings.py`).
"""
