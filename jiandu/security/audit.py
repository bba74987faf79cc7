"""The hash-chained, append-only audit log: append, verify, checkpoint.

Every entry commits to the one before it: its `hash` is SHA-256 over a canonical JSON
form of its own fields plus the previous entry's hash (`prev_hash`; 64 zeros for the
first). The `audit_head` row holds the last entry's seq and hash, so a cut-off tail is
visible too. Database triggers (migration 0003) refuse UPDATE and DELETE; the chain is
what catches someone who dropped the triggers or edited the database file directly:

- an entry whose content no longer matches its hash was **edited**;
- a missing seq means entries were **deleted**;
- an entry that does not commit to its predecessor, but to an entry seen elsewhere, was
  **reordered**; one that sits between two entries that commit to each other, or lies
  beyond the head, was **inserted**;
- a head that does not match the last entry means the tail was cut off (**head_mismatch**).

A chain rewritten consistently from some entry on (every hash recomputed, head
updated) is self-consistent; only a copy of an earlier state kept elsewhere can expose
it. `checkpoint` gives that copy ({seq, hash, at, count}); `verify(..., checkpoints=…)`
confirms the entry at each checkpoint's seq still has the hash written down then.

`detail` is stored as given and shown to auditors: callers pass counts, ids and masked
values, never unmasked personal data.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exc, func, insert, select, update
from sqlalchemy.orm import Session

from jiandu.security.errors import SecurityError
from jiandu.store.schema import AuditEntry, AuditHead, utcnow

#: `prev_hash` of the first entry.
GENESIS_HASH = "0" * 64
#: The one row of `audit_head`.
HEAD_ID = 1
#: What an entry's `outcome` may say.
OUTCOMES = ("ok", "denied", "failed")
#: Entries read per query while verifying: memory stays flat however long the log is.
VERIFY_PAGE_SIZE = 2_000
#: Problems kept in a report; the rest are only counted (a renumbered log breaks every
#: later entry, and a list of millions helps nobody).
MAX_PROBLEMS = 100
#: How many recent hashes verification remembers to tell "reordered" from "edited".
REORDER_WINDOW = 1_024

# Column widths of audit_log (schema.AuditEntry): checked here so that SQLite, which does
# not enforce VARCHAR lengths, refuses the same entries as PostgreSQL.
_WIDTHS = {"actor": 64, "action": 64, "object_kind": 32, "object_id": 128, "unit_id": 64}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_KIND_ZH = {
    "edited": "被修改",
    "deleted": "被删除",
    "reordered": "顺序被改动",
    "inserted": "被插入",
    "head_mismatch": "链尾不符",
    "checkpoint_mismatch": "与检查点不符",
}


class AuditLogBroken(SecurityError):
    """The audit log cannot take new entries: its head row is gone but entries remain.

    Appending anyway would start a second chain and hide whatever removed the head, so
    every audited action stops until an operator has looked (`jiandu audit verify`).
    """

    def __init__(self) -> None:
        super().__init__(
            "审计日志的链尾记录缺失，无法追加新记录；请运行 `jiandu audit verify` 检查并联系管理员",
            "The audit log's head record is missing, so no entry can be appended; run "
            "`jiandu audit verify` and contact an administrator",
        )


class CheckpointInvalid(SecurityError):
    """A checkpoint (from a file or a caller) is not a {seq, hash, at, count} record."""

    def __init__(self, where: str) -> None:
        super().__init__(
            f"检查点格式不正确：{where}；应为 `jiandu audit checkpoint` 写出的 JSON",
            f"Malformed checkpoint: {where}; expected the JSON `jiandu audit checkpoint` writes",
        )


# ---------------------------------------------------------------------------- hashing


def canonical_bytes(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    object_kind: str | None,
    object_id: str | None,
    unit_id: str | None,
    outcome: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> bytes:
    """The exact bytes an entry's hash covers.

    JSON with sorted keys, no whitespace and characters as themselves (UTF-8, not
    \\u escapes); the time in UTC ISO 8601 with microseconds. Both backends give these
    values back unchanged, so the hash recomputed on reading equals the one written.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"naive datetime {at!r}: audit times must be timezone-aware")
    payload = {
        "seq": seq,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "object_kind": object_kind,
        "object_id": object_id,
        "unit_id": unit_id,
        "outcome": outcome,
        "detail": detail,
        "prev_hash": prev_hash,
    }
    text = json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )
    return text.encode("utf-8")


