"""One program in depth: live CPU and memory charts, stored history with event markers, events, output,
and the plugins attached to it.

The last minutes of every program are kept in small ring buffers as ticks arrive, so switching the selection
shows full live charts at once. History ranges, events and the output tail are read in the background.
Charts are built on demand (``build_charts``) so pyqtgraph is imported after the window has painted.
"""

import math
import time
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.cmdline import join_args
from monitor_app.core.model import Event, MetricsTick, ProgramSpec, ProgramStatus, Series, SeriesPoint
from monitor_app.core.states import EventKind, ProgramState
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.charts.format import format_bytes, format_duration
from monitor_app.ui.charts.ring_buffer import RingBuffer
from monitor_app.ui.events_view import EventsView
from monitor_app.ui.plugins_view import PluginsView
from monitor_app.ui.programs_model import state_label

#: Width of the live charts.
LIVE_WINDOW_S = 300.0
#: History ranges offered, in seconds (0 = live).
RANGES: tuple[tuple[str, float], ...] = (("live", 0.0), ("1h", 3600.0), ("24h", 86_400.0), ("7d", 7 * 86_400.0), ("30d", 30 * 86_400.0))
HISTORY_POINTS = 1000
# Between drawing the two history charts: long enough for the window to paint the first one on its own.
HISTORY_STAGGER_MS = 30
OUTPUT_LINES = 400
OUTPUT_REFRESH_MS = 1000
CPU_COLOR = "#2f7fd1"
MEMORY_COLOR = "#8e44ad"


def markers_from_events(events: Sequence[Event]) -> list[tuple[float, str, str]]:
    """(time, kind, label) chart markers for starts, stops, crashes and restarts."""
    markers = []
    for event in events:
        if event.kind is not EventKind.STATE or event.to_state is None:
            continue
        if event.unexpected and event.to_state in (ProgramState.EXITED, ProgramState.BACKOFF, ProgramState.FATAL):
            kind = "crash"
        elif event.from_state is ProgramState.BACKOFF and event.to_state is ProgramState.STARTING:
            kind = "restart"
        elif event.to_state is ProgramState.STARTING or (
            event.to_state is ProgramState.RUNNING and event.from_state is not ProgramState.STARTING
        ):
            kind = "start"
        elif event.to_state is ProgramState.STOPPED:
            kind = "stop"
        else:
            continue
        markers.append((event.time, kind, event.message or state_label(event.to_state)))
    return markers


