"""Loading, registering and scoring dataset types."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from catalog_helpers import minimal_type

from jiandu.catalog.registry import (
    all_types,
    builtin_types,
    load_type_file,
    load_user_types,
    register_type,
    score_header,
)
from jiandu.config import Settings, load_settings
from jiandu.errors import CatalogError


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings({"JIANDU_HOME": str(tmp_path / "home")})


def write_type(path: Path, **overrides: object) -> Path:
    path.write_text(yaml.safe_dump(minimal_type(**overrides), allow_unicode=True), "utf-8")
    return path


def test_builtin_types_is_a_fresh_copy() -> None:
    first = builtin_types()
    first.pop("pension_payment")
    assert "pension_payment" in builtin_types()


def test_load_type_file(tmp_path: Path) -> None:
    dataset_type = load_type_file(write_type(tmp_path / "demo_payment.yaml"))
    assert dataset_type.id == "demo_payment"
    assert dataset_type.field("id_card").required


GOOD = """\
id: demo
name_zh: 演示
name_en: Demo
source_agency_zh: 机构
source_agency_en: Agency
fields:
  - name: id_card
    type: id_card
    label_zh: 身份证号码
    label_en: ID card number
  - name: amount
    type: moneyy
    label_zh: 金额
    label_en: Amount
"""


@pytest.mark.parametrize(
    ("text", "row", "zh", "en"),
    [
        ("id: [demo\n", 2, "不是合法的 YAML", "not valid YAML"),
        ("id: demo\nid: again\n", 2, "不是合法的 YAML", "duplicate key 'id'"),
        ("- id: demo\n", None, "顶层必须是键值对", "must be a mapping"),
        ("", None, "顶层必须是键值对", "must be a mapping"),
        (GOOD, 12, "fields[1] (amount).type", "fields[1] (amount).type"),
        (
            GOOD.replace("moneyy", "money").replace("name_en: Demo\n", ""),
            None,
            "name_en",
            "name_en: Field required",
        ),
        (
            GOOD.replace("moneyy", "money") + "keys:\n  - [id_card, month]\n",
            None,
            "keys",
            "names unknown fields ['month']",
        ),
        (
            GOOD.replace("moneyy", "money").replace("name: amount", "name: Amount"),
            11,
            "fields[1] (Amount).name",
            "snake_case",
        ),
    ],
)
def test_load_type_file_errors(
    tmp_path: Path, text: str, row: int | None, zh: str, en: str
) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_type_file(path)
    error = caught.value
    assert error.location.file == str(path)
    assert zh in error.zh
    assert en in error.en
    if row is not None:
        assert error.location.row == row
    assert str(path) in str(error)


def test_load_type_file_unreadable(tmp_path: Path) -> None:
    with pytest.raises(CatalogError) as caught:
        load_type_file(tmp_path / "absent.yaml")
    assert "FileNotFoundError" in caught.value.en
    path = tmp_path / "gbk.yaml"
    path.write_bytes("id: 演示".encode("gbk"))
    with pytest.raises(CatalogError, match="UnicodeDecodeError"):
        load_type_file(path)


def test_user_types_and_all_types(settings: Settings) -> None:
    assert load_user_types(settings.types_dir) == {}
    settings.types_dir.mkdir(parents=True)
    write_type(settings.types_dir / "demo_payment.yaml")
    (settings.types_dir / "notes.txt").write_text("ignored", encoding="utf-8")
    assert set(load_user_types(settings.types_dir)) == {"demo_payment"}
    types = all_types(settings)
    assert "demo_payment" in types and "pension_payment" in types


def test_user_types_with_one_id_twice(settings: Settings) -> None:
    settings.types_dir.mkdir(parents=True)
    write_type(settings.types_dir / "a.yaml")
    write_type(settings.types_dir / "b.yml")
    with pytest.raises(CatalogError) as caught:
        load_user_types(settings.types_dir)
    assert "a.yaml" in caught.value.en and "b.yml" in caught.value.en


def test_all_types_refuses_a_shadowing_user_file(settings: Settings) -> None:
    settings.types_dir.mkdir(parents=True)
    write_type(settings.types_dir / "x.yaml", id="pension_payment")
    with pytest.raises(CatalogError, match="pension_payment"):
        all_types(settings)


def test_register_type(settings: Settings, tmp_path: Path) -> None:
    source = write_type(tmp_path / "my type.yaml")
    dataset_type = register_type(settings, source)
    target = settings.types_dir / "demo_payment.yaml"
    assert target.read_bytes() == source.read_bytes()
    assert all_types(settings)["demo_payment"] == dataset_type
    # Same definition again: a no-op, not an error.
    register_type(settings, source)
    assert sorted(p.name for p in settings.types_dir.iterdir()) == ["demo_payment.yaml"]


def test_register_refuses_builtin_id(settings: Settings, tmp_path: Path) -> None:
    source = write_type(tmp_path / "p.yaml", id="pension_payment")
    with pytest.raises(CatalogError) as caught:
        register_type(settings, source)
    assert "内置类型 pension_payment" in caught.value.zh
    assert caught.value.location.file == str(source)
    assert not settings.types_dir.exists() or not any(settings.types_dir.iterdir())


def test_register_changed_type_needs_new_version(settings: Settings, tmp_path: Path) -> None:
    register_type(settings, write_type(tmp_path / "v1.yaml"))
    changed = write_type(tmp_path / "v1b.yaml", name_zh="改名")
    with pytest.raises(CatalogError, match="raise version"):
        register_type(settings, changed)
    register_type(settings, write_type(tmp_path / "v2.yaml", name_zh="改名", version=2))
    assert all_types(settings)["demo_payment"].name_zh == "改名"


def test_register_replaces_a_copy_under_another_name(settings: Settings, tmp_path: Path) -> None:
    settings.types_dir.mkdir(parents=True)
    write_type(settings.types_dir / "legacy.yaml")
    register_type(settings, write_type(tmp_path / "v2.yaml", version=2))
    assert [p.name for p in settings.types_dir.iterdir()] == ["demo_payment.yaml"]


def test_register_invalid_file_writes_nothing(settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [\n", encoding="utf-8")
    with pytest.raises(CatalogError):
        register_type(settings, bad)
    assert not settings.types_dir.exists()


@pytest.mark.parametrize(
    ("cells", "score"),
    [
        (["2023年1月城乡居民养老金发放明细表", "", ""], 0),
        (["制表单位：某某区社保中心", "", "单位：元"], 0),
        (["序号", "姓名", "公民身份号码", "发放金额（元）", "备注"], 3),
        (["案号", "立案日期", "结案方式"], 3),
        (["人员信息/姓名", "人员信息/身份证号", "发放信息/金额"], 3),
        (["张三", "330602198001011234", "2023-01", "1200.00"], 0),
        ([], 0),
    ],
)
def test_score_header(cells: list[str], score: int) -> None:
    assert score_header(cells) == score
