"""Entity mentions (jiandu.text.mentions) against real labelled data in ../shared/data.

    .venv/bin/python bench/text_eval_lawbench.py [--json]

Three references, each skipped with a message when its files are absent:

1. LawBench 2-6 (theft-case NER, CAIL2021; 500 sentences, answer "type:A、B;type:C"):
   span-text precision/recall/F1 per entity type we cover, summed over sentences (per
   sentence, gold and found are sets of strings).
   - 犯罪嫌疑人: strict = person mentions introduced as 被告人/犯罪嫌疑人 (and 被告, 嫌疑人,
     同案犯, 罪犯); loose = every person mention not introduced as 被害人/受害人.
   - 受害人: person mentions introduced as 被害人/受害人.
   - 时间: date and time mentions are chained into one time expression when only a short
     connector lies between them (左右, 的, 一天, 某日, 间, and 至/到 of a range; no
     punctuation), and a trailing 某日/一天/期间 is absorbed: 2017年8月10日左右的一天13时许 is one chain. strict =
     chain text equals gold text; overlap = chain and gold span share a character
     (precision counts chains overlapping some gold, recall gold overlapping some chain).
   - 物品价值/被盗货币/盗窃获利 → money mentions, compared on value where the gold text
     reads as money with our own reader (人民币352元 = 352), else on text. Our mentions do
     not tell the three apart, so the pooled row has precision; per type only recall.
   - 组织机构 → org mentions, on text.
2. LawBench 3-7 (criminal amount, LAIC2021; gold "8500.0元"): accuracy of
   `criminal_amount` to the yuan, and recall of "the gold amount is among the money
   mentions". Items 0–249 were read while writing the heuristic; 250–499 were not, and
   are reported apart as the held-out half.
3. CAIL2019 CJRC dev: answers to amount questions (多少钱/金额/多少元) and date questions
   (什么时间/何时/哪天/日期): recall of the gold answer span being covered by a mention of
   that kind (the mention lies inside an answer span or contains it; 共计15万元 ⊇ 15万元),
   and exact (mention text = answer text). And the share of contexts in which the 案由
   (`casename`) appears literally: the ceiling for rule-based cause extraction from fact
   sections alone, not a parser score.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jiandu.text.mentions import Mention, criminal_amount, mentions  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
LAWBENCH = SHARED / "lawbench_subset" / "zero_shot"
CJRC = SHARED / "cail2019_cjrc" / "dev_ground_truth.json"

SUSPECT_ROLES = {"被告人", "犯罪嫌疑人", "原审被告人", "被告", "嫌疑人", "同案犯", "同案人", "罪犯"}
VICTIM_ROLES = {"被害人", "受害人"}
MONEY_TYPES = ("物品价值", "被盗货币", "盗窃获利")
UNCOVERED = ("被盗物品", "作案工具", "地点")
_SENTENCE = re.compile(r"^\s*句子\s*[:：]\s*")
_GAP = re.compile(r"(?:左右|前后|间|份)?的?(?:一天|某天|某日|某晚|那天)?的?|起?[至到—-]")
_TAIL = re.compile(r"(?:左右)?的?(?:一天|某天|某日|某晚)|(?:期间|间)")


class Row:
    """Counts for one entity type: gold, found, true positives on each side."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.gold = self.found = self.tp_gold = self.tp_found = 0

    def add(self, gold: int, found: int, tp_gold: int, tp_found: int | None = None) -> None:
        self.gold += gold
        self.found += found
        self.tp_gold += tp_gold
        self.tp_found += tp_gold if tp_found is None else tp_found

    def as_dict(self, precision: bool = True) -> dict[str, Any]:
        p = self.tp_found / self.found if precision and self.found else None
        r = self.tp_gold / self.gold if self.gold else None
        f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
        return {
            "type": self.name,
            "gold": self.gold,
            "found": self.found if precision else None,
            "tp": self.tp_gold,
            "precision": p,
            "recall": r,
            "f1": f1,
        }


