"""Job kinds: the named pieces of work a job can be, so a queued job is data (its kind
and JSON params), never a closure — it survives a restart and runs in another process.

A room that owns some work registers it (`@job_kind("model.run")`); the worker looks the
kind up when the job runs. Permission checks belong to whoever submits: the route before
it queues a job, the schedule API before it stores a schedule; a kind that runs on
someone's behalf later (a schedule) checks again inside its work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jiandu.errors import JianduError

if TYPE_CHECKING:
    from jiandu.jobs.runner import JobContext

KindFn = Callable[["JobContext", dict[str, Any]], dict[str, Any] | None]

_KINDS: dict[str, KindFn] = {}


class UnknownJobKind(JianduError):
    def __init__(self, kind: str) -> None:
        super().__init__(f"未知的任务类型 {kind!r}", f"unknown job kind {kind!r}")


def job_kind(name: str) -> Callable[[KindFn], KindFn]:
    """Register the decorated function as the work of jobs of kind `name`."""

    def register(fn: KindFn) -> KindFn:
        existing = _KINDS.get(name)
        if existing is not None and existing is not fn:
            qualified = f"{existing.__module__}.{existing.__qualname__}"
            if qualified != f"{fn.__module__}.{fn.__qualname__}":
                raise ValueError(f"job kind {name!r} is registered twice")
        _KINDS[name] = fn
        return fn

    return register


def kind_fn(name: str) -> KindFn:
    """The work of kind `name`; `UnknownJobKind` when nothing registered it."""
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownJobKind(name) from None


def known_kinds() -> list[str]:
    return sorted(_KINDS)
