"""The Schedules view: every scheduled action with what it does, when, and when it runs next.

Schedules come from the engine's registry (in memory) and are diffed into the table on ``schedules_changed``,
so selection survives edits. The next run comes from the engine's planner (``next_fire``); the planner takes a
change at its next poll, so until then — or when it cannot plan a schedule — the time is computed here with
the same ``next_fire`` arithmetic, and a schedule that cannot be planned says why. While the page is visible a
one-second timer re-reads the planned times and repaints the countdowns; nothing here touches SQL.
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QComboBox, QHeaderView, QLabel, QVBoxLayout, QWidget

from monitor_app.core.model import ProgramSpec
from monitor_app.core.schedules import Schedule, ScheduleAction, WhenPlayersOnline
from monitor_app.engine.automation import Automation
from monitor_app.engine.facade import EngineFacade
from monitor_app.schedules import next_fire
from monitor_app.ui.automation_labels import column_width, full_time
from monitor_app.ui.record_page import (
    RECORD_ID_ROLE,
    RecordPage,
    RecordTableModel,
    make_action,
    make_table,
    tool_bar,
)
from monitor_app.ui.schedule_dialog import ScheduleDialog
from monitor_app.ui.schedule_labels import (
    action_label,
    countdown_text,
    next_run_text,
    players_needs_plugin_hint,
    players_policy_hint,
    players_policy_text,
    warnings_hint,
    warnings_text,
    when_text,
)

# The schedule id of a row, in any column.
SCHEDULE_ID_ROLE = RECORD_ID_ROLE
# Raw value for sorting (times sort as times).
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
# How often the planned times are re-read and the countdowns repainted (only while the page is visible).
COUNTDOWN_MS = 1000
DISABLED_COLOR = "#8a8f96"
ERROR_COLOR = "#c9362c"


class ScheduleColumn(IntEnum):
    PROGRAM = 0
    NAME = 1
    ACTION = 2
    WHEN = 3
    WARNINGS = 4
    PLAYERS = 5
    ENABLED = 6
    NEXT_RUN = 7


@dataclass(frozen=True, slots=True)
class NextRun:
    """When a schedule runs next: a time, or the reason there is none (both empty: it does not run)."""

    time: float | None = None
    problem: str = ""


def expected_next_run(schedule: Schedule, planned: float | None, now: float) -> NextRun:
    """The planner's time if it has one; else, for an enabled schedule, the arithmetic's (or its error)."""
    if not schedule.enabled:
        return NextRun()
    if planned is not None:
        return NextRun(planned)
    try:
        return NextRun(next_fire(schedule, now))
    except ValueError as exc:
        return NextRun(problem=str(exc))


class SchedulesModel(RecordTableModel):
    """Schedules by id, with their program's name and their next run.

    Signals:
        enabled_change_requested(int, bool): the user ticked or unticked a schedule's Enabled box.
    """

    columns = ScheduleColumn
    enabled_column = ScheduleColumn.ENABLED

    def __init__(self, *, clock: Callable[[], float] = time.time, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self._next: dict[int, NextRun] = {}
        self._programs: dict[int, str] = {}

    # ------------------------------------------------------------------ Qt model API

    def _titles(self) -> dict[ScheduleColumn, str]:
        return {
            ScheduleColumn.PROGRAM: self.tr("Program"),
            ScheduleColumn.NAME: self.tr("Name"),
            ScheduleColumn.ACTION: self.tr("Action"),
            ScheduleColumn.WHEN: self.tr("When"),
            ScheduleColumn.WARNINGS: self.tr("Warnings"),
            ScheduleColumn.PLAYERS: self.tr("Players online"),
            ScheduleColumn.ENABLED: self.tr("Enabled"),
            ScheduleColumn.NEXT_RUN: self.tr("Next run"),
        }

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        schedule = self._records[index.row()]
        column = ScheduleColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(schedule, column)
        if role == SCHEDULE_ID_ROLE:
            return schedule.id
        if role == SORT_ROLE:
            return self._sort_key(schedule, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == ScheduleColumn.ENABLED:
            return Qt.CheckState.Checked if schedule.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == ScheduleColumn.NEXT_RUN and self.next_run(schedule.id).problem:
                return QBrush(QColor(ERROR_COLOR))
            if not schedule.enabled:
                return QBrush(QColor(DISABLED_COLOR))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(schedule, column)
        return None

    def cell_text(self, schedule: Schedule, column: ScheduleColumn) -> str:
        if column == ScheduleColumn.PROGRAM:
            return self.program_name(schedule.program_id)
        if column == ScheduleColumn.NAME:
            return schedule.name or self.tr("(unnamed #%1)").replace("%1", str(schedule.id))
        if column == ScheduleColumn.ACTION:
            return action_label(schedule.action, schedule.plugin_action)
        if column == ScheduleColumn.WHEN:
            return when_text(schedule)
        if column == ScheduleColumn.WARNINGS:
            return warnings_text(schedule.warnings_min)
        if column == ScheduleColumn.PLAYERS:
            return players_policy_text(schedule.when_players_online, schedule.defer_max_min)
        if column == ScheduleColumn.ENABLED:
            return ""
        upcoming = self.next_run(schedule.id)
        if upcoming.problem:
            return self.tr("Cannot plan: %1").replace("%1", upcoming.problem)
        return next_run_text(upcoming.time, now=self._clock())

    def _tooltip(self, schedule: Schedule, column: ScheduleColumn) -> str | None:
        if column == ScheduleColumn.NEXT_RUN:
            upcoming = self.next_run(schedule.id)
            if upcoming.problem:
                return upcoming.problem
            if upcoming.time is None:
                return self.tr("Switched off: it does not run.") if not schedule.enabled else None
            return full_time(upcoming.time)
        if column == ScheduleColumn.WHEN:
            if schedule.timezone:
                return self.tr("Times follow the clock of %1.").replace("%1", schedule.timezone)
            return self.tr("Times follow this computer's clock.")
        if column == ScheduleColumn.WARNINGS:
            return warnings_hint()
        if column == ScheduleColumn.PLAYERS:
            return f"{players_policy_hint(schedule.when_players_online)}\n{players_needs_plugin_hint()}"
        return None

    def _sort_key(self, schedule: Schedule, column: ScheduleColumn) -> object:
        if column == ScheduleColumn.NEXT_RUN:
            upcoming = self.next_run(schedule.id).time
            return float("inf") if upcoming is None else upcoming
        if column == ScheduleColumn.ENABLED:
            return int(schedule.enabled)
        if column == ScheduleColumn.WARNINGS:
            return max(schedule.warnings_min, default=0)
        if column == ScheduleColumn.PLAYERS:
            return (list(WhenPlayersOnline).index(schedule.when_players_online), schedule.defer_max_min)
        return self.cell_text(schedule, column).casefold()

    # ------------------------------------------------------------------ lookups

    schedule = RecordTableModel.record
    schedules = RecordTableModel.records

    def next_run(self, schedule_id: int) -> NextRun:
        return self._next.get(schedule_id, NextRun())

    def program_name(self, program_id: int) -> str:
        return self._programs.get(program_id) or f"#{program_id}"

    # ------------------------------------------------------------------ changes

    set_schedules = RecordTableModel.set_records

    def _forget(self, record_id: int) -> None:
        self._next.pop(record_id, None)

    def set_program_names(self, names: Mapping[int, str]) -> None:
        if dict(names) == self._programs:
            return
        self._programs = dict(names)
        if self._records:
            last = len(self._records) - 1
            self.dataChanged.emit(
                self.index(0, ScheduleColumn.PROGRAM), self.index(last, ScheduleColumn.PROGRAM)
            )

    def set_next_runs(self, planned: Mapping[int, NextRun]) -> None:
        """New next runs; rows whose time changed are repainted (and re-sorted by a proxy)."""
        for row, schedule in enumerate(self._records):
            upcoming = planned.get(schedule.id, NextRun())
            if self._next.get(schedule.id) != upcoming:
                self._next[schedule.id] = upcoming
                index = self.index(row, ScheduleColumn.NEXT_RUN)
                self.dataChanged.emit(index, index)

    def repaint_countdowns(self) -> None:
        """Repaint the "next run" cells (one ``dataChanged`` over the column, display text only)."""
        if self._records:
            self.dataChanged.emit(
                self.index(0, ScheduleColumn.NEXT_RUN),
                self.index(len(self._records) - 1, ScheduleColumn.NEXT_RUN),
                [Qt.ItemDataRole.DisplayRole],
            )


class SchedulesFilterModel(QSortFilterProxyModel):
    """Shows the schedules of one program (or all); sorts by raw values."""

    def __init__(self, source: SchedulesModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._program_id: int | None = None

    @property
    def program_id(self) -> int | None:
        return self._program_id

    def set_program(self, program_id: int | None) -> None:
        self.beginFilterChange()
        self._program_id = program_id
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        if self._program_id is None:
            return True
        model: SchedulesModel = self.sourceModel()  # type: ignore[assignment]
        schedule_id = model.data(model.index(source_row, 0, source_parent), SCHEDULE_ID_ROLE)
        schedule = model.schedule(schedule_id)
        return schedule is not None and schedule.program_id == self._program_id


class SchedulesView(RecordPage):
    """Schedules with Add / Edit / Delete / Enable and a filter by program.

    Args:
        engine: The engine facade: its programs (``programs()`` and the program signals) and its
            ``automation`` (schedule commands and queries, ``schedules_changed``).

    Signals:
        status_message(str): something to show in the status bar (refused commands).
    """

    status_message = Signal(str)
    result_attribute = "result_schedule"

    def __init__(self, engine: EngineFacade, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schedulesView")
        self._engine = engine
        self._automation: Automation = engine.automation  # type: ignore[attr-defined]
        self.dialog: ScheduleDialog | None = None

        self.model = SchedulesModel(parent=self)
        self.model.enabled_change_requested.connect(self._on_enabled_change_requested)
        self.proxy = SchedulesFilterModel(self.model, self)
        self._make_actions()

        self.program_filter = QComboBox()
        self.program_filter.setObjectName("scheduleProgramFilter")
        self.program_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.program_filter.addItem("", None)
        self.program_filter.currentIndexChanged.connect(self._on_program_filter)

        self.table = make_table(
            "schedulesTable",
            self.proxy,
            self.fontMetrics().height() + 8,
            on_context_menu=self._on_context_menu,
        )
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(ScheduleColumn.NEXT_RUN, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._on_double_clicked)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(ScheduleColumn.NAME, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.hint = QLabel()
        self.hint.setObjectName("schedulesHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: palette(mid);")

        bar = tool_bar(self.add_action, self.edit_action, self.delete_action, self.toggle_action)
        bar.addStretch(1)
        self.filter_label = QLabel()
        bar.addWidget(self.filter_label)
        bar.addWidget(self.program_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)

        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_MS)
        self._countdown.timeout.connect(self._on_countdown)

        self._automation.schedules_changed.connect(self._on_schedules_changed)
        engine.program_added.connect(self._on_programs_changed)
        engine.program_updated.connect(self._on_programs_changed)
        engine.program_removed.connect(self._on_programs_changed)
        self._on_programs_changed()
        self.model.set_schedules(self._automation.schedules())
        self.refresh_next_runs()
        self._retranslate()
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Column widths for the current language and font (a restored layout overrides them)."""
        metrics = self.fontMetrics()
        header = self.table.horizontalHeader()
        for column, samples in (
            (ScheduleColumn.PROGRAM, ["Palworld server"]),
            (ScheduleColumn.ACTION, [action_label(ScheduleAction.RESTART)]),
            (ScheduleColumn.WHEN, ["Mon–Fri at 04:00 (Asia/Seoul)"]),
            (ScheduleColumn.WARNINGS, [warnings_text((10, 5, 1))]),
            (ScheduleColumn.PLAYERS, [players_policy_text(WhenPlayersOnline.DEFER, 30)]),
            (ScheduleColumn.ENABLED, []),
            (ScheduleColumn.NEXT_RUN, [f"Wed 12-31 23:59 · {countdown_text(23 * 3600 + 59 * 60)}"]),
        ):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, column_width(metrics, title, *samples))

    def _make_actions(self) -> None:
        self.add_action = make_action(self, "addSchedule", self.add_schedule)
        self.edit_action = make_action(self, "editSchedule", self.edit_selected)
        self.delete_action = make_action(self, "deleteSchedule", self.delete_selected)
        self.toggle_action = make_action(self, "toggleSchedule", self.toggle_selected)

    # ------------------------------------------------------------------ selection

    def selected_schedule(self) -> Schedule | None:
        return self._selected_record()

    def select_schedule(self, schedule_id: int) -> bool:
        return self._select_record(schedule_id)

    def set_program_filter(self, program_id: int | None) -> None:
        index = self.program_filter.findData(program_id)
        self.program_filter.setCurrentIndex(max(index, 0))

    def cell(self, schedule_id: int, column: ScheduleColumn) -> str:
        """The text a schedule's row shows in ``column`` (empty if it has no row)."""
        row = self.model.row_of(schedule_id)
        return "" if row is None else str(self.model.index(row, column).data() or "")

    # ------------------------------------------------------------------ commands

    @Slot()
    def add_schedule(self) -> None:
        self._open_dialog(
            ScheduleDialog(
                self._automation.add_schedule,
                self._engine.programs(),  # type: ignore[attr-defined]
                program_id=self.proxy.program_id,
                parent=self,
            )
        )

    @Slot()
    def edit_selected(self) -> None:
        schedule = self.selected_schedule()
        if schedule is None:
            return

        def submit(data: dict[str, object]) -> Schedule:
            return self._automation.update_schedule(schedule.id, data)

        self._open_dialog(ScheduleDialog(submit, self._engine.programs(), schedule, parent=self))  # type: ignore[attr-defined]

    def _reveal(self, record_id: int) -> None:
        if not self.select_schedule(record_id):
            self.set_program_filter(None)  # added for a program the filter hides
            self.select_schedule(record_id)

    @Slot()
    def delete_selected(self) -> None:
        schedule = self.selected_schedule()
        if schedule is None:
            return
        if self._confirm_delete(
            self.tr("Delete schedule"),
            self.tr("Delete the schedule “%1” of %2?")
            .replace("%1", self.model.cell_text(schedule, ScheduleColumn.NAME))
            .replace("%2", self.model.program_name(schedule.program_id)),
            self.tr("It will not run again. What it did stays in the event log and the job list."),
            self.tr("Delete"),
        ):
            self._run(self._automation.remove_schedule, schedule.id)

    def _set_enabled(self, schedule_id: int, enabled: bool) -> None:
        self._run(self._automation.update_schedule, schedule_id, {"enabled": enabled})

    def refresh_next_runs(self) -> None:
        """Re-read the planner's next runs (memory only) and fill the gaps with the arithmetic's."""
        now = time.time()
        self.model.set_next_runs(
            {
                schedule.id: expected_next_run(schedule, self._automation.next_fire(schedule.id), now)
                for schedule in self.model.schedules()
            }
        )

    # ------------------------------------------------------------------ state persisted in QSettings

    def restore_state(self, settings: QSettings) -> None:
        columns = settings.value("automation/schedules/columns")
        if isinstance(columns, QByteArray):
            self.table.horizontalHeader().restoreState(columns)
        program = settings.value("automation/schedules/program")
        try:
            self.set_program_filter(int(program) if program not in (None, "") else None)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            pass

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("automation/schedules/columns", self.table.horizontalHeader().saveState())
        program = self.proxy.program_id
        settings.setValue("automation/schedules/program", "" if program is None else program)

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_schedules_changed(self) -> None:
        self.model.set_schedules(self._automation.schedules())
        self.refresh_next_runs()
        self._update_actions()
        self._update_hint()
        self._sync_countdown()

    @Slot()
    def _on_programs_changed(self) -> None:
        programs: tuple[ProgramSpec, ...] = self._engine.programs()  # type: ignore[attr-defined]
        self.model.set_program_names({spec.id: spec.name for spec in programs})
        current = self.program_filter.currentData()
        self.program_filter.blockSignals(True)
        while self.program_filter.count() > 1:
            self.program_filter.removeItem(1)
        for spec in programs:
            self.program_filter.addItem(spec.name, spec.id)
        index = self.program_filter.findData(current)
        self.program_filter.setCurrentIndex(max(index, 0))
        self.program_filter.blockSignals(False)
        if index < 0:  # the filtered program is gone
            self._on_program_filter()
        self._update_hint()

    @Slot()
    def _on_program_filter(self) -> None:
        self.proxy.set_program(self.program_filter.currentData())
        self._update_actions()
        self._update_hint()

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_actions()

    @Slot()
    def _on_countdown(self) -> None:
        self.refresh_next_runs()
        self.model.repaint_countdowns()

    def _sync_countdown(self) -> None:
        if self.isVisible() and self.model.rowCount() and not self._countdown.isActive():
            self._countdown.start()
        elif not self.model.rowCount():
            self._countdown.stop()

    def _on_context_menu(self, position) -> None:  # type: ignore[no-untyped-def]
        self._popup_menu(
            position, [self.edit_action, self.toggle_action], [self.delete_action], [self.add_action]
        )

    def _update_actions(self) -> None:
        self._update_record_actions(
            self.selected_schedule(),
            (self.edit_action, self.delete_action, self.toggle_action),
            enable=self.tr("Enable"),
            disable=self.tr("Disable"),
        )

    def _update_hint(self) -> None:
        if not self._engine.programs():  # type: ignore[attr-defined]
            text = self.tr("Register a program in the Programs tab first; then schedule its restarts here.")
        elif not self.model.rowCount():
            text = self.tr(
                "No schedules yet. Add one to restart a server every night, for example; players get "
                "warnings before it happens."
            )
        elif not self.proxy.rowCount():
            text = self.tr("This program has no schedules.")
        else:
            text = ""
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Schedules"))
        self.add_action.setText(self.tr("Add…"))
        self.add_action.setToolTip(self.tr("Restart, start or stop a program at set times"))
        self.edit_action.setText(self.tr("Edit…"))
        self.delete_action.setText(self.tr("Delete"))
        self.toggle_action.setToolTip(self.tr("Switch the selected schedule on or off"))
        self.filter_label.setText(self.tr("Program:"))
        self.program_filter.setItemText(0, self.tr("All programs"))
        self._update_actions()
        self._update_hint()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self._on_countdown()
        self._sync_countdown()

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().hideEvent(event)
        self._countdown.stop()
