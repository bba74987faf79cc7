"""The derived dataset near_duplicate_group: import judgments → refresh commits the groups;
a second refresh does nothing; a new import hashes only its own documents and replaces the
earlier groups batch (whose data `jiandu init` keeps); nobody imports groups by hand."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest
from neardup_texts import BORROWERS, OTHER, TEMPLATE

from jiandu.catalog.registry import all_types, builtin_types, register_type
from jiandu.cli.app import main
from jiandu.config import Settings
from jiandu.errors import CatalogError
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.pool import layout
from jiandu.store import pool_catalog
from jiandu.store.db import make_engine, session_scope
from jiandu.text.neardup_refresh import GROUPS_DATASET, refresh_near_duplicates
from jiandu.workspace import init_workspace

COLUMNS = ["doc_id", "case_no", "court_name", "cause", "judgment_date", "parties", "claims_text"]


@pytest.fixture(autouse=True)
def _claims_field() -> None:
    if "claims_text" not in builtin_types()["judgment_document"].field_names:
        pytest.skip("judgment_document has no claims_text field yet")


def suit(number: int, borrower: str, amount: int, text: str = TEMPLATE) -> dict[str, str]:
    return {
        "doc_id": f"D{number:04d}",
        "case_no": f"（2023）浙0602民初{number}号",
        "court_name": "绍兴市越城区人民法院",
        "cause": "民间借贷纠纷",
        "judgment_date": f"2023-0{1 + number % 9}-1{number % 10}",
        "parties": f"钱某某、{borrower}",
        "claims_text": text.format(
            lender="钱某某", borrower=borrower, amount=amount, day="2021年5月8日", months="六"
        ),
    }


def unrelated(number: int) -> dict[str, str]:
    return {**suit(number, "路人", 1), "cause": "保险人代位求偿权纠纷", "claims_text": OTHER}


def import_judgments(
    settings: Settings, folder: Path, name: str, rows: list[dict[str, str]]
) -> str:
    path = folder / f"{name}.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, [*COLUMNS, "full_text"])
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "full_text": "裁判文书全文：" + row["claims_text"]})
    dataset_type = all_types(settings)["judgment_document"]
    result = import_batch(settings, ImportRequest(dataset_type=dataset_type, files=(path,)))
    assert result.status == "committed" and result.rows_rejected == 0
    return result.batch_id


def group_batches(settings: Settings) -> dict[str, str]:
    with session_scope(make_engine(settings)) as session:
        return {b.id: b.status for b in pool_catalog.list_batches(session, GROUPS_DATASET)}


def group_rows(settings: Settings) -> list[tuple[object, ...]]:
    with session_scope(make_engine(settings)) as session:
        paths = pool_catalog.committed_batch_paths(session, GROUPS_DATASET)
    files = layout.data_files(settings, paths)
    return duckdb.sql(
        "SELECT group_id, doc_id, case_no, court_name, cause, judgment_date, group_size, "
        "similarity FROM read_parquet(?) ORDER BY doc_id",
        params=[files],
    ).fetchall()


def test_refresh_commits_skips_and_replaces(home: Settings, tmp_path: Path) -> None:
    first = [suit(i, BORROWERS[i], 1000 * (i + 3)) for i in range(6)] + [unrelated(90)]
    first_batch = import_judgments(home, tmp_path, "first", first)

    report = refresh_near_duplicates(home)
    assert report.status == "refreshed" and report.input_batches == (first_batch,)
    assert (report.documents, report.hashed, report.groups, report.members) == (7, 7, 1, 6)
    rows = group_rows(home)
    assert [r[1] for r in rows] == [f"D{i:04d}" for i in range(6)]
    assert {r[0] for r in rows} == {"D0000"} and {r[6] for r in rows} == {6}
    assert rows[0][2:5] == ("（2023）浙0602民初0号", "绍兴市越城区人民法院", "民间借贷纠纷")
    assert rows[0][7] == 100 and all(70 <= r[7] <= 100 for r in rows)
    assert group_batches(home) == {report.batch_id: "committed"}

    again = refresh_near_duplicates(home)
    assert again.status == "unchanged" and again.batch_id == report.batch_id
    assert again.hashed == 0

    # Two more template suits, and a copy of the unrelated complaint: a second group.
    second = [suit(i, BORROWERS[i % len(BORROWERS)], 777 * i) for i in range(6, 8)]
    import_judgments(home, tmp_path, "second", [*second, unrelated(91)])
    later = refresh_near_duplicates(home)
    assert later.status == "refreshed" and later.hashed == 3
    assert (later.groups, later.members) == (2, 10)
    assert later.replaced == (report.batch_id,)
    assert group_batches(home) == {report.batch_id: "replaced", later.batch_id: "committed"}
    sizes = {r[1]: (r[0], r[6]) for r in group_rows(home)}
    assert sizes["D0007"] == ("D0000", 8) and sizes["D0091"] == ("D0090", 2)

    # Replaced batches keep their data: `jiandu init` does not sweep them away.
    init_workspace(home)
    assert layout.batch_dir(home, GROUPS_DATASET, report.batch_id).is_dir()


def test_a_document_in_two_batches_counts_once(home: Settings, tmp_path: Path) -> None:
    rows = [suit(i, BORROWERS[i], 5000 + i) for i in range(3)]
    import_judgments(home, tmp_path, "a", rows)
    import_judgments(home, tmp_path, "b", [rows[0], suit(7, "林峰", 9000)])
    report = refresh_near_duplicates(home)
    assert (report.documents, report.members) == (4, 4)


def test_judgments_without_complaints_are_left_out(home: Settings, tmp_path: Path) -> None:
    rows = [{**suit(i, BORROWERS[i], 5000), "claims_text": ""} for i in range(3)]
    path = tmp_path / "old.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["doc_id", "case_no", "full_text"])
        writer.writerows([r["doc_id"], r["case_no"], TEMPLATE] for r in rows)
    import_batch(
        home, ImportRequest(dataset_type=all_types(home)["judgment_document"], files=(path,))
    )
    report = refresh_near_duplicates(home)
    assert (report.status, report.documents, report.batch_id) == ("empty", 0, None)
    assert group_batches(home) == {}


def test_groups_cannot_be_imported_by_hand(home: Settings, tmp_path: Path) -> None:
    dataset_type = builtin_types()[GROUPS_DATASET]
    assert dataset_type.derived
    with pytest.raises(CatalogError, match="cannot be imported by hand"):
        dataset_type.check_importable()
    path = tmp_path / "groups.csv"
    path.write_text("group_id,doc_id\nD1,D1\nD1,D2\n", encoding="utf-8")
    assert main(["import", GROUPS_DATASET, str(path)]) != 0
    assert group_batches(home) == {}


def test_a_user_type_cannot_be_derived(home: Settings, tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "id: my_groups\nname_zh: 我的分组\nname_en: My groups\nsource_agency_zh: 本院\n"
        "source_agency_en: Us\nderived: true\nfields:\n"
        "  - {name: group_id, type: text, label_zh: 组号, label_en: Group, required: true}\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="built-in types only"):
        register_type(home, path)
