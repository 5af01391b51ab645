"""The one redraw clock every chart shares, so all charts repaint together at a bounded rate."""

import weakref
from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Slot

#: The highest redraw rate allowed (DESIGN.md, Threads: redraw at most 30 Hz).
MAX_REDRAW_HZ = 30.0

#: Charts redrawn per frame at most. One chart frame (setData plus paint of a 400x190 chart) measured
#: ~2.5 ms offscreen on 2 cores, so 8 keep a frame near 20 ms. With 1 Hz samples arriving for 20 charts
#: at the same moment, the last chart shows its sample 3 frames (~0.1 s) later instead of the GUI
#: freezing for ~60 ms once a second; charts that always have new data share the frames round-robin.
DEFAULT_MAX_REDRAWS_PER_FRAME = 8


class Redrawable(Protocol):
    """What the clock drives: a chart that redraws only when shown and holding unseen data."""

    def redraw_if_needed(self) -> bool: ...


class RedrawClock(QObject):
    """One GUI-thread QTimer that asks registered charts to redraw if they need to.

    Charts never own timers: data is pushed into them whenever it arrives, and this clock decides when
    pixels change, so N charts cost one wake-up per frame, not N. A frame redraws at most
    ``max_redraws_per_frame`` charts, taking turns, so the event loop is never blocked for long however
    many charts are on screen. The timer only runs while at least one chart is registered and the clock
    is not paused (the app pauses it while the window is hidden to the tray), so an idle monitor does
    not wake 30 times a second.

    Attributes:
        frames: Ticks run so far (for benchmarks).
        redraws: Chart redraws performed so far, over all charts.
    """

    def __init__(
        self,
        hz: float = MAX_REDRAW_HZ,
        *,
        max_redraws_per_frame: int = DEFAULT_MAX_REDRAWS_PER_FRAME,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if max_redraws_per_frame < 1:
            raise ValueError(f"max_redraws_per_frame must be at least 1, got {max_redraws_per_frame}")
        self._max_redraws_per_frame = max_redraws_per_frame
        # Weak references in registration order: the order makes turn-taking fair, weakness means a
        # chart that is garbage-collected needs no unregister.
        self._charts: list[weakref.ref[Redrawable]] = []
        self._next_index = 0
        self._paused = False
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)  # even frame spacing
        self._timer.timeout.connect(self.tick)
        self.frames = 0
        self.redraws = 0
        self.set_rate(hz)

    @property
    def hz(self) -> float:
        return 1000.0 / self._timer.interval()

    @property
    def active(self) -> bool:
        """Whether the timer is running."""
        return self._timer.isActive()

    def set_rate(self, hz: float) -> None:
        """Change the frame rate.

        Raises:
            ValueError: ``hz`` is not in (0, 30].
        """
        if not 0 < hz <= MAX_REDRAW_HZ:
            raise ValueError(f"redraw rate must be in (0, {MAX_REDRAW_HZ:g}] Hz, got {hz}")
        self._timer.setInterval(max(1, round(1000.0 / hz)))

    def register(self, chart: Redrawable) -> None:
        """Start driving ``chart``; it is held weakly, so a deleted chart drops out by itself."""
        if all(ref() is not chart for ref in self._charts):
            self._charts.append(weakref.ref(chart))
        self._update_timer()

    def unregister(self, chart: Redrawable) -> None:
        self._charts = [ref for ref in self._charts if ref() is not None and ref() is not chart]
        self._update_timer()

    def set_paused(self, paused: bool) -> None:
        """Stop or resume ticking, e.g. while no window is shown; charts keep collecting data meanwhile."""
        self._paused = paused
        self._update_timer()

    def registered(self) -> int:
        """How many live charts are driven."""
        self._drop_dead()
        return len(self._charts)

    @Slot()
    def tick(self) -> None:
        """Run one frame: charts that are shown and have unseen data redraw, up to the per-frame limit."""
        self.frames += 1
        self._drop_dead()
        count = len(self._charts)
        redrawn = 0
        for offset in range(count):
            index = (self._next_index + offset) % count
            chart = self._charts[index]()
            if chart is None:
                continue
            if chart.redraw_if_needed():
                redrawn += 1
                if redrawn >= self._max_redraws_per_frame:
                    self._next_index = index + 1  # the next frame starts with the chart after this one
                    break
        self.redraws += redrawn
        self._update_timer()

    def _drop_dead(self) -> None:
        alive = []
        for ref in self._charts:
            chart = ref()
            # A widget deleted with its parent leaves a Python wrapper whose C++ side is gone.
            if chart is None or (isinstance(chart, QObject) and not shiboken6.isValid(chart)):
                continue
            alive.append(ref)
        if len(alive) != len(self._charts):
            self._charts = alive
            self._next_index = 0

    def _update_timer(self) -> None:
        should_run = bool(self._charts) and not self._paused
        if should_run and not self._timer.isActive():
            self._timer.start()
        elif not should_run and self._timer.isActive():
            self._timer.stop()