class ProgramDetail(QWidget):
    """The lower half of the Programs tab.

    Signals:
        status_message(str): for the status bar.
        history_shown(str): a history range (its key) has been read and drawn.
    """

    status_message = Signal(str)
    history_shown = Signal(str)

    def __init__(self, engine: EngineFacade, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._tasks = tasks
        self._program_id: int | None = None
        self._range = "live"
        interval = getattr(engine, "sampling_interval", 1.0)
        self._capacity = min(8192, math.ceil(LIVE_WINDOW_S / max(0.05, interval)) + 32)
        self._cpu: dict[int, RingBuffer] = {}
        self._memory: dict[int, RingBuffer] = {}
        self._charts_built = False
        self.redraw_clock = None
        self.live_cpu = self.live_memory = self.history_cpu = self.history_memory = None

        self.title = QLabel()
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.3)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.facts = QLabel()
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command = QLabel()
        self.command.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.command.setWordWrap(False)

        self.range_buttons = QButtonGroup(self)
        range_bar = QHBoxLayout()
        for key, _seconds in RANGES:
            button = QPushButton()
            button.setCheckable(True)
            button.setObjectName(f"range_{key}")
            button.setChecked(key == self._range)
            self.range_buttons.addButton(button)
            button.clicked.connect(lambda _checked=False, k=key: self.set_range(k))
            range_bar.addWidget(button)
        range_bar.addStretch(1)
        self.chart_message = QLabel()
        self.chart_stack = QStackedWidget()
        self.chart_stack.addWidget(self.chart_message)
        charts_tab = QWidget()
        charts_layout = QVBoxLayout(charts_tab)
        charts_layout.addLayout(range_bar)
        charts_layout.addWidget(self.chart_stack, 1)

        self.events = EventsView(engine, tasks, program_id=-1, parent=self)
        self.events.status_message.connect(self.status_message)

        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setMaximumBlockCount(OUTPUT_LINES * 2)
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.follow = QCheckBox()
        self.follow.setChecked(True)
        output_tab = QWidget()
        output_layout = QVBoxLayout(output_tab)
        output_layout.addWidget(self.output, 1)
        output_layout.addWidget(self.follow)
        self._output_timer = QTimer(self)
        self._output_timer.setInterval(OUTPUT_REFRESH_MS)
        self._output_timer.timeout.connect(self._refresh_output)

        self.tabs = QTabWidget()
        self.tabs.addTab(charts_tab, "")
        self.tabs.addTab(self.events, "")
        self.tabs.addTab(output_tab, "")
        plugins = getattr(engine, "plugins", None)  # engines without plugins (a remote one, later) show no tab
        self.plugins: PluginsView | None = None
        if plugins is not None:
            history = getattr(engine, "plugin_history", None)
            self.plugins = PluginsView(plugins, self, history=history, tasks=tasks)
            self.plugins.status_message.connect(self.status_message)
            self.tabs.addTab(self.plugins, "")
        self.tabs.currentChanged.connect(lambda _index: self._update_output_timer())

        header = QGridLayout()
        header.addWidget(self.title, 0, 0)
        header.addWidget(self.facts, 1, 0)
        header.addWidget(self.command, 2, 0)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

        engine.metrics_ready.connect(self._on_metrics)
        engine.status_changed.connect(self._on_status_changed)
        engine.program_updated.connect(self._on_program_updated)
        engine.program_removed.connect(self._on_program_removed)
        self._retranslate()
        self.show_program(None)

    # ------------------------------------------------------------------ public

    @property
    def program_id(self) -> int | None:
        return self._program_id

    def build_charts(self, clock) -> None:  # type: ignore[no-untyped-def]
        """Create the pyqtgraph charts (once), driven by the window's redraw clock; called after first paint."""
        if self._charts_built:
            return
        from monitor_app.ui.charts.history_chart import HistoryChart
        from monitor_app.ui.charts.live_chart import LiveChart

        self.redraw_clock = clock
        self.live_cpu = LiveChart(self.redraw_clock, window_s=LIVE_WINDOW_S, unit="percent", capacity=self._capacity)
        self.live_memory = LiveChart(self.redraw_clock, window_s=LIVE_WINDOW_S, unit="bytes", capacity=self._capacity)
        self.live_cpu.add_series("cpu", self.tr("CPU"), CPU_COLOR)
        self.live_memory.add_series("memory", self.tr("Memory"), MEMORY_COLOR)
        self.history_cpu = HistoryChart()
        self.history_memory = HistoryChart()
        live = QWidget()
        live_layout = QVBoxLayout(live)
        live_layout.setContentsMargins(0, 0, 0, 0)
        live_layout.addWidget(self.live_cpu)
        live_layout.addWidget(self.live_memory)
        history = QWidget()
        history_layout = QVBoxLayout(history)
        history_layout.setContentsMargins(0, 0, 0, 0)
        history_layout.addWidget(self.history_cpu)
        history_layout.addWidget(self.history_memory)
        self._live_page = live
        self._history_page = history
        self.chart_stack.addWidget(live)
        self.chart_stack.addWidget(history)
        self._warm_up_history_charts()
        self._charts_built = True
        self._show_chart_page()
        self._load_live()

    def _history_charts(self) -> list[tuple[object, str, str, str, str]]:
        """(chart, series key, legend label, colour, unit) of the two history charts."""
        return [
            (self.history_cpu, "cpu", self.tr("CPU"), CPU_COLOR, "percent"),
            (self.history_memory, "memory", self.tr("Memory"), MEMORY_COLOR, "bytes"),
        ]

    def _warm_up_history_charts(self) -> None:
        """Create the curves and draw them once, off screen, while the app is starting anyway.

        The first series a pyqtgraph chart shows costs ~60 ms of one-time set-up (items, legend, first paint
        of the date axis); paying it here keeps the user's first click on a range from freezing the window.
        """
        now = time.time()
        warm = (SeriesPoint(now - 60, 1.0, 2.0), SeriesPoint(now, 1.0, 2.0))
        for points in (warm, ()):
            for chart, key, label, color, unit in self._history_charts():
                series = Series(None, key, now - 3600, now, "raw", 0.0, points)
                chart.show_series({key: series}, {key: label}, {key: color}, unit)  # type: ignore[attr-defined]
            if points:
                self._history_page.resize(self.chart_stack.size())
                self._history_page.grab()

    def show_program(self, program_id: int | None) -> None:
        """Follow the table's selection (None: nothing or several selected)."""
        self._program_id = program_id
        self.setEnabled(program_id is not None)
        self.output.clear()
        if self.plugins is not None:
            self.plugins.set_program(program_id)
        if program_id is None:
            self.title.setText(self.tr("No program selected"))
            self.facts.setText(self.tr("Select a program to see its charts, events and output."))
            self.command.clear()
        else:
            self.events.set_program(program_id)
            self._update_header()
        self._show_chart_page()
        self._load_live()
        if self._range != "live":
            self._load_history()
        self._update_output_timer()

    def focus_charts(self) -> None:
        self.tabs.setCurrentIndex(0)

    def set_range(self, key: str) -> None:
        self._range = key
        for button in self.range_buttons.buttons():
            button.setChecked(button.objectName() == f"range_{key}")
        self._show_chart_page()
        if key != "live":
            self._load_history()

    @property
    def range(self) -> str:
        return self._range

    def restore_state(self, settings: QSettings) -> None:
        key = settings.value("detail/range", "live")
        if key in dict(RANGES):
            self.set_range(str(key))

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("detail/range", self._range)

    # ------------------------------------------------------------------ live data

    @Slot(object)
    def _on_metrics(self, tick: MetricsTick) -> None:
        for sample in tick.programs:
            cpu = self._cpu.get(sample.program_id)
            if cpu is None:
                cpu = self._cpu[sample.program_id] = RingBuffer(self._capacity)
                self._memory[sample.program_id] = RingBuffer(self._capacity)
            cpu.append(sample.time, sample.cpu_percent)
            self._memory[sample.program_id].append(sample.time, float(sample.memory_rss))
            if sample.program_id == self._program_id and self.live_cpu is not None:
                self.live_cpu.append("cpu", sample.time, sample.cpu_percent)
                self.live_memory.append("memory", sample.time, float(sample.memory_rss))  # type: ignore[union-attr]
        if self._program_id is not None and self.isVisible():
            self._update_header()

    def _load_live(self) -> None:
        """Put the selected program's buffered minutes into the live charts."""
        if self.live_cpu is None or self.live_memory is None:
            return
        self.live_cpu.clear()
        self.live_memory.clear()
        program_id = self._program_id
        if program_id is None or program_id not in self._cpu:
            return
        self.live_cpu.extend("cpu", *self._cpu[program_id].view())
        self.live_memory.extend("memory", *self._memory[program_id].view())

    # ------------------------------------------------------------------ history

    def _show_chart_page(self) -> None:
        if not self._charts_built:
            self.chart_message.setText(self.tr("Loading charts…"))
            self.chart_stack.setCurrentWidget(self.chart_message)
            return
        self.chart_stack.setCurrentWidget(self._live_page if self._range == "live" else self._history_page)

    def _load_history(self) -> None:
        program_id = self._program_id
        if program_id is None or self.history_cpu is None or self.history_memory is None:
            return
        seconds = dict(RANGES)[self._range]
        end = time.time()
        start = end - seconds
        engine = self._engine
        self.history_cpu.set_loading(True)
        self.history_memory.set_loading(True)

        def read() -> tuple[Series, Series, tuple[Event, ...]]:
            cpu = engine.history(program_id, "cpu_percent", start, end, HISTORY_POINTS)  # type: ignore[attr-defined]
            memory = engine.history(program_id, "memory_rss", start, end, HISTORY_POINTS)  # type: ignore[attr-defined]
            events = engine.events(program_id=program_id, since=start, limit=2000)  # type: ignore[attr-defined]
            return cpu, memory, events

        self._tasks.run(read, self._on_history, self._on_history_failed, owner=self, key="history")

    def _on_history(self, result: tuple[Series, Series, tuple[Event, ...]]) -> None:
        from monitor_app.ui.charts.history_chart import Marker

        cpu, memory, events = result
        markers = [Marker(time=t, kind=kind, label=label) for t, kind, label in markers_from_events(events)]
        shown_range = self._range
        charts = [(chart, series, key, label, color, unit) for (chart, key, label, color, unit), series in zip(
            self._history_charts(), (cpu, memory), strict=True
        )]

        def show_next() -> None:
            # One chart per frame: painting a fresh 1,000-point chart costs ~25 ms, two in the same frame would
            # hold the window for twice that.
            chart, series, key, label, color, unit = charts.pop(0)
            chart.set_loading(False)  # type: ignore[union-attr]
            chart.show_series({key: series}, {key: label}, {key: color}, unit)  # type: ignore[union-attr]
            chart.set_markers(markers)  # type: ignore[union-attr]
            chart.set_message("" if series.points else self.tr("No data for this range yet"))  # type: ignore[union-attr]
            if charts:
                QTimer.singleShot(HISTORY_STAGGER_MS, self, show_next)
            else:
                self.history_shown.emit(shown_range)

        show_next()

    def _on_history_failed(self, exc: Exception) -> None:
        for chart in (self.history_cpu, self.history_memory):
            if chart is not None:
                chart.set_loading(False)
                chart.set_message(self.tr("Cannot read the history: ") + str(exc))

    # ------------------------------------------------------------------ output

    def _update_output_timer(self) -> None:
        wanted = self._program_id is not None and self.tabs.currentIndex() == 2 and self.isVisible()
        if wanted and not self._output_timer.isActive():
            self._output_timer.start()
            self._refresh_output()
        elif not wanted:
            self._output_timer.stop()

    @Slot()
    def _refresh_output(self) -> None:
        program_id = self._program_id
        if program_id is None:
            return
        self._tasks.run(
            lambda: self._engine.log_tail(program_id, OUTPUT_LINES),  # type: ignore[attr-defined]
            lambda lines: self._show_output(program_id, lines),
            owner=self,
            key="output",
        )

    def _show_output(self, program_id: int, lines: tuple[str, ...]) -> None:
        if program_id != self._program_id:
            return
        text = "\n".join(lines)
        if text == self.output.toPlainText():
            return
        bar = self.output.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 2
        keep = bar.value()
        self.output.setPlainText(text)
        if self.follow.isChecked() or at_end:
            bar.setValue(bar.maximum())
        else:
            bar.setValue(keep)

    # ------------------------------------------------------------------ header

    def _update_header(self) -> None:
        program_id = self._program_id
        if program_id is None:
            return
        try:
            spec: ProgramSpec = self._engine.program(program_id)  # type: ignore[attr-defined]
            status: ProgramStatus = self._engine.status(program_id)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - removed meanwhile
            return
        self.title.setText(spec.name)
        facts = [state_label(status.state)]
        if status.pid:
            facts.append(self.tr("PID %1").replace("%1", str(status.pid)))
            facts.append(self.tr("up %1").replace("%1", format_duration(status.uptime(time.time()))))
        latest = self._latest_sample(program_id)
        if latest is not None and status.pid:
            facts.append(self.tr("CPU %1 %").replace("%1", f"{latest[0]:.1f}"))
            facts.append(self.tr("memory %1").replace("%1", format_bytes(latest[1])))
        facts.append(self.tr("%n restart(s)", "", status.restarts))
        if status.message:
            facts.append(status.message)
        self.facts.setText("  ·  ".join(facts))
        command = join_args((spec.path, *spec.args), windows=False)
        self.command.setText(" ⏎ ".join(line.strip() for line in command.splitlines()))
        self.command.setToolTip(command)

    def _latest_sample(self, program_id: int) -> tuple[float, float] | None:
        cpu, memory = self._cpu.get(program_id), self._memory.get(program_id)
        if cpu is None or memory is None or cpu.last() is None:
            return None
        return cpu.last()[1], memory.last()[1]  # type: ignore[index]

    @Slot(object)
    def _on_status_changed(self, status: ProgramStatus) -> None:
        if status.program_id == self._program_id:
            self._update_header()

    @Slot(object)
    def _on_program_updated(self, spec: ProgramSpec) -> None:
        if spec.id == self._program_id:
            self._update_header()

    @Slot(int)
    def _on_program_removed(self, program_id: int) -> None:
        self._cpu.pop(program_id, None)
        self._memory.pop(program_id, None)
        if program_id == self._program_id:
            self.show_program(None)

    # ------------------------------------------------------------------ Qt

    def _retranslate(self) -> None:
        labels = {"live": self.tr("Live"), "1h": self.tr("1 h"), "24h": self.tr("24 h"), "7d": self.tr("7 d"), "30d": self.tr("30 d")}
        for button in self.range_buttons.buttons():
            button.setText(labels[button.objectName().removeprefix("range_")])
        self.tabs.setTabText(0, self.tr("Charts"))
        self.tabs.setTabText(1, self.tr("Events"))
        self.tabs.setTabText(2, self.tr("Output"))
        if self.plugins is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.plugins), self.tr("Plugins"))
        self.follow.setText(self.tr("Follow new output"))
        if self._program_id is None:
            self.title.setText(self.tr("No program selected"))
            self.facts.setText(self.tr("Select a program to see its charts, events and output."))
        else:
            self._update_header()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        self._update_output_timer()

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().hideEvent(event)
        self._update_output_timer()

