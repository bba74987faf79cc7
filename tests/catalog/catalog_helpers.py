"""Plain-data dataset type definitions shared by the catalog tests."""

from __future__ import annotations

from typing import Any


def minimal_type(**overrides: Any) -> dict[str, Any]:
    """A small valid dataset type definition as plain data."""
    data: dict[str, Any] = {
        "id": "demo_payment",
        "name_zh": "演示发放",
        "name_en": "Demo payments",
        "source_agency_zh": "演示机构",
        "source_agency_en": "Demo agency",
        "fields": [
            {
                "name": "id_card",
                "type": "id_card",
                "label_zh": "身份证号码",
                "label_en": "ID card number",
                "required": True,
                "synonyms": ["身份证号", "公民身份号码"],
            },
            {"name": "pay_month", "type": "month", "label_zh": "发放月份", "label_en": "Month"},
            {"name": "amount", "type": "money", "label_zh": "金额", "label_en": "Amount"},
        ],
        "keys": [["id_card", "pay_month"]],
    }
    data.update(overrides)
    return data
