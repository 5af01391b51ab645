"""The main window: every program at a glance, one-click control, details, the system, the event log.

It talks to the engine facade only (commands, queries, signals). Anything that could block — history, event
pages, output tails, exports — goes through ``BackgroundTasks``; charts are built right after the first paint
so opening the window stays fast. What may be changed follows the session (``commands.session``): a guest
sees every tab with its change controls disabled.
"""

import os
from collections.abc import Callable

from PySide6.QtCore import (
    QByteArray,
    QEvent,
    QItemSelection,
    QModelIndex,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QWidget,
)

from monitor_app import __version__
from monitor_app.core.errors import MonitorError
from monitor_app.core.model import ProgramSpec, ProgramStatus
from monitor_app.core.ports import AccountsPort
from monitor_app.core.states import REST_STATES, Cause, ProgramState
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.alert_rules_view import AlertRulesView
from monitor_app.ui.audit_view import AuditView
from monitor_app.ui.automation_panel import AutomationPanel
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.events_view import EventsView
from monitor_app.ui.icons import app_icon
from monitor_app.ui.jobs_view import JobsView
from monitor_app.ui.program_commands import ProgramCommands, verb_applies
from monitor_app.ui.program_detail import ProgramDetail
from monitor_app.ui.program_dialog import ProgramDialog
from monitor_app.ui.programs_model import PROGRAM_ID_ROLE, Column, ProgramsFilterModel, ProgramsModel
from monitor_app.ui.schedules_view import SchedulesView
from monitor_app.ui.system_panel import SystemPanel
from monitor_app.ui.users_view import UsersView
from monitor_app.ui.webhooks_view import WebhooksView

STATUS_MESSAGE_MS = 6000


