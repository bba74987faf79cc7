"""Backtest: how good a model's hits are, against a ground-truth file.

The truth file (CSV with a header row, or JSON / JSON Lines) has one row per subject:

    model_id (optional), subject_key, label

`label` is confirmed / rejected, or 1 / 0, true / false, 是 / 否, 属实 / 不属实. A row
with an empty `model_id` applies to every model; otherwise only to that model. Keys are
compared trimmed and upper-cased (ID numbers end in X or x).

For the model as a whole and for each rule branch, with H its hit subjects:

- precision = confirmed hits / labelled hits (|H ∩ confirmed| / |H ∩ (confirmed ∪
  rejected)|). Hits nobody labelled are counted (`unlabelled`) but do not count against
  the model: a backtest file rarely labels every subject.
- recall = confirmed hits / every confirmed subject in the file. A branch's recall is
  over all confirmed subjects too (the file does not say which rule should catch whom),
  so branch recalls add up to at least the model's.

Everything is computed in DuckDB over the hits Parquet file and the truth file; no row is
looked at in Python. The truth is a table (`truth`: subject_key, label, model_id), so
confirmed / rejected clues can later feed the same scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from jiandu.models.errors import ModelError

POSITIVE_LABELS = ("confirmed", "1", "true", "yes", "是", "属实", "成立", "确认")
NEGATIVE_LABELS = ("rejected", "0", "false", "no", "否", "不属实", "不成立", "排除")
_REQUIRED = ("subject_key", "label")

# Static SQL; the only values are bound parameters.
_NORMALISE = """
CREATE TEMP TABLE truth AS
SELECT
  row_number() OVER () AS truth_row,
  upper(trim(CAST(subject_key AS VARCHAR))) AS subject_key,
  CAST(label AS VARCHAR) AS raw_label,
  CASE
    WHEN lower(trim(CAST(label AS VARCHAR))) IN (SELECT unnest($positive)) THEN 1
    WHEN lower(trim(CAST(label AS VARCHAR))) IN (SELECT unnest($negative)) THEN 0
  END AS label,
  nullif(trim(CAST(model_id AS VARCHAR)), '') AS model_id
FROM truth_raw
"""
_FIRST_BAD = """
SELECT
  count(*) FILTER (WHERE subject_key IS NULL OR subject_key = ''),
  min(truth_row) FILTER (WHERE subject_key IS NULL OR subject_key = ''),
  count(*) FILTER (WHERE label IS NULL),
  min(truth_row) FILTER (WHERE label IS NULL),
  arg_min(raw_label, truth_row) FILTER (WHERE label IS NULL)
FROM truth
"""
_CONFLICTS = """
SELECT count(*), min(first_row) FROM (
  SELECT subject_key, min(truth_row) AS first_row FROM truth
  WHERE model_id IS NULL OR model_id = $model_id
  GROUP BY subject_key HAVING min(label) <> max(label)
)
"""
_SCORE = """
WITH truth_m AS (
  SELECT subject_key, max(label) AS label FROM truth
  WHERE model_id IS NULL OR model_id = $model_id
  GROUP BY subject_key
),
hits AS (
  SELECT DISTINCT branch, upper(trim(subject_key)) AS subject_key FROM read_parquet($hits)
)
SELECT
  branch,
  GROUPING(branch) AS is_total,
  count(DISTINCT h.subject_key) AS hits,
  count(DISTINCT CASE WHEN t.label IS NOT NULL THEN h.subject_key END) AS labelled,
  count(DISTINCT CASE WHEN t.label = 1 THEN h.subject_key END) AS confirmed
FROM hits AS h LEFT JOIN truth_m AS t USING (subject_key)
GROUP BY GROUPING SETS ((branch), ())
"""
_TRUTH_TOTALS = """
SELECT count(*) FILTER (WHERE label = 1), count(*) FILTER (WHERE label = 0) FROM (
  SELECT subject_key, max(label) AS label FROM truth
  WHERE model_id IS NULL OR model_id = $model_id GROUP BY subject_key
)
"""


@dataclass(frozen=True)
class Score:
    """Precision and recall of the model (`branch` None) or of one branch."""

    branch: str | None
    hits: int
    labelled: int
    confirmed: int
    rejected: int
    unlabelled: int
    precision: float | None  # None when no hit is labelled
    recall: float | None  # None when the file confirms nobody


@dataclass(frozen=True)
class BacktestReport:
    """A model's hits scored against a truth file."""

    model_id: str
    truth_file: str
    positives: int
    negatives: int
    overall: Score
    branches: list[Score]


