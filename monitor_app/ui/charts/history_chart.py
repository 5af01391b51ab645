"""Stored history of one or more metrics (1 h to 30 d) with average, peak, event markers and a read-out."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QDateTime, QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGridLayout, QLabel, QStyleOptionGraphicsItem, QWidget

from monitor_app.core.model import Series
from monitor_app.ui.charts.axes import UnitAxisItem, apply_palette, cache_static_axis, y_upper_limit
from monitor_app.ui.charts.format import NOT_A_NUMBER, UNITS, Unit, format_value

# What a marker stands for; decides its colour.
MarkerKind = Literal["start", "stop", "crash", "restart", "other"]
MARKER_KINDS: tuple[str, ...] = get_args(MarkerKind)

# Marker colours: green start, grey stop, red crash, orange restart, blue anything else.
MARKER_COLORS: Mapping[str, str] = {
    "start": "#2e9d4f",
    "stop": "#8c8c8c",
    "crash": "#d62728",
    "restart": "#ff8c1a",
    "other": "#3b75c4",
}

# Mouse moves handled per second; the crosshair needs no more and a fast mouse must not flood the GUI.
CROSSHAIR_RATE_HZ = 30
# Two neighbouring points further apart than this many steps are a gap (the program was not running).
GAP_STEPS = 2.5
# Segments per polygon of the avg-to-peak band (see _BandItem).
BAND_CHUNK = 32
# Smallest height of the chart.
MIN_HEIGHT = 180

# Alpha of the peak line and of the fill between average and peak.
_PEAK_LINE_ALPHA = 110
_PEAK_FILL_ALPHA = 45


@dataclass(frozen=True, slots=True)
class Marker:
    """Something that happened at one moment, drawn as a vertical line (start, stop, crash…).

    Attributes:
        time: Wall time, seconds since the epoch.
        kind: One of ``MARKER_KINDS``.
        label: One already-translated line shown in the marker's tooltip (e.g. "Exit code 3").
    """

    time: float
    kind: MarkerKind
    label: str = ""

    def __post_init__(self) -> None:
        if self.kind not in MARKER_KINDS:
            raise ValueError(f"unknown marker kind {self.kind!r}; expected one of {MARKER_KINDS}")


class _BandItem(pg.FillBetweenItem):
    """The area between the average and the peak curve, painted as many small polygons.

    Qt's raster engine fills one big jagged polygon very slowly: the band of a noisy 1000-point day,
    1500 px wide, took ~80 ms as one path and ~15 ms as polygons of ``BAND_CHUNK`` segments (measured,
    PySide6 6.12). The item also caches its pixels, so crosshair moves repaint it for free.
    """

    def __init__(self, lower: pg.PlotCurveItem, upper: pg.PlotCurveItem) -> None:
        self._polygons: list[QPolygonF] = []
        super().__init__(lower, upper)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)

    def updatePath(self) -> None:
        super().updatePath()  # keeps path() right for the bounding rect
        self._polygons = self._chunk_polygons()

    def _chunk_polygons(self) -> list[QPolygonF]:
        if self.curves is None:
            return []
        lower, upper = self.curves
        x, y_low = lower.getData()
        x_high, y_high = upper.getData()
        if x is None or x_high is None or len(x) < 2 or len(x) != len(x_high):
            return []
        polygons: list[QPolygonF] = []
        finite = np.isfinite(x) & np.isfinite(y_low) & np.isfinite(y_high)
        # Runs of finite points: a NaN (a gap) ends the band as it ends the lines.
        edges = np.flatnonzero(np.diff(np.concatenate(([0], finite.view(np.int8), [0]))))
        for run_start, run_end in zip(edges[::2], edges[1::2], strict=True):
            for first in range(run_start, run_end - 1, BAND_CHUNK):
                last = min(run_end - 1, first + BAND_CHUNK)
                xs = x[first : last + 1]
                polygon = pg.functions.create_qpolygonf(2 * xs.size)
                points = pg.functions.ndarray_from_qpolygonf(polygon)
                points[: xs.size, 0] = xs
                points[: xs.size, 1] = y_low[first : last + 1]
                points[xs.size :, 0] = xs[::-1]
                points[xs.size :, 1] = y_high[first : last + 1][::-1]
                polygons.append(polygon)
        return polygons

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setPen(self.pen())
        painter.setBrush(self.brush())
        for polygon in self._polygons:
            painter.drawPolygon(polygon)


@dataclass(eq=False)
class _HistorySeries:
    """The items of one series and its points, kept for the read-out (finite points only)."""

    label: str
    avg_item: pg.PlotDataItem
    max_item: pg.PlotDataItem
    fill: _BandItem
    times: np.ndarray
    avgs: np.ndarray
    maxs: np.ndarray
    max_distance: float  # a point further from the cursor than this is not "at" the cursor
    color: QColor | None = None  # the colour the items are styled with


class HistoryChart(QWidget):
    """Stored metric history: per series the average as a line and the peak as a lighter line with a fill.

    History arrives rarely (when the user picks a range), so this chart draws as soon as it is given
    data and is not driven by the redraw clock. The caller fetches off the GUI thread, calls
    ``set_loading(True)`` meanwhile and ``show_series`` (or ``set_message``) with the answer.
    Gaps (no samples for more than ``GAP_STEPS`` steps, e.g. while a program was stopped) break the
    lines instead of bridging them with a straight segment that was never measured.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._series: dict[str, _HistorySeries] = {}
        self._unit: Unit = "percent"
        self._markers: tuple[Marker, ...] = ()
        self._marker_lines: list[pg.InfiniteLine] = []
        self._loading = False
        self._message = ""
        self._no_data = False
        self._crosshair_scene_pos: QPointF | None = None

        self._y_axis = UnitAxisItem(self._unit, orientation="left")
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
        item.showGrid(x=True, y=True, alpha=0.15)
        cache_static_axis(item.getAxis("bottom"))  # the crosshair repaints the plot on every mouse move
        self._legend = item.addLegend(offset=(6, 4), labelTextSize="8pt", verSpacing=-6)

        self._vline = pg.InfiniteLine(angle=90, movable=False)
        self._hline = pg.InfiniteLine(angle=0, movable=False)
        for line in (self._vline, self._hline):
            line.setZValue(20)
            line.hide()
            item.addItem(line, ignoreBounds=True)
        self._mouse_proxy = pg.SignalProxy(
            self._plot.scene().sigMouseMoved,
            rateLimit=CROSSHAIR_RATE_HZ,
            slot=self._on_scene_mouse_moved,
            threadSafe=False,
        )

        self._overlay = QLabel(self)
        self._overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._overlay.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._overlay.hide()
        self._readout = QLabel(self)
        self._readout.setTextFormat(Qt.TextFormat.PlainText)
        self._readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._readout.setMinimumHeight(self._readout.fontMetrics().height())

        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._plot, 0, 0)
        layout.addWidget(self._overlay, 0, 0)  # same cell: an overlay
        layout.addWidget(self._readout, 1, 0)
        self.setMinimumHeight(MIN_HEIGHT)

        self._apply_palette()
        self._retranslate()

    # -- data in --------------------------------------------------------------------------------------------

    @property
    def unit(self) -> Unit:
        return self._unit

    def show_series(
        self,
        series_by_key: Mapping[str, Series],
        labels: Mapping[str, str],
        colors: Mapping[str, QColor | str | tuple[int, ...]],
        unit: Unit,
    ) -> None:
        """Show these series (replacing the previous ones) over the window they were queried for.

        Also ends the loading state and clears any message; when no series has a point, the chart says
        there is no data for this range.

        Args:
            series_by_key: The series, keyed by the caller's name for them (e.g. "cpu").
            labels: Already-translated legend label per key (the key itself if missing).
            colors: Colour per key (anything ``pyqtgraph.mkColor`` accepts).
            unit: What the values measure; labels the y axis and the read-out.

        Raises:
            ValueError: ``unit`` is unknown, or a key has no colour.
        """
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
        missing = [key for key in series_by_key if key not in colors]
        if missing:
            raise ValueError(f"no colour for series {missing}")
        self._unit = unit
        self._y_axis.set_unit(unit)
        for key in [key for key in self._series if key not in series_by_key]:
            self._remove_series(key)

        prepared = {key: _prepare(series) for key, series in series_by_key.items()}
        starts = [series.start for series in series_by_key.values()]
        ends = [series.end for series in series_by_key.values()]
        peaks = [float(np.nanmax(data.maxs)) for data in prepared.values() if data.finite_count]
        if starts and max(ends) > min(starts):
            # The view first: the curves clip to it when they get their data, and the fill follows them.
            top = y_upper_limit(max(peaks, default=0.0), unit)
            self._plot.getPlotItem().getViewBox().setRange(
                xRange=(min(starts), max(ends)), yRange=(0.0, top), padding=0.0
            )
        for key, data in prepared.items():
            label = labels.get(key, key)
            entry = self._series.get(key) or self._add_series(key, label)
            self._style_series(entry, label, pg.mkColor(colors[key]))
            connect = "finite" if data.has_gaps else "all"
            entry.avg_item.setData(x=data.x, y=data.avg, connect=connect, skipFiniteCheck=not data.has_gaps)
            entry.max_item.setData(x=data.x, y=data.max, connect=connect, skipFiniteCheck=not data.has_gaps)
            entry.times, entry.avgs, entry.maxs = data.times, data.avgs, data.maxs
            entry.max_distance = data.max_distance

        self._loading = False
        self._message = ""
        self._no_data = not any(data.finite_count for data in prepared.values())
        self._update_overlay()
        self._refresh_readout()

    def set_markers(self, markers: Sequence[Marker]) -> None:
        """Draw these markers (replacing the previous ones) as coloured vertical lines with a tooltip."""
        item = self._plot.getPlotItem()
        for line in self._marker_lines:
            item.removeItem(line)
        self._markers = tuple(markers)
        self._marker_lines = []
        for marker in self._markers:
            line = pg.InfiniteLine(
                pos=marker.time, angle=90, movable=False, pen=pg.mkPen(MARKER_COLORS[marker.kind], width=1)
            )
            line.setZValue(-5)  # behind the curves
            item.addItem(line, ignoreBounds=True)
            self._marker_lines.append(line)
        self._retranslate_markers()

    def set_loading(self, loading: bool) -> None:
        """Say "Loading…" over the chart while the caller fetches a range."""
        self._loading = loading
        self._update_overlay()

    def set_message(self, text: str) -> None:
        """Show an already-translated message over the chart (e.g. an error); ``""`` removes it."""
        self._message = text
        self._update_overlay()

    def clear(self) -> None:
        """Remove every series, marker, message and the read-out."""
        for key in list(self._series):
            self._remove_series(key)
        self.set_markers(())
        self._loading = False
        self._message = ""
        self._no_data = False
        self._crosshair_scene_pos = None
        self._vline.hide()
        self._hline.hide()
        self._readout.clear()
        self._update_overlay()

    # -- for tests and callers that inspect the chart -------------------------------------------------------

    def series_keys(self) -> list[str]:
        return list(self._series)

    def curves(self, key: str) -> tuple[pg.PlotDataItem, pg.PlotDataItem]:
        """The (average, peak) plot items of a series."""
        entry = self._series[key]
        return entry.avg_item, entry.max_item

    def marker_lines(self) -> list[pg.InfiniteLine]:
        return list(self._marker_lines)

    @property
    def overlay_text(self) -> str:
        """The text over the chart, ``""`` when none is shown."""
        return self._overlay.text() if self._overlay.isVisibleTo(self) else ""

    @property
    def readout_text(self) -> str:
        return self._readout.text()

    def scene_pos_for(self, time: float, value: float) -> QPointF:
        """Where the data point (time, value) is in the plot's scene (to aim the crosshair in tests)."""
        return self._plot.getPlotItem().getViewBox().mapViewToScene(QPointF(time, value))

    # -- crosshair and read-out -----------------------------------------------------------------------------

    def _on_scene_mouse_moved(self, args: tuple[QPointF]) -> None:
        """Rate-limited mouse moves over the scene (from ``SignalProxy``, which packs the arguments)."""
        self._move_crosshair(args[0])

    def _move_crosshair(self, scene_pos: QPointF) -> None:
        view_box = self._plot.getPlotItem().getViewBox()
        if not self._series or not view_box.sceneBoundingRect().contains(scene_pos):
            self._crosshair_scene_pos = None
            self._vline.hide()
            self._hline.hide()
            self._readout.clear()
            return
        self._crosshair_scene_pos = QPointF(scene_pos)
        point = view_box.mapSceneToView(scene_pos)
        self._vline.setPos(point.x())
        self._hline.setPos(point.y())
        self._vline.show()
        self._hline.show()
        self._readout.setText(self._readout_for(point.x()))

    def _refresh_readout(self) -> None:
        if self._crosshair_scene_pos is not None:
            self._move_crosshair(self._crosshair_scene_pos)

    def _readout_for(self, time: float) -> str:
        moment = QDateTime.fromMSecsSinceEpoch(round(time * 1000)).toString(self.tr("yyyy-MM-dd HH:mm:ss"))
        parts = [moment]
        for entry in self._series.values():
            index = _nearest_index(entry.times, time, entry.max_distance)
            if index is None:
                avg = peak = NOT_A_NUMBER
            else:
                avg = format_value(float(entry.avgs[index]), self._unit)
                peak = format_value(float(entry.maxs[index]), self._unit)
            parts.append(
                self.tr("{label}: avg {avg}, max {max}").format(label=entry.label, avg=avg, max=peak)
            )
        return "   ".join(parts)

    # -- items ----------------------------------------------------------------------------------------------

    def _add_series(self, key: str, label: str) -> _HistorySeries:
        item = self._plot.getPlotItem()
        avg_item = pg.PlotDataItem(name=label, antialias=False, skipFiniteCheck=True, connect="all")
        max_item = pg.PlotDataItem(antialias=False, skipFiniteCheck=True, connect="all")
        item.addItem(max_item)
        item.addItem(avg_item)
        # Fill between the drawn curves (after clipping and downsampling), so it always matches the lines.
        fill = _BandItem(avg_item.curve, max_item.curve)
        item.addItem(fill)
        empty = np.empty(0, dtype=np.float64)
        entry = _HistorySeries(label, avg_item, max_item, fill, empty, empty, empty, 0.0)
        self._series[key] = entry
        return entry

    def _style_series(self, entry: _HistorySeries, label: str, color: QColor) -> None:
        if entry.color is None or entry.color != color:
            # Restyling re-derives the curves and the band: skip it when the same series is reloaded.
            entry.color = QColor(color)
            entry.avg_item.setPen(pg.mkPen(color, width=1))
            peak = QColor(color)
            peak.setAlpha(_PEAK_LINE_ALPHA)
            entry.max_item.setPen(pg.mkPen(peak, width=1))
            fill = QColor(color)
            fill.setAlpha(_PEAK_FILL_ALPHA)
            entry.fill.setBrush(pg.mkBrush(fill))
            entry.fill.setPen(pg.mkPen(None))
        if label != entry.label:
            entry.label = label
            legend_label = self._legend.getLabel(entry.avg_item)
            if legend_label is not None:
                legend_label.setText(label)

    def _remove_series(self, key: str) -> None:
        entry = self._series.pop(key)
        item = self._plot.getPlotItem()
        for graphics in (entry.fill, entry.max_item, entry.avg_item):
            item.removeItem(graphics)

    def _update_overlay(self) -> None:
        if self._loading:
            text = self.tr("Loading…")
        elif self._message:
            text = self._message
        elif self._no_data:
            text = self.tr("No data for this range")
        else:
            text = ""
        self._overlay.setText(text)
        self._overlay.setVisible(bool(text))

    # -- Qt events ------------------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
        super().changeEvent(event)

    def _apply_palette(self) -> None:
        apply_palette(self._plot, self.palette())
        crosshair_pen = pg.mkPen(
            self.palette().color(QPalette.ColorRole.Text), width=1, style=Qt.PenStyle.DashLine
        )
        self._vline.setPen(crosshair_pen)
        self._hline.setPen(crosshair_pen)

    def _retranslate(self) -> None:
        self._update_overlay()
        self._retranslate_markers()
        self._refresh_readout()

    def _retranslate_markers(self) -> None:
        kind_names = {
            "start": self.tr("Started"),
            "stop": self.tr("Stopped"),
            "crash": self.tr("Crashed"),
            "restart": self.tr("Restarted"),
            "other": self.tr("Event"),
        }
        time_format = self.tr("yyyy-MM-dd HH:mm:ss")
        for marker, line in zip(self._markers, self._marker_lines, strict=True):
            moment = QDateTime.fromMSecsSinceEpoch(round(marker.time * 1000)).toString(time_format)
            lines = [f"{kind_names[marker.kind]} — {moment}"]
            if marker.label:
                lines.append(marker.label)
            line.setToolTip("\n".join(lines))