class MainWindow(QMainWindow):
    """The window.

    Args:
        engine: The engine facade (in-process today; remote later).
        tasks: Pool for blocking reads.
        commands: Start/stop/restart on behalf of the user; its ``session`` decides what may be changed.
        engine_label: What the status bar says about the engine ("Local engine", later a remote address).
        accounts: Users and API keys; given, the window has a Users tab (admins manage, guests are told why not).

    Signals:
        settings_requested(): the user opened Settings.
        quit_requested(): the user chose Quit (closing the window only hides it when a tray exists).
        hidden_to_tray(): the window was closed and is now in the tray.
        connect_requested(): the user chose "Connect to another PC…".
    """

    settings_requested = Signal()
    connect_requested = Signal()
    quit_requested = Signal()
    hidden_to_tray = Signal()

    def __init__(
        self,
        engine: EngineFacade,
        *,
        tasks: BackgroundTasks,
        commands: ProgramCommands,
        engine_label: str = "",
        accounts: AccountsPort | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.tasks = tasks
        self.commands = commands
        self.session = commands.session
        self.hide_to_tray = False
        self._engine_label = engine_label
        self._remote_host = ""
        self._api_address = ""
        self._pending_delete: set[int] = set()
        self.redraw_clock = None
        self._charts_scheduled = False
        self.setWindowIcon(app_icon())
        self.setObjectName("MainWindow")

        self.model = ProgramsModel(engine, self)
        self.proxy = ProgramsFilterModel(self.model, self)
        self.table = QTableView()
        self.table.setObjectName("programsTable")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.NAME, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(Column.NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.detail = ProgramDetail(engine, tasks, self)
        self.detail.status_message.connect(self.show_status_message)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("programsSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([280, 440])

        self.system = SystemPanel(engine, self)
        self.events = EventsView(engine, tasks, parent=self)
        self.events.status_message.connect(self.show_status_message)
        automation = engine.automation  # type: ignore[attr-defined]
        self.webhooks = WebhooksView(automation, tasks)
        self.webhooks.status_message.connect(self.show_status_message)
        self.jobs = JobsView(automation)
        self.jobs.status_message.connect(self.show_status_message)
        self.alert_rules = AlertRulesView(engine, automation)
        self.alert_rules.status_message.connect(self.show_status_message)
        self.automation = AutomationPanel()
        self.automation.add_page(self.webhooks)
        self.automation.add_page(self.alert_rules)
        self.schedules = SchedulesView(engine)
        self.schedules.status_message.connect(self.show_status_message)
        self.automation.add_page(self.schedules)
        self.automation.add_page(self.jobs)
        for page in (self.webhooks, self.alert_rules, self.schedules, self.jobs):
            page.set_session(self.session)
        if self.detail.plugins is not None:
            self.detail.plugins.set_session(self.session)
        self.audit = AuditView(engine, tasks, parent=self)
        self.audit.status_message.connect(self.show_status_message)
        self.users: UsersView | None = None
        if accounts is not None:
            self.users = UsersView(accounts, tasks, self.session, record_audit=engine.record_audit)  # type: ignore[attr-defined]
            self.users.status_message.connect(self.show_status_message)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("mainTabs")
        self.tabs.addTab(self.splitter, "")
        self.tabs.addTab(self.system, "")
        self.tabs.addTab(self.events, "")
        self.tabs.addTab(self.automation, "")
        self.tabs.addTab(self.audit, "")
        if self.users is not None:
            self.tabs.addTab(self.users, "")
        self.setCentralWidget(self.tabs)

        self._make_actions()
        self._make_menus_and_toolbar()
        self.engine_state = QLabel()
        self.counts = QLabel()
        self.api_label = QLabel()
        self.session_label = QLabel()
        self.session_label.setObjectName("sessionLabel")
        for label in (self.engine_state, self.session_label, self.counts, self.api_label):
            self.statusBar().addPermanentWidget(label)

        engine.status_changed.connect(self._on_status_changed)
        engine.program_added.connect(self._on_program_added)
        engine.command_failed.connect(lambda _pid, _code, message: self.show_status_message(message))
        engine.storage_failed.connect(self._on_storage_failed)
        engine.storage_recovered.connect(lambda: self.show_status_message(self.tr("Database writes work again")))
        self.session.changed.connect(self._on_session_changed)
        self._retranslate()
        self._update_counts()
        self._update_actions()
        self.resize(1100, 720)

    # ------------------------------------------------------------------ building

    def _make_actions(self) -> None:
        def action(name: str, slot: Callable[[], None], shortcut: QKeySequence | str | None = None) -> QAction:
            act = QAction(self)
            act.setObjectName(name)
            act.triggered.connect(slot)
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
            return act

        self.add_action = action("addProgram", self.add_program, QKeySequence.StandardKey.New)
        self.edit_action = action("editProgram", self.edit_selected, "Ctrl+E")
        self.delete_action = action("deleteProgram", self.delete_selected, QKeySequence.StandardKey.Delete)
        self.start_action = action("startProgram", lambda: self.run_on_selection("start"), "Ctrl+R")
        self.stop_action = action("stopProgram", lambda: self.run_on_selection("stop"), "Ctrl+T")
        self.restart_action = action("restartProgram", lambda: self.run_on_selection("restart"), "Ctrl+Shift+R")
        self.open_log_action = action("openLog", self.open_log)
        self.open_folder_action = action("openFolder", self.open_folder)
        self.settings_action = action("settings", self.settings_requested.emit, QKeySequence.StandardKey.Preferences)
        self.connect_action = action("connectRemote", self.connect_requested.emit)
        self.quit_action = action("quit", self.quit_requested.emit, QKeySequence.StandardKey.Quit)
        self.about_action = action("about", self._on_about)
        self.filter = QLineEdit()
        self.filter.setObjectName("programFilter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMaximumWidth(260)
        self.filter.textChanged.connect(self.proxy.set_filter_text)

    def _make_menus_and_toolbar(self) -> None:
        self.file_menu = self.menuBar().addMenu("")
        self.file_menu.addActions([self.add_action, self.settings_action])
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.connect_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.program_menu = self.menuBar().addMenu("")
        self.program_menu.addActions([self.start_action, self.stop_action, self.restart_action])
        self.program_menu.addSeparator()
        self.program_menu.addActions([self.edit_action, self.delete_action])
        self.program_menu.addSeparator()
        self.program_menu.addActions([self.open_log_action, self.open_folder_action])
        self.help_menu = self.menuBar().addMenu("")
        self.help_menu.addAction(self.about_action)
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.addActions([self.add_action, self.edit_action, self.delete_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.start_action, self.stop_action, self.restart_action])
        self.toolbar.addSeparator()
        self.toolbar.addActions([self.open_log_action, self.open_folder_action])
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(self.filter)
        self.addToolBar(self.toolbar)

    def _retranslate(self) -> None:
        if self._remote_host:
            self.setWindowTitle(self.tr("monitor_app — %1").replace("%1", self._remote_host))
        else:
            self.setWindowTitle(self.tr("monitor_app"))
        texts = {
            self.add_action: self.tr("Add…"),
            self.edit_action: self.tr("Edit…"),
            self.delete_action: self.tr("Delete"),
            self.start_action: self.tr("Start"),
            self.stop_action: self.tr("Stop"),
            self.restart_action: self.tr("Restart"),
            self.open_log_action: self.tr("Open log"),
            self.open_folder_action: self.tr("Open folder"),
            self.settings_action: self.tr("Settings…"),
            self.connect_action: self.tr("Connect to another PC…"),
            self.quit_action: self.tr("Quit"),
            self.about_action: self.tr("About monitor_app"),
        }
        for act, text in texts.items():
            act.setText(text)
        self.add_action.setToolTip(self.tr("Register a program to monitor"))
        self.connect_action.setToolTip(self.tr("Open a window on the engine of another PC on the network"))
        self.filter.setPlaceholderText(self.tr("Filter programs"))
        self.file_menu.setTitle(self.tr("&File"))
        self.program_menu.setTitle(self.tr("&Program"))
        self.help_menu.setTitle(self.tr("&Help"))
        self.tabs.setTabText(0, self.tr("Programs"))
        self.tabs.setTabText(1, self.tr("System"))
        self.tabs.setTabText(2, self.tr("Event log"))
        self.tabs.setTabText(self.tabs.indexOf(self.automation), self.tr("Automation"))
        self.tabs.setTabText(self.tabs.indexOf(self.audit), self.tr("Audit log"))
        if self.users is not None:
            self.tabs.setTabText(self.tabs.indexOf(self.users), self.tr("Users"))
        self.engine_state.setText(self._engine_label or self.tr("Local engine"))
        self.session_label.setText(self.session.describe())
        self._show_api()
        self._update_counts()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ state persisted in QSettings

    def restore_state(self, settings: QSettings) -> None:
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        for key, restore in (
            ("window/state", self.restoreState),
            ("window/splitter", self.splitter.restoreState),
            ("window/columns", self.table.horizontalHeader().restoreState),
        ):
            value = settings.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        self.detail.restore_state(settings)
        self.automation.restore_state(settings)

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("window/columns", self.table.horizontalHeader().saveState())
        self.detail.save_state(settings)
        self.automation.save_state(settings)

    # ------------------------------------------------------------------ selection and commands

    def selected_ids(self) -> list[int]:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return [self.proxy.index(row, 0).data(PROGRAM_ID_ROLE) for row in sorted(rows)]

    def select_program(self, program_id: int) -> None:
        row = self.model.row_of(program_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if index.isValid():
            self.table.selectRow(index.row())
            self.table.scrollTo(index)

    def run_on_selection(self, verb: str) -> None:
        problems = self.commands.run(verb, self.selected_ids())
        if problems:
            self.show_status_message("; ".join(problems))

    def _refused(self) -> bool:
        """True (and the reason in the status bar) when the session may not change things."""
        if self.session.can_change:
            return False
        self.show_status_message(self.session.refusal())
        return True

    @Slot()
    def add_program(self) -> None:
        if self._refused():
            return
        dialog = ProgramDialog(self._submit_new, parent=self)
        if dialog.exec() and dialog.result_spec is not None:
            self.select_program(dialog.result_spec.id)

    def _submit_new(self, spec: ProgramSpec) -> ProgramSpec:
        self.commands.require_change()
        return self.engine.add_program(spec, cause=Cause.USER, actor=self.commands.actor)  # type: ignore[attr-defined]

    @Slot()
    def edit_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) != 1 or self._refused():
            return
        program_id = ids[0]
        spec = self.model.spec(program_id)
        if spec is None:
            return

        def submit(new: ProgramSpec) -> ProgramSpec:
            self.commands.require_change()
            return self.engine.update_program(  # type: ignore[attr-defined]
                program_id, new, cause=Cause.USER, actor=self.commands.actor
            )

        ProgramDialog(submit, spec, parent=self).exec()

    @Slot()
    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or self._refused():
            return
        names = [self.model.spec(pid).name for pid in ids if self.model.spec(pid)]  # type: ignore[union-attr]
        busy = [pid for pid in ids if (s := self.model.status(pid)) is not None and s.state not in REST_STATES]
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Delete programs"))
        listing = "\n".join(f"• {name}" for name in names)
        box.setText(self.tr("Delete %n program(s)?", "", len(ids)) + "\n\n" + listing)
        box.setInformativeText(
            self.tr("Their settings and history are removed; the event log keeps what happened.")
            + ("\n\n" + self.tr("Some of them are running. They will be stopped first.") if busy else "")
        )
        delete = box.addButton(
            self.tr("Stop and delete") if busy else self.tr("Delete"), QMessageBox.ButtonRole.DestructiveRole
        )
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not delete:
            return
        for program_id in ids:
            if program_id in busy:
                self._pending_delete.add(program_id)
                self.commands.run("stop", [program_id])
            else:
                self._remove(program_id)

    def _remove(self, program_id: int) -> None:
        try:
            self.commands.require_change()
            self.engine.remove_program(program_id, cause=Cause.USER, actor=self.commands.actor)  # type: ignore[attr-defined]
        except MonitorError as exc:
            self.show_status_message(exc.message)

    @Slot()
    def open_log(self) -> None:
        """Open the selected program's output file; where it is comes from the engine, found in the background
        (an attached engine answers over the network)."""
        for program_id in self.selected_ids()[:1]:

            def existing_path(program_id: int = program_id) -> str:
                path = str(self.engine.output_log_path(program_id))  # type: ignore[attr-defined]
                return path if os.path.exists(path) else ""

            self.tasks.run(existing_path, self._open_log_file, self._on_open_log_failed, owner=self)

    def _open_log_file(self, path: str) -> None:
        if not path:
            self.show_status_message(self.tr("This program has not written any output yet"))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(path))

    def _on_open_log_failed(self, exc: Exception) -> None:
        self.show_status_message(exc.message if isinstance(exc, MonitorError) else str(exc))

    @Slot()
    def open_folder(self) -> None:
        for program_id in self.selected_ids()[:1]:
            spec = self.model.spec(program_id)
            if spec is not None:
                QDesktopServices.openUrl(QUrl.fromLocalFile(spec.effective_cwd))

    def bring_to_front(self) -> None:
        """Show and raise the window (tray click, or a second launch of the app)."""
        self.show()
        if self.isMinimized():
            self.showNormal()
        self.raise_()
        self.activateWindow()

    def set_engine_label(self, text: str) -> None:
        """What the status bar says about the engine: in-process, or which attached engine and its connection."""
        self._engine_label = text
        self.engine_state.setText(text or self.tr("Local engine"))

    def set_remote_host(self, host: str) -> None:
        """Name the other PC's engine this window shows in its title (empty: this PC's)."""
        self._remote_host = host
        self._retranslate()

    def set_api_address(self, address: str) -> None:
        self._api_address = address
        self._show_api()

    def show_status_message(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_MESSAGE_MS)

    # ------------------------------------------------------------------ slots

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        ids = self.selected_ids()
        self.detail.show_program(ids[0] if len(ids) == 1 else None)
        self._update_actions()

    @Slot()
    def _on_session_changed(self) -> None:
        self.session_label.setText(self.session.describe())
        self._update_actions()

    @Slot(QModelIndex)
    def _on_double_clicked(self, index: QModelIndex) -> None:
        self.detail.show_program(index.data(PROGRAM_ID_ROLE))
        self.detail.focus_charts()

    def _on_context_menu(self, position) -> None:  # type: ignore[no-untyped-def]
        menu = QMenu(self)
        menu.addActions([self.start_action, self.stop_action, self.restart_action])
        menu.addSeparator()
        menu.addActions([self.edit_action, self.delete_action])
        menu.addSeparator()
        menu.addActions([self.open_log_action, self.open_folder_action])
        menu.exec(self.table.viewport().mapToGlobal(position))

    @Slot(object)
    def _on_status_changed(self, status: ProgramStatus) -> None:
        if status.program_id in self._pending_delete and status.state in REST_STATES:
            self._pending_delete.discard(status.program_id)
            self._remove(status.program_id)
        self._update_counts()
        self._update_actions()

    @Slot(object)
    def _on_program_added(self, _spec: ProgramSpec) -> None:
        self._update_counts()

    @Slot(str)
    def _on_storage_failed(self, message: str) -> None:
        self.show_status_message(self.tr("Cannot write to the database (kept in memory, retrying): ") + message)

    def _update_actions(self) -> None:
        states = [s.state for pid in self.selected_ids() if (s := self.model.status(pid)) is not None]
        self.start_action.setEnabled(any(verb_applies("start", s) for s in states))
        self.stop_action.setEnabled(any(verb_applies("stop", s) for s in states))
        self.restart_action.setEnabled(any(verb_applies("restart", s) for s in states))
        self.edit_action.setEnabled(len(states) == 1)
        self.delete_action.setEnabled(bool(states))
        gate = self.session.gate
        gate(self.add_action)
        for act in (self.start_action, self.stop_action, self.restart_action, self.edit_action, self.delete_action):
            gate(act, act.isEnabled())
        self.open_log_action.setEnabled(len(states) == 1)
        self.open_folder_action.setEnabled(len(states) == 1)

    def _update_counts(self) -> None:
        statuses = self.engine.statuses()  # type: ignore[attr-defined]
        running = sum(1 for s in statuses if s.state is ProgramState.RUNNING)
        failed = sum(1 for s in statuses if s.state is ProgramState.FATAL)
        text = self.tr("%n running", "", running)
        if failed:
            text += " · " + self.tr("%n failed", "", failed)
        self.counts.setText(text)

    def _show_api(self) -> None:
        if self._api_address:
            self.api_label.setText(self.tr("API: %1").replace("%1", self._api_address))
        else:
            self.api_label.setText(self.tr("API: off"))

    @Slot()
    def _on_about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About monitor_app"),
            self.tr("monitor_app %1\n\nKeeps your programs and game servers running, and shows how they do.").replace(
                "%1", __version__
            ),
        )

    def build_charts(self) -> None:
        """Create every chart, sharing one redraw clock (imports pyqtgraph: done after the first paint)."""
        if self.redraw_clock is not None:
            return
        from monitor_app.ui.charts.redraw import RedrawClock

        clock = RedrawClock(parent=self)
        self.detail.build_charts(clock)
        self.system.build_charts(clock)
        self.redraw_clock = clock
        self.redraw_clock.set_paused(not self.isVisible())

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        if self.redraw_clock is not None:
            self.redraw_clock.set_paused(False)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.redraw_clock is None and not self._charts_scheduled:
            # Charts import pyqtgraph (~240 ms): build them once the window has painted, not before.
            self._charts_scheduled = True
            QTimer.singleShot(0, self.build_charts)
        return super().event(event)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().hideEvent(event)
        if self.redraw_clock is not None:
            self.redraw_clock.set_paused(True)  # in the tray: no redraws at all

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.hide_to_tray:
            event.ignore()
            self.hide()
            self.hidden_to_tray.emit()
            return
        event.accept()
        self.quit_requested.emit()
