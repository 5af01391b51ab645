"""The event log across all programs (and one program's events in its detail view): filter and export.

Events arrive live from the engine and are prepended; the initial page is read from storage in the
background. The model keeps a bounded number of rows, newest first.
"""

import csv
import time
from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.model import Event, ProgramSpec
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.icons import STATE_COLORS
from monitor_app.ui.programs_model import state_label

MAX_ROWS = 10_000
INITIAL_LOAD = 1000


class EventColumn(IntEnum):
    TIME = 0
    PROGRAM = 1
    WHAT = 2
    CAUSE = 3
    EXIT_CODE = 4
    MESSAGE = 5


def cause_label(cause: Cause, actor: str) -> str:
    labels = {
        Cause.USER: QCoreApplication.translate("Cause", "You (window)"),
        Cause.API: QCoreApplication.translate("Cause", "REST API"),
        Cause.POLICY: QCoreApplication.translate("Cause", "Restart policy"),
        Cause.SCHEDULE: QCoreApplication.translate("Cause", "Schedule"),
        Cause.RULE: QCoreApplication.translate("Cause", "Alert rule"),
        Cause.PLUGIN: QCoreApplication.translate("Cause", "Plugin"),
        Cause.SYSTEM: QCoreApplication.translate("Cause", "monitor_app"),
    }
    label = labels[cause]
    return f"{label} ({actor})" if actor and cause in (Cause.USER, Cause.API, Cause.PLUGIN, Cause.SCHEDULE) else label


def describe_event(event: Event) -> str:
    """What happened, in a few words (the message column has the details)."""
    if event.kind is EventKind.STATE and event.from_state and event.to_state:
        text = f"{state_label(event.from_state)} → {state_label(event.to_state)}"
        if event.unexpected:
            text += QCoreApplication.translate("Events", " (unexpected)")
        return text
    labels = {
        EventKind.PROGRAM_ADDED: QCoreApplication.translate("Events", "Added"),
        EventKind.PROGRAM_UPDATED: QCoreApplication.translate("Events", "Settings changed"),
        EventKind.PROGRAM_REMOVED: QCoreApplication.translate("Events", "Removed"),
        EventKind.REATTACH_FAILED: QCoreApplication.translate("Events", "Not re-attached"),
        EventKind.LEFTOVERS_KILLED: QCoreApplication.translate("Events", "Leftover processes killed"),
        EventKind.COMMAND_REJECTED: QCoreApplication.translate("Events", "Command refused"),
        EventKind.AUDIT: QCoreApplication.translate("Events", "Change by a user"),
        EventKind.REATTACHED: QCoreApplication.translate("Events", "Re-attached"),
        EventKind.ALERT_FIRED: QCoreApplication.translate("Events", "Alert fired"),
        EventKind.ALERT_RESOLVED: QCoreApplication.translate("Events", "Alert resolved"),
        EventKind.SCHEDULE: QCoreApplication.translate("Events", "Scheduled action"),
        EventKind.SCHEDULE_MISSED: QCoreApplication.translate("Events", "Schedule missed"),
        EventKind.ERROR: QCoreApplication.translate("Events", "Error"),
    }
    return labels.get(event.kind, event.kind.value)


def is_problem(event: Event) -> bool:
    """Worth a look: unexpected exits, giving up, errors, refusals, fired alerts."""
    return (
        event.unexpected
        or event.to_state is ProgramState.FATAL
        or event.kind
        in (EventKind.ERROR, EventKind.REATTACH_FAILED, EventKind.COMMAND_REJECTED, EventKind.ALERT_FIRED)
    )


# Colours of the "What happened" cell besides problems (red): an alert that is over, a schedule that was missed.
KIND_COLORS: dict[EventKind, str] = {
    EventKind.ALERT_RESOLVED: STATE_COLORS[ProgramState.RUNNING],
    EventKind.SCHEDULE_MISSED: STATE_COLORS[ProgramState.BACKOFF],
}


def event_color(event: Event) -> str | None:
    """The colour of an event's "What happened" cell, None for the default."""
    if is_problem(event):
        return STATE_COLORS[ProgramState.FATAL]
    return KIND_COLORS.get(event.kind)


