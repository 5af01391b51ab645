"""Runs blocking calls (SQL reads, log tails, file writes) off the GUI thread and brings results back to it.

The GUI thread never waits on a process, a socket or SQL (DESIGN.md): a widget hands the call to
``BackgroundTasks.run`` and gets the result in a slot on the GUI thread, or nothing if it was destroyed
meanwhile. A small pool (2 threads) bounds the work; a newer request with the same ``key`` makes older
results of that key be dropped, so a user clicking through ranges only ever sees the latest.
"""

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

MAX_THREADS = 2


class _Relay(QObject):
    """Lives in the GUI thread; the pool thread emits, Qt queues the call back."""

    finished = Signal(object, object)  # result, error


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # noqa: BLE001 - handed to the caller's error slot
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class BackgroundTasks(QObject):
    """A bounded pool for blocking calls whose results belong to the GUI thread."""

    def __init__(self, parent: QObject | None = None, *, max_threads: int = MAX_THREADS) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        # Threads never expire: each one keeps its own SQLite connection, and a pool thread that ends does not
        # reliably release the Python thread state holding it, so expiring threads would leak connections.
        self._pool.setExpiryTimeout(-1)
        self._relays: set[_Relay] = set()
        self._generation: dict[str, int] = {}

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
        *,
        owner: QObject | None = None,
        key: str | None = None,
    ) -> None:
        """Call ``fn()`` in the pool, then ``on_done(result)`` (or ``on_error(exc)``) in the GUI thread.

        Args:
            owner: If given and destroyed before the result arrives, the result is dropped.
            key: Requests sharing a key supersede each other: only the newest one's result is delivered.
        """
        generation = None
        if key is not None:
            generation = self._generation.get(key, 0) + 1
            self._generation[key] = generation
        relay = _Relay()
        self._relays.add(relay)

        @Slot(object, object)
        def deliver(result: object, error: object) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if owner is not None and not shiboken6.isValid(owner):
                return
            if key is not None and self._generation.get(key) != generation:
                return  # superseded
            if error is None:
                on_done(result)
            elif on_error is not None:
                on_error(error)  # type: ignore[arg-type]
            else:
                log.warning("background task failed: %s", error)

        relay.finished.connect(deliver)
        self._pool.start(_Job(fn, relay))

    def wait_for_done(self, msecs: int = 10_000) -> bool:
        """Block until the pool is idle (used at shutdown and by tests)."""
        return self._pool.waitForDone(msecs)