def _truth_error(path: Path, zh: str, en: str, row: int | None = None) -> ModelError:
    return ModelError(f"真值文件：{zh}", f"truth file: {en}", file=str(path), row=row)


def _register_truth(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    if not path.is_file():
        raise _truth_error(path, "找不到文件", "file not found")
    suffix = path.suffix.lower()
    try:
        if suffix in (".json", ".jsonl", ".ndjson"):
            relation = con.read_json(str(path))
        else:
            relation = con.read_csv(str(path), header=True, all_varchar=True)
    except duckdb.Error as error:
        raise _truth_error(
            path,
            f"无法读取（{type(error).__name__}）；应为带表头的 CSV 或 JSON",
            f"cannot be read ({type(error).__name__}); expected CSV with a header, or JSON",
        ) from error
    columns = [c.lower() for c in relation.columns]
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise _truth_error(
            path,
            f"缺少列 {', '.join(missing)}；应有 subject_key、label，可选 model_id",
            f"missing columns {', '.join(missing)}; expected subject_key, label and "
            "optionally model_id",
        )
    if "model_id" not in columns:
        relation = relation.project("*, CAST(NULL AS VARCHAR) AS model_id")
    relation.create_view("truth_raw")
    con.execute(
        _NORMALISE,
        {"positive": list(POSITIVE_LABELS), "negative": list(NEGATIVE_LABELS)},
    )


def _check_truth(con: duckdb.DuckDBPyConnection, path: Path, model_id: str) -> None:
    row = con.execute(_FIRST_BAD).fetchone()
    assert row is not None
    blank_keys, first_blank, bad_labels, first_bad, bad_value = row
    # +1: truth_row counts data rows, a person counts the header line too.
    offset = 1 if path.suffix.lower() not in (".json", ".jsonl", ".ndjson") else 0
    if blank_keys:
        raise _truth_error(
            path,
            f"{blank_keys} 行缺少 subject_key",
            f"{blank_keys} rows have no subject_key",
            row=int(first_blank) + offset,
        )
    if bad_labels:
        raise _truth_error(
            path,
            f"{bad_labels} 行的 label 无法识别（如 {bad_value!r}）；可用：confirmed/rejected、1/0、"
            "是/否",
            f"{bad_labels} rows have an unknown label (e.g. {bad_value!r}); use "
            "confirmed/rejected, 1/0 or true/false",
            row=int(first_bad) + offset,
        )
    conflicts = con.execute(_CONFLICTS, {"model_id": model_id}).fetchone()
    assert conflicts is not None
    if conflicts[0]:
        raise _truth_error(
            path,
            f"{conflicts[0]} 个主体同时被标为 confirmed 和 rejected",
            f"{conflicts[0]} subjects are labelled both confirmed and rejected",
            row=int(conflicts[1]) + offset,
        )


def _score(branch: str | None, hits: int, labelled: int, confirmed: int, pos: int) -> Score:
    return Score(
        branch=branch,
        hits=hits,
        labelled=labelled,
        confirmed=confirmed,
        rejected=labelled - confirmed,
        unlabelled=hits - labelled,
        precision=confirmed / labelled if labelled else None,
        recall=confirmed / pos if pos else None,
    )


def backtest(
    hits_file: Path, truth_file: Path, model_id: str, branches: Sequence[str]
) -> BacktestReport:
    """Score the hits in `hits_file` (a run's hits.parquet) against `truth_file`.

    `branches` are the model's branch ids, so a branch without hits is reported too.
    """
    con = duckdb.connect()
    try:
        _register_truth(con, truth_file)
        _check_truth(con, truth_file, model_id)
        totals = con.execute(_TRUTH_TOTALS, {"model_id": model_id}).fetchone()
        assert totals is not None
        positives, negatives = int(totals[0]), int(totals[1])
        rows = con.execute(_SCORE, {"model_id": model_id, "hits": str(hits_file)}).fetchall()
    finally:
        con.close()
    overall = _score(None, 0, 0, 0, positives)
    found: dict[str, Score] = {}
    for branch, is_total, hits, labelled, confirmed in rows:
        score = _score(branch, int(hits), int(labelled), int(confirmed), positives)
        if is_total:
            overall = score
        else:
            found[str(branch)] = score
    ordered = [found.pop(b, _score(b, 0, 0, 0, positives)) for b in branches]
    return BacktestReport(
        model_id=model_id,
        truth_file=str(truth_file),
        positives=positives,
        negatives=negatives,
        overall=overall,
        branches=ordered + [found[b] for b in sorted(found)],
    )