def entry_hash(**fields: Any) -> str:
    """SHA-256 (hex) of `canonical_bytes(**fields)`."""
    return hashlib.sha256(canonical_bytes(**fields)).hexdigest()


def _plain_json(value: Any, where: str) -> Any:
    """`value` as the database will give it back; ValueError for what JSON cannot hold.

    The hash must cover exactly what a later read returns, so tuples become lists and
    anything that JSON would change or refuse (non-string keys, NaN, sets, dates) is
    refused here rather than breaking verification later.
    """
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"audit detail {where} is not a finite number")
        return value
    if isinstance(value, list | tuple):
        return [_plain_json(item, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise ValueError(f"audit detail {where} has a key that is not a string")
        return {key: _plain_json(item, f"{where}.{key}") for key, item in value.items()}
    raise ValueError(f"audit detail {where} is a {type(value).__name__}, not plain JSON")


# ---------------------------------------------------------------------------- append


def _lock_head(session: Session) -> AuditHead | None:
    """Take the writer's lock on the chain and return the head row (None if absent).

    PostgreSQL: `SELECT … FOR UPDATE` on the head row queues appenders. SQLite has no
    row locks; a no-op UPDATE takes the database write lock before the head is read, so
    a second writer waits (busy timeout) instead of reading a head that is about to
    change and failing at commit.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=AuditHead.seq))
    statement = (
        select(AuditHead)
        .where(AuditHead.id == HEAD_ID)
        .with_for_update()
        .execution_options(populate_existing=True)  # never a stale copy from an earlier commit
    )
    return session.execute(statement).scalar_one_or_none()


def _create_head(session: Session) -> AuditHead:
    """Create the head row for an empty log; if another writer just did, lock theirs.

    The insert comes first: only a writer whose insert succeeded (and so holds the new
    row) may conclude that entries without a head mean a broken log. Checking for entries
    before inserting would race with a concurrent first writer that has just committed
    its head and first entry, and call a healthy log broken.
    """
    try:
        with session.begin_nested():
            session.execute(insert(AuditHead).values(id=HEAD_ID, seq=0, hash=GENESIS_HASH))
            if session.execute(select(AuditEntry.seq).limit(1)).first() is not None:
                raise AuditLogBroken()  # leaving the block rolls the insert back
    except exc.IntegrityError:
        pass  # a concurrent first append created it; its lock is taken below
    head = _lock_head(session)
    assert head is not None  # inserted above or by the concurrent writer
    return head


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    object_kind: str | None = None,
    object_id: str | None = None,
    unit_id: str | None = None,
    outcome: str = "ok",
    detail: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction.

    The entry is committed (or rolled back) with whatever the caller does in the same
    session, so an action and its audit entry stand or fall together. Appenders are
    serialised on the head row, which keeps seq gap-free and the chain linear under
    concurrency. `detail` must hold masked values only (see the module docstring).
    """
    if outcome not in OUTCOMES:
        raise ValueError(f"outcome must be one of {OUTCOMES}, not {outcome!r}")
    texts = (
        ("actor", actor),
        ("action", action),
        ("object_kind", object_kind),
        ("object_id", object_id),
        ("unit_id", unit_id),
    )
    for name, value in texts:
        if value is not None and len(value) > _WIDTHS[name]:
            raise ValueError(f"audit {name} longer than {_WIDTHS[name]} characters")
    at = now or utcnow()
    if at.tzinfo is None or at.utcoffset() is None:
        # astimezone() would silently take a naive time as the machine's local time.
        raise ValueError(f"naive datetime {at!r}: audit times must be timezone-aware")
    at = at.astimezone(UTC)
    stored_detail = _plain_json(detail or {}, "detail")
    head = _lock_head(session) or _create_head(session)
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "at": at,
        "actor": actor,
        "action": action,
        "object_kind": object_kind,
        "object_id": object_id,
        "unit_id": unit_id,
        "outcome": outcome,
        "detail": stored_detail,
        "prev_hash": head.hash,
    }
    entry = AuditEntry(**fields, hash=entry_hash(**fields))
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash
    session.flush()
    return entry


# ---------------------------------------------------------------------------- checkpoint


@dataclass(frozen=True)
class Checkpoint:
    """The chain's end at one moment, written down for safekeeping outside the database."""

    seq: int
    hash: str
    at: str
    count: int

    @classmethod
    def from_dict(cls, data: Any, where: str = "checkpoint") -> Checkpoint:
        """Parse what `as_dict` (or the JSON file) holds; `CheckpointInvalid` otherwise."""
        match data:
            case {"seq": int() as seq, "hash": str() as digest, "at": str() as at,
                  "count": int() as count} if (
                not isinstance(seq, bool)
                and not isinstance(count, bool)
                and seq >= 0
                and _HEX64.fullmatch(digest)
            ):  # fmt: skip
                return cls(seq=seq, hash=digest, at=at, count=count)
        raise CheckpointInvalid(where)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def checkpoint(session: Session, *, now: datetime | None = None) -> dict[str, Any]:
    """The head of the chain as {seq, hash, at, count}: keep it somewhere the DB is not.

    `at` is when the checkpoint was taken (UTC); `count` the entries in the log then
    (equal to seq while nothing is deleted). An empty log gives seq 0 and the genesis hash.
    """
    head = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
    ).first()
    seq, digest = (head.seq, head.hash) if head is not None else (0, GENESIS_HASH)
    count = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    at = (now or utcnow()).astimezone(UTC).isoformat(timespec="microseconds")
    return Checkpoint(seq=seq, hash=digest, at=at, count=count).as_dict()


