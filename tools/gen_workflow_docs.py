"""Render the generated tables of docs/user/clues-and-cases.md from the code.

Usage: python tools/gen_workflow_docs.py          # rewrite the tables
       python tools/gen_workflow_docs.py --check  # exit 1 if a table is stale

Four blocks between markers, the rest of the page is written by hand:

- the clue workflow, Chinese and English: every transition of
  `jiandu.clues.workflow.TRANSITIONS` with its guards, in the order of
  `jiandu.store.schema.CLUE_STATUSES` and `jiandu.clues.workflow.ACTIONS`;
- the case types, Chinese and English: `jiandu.cases.types.CASE_TYPES` with the document,
  its number code, the reply period and the rule that sets it.

So the page can never describe a transition the state machine does not have, or a
period the documents do not print; tests/clues/test_workflow_docs.py compares the
committed page with `render()`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jiandu.cases.types import CASE_TYPES
from jiandu.clues.errors import ACTION_ZH, STATUS_ZH
from jiandu.clues.workflow import ACTIONS, TRANSITIONS
from jiandu.store.schema import CLUE_STATUSES

DOC_PATH = Path(__file__).resolve().parents[1] / "docs" / "user" / "clues-and-cases.md"
BLOCKS = ("workflow-zh", "workflow-en", "case-types-zh", "case-types-en")


def _markers(block: str) -> tuple[str, str]:
    return f"<!-- {block}:begin -->", f"<!-- {block}:end -->"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _transitions() -> list[tuple[str, str, str, tuple[tuple[str, str], ...]]]:
    """(from, action, to, ((guard zh, guard en), …)) in status, then action order."""
    rows = []
    for status in CLUE_STATUSES:
        for action in ACTIONS:
            found = TRANSITIONS.get((status, action))
            if found is not None:
                target, guards = found
                rows.append((status, action, target, tuple((g.zh, g.en) for g in guards)))
    return rows


def _workflow_zh() -> list[str]:
    lines = ["| 当前状态 | 操作 | 新状态 | 条件 |", "|---|---|---|---|"]
    for status, action, target, guards in _transitions():
        condition = "；".join(zh for zh, _ in guards) or "—"
        lines.append(
            f"| {STATUS_ZH[status]} `{status}` | {ACTION_ZH[action]} `{action}` | "
            f"{STATUS_ZH[target]} `{target}` | {_cell(condition)} |"
        )
    return lines


def _workflow_en() -> list[str]:
    lines = ["| from | action | to | condition |", "|---|---|---|---|"]
    for status, action, target, guards in _transitions():
        condition = "; ".join(en for _, en in guards) or "—"
        lines.append(f"| `{status}` | `{action}` | `{target}` | {_cell(condition)} |")
    return lines


def _case_types_zh() -> list[str]:
    lines = [
        "| 类型 id | 案件类型 | 文书 | 文号代字 | 回复期限 | 期限依据 |",
        "|---|---|---|---|---|---|",
    ]
    for kind in CASE_TYPES.values():
        basis = kind.reply_period.basis or "无法定期限，平台默认的跟进期限"
        lines.append(
            f"| `{kind.id}` | {kind.label_zh} | {kind.template.title} | "
            f"{kind.template.doc_code} | {kind.reply_period.label_zh} | {_cell(basis)} |"
        )
    return lines


def _period_en(months: int, days: int) -> str:
    parts = []
    if months:
        parts.append(f"{months} month{'s' if months != 1 else ''}")
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    return " ".join(parts)


def _case_types_en() -> list[str]:
    lines = [
        "| type id | case type | document | number code | reply within | legal basis |",
        "|---|---|---|---|---|---|",
    ]
    for kind in CASE_TYPES.values():
        period = kind.reply_period
        basis = period.basis or "none in law: the platform's follow-up period"
        lines.append(
            f"| `{kind.id}` | {kind.label_en} | {kind.template.title} | "
            f"{kind.template.doc_code} | {_period_en(period.months, period.days)} | "
            f"{_cell(basis)} |"
        )
    return lines


_RENDERERS = {
    "workflow-zh": _workflow_zh,
    "workflow-en": _workflow_en,
    "case-types-zh": _case_types_zh,
    "case-types-en": _case_types_en,
}


def render_block(block: str) -> str:
    """One generated block, markers included."""
    begin, end = _markers(block)
    return "\n".join([begin, "", *_RENDERERS[block](), "", end])


def render(current: str) -> str:
    """`current` with every generated block replaced by what the code says now.

    Each block's markers must appear exactly once, in order; anything else is a
    `ValueError` (a page someone broke by hand is not silently "fixed").
    """
    text = current
    for block in BLOCKS:
        begin, end = _markers(block)
        if text.count(begin) != 1 or text.count(end) != 1:
            raise ValueError(f"{DOC_PATH.name}: expected one {begin} and one {end}")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + render_block(block) + tail
    return text


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with --check, verify) the generated blocks of the page."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="fail if a table is stale")
    args = parser.parse_args(argv)
    current = DOC_PATH.read_text(encoding="utf-8")
    wanted = render(current)
    if args.check:
        if current != wanted:
            print(f"{DOC_PATH} is stale; run python tools/gen_workflow_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(wanted, encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
