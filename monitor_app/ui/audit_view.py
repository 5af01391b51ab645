"""The audit log: who did what, when and from where, read from the event log (so it is kept as long as events).

An audited event is one somebody or something set in motion: a user in the window, a REST client (its address
is in the actor, ``user@address``), a restart policy, a schedule, an alert rule, a plugin; and every change
that is not a program's (accounts, keys, settings: ``EventKind.AUDIT``). The time range is read from storage
in the background; who, cause and text filter what was read. Labels and CSV writing are the event log's.
"""

import time
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QDateTime,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.model import Event, ProgramSpec
from monitor_app.core.states import Cause, EventKind
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.events_view import (
    EventRowsModel,
    EventTextFilter,
    cause_label,
    describe_event,
    format_time,
    write_csv,
)

#: Events read per time range; the newest are kept when a range holds more.
READ_LIMIT = 10_000
DAY_S = 86_400.0
#: Preset ranges: (key, seconds back; None = everything, 0 = custom).
RANGES: tuple[tuple[str, float | None], ...] = (
    ("24h", DAY_S),
    ("7d", 7 * DAY_S),
    ("30d", 30 * DAY_S),
    ("all", None),
    ("custom", 0.0),
)


class AuditColumn(IntEnum):
    TIME = 0
    WHO = 1
    FROM = 2
    WHAT = 3
    PROGRAM = 4
    DETAILS = 5


def is_audited(event: Event) -> bool:
    """Whether an event belongs in the audit log: set in motion by someone or something, or a change record."""
    return event.kind is EventKind.AUDIT or event.cause is not Cause.SYSTEM


def who_and_where(event: Event) -> tuple[str, str]:
    """The acting user (or rule, schedule, plugin) and where from ("Window", "REST API 10.0.0.5", …)."""
    actor = event.actor
    if event.cause is Cause.API:
        user, _, address = actor.rpartition("@")
        if not user:  # no address recorded
            user, address = actor, ""
        where = cause_label(Cause.API, "")
        return user, f"{where} {address}".strip()
    if event.cause is Cause.USER:
        return actor, QCoreApplication.translate("AuditView", "Window")
    return actor, cause_label(event.cause, "")


