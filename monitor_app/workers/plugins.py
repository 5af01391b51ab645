"""One thread per plugin instance: the plugin object is created, called and polled there only, so a game
server that hangs blocks nothing but its own plugin (one worker per remote server connection, DESIGN.md).

Calls come in as (function of the plugin, Future) pairs on a queued signal and are answered through the
Future, so any thread can wait for a result (the HTTP thread, with a timeout) or attach a callback (the GUI).
"""

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from monitor_app.pluginhost.api import Panel, Plugin, PluginError
from monitor_app.workers.threads import thread_for

log = logging.getLogger(__name__)

#: Unexpected exceptions (not PluginError) within ``CRASH_WINDOW_S`` after which an instance is disabled.
MAX_CRASHES = 3
CRASH_WINDOW_S = 60.0


class PluginRunner(QObject):
    """Owns one plugin instance in its own thread.

    Signals:
        panel_changed(int, Panel): instance id, what its panel shows now (after each poll and call).
        status_changed(int, str, str): instance id, ``running`` / ``failed`` / ``disabled``, a reason.
    """

    panel_changed = Signal(int, object)
    status_changed = Signal(int, str, str)
    _call = Signal(object, object)
    _stop = Signal()

    def __init__(self, instance_id: int, factory: Callable[[], Plugin], *, name: str) -> None:
        super().__init__()
        self.instance_id = instance_id
        self.name = name
        self._factory = factory
        self.plugin: Plugin | None = None
        self.panel: Panel = Panel()  # the latest, for readers on any thread (replaced, never mutated)
        self.status = "starting"
        self.reason = ""
        self._crashes: deque[float] = deque(maxlen=MAX_CRASHES)
        self._timer: QTimer | None = None
        self._call.connect(self._run)
        self._stop.connect(self._close)
        self.thread_: QThread = thread_for(self, f"plugin-{instance_id}")

    # ------------------------------------------------------------------ any thread

    def begin(self) -> None:
        self.thread_.start()

    def submit(self, call: Callable[[Plugin], Any]) -> "Future[Any]":
        """Run ``call(plugin)`` on this instance's thread; the Future carries its result or a PluginError."""
        future: Future[Any] = Future()
        if self.status == "disabled":
            future.set_exception(PluginError(f"{self.name} is disabled: {self.reason}"))
        else:
            self._call.emit(call, future)
        return future

    def end(self, timeout_ms: int = 5000, *, wait: bool = True) -> None:
        """Close the plugin (its ``close``, after any call in progress) and stop the thread.

        With ``wait=False`` it returns at once (the GUI must not wait on a plugin stuck in I/O); the thread ends
        by itself once the plugin lets go, and ``thread_.finished`` says so.
        """
        if self.thread_.isRunning():
            self._stop.emit()  # _close quits the thread's loop once done: nothing queued before it is lost
            if wait and not self.thread_.wait(timeout_ms):
                log.warning("plugin %s did not stop in time", self.name)

    # ------------------------------------------------------------------ this instance's thread

    @Slot()
    def start(self) -> None:
        try:
            self.plugin = self._factory()
        except PluginError as exc:
            self._set_status("failed", str(exc))
            return
        except Exception as exc:  # a broken plugin must not stop the monitor
            log.exception("plugin %s could not be created", self.name)
            self._set_status("disabled", f"could not start: {type(exc).__name__}: {exc}")
            return
        self._set_status("running", "")
        interval = type(self.plugin).poll_interval_s
        if interval:
            self._timer = QTimer()  # no parent: _close destroys it in this thread
            self._timer.timeout.connect(self._poll)
            self._timer.start(max(50, int(interval * 1000)))
            QTimer.singleShot(0, self, self._poll)
        self._publish_panel()

    @Slot(object, object)
    def _run(self, call: Callable[[Plugin], Any], future: "Future[Any]") -> None:
        if not future.set_running_or_notify_cancel():
            return
        if self.plugin is None:
            future.set_exception(PluginError(f"{self.name} is not running: {self.reason or 'starting'}"))
            return
        try:
            result = call(self.plugin)
        except PluginError as exc:
            future.set_exception(exc)
        except Exception as exc:  # noqa: BLE001 - a plugin's bug is recorded, never fatal
            self._crashed(exc)
            future.set_exception(PluginError(f"{self.name} failed: {type(exc).__name__}: {exc}"))
        else:
            future.set_result(result)
        self._publish_panel()

    @Slot()
    def _poll(self) -> None:
        if self.plugin is None or self.status == "disabled":
            return
        try:
            self.plugin.poll()
        except PluginError as exc:
            self._set_status("failed", str(exc))
        except Exception as exc:  # noqa: BLE001 - a plugin's bug is recorded, never fatal
            self._crashed(exc)
        else:
            if self.status != "running":
                self._set_status("running", "")
        self._publish_panel()

    @Slot()
    def _close(self) -> None:
        if self._timer is not None:
            # Stopped and destroyed here, in its own thread (Qt refuses to stop timers from another thread).
            self._timer.stop()
            self._timer.setParent(None)  # type: ignore[call-overload]
            self._timer = None
        if self.plugin is not None:
            try:
                self.plugin.close()
            except Exception:
                log.exception("plugin %s failed to close", self.name)
            self.plugin = None
        self.thread_.quit()

    def _crashed(self, exc: Exception) -> None:
        now = time.monotonic()
        self._crashes.append(now)
        log.error("plugin %s raised %s: %s", self.name, type(exc).__name__, exc, exc_info=exc)
        if len(self._crashes) == MAX_CRASHES and now - self._crashes[0] <= CRASH_WINDOW_S:
            if self._timer is not None:
                self._timer.stop()
            self._set_status(
                "disabled",
                f"failed {MAX_CRASHES} times within {CRASH_WINDOW_S:g} s; last: {type(exc).__name__}: {exc}",
            )
        else:
            self._set_status("failed", f"{type(exc).__name__}: {exc}")

    def _set_status(self, status: str, reason: str) -> None:
        self.status, self.reason = status, reason
        self.status_changed.emit(self.instance_id, status, reason)

    def _publish_panel(self) -> None:
        if self.plugin is None:
            return
        try:
            panel = self.plugin.panel()
        except Exception:
            log.exception("plugin %s could not describe its panel", self.name)
            panel = Panel(status="the panel could not be shown")
        if self.status != "running" and self.reason:
            panel = Panel(facts=panel.facts, tables=panel.tables, status=self.reason)
        self.panel = panel
        self.panel_changed.emit(self.instance_id, panel)
