"""Clearance: a principal reads data at or below their clearance; unknown levels fail closed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from jiandu.security.clearance import (
    LEVELS,
    ClearanceTooLow,
    can_read,
    readable_levels,
    require_read,
)
from jiandu.security.principal import SYSTEM, Principal


def _with(clearance: str) -> Principal:
    return replace(SYSTEM, user_id="u1", clearance=clearance)


def test_levels_are_ordered() -> None:
    assert LEVELS == ("public", "internal", "sensitive", "secret")


@pytest.mark.parametrize("held", LEVELS)
@pytest.mark.parametrize("needed", LEVELS)
def test_can_read_at_or_below_clearance(held: str, needed: str) -> None:
    assert can_read(_with(held), needed) is (LEVELS.index(held) >= LEVELS.index(needed))


def test_unknown_levels_fail_closed() -> None:
    assert not can_read(_with("secret"), "top-secret")
    assert not can_read(_with("bogus"), "public")
    assert readable_levels(_with("bogus")) == ()


def test_readable_levels_and_refusal() -> None:
    assert readable_levels(_with("internal")) == ("public", "internal")
    require_read(_with("sensitive"), "sensitive")
    with pytest.raises(ClearanceTooLow) as raised:
        require_read(_with("internal"), "secret")
    assert "机密" in raised.value.zh and "secret" in raised.value.en