class AuditModel(EventRowsModel):
    """Audited events, newest first, bounded to ``MAX_ROWS``."""

    columns = AuditColumn

    def titles(self) -> dict[AuditColumn, str]:
        return {
            AuditColumn.TIME: self.tr("Time"),
            AuditColumn.WHO: self.tr("Who"),
            AuditColumn.FROM: self.tr("From"),
            AuditColumn.WHAT: self.tr("What"),
            AuditColumn.PROGRAM: self.tr("Program"),
            AuditColumn.DETAILS: self.tr("Details"),
        }

    def role_data(self, event: Event, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and column == AuditColumn.DETAILS:
            return event.message or None
        return None

    def cell_text(self, event: Event, column: AuditColumn) -> str:
        if column == AuditColumn.TIME:
            return format_time(event.time)
        if column in (AuditColumn.WHO, AuditColumn.FROM):
            return who_and_where(event)[0 if column == AuditColumn.WHO else 1]
        if column == AuditColumn.WHAT:
            return describe_event(event)
        if column == AuditColumn.PROGRAM:
            return self._name_of(event.program_id)
        return event.message

    def accepts(self, event: Event) -> bool:
        return is_audited(event)

    def load(self, events: Sequence[Event]) -> None:
        self._replace([event for event in events if is_audited(event)])


class AuditFilterModel(EventTextFilter):
    """Filters by who (part of the name), cause and free text."""

    columns = tuple(AuditColumn)

    def __init__(self, source: AuditModel, parent: QObject | None = None) -> None:
        super().__init__(source, parent)
        self._who = ""
        self._cause: Cause | None = None

    def set_who(self, who: str) -> None:
        self._refilter(lambda: setattr(self, "_who", who.strip().casefold()))

    def set_cause(self, cause: Cause | None) -> None:
        self._refilter(lambda: setattr(self, "_cause", cause))

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        event = self.source_event(source_row, source_parent)
        if self._cause is not None and event.cause is not self._cause:
            return False
        model: AuditModel = self.sourceModel()  # type: ignore[assignment]
        if self._who and self._who not in model.cell_text(event, AuditColumn.WHO).casefold():
            return False
        return self.matches_text(event)


class AuditView(QWidget):
    """The Audit log tab.

    Signals:
        status_message(str): export done or failed, a read that failed.
    """

    status_message = Signal(str)

    def __init__(
        self,
        engine: EngineFacade,
        tasks: BackgroundTasks,
        *,
        clock: Callable[[], float] = time.time,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("auditView")
        self._engine = engine
        self._tasks = tasks
        self._clock = clock
        self._names: dict[int, str] = {spec.id: spec.name for spec in engine.programs()}  # type: ignore[attr-defined]
        self._range: tuple[float | None, float | None] = (None, None)
        self.model = AuditModel(self._name_of, self)
        self.proxy = AuditFilterModel(self.model, self)

        self.who = QLineEdit()
        self.who.setObjectName("auditWho")
        self.who.setClearButtonEnabled(True)
        self.who.textChanged.connect(self.proxy.set_who)
        self.cause = QComboBox()
        self.cause.setObjectName("auditCause")
        self.cause.addItem("", None)
        for cause in Cause:
            self.cause.addItem("", cause.value)
        self.cause.currentIndexChanged.connect(self._on_cause)
        self.search = QLineEdit()
        self.search.setObjectName("auditSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)
        self.range = QComboBox()
        self.range.setObjectName("auditRange")
        for key, _seconds in RANGES:
            self.range.addItem("", key)
        self.range.setCurrentIndex(1)  # the last 7 days
        self.range.currentIndexChanged.connect(lambda _index: self.reload())
        now = QDateTime.currentDateTime()
        self.start = QDateTimeEdit(now.addDays(-1))
        self.end = QDateTimeEdit(now)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
            edit.editingFinished.connect(self.reload)
        self.range_label = QLabel()
        self.export = QPushButton()
        self.export.setObjectName("auditExport")
        self.export.clicked.connect(self._on_export)
        self.table = QTableView()
        self.table.setObjectName("auditTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(AuditColumn.DETAILS, QHeaderView.ResizeMode.Stretch)

        filters = QHBoxLayout()
        filters.addWidget(self.who)
        filters.addWidget(self.cause)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.export)
        times = QHBoxLayout()
        times.addWidget(self.range_label)
        times.addWidget(self.range)
        times.addWidget(self.start)
        times.addWidget(self.end)
        times.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(times)
        layout.addWidget(self.table)

        engine.event_recorded.connect(self._on_event)
        engine.program_added.connect(self._on_program_changed)
        engine.program_updated.connect(self._on_program_changed)
        self._retranslate()
        self.reload()

    # ------------------------------------------------------------------ reading

    def time_range(self) -> tuple[float | None, float | None]:
        """``(since, until)`` of the chosen range; ``until`` None means "up to now, and live"."""
        seconds = dict(RANGES)[self.range.currentData()]
        if seconds == 0.0:
            return self.start.dateTime().toSecsSinceEpoch(), self.end.dateTime().toSecsSinceEpoch() + 59.999
        if seconds is None:
            return None, None
        return self._clock() - seconds, None

    @Slot()
    def reload(self) -> None:
        custom = self.range.currentData() == "custom"
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        since, until = self._range = self.time_range()
        self._tasks.run(
            lambda: self._engine.events(since=since, until=until, limit=READ_LIMIT),  # type: ignore[attr-defined]
            self.model.load,
            lambda exc: self.status_message.emit(
                self.tr("Cannot read the audit log: %1").replace("%1", str(exc))
            ),
            owner=self,
            key=f"audit-{id(self)}",
        )

    def _name_of(self, program_id: int | None) -> str:
        if program_id is None:
            return ""
        return self._names.get(program_id, f"#{program_id}")

    @Slot(object)
    def _on_program_changed(self, spec: ProgramSpec) -> None:
        self._names[spec.id] = spec.name

    @Slot(object)
    def _on_event(self, event: Event) -> None:
        since, until = self._range
        if until is None and (since is None or event.time >= since):
            self.model.prepend(event)

    @Slot(int)
    def _on_cause(self, _index: int) -> None:
        value = self.cause.currentData()
        self.proxy.set_cause(Cause(value) if value else None)

    # ------------------------------------------------------------------ export

    def export_rows(self) -> tuple[list[str], list[list[str]]]:
        """The header and the rows shown (filters applied), as the CSV holds them."""
        titles = self.model.titles()
        header = [titles[column] for column in AuditColumn]
        rows = [[self.model.cell_text(e, c) for c in AuditColumn] for e in self.proxy.visible_events()]
        return header, rows

    def export_to(self, path: str) -> None:
        """Write the shown rows to ``path`` in the background; the status bar says how it went."""
        header, rows = self.export_rows()
        self._tasks.run(
            lambda: write_csv(path, header, rows),
            lambda count: self.status_message.emit(self.tr("Exported %n entries to ", "", count) + path),
            lambda exc: self.status_message.emit(self.tr("Export failed: ") + str(exc)),
            owner=self,
        )

    @Slot()
    def _on_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export audit log"), "audit.csv", self.tr("CSV files (*.csv)")
        )
        if path:
            self.export_to(path)

    # ------------------------------------------------------------------ Qt

    def _retranslate(self) -> None:
        self.who.setPlaceholderText(self.tr("Who"))
        self.search.setPlaceholderText(self.tr("Search the audit log"))
        self.cause.setItemText(0, self.tr("Everyone and everything"))
        for index in range(1, self.cause.count()):
            self.cause.setItemText(index, cause_label(Cause(self.cause.itemData(index)), ""))
        labels = {
            "24h": self.tr("Last 24 hours"),
            "7d": self.tr("Last 7 days"),
            "30d": self.tr("Last 30 days"),
            "all": self.tr("Everything kept"),
            "custom": self.tr("From – to"),
        }
        for index in range(self.range.count()):
            self.range.setItemText(index, labels[self.range.itemData(index)])
        self.range_label.setText(self.tr("When"))
        self.export.setText(self.tr("Export CSV…"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
