"""Clearance: which sensitivity levels of data a principal may read.

Datasets carry a sensitivity (公开 public < 内部 internal < 敏感 sensitive < 机密 secret)
and users a clearance on the same scale; a user reads data at or below their clearance.
Unknown levels fail closed: a dataset with a level this code does not know is readable by
nobody, and a principal with an unknown clearance reads nothing.

Clearance is checked *after* row scope: callers first make sure the object is in the
principal's visible units (raising `NotFound` otherwise), so the refusal here, which
names the level needed, tells nothing to someone who may not know the object exists.
"""

from __future__ import annotations

from jiandu.catalog.dataset_type import SENSITIVITY_LABELS
from jiandu.security.errors import SecurityError
from jiandu.security.principal import Principal
from jiandu.store.schema import SENSITIVITIES

#: The scale, lowest first: ("public", "internal", "sensitive", "secret"), the schema's own.
LEVELS: tuple[str, ...] = SENSITIVITIES


class ClearanceTooLow(SecurityError):
    """The principal's clearance is below the sensitivity of the data."""

    def __init__(self, sensitivity: str) -> None:
        self.sensitivity = sensitivity
        label = SENSITIVITY_LABELS.get(sensitivity, sensitivity)
        super().__init__(
            f"密级不足：查看此数据需要“{label}”及以上密级",
            f"Clearance too low: reading this data needs clearance {sensitivity!r} or higher",
        )


def rank(level: str) -> int | None:
    """Position of `level` on the scale (public = 0), None for an unknown level."""
    return LEVELS.index(level) if level in LEVELS else None


def can_read(principal: Principal, sensitivity: str) -> bool:
    """Whether `principal`'s clearance reaches `sensitivity` (False for unknown levels)."""
    needed, held = rank(sensitivity), rank(principal.clearance)
    return needed is not None and held is not None and held >= needed


def require_read(principal: Principal, sensitivity: str) -> None:
    """Raise `ClearanceTooLow` unless `principal` may read data of `sensitivity`."""
    if not can_read(principal, sensitivity):
        raise ClearanceTooLow(sensitivity)


def readable_levels(principal: Principal) -> tuple[str, ...]:
    """The sensitivity levels `principal` may read, for filtering queries (`IN (...)`)."""
    held = rank(principal.clearance)
    return () if held is None else LEVELS[: held + 1]
