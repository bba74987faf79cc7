"""Clues: what model runs found, turned into work (线索管理, 一键流转).

- `fingerprint`/`sync`: one clue per (model id, subject key); `sync_run` folds a run's
  hits into the clue store (new, present, changed, gone) with frozen evidence snapshots.
- `workflow`: the state machine (pure): 待核查 → 核查中 → 成案 / 不成案 → 已移送 → 已办结.
- `service`: row-scoped reading, assignment, workflow actions, comments, attachments,
  history, optimistic locking; every change is a clue event plus an audit entry.
- `transfers`: one-click circulation to departments, other procuratorates and external
  units; the receiver accepts or returns, nothing is in limbo.
- `export`: clues as JSONL/CSV/XLSX (masked unless unmasking is asked for and allowed).

The room uses store, security, catalog, config, pool and the model specs (read-only);
the CLI, the web app, the demo and cases use it, never the other way round.
"""
