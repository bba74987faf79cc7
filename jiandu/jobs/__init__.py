"""Background jobs: long work (imports, model runs) with visible progress and cancel.

`JobRunner.submit(...)` records a `job` row and runs the work on a worker thread; the
work reports progress through its `JobContext`. See `runner.py`.
"""
