"""A sliding-window rate limiter, in memory, per server process: `jiandu serve
--processes N` shares the limit out among its processes (`web.app.served_app`); a province
behind several machines puts the limit in its reverse proxy as well."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` events per `seconds` per key."""

    def __init__(
        self, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key`; False when it is over the limit (not counted)."""
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 100_000:  # forget idle keys rather than grow forever
                for idle in [k for k, v in self._events.items() if not v][:50_000]:
                    del self._events[idle]
            return True

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again (at least 1)."""
        with self._lock:
            events = self._events.get(key)
            if not events:
                return 1
            return max(1, int(events[0] + self.seconds - self.clock()) + 1)