def format_time(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


class EventRowsModel(QAbstractTableModel):
    """Events newest first, one row each, bounded to ``MAX_ROWS``: what the event log and the audit log share.

    A subclass sets ``columns`` and gives the header ``titles``, each cell's ``cell_text`` and any ``role_data``
    beyond the text and the event itself (``UserRole``); ``accepts`` picks the live events it shows.
    """

    columns: type[IntEnum]

    def __init__(self, name_of: Callable[[int | None], str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._events: list[Event] = []
        self._name_of = name_of

    def titles(self) -> Mapping[int, str]:
        raise NotImplementedError

    def cell_text(self, event: Event, column: Any) -> str:
        raise NotImplementedError

    def role_data(self, event: Event, column: int, role: int) -> Any:
        return None

    def accepts(self, event: Event) -> bool:
        return True

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._events)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.titles()[self.columns(section)]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        event = self._events[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(event, self.columns(index.column()))
        if role == Qt.ItemDataRole.UserRole:
            return event
        return self.role_data(event, index.column(), role)

    def events(self) -> tuple[Event, ...]:
        return tuple(self._events)

    def _replace(self, events: Sequence[Event]) -> None:
        self.beginResetModel()
        self._events = list(events)[:MAX_ROWS]
        self.endResetModel()

    def prepend(self, event: Event) -> None:
        if not self.accepts(event):
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._events.insert(0, event)
        self.endInsertRows()
        if len(self._events) > MAX_ROWS:
            self.beginRemoveRows(QModelIndex(), MAX_ROWS, len(self._events) - 1)
            del self._events[MAX_ROWS:]
            self.endRemoveRows()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            last_column = len(self.columns) - 1
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last_column)
            if self._events:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._events) - 1, last_column))
        return super().event(event)


