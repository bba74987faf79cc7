"""Fixtures of the case tests (defined in case_world.py: test modules import its helpers
by that unique name, since several test folders have a `conftest`)."""

from __future__ import annotations

from case_world import engine, make_clue, principal_of, session, settings

__all__ = ["engine", "make_clue", "principal_of", "session", "settings"]
