"""The programs table: one row per program, updated in place from the engine's snapshots.

Rows are never reset per tick: a status change repaints one row's state columns, a metrics tick repaints the
resource columns of all rows in one ``dataChanged``, so selection and scrolling survive every update.
"""

import time
from enum import IntEnum

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Slot,
)
from PySide6.QtGui import QBrush, QColor

from monitor_app.core.model import MetricsTick, ProgramSample, ProgramSpec, ProgramStatus
from monitor_app.core.states import ProgramState
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.charts.format import format_bytes, format_duration
from monitor_app.ui.icons import STATE_COLORS, state_icon

# Raw value for sorting (numbers sort as numbers, not as text).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# The program id of a row, in any column.
PROGRAM_ID_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    NAME = 0
    STATE = 1
    PID = 2
    CPU = 3
    MEMORY = 4
    UPTIME = 5
    RESTARTS = 6
    LAST_EXIT = 7


_NUMERIC = {Column.PID, Column.CPU, Column.MEMORY, Column.UPTIME, Column.RESTARTS, Column.LAST_EXIT}


def state_label(state: ProgramState) -> str:
    """The translated name of a state, as users read it."""
    labels = {
        ProgramState.STOPPED: QCoreApplication.translate("State", "Stopped"),
        ProgramState.STARTING: QCoreApplication.translate("State", "Starting"),
        ProgramState.RUNNING: QCoreApplication.translate("State", "Running"),
        ProgramState.BACKOFF: QCoreApplication.translate("State", "Restarting"),
        ProgramState.STOPPING: QCoreApplication.translate("State", "Stopping"),
        ProgramState.EXITED: QCoreApplication.translate("State", "Exited"),
        ProgramState.FATAL: QCoreApplication.translate("State", "Failed"),
    }
    return labels[state]