class EventsModel(EventRowsModel):
    """Every event, newest first, bounded to ``MAX_ROWS``."""

    columns = EventColumn

    def titles(self) -> dict[EventColumn, str]:
        return {
            EventColumn.TIME: self.tr("Time"),
            EventColumn.PROGRAM: self.tr("Program"),
            EventColumn.WHAT: self.tr("What happened"),
            EventColumn.CAUSE: self.tr("By"),
            EventColumn.EXIT_CODE: self.tr("Exit code"),
            EventColumn.MESSAGE: self.tr("Details"),
        }

    def role_data(self, event: Event, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and column == EventColumn.WHAT:
            color = event_color(event)
            return QBrush(QColor(color)) if color else None
        if role == Qt.ItemDataRole.ToolTipRole and column == EventColumn.MESSAGE:
            lines = event.details.get("last_output")
            if isinstance(lines, list) and lines:
                return event.message + "\n\n" + "\n".join(str(line) for line in lines[-10:])
            return event.message or None
        return None

    def cell_text(self, event: Event, column: EventColumn) -> str:
        if column == EventColumn.TIME:
            return format_time(event.time)
        if column == EventColumn.PROGRAM:
            return self._name_of(event.program_id)
        if column == EventColumn.WHAT:
            return describe_event(event)
        if column == EventColumn.CAUSE:
            return cause_label(event.cause, event.actor)
        if column == EventColumn.EXIT_CODE:
            return "" if event.exit_code is None else str(event.exit_code)
        return event.message

    def load(self, events: Sequence[Event]) -> None:
        """Replace with a page read from storage, keeping live events that arrived meanwhile (deduplicated)."""
        live = [e for e in self._events if not e.id]
        seen = {(e.time, e.kind, e.program_id, e.to_state) for e in events}
        merged = [e for e in live if (e.time, e.kind, e.program_id, e.to_state) not in seen] + list(events)
        merged.sort(key=lambda e: e.time, reverse=True)
        self._replace(merged)


class EventTextFilter(QSortFilterProxyModel):
    """What the event tables' filters share: free text over every column of ``columns``, the shown events.

    The source model holds ``Event`` rows (``UserRole``) and renders a cell with ``cell_text(event, column)``.
    """

    columns: tuple[IntEnum, ...] = ()

    def __init__(self, source: QAbstractTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self._text = ""

    def _refilter(self, change: Callable[[], None]) -> None:
        self.beginFilterChange()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().casefold()))

    def source_event(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> Event:
        model = self.sourceModel()
        return model.data(model.index(source_row, 0, source_parent), Qt.ItemDataRole.UserRole)

    def matches_text(self, event: Event) -> bool:
        if not self._text:
            return True
        model = self.sourceModel()
        haystack = " ".join(model.cell_text(event, column) for column in self.columns)  # type: ignore[attr-defined]
        return self._text in haystack.casefold()

    def visible_events(self) -> list[Event]:
        return [self.data(self.index(row, 0), Qt.ItemDataRole.UserRole) for row in range(self.rowCount())]


class EventsFilterModel(EventTextFilter):
    """Filters by program, free text and "problems only"."""

    columns = tuple(EventColumn)

    def __init__(self, source: EventsModel, parent: QObject | None = None) -> None:
        super().__init__(source, parent)
        self._program_id: int | None = None
        self._problems_only = False

    def set_program(self, program_id: int | None) -> None:
        self._refilter(lambda: setattr(self, "_program_id", program_id))

    def set_problems_only(self, enabled: bool) -> None:
        self._refilter(lambda: setattr(self, "_problems_only", enabled))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        event = self.source_event(source_row, source_parent)
        if self._program_id is not None and event.program_id != self._program_id:
            return False
        if self._problems_only and not is_problem(event):
            return False
        return self.matches_text(event)


class EventsView(QWidget):
    """A filterable, exportable event table.

    Args:
        program_id: Show only this program's events (the detail view); None for all (the event log tab).

    Signals:
        status_message(str): something to show in the status bar (export done or failed).
    """

    status_message = Signal(str)

    def __init__(
        self,
        engine: EngineFacade,
        tasks: BackgroundTasks,
        *,
        program_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self._tasks = tasks
        # Names outlive their programs here, so events of a removed program still say whose they were.
        self._names: dict[int, str] = {spec.id: spec.name for spec in engine.programs()}  # type: ignore[attr-defined]
        self.model = EventsModel(self._name_of, self)
        self.proxy = EventsFilterModel(self.model, self)
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.program_filter = QComboBox()
        self.program_filter.currentIndexChanged.connect(self._on_program_filter)
        self.problems = QCheckBox()
        self.problems.toggled.connect(self.proxy.set_problems_only)
        self.export = QPushButton()
        self.export.clicked.connect(self._on_export)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(EventColumn.MESSAGE, QHeaderView.ResizeMode.Stretch)
        for column in (EventColumn.TIME, EventColumn.PROGRAM, EventColumn.WHAT, EventColumn.CAUSE):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.program_filter)
        bar.addWidget(self.problems)
        bar.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table)

        self._fixed_program = program_id
        if program_id is not None:
            self.program_filter.hide()
            self.proxy.set_program(program_id)
        self._retranslate()
        self._fill_program_filter()
        engine.event_recorded.connect(self._on_event)
        engine.program_added.connect(self._on_program_changed)
        engine.program_updated.connect(self._on_program_changed)
        engine.program_removed.connect(lambda _program_id: self._fill_program_filter())
        self.reload()

    def set_program(self, program_id: int) -> None:
        """Show another program's events (the detail view follows the selection)."""
        self._fixed_program = program_id
        self.proxy.set_program(program_id)
        self.reload()

    def reload(self) -> None:
        program_id = self._fixed_program
        self._tasks.run(
            lambda: self._engine.events(program_id=program_id, limit=INITIAL_LOAD),  # type: ignore[attr-defined]
            self.model.load,
            lambda exc: self.status_message.emit(self.tr("Cannot read the event log: %1").replace("%1", str(exc))),
            owner=self,
            key=f"events-{id(self)}",
        )

    def _name_of(self, program_id: int | None) -> str:
        if program_id is None:
            return ""
        return self._names.get(program_id, f"#{program_id}")

    @Slot(object)
    def _on_program_changed(self, spec: ProgramSpec) -> None:
        self._names[spec.id] = spec.name
        self._fill_program_filter()

    def _fill_program_filter(self) -> None:
        current = self.program_filter.currentData()
        self.program_filter.blockSignals(True)
        self.program_filter.clear()
        self.program_filter.addItem(self.tr("All programs"), None)
        for spec in self._engine.programs():  # type: ignore[attr-defined]
            self.program_filter.addItem(spec.name, spec.id)
        index = self.program_filter.findData(current)
        self.program_filter.setCurrentIndex(max(0, index))
        self.program_filter.blockSignals(False)

    @Slot(int)
    def _on_program_filter(self, _index: int) -> None:
        if self._fixed_program is None:
            self.proxy.set_program(self.program_filter.currentData())

    @Slot(object)
    def _on_event(self, event: Event) -> None:
        if self._fixed_program is None or event.program_id == self._fixed_program:
            self.model.prepend(event)

    @Slot()
    def _on_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export events"), "events.csv", self.tr("CSV files (*.csv)"))
        if not path:
            return
        model = self.model
        rows = [[model.cell_text(e, c) for c in EventColumn] for e in self.proxy.visible_events()]
        header = [model.headerData(c, Qt.Orientation.Horizontal) for c in EventColumn]
        self._tasks.run(
            lambda: write_csv(path, header, rows),
            lambda count: self.status_message.emit(self.tr("Exported %n event(s) to ", "", count) + path),
            lambda exc: self.status_message.emit(self.tr("Export failed: ") + str(exc)),
            owner=self,
        )

    def _retranslate(self) -> None:
        self.search.setPlaceholderText(self.tr("Search events"))
        self.problems.setText(self.tr("Problems only"))
        self.export.setText(self.tr("Export CSV…"))
        if self.program_filter.count():
            self.program_filter.setItemText(0, self.tr("All programs"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


def write_csv(path: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> int:
    """Write rows as UTF-8 CSV with a BOM (so Excel on Korean Windows reads Hangul right); return the count."""
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)