# ---------------------------------------------------------------------------- verify


@dataclass(frozen=True)
class AuditProblem:
    """One finding: at which seq, what kind, and a sentence in each language."""

    seq: int
    kind: str  # edited / deleted / reordered / inserted / head_mismatch / checkpoint_mismatch
    zh: str
    en: str


@dataclass
class VerifyReport:
    """What `verify` found. `ok` only when no problem at all was found."""

    ok: bool = True
    entries: int = 0
    first_bad_seq: int | None = None
    problems: list[AuditProblem] = field(default_factory=list)
    problem_count: int = 0
    head_seq: int | None = None
    last_seq: int | None = None
    checkpoints: int = 0

    def add(self, seq: int, kind: str, zh: str, en: str) -> None:
        self.ok = False
        self.problem_count += 1
        if self.first_bad_seq is None or seq < self.first_bad_seq:
            self.first_bad_seq = seq
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(AuditProblem(seq, kind, f"{_KIND_ZH[kind]}：{zh}", en))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


_COLUMNS = (
    AuditEntry.seq,
    AuditEntry.at,
    AuditEntry.actor,
    AuditEntry.action,
    AuditEntry.object_kind,
    AuditEntry.object_id,
    AuditEntry.unit_id,
    AuditEntry.outcome,
    AuditEntry.detail,
    AuditEntry.prev_hash,
    AuditEntry.hash,
)


def _stream(session: Session) -> Iterator[Any]:
    """Every entry in seq order, one keyset page at a time (no OFFSET, no big cursor)."""
    after = -1
    while True:
        statement = (
            select(*_COLUMNS)
            .where(AuditEntry.seq > after)
            .order_by(AuditEntry.seq)
            .limit(VERIFY_PAGE_SIZE)
        )
        page = session.execute(statement).all()
        yield from page
        if len(page) < VERIFY_PAGE_SIZE:
            return
        after = page[-1].seq


def _head(session: Session) -> tuple[int, str] | None:
    row = session.execute(
        select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == HEAD_ID)
    ).first()
    return None if row is None else (row.seq, row.hash)


def _recomputed(row: Any) -> str:
    return entry_hash(
        seq=row.seq,
        at=row.at,
        actor=row.actor,
        action=row.action,
        object_kind=row.object_kind,
        object_id=row.object_id,
        unit_id=row.unit_id,
        outcome=row.outcome,
        detail=row.detail,
        prev_hash=row.prev_hash,
    )


