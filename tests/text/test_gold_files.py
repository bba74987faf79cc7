"""Every gold file under tests/text/gold/ is well formed, so a bad label fails CI.

A malformed gold record would silently skew the parser's precision/recall (a role the
parser can never produce, a date in another format, a case number written differently
from `jiandu.fields.case_no.normalize`), so the schema of docs/dev/text.md ("Gold set")
is checked here for whatever `*.jsonl` files exist: the civil CAIL file and the criminal
files alike. Texts are checked against their sha256: embedded ones always, referenced
ones when the shared data folder is present (skipped otherwise).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from gold_docs import GOLD_DIR, GoldError, gold_names, load_gold, read_records, sha256_text

from jiandu.fields.base import FieldInvalid
from jiandu.fields.case_no import normalize as normalize_case_no

RECORD_KEYS = {"id", "source", "ref", "sha256", "text", "labels", "unlabelled"}
# The `Judgment` fields plus `agents` (listed apart from the parties) and `statute_articles`
# (the criminal files' article numbers of the Criminal Law, e.g. [264, 67]).
LABEL_KEYS = {
    "court", "case_no", "prior_case_nos", "doc_type", "case_kind", "cause", "parties",
    "agents", "prosecutor", "judges", "clerks", "filing_date", "judgment_date",
    "amount_claimed", "amount_awarded", "outcome", "statutes", "statute_articles",
    "claims_text",
}  # fmt: skip
ROLES = {
    "原告", "被告", "第三人", "申请人", "被申请人", "上诉人", "被上诉人", "申请执行人",
    "被执行人", "再审申请人", "被告人", "其他",
}  # fmt: skip
PARTY_KEYS = {
    "role", "role_text", "name", "party_type", "sex", "birth_date", "ethnicity", "id_card",
    "uscc", "address", "legal_rep",
}  # fmt: skip
AGENT_KEYS = {"name", "role", "agent_type", "firm", "for"}
AGENT_TYPES = {"律师", "法律工作者", "公民", "其他"}
DOC_TYPES = {"判决书", "裁定书", "调解书", "决定书", "通知书", "其他"}
CASE_KINDS = {"民事", "刑事", "行政", "执行", "赔偿", "其他"}
OUTCOMES = {
    "支持", "部分支持", "驳回", "调解", "撤诉", "有罪", "无罪", "维持", "改判", "发回重审", "其他",
}  # fmt: skip
TEXT_LABELS = ("court", "cause", "prosecutor", "claims_text")
ID_CARD = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{15}")
SHA256 = re.compile(r"[0-9a-f]{64}")


def _optional_str(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == value != "")


def _iso_date(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _case_no_fixed_point(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return normalize_case_no(value) == value
    except FieldInvalid:
        return False


def _amount(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return False
    try:
        return Decimal(str(value)) >= 0
    except ArithmeticError:
        return False


def _party_problems(party: Any) -> list[str]:
    if not isinstance(party, dict):
        return ["party is not an object"]
    problems = [f"party key {key!r} unknown" for key in party.keys() - PARTY_KEYS]
    if party.get("role") not in ROLES:
        problems.append(f"party role {party.get('role')!r} not in {sorted(ROLES)}")
    if not isinstance(party.get("name"), str) or not party["name"].strip():
        problems.append("party without a name")
    if party.get("party_type") not in {"person", "org", None}:
        problems.append(f"party_type {party.get('party_type')!r}")
    if party.get("sex") not in {"男", "女", None}:
        problems.append(f"sex {party.get('sex')!r}")
    if not _iso_date(party.get("birth_date")):
        problems.append(f"birth_date {party.get('birth_date')!r} is not an ISO date")
    id_card = party.get("id_card")
    if id_card is not None and not (isinstance(id_card, str) and ID_CARD.fullmatch(id_card)):
        problems.append(f"id_card {id_card!r} is not 15/18 digits")
    for key in ("role_text", "ethnicity", "uscc", "address", "legal_rep"):
        if not _optional_str(party.get(key)):
            problems.append(f"party {key} {party.get(key)!r}")
    return problems


def _agent_problems(agent: Any, party_names: set[str] | None) -> list[str]:
    if not isinstance(agent, dict):
        return ["agent is not an object"]
    problems = [f"agent key {key!r} unknown" for key in agent.keys() - AGENT_KEYS]
    if not isinstance(agent.get("name"), str) or not agent["name"].strip():
        problems.append("agent without a name")
    if agent.get("agent_type") not in AGENT_TYPES | {None}:
        problems.append(f"agent_type {agent.get('agent_type')!r}")
    for key in ("role", "firm", "for"):
        if not _optional_str(agent.get(key)):
            problems.append(f"agent {key} {agent.get(key)!r}")
    if party_names is not None and agent.get("for") not in party_names:
        problems.append(f"agent {agent.get('name')!r} is for {agent.get('for')!r}, not a party")
    return problems


def _label_problems(labels: dict[str, Any]) -> list[str]:
    problems = [f"label {key!r} unknown" for key in labels.keys() - LABEL_KEYS]
    for key in TEXT_LABELS:
        if not _optional_str(labels.get(key)):
            problems.append(f"{key} {labels.get(key)!r}")
    if labels.get("case_no") is not None and not _case_no_fixed_point(labels["case_no"]):
        problems.append(f"case_no {labels['case_no']!r} is not normalised")
    for number in labels.get("prior_case_nos") or ():
        if not _case_no_fixed_point(number):
            problems.append(f"prior case_no {number!r} is not normalised")
    for key, allowed in (("doc_type", DOC_TYPES), ("case_kind", CASE_KINDS), ("outcome", OUTCOMES)):
        if labels.get(key) not in allowed | {None}:
            problems.append(f"{key} {labels.get(key)!r} not in {sorted(allowed)}")
    for key in ("filing_date", "judgment_date"):
        if not _iso_date(labels.get(key)):
            problems.append(f"{key} {labels.get(key)!r} is not an ISO date")
    for key in ("amount_claimed", "amount_awarded"):
        if not _amount(labels.get(key)):
            problems.append(f"{key} {labels.get(key)!r} is not a non-negative number")
    parties = labels.get("parties")
    party_names: set[str] | None = None
    if parties is not None:
        if not isinstance(parties, list):
            return [*problems, "parties is not a list"]
        for party in parties:
            problems += _party_problems(party)
        party_names = {str(p.get("name")) for p in parties if isinstance(p, dict)}
    if labels.get("case_kind") == "刑事":
        # Counsel in a criminal case may act for a victim or an incidental civil
        # plaintiff, who are participants but not among the labelled defendants.
        party_names = None
    agents = labels.get("agents")
    if agents is not None:
        if not isinstance(agents, list):
            return [*problems, "agents is not a list"]
        for agent in agents:
            problems += _agent_problems(agent, party_names)
    for key in ("judges", "clerks"):
        for person in labels.get(key) or ():
            pair = isinstance(person, list) and len(person) == 2
            if not (_optional_str(person) and person) and not (
                pair and all(isinstance(p, str) and p for p in person)
            ):
                problems.append(f"{key} entry {person!r}")
    for article in labels.get("statute_articles") or ():
        if type(article) is not int or article <= 0:
            problems.append(f"statute article {article!r} is not a positive integer")
    for statute in labels.get("statutes") or ():
        if not (
            isinstance(statute, dict)
            and isinstance(statute.get("law"), str)
            and (statute.get("article") is None or type(statute.get("article")) is int)
        ):
            problems.append(f"statute {statute!r}")
    return problems


def record_problems(record: dict[str, Any]) -> list[str]:
    """What is wrong with one gold record (empty when it is well formed)."""
    problems = [f"key {key!r} unknown" for key in record.keys() - RECORD_KEYS]
    for key in ("id", "source", "sha256", "labels"):
        if key not in record:
            problems.append(f"{key} missing")
    if not _optional_str(record.get("id")) or not _optional_str(record.get("source")):
        problems.append("id and source must be strings")
    if not SHA256.fullmatch(str(record.get("sha256"))):
        problems.append("sha256 is not 64 lowercase hex digits")
    if "text" in record:
        if not isinstance(record["text"], str) or sha256_text(record["text"]) != record.get(
            "sha256"
        ):
            problems.append("sha256 does not match the embedded text")
    else:
        ref = record.get("ref")
        if not (
            isinstance(ref, dict)
            and isinstance(ref.get("file"), str)
            and type(ref.get("line")) is int
            and ref["line"] >= 0
            and isinstance(ref.get("field"), str)
        ):
            problems.append("without text, ref must be {file, line (0-based), field}")
    labels = record.get("labels")
    if not isinstance(labels, dict):
        return [*problems, "labels is not an object"]
    problems += _label_problems(labels)
    unlabelled = record.get("unlabelled", [])
    if not isinstance(unlabelled, list) or not all(isinstance(u, str) for u in unlabelled):
        problems.append("unlabelled is not a list of field names")
    else:
        problems += [f"unlabelled {u!r} unknown" for u in set(unlabelled) - LABEL_KEYS]
        problems += [f"{u!r} both labelled and unlabelled" for u in set(unlabelled) & labels.keys()]
    return problems


GOLD_FILES = sorted(GOLD_DIR.glob("*.jsonl"))


def test_gold_files_exist() -> None:
    assert "cail_scm" in gold_names()


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_file_is_well_formed(path: Path) -> None:
    records = read_records(path)
    assert records, f"{path.name} is empty"
    problems = [f"{r.get('id')}: {p}" for r in records for p in record_problems(r)]
    assert not problems, "\n".join(problems)
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), f"{path.name}: duplicate ids"
    hashes = [r["sha256"] for r in records]
    assert len(hashes) == len(set(hashes)), f"{path.name}: the same text labelled twice"


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_texts_match_their_sha256(path: Path) -> None:
    docs = load_gold(path.stem)
    assert all(doc.text for doc in docs)


def test_cail_scm_coverage() -> None:
    records = read_records(GOLD_DIR / "cail_scm.jsonl")
    assert len(records) >= 35
    assert all("text" not in r for r in records), "CAIL texts must not be copied in"
    lawyered = [
        r
        for r in records
        if any("律师事务所" in (a.get("firm") or "") for a in r["labels"].get("agents", []))
    ]
    assert len(lawyered) >= 20


def test_record_problems_catches_bad_labels() -> None:
    good = {
        "id": "x:1",
        "source": "s",
        "sha256": sha256_text("正文"),
        "text": "正文",
        "labels": {
            "case_no": "（2017）沪0116刑初684号",
            "parties": [{"role": "被告人", "name": "张三", "birth_date": "1980-01-02"}],
            "agents": [{"name": "李四", "agent_type": "律师", "for": "张三"}],
            "judgment_date": "2017-06-28",
        },
        "unlabelled": ["cause"],
    }
    assert record_problems(good) == []
    bad_labels = [
        {"case_no": "(2017)沪0116刑初0684号"},
        {"parties": [{"role": "上诉人（原审被告）", "name": "张三"}]},
        {"parties": [{"role": "原告", "name": "张三", "birth_date": "1980年1月2日"}]},
        {"parties": [{"role": "原告", "name": "张三", "birth_date": "1980-02-30"}]},
        {"agents": [{"name": "李四", "agent_type": "lawyer"}]},
        {"parties": [{"role": "原告", "name": "张三"}], "agents": [{"name": "李四", "for": "王"}]},
        {"amount_claimed": "一万"},
        {"judgment_date": "2017/06/28"},
        {"defendant": "张三"},
    ]
    for labels in bad_labels:
        assert record_problems({**good, "labels": labels}), labels
    assert record_problems({**good, "text": "另一份"})
    assert record_problems({**good, "unlabelled": ["case_no"]})
    no_ref = {k: v for k, v in good.items() if k != "text"}
    assert record_problems(no_ref)


def test_load_gold_checks_sha256_and_names_the_record(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    (shared / "src").mkdir(parents=True)
    (shared / "src" / "input.txt").write_text('{"A": "甲文"}\n{"A": "乙文"}\n', encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    record = '{{"id": "t:{0}", "source": "src", "ref": {{"file": "input.txt", "line": {0}, '
    record += '"field": "A"}}, "sha256": "{1}", "labels": {{}}}}\n'
    (gold / "ok.jsonl").write_text(record.format(1, sha256_text("乙文")), encoding="utf-8")
    (gold / "bad.jsonl").write_text(record.format(0, sha256_text("乙文")), encoding="utf-8")
    [doc] = load_gold("ok", gold_dir=gold, shared_data=shared)
    assert (doc.text, doc.ref, doc.unlabelled) == (
        "乙文",
        {"file": "input.txt", "line": 1, "field": "A"},
        (),
    )
    with pytest.raises(GoldError, match="t:0"):
        load_gold("bad", gold_dir=gold, shared_data=shared)
    with pytest.raises(pytest.skip.Exception):
        load_gold("ok", gold_dir=gold, shared_data=tmp_path / "absent")
