"""Derived dataset types (near_duplicate_group) are computed by jiandu: the import wizard
does not offer them, and neither upload path accepts a file for them."""

from __future__ import annotations

from typing import Any

from web_province import Province

STEWARD = "yc_steward"
DERIVED = "near_duplicate_group"


def _json(response: Any, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_derived_types_cannot_be_uploaded(province: Province) -> None:
    client = province.client(STEWARD)
    offered = {t["id"] for t in _json(client.get("/api/uploads/types"), 200)}
    assert "pension_payment" in offered and DERIVED not in offered

    csv = ("groups.csv", b"group_id,doc_id\nD1,D1\nD1,D2\n", "text/csv")
    for path in ("/api/imports", "/api/uploads"):
        answer = _json(client.post(path, data={"dataset_type": DERIVED}, files={"file": csv}), 400)
        assert "cannot be imported by hand" in str(answer), path
