"""Waiting for a remote engine's answer on the GUI thread without freezing the window.

A few commands of an attached window wait for the engine's answer: a dialog shows the engine's validation
messages, a switch shows whether it took. Called on the GUI thread, :class:`ResponsiveClient` sends the request
from a helper thread and runs a local event loop until the answer is in: the window keeps painting, the live
stream and the charts keep moving, and after a moment the cursor says "busy". User input waits in the queue
until the answer is in (``ExcludeUserInputEvents``), so no second command can start in between. On any other
thread it is the plain blocking client.
"""

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop, QObject, Qt, QThread, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from monitor_app.engine.remote_http import DEFAULT_TIMEOUT_S, Endpoint, RemoteClient

#: After this long without an answer the cursor shows that the window is waiting.
BUSY_CURSOR_AFTER_MS = 150


class _Done(QObject):
    """Crosses from the helper thread to the GUI thread (a queued signal)."""

    finished = Signal()


class ResponsiveClient(RemoteClient):
    """A :class:`RemoteClient` whose calls on the GUI thread keep the window alive while they wait."""

    def __init__(self, endpoint: Endpoint, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        super().__init__(endpoint, timeout_s=timeout_s)
        self._helper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="remote-command")
        self._closed = False

    def call(self, method: str, path: str, body: Any = None, *, timeout_s: float | None = None) -> Any:
        blocking = super().call
        if self._closed or not on_gui_thread():
            return blocking(method, path, body, timeout_s=timeout_s)
        return wait_responsively(self._helper.submit(blocking, method, path, body, timeout_s=timeout_s))

    def close(self) -> None:
        super().close()
        if not self._closed:
            self._closed = True
            self._helper.submit(RemoteClient.close, self)  # the helper thread's own keep-alive connection
            self._helper.shutdown(wait=False)


def on_gui_thread() -> bool:
    app = QCoreApplication.instance()
    return app is not None and QThread.currentThread() is app.thread()


def wait_responsively(future: "Future[Any]", *, busy_after_ms: int = BUSY_CURSOR_AFTER_MS) -> Any:
    """``future.result()``, with the GUI thread's events (except user input) handled while it is pending."""
    if not future.done():
        loop = QEventLoop()
        done = _Done()
        done.finished.connect(loop.quit, Qt.ConnectionType.QueuedConnection)
        future.add_done_callback(lambda _future: done.finished.emit())
        busy = _BusyCursor(busy_after_ms)
        try:
            if not future.done():
                loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
        finally:
            busy.stop()
    return future.result()


class _BusyCursor:
    """Shows the wait cursor if the wait lasts longer than ``after_ms`` (a quick answer shows nothing)."""

    def __init__(self, after_ms: int) -> None:
        self._shown = False
        self._timer: QTimer | None = None
        if isinstance(QCoreApplication.instance(), QGuiApplication):
            self._timer = QTimer()
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show)
            self._timer.start(after_ms)

    def _show(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        self._shown = True

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._shown:
            QGuiApplication.restoreOverrideCursor()
            self._shown = False
