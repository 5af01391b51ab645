"""The Jobs view: queued, running and recently finished jobs (webhook deliveries, scheduled actions…).

Rows are updated in place from the engine's ``job_changed`` signal, never reset, so selection and scrolling
survive every change (a long job's progress bar moves the same way). The list is bounded like the engine's
own: every unfinished job plus the newest ``FINISHED_KEPT_IN_MEMORY`` finished ones. Reading it is cheap
(memory only), so nothing here goes to SQL.
"""

import json
import time
from collections.abc import Iterable
from enum import IntEnum

from PySide6.QtCore import (
    QEvent,
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
from PySide6.QtGui import QAction, QBrush, QColor, QGuiApplication, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionProgressBar,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.errors import MonitorError
from monitor_app.core.jobs import Job, JobProgress, JobState
from monitor_app.engine.automation import Automation
from monitor_app.jobs.queue import FINISHED_KEPT_IN_MEMORY
from monitor_app.ui.automation_labels import (
    JOB_STATE_COLORS,
    column_width,
    countdown,
    full_time,
    job_kind_label,
    job_state_label,
    job_title,
    short_time,
)
from monitor_app.ui.icons import dot_icon
from monitor_app.ui.record_page import ListTableModel, make_action, make_table, restore_states, select_row
from monitor_app.ui.session import GuiSession

# Raw value for sorting (numbers sort as numbers).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
# The Job of a row, in any column.
JOB_ROLE = Qt.ItemDataRole.UserRole + 2
# How often the "next run" countdowns are repainted (only while the view is visible and something waits).
COUNTDOWN_MS = 1000
# Job changes are gathered this long and applied together (a burst of deliveries is one model update).
APPLY_DELAY_MS = 50
# At most this many changes per turn (each inserted row costs the filter proxy a Python call).
APPLY_CHUNK = 200
# States a job can be retried from / cancelled in (the engine's rules; it has the last word).
RETRYABLE = frozenset({JobState.FAILED, JobState.CANCELLED})
CANCELLABLE = frozenset({JobState.QUEUED, JobState.RUNNING})


class JobColumn(IntEnum):
    ID = 0
    TITLE = 1
    KIND = 2
    STATE = 3
    ATTEMPTS = 4
    NEXT_RUN = 5
    LAST_ERROR = 6
    CREATED = 7
    FINISHED = 8
    PROGRESS = 9  # last, so a saved column layout of an older release still fits; shown after State


def progress_text(progress: JobProgress | None) -> str:
    """``42 % · 12.5 of 40.0 MB backed up`` (either part alone when the other is unknown)."""
    if progress is None:
        return ""
    parts = [] if progress.percent is None else [f"{progress.percent} %"]
    if progress.text:
        parts.append(progress.text)
    return " · ".join(parts)


class ProgressDelegate(QStyledItemDelegate):
    """Draws the Progress cell as a bar with its text when the job reports a percentage."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        job = index.data(JOB_ROLE)
        percent = job.progress.percent if isinstance(job, Job) and job.progress is not None else None
        if percent is None:
            super().paint(painter, option, index)
            return
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(2, 3, -2, -3)  # type: ignore[attr-defined]
        bar.palette = option.palette  # type: ignore[attr-defined]
        bar.fontMetrics = option.fontMetrics  # type: ignore[attr-defined]
        bar.direction = option.direction  # type: ignore[attr-defined]
        bar.state = option.state | QStyle.StateFlag.State_Horizontal  # type: ignore[attr-defined]
        bar.minimum, bar.maximum, bar.progress = 0, 100, percent
        bar.text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)


class StateFilter(IntEnum):
    ALL = 0
    ACTIVE = 1
    FAILED = 2
    DONE = 3
    CANCELLED = 4


_FILTER_STATES: dict[StateFilter, frozenset[JobState] | None] = {
    StateFilter.ALL: None,
    StateFilter.ACTIVE: frozenset({JobState.QUEUED, JobState.RUNNING}),
    StateFilter.FAILED: frozenset({JobState.FAILED}),
    StateFilter.DONE: frozenset({JobState.DONE}),
    StateFilter.CANCELLED: frozenset({JobState.CANCELLED}),
}


def waits(job: Job, now: float) -> bool:
    """Queued with its next attempt still in the future (its countdown moves)."""
    return job.state is JobState.QUEUED and job.run_after > now


class JobsModel(ListTableModel):
    """Jobs, newest (highest id) first, bounded to the unfinished ones plus ``max_finished`` finished ones."""

    columns = JobColumn

    def __init__(self, *, max_finished: int = FINISHED_KEPT_IN_MEMORY, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: list[Job] = []
        self._row_of: dict[int, int] = {}
        self._max_finished = max_finished

    # ------------------------------------------------------------------ Qt model API

    def _titles(self) -> dict[JobColumn, str]:
        return {
            JobColumn.ID: self.tr("#"),
            JobColumn.TITLE: self.tr("Job"),
            JobColumn.KIND: self.tr("Kind"),
            JobColumn.STATE: self.tr("State"),
            JobColumn.ATTEMPTS: self.tr("Attempts"),
            JobColumn.NEXT_RUN: self.tr("Next run"),
            JobColumn.LAST_ERROR: self.tr("Last error"),
            JobColumn.CREATED: self.tr("Created"),
            JobColumn.FINISHED: self.tr("Finished"),
            JobColumn.PROGRESS: self.tr("Progress"),
        }

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        job = self._records[index.row()]
        column = JobColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(job, column)
        if role == JOB_ROLE:
            return job
        if role == SORT_ROLE:
            return self._sort_key(job, column)
        if role == Qt.ItemDataRole.DecorationRole and column == JobColumn.STATE:
            return dot_icon(JOB_STATE_COLORS[job.state])
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == JobColumn.STATE and job.state is JobState.FAILED:
                return QBrush(QColor(JOB_STATE_COLORS[JobState.FAILED]))
            if column == JobColumn.LAST_ERROR and job.state is not JobState.DONE:
                return QBrush(QColor(JOB_STATE_COLORS[JobState.FAILED]))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == JobColumn.LAST_ERROR and job.last_error:
                return job.last_error
            if column == JobColumn.TITLE:
                return job.title or None
            if column == JobColumn.PROGRESS and job.progress is not None:
                return progress_text(job.progress)
            if column in (JobColumn.CREATED, JobColumn.FINISHED, JobColumn.NEXT_RUN):
                stamp = {
                    JobColumn.CREATED: job.created_at,
                    JobColumn.FINISHED: job.finished_at,
                    JobColumn.NEXT_RUN: job.run_after if job.state is JobState.QUEUED else None,
                }[column]
                return full_time(stamp) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (JobColumn.ID, JobColumn.ATTEMPTS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def cell_text(self, job: Job, column: JobColumn, now: float | None = None) -> str:
        if column == JobColumn.ID:
            return str(job.id)
        if column == JobColumn.TITLE:
            return job_title(job)
        if column == JobColumn.KIND:
            return job_kind_label(job.kind)
        if column == JobColumn.STATE:
            return job_state_label(job.state)
        if column == JobColumn.ATTEMPTS:
            return f"{job.attempts} / {job.max_attempts}"
        if column == JobColumn.NEXT_RUN:
            if job.state is not JobState.QUEUED:
                return ""
            return countdown(job.run_after - (time.time() if now is None else now))
        if column == JobColumn.LAST_ERROR:
            return job.last_error.splitlines()[0] if job.last_error else ""
        if column == JobColumn.CREATED:
            return short_time(job.created_at)
        if column == JobColumn.PROGRESS:
            return progress_text(job.progress)
        return short_time(job.finished_at)

    @staticmethod
    def _sort_key(job: Job, column: JobColumn) -> object:
        if column == JobColumn.STATE:
            return list(JobState).index(job.state)
        if column == JobColumn.ATTEMPTS:
            return job.attempts
        if column == JobColumn.NEXT_RUN:
            return job.run_after if job.state is JobState.QUEUED else float("inf")
        if column == JobColumn.CREATED:
            return job.created_at
        if column == JobColumn.FINISHED:
            return job.finished_at or 0.0
        if column == JobColumn.TITLE:
            return job_title(job).casefold()
        if column == JobColumn.KIND:
            return job.kind
        if column == JobColumn.LAST_ERROR:
            return job.last_error.casefold()
        if column == JobColumn.PROGRESS:
            percent = job.progress.percent if job.progress is not None else None
            return -1 if percent is None else percent
        return job.id

    # ------------------------------------------------------------------ lookups

    def job(self, job_id: int) -> Job | None:
        row = self._row_of.get(job_id)
        return None if row is None else self._records[row]

    def row_of(self, job_id: int) -> int | None:
        return self._row_of.get(job_id)

    def jobs(self) -> tuple[Job, ...]:
        return tuple(self._records)

    # ------------------------------------------------------------------ changes

    def upsert(self, job: Job) -> None:
        """Show a job's new state: repaint its row, or insert it where its id belongs."""
        row = self._row_of.get(job.id)
        if row is not None:
            if self._records[row] != job:
                self._records[row] = job
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(JobColumn) - 1))
        else:
            row = next((r for r, other in enumerate(self._records) if other.id < job.id), len(self._records))
            self.beginInsertRows(QModelIndex(), row, row)
            self._records.insert(row, job)
            self._reindex()
            self.endInsertRows()
        if job.finished:
            self._trim()

    def upsert_many(self, jobs: Iterable[Job]) -> None:
        """Apply a batch of changes: new jobs newer than every row go in as one block at the top (a burst of a
        thousand deliveries is one insertion, not a thousand), the rest one by one."""
        latest: dict[int, Job] = {}
        for job in jobs:
            latest[job.id] = job
        newest = self._records[0].id if self._records else 0
        fresh = sorted((j for j in latest.values() if j.id not in self._row_of and j.id > newest),
                       key=lambda j: j.id, reverse=True)
        if fresh:
            self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
            self._records[0:0] = fresh
            self._reindex()
            self.endInsertRows()
        fresh_ids = {job.id for job in fresh}
        for job in latest.values():
            if job.id not in fresh_ids:
                self.upsert(job)  # repaints a changed row; inserts the odd older one
        if any(job.finished for job in fresh):
            self._trim()

    def sync(self, jobs: Iterable[Job]) -> None:
        """Catch up with the engine's list (changes that came without a signal); rows are kept, not reset.

        The first fill is one reset (nothing is selected yet); later ones update row by row.
        """
        ordered = sorted(jobs, key=lambda j: j.id, reverse=True)
        if not self._records:
            finished = [job for job in ordered if job.finished][self._max_finished :]
            dropped = {job.id for job in finished}
            self.beginResetModel()
            self._records = [job for job in ordered if job.id not in dropped]
            self._reindex()
            self.endResetModel()
            return
        self.upsert_many(ordered)

    def repaint_countdowns(self, now: float) -> None:
        """Repaint the "next run" cells of jobs that wait (one ``dataChanged`` over their span)."""
        rows = [row for row, job in enumerate(self._records) if job.state is JobState.QUEUED]
        if rows:
            self.dataChanged.emit(
                self.index(min(rows), JobColumn.NEXT_RUN),
                self.index(max(rows), JobColumn.NEXT_RUN),
                [Qt.ItemDataRole.DisplayRole],
            )

    def any_waiting(self, now: float) -> bool:
        return any(waits(job, now) for job in self._records)

    def _trim(self) -> None:
        """Drop the oldest finished rows beyond the bound (the engine forgets them the same way)."""
        finished = [row for row, job in enumerate(self._records) if job.finished]
        extra = len(finished) - self._max_finished
        if extra <= 0:
            return
        oldest = sorted(finished, key=lambda r: self._records[r].id)[:extra]
        for row in sorted(oldest, reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._records[row]
            self.endRemoveRows()
        self._reindex()

    def _reindex(self) -> None:
        self._row_of = {job.id: row for row, job in enumerate(self._records)}


class JobsFilterModel(QSortFilterProxyModel):
    """Filters by state group and by a text found in any column; sorts by raw values."""

    def __init__(self, source: JobsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)
        self._states: frozenset[JobState] | None = None
        self._text = ""

    def set_states(self, states: frozenset[JobState] | None) -> None:
        self.beginFilterChange()
        self._states = states
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def set_text(self, text: str) -> None:
        self.beginFilterChange()
        self._text = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        model: JobsModel = self.sourceModel()  # type: ignore[assignment]
        job: Job = model.data(model.index(source_row, 0, source_parent), JOB_ROLE)
        if self._states is not None and job.state not in self._states:
            return False
        if self._text:
            haystack = " ".join(
                [*(model.cell_text(job, column) for column in JobColumn), job.title, job.kind, job.last_error]
            ).casefold()
            return self._text in haystack
        return True

    def job_at(self, row: int) -> Job:
        return self.data(self.index(row, 0), JOB_ROLE)


class JobsView(QWidget):
    """The jobs table with its filters, Retry/Cancel, and a pane with the selected job in full.

    Args:
        automation: The engine's automation (``jobs()``, ``retry_job``, ``cancel_job``, ``job_changed``…).

    Signals:
        status_message(str): something to show in the status bar (a refused retry or cancel).
    """

    status_message = Signal(str)

    def __init__(self, automation: Automation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobsView")
        self._automation = automation
        self.session: GuiSession | None = None
        self.model = JobsModel(parent=self)
        self.proxy = JobsFilterModel(self.model, self)

        self.state_filter = QComboBox()
        self.state_filter.setObjectName("jobStateFilter")
        for choice in StateFilter:
            self.state_filter.addItem("", int(choice))
        self.state_filter.currentIndexChanged.connect(self._on_state_filter)
        self.search = QLineEdit()
        self.search.setObjectName("jobSearch")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_text)

        self.retry_action = make_action(self, "retryJob", self.retry_selected)
        self.cancel_action = make_action(self, "cancelJob", self.cancel_selected)
        self.copy_error_action = QAction(self)
        self.copy_error_action.triggered.connect(self._on_copy_error)
        self.retry_button = QToolButton()
        self.retry_button.setDefaultAction(self.retry_action)
        self.cancel_button = QToolButton()
        self.cancel_button.setDefaultAction(self.cancel_action)

        self.table = make_table(
            "jobsTable",
            self.proxy,
            self.fontMetrics().height() + 8,
            selection=QAbstractItemView.SelectionMode.ExtendedSelection,
            on_context_menu=self._on_context_menu,
        )
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(JobColumn.ID, Qt.SortOrder.DescendingOrder)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(JobColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.moveSection(header.visualIndex(JobColumn.PROGRESS), header.visualIndex(JobColumn.STATE) + 1)
        self.progress_delegate = ProgressDelegate(self.table)
        self.table.setItemDelegateForColumn(JobColumn.PROGRESS, self.progress_delegate)
        self._fit_columns()
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.detail = QPlainTextEdit()
        self.detail.setObjectName("jobDetail")
        self.detail.setReadOnly(True)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("jobsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([400, 180])

        bar = QHBoxLayout()
        bar.addWidget(self.state_filter)
        bar.addWidget(self.search, 1)
        bar.addWidget(self.retry_button)
        bar.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_MS)
        self._countdown.timeout.connect(self._on_countdown)

        self._pending: list[Job] = []
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(APPLY_DELAY_MS)
        self._apply_timer.timeout.connect(self._apply_pending)

        self.model.sync(automation.jobs())
        automation.job_changed.connect(self._on_job_changed)
        self._retranslate()
        self._update_actions()

    def _fit_columns(self) -> None:
        """Column widths for the current language and font (a restored layout overrides them)."""
        metrics = self.fontMetrics()
        header = self.table.horizontalHeader()
        for column, samples, icon in (
            (JobColumn.ID, ["00000"], False),
            (JobColumn.KIND, [job_kind_label("webhook.deliver"), job_kind_label("schedule.action")], False),
            (JobColumn.STATE, [job_state_label(state) for state in JobState], True),
            (JobColumn.ATTEMPTS, ["10 / 10"], False),
            (JobColumn.NEXT_RUN, [countdown(59), countdown(59 * 60)], False),
            (JobColumn.LAST_ERROR, ["connection refused (gave up after 5 attempts)"], False),
            (JobColumn.CREATED, ["00-00 00:00"], False),
            (JobColumn.FINISHED, ["00-00 00:00"], False),
            (JobColumn.PROGRESS, ["100 % · 999.9 of 999.9 MB"], False),
        ):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, column_width(metrics, title, *samples, icon=icon))

    # ------------------------------------------------------------------ public

    def refresh(self) -> None:
        """Catch up with the engine's jobs (in memory: cheap)."""
        self.model.sync(self._automation.jobs())
        self._show_detail()
        self._update_actions()

    def selected_jobs(self) -> list[Job]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.proxy.job_at(row) for row in rows]

    def select_job(self, job_id: int) -> bool:
        return select_row(self.table, self.model, self.model.row_of(job_id))

    def set_state_filter(self, choice: StateFilter) -> None:
        self.state_filter.setCurrentIndex(self.state_filter.findData(int(choice)))

    @Slot()
    def retry_selected(self) -> None:
        self._apply("retry_job", [job for job in self.selected_jobs() if job.state in RETRYABLE])

    @Slot()
    def cancel_selected(self) -> None:
        self._apply("cancel_job", [job for job in self.selected_jobs() if job.state in CANCELLABLE])

    def _apply(self, command: str, jobs: list[Job]) -> None:
        if self.session is not None and not self.session.can_change:
            self.status_message.emit(self.session.refusal())
            return
        problems = []
        for job in jobs:
            try:
                getattr(self._automation, command)(job.id)
            except MonitorError as exc:
                problems.append(exc.message)
        if problems:
            self.status_message.emit("; ".join(problems))
        self._update_actions()

    # ------------------------------------------------------------------ state persisted in QSettings

    def restore_state(self, settings: QSettings) -> None:
        restore_states(
            settings,
            (
                ("automation/jobs/splitter", self.splitter.restoreState),
                ("automation/jobs/columns", self.table.horizontalHeader().restoreState),
            ),
        )
        choice = settings.value("automation/jobs/filter")
        try:
            self.set_state_filter(StateFilter(int(choice)))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("automation/jobs/splitter", self.splitter.saveState())
        settings.setValue("automation/jobs/columns", self.table.horizontalHeader().saveState())
        settings.setValue("automation/jobs/filter", int(self.state_filter.currentData()))

    # ------------------------------------------------------------------ slots

    @Slot(object)
    def _on_job_changed(self, job: Job) -> None:
        """A lone change shows at once; changes that follow it within ``APPLY_DELAY_MS`` are gathered and
        applied together, so a burst of a thousand jobs never stalls the window."""
        if self._apply_timer.isActive():
            self._pending.append(job)
            return
        self._apply_timer.start()
        self._apply_changes([job])

    @Slot()
    def _apply_pending(self) -> None:
        jobs, self._pending = self._pending, []
        if not jobs:
            return
        if len(jobs) > APPLY_CHUNK:  # the oldest first, so each chunk is again newer than every row
            jobs.sort(key=lambda job: job.id)  # stable: a job's later change stays after its earlier one
            jobs, self._pending = jobs[:APPLY_CHUNK], jobs[APPLY_CHUNK:]
        self._apply_timer.start()  # still busy: keep gathering
        self._apply_changes(jobs)

    def _apply_changes(self, jobs: list[Job]) -> None:
        self.model.upsert_many(jobs)
        changed = {job.id for job in jobs}
        if any(s.id in changed for s in self.selected_jobs()):
            self._show_detail()
            self._update_actions()
        now = time.time()
        if any(waits(job, now) for job in jobs) and self.isVisible() and not self._countdown.isActive():
            self._countdown.start()

    @Slot()
    def _on_countdown(self) -> None:
        now = time.time()
        self.model.repaint_countdowns(now)
        if not self.model.any_waiting(now):
            self._countdown.stop()

    @Slot(int)
    def _on_state_filter(self, _index: int) -> None:
        self.proxy.set_states(_FILTER_STATES[StateFilter(self.state_filter.currentData())])

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_detail()
        self._update_actions()

    def _on_context_menu(self, position) -> None:  # type: ignore[no-untyped-def]
        menu = QMenu(self)
        menu.addActions([self.retry_action, self.cancel_action])
        menu.addSeparator()
        menu.addAction(self.copy_error_action)
        menu.exec(self.table.viewport().mapToGlobal(position))

    @Slot()
    def _on_copy_error(self) -> None:
        errors = [job.last_error for job in self.selected_jobs() if job.last_error]
        if errors:
            QGuiApplication.clipboard().setText("\n".join(errors))

    def set_session(self, session: GuiSession) -> None:
        """Follow ``session``: guests see the jobs but cannot retry or cancel them."""
        self.session = session
        session.changed.connect(self._update_actions)
        self._update_actions()

    def _update_actions(self) -> None:
        jobs = self.selected_jobs()
        self.retry_action.setEnabled(any(job.state in RETRYABLE for job in jobs))
        self.cancel_action.setEnabled(any(job.state in CANCELLABLE for job in jobs))
        self.copy_error_action.setEnabled(any(job.last_error for job in jobs))
        if self.session is not None:
            self.session.gate(self.retry_action, self.retry_action.isEnabled())
            self.session.gate(self.cancel_action, self.cancel_action.isEnabled())

    def _show_detail(self) -> None:
        jobs = self.selected_jobs()
        if len(jobs) != 1:
            self.detail.setPlainText("" if not jobs else self.tr("%n job(s) selected", "", len(jobs)))
            return
        text = self.describe(jobs[0])
        if self.detail.toPlainText() != text:
            self.detail.setPlainText(text)

    def describe(self, job: Job) -> str:
        """The selected job in full: what, where it stands, and its last error without cutting it."""
        lines = [f"#{job.id}  {job_title(job)}"]
        lines.append(self.tr("Kind: %1").replace("%1", f"{job_kind_label(job.kind)} ({job.kind})"))
        state = job_state_label(job.state)
        if job.state is JobState.QUEUED and job.run_after > time.time():
            state += " · " + self.tr("next attempt %1").replace("%1", countdown(job.run_after - time.time()))
        lines.append(self.tr("State: %1").replace("%1", state))
        lines.append(
            self.tr("Attempts: %1 of %2")
            .replace("%1", str(job.attempts))
            .replace("%2", str(job.max_attempts))
        )
        if job.progress is not None:
            lines.append(self.tr("Progress: %1").replace("%1", progress_text(job.progress)))
        lines.append(self.tr("Created: %1").replace("%1", full_time(job.created_at)))
        if job.finished_at:
            lines.append(self.tr("Finished: %1").replace("%1", full_time(job.finished_at)))
        if job.last_error:
            lines += ["", self.tr("Last error:"), job.last_error]
        if job.result:
            lines += [
                "",
                self.tr("Result: %1").replace("%1", json.dumps(dict(job.result), ensure_ascii=False)),
            ]
        return "\n".join(lines)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Jobs"))
        names = {
            StateFilter.ALL: self.tr("All jobs"),
            StateFilter.ACTIVE: self.tr("Active (queued or running)"),
            StateFilter.FAILED: self.tr("Failed"),
            StateFilter.DONE: self.tr("Done"),
            StateFilter.CANCELLED: self.tr("Cancelled"),
        }
        for index in range(self.state_filter.count()):
            self.state_filter.setItemText(index, names[StateFilter(self.state_filter.itemData(index))])
        self.search.setPlaceholderText(self.tr("Search jobs"))
        self.retry_action.setText(self.tr("Retry"))
        self.retry_action.setToolTip(
            self.tr("Run the selected failed or cancelled jobs again, with fresh attempts")
        )
        self.cancel_action.setText(self.tr("Cancel"))
        self.cancel_action.setToolTip(self.tr("Stop the selected jobs from running (again)"))
        self.copy_error_action.setText(self.tr("Copy error"))
        self.detail.setPlaceholderText(self.tr("Select a job to see its details and its full error."))
        self._show_detail()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self.model.repaint_countdowns(time.time())
        if self.model.any_waiting(time.time()):
            self._countdown.start()

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().hideEvent(event)
        self._countdown.stop()