@dataclass
class _Walk:
    """State of one pass over the chain: the last two entries and a window of hashes.

    `recent` maps the stored hashes of the last REORDER_WINDOW entries to their seq, to
    tell an entry that follows the wrong (but existing) entry from one that follows an
    entry no longer there.
    """

    prev_seq: int = 0
    prev_hash: str = GENESIS_HASH
    prev_intact: bool = True
    before_prev: tuple[int, str] | None = None
    recent: OrderedDict[str, int] = field(default_factory=OrderedDict)

    def remember(self, seq: int, digest: str, intact: bool) -> None:
        self.before_prev = (self.prev_seq, self.prev_hash) if self.prev_seq else None
        self.prev_seq, self.prev_hash, self.prev_intact = seq, digest, intact
        self.recent[digest] = seq
        if len(self.recent) > REORDER_WINDOW:
            self.recent.popitem(last=False)


def _check_entry(report: VerifyReport, walk: _Walk, row: Any) -> bool:
    """Compare one entry with its own hash and its predecessor; True if its hash holds."""
    if row.seq != walk.prev_seq + 1:
        first, last = walk.prev_seq + 1, row.seq - 1
        span = f"{first}" if first == last else f"{first}–{last}"
        missing = f"entry {span} is" if first == last else f"entries {span} are"
        report.add(
            first,
            "deleted",
            f"第 {span} 条记录缺失（第 {walk.prev_seq} 条之后直接是第 {row.seq} 条）",
            f"{missing} missing (entry {walk.prev_seq} is followed by {row.seq})",
        )
    if _recomputed(row) != row.hash:
        report.add(
            row.seq,
            "edited",
            f"第 {row.seq} 条记录的内容与其哈希不符，记录内容被改动",
            f"entry {row.seq} no longer matches its hash: its content was changed",
        )
        return False
    # After a gap the link is broken by the deletion already reported.
    if row.seq == walk.prev_seq + 1 and row.prev_hash != walk.prev_hash:
        _report_broken_link(report, walk, row)
    return True


def _report_broken_link(report: VerifyReport, walk: _Walk, row: Any) -> None:
    """An entry intact in itself does not commit to its predecessor: say how it differs."""
    prev = walk.prev_seq
    origin = walk.recent.get(row.prev_hash)
    if walk.prev_intact and walk.before_prev is not None and origin == walk.before_prev[0]:
        # A well-formed entry sits between two entries that were written one after the other.
        report.add(
            prev,
            "inserted",
            f"第 {prev} 条记录不属于原链：第 {row.seq} 条原本紧接在第 {origin} 条之后",
            f"entry {prev} does not belong to the chain: entry {row.seq} was written right "
            f"after entry {origin}",
        )
    elif origin is not None:
        report.add(
            row.seq,
            "reordered",
            f"第 {row.seq} 条记录原本接在现第 {origin} 条之后，而不是第 {prev} 条：记录顺序被改动",
            f"entry {row.seq} was written after the entry now at {origin}, not after entry "
            f"{prev}: entries were moved",
        )
    else:
        report.add(
            prev,
            "edited",
            f"第 {row.seq} 条记录未指向第 {prev} 条：第 {prev} 条（或第 {row.seq} 条）"
            "被替换或改写，并重算了哈希",
            f"entry {row.seq} does not commit to entry {prev}: entry {prev} (or {row.seq}) "
            "was replaced or rewritten with a recomputed hash",
        )


