"""Per-client request limits ("5 per minute"), answered with the seconds to wait (HTTP ``Retry-After``).

Algorithm: a sliding-window log. For each (bucket, client) the times of the requests allowed in the last
``per_s`` seconds are kept; a request is allowed while fewer than ``count`` are in the window. This is
exactly "at most ``count`` in any ``per_s`` seconds" (a token bucket or a fixed window lets up to twice as
many through around a window edge, which matters for the login limit), and the wait it reports is exact:
until the oldest request in the window leaves it. Its cost is one float per allowed request, at most
``count`` per key (100 for the largest default limit).

Memory is bounded: keys whose window is empty are dropped as they reach the front of the least-recently-used
order, and at most ``max_entries`` keys are kept (the least recently seen client is forgotten first).
"""

import math
import threading
from collections import OrderedDict, deque
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True, slots=True)
class Limit:
    """At most ``count`` requests in any ``per_s`` seconds."""

    count: int
    per_s: float

    def __post_init__(self) -> None:
        if self.count < 1 or not self.per_s > 0 or not math.isfinite(self.per_s):
            raise ValueError(
                f"a limit needs count >= 1 and a positive period, not {self.count}/{self.per_s}s"
            )


#: The seed's limits, per client address: sign-in, program create/update/delete, program and plugin actions
#: (start/stop/restart), metric history reads.
DEFAULT_LIMITS: Mapping[str, Limit] = MappingProxyType(
    {
        "auth": Limit(5, 60.0),
        "manage": Limit(30, 60.0),
        "action": Limit(10, 60.0),
        "metrics": Limit(100, 60.0),
    }
)
DEFAULT_MAX_ENTRIES = 10_000


class RateLimiter:
    """Counts requests per bucket and client; thread-safe.

    Args:
        limits: Bucket name -> limit. A bucket not named here is not limited.
        max_entries: (bucket, client) pairs tracked at most.
    """

    def __init__(
        self, limits: Mapping[str, Limit] = DEFAULT_LIMITS, *, max_entries: int = DEFAULT_MAX_ENTRIES
    ) -> None:
        if max_entries < 1:
            raise ValueError("max_entries must be positive")
        self._limits = MappingProxyType(dict(limits))
        self._max_entries = max_entries
        self._log: OrderedDict[tuple[str, str], deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def limits(self) -> Mapping[str, Limit]:
        return self._limits

    def hit(self, bucket: str, client: str, now: float) -> float | None:
        """Count one request; ``None`` if it is allowed, else the whole seconds (>= 1) to wait.

        A refused request is not counted, so a client that keeps hammering is let in again as soon as
        its window has room. ``now`` is any non-decreasing clock in seconds (the same for every call).
        """
        limit = self._limits.get(bucket)
        if limit is None:
            return None
        key = (bucket, client)
        with self._lock:
            times = self._log.get(key)
            if times is None:
                times = self._log[key] = deque()
            else:
                self._log.move_to_end(key)
            horizon = now - limit.per_s
            while times and times[0] <= horizon:
                times.popleft()
            if len(times) >= limit.count:
                return float(max(1, math.ceil(times[0] - horizon)))
            times.append(now)
            self._evict(now)
            return None

    def reset(self) -> None:
        """Forget every count (e.g. after the limits changed)."""
        with self._lock:
            self._log.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._log)

    def _evict(self, now: float) -> None:
        entries = self._log
        while entries:
            (bucket, _client), times = next(iter(entries.items()))
            idle = not times or times[-1] <= now - self._limits[bucket].per_s
            if not idle and len(entries) <= self._max_entries:
                break
            entries.popitem(last=False)
