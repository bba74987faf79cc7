"""The small province of the web tests (fixtures in conftest.py): units, users of every
role, data in the pool.

    浙江省院 (330000, root)
    ├── 绍兴市院 (330600)
    │   ├── 越城区院 (330602) ── 越城区院第一检察部 (330602-d1)
    │   └── 柯桥区院 (330603)
    └── 省医保局 (ext-yb, external)

Pension and death data are imported for 越城 (owned by 330602), a company registry for
柯桥 (330603); a `pension_after_death` run belongs to 越城.

Building it takes seconds (imports, a model run), so the SQLite province is built once
per test session and copied for each test (`province`); `province_pg` builds it afresh
on PostgreSQL and `any_province` runs a test on both.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from jiandu.catalog.registry import all_types
from jiandu.config import Settings
from jiandu.fields.id_card import check_char
from jiandu.ingest.importer import ImportRequest, import_batch
from jiandu.models.registry import available_models
from jiandu.models.runner import run_model
from jiandu.security.units import create_unit
from jiandu.security.users import create_user
from jiandu.store.db import session_scope
from jiandu.store.schema import Dataset, ModelRun
from jiandu.workspace import open_workspace

PASSWORD = "Correct-Horse-9-Battery"
PERSON = "33060219550101231" + check_char("33060219550101231")
NAME = "张三丰"
PHONE = "13800001234"

USERS = {
    # username: (unit, roles, clearance)
    "admin": ("330000", ["admin"], "internal"),
    "yc_pros": ("330602", ["prosecutor"], "sensitive"),
    "yc_dept": ("330602-d1", ["prosecutor"], "sensitive"),
    "yc_steward": ("330602", ["data_steward"], "sensitive"),
    "yc_modeler": ("330602", ["modeler"], "sensitive"),
    "yc_leader": ("330602", ["leader"], "sensitive"),
    "kq_pros": ("330603", ["prosecutor"], "sensitive"),
    "kq_leader": ("330603", ["leader"], "sensitive"),
    "sx_leader": ("330600", ["leader"], "sensitive"),
    "sx_low": ("330600", ["leader"], "internal"),
    "auditor": ("330000", ["auditor"], "internal"),
    "ext": ("ext-yb", ["external_liaison"], "internal"),
}


@dataclass
class Province:
    settings: Settings
    app: Any
    run_id: str

    def client(
        self, username: str | None = None, *, address: str = "testclient", **kwargs: Any
    ) -> TestClient:
        """A client signed in as `username` (session cookie + CSRF header), or anonymous.

        `address` is the client's IP as the app sees it (the sign-in rate limit counts
        per address); other keyword arguments go to `TestClient`.
        """
        client = TestClient(self.app, client=(address, 50000), **kwargs)
        if username is not None:
            response = client.post(
                "/api/auth/login", json={"username": username, "password": PASSWORD}
            )
            assert response.status_code == 200, response.text
            client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return client


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def _import(settings: Settings, type_id: str, path: Path, unit: str) -> None:
    result = import_batch(
        settings, ImportRequest(dataset_type=all_types(settings)[type_id], files=(path,))
    )
    assert result.status == "committed"
    with session_scope(open_workspace(settings).engine) as session:
        dataset = session.get(Dataset, type_id)
        assert dataset is not None
        dataset.owner_unit = unit


def build_province(settings: Settings, tmp_path: Path) -> str:
    """Fill the initialised workspace of `settings` with the province; the run's id."""
    engine = open_workspace(settings).engine
    with session_scope(engine) as session:
        create_unit(session, id="330000", name="浙江省人民检察院", kind="procuratorate",
                    level="province", region_code="330000")  # fmt: skip
        create_unit(session, id="330600", name="绍兴市人民检察院", kind="procuratorate",
                    level="city", region_code="330600", parent_id="330000")  # fmt: skip
        create_unit(session, id="330602", name="越城区人民检察院", kind="procuratorate",
                    level="county", region_code="330602", parent_id="330600")  # fmt: skip
        create_unit(session, id="330602-d1", name="越城区院第一检察部", kind="department",
                    parent_id="330602")  # fmt: skip
        create_unit(session, id="330603", name="柯桥区人民检察院", kind="procuratorate",
                    level="county", region_code="330603", parent_id="330600")  # fmt: skip
        create_unit(session, id="ext-yb", name="浙江省医疗保障局", kind="external",
                    parent_id="330000")  # fmt: skip
        for username, (unit, roles, clearance) in USERS.items():
            create_user(session, username=username, display_name=username, unit_id=unit,
                        password=PASSWORD, roles=roles, clearance=clearance)  # fmt: skip
    pension = _write_csv(
        tmp_path / "pension.csv",
        [["身份证号码", "姓名", "发放年月", "发放金额", "联系电话"]]
        + [[PERSON, NAME, f"2023-{m:02d}", "3000", PHONE] for m in range(1, 13)],
    )
    deaths = _write_csv(
        tmp_path / "deaths.csv",
        [["身份证号码", "姓名", "死亡日期", "信息来源"], [PERSON, NAME, "2023-02-10", "火化"]],
    )
    companies = _write_csv(
        tmp_path / "companies.csv",
        [["统一社会信用代码", "企业名称"], ["91330603MA2D4XQ73L", "绍兴柯桥测试有限公司"]],
    )
    _import(settings, "pension_payment", pension, "330602")
    _import(settings, "death_record", deaths, "330602")
    _import(settings, "company_registry", companies, "330603")
    workspace = open_workspace(settings)
    with session_scope(engine) as session:
        entry = available_models(session)["pension_after_death"]
    record = run_model(workspace, entry)
    with session_scope(engine) as session:
        run = session.get(ModelRun, record.run_id)
        assert run is not None
        run.owner_unit = "330602"
    workspace.engine.dispose()
    engine.dispose()
    return record.run_id
