"""Importing judgment documents: files → parsed judgments → four batches of the standard.

`import_judgments` reads every document (plain text in any Chinese encoding, HTML, .docx,
JSON/JSONL exports), parses each one (`jiandu.text.judgment`), and imports the rows through
the ordinary import path (`jiandu.ingest.import_batch`), one batch per dataset type:
`judgment_document` (the text, searchable), `court_case`, `court_party` and `court_agent`.
Going through the ordinary import means the same cleaning, validation, rejects with reasons,
quality report, duplicate detection and atomic commit as any other source: a document whose
case number or date the parser read wrongly is rejected with its field named, and the
source file and line travel with every row (`judgment_document.source_file`).

Documents that are not judgments at all (no court, no case number and no party found)
are refused one by one with the file (and line) named; the rest go ahead. A document
without a case number is still kept for search but gives no case or party rows.

After the batches commit, `jiandu.text.refresh` brings the search index and the
near-duplicate groups up to date; a failure there never undoes the import (the next
refresh catches up).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from jiandu.catalog.registry import all_types
from jiandu.config import Settings
from jiandu.errors import JianduError
from jiandu.ingest.importer import ImportRequest, ImportResult, import_batch
from jiandu.text.documents import SourceDocument, read_documents
from jiandu.text.judgment import Judgment, parse_judgment
from jiandu.text.rows import COLUMNS, JudgmentRows

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

#: Dataset types a judgment import writes, in the order they are imported.
JUDGMENT_TYPES = ("judgment_document", "court_case", "court_party", "court_agent")


@dataclass(frozen=True)
class Refused:
    """A document that was not imported, and why (bilingual)."""

    source: str
    locator: str | None
    reason_zh: str
    reason_en: str

    @property
    def where(self) -> str:
        return _where(self.source, self.locator)


def _where(source: str, locator: str | None) -> str:
    return source + (f" {locator}" if locator else "")


@dataclass
class JudgmentImport:
    documents: int = 0
    parsed: int = 0
    without_case_no: int = 0
    refused: list[Refused] = field(default_factory=list)
    batches: list[tuple[str, ImportResult]] = field(default_factory=list)
    refresh: dict[str, object] = field(default_factory=dict)
    duration_s: float = 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "parsed": self.parsed,
            "without_case_no": self.without_case_no,
            "refused": [
                {"source": r.where, "reason_zh": r.reason_zh, "reason_en": r.reason_en}
                for r in self.refused
            ],
            "batches": [
                {
                    "dataset_type": type_id,
                    "status": result.status,
                    "batch_id": result.batch_id,
                    "rows_accepted": result.rows_accepted,
                    "rows_rejected": result.rows_rejected,
                    "rejects_path": result.rejects_path,
                }
                for type_id, result in self.batches
            ],
            "refresh": self.refresh,
            "duration_s": round(self.duration_s, 3),
        }


def _not_a_judgment(judgment: Judgment) -> bool:
    return judgment.case_no is None and judgment.court is None and not judgment.parties


def _source_name(document: SourceDocument, given: Path) -> str:
    """The document's file as the user named it: its path inside a given folder, or its
    name (never the server's absolute path: web users read these)."""
    base = given if given.is_dir() else given.parent
    try:
        return Path(document.source).relative_to(base).as_posix()
    except ValueError:
        return Path(document.source).name


def parse_documents(
    paths: Sequence[Path],
    *,
    text_field: str | None = None,
    case_types: frozenset[str] = frozenset(),
    progress: Progress | None = None,
) -> tuple[JudgmentRows, JudgmentImport]:
    """Read and parse every document of `paths` (files or folders) into rows."""
    rows = JudgmentRows(case_types=case_types)
    report = JudgmentImport()
    for path in paths:
        for found in read_documents(path, text_field=text_field):
            document = replace(found, source=_source_name(found, path))
            report.documents += 1
            if not document.text.strip():
                report.refused.append(
                    Refused(
                        document.source, document.locator, "文书内容为空", "the document is empty"
                    )
                )
                continue
            judgment = parse_judgment(document.text)
            if _not_a_judgment(judgment):
                report.refused.append(
                    Refused(
                        document.source,
                        document.locator,
                        "未识别出法院、案号或当事人，不像裁判文书",
                        "no court, case number or party found: not a judgment document",
                    )
                )
                continue
            report.parsed += 1
            report.without_case_no += judgment.case_no is None
            rows.add(judgment, document.text, _where(document.source, document.locator))
            if progress is not None and report.documents % 500 == 0:
                progress(f"已解析 {report.documents} 篇 / parsed {report.documents} documents")
    return rows, report


def _write_table(rows: list[dict[str, str | None]], columns: Sequence[str], path: Path) -> None:
    table = pa.table({name: pa.array([r.get(name) for r in rows], pa.string()) for name in columns})
    pq.write_table(table, path, compression="zstd")


def import_judgments(
    settings: Settings,
    paths: Sequence[Path],
    *,
    source_name: str | None = None,
    text_field: str | None = None,
    user: str | None = None,
    progress: Progress | None = None,
    refresh_after: bool = True,
) -> JudgmentImport:
    """Parse the judgment files at `paths` and import them as batches (see module doc).

    Raises JianduError when nothing could be imported (no file, or every document refused).
    """
    started = time.perf_counter()
    types = all_types(settings)
    case_types = frozenset(types["court_case"].field("case_type").values or ())
    rows, report = parse_documents(
        paths, text_field=text_field, case_types=case_types, progress=progress
    )
    tables = rows.tables()
    if not tables:
        first = report.refused[0] if report.refused else None
        raise JianduError(
            "没有可导入的裁判文书"
            + (f"：{first.where}：{first.reason_zh}" if first else "（未找到文件中的文书）"),
            "no judgment document to import"
            + (f": {first.where}: {first.reason_en}" if first else " (no document in the files)"),
        )
    settings.tmp_dir.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="judgments-", dir=settings.tmp_dir))
    try:
        for type_id in JUDGMENT_TYPES:
            if type_id not in tables:
                continue
            if progress is not None:
                progress(f"导入 {type_id} / importing {type_id}")
            path = folder / f"{type_id}.parquet"
            _write_table(tables[type_id], COLUMNS[type_id], path)
            request = ImportRequest(
                dataset_type=types[type_id],
                files=(path,),
                source_name=source_name or "裁判文书解析 judgment parser",
                user=user,
            )
            report.batches.append((type_id, import_batch(settings, request, progress=progress)))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if refresh_after:
        # Everything derived from the pool (search, near-duplicates, entities) follows.
        from jiandu.derived import refresh_quietly  # noqa: PLC0415 - heavy, only when used

        report.refresh = refresh_quietly(settings, progress=progress, user=user)
    report.duration_s = time.perf_counter() - started
    return report
