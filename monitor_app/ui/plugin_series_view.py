"""The extra series a plugin instance measures (a game server's FPS, players…), shown in its Plugins section.

Per series: its label and unit, the latest live value, and a compact chart of the last 24 h. The stored
points are read in the background (``BackgroundTasks``: SQLite never on the GUI thread) when the view becomes
visible and then every ``SERIES_REFRESH_MS`` while it stays visible; nothing is read while it is hidden.
The charts are built the first time the view is shown, so pyqtgraph is imported only then (DESIGN.md fact 4).
"""

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from monitor_app.core.model import Series, SeriesPoint
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.charts.format import NOT_A_NUMBER, format_count, format_duration
from monitor_app.ui.plugin_labels import HINT_STYLE

# How far back each chart reaches, and how many points it asks for.
SERIES_WINDOW_S = 86_400.0
SERIES_POINTS = 300
# Between two reads while the view is visible.
SERIES_REFRESH_MS = 60_000
CHART_HEIGHT = 80
CHART_COLUMNS = 2
SERIES_COLOR = "#2f7fd1"

#: ``engine.plugin_history``: (program id, series, start, end, max points) -> Series.
HistoryReader = Callable[[int, str, float, float, int], Series]


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """One series to show: its engine name (``<plugin id>.<key>``) and the plugin's label and unit."""

    name: str
    label: str
    unit: str = ""


def format_series_value(value: float, unit: str) -> str:
    """A live value with the plugin's unit (seconds as a duration)."""
    if not math.isfinite(value):
        return NOT_A_NUMBER
    if unit == "s":
        return format_duration(value)
    if float(value).is_integer():
        text = format_count(value)
    elif abs(value) >= 100:
        text = f"{value:,.0f}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{text} {unit}" if unit else text


class SeriesChart(QWidget):
    """One series: a title line (label, unit, live value) over a small chart built by ``build``."""

    def __init__(self, spec: SeriesSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName(f"series_{spec.name}")
        self.points: tuple[SeriesPoint, ...] = ()
        self.live: tuple[float, float] | None = None
        self.plot: Any = None  # pg.PlotWidget once built
        self.curve: Any = None
        self.title = QLabel()
        self.title.setObjectName("seriesTitle")
        self.value = QLabel()
        self.value.setObjectName("seriesValue")
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.title, 1)
        header.addWidget(self.value)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(2)
        self._layout.addLayout(header)
        self._retranslate()

    def build(self) -> None:
        """Create the chart (imports pyqtgraph); once."""
        if self.plot is not None:
            return
        import pyqtgraph as pg

        from monitor_app.ui.charts.axes import apply_palette

        plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        plot.setObjectName("seriesPlot")
        plot.setFixedHeight(CHART_HEIGHT)
        item = plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.setDownsampling(auto=True, mode="peak")  # auto=True is required: mode alone leaves it off
        item.setClipToView(True)
        item.showGrid(x=False, y=True, alpha=0.15)
        item.getAxis("left").setWidth(44)
        apply_palette(plot, self.palette())
        self.curve = item.plot(pen=pg.mkPen(SERIES_COLOR, width=1.5), connect="finite")
        self.plot = plot
        self._layout.addWidget(plot)
        self._draw()

    def set_points(self, points: Sequence[SeriesPoint]) -> None:
        self.points = tuple(points)
        self._draw()

    def set_live(self, live: tuple[float, float] | None) -> None:
        self.live = live
        self._retranslate()

    def _draw(self) -> None:
        if self.curve is None:
            return
        import numpy as np

        times = np.fromiter((p.time for p in self.points), dtype=float, count=len(self.points))
        values = np.fromiter((p.avg for p in self.points), dtype=float, count=len(self.points))
        self.curve.setData(times, values)
        end = time.time()
        self.plot.getPlotItem().setXRange(end - SERIES_WINDOW_S, end, padding=0)

    def _retranslate(self) -> None:
        spec = self.spec
        self.title.setText(
            self.tr("%1 (%2)").replace("%1", spec.label).replace("%2", spec.unit) if spec.unit else spec.label
        )
        self.title.setToolTip(spec.name)
        if self.live is None:
            self.value.setText(self.tr("no value yet"))
            self.value.setToolTip("")
        else:
            self.value.setText(self.tr("Now: %1").replace("%1", format_series_value(self.live[1], spec.unit)))
            stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.live[0]))
            self.value.setToolTip(self.tr("Measured at %1").replace("%1", stamp))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        elif event.type() == QEvent.Type.PaletteChange and self.plot is not None:
            from monitor_app.ui.charts.axes import apply_palette

            apply_palette(self.plot, self.palette())
        super().changeEvent(event)