@dataclass(frozen=True, slots=True)
class _Prepared:
    """A series as arrays: ``times/avgs/maxs`` are the finite points, ``x/avg/max`` what is drawn (NaN at gaps)."""

    times: np.ndarray
    avgs: np.ndarray
    maxs: np.ndarray
    x: np.ndarray
    avg: np.ndarray
    max: np.ndarray
    has_gaps: bool
    max_distance: float

    @property
    def finite_count(self) -> int:
        return int(self.times.size)


def _prepare(series: Series) -> _Prepared:
    """Turn a Series into arrays for drawing: sorted, finite, with a NaN point in each gap."""
    count = len(series.points)
    rows = np.fromiter(
        ((p.time, p.avg, p.max) for p in series.points), dtype=np.dtype((np.float64, 3)), count=count
    )
    rows = rows[np.isfinite(rows).all(axis=1)]
    rows = rows[np.argsort(rows[:, 0], kind="stable")]
    times = np.ascontiguousarray(rows[:, 0])
    avgs = np.ascontiguousarray(rows[:, 1])
    maxs = np.ascontiguousarray(rows[:, 2])
    if times.size > 1:
        step = series.step if series.step > 0 else float(np.median(np.diff(times)))
    else:
        step = series.step
    if times.size < 2 or step <= 0:
        return _Prepared(times, avgs, maxs, times, avgs, maxs, False, max(step, 0.0) * GAP_STEPS)
    gap_after = np.flatnonzero(np.diff(times) > GAP_STEPS * step) + 1
    if gap_after.size == 0:
        return _Prepared(times, avgs, maxs, times, avgs, maxs, False, GAP_STEPS * step)
    # A NaN point in the middle of each gap: x stays sorted (clip-to-view needs that), the line breaks.
    gap_x = (times[gap_after - 1] + times[gap_after]) / 2
    x = np.insert(times, gap_after, gap_x)
    avg = np.insert(avgs, gap_after, np.nan)
    peak = np.insert(maxs, gap_after, np.nan)
    return _Prepared(times, avgs, maxs, x, avg, peak, True, GAP_STEPS * step)


def _nearest_index(times: np.ndarray, time: float, max_distance: float) -> int | None:
    """Index of the point nearest ``time``, or ``None`` if there is none within ``max_distance``."""
    if times.size == 0:
        return None
    right = int(np.searchsorted(times, time))
    candidates = [i for i in (right - 1, right) if 0 <= i < times.size]
    best = min(candidates, key=lambda i: abs(float(times[i]) - time))
    if max_distance > 0 and abs(float(times[best]) - time) > max_distance:
        return None
    return best
