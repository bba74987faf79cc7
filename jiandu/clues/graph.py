"""The relationship graph of a clue's evidence: who and what appear together.

Nodes are the people, companies, vehicles and cases that appear in the evidence rows;
an edge joins two of them that appear in the same row, labelled with the two columns
(the model's evidence columns) that named them. The graph is built from the raw rows
(identity: two rows naming the same ID number name the same person) and labelled from
the rows the reader sees (masked, unless the reader unmasked the clue): node ids are
opaque counters, never the values, so a masked graph leaks nothing the masked rows do
not show.

A column's kind comes from the catalog: a column named like a field of a dataset type,
or ending in "_<field>" (join prefixes such as `d_id_card`), takes that field's kind:
an ID number or a name with the `name` PII class is a person, a USCC or an organisation
name a company, a plate or VIN a vehicle, a case number a case. Model aliases the
catalog cannot explain are recognised by their values (an 18-character ID number, a
USCC, a plate, a case number such as （2022）浙0683执50001号), or left out.

Columns sharing a prefix describe one party (`owner_id_card` and `owner_name`): the
name labels the ID number's node rather than making a node of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from jiandu.catalog.dataset_type import DatasetType

Kind = Literal["person", "company", "vehicle", "case"]
#: Most nodes drawn: beyond it a picture explains nothing (the tables remain).
MAX_NODES = 150

# Suffixes that make a column a key of a party, and what kind of party.
_KEY_TYPES: dict[str, Kind] = {
    "id_card": "person",
    "uscc": "company",
    "plate": "vehicle",
    "vin": "vehicle",
    "case_no": "case",
}
_NAME_TYPES: dict[str, Kind] = {"person_name": "person", "org_name": "company"}
_KIND_LABELS: dict[Kind, tuple[str, str]] = {
    "person": ("人员", "person"),
    "company": ("单位", "company"),
    "vehicle": ("车辆", "vehicle"),
    "case": ("案件", "case"),
}
_VALUE_PATTERNS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("person", re.compile(r"^\d{17}[\dXx]$")),
    ("company", re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")),
    ("case", re.compile(r"^[（(]\d{4}[）)].{2,30}号$")),
    ("vehicle", re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$")),
)
_SKIP = frozenset({"branch", "severity", "title", "subject_type", "subject_key", "finding"})


@dataclass(frozen=True)
class ColumnRole:
    """What one evidence column says: a party's key or name, of a kind, for a prefix."""

    kind: Kind
    is_key: bool
    prefix: str
    label_zh: str
    label_en: str


@dataclass
class _Node:
    id: str
    kind: Kind
    label: str
    columns: set[str] = field(default_factory=set)


def _field_specs(types: Sequence[DatasetType]) -> dict[str, tuple[str, str, str, str]]:
    """field name → (semantic type, pii class, label_zh, label_en); the first type wins,
    except that a personal name outranks an organisation name (masking does the same)."""
    specs: dict[str, tuple[str, str, str, str]] = {}
    for dataset_type in types:
        for spec in dataset_type.fields:
            known = specs.get(spec.name)
            entry = (spec.type, spec.pii, spec.label_zh, spec.label_en)
            if known is None or (spec.pii == "name" and known[1] != "name"):
                specs[spec.name] = entry
    return specs


def _role_of_field(column: str, name: str, spec: tuple[str, str, str, str]) -> ColumnRole | None:
    semantic, pii, label_zh, label_en = spec
    prefix = column[: len(column) - len(name)] if column != name else ""
    for suffix, kind in _KEY_TYPES.items():
        if semantic == suffix:
            stem = name[: -len(suffix)] if name.endswith(suffix) else name + "_"
            return ColumnRole(kind, True, prefix + stem, label_zh, label_en)
    if pii == "name" or semantic in _NAME_TYPES:
        kind = "person" if pii == "name" else _NAME_TYPES[semantic]
        stem = name[: -len("name")] if name.endswith("name") else name + "_"
        return ColumnRole(kind, False, prefix + stem, label_zh, label_en)
    return None