class PluginSeriesView(QWidget):
    """The "Series" area of one plugin instance.

    Signals:
        refreshed(): a read has been drawn (tests wait on it).
    """

    refreshed = Signal()

    def __init__(
        self,
        program_id: int,
        specs: Sequence[SeriesSpec],
        history: HistoryReader,
        latest: Mapping[tuple[int, str], tuple[float, float]],
        tasks: BackgroundTasks,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pluginSeries")
        self.program_id = program_id
        self._history = history
        self._latest = latest
        self._tasks = tasks
        self._built = False
        self.reads = 0  # reads started (tests: none while hidden)
        self._timer = QTimer(self)
        self._timer.setInterval(SERIES_REFRESH_MS)
        self._timer.timeout.connect(self.refresh)

        self.heading = QLabel()
        self.heading.setObjectName("seriesHeading")
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.message = QLabel()
        self.message.setObjectName("seriesMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(HINT_STYLE)
        self.message.hide()
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        self.charts: dict[str, SeriesChart] = {}
        for position, spec in enumerate(specs):
            chart = SeriesChart(spec, self)
            self.charts[spec.name] = chart
            grid.addWidget(chart, position // CHART_COLUMNS, position % CHART_COLUMNS)
        for column in range(CHART_COLUMNS):
            grid.setColumnStretch(column, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        self._retranslate()

    def chart(self, name: str) -> SeriesChart | None:
        return self.charts.get(name)

    # ------------------------------------------------------------------ reading

    @Slot()
    def refresh(self) -> None:
        """Read the last 24 h of every series in the background (only while visible)."""
        if not self.isVisible():
            self._timer.stop()
            return
        if not self._built:
            self._built = True
            for chart in self.charts.values():
                chart.build()
        program_id, history, names = self.program_id, self._history, list(self.charts)

        def read() -> dict[str, Series]:
            end = time.time()
            return {
                name: history(program_id, name, end - SERIES_WINDOW_S, end, SERIES_POINTS) for name in names
            }

        self.reads += 1
        self._tasks.run(read, self._on_read, self._on_failed, owner=self, key=f"pluginSeries:{id(self)}")

    def _on_read(self, result: dict[str, Series]) -> None:
        self.message.hide()
        for name, chart in self.charts.items():
            series = result.get(name)
            chart.set_points(series.points if series is not None else ())
            chart.set_live(self._latest.get((self.program_id, name)))
        self.refreshed.emit()

    def _on_failed(self, exc: Exception) -> None:
        self.message.setText(self.tr("Cannot read the series: %1").replace("%1", str(exc)))
        self.message.show()
        for name, chart in self.charts.items():
            chart.set_live(self._latest.get((self.program_id, name)))
        self.refreshed.emit()

    # ------------------------------------------------------------------ Qt

    def _retranslate(self) -> None:
        self.heading.setText(self.tr("Series (last 24 hours)"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self._timer.start()
        # After this paint: the first show builds the charts, which imports pyqtgraph.
        QTimer.singleShot(0, self, self.refresh)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().hideEvent(event)
        self._timer.stop()
