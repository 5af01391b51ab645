"""Python's cyclic garbage collector, run on the main thread only.

Automatic collection runs on whichever thread happens to allocate when a threshold is crossed. If that is a
worker thread and the garbage holds a Qt object, its C++ destructor runs there: it takes a Qt connection mutex
and then waits for the GIL, while the main thread holds the GIL and waits for that mutex (Qt pools those
mutexes by address, so any ``connect`` can hit it). Observed on CPython 3.13 + PySide6 6.12 as a hang in the
test suite: the sampling thread deep in ``gc_collect_main`` → ``QObject::~QObject`` → ``GilState::acquire``.
The cure, as pyqtgraph's ``GarbageCollector`` does it: turn automatic collection off and collect from a timer
in the main thread, with the interpreter's own thresholds.
"""

import gc

from PySide6.QtCore import QObject, QTimer

from monitor_app.workers.memory import MemoryTrimmer

#: How often the thresholds are checked (collection itself only happens when they are crossed).
CHECK_INTERVAL_MS = 500


class MainThreadCollector(QObject):
    """Disables automatic garbage collection and collects on the main thread instead.

    Create it on the main thread after the Q(Core)Application; ``stop`` turns automatic collection back on.
    """

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> None:
        """Collect the oldest generation whose threshold is crossed, like the automatic collector would."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()


_installed: MainThreadCollector | None = None


def install_collector(app: QObject) -> MainThreadCollector:
    """The collector for this process (made once, owned by ``app``), with the C library's memory trim beside it."""
    global _installed
    if _installed is None:
        _installed = MainThreadCollector(app)
        MemoryTrimmer(_installed)
    return _installed
