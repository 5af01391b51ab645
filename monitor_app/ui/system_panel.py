"""The whole machine: CPU (total and per core), memory, swap, disks, network, uptime, with small live charts."""

import time

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.model import MetricsTick, SystemSample
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.charts.format import format_bytes, format_duration, format_rate

LIVE_WINDOW_S = 300.0
CORES_PER_ROW = 8


class SystemPanel(QWidget):
    """Shows the latest system sample; its charts are built with the detail charts, after the first paint."""

    def __init__(self, engine: EngineFacade, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._latest: SystemSample | None = None
        self.cpu_chart = self.memory_chart = self.network_chart = None
        self.summary = QLabel()
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.setWordWrap(True)
        self.cpu_box = QGroupBox()
        self.memory_box = QGroupBox()
        self.network_box = QGroupBox()
        self.cores_box = QGroupBox()
        self.disks_box = QGroupBox()
        self._chart_layouts = {}
        for box in (self.cpu_box, self.memory_box, self.network_box):
            layout = QVBoxLayout(box)
            value = QLabel()
            layout.addWidget(value)
            self._chart_layouts[box] = (layout, value)
        self.cores_layout = QGridLayout(self.cores_box)
        self.core_bars: list[QProgressBar] = []
        self.disks = QTableWidget(0, 4)
        self.disks.verticalHeader().hide()
        self.disks.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.disks.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        disks_layout = QVBoxLayout(self.disks_box)
        disks_layout.addWidget(self.disks)

        grid = QGridLayout(self)
        grid.addWidget(self.summary, 0, 0, 1, 3)
        grid.addWidget(self.cpu_box, 1, 0)
        grid.addWidget(self.memory_box, 1, 1)
        grid.addWidget(self.network_box, 1, 2)
        grid.addWidget(self.cores_box, 2, 0, 1, 3)
        grid.addWidget(self.disks_box, 3, 0, 1, 3)
        grid.setRowStretch(1, 3)
        grid.setRowStretch(3, 1)
        engine.metrics_ready.connect(self._on_metrics)
        self._retranslate()

    def build_charts(self, clock) -> None:  # type: ignore[no-untyped-def]
        """Add the small live charts (they share the window's redraw clock)."""
        if self.cpu_chart is not None:
            return
        from monitor_app.ui.charts.live_chart import LiveChart

        self.cpu_chart = LiveChart(clock, window_s=LIVE_WINDOW_S, unit="percent")
        self.cpu_chart.add_series("cpu", self.tr("CPU"), "#2f7fd1")
        self.memory_chart = LiveChart(clock, window_s=LIVE_WINDOW_S, unit="percent")
        self.memory_chart.add_series("memory", self.tr("Memory"), "#8e44ad")
        self.network_chart = LiveChart(clock, window_s=LIVE_WINDOW_S, unit="rate")
        self.network_chart.add_series("recv", self.tr("Received"), "#2e9d4f")
        self.network_chart.add_series("sent", self.tr("Sent"), "#d08a1f")
        for box, chart in ((self.cpu_box, self.cpu_chart), (self.memory_box, self.memory_chart), (self.network_box, self.network_chart)):
            self._chart_layouts[box][0].addWidget(chart)

    @Slot(object)
    def _on_metrics(self, tick: MetricsTick) -> None:
        system = tick.system
        if system is None:
            return
        self._latest = system
        if self.cpu_chart is not None:
            self.cpu_chart.append("cpu", system.time, system.cpu_percent)
            self.memory_chart.append("memory", system.time, system.memory_percent)  # type: ignore[union-attr]
            self.network_chart.append("recv", system.time, system.net_recv_bps)  # type: ignore[union-attr]
            self.network_chart.append("sent", system.time, system.net_sent_bps)  # type: ignore[union-attr]
        if self.isVisible():
            self._show(system)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802
        super().showEvent(event)
        if self._latest is not None:
            self._show(self._latest)

    def _show(self, system: SystemSample) -> None:
        self._chart_layouts[self.cpu_box][1].setText(f"{system.cpu_percent:.1f} %")
        self._chart_layouts[self.memory_box][1].setText(
            f"{format_bytes(system.memory_used)} / {format_bytes(system.memory_total)} ({system.memory_percent:.0f} %)"
        )
        self._chart_layouts[self.network_box][1].setText(
            f"↓ {format_rate(system.net_recv_bps)}   ↑ {format_rate(system.net_sent_bps)}"
        )
        swap = (
            self.tr("swap %1 / %2").replace("%1", format_bytes(system.swap_used)).replace("%2", format_bytes(system.swap_total))
            if system.swap_total
            else self.tr("no swap")
        )
        booted = time.strftime("%Y-%m-%d %H:%M", time.localtime(system.boot_time))
        self.summary.setText(
            self.tr("Up %1 (since %2)").replace("%1", format_duration(system.uptime_s)).replace("%2", booted)
            + "   ·   "
            + self.tr("%n core(s)", "", len(system.cpu_per_core))
            + "   ·   "
            + swap
        )
        self._show_cores(system.cpu_per_core)
        self._show_disks(system)

    def _show_cores(self, per_core: tuple[float, ...]) -> None:
        while len(self.core_bars) < len(per_core):
            bar = QProgressBar()
            bar.setRange(0, 100)
            index = len(self.core_bars)
            self.cores_layout.addWidget(bar, index // CORES_PER_ROW, index % CORES_PER_ROW)
            self.core_bars.append(bar)
        for index, (bar, value) in enumerate(zip(self.core_bars, per_core, strict=False)):
            bar.setValue(round(value))
            bar.setFormat(self.tr("core %1: %p%").replace("%1", str(index)))

    def _show_disks(self, system: SystemSample) -> None:
        self.disks.setRowCount(len(system.disks))
        for row, disk in enumerate(system.disks):
            values = (
                f"{disk.mountpoint}  ({disk.device}, {disk.fstype})",
                format_bytes(disk.used),
                format_bytes(disk.total),
                f"{disk.percent:.0f} %",
            )
            for column, text in enumerate(values):
                item = self.disks.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    if column:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.disks.setItem(row, column, item)
                item.setText(text)

    def _retranslate(self) -> None:
        self.cpu_box.setTitle(self.tr("CPU"))
        self.memory_box.setTitle(self.tr("Memory"))
        self.network_box.setTitle(self.tr("Network"))
        self.cores_box.setTitle(self.tr("CPU cores"))
        self.disks_box.setTitle(self.tr("Disks"))
        self.disks.setHorizontalHeaderLabels([self.tr("Disk"), self.tr("Used"), self.tr("Size"), self.tr("Used %")])
        if self._latest is not None and self.isVisible():
            self._show(self._latest)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
