"""Score model runs against the demo's ground truth: per model, how many clues, how many
of them planted (precision), how many planted cases found (recall), and which decoys
were wrongly flagged.

A clue is matched to a planted case by subject key (the clue's fingerprint within its
model); the rule branch is compared separately, because a real case found by another
branch than the one planted is still found.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

__all__ = ["ModelScore", "hit_branches", "score_model"]


@dataclass(frozen=True)
class ModelScore:
    """One model's result on the demo."""

    model_id: str
    clues: int  # distinct subjects reported
    planted: int  # distinct subjects planted
    true_positives: int
    branch_matches: int  # true positives whose planted branch fired
    missed: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    decoys_flagged: dict[str, list[str]] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        return self.true_positives / self.clues if self.clues else 1.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.planted if self.planted else 1.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "clues": self.clues,
            "planted": self.planted,
            "true_positives": self.true_positives,
            "branch_matches": self.branch_matches,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "missed": self.missed,
            "unexpected": self.unexpected,
            "decoys_flagged": self.decoys_flagged,
        }


def hit_branches(hits_file: Path) -> dict[str, set[str]]:
    """{subject_key: branches that fired} of a run's hits file."""
    table = pq.read_table(hits_file, columns=["subject_key", "branch"])
    found: dict[str, set[str]] = {}
    for key, branch in zip(
        table.column("subject_key").to_pylist(), table.column("branch").to_pylist(), strict=True
    ):
        found.setdefault(str(key), set()).add(str(branch))
    return found


def score_model(model_id: str, found: dict[str, set[str]], truth: dict[str, Any]) -> ModelScore:
    """Compare a model's hits with its entry of `ground_truth.json` ("cases", "decoys")."""
    planted: dict[str, set[str]] = {}
    for case in truth.get("cases", []):
        planted.setdefault(case["subject_key"], set()).add(case["branch"])
    hits = set(found)
    true_positives = hits & set(planted)
    flagged: dict[str, list[str]] = {}
    for decoy in truth.get("decoys", []):
        if decoy["subject_key"] in hits:
            flagged.setdefault(decoy["kind"], []).append(decoy["subject_key"])
    return ModelScore(
        model_id=model_id,
        clues=len(hits),
        planted=len(planted),
        true_positives=len(true_positives),
        branch_matches=sum(1 for key in true_positives if planted[key] & found[key]),
        missed=sorted(set(planted) - hits),
        unexpected=sorted(hits - set(planted)),
        decoys_flagged={kind: sorted(keys) for kind, keys in sorted(flagged.items())},
    )