def _check_head(
    report: VerifyReport, start: tuple[int, str] | None, end: tuple[int, str] | None, seen: str
) -> None:
    """Compare the head (read before and after the walk) with the entries walked.

    `seen` is the hash the walk found at the start-head's seq ("" when there was none).
    Entries appended by others while verifying lie between the two heads and are fine.
    """
    last = report.last_seq or 0
    if start is None:
        if last:
            report.add(
                1,
                "head_mismatch",
                f"链尾记录缺失，但日志中有 {report.entries} 条记录",
                f"the head record is missing although the log holds {report.entries} entries",
            )
        return
    head_seq, head_hash = start
    if head_seq > last:
        report.add(
            last + 1,
            "head_mismatch",
            f"链尾记录显示最后一条为第 {head_seq} 条，但日志止于第 {last} 条：末尾记录被删除",
            f"the head says the last entry is {head_seq} but the log ends at {last}: "
            "entries were cut off the end",
        )
    elif head_seq and not seen:
        report.add(
            head_seq,
            "head_mismatch",
            f"链尾记录所指的第 {head_seq} 条记录缺失",
            f"entry {head_seq}, the one the head records as last, is missing",
        )
    elif head_seq and seen != head_hash:
        report.add(
            head_seq,
            "head_mismatch",
            f"第 {head_seq} 条记录的哈希与链尾记录不符",
            f"entry {head_seq}'s hash differs from the one the head records",
        )
    end_seq = end[0] if end is not None else 0
    if last > max(end_seq, head_seq):
        beyond = max(end_seq, head_seq) + 1
        report.add(
            beyond,
            "inserted",
            f"第 {beyond}–{last} 条记录在链尾之后，并非由审计日志写入",
            f"entries {beyond}–{last} lie beyond the head: they were not appended by the log",
        )


def _check_checkpoints(
    report: VerifyReport, wanted: Mapping[int, set[str]], found: dict[int, str]
) -> None:
    for seq in sorted(wanted):
        if seq == 0:
            continue  # an empty log's checkpoint: nothing to compare
        actual = found.get(seq)
        for digest in sorted(wanted[seq]):
            if actual is None:
                report.add(
                    seq,
                    "checkpoint_mismatch",
                    f"检查点记录的第 {seq} 条已不在日志中",
                    f"entry {seq}, recorded in a checkpoint, is no longer in the log",
                )
            elif actual != digest:
                report.add(
                    seq,
                    "checkpoint_mismatch",
                    f"第 {seq} 条记录的哈希与检查点不符：该处及之前的日志被整体改写",
                    f"entry {seq}'s hash differs from the checkpoint's: the log up to there "
                    "was rewritten",
                )


def verify(
    session: Session, checkpoints: Iterable[Checkpoint | Mapping[str, Any]] = ()
) -> VerifyReport:
    """Walk the whole chain in seq order and report every inconsistency found.

    Memory stays flat (keyset pages and a bounded window of recent hashes), so this runs
    over logs of millions of entries. Appends by others while it runs are tolerated.
    """
    wanted: dict[int, set[str]] = {}
    for item in checkpoints:
        point = item if isinstance(item, Checkpoint) else Checkpoint.from_dict(item)
        wanted.setdefault(point.seq, set()).add(point.hash)
    report = VerifyReport(checkpoints=sum(len(hashes) for hashes in wanted.values()))
    start = _head(session)
    walk = _Walk()
    seen_at_head = ""
    found: dict[int, str] = {}
    for row in _stream(session):
        report.entries += 1
        intact = _check_entry(report, walk, row)
        if start is not None and row.seq == start[0]:
            seen_at_head = row.hash
        if row.seq in wanted:
            found[row.seq] = row.hash
        walk.remember(row.seq, row.hash, intact)
    report.last_seq = walk.prev_seq or None
    end = _head(session)
    report.head_seq = end[0] if end is not None else None
    _check_head(report, start, end, seen_at_head)
    _check_checkpoints(report, wanted, found)
    return report


def recent_entries(session: Session, limit: int = 20) -> list[AuditEntry]:
    """The newest `limit` entries, newest first (for `jiandu audit list`)."""
    statement = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(limit)
    return list(session.execute(statement).scalars())


def describe(entries: Sequence[AuditEntry]) -> list[dict[str, Any]]:
    """Entries as JSON-ready dicts (time in UTC ISO 8601)."""
    return [
        {
            "seq": e.seq,
            "at": e.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": e.actor,
            "action": e.action,
            "object_kind": e.object_kind,
            "object_id": e.object_id,
            "unit_id": e.unit_id,
            "outcome": e.outcome,
            "detail": e.detail,
            "prev_hash": e.prev_hash,
            "hash": e.hash,
        }
        for e in entries
    ]
