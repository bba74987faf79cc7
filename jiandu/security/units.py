"""The org tree: procuratorates (province → city → county), departments, external units.

One tree with one root (the provincial procuratorate). `OrgUnit.path` spells the
ancestry as "/<root>/<child>/…/<id>/", so a subtree is one indexed prefix match and the
ancestors of a unit are read off its path. Units never move: a reorganisation creates
new units, so paths stay valid.

Shape rules checked here (the database only checks the vocabularies):

- a procuratorate has a level, strictly lower than its parent procuratorate's;
- a department sits under a procuratorate or another department, and has no level;
- an external (collaborating) unit sits under a procuratorate and has no level;
- the root is a procuratorate; there is only one root.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jiandu.fields.regions import region_exists
from jiandu.security.errors import NotFound, SecurityError
from jiandu.store.schema import UNIT_KINDS, UNIT_LEVELS, OrgUnit

#: Unit ids: letters, digits, '_', '.', '-'; they become path segments, so no '/'.
UNIT_ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_PATH_MAX = 1024
# Rank of each procuratorate level: a child's rank must be greater than its parent's.
_LEVEL_RANK = {level: rank for rank, level in enumerate(UNIT_LEVELS)}
# Which kinds of parent each kind of unit may have.
_PARENT_KINDS = {
    "procuratorate": ("procuratorate",),
    "department": ("procuratorate", "department"),
    "external": ("procuratorate",),
}


def _invalid(zh: str, en: str) -> SecurityError:
    return SecurityError(f"无法创建单位：{zh}", f"Cannot create the unit: {en}")


def create_unit(
    session: Session,
    *,
    id: str,
    name: str,
    kind: str,
    level: str | None = None,
    region_code: str | None = None,
    parent_id: str | None = None,
) -> OrgUnit:
    """Add a unit under `parent_id` (or the root when `parent_id` is None) and flush it.

    Raises `SecurityError` with the reason when the unit would break the tree's shape
    rules (see the module docstring), the id is taken or malformed, or `region_code` is
    not a GB/T 2260 code; `NotFound` when the parent does not exist.
    """
    if not UNIT_ID_PATTERN.fullmatch(id):
        raise _invalid(
            f"单位编号 {id!r} 只能由字母、数字、_ . - 组成（最多 64 个字符）",
            f"unit id {id!r} may hold only letters, digits, _ . - (at most 64 characters)",
        )
    name = name.strip()
    if not name:
        raise _invalid("单位名称不能为空", "the unit name is empty")
    if kind not in UNIT_KINDS:
        raise _invalid(
            f"单位类型 {kind!r} 无效，应为 {'/'.join(UNIT_KINDS)}",
            f"unit kind {kind!r} is invalid; use one of {', '.join(UNIT_KINDS)}",
        )
    if kind == "procuratorate":
        if level not in UNIT_LEVELS:
            raise _invalid(
                f"检察院须注明级别：{'/'.join(UNIT_LEVELS)}",
                f"a procuratorate needs a level: one of {', '.join(UNIT_LEVELS)}",
            )
    elif level is not None:
        raise _invalid("只有检察院有级别", "only procuratorates have a level")
    if region_code is not None and not (
        len(region_code) == 6 and region_code.isdigit() and region_exists(region_code)
    ):
        raise _invalid(
            f"行政区划代码 {region_code!r} 不是有效的 GB/T 2260 代码",
            f"region code {region_code!r} is not a GB/T 2260 code",
        )
    if session.get(OrgUnit, id) is not None:
        raise _invalid(f"单位编号 {id!r} 已被使用", f"the unit id {id!r} is taken")

    if parent_id is None:
        if kind != "procuratorate":
            raise _invalid("根单位必须是检察院", "the root unit must be a procuratorate")
        root = session.scalars(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None))).first()
        if root is not None:
            raise _invalid(
                f"已有根单位 {root!r}；新单位须指定上级单位",
                f"there is a root unit already ({root!r}); give the new unit a parent",
            )
        path = f"/{id}/"
    else:
        parent = session.get(OrgUnit, parent_id)
        if parent is None:
            raise NotFound("unit", parent_id)
        if parent.kind not in _PARENT_KINDS[kind]:
            raise _invalid(
                f"{kind} 单位不能设在 {parent.kind} 单位之下",
                f"a {kind} unit cannot sit under a {parent.kind} unit",
            )
        if (
            kind == "procuratorate"
            and level is not None
            and parent.level is not None
            and _LEVEL_RANK[level] <= _LEVEL_RANK[parent.level]
        ):
            raise _invalid(
                f"下级检察院的级别（{level}）须低于上级（{parent.level}）",
                f"a subordinate procuratorate's level ({level}) must be below its "
                f"parent's ({parent.level})",
            )
        path = f"{parent.path}{id}/"
    if len(path) > _PATH_MAX:
        raise _invalid("单位层级过深", "the unit tree is too deep")

    unit = OrgUnit(
        id=id,
        name=name,
        kind=kind,
        level=level,
        region_code=region_code,
        parent_id=parent_id,
        path=path,
    )
    session.add(unit)
    session.flush()
    return unit


def get_unit(session: Session, unit_id: str) -> OrgUnit | None:
    """The unit `unit_id`, or None."""
    return session.get(OrgUnit, unit_id)


def list_units(session: Session, *, within: str | None = None) -> list[OrgUnit]:
    """All units in tree order (by path); with `within`, that unit and its subtree only."""
    query = select(OrgUnit).order_by(OrgUnit.path)
    if within is not None:
        top = session.get(OrgUnit, within)
        if top is None:
            return []
        query = query.where(OrgUnit.path.startswith(top.path, autoescape=True))
    return list(session.scalars(query))


def subtree_ids(session: Session, unit_id: str) -> frozenset[str]:
    """Ids of `unit_id` and every unit below it; empty when the unit does not exist."""
    return frozenset(unit.id for unit in list_units(session, within=unit_id))


def _path_ids(unit: OrgUnit) -> list[str]:
    return [part for part in unit.path.split("/") if part]


def ancestors(session: Session, unit: OrgUnit) -> list[OrgUnit]:
    """The units above `unit`, root first (`unit` itself excluded)."""
    above = _path_ids(unit)[:-1]
    if not above:
        return []
    found = {u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_(above)))}
    return [found[unit_id] for unit_id in above if unit_id in found]


def procuratorate_of(session: Session, unit: OrgUnit) -> OrgUnit:
    """The procuratorate `unit` belongs to: itself, or the nearest one above it.

    For a department this is its owning procuratorate; for an external unit, the
    procuratorate it collaborates with (its parent).
    """
    if unit.kind == "procuratorate":
        return unit
    for above in reversed(ancestors(session, unit)):
        if above.kind == "procuratorate":
            return above
    # The shape rules make every non-root unit hang under a procuratorate.
    raise SecurityError(  # pragma: no cover - only a hand-edited database gets here
        f"单位 {unit.id!r} 不属于任何检察院", f"unit {unit.id!r} belongs to no procuratorate"
    )


def owning_procuratorate_ids(units: Iterable[OrgUnit]) -> dict[str, str]:
    """For each unit of a complete subtree listing, the id of its procuratorate.

    `units` must hold every unit on the paths of the listed ones below the subtree's
    top (as `list_units(within=…)` returns); used to compute row scope in one query.
    """
    by_id = {unit.id: unit for unit in units}
    owners: dict[str, str] = {}
    for unit in by_id.values():
        owner = unit.id
        for unit_id in reversed(_path_ids(unit)):
            candidate = by_id.get(unit_id)
            if candidate is not None and candidate.kind == "procuratorate":
                owner = unit_id
                break
        owners[unit.id] = owner
    return owners
