"""Per-endpoint request statistics for ``/api/admin/performance`` (the original web version's admin page)."""

import threading
from collections import deque
from dataclasses import dataclass, field

#: Latencies kept per endpoint for the percentiles (the most recent ones).
WINDOW = 2048


@dataclass
class _Endpoint:
    count: int = 0
    errors: int = 0
    total: float = 0.0
    maximum: float = 0.0
    recent: deque[float] = field(default_factory=lambda: deque(maxlen=WINDOW))


class PerformanceStats:
    """Count, error count and latency (avg, p50, p95, max) per route template; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._endpoints: dict[str, _Endpoint] = {}

    def record(self, endpoint: str, seconds: float, *, failed: bool) -> None:
        with self._lock:
            entry = self._endpoints.setdefault(endpoint, _Endpoint())
            entry.count += 1
            entry.errors += int(failed)
            entry.total += seconds
            entry.maximum = max(entry.maximum, seconds)
            entry.recent.append(seconds)

    def report(self, endpoint: str | None = None) -> dict[str, dict[str, float | int]]:
        with self._lock:
            items = [(name, e) for name, e in self._endpoints.items() if endpoint is None or name == endpoint]
            return {name: _summary(entry) for name, entry in sorted(items)}

    def endpoints(self) -> list[str]:
        with self._lock:
            return sorted(self._endpoints)

    def reset(self) -> None:
        with self._lock:
            self._endpoints.clear()


def _summary(entry: _Endpoint) -> dict[str, float | int]:
    ordered = sorted(entry.recent)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    return {
        "count": entry.count,
        "errors": entry.errors,
        "avg_ms": round(entry.total / entry.count * 1000, 3) if entry.count else 0.0,
        "p50_ms": round(pct(0.50), 3),
        "p95_ms": round(pct(0.95), 3),
        "max_ms": round(entry.maximum * 1000, 3),
    }