def column_roles(
    columns: Sequence[str], types: Sequence[DatasetType], rows: Sequence[Mapping[str, Any]]
) -> dict[str, ColumnRole]:
    """The role of each evidence column that names a party (see the module docstring)."""
    specs = _field_specs(types)
    names = sorted(specs, key=len, reverse=True)
    roles: dict[str, ColumnRole] = {}
    for column in columns:
        if column in _SKIP:
            continue
        name = next((f for f in names if column == f or column.endswith("_" + f)), None)
        role = _role_of_field(column, name, specs[name]) if name is not None else None
        if role is None:
            values = [str(r[column]) for r in rows if r.get(column) not in (None, "")]
            for kind, pattern in _VALUE_PATTERNS:
                if values and all(pattern.match(v) for v in values):
                    role = ColumnRole(kind, True, column + "_", column, column)
                    break
        if role is not None:
            roles[column] = role
    return roles


def evidence_graph(
    raw_rows: Sequence[Mapping[str, Any]],
    shown_rows: Sequence[Mapping[str, Any]],
    types: Sequence[DatasetType],
) -> dict[str, list[dict[str, Any]]]:
    """Nodes and edges of the evidence (`raw_rows` for identity, `shown_rows`, row for
    row, for the labels); both lists empty when nothing relates to anything."""
    columns = list(dict.fromkeys(c for row in raw_rows for c in row))
    roles = column_roles(columns, types, raw_rows)
    nodes: dict[tuple[Kind, str], _Node] = {}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for raw, shown in zip(raw_rows, shown_rows, strict=False):
        keys: dict[tuple[Kind, str], tuple[str, str, str]] = {}  # slot → value, column, shown
        names: dict[tuple[Kind, str], tuple[str, str, str]] = {}
        for column, role in roles.items():
            value = raw.get(column)
            if value in (None, ""):
                continue
            slot = (role.kind, role.prefix)
            entry = (str(value), column, str(shown.get(column) or ""))
            (keys if role.is_key else names).setdefault(slot, entry)
        found: list[tuple[_Node, str]] = []
        for slot in list(keys) + [s for s in names if s not in keys]:
            key, name = keys.get(slot), names.get(slot)
            value, column, shown_key = key or name or ("", "", "")
            identity = (slot[0], value)
            node = nodes.get(identity)
            if node is None:
                if len(nodes) >= MAX_NODES:
                    continue
                label = shown_key
                if key is not None and name is not None and name[2]:
                    label = f"{name[2]}（{shown_key}）" if shown_key else name[2]
                node = _Node(f"n{len(nodes) + 1}", slot[0], label or _KIND_LABELS[slot[0]][0])
                nodes[identity] = node
            node.columns.add(column)
            found.append((node, column))
        for i, (left, left_column) in enumerate(found):
            for right, right_column in found[i + 1 :]:
                if left.id == right.id:
                    continue
                (a, a_col), (b, b_col) = sorted(
                    ((left, left_column), (right, right_column)), key=lambda p: int(p[0].id[1:])
                )
                edge = edges.setdefault(
                    (a.id, b.id),
                    {"source": a.id, "target": b.id, "pairs": [], "rows": 0},
                )
                pair = (a_col, b_col)
                if pair not in edge["pairs"]:
                    edge["pairs"].append(pair)
                edge["rows"] += 1
    if not edges:
        return {"nodes": [], "edges": []}
    used = {e["source"] for e in edges.values()} | {e["target"] for e in edges.values()}
    return {
        "nodes": [
            {
                "id": node.id,
                "kind": node.kind,
                "kind_zh": _KIND_LABELS[node.kind][0],
                "kind_en": _KIND_LABELS[node.kind][1],
                "label": node.label,
                "columns": sorted(node.columns),
            }
            for node in nodes.values()
            if node.id in used
        ],
        "edges": [
            {
                "id": f"e{i + 1}",
                "source": edge["source"],
                "target": edge["target"],
                "rows": edge["rows"],
                "columns": [f"{a} — {b}" for a, b in edge["pairs"]],
                "label_zh": "；".join(
                    f"{roles[a].label_zh} — {roles[b].label_zh}" for a, b in edge["pairs"]
                ),
                "label_en": "; ".join(
                    f"{roles[a].label_en} — {roles[b].label_en}" for a, b in edge["pairs"]
                ),
            }
            for i, edge in enumerate(edges.values())
        ],
    }


__all__ = ["MAX_NODES", "ColumnRole", "column_roles", "evidence_graph"]