def _fmt(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _table(title: str, rows: list[dict[str, Any]], columns: list[str]) -> None:
    print(f"\n### {title}\n")
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---" if i == 0 else "---:" for i in range(len(columns))) + "|")
    for row in rows:
        print("| " + " | ".join(_fmt(row[c]) for c in columns) + " |")


# ---------------------------------------------------------------- LawBench 2-6
def _gold_entities(answer: str) -> dict[str, set[str]]:
    gold: dict[str, set[str]] = {}
    for part in answer.split(";"):
        kind, sep, entities = part.partition(":")
        if sep:
            gold.setdefault(kind.strip(), set()).update(e for e in entities.split("、") if e)
    return gold


def _time_chains(sentence: str, found: list[Mention]) -> list[tuple[int, int]]:
    chains: list[tuple[int, int]] = []
    for mention in (m for m in found if m.kind in ("date", "time")):
        if chains:
            start, end = chains[-1]
            if mention.start >= end and _GAP.fullmatch(sentence, end, mention.start):
                chains[-1] = (start, max(end, mention.end))
                continue
            if mention.start < end:
                continue
        chains.append((mention.start, mention.end))
    out = []
    for start, end in chains:
        tail = _TAIL.match(sentence, end)
        out.append((start, tail.end() if tail else end))
    return out


def _money_key(text: str) -> str:
    values = [m.value for m in mentions(text) if m.kind == "money"]
    return f"¥{values[0]}" if len(values) == 1 else text


def _set_row(row: Row, gold: set[str], found: set[str]) -> None:
    row.add(len(gold), len(found), len(gold & found))


def lawbench_ner() -> dict[str, Any] | None:
    path = LAWBENCH / "2-6.json"
    if not path.is_file():
        print(f"\n(2-6 skipped: {path} absent / 数据缺失)")
        return None
    items = json.loads(path.read_text(encoding="utf-8"))
    rows = {
        name: Row(name)
        for name in (
            "犯罪嫌疑人 (strict)",
            "犯罪嫌疑人 (loose)",
            "受害人",
            "时间 (strict)",
            "时间 (overlap)",
            "money (物品价值+被盗货币+盗窃获利)",
            *MONEY_TYPES,
            "组织机构",
        )
    }
    uncovered: Counter[str] = Counter()
    seconds = 0.0
    chars = 0
    for item in items:
        sentence = _SENTENCE.sub("", item["question"], count=1)
        chars += len(sentence)
        gold = _gold_entities(item["answer"])
        started = time.perf_counter()
        found = mentions(sentence)
        seconds += time.perf_counter() - started
        persons = [m for m in found if m.kind == "person"]
        strict = {m.text for m in persons if m.value in SUSPECT_ROLES}
        loose = {m.text for m in persons if m.value not in VICTIM_ROLES}
        victims = {m.text for m in persons if m.value in VICTIM_ROLES}
        _set_row(rows["犯罪嫌疑人 (strict)"], gold.get("犯罪嫌疑人", set()), strict)
        _set_row(rows["犯罪嫌疑人 (loose)"], gold.get("犯罪嫌疑人", set()), loose)
        _set_row(rows["受害人"], gold.get("受害人", set()), victims)
        _set_row(
            rows["组织机构"],
            gold.get("组织机构", set()),
            {m.text for m in found if m.kind == "org"},
        )
        chains = _time_chains(sentence, found)
        gold_times = gold.get("时间", set())
        _set_row(rows["时间 (strict)"], gold_times, {sentence[s:e] for s, e in chains})
        spans = [(i, i + len(t)) for t in gold_times if (i := sentence.find(t)) >= 0]
        hit_gold = sum(any(s < ce and cs < e for cs, ce in chains) for s, e in spans)
        hit_found = sum(any(s < ce and cs < e for s, e in spans) for cs, ce in chains)
        rows["时间 (overlap)"].add(len(gold_times), len(chains), hit_gold, hit_found)
        found_money = {f"¥{m.value}" for m in found if m.kind == "money"}
        found_money |= {m.text for m in found if m.kind == "money"}
        pooled: set[str] = set()
        for kind in MONEY_TYPES:
            keys = {_money_key(text) for text in gold.get(kind, set())}
            pooled |= keys
            rows[kind].add(len(keys), 0, len(keys & found_money))
        money_found = {f"¥{m.value}" for m in found if m.kind == "money"}
        rows["money (物品价值+被盗货币+盗窃获利)"].add(
            len(pooled), len(money_found), len(pooled & found_money), len(money_found & pooled)
        )
        for kind in UNCOVERED:
            uncovered[kind] += len(gold.get(kind, set()))
    table = [row.as_dict(precision=name not in MONEY_TYPES) for name, row in rows.items()]
    _table(
        f"LawBench 2-6 theft NER ({len(items)} sentences)",
        table,
        ["type", "gold", "found", "tp", "precision", "recall", "f1"],
    )
    print(
        "\nNot covered by mentions (gold entities): "
        + ", ".join(f"{k} {v}" for k, v in uncovered.items())
        + f". Speed: {chars / seconds / 1e6:.2f} M chars/s of mentions()."
    )
    return {"items": len(items), "rows": table, "uncovered": dict(uncovered)}


# ---------------------------------------------------------------- LawBench 3-7
def lawbench_amount() -> dict[str, Any] | None:
    path = LAWBENCH / "3-7.json"
    if not path.is_file():
        print(f"\n(3-7 skipped: {path} absent / 数据缺失)")
        return None
    items = json.loads(path.read_text(encoding="utf-8"))
    halves = {"0–249 (read while writing)": items[:250], "250–499 (held out)": items[250:]}
    table = []
    for name, part in halves.items():
        exact = among = none = 0
        for item in part:
            text = re.sub(r"^\s*文书\s*[:：]", "", item["question"], count=1)
            gold_match = re.search(r"([0-9]+(?:\.[0-9]+)?)元", item["answer"])
            if gold_match is None:
                continue
            gold = Decimal(gold_match.group(1))
            value = criminal_amount(text)
            none += value is None
            exact += value is not None and round(value) == round(gold)
            money = [m.value for m in mentions(text) if m.kind == "money"]
            among += any(isinstance(v, Decimal) and round(v) == round(gold) for v in money)
        n = len(part)
        table.append(
            {
                "items": name,
                "n": n,
                "criminal_amount exact": exact,
                "accuracy": exact / n,
                "None": none,
                "gold among money mentions": among / n,
            }
        )
    _table(
        "LawBench 3-7 criminal amount",
        table,
        ["items", "n", "criminal_amount exact", "accuracy", "None", "gold among money mentions"],
    )
    return {"rows": table}


# ---------------------------------------------------------------- CJRC
_MONEY_Q = re.compile(r"多少钱|金额|多少元")
_DATE_Q = re.compile(r"什么时间|何时|哪天|日期")


def _covered(found: list[Mention], spans: list[tuple[int, int]]) -> bool:
    """A mention lies inside an answer span or contains it."""
    return any(
        (s <= m.start and m.end <= e) or (m.start <= s and e <= m.end)
        for m in found
        for s, e in spans
    )


def cjrc() -> dict[str, Any] | None:
    if not CJRC.is_file():
        print(f"\n(CJRC skipped: {CJRC} absent / 数据缺失)")
        return None
    data = json.loads(CJRC.read_text(encoding="utf-8"))["data"]
    counts = {kind: Counter[str]() for kind in ("money", "date")}
    contexts = literal = loose = 0
    for case in data:
        for paragraph in case["paragraphs"]:
            context = paragraph["context"]
            contexts += 1
            cause = paragraph.get("casename") or ""
            literal += bool(cause) and cause in context
            stem = re.sub(r"(?:罪|纠纷)$", "", cause)
            loose += bool(stem) and stem in context
            found = mentions(context)
            for qa in paragraph["qas"]:
                if str(qa.get("is_impossible", "false")).lower() == "true":
                    continue
                kind = (
                    "money"
                    if _MONEY_Q.search(qa["question"])
                    else "date"
                    if _DATE_Q.search(qa["question"])
                    else None
                )
                if kind is None:
                    continue
                answers = [
                    (a["answer_start"], a["answer_start"] + len(a["text"]), a["text"])
                    for a in qa["answers"]
                    if a["text"]
                    and context[a["answer_start"] : a["answer_start"] + len(a["text"])] == a["text"]
                ]
                if not answers:
                    counts[kind]["no span answer"] += 1
                    continue
                ours = [m for m in found if m.kind == kind]
                spans = [(s, e) for s, e, _ in answers]
                counts[kind]["questions"] += 1
                counts[kind]["covered"] += _covered(ours, spans)
                counts[kind]["exact"] += any(m.text == t for m in ours for _, _, t in answers)
    table = [
        {
            "kind": kind,
            "questions": c["questions"],
            "covered": c["covered"],
            "recall (covered)": c["covered"] / c["questions"] if c["questions"] else None,
            "exact": c["exact"],
            "recall (exact)": c["exact"] / c["questions"] if c["questions"] else None,
            "skipped (no span answer)": c["no span answer"],
        }
        for kind, c in counts.items()
    ]
    _table(
        "CAIL2019 CJRC dev: amount/date answers covered by our mentions",
        table,
        [
            "kind",
            "questions",
            "covered",
            "recall (covered)",
            "exact",
            "recall (exact)",
            "skipped (no span answer)",
        ],
    )
    cause = [
        {
            "measure": "casename appears literally in the context",
            "contexts": contexts,
            "share": literal / contexts,
        },
        {
            "measure": "casename without a trailing 罪/纠纷 appears",
            "contexts": contexts,
            "share": loose / contexts,
        },
    ]
    _table(
        "CJRC 案由 ceiling (not a parser score: what fact sections alone could give)",
        cause,
        ["measure", "contexts", "share"],
    )
    return {"answers": table, "cause_ceiling": cause}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    args = parser.parse_args()
    if args.json:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            result = {
                "lawbench_2_6": lawbench_ner(),
                "lawbench_3_7": lawbench_amount(),
                "cjrc_dev": cjrc(),
            }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    print("## jiandu.text.mentions on labelled data")
    lawbench_ner()
    lawbench_amount()
    cjrc()


if __name__ == "__main__":
    main()
