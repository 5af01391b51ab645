"""The sampling thread: measures every program's process tree and the whole system each interval."""

import logging
from collections.abc import Mapping

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from monitor_app.core.clock import Clock
from monitor_app.core.model import MetricsTick, ProcessIdentity
from monitor_app.metrics.process import ProcessTreeSampler
from monitor_app.metrics.system import SystemSampler

log = logging.getLogger(__name__)


class SamplingWorker(QObject):
    """A QTimer in the sampling thread drives the samplers; results leave as immutable ticks.

    Signals:
        tick_ready(MetricsTick): one round of measurements.
        failed(str): a round raised; sampling carries on next interval.
    """

    tick_ready = Signal(object)
    failed = Signal(str)

    def __init__(self, *, interval_s: float, clock: Clock, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._interval_ms = max(10, int(interval_s * 1000))
        self._clock = clock
        self._timer: QTimer | None = None
        self._programs: ProcessTreeSampler | None = None
        self._system: SystemSampler | None = None
        self._pending_targets: dict[int, ProcessIdentity] = {}

    @Slot()
    def start(self) -> None:
        self._programs = ProcessTreeSampler()
        self._programs.set_targets(self._pending_targets)
        self._system = SystemSampler()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # steady chart spacing
        self._timer.timeout.connect(self._on_timeout)
        self._timer.start(self._interval_ms)

    @Slot()
    def shutdown(self) -> None:
        if self._timer is not None:
            self._timer.stop()

    @Slot(float)
    def set_interval(self, interval_s: float) -> None:
        self._interval_ms = max(10, int(interval_s * 1000))
        if self._timer is not None:
            self._timer.start(self._interval_ms)

    @Slot(object)
    def set_targets(self, targets: Mapping[int, ProcessIdentity]) -> None:
        self._pending_targets = dict(targets)
        if self._programs is not None:
            self._programs.set_targets(self._pending_targets)

    @Slot()
    def _on_timeout(self) -> None:
        assert self._programs is not None and self._system is not None
        now = self._clock.time()
        try:
            system = self._system.sample(now)
            programs = self._programs.sample(now)
        except Exception as exc:  # noqa: BLE001 - a bad round must not end sampling
            log.exception("sampling failed")
            self.failed.emit(str(exc))
            return
        self.tick_ready.emit(MetricsTick(time=now, system=system, programs=programs))
