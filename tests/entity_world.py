"""A tiny pool for the entity-profile tests: court parties, a company and its employees.

    张三丰 (P1) sues 李四 (P2) in CASE_A and 绍兴柯桥测试有限公司 (U1) in CASE_B, both
    times with the agent 王律师 of 浙江明理律师事务所.
    李四 is the company's legal representative (company_registry), 王五 registered it,
    giving 张三丰's phone number as his own;
    张三丰 is insured by the company (social_insurance), once under the traditional
    spelling 張三豐; so is 李四, under the alias 李肆 (only social_insurance says so).

So 张三丰 and 李四, opposing parties of CASE_A, are related outside the case through the
company (employer > legal_rep): a `party_relation` row whose path runs through
company_registry and social_insurance. Scoped to court_party alone, that row, the
employer and legal-representative relations and the company's registry record vanish;
the shared phone number links 张三丰 and 王五 only where a visible record of each has it.

Used by tests/entities, tests/web, tests/cli and tests/ui (a uniquely named helper module
at the top of tests/, like search_corpus.py).
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import metadata_store
import pytest

from jiandu.catalog.registry import all_types
from jiandu.config import Settings, load_settings
from jiandu.entities.refresh import refresh_entities
from jiandu.fields.id_card import check_char
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.workspace import init_workspace

P1 = "33060219800101123" + check_char("33060219800101123")
P2 = "33060219750505456" + check_char("33060219750505456")
U1 = "91330603MA2D4XQ73L"
PHONE = "13800001234"
CASE_A = "（2023）浙0602民初1号"
CASE_B = "（2023）浙0602民初2号"
COMPANY = "绍兴柯桥测试有限公司"
DATASETS = ("court_party", "company_registry", "social_insurance")

FILES: dict[str, list[list[str]]] = {
    "court_party": [
        ["案号", "诉讼地位", "当事人名称", "身份证号码", "统一社会信用代码", "联系电话",
         "委托代理人", "代理人执业机构"],
        [CASE_A, "原告", "张三丰", P1, "", PHONE, "王律师", "浙江明理律师事务所"],
        [CASE_A, "被告", "李四", P2, "", "", "", ""],
        [CASE_B, "原告", "张三丰", P1, "", PHONE, "王律师", "浙江明理律师事务所"],
        [CASE_B, "被告", COMPANY, "", U1, "", "", ""],
    ],
    "company_registry": [
        ["统一社会信用代码", "企业名称", "法定代表人", "法定代表人身份证号码", "成立日期",
         "登记代理人", "代理人电话"],
        [U1, COMPANY, "李四", P2, "2015-06-01", "王五", PHONE],
    ],
    "social_insurance": [
        ["身份证号码", "姓名", "单位统一社会信用代码", "单位名称", "缴费月份"],
        [P1, "張三豐", U1, COMPANY, "2023-01"],
        [P1, "张三丰", U1, COMPANY, "2023-02"],
        [P2, "李肆", U1, COMPANY, "2023-02"],
    ],
}  # fmt: skip


def build_world(settings: Settings, folder: Path) -> None:
    """Import the three files into the initialised home of `settings`, then resolve."""
    types = all_types(settings)
    for dataset_id, rows in FILES.items():
        path = folder / f"{dataset_id}.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows(rows)
        result = import_batch(
            settings, ImportRequest(dataset_type=types[dataset_id], files=(path,))
        )
        assert result.status == "committed" and result.rows_rejected == 0, result.quality
    report = refresh_entities(settings)
    assert report.status == "refreshed", report


def world_template(factory: pytest.TempPathFactory) -> Path:
    """The world's JIANDU_HOME, built once per test session (it takes seconds: imports,
    then entity resolution): read it in place, or copy it (`copy_world`) to change it."""
    root = factory.getbasetemp() / "entity-world"
    home = root / "home"
    if (root / "done").exists():
        return home
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    with pytest.MonkeyPatch.context() as patch:
        # On PostgreSQL (JIANDU_TEST_METADATA) the world's database lives for the session.
        metadata_store.use_metadata(patch, home)
        settings = load_settings()
        init_workspace(settings)
        build_world(settings, root)
    for database in home.glob("*.db"):  # fold the WAL in, so that a copy is whole
        with sqlite3.connect(database) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    (root / "done").touch()
    return home


def use_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for `home` (JIANDU_HOME, and its database under JIANDU_TEST_METADATA,
    set for the test)."""
    metadata_store.use_metadata(monkeypatch, home)
    return load_settings()


def copy_world(template: Path, folder: Path) -> Path:
    """A private copy of the world's home under `folder` (and of its PostgreSQL database
    under JIANDU_TEST_METADATA: dropped at the end of the session)."""
    home = folder / "home"
    shutil.copytree(template, home)
    metadata_store.copy_database(template, home)
    return home
