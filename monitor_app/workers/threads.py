"""Starting and stopping worker threads the same way everywhere (Qt's worker-object pattern)."""

from PySide6.QtCore import QObject, QThread


def start_in_thread(worker: QObject, name: str) -> QThread:
    """Move ``worker`` to a new thread named ``name`` and start it; ``worker.start`` runs in that thread."""
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.start)  # type: ignore[attr-defined]
    thread.start()
    return thread


def stop_thread(thread: QThread, timeout_ms: int = 10_000) -> bool:
    """Ask the thread's event loop to finish and wait for it; False if it did not within the timeout."""
    thread.quit()
    return thread.wait(timeout_ms)