class ProgramsModel(QAbstractTableModel):
    """Programs with their state and resources, fed by an engine facade's signals."""

    def __init__(self, engine: EngineFacade, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._engine = engine
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._specs: dict[int, ProgramSpec] = {}
        self._statuses: dict[int, ProgramStatus] = {}
        self._samples: dict[int, ProgramSample] = {}
        for spec in engine.programs():  # type: ignore[attr-defined]
            self._append(spec)
        for status in engine.statuses():  # type: ignore[attr-defined]
            self._statuses[status.program_id] = status
        engine.program_added.connect(self._on_program_added)
        engine.program_updated.connect(self._on_program_updated)
        engine.program_removed.connect(self._on_program_removed)
        engine.status_changed.connect(self._on_status_changed)
        engine.metrics_ready.connect(self._on_metrics)

    # ------------------------------------------------------------------ Qt model API

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            Column.NAME: self.tr("Name"),
            Column.STATE: self.tr("State"),
            Column.PID: self.tr("PID"),
            Column.CPU: self.tr("CPU"),
            Column.MEMORY: self.tr("Memory"),
            Column.UPTIME: self.tr("Uptime"),
            Column.RESTARTS: self.tr("Restarts"),
            Column.LAST_EXIT: self.tr("Last exit"),
        }[Column(section)]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        program_id = self._ids[index.row()]
        column = Column(index.column())
        if role == PROGRAM_ID_ROLE:
            return program_id
        status = self._statuses.get(program_id)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(program_id, column, status)
        if role == SORT_ROLE:
            return self._sort_key(program_id, column, status)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.STATE and status is not None:
            return state_icon(status.state)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATE and status is not None:
            if status.state in (ProgramState.FATAL, ProgramState.BACKOFF):
                return QBrush(QColor(STATE_COLORS[status.state]))
        if role == Qt.ItemDataRole.ToolTipRole and status is not None:
            if column == Column.STATE and status.message:
                return status.message
            if column == Column.NAME:
                return self._specs[program_id].path
        if role == Qt.ItemDataRole.TextAlignmentRole and column in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, program_id: int, column: Column, status: ProgramStatus | None) -> str:
        sample = self._samples.get(program_id)
        alive = status is not None and status.pid is not None
        if column == Column.NAME:
            return self._specs[program_id].name
        if status is None:
            return ""
        if column == Column.STATE:
            return state_label(status.state)
        if column == Column.PID:
            return str(status.pid) if status.pid else ""
        if column == Column.CPU:
            return f"{sample.cpu_percent:.1f} %" if alive and sample else ""
        if column == Column.MEMORY:
            return format_bytes(sample.memory_rss) if alive and sample else ""
        if column == Column.UPTIME:
            return format_duration(status.uptime(time.time())) if alive else ""
        if column == Column.RESTARTS:
            return str(status.restarts)
        if column == Column.LAST_EXIT:
            return "" if status.exit_code is None else str(status.exit_code)
        return ""

    def _sort_key(self, program_id: int, column: Column, status: ProgramStatus | None) -> object:
        sample = self._samples.get(program_id)
        if column == Column.NAME:
            return self._specs[program_id].name.casefold()
        if status is None:
            return -1
        alive = status.pid is not None
        return {
            Column.STATE: list(ProgramState).index(status.state),
            Column.PID: status.pid or -1,
            Column.CPU: sample.cpu_percent if alive and sample else -1.0,
            Column.MEMORY: sample.memory_rss if alive and sample else -1,
            Column.UPTIME: status.uptime(time.time()) if alive else -1.0,
            Column.RESTARTS: status.restarts,
            Column.LAST_EXIT: status.exit_code if status.exit_code is not None else -(2**40),
        }[column]

    # ------------------------------------------------------------------ lookups for the views

    def program_id_at(self, row: int) -> int:
        return self._ids[row]

    def row_of(self, program_id: int) -> int | None:
        return self._row_of.get(program_id)

    def status(self, program_id: int) -> ProgramStatus | None:
        return self._statuses.get(program_id)

    def spec(self, program_id: int) -> ProgramSpec | None:
        return self._specs.get(program_id)

    def sample(self, program_id: int) -> ProgramSample | None:
        return self._samples.get(program_id)

    # ------------------------------------------------------------------ engine snapshots

    def _append(self, spec: ProgramSpec) -> None:
        self._row_of[spec.id] = len(self._ids)
        self._ids.append(spec.id)
        self._specs[spec.id] = spec

    @Slot(object)
    def _on_program_added(self, spec: ProgramSpec) -> None:
        if spec.id in self._row_of:
            return
        row = len(self._ids)
        self.beginInsertRows(QModelIndex(), row, row)
        self._append(spec)
        try:
            self._statuses[spec.id] = self._engine.status(spec.id)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - removed again meanwhile; its removal signal follows
            pass
        self.endInsertRows()

    @Slot(object)
    def _on_program_updated(self, spec: ProgramSpec) -> None:
        row = self._row_of.get(spec.id)
        if row is None:
            return
        self._specs[spec.id] = spec
        self.dataChanged.emit(self.index(row, Column.NAME), self.index(row, Column.NAME))

    @Slot(int)
    def _on_program_removed(self, program_id: int) -> None:
        row = self._row_of.get(program_id)
        if row is None:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._ids[row]
        self._row_of = {pid: i for i, pid in enumerate(self._ids)}
        self._specs.pop(program_id, None)
        self._statuses.pop(program_id, None)
        self._samples.pop(program_id, None)
        self.endRemoveRows()

    @Slot(object)
    def _on_status_changed(self, status: ProgramStatus) -> None:
        row = self._row_of.get(status.program_id)
        if row is None:
            return
        self._statuses[status.program_id] = status
        self.dataChanged.emit(self.index(row, Column.STATE), self.index(row, Column.LAST_EXIT))

    @Slot(object)
    def _on_metrics(self, tick: MetricsTick) -> None:
        self._samples = {sample.program_id: sample for sample in tick.programs}
        if self._ids:
            self.dataChanged.emit(
                self.index(0, Column.CPU),
                self.index(len(self._ids) - 1, Column.UPTIME),
                [Qt.ItemDataRole.DisplayRole, SORT_ROLE],
            )

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
            if self._ids:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(Column) - 1))
        return super().event(event)


class ProgramsFilterModel(QSortFilterProxyModel):
    """Sorts by raw values and filters rows by a text found in the name or the state."""

    def __init__(self, source: ProgramsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._needle = ""

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        if not self._needle:
            return True
        model = self.sourceModel()
        for column in (Column.NAME, Column.STATE):
            value = model.data(model.index(source_row, column, source_parent), Qt.ItemDataRole.DisplayRole)
            if value and self._needle in str(value).casefold():
                return True
        return False
