"""Gives memory the process freed back to the operating system, where the C library keeps it otherwise.

glibc keeps freed blocks in its heaps (one per thread that allocated: the storage thread, the readers behind
the charts, the HTTP thread…) and returns little of it on its own; over days of charts loading history, RSS
creeps up although nothing leaks. ``malloc_trim(0)`` hands the free pages back (about 2 ms here). Windows'
heap manager decommits free pages itself, and other C libraries have no such call: there this does nothing.
"""

import ctypes
import ctypes.util
import logging
import sys
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: How often free memory is handed back.
TRIM_INTERVAL_MS = 60_000


def _malloc_trim() -> Callable[[], object] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim  # glibc only (musl has none)
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


class MemoryTrimmer(QObject):
    """Calls the C library's trim every ``interval_ms`` on the thread it lives in (where that exists)."""

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = TRIM_INTERVAL_MS,
                 trim: Callable[[], object] | None = None) -> None:
        super().__init__(parent)
        self._trim = trim if trim is not None else _malloc_trim()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.trim)
        if self._trim is not None:
            self._timer.start(interval_ms)

    @property
    def active(self) -> bool:
        return self._trim is not None

    def trim(self) -> None:
        if self._trim is not None:
            self._trim()
