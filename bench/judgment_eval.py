"""Field-level precision/recall of the judgment parser on the gold set, and its speed.

    .venv/bin/python bench/judgment_eval.py [--mistakes FIELD] [--json]

Scores every gold file in tests/text/gold (the CAIL records need ../shared/data) with
`jiandu.text.evaluate`, prints one table per file and one for all, and the parse rate over
the 501 JuDGE documents. Also scores two automatic references from ../shared/data:
LawBench 3-7 (is the gold criminal amount among the amounts the parser reads?) is left to
the closing note's method; see docs/dev/text.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "text"))

from gold_docs import gold_names, load_gold  # noqa: E402

from jiandu.text.evaluate import Evaluation, Score, evaluate  # noqa: E402
from jiandu.text.judgment import parse_judgment  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _print(title: str, evaluation: Evaluation) -> None:
    print(f"\n## {title} ({evaluation.documents} documents)\n")
    print("| field | TP | FP | FN | precision | recall | F1 |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for row in evaluation.as_rows():
        print(
            f"| {row['field']} | {row['tp']} | {row['fp']} | {row['fn']} | "
            f"{_fmt(row['precision'])} | {_fmt(row['recall'])} | {_fmt(row['f1'])} |"
        )


def _merge(parts: list[Evaluation]) -> Evaluation:
    total = Evaluation()
    for part in parts:
        total.documents += part.documents
        for name, score in part.scores.items():
            total.scores.setdefault(name, Score()).add(score)
        total.mistakes += part.mistakes
    return total


def _parse_rate() -> str:
    path = SHARED / "judge_criminal_fulltext" / "test.json"
    if not path.is_file():
        return "parse rate: ../shared/data absent"
    texts = [json.loads(line)["fd"] for line in path.read_text(encoding="utf-8").splitlines()]
    started = time.perf_counter()
    for text in texts:
        parse_judgment(text)
    seconds = time.perf_counter() - started
    chars = sum(map(len, texts))
    return (
        f"parse rate: {len(texts)} JuDGE documents in {seconds:.2f} s = "
        f"{len(texts) / seconds:,.0f} docs/s, {chars / seconds / 1e6:.2f} M chars/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mistakes", help="print the mistakes of this field")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    parts = []
    for name in gold_names():
        try:
            docs = load_gold(name)
        except BaseException as skipped:  # pytest.skip when ../shared/data is absent
            print(f"{name}: skipped ({skipped})")
            continue
        evaluation = evaluate(((d.id, d.text, d.labels) for d in docs), parse_judgment)
        parts.append(evaluation)
        if args.json:
            print(json.dumps({"file": name, "rows": evaluation.as_rows()}, ensure_ascii=False))
        else:
            _print(name, evaluation)
    total = _merge(parts)
    if not args.json:
        _print("all gold files", total)
        print()
        print(_parse_rate())
    if args.mistakes:
        for mistake in total.mistakes:
            if mistake.field == args.mistakes:
                print(f"{mistake.doc_id}: gold {mistake.gold!r} parsed {mistake.parsed!r}")


if __name__ == "__main__":
    main()
