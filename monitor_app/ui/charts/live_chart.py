"""A scrolling chart of the last minutes of samples at full rate (program rows, system panel sparklines)."""

import math
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from monitor_app.ui.charts.axes import UnitAxisItem, apply_palette, y_upper_limit
from monitor_app.ui.charts.format import UNITS, Unit
from monitor_app.ui.charts.redraw import RedrawClock
from monitor_app.ui.charts.ring_buffer import RingBuffer

# Height of a compact (sparkline) chart, in device-independent pixels.
COMPACT_HEIGHT = 48
# Smallest height of a full chart: room for axis labels, legend and a readable curve.
MIN_HEIGHT = 140

_EMPTY = np.empty(0, dtype=np.float64)


@dataclass(eq=False)
class _LiveSeries:
    """One curve and the samples behind it; the display arrays are the curve's own preallocated buffers."""

    label: str
    color: QColor
    ring: RingBuffer
    curve: pg.PlotDataItem
    display_times: np.ndarray
    display_values: np.ndarray


class LiveChart(QWidget):
    """The last ``window_s`` seconds of one or more series, scrolling as samples arrive.

    Samples are pushed in with ``append``/``extend`` (from the GUI thread, e.g. a slot on the engine's
    sample signal) and only stored; the shared ``RedrawClock`` later calls ``redraw_if_needed``, which
    touches pyqtgraph only if the chart is on screen and got samples since its last frame. Curves are
    created once and fed with ``setData``; the mouse cannot zoom or pan, since the next frame would
    undo it and a stray wheel over a sparkline must not zoom it.

    Attributes:
        redraws: Frames this chart has drawn.
    """

    def __init__(
        self,
        clock: RedrawClock,
        *,
        window_s: float = 300.0,
        unit: Unit = "percent",
        capacity: int = 4096,
        compact: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
        if capacity < 2:
            raise ValueError(f"capacity must be at least 2, got {capacity}")
        self._clock = clock
        self._unit: Unit = unit
        self._capacity = capacity
        self._compact = compact
        self._window_s = 0.0
        self.set_window(window_s)
        self._series: dict[str, _LiveSeries] = {}
        self._dirty = True  # draw the empty state once
        self.redraws = 0

        self._y_axis = UnitAxisItem(unit, orientation="left")
        self._plot = pg.PlotWidget(
            parent=self, axisItems={"bottom": pg.DateAxisItem(orientation="bottom"), "left": self._y_axis}
        )
        item = self._plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.disableAutoRange()
        item.setDownsampling(auto=True, mode="peak")  # auto=True is required: mode alone leaves it off
        item.setClipToView(True)
        self._legend: pg.LegendItem | None = None
        if compact:
            item.hideAxis("left")
            item.hideAxis("bottom")
            item.setContentsMargins(0, 0, 0, 0)
            item.getViewBox().setDefaultPadding(0.0)
            self.setFixedHeight(COMPACT_HEIGHT)
        else:
            item.showGrid(x=False, y=True, alpha=0.15)
            self._legend = item.addLegend(offset=(6, 4), labelTextSize="8pt", verSpacing=-6)
            self.setMinimumHeight(MIN_HEIGHT)

        self._placeholder = QLabel(self)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._placeholder.setVisible(not compact)

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot, 0, 0)
        layout.addWidget(self._placeholder, 0, 0)  # same cell: an overlay

        apply_palette(self._plot, self.palette())
        self._retranslate()
        clock.register(self)

    # -- data in --------------------------------------------------------------------------------------------

    @property
    def unit(self) -> Unit:
        return self._unit

    @property
    def window_s(self) -> float:
        return self._window_s

    @property
    def compact(self) -> bool:
        return self._compact

    def add_series(self, key: str, label: str, color: QColor | str | tuple[int, ...]) -> None:
        """Add a curve; ``label`` (already translated) names it in the legend.

        Raises:
            ValueError: ``key`` is already used.
        """
        if key in self._series:
            raise ValueError(f"series {key!r} already exists")
        qcolor = pg.mkColor(color)
        curve = pg.PlotDataItem(
            pen=pg.mkPen(qcolor, width=1),
            name=None if self._compact else label,
            antialias=False,
            connect="all",  # with skipFiniteCheck: append() keeps non-finite values out
            skipFiniteCheck=True,
        )
        self._plot.addItem(curve)
        self._series[key] = _LiveSeries(
            label=label,
            color=qcolor,
            ring=RingBuffer(self._capacity),
            curve=curve,
            display_times=np.empty(self._capacity, dtype=np.float64),
            display_values=np.empty(self._capacity, dtype=np.float64),
        )
        self._dirty = True

    def set_series_label(self, key: str, label: str) -> None:
        """Rename a series in the legend (e.g. after a language change or a program rename)."""
        series = self._series[key]
        series.label = label
        if self._legend is not None:
            legend_label = self._legend.getLabel(series.curve)
            if legend_label is not None:
                legend_label.setText(label)

    def series_keys(self) -> list[str]:
        return list(self._series)

    def curve(self, key: str) -> pg.PlotDataItem:
        """The plot item of a series (for tests and styling)."""
        return self._series[key].curve

    def samples(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """The stored (times, values) of a series, oldest first, as views valid until the next append."""
        return self._series[key].ring.view()

    def append(self, key: str, t: float, value: float) -> None:
        """Store one sample; it shows at the next frame.

        A non-finite value (an unknown reading) is not stored, so curves stay on the fast all-finite
        path. A time earlier than the series' newest sample means the wall clock was set back: the
        series starts over rather than draw a line backwards in time.

        Raises:
            KeyError: No series ``key``.
        """
        series = self._series[key]
        if not (math.isfinite(t) and math.isfinite(value)):
            return
        last = series.ring.last()
        if last is not None and t < last[0]:
            series.ring.clear()
        series.ring.append(t, value)
        self._dirty = True

    def extend(self, key: str, times: np.ndarray, values: np.ndarray) -> None:
        """Store many samples at once (e.g. the recent past when the chart is first shown).

        Raises:
            KeyError: No series ``key``.
            ValueError: Lengths differ or ``times`` are not in ascending order.
        """
        series = self._series[key]
        times = np.asarray(times, dtype=np.float64).ravel()
        values = np.asarray(values, dtype=np.float64).ravel()
        if times.shape != values.shape:
            raise ValueError(f"{times.size} times but {values.size} values")
        finite = np.isfinite(times) & np.isfinite(values)
        if not finite.all():
            times, values = times[finite], values[finite]
        if times.size == 0:
            return
        if times.size > 1 and bool(np.any(np.diff(times) < 0)):
            raise ValueError("times must be in ascending order")
        last = series.ring.last()
        if last is not None and times[0] < last[0]:
            series.ring.clear()
        series.ring.extend(times, values)
        self._dirty = True

    def set_window(self, seconds: float) -> None:
        """Show the last ``seconds`` seconds.

        Raises:
            ValueError: ``seconds`` is not a positive number.
        """
        if not (math.isfinite(seconds) and seconds > 0):
            raise ValueError(f"window must be a positive number of seconds, got {seconds}")
        self._window_s = float(seconds)
        self._dirty = True

    def clear(self) -> None:
        """Forget every sample; the series and their curves stay."""
        for series in self._series.values():
            series.ring.clear()
        self._dirty = True

    # -- drawing --------------------------------------------------------------------------------------------

    def is_on_screen(self) -> bool:
        """Whether drawing would show anything: shown, its window not minimized, not scrolled or covered away."""
        if not self.isVisible():
            return False
        if self.window().isMinimized():
            return False
        # Ask the plot's viewport, a leaf: a composite widget's own visibleRegion() excludes its opaque
        # children and so is always empty here. Empty when scrolled out of a scroll area or clipped away.
        return not self._plot.viewport().visibleRegion().isEmpty()

    def redraw_if_needed(self) -> bool:
        """Draw a frame if there is something new to show and someone to see it; returns whether it drew."""
        if not self._dirty or not self.is_on_screen():
            return False
        self._redraw()
        self._dirty = False
        self.redraws += 1
        return True

    def _redraw(self) -> None:
        newest_times = [
            last[0] for series in self._series.values() if (last := series.ring.last()) is not None
        ]
        latest = max(newest_times, default=None)
        self._placeholder.setVisible(latest is None and not self._compact)
        if latest is None:
            for series in self._series.values():
                series.curve.setData(x=_EMPTY, y=_EMPTY)
            return
        left = latest - self._window_s
        peak = 0.0
        for series in self._series.values():
            times, values = series.ring.view()
            first_visible = int(np.searchsorted(times, left, side="left"))
            # One point left of the window, so the line enters from the edge instead of starting mid-air.
            start = max(0, first_visible - 1)
            count = times.size - start
            # Copy into the curve's own buffers: the ring's memory changes on the next append, and
            # pyqtgraph re-reads its arrays whenever the view changes (resize, range).
            np.copyto(series.display_times[:count], times[start:])
            np.copyto(series.display_values[:count], values[start:])
            series.curve.setData(x=series.display_times[:count], y=series.display_values[:count])
            if first_visible < times.size:
                peak = max(peak, float(values[first_visible:].max()))
        if self._compact and self._unit == "percent":
            top = 100.0
        else:
            top = y_upper_limit(peak, self._unit)
        self._plot.getPlotItem().getViewBox().setRange(xRange=(left, latest), yRange=(0.0, top), padding=0.0)

    # -- Qt events ------------------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            apply_palette(self._plot, self.palette())
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self._placeholder.setText(self.tr("Waiting for data…"))

    @property
    def placeholder_text(self) -> str:
        """The text shown while there is no sample (for tests)."""
        return self._placeholder.text()
