"""Where dataset types come from: the built-in YAML files and the user's own.

Built-in types ship in `jiandu/catalog/types/<id>.yaml`. Users register more with
`register_type`, which validates a file and copies it into JIANDU_HOME/types; a user
type may never shadow a built-in id. Every load error names the file, and, where it can,
the line and the key that is wrong.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from jiandu.catalog.dataset_type import DatasetType
from jiandu.catalog.headers import normalize_header
from jiandu.config import Settings
from jiandu.errors import CatalogError, Location

_SUFFIXES = (".yaml", ".yml")


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that refuses duplicate keys, which plain YAML silently overwrites.

    Built on libyaml's parser when PyYAML has it (the wheels do): the 21 built-in types
    load several times faster, which every command pays at start-up."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    return mapping


_UniqueKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _construct_mapping,
)


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """1-based line of the deepest YAML node along a pydantic error location."""
    node, line = root, None
    for part in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if 0 <= part < len(node.value) else None
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def _describe_loc(data: Any, loc: tuple[int | str, ...]) -> str:
    """'fields[3] (id_card).type' from ('fields', 3, 'type'), naming list items by name."""
    text, current = "", data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            item = current[part] if isinstance(current, list) and part < len(current) else None
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                text += f" ({item['name']})"
            current = item
        else:
            text += f".{part}" if text else part
            current = current.get(part) if isinstance(current, dict) else None
    return text


def _parse(text: str, source: str) -> DatasetType:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass: no object tags
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise CatalogError(
            f"数据类型文件不是合法的 YAML：{problem}",
            f"the dataset type file is not valid YAML: {problem}",
            location=Location(file=source, row=None if mark is None else mark.line + 1),
        ) from exc
    if not isinstance(data, dict):
        raise CatalogError(
            "数据类型文件的顶层必须是键值对（id、name_zh、fields …）",
            "the top level of a dataset type file must be a mapping (id, name_zh, fields …)",
            location=Location(file=source),
        )
    try:
        return DatasetType.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(first["loc"])
        where = _describe_loc(data, loc) or "(top level)"
        line = _line_of(yaml.compose(text, Loader=_UniqueKeyLoader), loc)
        more = len(exc.errors()) - 1
        suffix_zh = f"（另有 {more} 处错误）" if more else ""
        suffix_en = f" (and {more} more)" if more else ""
        raise CatalogError(
            f"数据类型定义无效：{where}：{first['msg']}{suffix_zh}",
            f"invalid dataset type: {where}: {first['msg']}{suffix_en}",
            location=Location(file=source, row=line),
        ) from exc


def load_type_file(path: Path) -> DatasetType:
    """Load and validate one dataset type YAML file; CatalogError names file and line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(
            f"无法读取数据类型文件（{type(exc).__name__}）",
            f"cannot read the dataset type file ({type(exc).__name__})",
            location=Location(file=str(path)),
        ) from exc
    return _parse(text, str(path))


def _index(types: Iterable[tuple[str, DatasetType]]) -> dict[str, DatasetType]:
    found: dict[str, DatasetType] = {}
    origin: dict[str, str] = {}
    for source, dataset_type in types:
        if dataset_type.id in found:
            raise CatalogError(
                f"数据类型 id {dataset_type.id} 在 {origin[dataset_type.id]} 和 {source} "
                "中重复定义",
                f"dataset type id {dataset_type.id} is defined in both "
                f"{origin[dataset_type.id]} and {source}",
                location=Location(file=source),
            )
        found[dataset_type.id] = dataset_type
        origin[dataset_type.id] = source
    return found


