"""Memory trend: a bounded, downsampled history per program and a least-squares line through it.

A server sampled every second for weeks must not grow a list: samples are averaged into fixed buckets
(``BUCKET_S``) and only the buckets inside the trend window are kept, so a history holds a few dozen points
whatever the sampling rate or uptime.
"""

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

#: Width of one history point.
BUCKET_S = 10.0
#: Hard cap on stored points, whatever the window (the window normally keeps ~60).
MAX_POINTS = 128


@dataclass(frozen=True, slots=True)
class LineFit:
    """value ≈ mean_value + slope × (t - mean_time); ``stderr`` is the slope's standard error."""

    slope: float
    mean_time: float
    mean_value: float
    stderr: float

    def at(self, t: float) -> float:
        return self.mean_value + self.slope * (t - self.mean_time)


def fit_line(points: Sequence[tuple[float, float]]) -> LineFit | None:
    """Ordinary least squares through (time, value) points; None with fewer than 3 points or one instant.

    Times are centred before squaring so epoch seconds (~1.7e9) lose no precision.
    """
    n = len(points)
    if n < 3:
        return None
    mean_t = math.fsum(t for t, _ in points) / n
    mean_v = math.fsum(v for _, v in points) / n
    sxx = math.fsum((t - mean_t) ** 2 for t, _ in points)
    if sxx <= 0:
        return None
    slope = math.fsum((t - mean_t) * (v - mean_v) for t, v in points) / sxx
    residual = math.fsum((v - mean_v - slope * (t - mean_t)) ** 2 for t, v in points)
    stderr = math.sqrt(residual / (n - 2) / sxx)
    return LineFit(slope, mean_t, mean_v, stderr)


class DownsampledHistory:
    """(time, value) samples averaged into ``BUCKET_S`` buckets, pruned to a sliding window."""

    __slots__ = ("_bucket", "_count", "_first", "_last", "_points", "_sum_t", "_sum_v")

    def __init__(self) -> None:
        # Closed buckets: (mean time, mean value, first sample time).
        self._points: deque[tuple[float, float, float]] = deque(maxlen=MAX_POINTS)
        self._bucket: int | None = None
        self._sum_t = self._sum_v = 0.0
        self._count = 0
        self._first = self._last = 0.0

    def __len__(self) -> int:
        """Stored points, counting the open bucket."""
        return len(self._points) + (1 if self._count else 0)

    def add(self, t: float, value: float) -> None:
        bucket = math.floor(t / BUCKET_S)
        if self._bucket is not None and bucket != self._bucket and self._count:
            self._points.append((self._sum_t / self._count, self._sum_v / self._count, self._first))
            self._count = 0
        if self._count == 0:
            self._bucket, self._sum_t, self._sum_v, self._first = bucket, 0.0, 0.0, t
        self._sum_t += t
        self._sum_v += value
        self._count += 1
        self._last = t

    def prune(self, before: float) -> None:
        """Drop closed points whose bucket started before ``before``."""
        while self._points and self._points[0][2] < before:
            self._points.popleft()

    def clear(self) -> None:
        self._points.clear()
        self._bucket, self._count = None, 0

    def coverage(self) -> float:
        """Seconds between the oldest kept sample and the newest one."""
        if not self._count and not self._points:
            return 0.0
        oldest = self._points[0][2] if self._points else self._first
        return self._last - oldest

    def points(self) -> list[tuple[float, float]]:
        """Every point, the open bucket's running mean last."""
        out = [(t, v) for t, v, _ in self._points]
        if self._count:
            out.append((self._sum_t / self._count, self._sum_v / self._count))
        return out
