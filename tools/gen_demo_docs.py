"""Render the "What is planted" section of docs/user/demo.md from the planters.

Usage: python tools/gen_demo_docs.py          # rewrite the section
       python tools/gen_demo_docs.py --check  # exit 1 if the section is stale

Plants the default seed with 40 cases per model and lists, per model, the rule branches
that received true cases and every decoy kind with an example, so the document can never
drift from what the demo really plants; a test compares the committed file with `render()`.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from jiandu.demo.planters import MODEL_IDS
from jiandu.demo.province import DEFAULT_SEED, plant
from jiandu.models import library_models

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "user" / "demo.md"
BEGIN, END = "<!-- planted:begin -->", "<!-- planted:end -->"
CASES = 40


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_section() -> str:
    data = plant(DEFAULT_SEED, CASES)
    models = library_models()
    lines = [BEGIN, ""]
    for model_id in MODEL_IDS:
        spec = models[model_id]
        assert spec.clue is not None
        branch_names = {b.id: f"{b.name_zh} / {b.name_en}" for b in spec.clue.branches}
        cases = Counter(c.branch for c in data.truth if c.model_id == model_id)
        decoys = [d for d in data.decoys if d.model_id == model_id]
        kinds = Counter(d.kind for d in decoys)
        example = {}
        for decoy in decoys:
            if decoy.note and decoy.kind not in example:
                example[decoy.kind] = decoy.note
        lines += [f"### {spec.name_zh} `{model_id}`", ""]
        lines += ["| 规则分支 branch | 预置案例 cases |", "|---|---|"]
        lines += [f"| `{b}` {_cell(branch_names.get(b, ''))} | {n} |" for b, n in cases.items()]
        lines += ["", "| 干扰项 decoy | 数量 count | 示例 example |", "|---|---|---|"]
        lines += [
            f"| `{kind}` | {n} | {_cell(example.get(kind, ''))} |" for kind, n in kinds.items()
        ]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def render(current: str) -> str:
    """`current` with the section between the markers replaced."""
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return head + render_section() + tail


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the section is stale")
    args = parser.parse_args()
    current = DOC_PATH.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        return 0 if current == wanted else 1
    DOC_PATH.write_text(wanted, encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