@cache
def _builtin() -> dict[str, DatasetType]:
    folder = resources.files("jiandu.catalog.types")
    entries = sorted(
        (e for e in folder.iterdir() if e.name.endswith(_SUFFIXES)), key=lambda e: e.name
    )
    loaded = [(e.name, _parse(e.read_text(encoding="utf-8"), e.name)) for e in entries]
    for name, dataset_type in loaded:
        if Path(name).stem != dataset_type.id:
            raise CatalogError(
                f"内置类型文件名须与 id 一致：{name} 的 id 为 {dataset_type.id}",
                f"a built-in type file must be named after its id: {name} has id {dataset_type.id}",
                location=Location(file=name),
            )
    return _index(loaded)


def builtin_types() -> dict[str, DatasetType]:
    """The built-in dataset types of the data exchange standard, by id (loaded once)."""
    return dict(_builtin())


def load_user_types(folder: Path) -> dict[str, DatasetType]:
    """Dataset types registered by users: every *.yaml / *.yml file in `folder`."""
    if not folder.is_dir():
        return {}
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in _SUFFIXES)
    return _index((str(p), load_type_file(p)) for p in files)


def all_types(settings: Settings) -> dict[str, DatasetType]:
    """Built-in and user types together; a user type may not reuse a built-in id."""
    builtin = builtin_types()
    user = load_user_types(settings.types_dir)
    for type_id in user:
        if type_id in builtin:
            raise CatalogError(
                f"用户类型 {type_id} 与内置类型同名，请改 id 后重新注册",
                f"user type {type_id} has the id of a built-in type; rename it and "
                "register it again",
                location=Location(file=str(settings.types_dir)),
            )
    return {**builtin, **user}


def register_type(settings: Settings, path: Path) -> DatasetType:
    """Validate a dataset type file and copy it into JIANDU_HOME/types (atomically).

    Refuses a built-in id. Re-registering a user type needs a higher `version`, unless
    the definition is unchanged (then it is a no-op), so a changed shape is never silent.
    """
    dataset_type = load_type_file(path)
    where = Location(file=str(path))
    if dataset_type.id in builtin_types():
        raise CatalogError(
            f"不能用自定义类型覆盖内置类型 {dataset_type.id}；请换一个 id",
            f"a user type cannot replace the built-in type {dataset_type.id}; choose another id",
            location=where,
        )
    if dataset_type.derived:
        raise CatalogError(
            "derived（由系统计算的数据类型）只用于内置类型；自定义类型请去掉 derived",
            "derived (a type jiandu computes) is for built-in types only; remove derived "
            "from a user type",
            location=where,
        )
    existing = load_user_types(settings.types_dir).get(dataset_type.id)
    changed = existing is not None and existing != dataset_type
    if changed and existing is not None and dataset_type.version <= existing.version:
        raise CatalogError(
            f"类型 {dataset_type.id} 已注册（版本 {existing.version}）；修改定义时请把 "
            "version 调高",
            f"type {dataset_type.id} is already registered (version "
            f"{existing.version}); raise version when changing its definition",
            location=where,
        )
    settings.types_dir.mkdir(parents=True, exist_ok=True)
    target = settings.types_dir / f"{dataset_type.id}.yaml"
    fd, tmp = tempfile.mkstemp(dir=settings.types_dir, prefix=".register-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(path.read_bytes())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    for other in settings.types_dir.iterdir():
        # An older copy of the same id under another file name would now be a duplicate.
        is_type_file = other.suffix.lower() in _SUFFIXES and other != target
        if is_type_file and load_type_file(other).id == dataset_type.id:
            other.unlink()
    return dataset_type


@cache
def _known_header_forms() -> frozenset[str]:
    return frozenset(form for t in _builtin().values() for form in t.header_index)


def score_header(cells: list[str]) -> int:
    """How many cells read like known headers of any built-in type (after normalising).

    Readers call this on the first rows of a file to find the header row below title
    rows ("2023年养老金发放明细表"); the row with the highest score wins.
    """
    known = _known_header_forms()
    score = 0
    for cell in cells:
        form = normalize_header(cell)
        if form and (form in known or any(s in known for s in form.split("/") if s)):
            score += 1
    return score
