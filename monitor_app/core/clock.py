"""Time sources: state machines take deadlines from a monotonic clock, records take wall time."""

import time
from typing import Protocol


class Clock(Protocol):
    """Two readings: ``monotonic()`` for deadlines (never jumps), ``time()`` for records (epoch seconds)."""

    def monotonic(self) -> float: ...

    def time(self) -> float: ...


class SystemClock:
    """The real clocks."""

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

