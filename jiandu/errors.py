"""Errors a person can act on.

Every error the platform shows carries a Chinese and an English message and, where it
comes from a source file, the location (file, row, field). The CLI and the API each have
one handler that renders these; anything else is a bug and is reported without its text.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where in a source a problem sits; every part is optional."""

    file: str | None = None
    row: int | None = None
    field: str | None = None

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ", ".join(parts)


class JianduError(Exception):
    """Base of all errors meant for users: bilingual message plus optional location."""

    def __init__(self, zh: str, en: str, *, location: Location | None = None) -> None:
        self.zh = zh
        self.en = en
        self.location = location or Location()
        super().__init__(self.render())

    def render(self) -> str:
        where = self.location.describe()
        prefix = f"[{where}] " if where else ""
        return f"{prefix}{self.zh} / {self.en}"


class ConfigError(JianduError):
    """The configuration (environment, files under JIANDU_HOME) is unusable."""


class SourceError(JianduError):
    """A source file or database cannot be read as a table."""


class MappingError(JianduError):
    """Source headers cannot be mapped onto a dataset type."""


class CatalogError(JianduError):
    """A dataset type or dataset definition is invalid or unknown."""


class IngestError(JianduError):
    """An import could not be committed; nothing was written to the pool."""
