"""Fixtures of the clue tests (defined in clue_world.py: test modules import its helpers
by that unique name, since several test folders have a `conftest`)."""

from __future__ import annotations

from clue_world import engine, world

__all__ = ["engine", "world"]
