"""`GET /api/search`: scoped to the caller's datasets (totals too), masked unless
unmasking is allowed and asked for, bad queries refused with a bilingual message.

The province (web_province.py) gives 越城 (330602) the judgments imported here and 柯桥
(330603) its company registry; 绍兴 (330600) sees both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from search_corpus import CIVIL, ID_CARD, PHONE, import_judgments, write_judgments
from sqlalchemy import select
from web_province import Province

from jiandu.store.db import session_scope
from jiandu.store.schema import AuditEntry, Dataset
from jiandu.web.routes import search
from jiandu.workspace import open_workspace


@pytest.fixture
def judged(province: Province, tmp_path: Path) -> Province:
    """The province with three civil judgments owned by 越城, and the search route."""
    import_judgments(province.settings, write_judgments(tmp_path / "j.csv", list(CIVIL)))
    with session_scope(open_workspace(province.settings).engine) as session:
        dataset = session.get(Dataset, "judgment_document")
        assert dataset is not None
        dataset.owner_unit = "330602"
    if not any(getattr(r, "path", None) == "/api/search" for r in province.app.routes):
        province.app.include_router(search.router)  # until jiandu/web/app.py registers it
    return province


def _search(province: Province, user: str, **params: Any) -> Any:
    response = province.client(user).get("/api/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def _audit(province: Province, action: str) -> list[AuditEntry]:
    with session_scope(open_workspace(province.settings).engine) as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
        session.expunge_all()
        return list(entries)


def test_a_county_sees_only_its_own_units_rows_and_totals(judged: Province) -> None:
    yuecheng = _search(judged, "yc_pros", q="柯桥")
    assert yuecheng["total"] == 1
    assert [h["dataset_id"] for h in yuecheng["hits"]] == ["judgment_document"]
    keqiao = _search(judged, "kq_pros", q="柯桥")
    assert keqiao["total"] == 1
    assert [h["dataset_id"] for h in keqiao["hits"]] == ["company_registry"]
    assert _search(judged, "kq_pros", q="民间借贷")["total"] == 0
    assert _search(judged, "sx_leader", q="柯桥")["total"] == 2


def test_another_units_dataset_is_not_found(judged: Province) -> None:
    response = judged.client("kq_pros").get(
        "/api/search", params={"q": "民初", "dataset": "judgment_document"}
    )
    assert response.status_code == 404


def test_ids_phones_and_party_names_are_masked(judged: Province) -> None:
    found = _search(judged, "yc_pros", q="身份证号")
    assert found["masked"] is True and found["total"] == 1
    (hit,) = found["hits"]
    text = "".join(s["text"] for s in hit["snippet"])
    assert ID_CARD not in text and PHONE not in text and "张三丰" not in text
    assert ID_CARD[:6] in text and "张**" in text
    assert hit["parties"] == ["张**", "李*"]
    assert hit["dataset_name_zh"] == "裁判文书"


def test_a_highlight_does_not_split_a_number_out_of_its_mask(judged: Province) -> None:
    (hit,) = _search(judged, "yc_pros", q=ID_CARD[6:12])["hits"]
    text = "".join(s["text"] for s in hit["snippet"])
    assert ID_CARD not in text and ID_CARD[6:14] not in text


def test_unmasking_needs_the_permission_and_is_audited(judged: Province) -> None:
    found = _search(judged, "yc_pros", q="身份证号", unmask=1)
    text = "".join(s["text"] for s in found["hits"][0]["snippet"])
    assert found["masked"] is False and ID_CARD in text and "张三丰" in text
    assert any(e.object_kind == "search" for e in _audit(judged, "pii.unmask"))
    steward = judged.client("yc_steward")
    assert steward.get("/api/search", params={"q": "身份证号"}).status_code == 200
    refused = steward.get("/api/search", params={"q": "身份证号", "unmask": 1})
    assert refused.status_code == 403
    assert any(e.outcome == "denied" for e in _audit(judged, "pii.unmask"))


def test_a_masked_read_of_sensitive_rows_is_audited(judged: Province) -> None:
    _search(judged, "yc_pros", q="民间借贷", court="越城")
    (entry,) = [e for e in _audit(judged, "data.read") if e.object_kind == "search"]
    assert entry.detail["datasets"] == ["judgment_document"]
    assert entry.detail["filters"] == ["court"]
    assert "民间借贷" not in str(entry.detail)


@pytest.mark.parametrize("query", ["", "，。", "-张三"])
def test_a_bad_query_is_refused_in_both_languages(judged: Province, query: str) -> None:
    response = judged.client("yc_pros").get("/api/search", params={"q": query})
    assert response.status_code == 400
    error = response.json()["error"]
    assert "检索词" in error["zh"] and "search term" in error["en"]


def test_the_route_needs_the_dataset_permission(judged: Province) -> None:
    assert judged.client("admin").get("/api/search", params={"q": "张三"}).status_code == 403
    assert judged.client().get("/api/search", params={"q": "张三"}).status_code == 401
