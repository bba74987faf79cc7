"""The org tree: shape rules, paths, subtrees, ancestors (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from jiandu.security.errors import NotFound, SecurityError
from jiandu.security.units import (
    ancestors,
    create_unit,
    get_unit,
    list_units,
    procuratorate_of,
    subtree_ids,
)
from jiandu.store.db import session_scope


def _add(engine: Engine, unit_id: str, **kwargs: Any) -> None:
    values: dict[str, Any] = {"name": f"单位 {unit_id}", "kind": "procuratorate"} | kwargs
    with session_scope(engine) as session:
        create_unit(session, id=unit_id, **values)


def _refused(engine: Engine, unit_id: str, words: str, **kwargs: Any) -> None:
    with pytest.raises(SecurityError) as refused:
        _add(engine, unit_id, **kwargs)
    assert words in refused.value.en
    with session_scope(engine) as session:
        assert get_unit(session, unit_id) is None


def test_paths_spell_the_ancestry(tree: Engine) -> None:
    with session_scope(tree) as session:
        assert get_unit(session, "zj").path == "/zj/"  # type: ignore[union-attr]
        assert get_unit(session, "sx-d1a").path == "/zj/sx/sx-d1/sx-d1a/"  # type: ignore[union-attr]
        assert get_unit(session, "yc").region_code == "330602"  # type: ignore[union-attr]
        assert [u.id for u in list_units(session)][:4] == ["zj", "hz", "hz-d1", "sx"]


def test_one_root_only_and_it_is_a_procuratorate(migrated: Engine) -> None:
    _refused(migrated, "ext", "root unit must be a procuratorate", kind="external")
    _add(migrated, "zj", level="province")
    _refused(migrated, "js", "there is a root unit already", level="province")


def test_shape_rules(tree: Engine) -> None:
    _refused(tree, "p", "needs a level", parent_id="zj")
    _refused(tree, "p", "must be below", level="city", parent_id="sx")  # city under city
    _refused(tree, "p", "must be below", level="province", parent_id="zj")
    _refused(tree, "d", "only procuratorates have a level", kind="department", level="city",
             parent_id="sx")  # fmt: skip
    _refused(tree, "d", "cannot sit under a external", kind="department", parent_id="sx-ext")
    _refused(tree, "e", "cannot sit under a department", kind="external", parent_id="sx-d1")
    _refused(tree, "p", "cannot sit under a department", level="county", parent_id="sx-d1")
    _refused(tree, "x", "unit kind 'court' is invalid", kind="court", parent_id="zj")
    _refused(tree, "x", "the unit name is empty", name="  ", parent_id="zj", level="city")
    # A county procuratorate directly under the province (省直管) is allowed.
    _add(tree, "yw", level="county", parent_id="zj", region_code="330782")


@pytest.mark.parametrize("bad", ["a/b", "", "-x", "x" * 65, "有中文", "a b", "%"])
def test_unit_ids_are_safe_path_segments(tree: Engine, bad: str) -> None:
    _refused(tree, bad, "may hold only letters", level="city", parent_id="zj")


def test_region_codes_must_be_gbt2260_codes(tree: Engine) -> None:
    for code in ("339999", "33060", "abcdef", "3306021"):
        _refused(tree, "p", "not a GB/T 2260 code", level="city", parent_id="zj",
                 region_code=code)  # fmt: skip


def test_a_unit_id_is_used_once_and_a_parent_must_exist(tree: Engine) -> None:
    with pytest.raises(SecurityError, match="is taken"):
        _add(tree, "sx", level="county", parent_id="hz")
    with session_scope(tree) as session:
        assert get_unit(session, "sx").parent_id == "zj"  # type: ignore[union-attr]
    with pytest.raises(NotFound):
        _add(tree, "p", level="city", parent_id="nowhere")


def test_subtrees_are_prefix_matches_with_like_wildcards_escaped(tree: Engine) -> None:
    # '_' is a LIKE wildcard: 'a_b' must not match 'axb' ('%' cannot occur in an id).
    _add(tree, "a_b", level="city", parent_id="zj")
    _add(tree, "axb", level="city", parent_id="zj")
    _add(tree, "a_b1", kind="department", parent_id="a_b")
    _add(tree, "axb1", kind="department", parent_id="axb")
    with session_scope(tree) as session:
        assert subtree_ids(session, "a_b") == {"a_b", "a_b1"}
        assert subtree_ids(session, "sx") == {"sx", "sx-d1", "sx-d1a", "yc", "yc-d1", "sx-ext"}
        assert subtree_ids(session, "yc-d1") == {"yc-d1"}
        assert subtree_ids(session, "missing") == frozenset()
        assert [u.id for u in list_units(session, within="hz")] == ["hz", "hz-d1"]
        assert list_units(session, within="missing") == []


def test_ancestors_are_root_first_and_exclude_the_unit(tree: Engine) -> None:
    with session_scope(tree) as session:
        unit = get_unit(session, "sx-d1a")
        assert unit is not None
        assert [u.id for u in ancestors(session, unit)] == ["zj", "sx", "sx-d1"]
        root = get_unit(session, "zj")
        assert root is not None
        assert ancestors(session, root) == []


@pytest.mark.parametrize(
    ("unit_id", "owner"),
    [("sx", "sx"), ("sx-d1", "sx"), ("sx-d1a", "sx"), ("yc-d1", "yc"), ("sx-ext", "sx"),
     ("zj-d1", "zj")],
)  # fmt: skip
def test_procuratorate_of(tree: Engine, unit_id: str, owner: str) -> None:
    with session_scope(tree) as session:
        unit = get_unit(session, unit_id)
        assert unit is not None
        assert procuratorate_of(session, unit).id == owner
