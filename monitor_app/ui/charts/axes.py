"""Axis items and value-range rules that make chart axes speak in the series' unit (MiB, %, /s)."""

import math

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGraphicsItem

from monitor_app.ui.charts.format import UNITS, Unit, format_bytes, format_count, format_percent, format_rate

#: The smallest y span a chart shows, so idle noise (0.2 % CPU, a few bytes/s) is not blown up to full height.
MIN_Y_SPAN: dict[str, float] = {"percent": 5.0, "bytes": 1024.0**2, "rate": 1024.0, "count": 5.0}

#: Head-room above the highest visible value, so a peak does not touch the frame.
Y_HEADROOM = 1.05


def nice_upper_bound(value: float, unit: Unit) -> float:
    """A round number at or above ``value`` for the top of a y axis, so the range changes in steps, not every frame.

    Bytes and rates round up to quarters of a power of two (640 MiB, 1.25 GiB), matching the binary
    ticks; other units to halves of a power of ten (40, 95 -> 100).
    """
    if not math.isfinite(value) or value <= 0:
        return 0.0
    if unit in ("bytes", "rate"):
        quantum = 2.0 ** (math.floor(math.log2(value)) - 2)
    else:
        quantum = 10.0 ** math.floor(math.log10(value)) / 2
    return math.ceil(value / quantum) * quantum


def y_upper_limit(peak: float, unit: Unit) -> float:
    """The top of the y range for a visible maximum ``peak``: head-room, then a nice bound, then the floor.

    Percentages are of the whole machine (CPU, memory), so their axis never goes past 100 %.
    """
    top = max(MIN_Y_SPAN[unit], nice_upper_bound(peak * Y_HEADROOM, unit))
    return min(top, 100.0) if unit == "percent" and peak <= 100.0 else top


class UnitAxisItem(pg.AxisItem):
    """A value axis labelled in the series' unit: ``512 MiB``/``1 GiB`` for bytes, ``50%``, ``1 KiB/s``.

    Bytes and rates get ticks at powers of two (256 MiB, 512 MiB, 1 GiB …) so labels stay short and
    exact; pyqtgraph's SI prefixes are off because they would print "1.07 G" for a GiB.
    """

    def __init__(self, unit: Unit = "count", orientation: str = "left", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)
        cache_static_axis(self)
        self._unit: Unit = "count"
        self.set_unit(unit)

    @property
    def unit(self) -> Unit:
        return self._unit

    def set_unit(self, unit: Unit) -> None:
        """Relabel the axis for another unit.

        Raises:
            ValueError: ``unit`` is not one of ``UNITS``.
        """
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
        self._unit = unit
        self.picture = None  # pyqtgraph's way to make an axis re-render its ticks
        self.update()

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, float]]:
        if self._unit not in ("bytes", "rate"):
            levels = super().tickSpacing(minVal, maxVal, size)
            if self._unit == "count":
                levels = [(spacing, offset) for spacing, offset in levels if spacing >= 1] or [(1.0, 0.0)]
            return levels
        span = abs(maxVal - minVal)
        if span == 0:
            return []
        # Same tick density rule as pyqtgraph's, with power-of-two steps of at least one byte.
        min_intervals = max(2.25, 2.25 * self._tickDensity * math.sqrt(size / 300.0))
        spacing = 2.0 ** math.floor(math.log2(max(span / min_intervals, 1.0)))
        return [(spacing, 0.0)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self._unit == "bytes":
            return [format_bytes(value, decimals=3) for value in values]
        if self._unit == "rate":
            return [format_rate(value, decimals=3) for value in values]
        if self._unit == "percent":
            decimals = max(0, math.ceil(-math.log10(spacing))) if spacing > 0 else 0
            return [format_percent(value, decimals=decimals) for value in values]
        return [format_count(value) for value in values]


def cache_static_axis(axis: pg.AxisItem) -> None:
    """Paint ``axis`` (with its grid lines) from a cached pixmap until its range or size changes.

    pyqtgraph replays the axis picture on every repaint of the plot, and with grid lines that picture
    spans the whole plot: measured 2.5 ms per frame for one 400x190 chart, ~0.1 ms cached. Worth it for
    axes whose range changes rarely (a value axis, a history chart's time axis), not for a scrolling
    time axis, whose cache would be rebuilt every frame.
    """
    axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def apply_palette(plot: pg.PlotWidget, palette: QPalette) -> None:
    """Colour a plot from the widget palette so charts follow the light or dark theme."""
    plot.setBackground(palette.color(QPalette.ColorRole.Base))
    text = palette.color(QPalette.ColorRole.Text)
    line = QColor(text)
    line.setAlpha(110)
    for name in ("left", "bottom", "right", "top"):
        axis = plot.getPlotItem().getAxis(name)
        axis.setPen(line)
        axis.setTextPen(text)
