"""The search index against a real JIANDU_HOME: judgments imported, synced, searched.

Expected answers come from the texts themselves (a term is found exactly where it is a
substring), so the tests hold on the real JuDGE judgments when ../shared/data is present
and on the short civil judgments of search_corpus.py always.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import metadata_store
import pytest
from search_corpus import CIVIL, import_judgments, judge_records, write_judgments
from sqlalchemy import delete

from jiandu.catalog.registry import all_types
from jiandu.config import Settings, load_settings
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.pool import layout
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope
from jiandu.store.schema import Batch, Dataset
from jiandu.text import index
from jiandu.text.query import SNIPPET_CHARS, QueryError
from jiandu.text.segment import fold
from jiandu.workspace import init_workspace

Corpus = tuple[Settings, dict[str, str]]  # settings, doc_id -> full text


def _home(root: Path) -> Settings:
    settings = load_settings(metadata_store.environ(root / "home"))
    init_workspace(settings)
    return settings


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """120 real judgments (when present) and the civil ones, imported and indexed."""
    root = tmp_path_factory.mktemp("search")
    settings = _home(root)
    records = judge_records(120) + list(CIVIL)
    import_judgments(settings, write_judgments(root / "judgments.csv", records))
    report = index.sync(settings)
    assert report.added == len(records)
    return settings, {r["doc_id"]: r["full_text"] for r in records}


def _doc_ids(settings: Settings) -> dict[str, str]:
    """Search key -> doc_id, read from the pool the way the index numbers rows."""
    engine = make_engine(settings)
    with session_scope(engine) as session:
        batches = pool_catalog.committed_batches(session)
    engine.dispose()
    keys: dict[str, str] = {}
    for dataset_id, batch_id, path in batches:
        first = 0
        for file in layout.data_files(settings, [path]):
            rows = duckdb.execute(
                "SELECT file_row_number, doc_id FROM read_parquet(?, file_row_number = true)",
                [file],
            ).fetchall()
            keys.update({f"{dataset_id}:{batch_id}:{first + n}": d for n, d in rows})
            first += len(rows)
    return keys


def _found(settings: Settings, query: str, **filters: object) -> list[str]:
    """doc_ids of every hit, best first."""
    result = index.search(settings, query, limit=500, **filters)  # type: ignore[arg-type]
    assert result.total == len(result.hits)
    ids = _doc_ids(settings)
    return [ids[hit.key] for hit in result.hits]


def _containing(texts: dict[str, str], *terms: str) -> set[str]:
    return {d for d, text in texts.items() if all(fold(t) in fold(text) for t in terms)}


def test_two_character_name_found_also_inside_a_longer_name(corpus: Corpus) -> None:
    settings, texts = corpus
    assert set(_found(settings, "张三")) == _containing(texts, "张三") >= {"civ-1", "civ-2"}
    assert set(_found(settings, "张三丰")) == {"civ-1"}


@pytest.mark.parametrize(
    "term", ["盗窃", "有期徒刑", "人民法院", "奉贤区", "罚金", "窃", "2017", "0602民初", "50000"]
)
def test_a_term_is_found_exactly_where_it_is_a_substring(corpus: Corpus, term: str) -> None:
    settings, texts = corpus
    assert set(_found(settings, term)) == _containing(texts, term)


def test_terms_are_anded(corpus: Corpus) -> None:
    settings, texts = corpus
    assert set(_found(settings, "张三 买卖合同")) == {"civ-2"}
    assert set(_found(settings, "张三 民间借贷")) == {"civ-1"}
    assert set(_found(settings, "人民法院 盗窃 罚金")) == _containing(
        texts, "人民法院", "盗窃", "罚金"
    )


def test_quotes_make_one_phrase(corpus: Corpus) -> None:
    settings, _texts = corpus
    assert _found(settings, "张三丰 李四") == ["civ-1"]
    assert _found(settings, '"张三丰 李四"') == []  # not adjacent in the text
    assert _found(settings, "“判决如下 被告孙八”") == ["civ-3"]


def test_exclusion(corpus: Corpus) -> None:
    settings, texts = corpus
    found = set(_found(settings, "民间借贷 -钱七"))
    assert found == _containing(texts, "民间借贷") - _containing(texts, "钱七")
    assert "civ-1" in found and "civ-3" not in found
    expected = _containing(texts, "人民法院") - _containing(texts, "盗窃")
    assert set(_found(settings, "人民法院 -盗窃")) == expected


def test_filters(corpus: Corpus) -> None:
    settings, _texts = corpus
    assert _found(settings, "民初", court="柯桥") == ["civ-2"]
    assert set(_found(settings, "民初", cause="借贷")) == {"civ-1", "civ-3"}
    assert _found(settings, "人民法院", party="张三") == ["civ-2"]
    assert _found(settings, "民初", date_from=date(2021, 1, 1), date_to=date(2021, 12, 31)) == [
        "civ-2"
    ]
    assert _found(settings, "民初", dataset_type="judgment_document")
    assert _found(settings, "民初", dataset_type="court_case") == []
    assert _found(settings, "民初", dataset_ids=["judgment_document"])
    assert _found(settings, "民初", dataset_ids=[]) == []
    assert _found(settings, "民初", dataset_ids=["someone_else"]) == []


def test_bm25_ranks_the_denser_document_first(corpus: Corpus) -> None:
    settings, _texts = corpus
    ranked = _found(settings, "民间借贷")
    assert ranked.index("civ-3") < ranked.index("civ-1")  # four mentions in fewer words


def test_paging(corpus: Corpus) -> None:
    settings, _texts = corpus
    everything = index.search(settings, "人民法院", limit=500)
    page = index.search(settings, "人民法院", limit=5, offset=5)
    assert page.total == everything.total
    assert [h.key for h in page.hits] == [h.key for h in everything.hits[5:10]]


def test_snippets_highlight_the_terms(corpus: Corpus) -> None:
    settings, _texts = corpus
    result = index.search(settings, "张三 借款", limit=10)
    assert result.hits
    for hit in result.hits:
        highlighted = [text for text, marked in hit.snippet if marked]
        assert highlighted and set(highlighted) <= {"张三", "借款"}
        assert len("".join(text for text, _ in hit.snippet)) <= SNIPPET_CHARS + 2


def test_hits_carry_the_filter_fields(corpus: Corpus) -> None:
    settings, _texts = corpus
    (hit,) = index.search(settings, "张三丰").hits
    assert hit.court == "浙江省绍兴市越城区人民法院"
    assert hit.cause == "民间借贷纠纷"
    assert hit.case_no == "（2020）浙0602民初1001号"
    assert hit.date == date(2020, 5, 6)
    assert hit.parties == ("张三丰", "李四")
    assert hit.title.startswith("浙江省绍兴市越城区人民法院")


@pytest.mark.parametrize("query", ["", "   ", "，。", "-张三", "x" * 600])
def test_a_query_without_terms_is_refused(corpus: Corpus, query: str) -> None:
    settings, _texts = corpus
    with pytest.raises(QueryError) as raised:
        index.search(settings, query)
    assert raised.value.zh and raised.value.en


# ---- sync ---------------------------------------------------------------------------


@pytest.fixture
def small(tmp_path: Path) -> Iterator[Settings]:
    settings = _home(tmp_path)
    import_judgments(settings, write_judgments(tmp_path / "civil.csv", list(CIVIL[:2])))
    yield settings


def test_sync_is_idempotent(small: Settings) -> None:
    first = index.sync(small)
    assert (first.added, first.batches_added) == (2, 1)
    again = index.sync(small)
    assert (again.added, again.removed, again.batches_added) == (0, 0, 0)
    assert index.search(small, "人民法院").total == 2
    # A crash between the tantivy commit and the manifest: the batch is added again,
    # after deleting it by term, so nothing is doubled.
    (index.index_dir(small) / index.MANIFEST).unlink()
    assert index.sync(small).added == 2
    assert index.search(small, "人民法院").total == 2
    assert index.sync(small, rebuild=True).added == 2
    assert index.search(small, "人民法院").total == 2


def test_a_new_batch_is_indexed(small: Settings, tmp_path: Path) -> None:
    index.sync(small)
    import_judgments(small, write_judgments(tmp_path / "more.csv", [CIVIL[2]]))
    report = index.sync(small)
    assert (report.added, report.batches_added) == (1, 1)
    assert index.search(small, "钱七").total == 1


def test_a_removed_dataset_is_dropped(small: Settings) -> None:
    index.sync(small)
    engine = make_engine(small)
    with session_scope(engine) as session:
        session.execute(delete(Batch).where(Batch.dataset_id == "judgment_document"))
        session.execute(delete(Dataset).where(Dataset.id == "judgment_document"))
    engine.dispose()
    report = index.sync(small)
    assert (report.removed, report.batches_removed) == (2, 1)
    assert index.search(small, "人民法院").total == 0


def test_other_datasets_are_searched_by_their_free_text(small: Settings, tmp_path: Path) -> None:
    companies = tmp_path / "companies.csv"
    companies.write_text(
        "统一社会信用代码,企业名称,法定代表人\n91330603MA2D4XQ73L,绍兴柯桥测试有限公司,王小明\n",
        encoding="utf-8",
    )
    result = import_batch(
        small, ImportRequest(dataset_type=all_types(small)["company_registry"], files=(companies,))
    )
    assert result.status == "committed"
    index.sync(small)
    (hit,) = index.search(small, "柯桥测试").hits
    assert hit.dataset_type == "company_registry"
    assert hit.title == "绍兴柯桥测试有限公司"
    assert index.search(small, "王小明").total == 0  # a person's name is not indexed


def test_a_busy_writer_is_waited_for_then_reported(
    small: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    index.sync(small)
    holder = index.open_writer(index.open_index(index.index_dir(small)))
    (index.index_dir(small) / index.MANIFEST).unlink()  # so that sync needs the writer
    monkeypatch.setattr(index, "LOCK_WAIT_S", 0.3)
    try:
        with pytest.raises(index.IndexBusy):
            index.sync(small)
    finally:
        holder.rollback()
        del holder
