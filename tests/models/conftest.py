"""Fixtures of the model tests: an imported pension pool, a throwaway PostgreSQL DB."""

from __future__ import annotations

from pathlib import Path

import pytest
from model_pool import import_file, pool_files

from jiandu.config import Settings


@pytest.fixture
def pension_pool(home: Settings, tmp_path: Path) -> dict[str, str]:
    """`home` with pension payments, deaths and sentences imported; {dataset: batch id}."""
    files = pool_files(tmp_path)
    return {
        "pension_payment": import_file(home, "pension_payment", files.pension),
        "death_record": import_file(home, "death_record", files.deaths),
        "sentence_record": import_file(home, "sentence_record", files.sentences),
    }


@pytest.fixture
def pg_url(fresh_pg_url: str) -> str:
    """A PostgreSQL metadata database with an empty schema (skips when no server)."""
    return fresh_pg_url
