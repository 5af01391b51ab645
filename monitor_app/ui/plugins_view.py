"""The Plugins tab of the program detail view: the plugins attached to the selected program, live.

One section per attached instance: its name and status (a coloured dot, the status and its reason), an
enable switch, Settings… and Detach; its actions as buttons (parameters in a small generated form, a
confirmation first where the plugin asks for one); its panel (facts, tables with per-row actions, a status
line); the extra series the plugin declares (small 24 h charts and live values, see ``plugin_series_view``);
and the result of its last action. "Attach plugin…" adds one.

Everything follows the engine's signals (``instances_changed``, ``status_changed``, ``panel_changed``), so a
change made over the REST API shows here at once. Actions run on the instance's own thread: the engine hands
back a Future, whose result comes back to the GUI thread through a queued signal; the window never waits.
The desktop user is an admin, so every action is offered (the tooltip tells which ones guests may run over
the REST API).
"""

import itertools
from collections.abc import Mapping
from concurrent.futures import Future
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.errors import MonitorError, NotFoundError
from monitor_app.engine.plugins import PluginService
from monitor_app.pluginhost.api import Panel
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.icons import dot_icon
from monitor_app.ui.plugin_dialogs import ActionDialog, PluginSettingsDialog
from monitor_app.ui.plugin_labels import (
    HINT_STYLE,
    STATUS_COLORS,
    can_run_actions,
    result_summary,
    status_key,
    status_text,
)
from monitor_app.ui.plugin_panel_view import ActionResultView, PluginPanelView
from monitor_app.ui.plugin_series_view import HistoryReader, PluginSeriesView, SeriesSpec
from monitor_app.ui.session import GuiSession

#: At most this often a section redraws its panel (plugins may poll many times a second).
PANEL_REFRESH_MS = 150
DOT_SIZE = 12


class _ResultRelay(QObject):
    """Lives in the GUI thread; an action's Future completes on the plugin's thread and emits (queued)."""

    finished = Signal(int, object, object)  # ticket, result, error


def _action_error_text(error: BaseException) -> str:
    text = str(error)
    return text or type(error).__name__


class PluginInstanceSection(QFrame):
    """One attached plugin instance.

    Signals:
        status_message(str): for the status bar (action results, failures).
    """

    status_message = Signal(str)
    _tickets = itertools.count(1)

    def __init__(
        self,
        plugins: PluginService,
        instance_id: int,
        parent: QWidget | None = None,
        *,
        history: HistoryReader | None = None,
        tasks: BackgroundTasks | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"pluginInstance_{instance_id}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._plugins = plugins
        self.instance_id = instance_id
        self.described: dict[str, Any] = {}
        #: The window's session (set by the view); None allows everything.
        self.session: GuiSession | None = None
        self.dialog: PluginSettingsDialog | ActionDialog | None = None
        self.action_buttons: dict[str, QPushButton] = {}
        self._action_specs: list[dict[str, Any]] = []
        self._pending: dict[int, tuple[str, str]] = {}  # ticket -> action name, label
        self._pending_panel: Panel | None = None
        self._panel_dirty = False
        self._relay = _ResultRelay(self)
        self._relay.finished.connect(self._on_action_finished, Qt.ConnectionType.QueuedConnection)
        self._panel_timer = QTimer(self)
        self._panel_timer.setSingleShot(True)
        self._panel_timer.setInterval(PANEL_REFRESH_MS)
        self._panel_timer.timeout.connect(self._apply_pending_panel)

        self.name = QLabel()
        self.name.setObjectName("pluginTitle")
        font = self.name.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.name.setFont(font)
        self.dot = QLabel()
        self.dot.setFixedSize(DOT_SIZE + 2, DOT_SIZE + 2)
        self.status = QLabel()
        self.status.setObjectName("pluginStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.enabled = QCheckBox()
        self.enabled.setObjectName("pluginEnabled")
        self.enabled.clicked.connect(self._on_enabled_clicked)
        self.settings_button = QPushButton()
        self.settings_button.setObjectName("pluginSettings")
        self.settings_button.clicked.connect(self.open_settings)
        self.detach_button = QPushButton()
        self.detach_button.setObjectName("pluginDetach")
        self.detach_button.clicked.connect(self.confirm_detach)
        header = QHBoxLayout()
        header.addWidget(self.name)
        header.addSpacing(8)
        header.addWidget(self.dot)
        header.addWidget(self.status, 1)
        header.addWidget(self.enabled)
        header.addWidget(self.settings_button)
        header.addWidget(self.detach_button)

        self.actions_bar = QHBoxLayout()
        self.actions_bar.setSpacing(6)
        self.actions_label = QLabel()
        self.actions_label.setStyleSheet(HINT_STYLE)
        self.actions_bar.addWidget(self.actions_label)
        self.actions_bar.addStretch(1)

        self.panel = PluginPanelView()
        self.panel.row_action_requested.connect(self._on_row_action)
        self.result = ActionResultView()
        self.series = self._make_series_view(history, tasks)

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(self.actions_bar)
        layout.addWidget(self.panel)
        if self.series is not None:
            layout.addWidget(self.series)
        layout.addWidget(self.result)
        self.refresh()
        self._retranslate()
        self.panel.set_panel(plugins.panel(instance_id))

    def _make_series_view(
        self, history: HistoryReader | None, tasks: BackgroundTasks | None
    ) -> PluginSeriesView | None:
        """The "Series" area, if the plugin declares series and there is a history to read them from."""
        if history is None or tasks is None:
            return None
        try:
            instance = self._plugins.instance(self.instance_id)
        except NotFoundError:
            return None
        info = self._plugins.catalog.get(instance.plugin_id)
        declared = info.cls.metric_series if info is not None and info.cls is not None else ()
        specs = [SeriesSpec(f"{instance.plugin_id}.{s.key}", s.label, s.unit) for s in declared]
        if not specs:
            return None
        return PluginSeriesView(instance.program_id, specs, history, self._plugins.latest, tasks, self)

    # ------------------------------------------------------------------ from the engine

    def refresh(self) -> None:
        """Read the instance again (status, switch, actions) after an engine signal."""
        try:
            self.described = self._plugins.describe(self._plugins.instance(self.instance_id))
        except NotFoundError:
            return  # detached meanwhile: the view drops this section
        described = self.described
        self.name.setText(str(described.get("name") or described.get("plugin")))
        status = status_key(described)
        color = STATUS_COLORS.get(status, STATUS_COLORS["stopped"])
        self.dot.setPixmap(dot_icon(color).pixmap(DOT_SIZE, DOT_SIZE))
        self.status.setText(status_text(described))
        self.status.setToolTip(str(described.get("reason") or ""))
        self.enabled.setChecked(bool(described.get("enabled", True)))
        loaded = status != "not loaded"
        self.settings_button.setEnabled(loaded)
        self.settings_button.setToolTip("" if loaded else str(described.get("reason") or ""))
        self._set_actions(described.get("actions") or [])
        runnable = can_run_actions(described)
        pending = {name for name, _label in self._pending.values()}
        for name, button in self.action_buttons.items():
            button.setEnabled(runnable and name not in pending)
        self._gate_changes()
        if self._plugins.panel(self.instance_id) is None:
            self._pending_panel, self._panel_dirty = None, False
            self.panel.set_panel(None)

    def _gate_changes(self) -> None:
        """Guests keep the actions a plugin allows them; switch, settings, detach and admin actions are off."""
        session = self.session
        if session is None:
            return
        session.gate(self.enabled)
        session.gate(self.settings_button, self.settings_button.isEnabled())
        session.gate(self.detach_button)
        for spec in self._action_specs:
            if spec.get("admin", True):
                button = self.action_buttons[spec["name"]]
                session.gate(button, button.isEnabled())

    def _refused(self, *, admin: bool = True) -> bool:
        """True (and the reason in the status bar) when the session may not do an ``admin`` thing."""
        if not admin or self.session is None or self.session.can_change:
            return False
        self.status_message.emit(self.session.refusal())
        return True

    def set_panel(self, panel: Panel) -> None:
        """A new panel from the engine: drawn within ``PANEL_REFRESH_MS``, or when the section is shown."""
        self._pending_panel, self._panel_dirty = panel, True
        if not self._panel_timer.isActive():
            self._panel_timer.start()

    @Slot()
    def _apply_pending_panel(self) -> None:
        if self._panel_dirty and self.isVisible():
            self._panel_dirty = False
            self.panel.set_panel(self._pending_panel)

    def _set_actions(self, actions: list[dict[str, Any]]) -> None:
        if actions == self._action_specs:
            return
        self._action_specs = [dict(a) for a in actions]
        for button in self.action_buttons.values():
            self.actions_bar.removeWidget(button)
            button.deleteLater()
        self.action_buttons = {}
        for position, spec in enumerate(self._action_specs):
            label = str(spec.get("label") or spec["name"])
            button = QPushButton(label + ("…" if spec.get("params") or spec.get("confirm") else ""))
            button.setObjectName(f"action_{spec['name']}")
            button.clicked.connect(lambda _checked=False, s=spec: self.run_action(s))
            self.action_buttons[spec["name"]] = button
            self.actions_bar.insertWidget(position + 1, button)
        self.actions_label.setVisible(bool(self._action_specs))
        self._retranslate_actions()

    # ------------------------------------------------------------------ actions

    def run_action(self, spec: Mapping[str, Any], fixed: Mapping[str, Any] | None = None) -> None:
        """Ask for the parameters (or a confirmation) if the action has any, then run it."""
        fixed = dict(fixed or {})
        label = str(spec.get("label") or spec.get("name"))
        if self._refused(admin=bool(spec.get("admin", True))):
            return
        asks = [p for p in spec.get("params") or () if p["key"] not in fixed]
        if asks:
            self._open_dialog(
                ActionDialog(
                    spec,
                    lambda params: self._submit(str(spec["name"]), label, params),
                    plugin_name=self.name.text(),
                    fixed=fixed,
                    parent=self,
                )
            )
            return
        if spec.get("confirm") and not self._confirm(label, str(spec["confirm"])):
            return
        try:
            self._submit(str(spec["name"]), label, fixed)
        except MonitorError as exc:
            self.result.show_error(label, exc.message)
            self.status_message.emit(f"{self.name.text()}: {exc.message}")

    def _confirm(self, label: str, question: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(f"{self.name.text()}: {label}")
        box.setText(question)
        run = box.addButton(label, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is run

    def _submit(self, name: str, label: str, params: Mapping[str, Any]) -> "Future[Any]":
        """Start the action (raises the engine's ValidationError or MonitorError); the result comes queued.

        A long-running action (a backup) is queued as a job: its progress shows in the Jobs view, and its
        result here once the job ends.
        """
        spec = next((a for a in self._action_specs if a.get("name") == name), None)
        job_id = None
        if spec is not None and spec.get("long_running"):
            job_id = self._plugins.queue_action(self.instance_id, name, params, actor="window").id
            future = self._plugins.job_future(job_id)
            if future is None:  # it ended already; the Jobs view has the outcome
                future = Future()
                future.set_result(None)
        else:
            future = self._plugins.submit_action(self.instance_id, name, params)
        ticket = next(self._tickets)
        self._pending[ticket] = (name, label)
        if name in self.action_buttons:
            self.action_buttons[name].setEnabled(False)
        self.result.show_running(label, job_id=job_id)
        relay = self._relay

        def done(finished: "Future[Any]") -> None:  # on the plugin's thread (or here, if already done)
            try:
                result, error = finished.result(), None
            except Exception as exc:  # noqa: BLE001 - handed to the GUI thread to show
                result, error = None, exc
            try:
                if shiboken6.isValid(relay):
                    relay.finished.emit(ticket, result, error)
            except RuntimeError:
                pass  # the section was closed meanwhile: nobody to show the result to

        future.add_done_callback(done)
        return future

    @Slot(int, object, object)
    def _on_action_finished(self, ticket: int, result: object, error: object) -> None:
        name, label = self._pending.pop(ticket, ("", ""))
        if not name:
            return
        button = self.action_buttons.get(name)
        if button is not None and name not in {n for n, _l in self._pending.values()}:
            button.setEnabled(can_run_actions(self.described))
        if isinstance(error, BaseException):
            message = _action_error_text(error)
            self.result.show_error(label, message)
            self.status_message.emit(f"{self.name.text()}: {label}: {message}")
        else:
            self.result.show_result(label, result)
            self.status_message.emit(f"{self.name.text()}: {label}: {result_summary(result)}")

    @Slot(str, str, str, object)
    def _on_row_action(self, action: str, label: str, param: str, value: object) -> None:
        spec = next((a for a in self._action_specs if a.get("name") == action), None)
        if spec is None:  # not declared as an action: the engine's answer says so
            spec = {"name": action, "label": label, "params": [], "confirm": None}
        self.run_action({**spec, "label": label or spec.get("label")}, {param: value})

    # ------------------------------------------------------------------ settings, switch, detach

    @Slot()
    def open_settings(self) -> None:
        if self._refused():
            return
        catalog = self._plugins.catalog_json()
        instance_id = self.instance_id

        def submit(_plugin_id: str, settings: dict[str, Any]) -> object:
            return self._plugins.update(instance_id, {"settings": settings})

        self._open_dialog(PluginSettingsDialog(catalog, submit, instance=self.described, parent=self))

    def _open_dialog(self, dialog: PluginSettingsDialog | ActionDialog) -> None:
        """Window-modal, without a nested event loop."""
        if self.dialog is not None:
            dialog.deleteLater()
            self.dialog.raise_()
            return
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._on_dialog_finished(dialog))
        dialog.open()

    def _on_dialog_finished(self, dialog: QWidget) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    @Slot(bool)
    def _on_enabled_clicked(self, checked: bool) -> None:
        if self._refused():
            self.enabled.setChecked(not checked)
            return
        try:
            self._plugins.update(self.instance_id, {"enabled": checked})
        except MonitorError as exc:
            self.enabled.setChecked(not checked)
            self.status_message.emit(exc.message)
            return
        name = self.name.text()
        text = self.tr("%1 switched on") if checked else self.tr("%1 switched off")
        self.status_message.emit(text.replace("%1", name))

    @Slot()
    def confirm_detach(self) -> None:
        if self._refused():
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(self.tr("Detach plugin"))
        box.setText(self.tr("Detach “%1” from this program?").replace("%1", self.name.text()))
        box.setInformativeText(
            self.tr("Its settings and saved passwords are removed. The program itself is not touched.")
        )
        detach = box.addButton(self.tr("Detach"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not detach:
            return
        try:
            self._plugins.detach(self.instance_id)
        except MonitorError as exc:
            self.status_message.emit(exc.message)
            return
        self.status_message.emit(self.tr("%1 detached").replace("%1", self.name.text()))

    # ------------------------------------------------------------------ Qt

    def _retranslate_actions(self) -> None:
        self.actions_label.setText(self.tr("Actions:"))
        for spec in self._action_specs:
            button = self.action_buttons[spec["name"]]
            button.setToolTip(
                self.tr("Over the REST API only admins may run this")
                if spec.get("admin", True)
                else self.tr("Over the REST API guests may run this too")
            )

    def _retranslate(self) -> None:
        self.enabled.setText(self.tr("Enabled"))
        self.enabled.setToolTip(self.tr("A switched-off plugin is kept with its settings but not started"))
        self.settings_button.setText(self.tr("Settings…"))
        self.detach_button.setText(self.tr("Detach…"))
        self._retranslate_actions()
        if self.described:
            self.status.setText(status_text(self.described))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self._apply_pending_panel()


class PluginsView(QWidget):
    """The selected program's plugins.

    Signals:
        status_message(str): for the status bar.
    """

    status_message = Signal(str)

    def __init__(
        self,
        plugins: PluginService,
        parent: QWidget | None = None,
        *,
        history: HistoryReader | None = None,
        tasks: BackgroundTasks | None = None,
    ) -> None:
        """``history`` (``engine.plugin_history``) and ``tasks`` let sections chart their plugin's series."""
        super().__init__(parent)
        self.setObjectName("pluginsView")
        self._plugins = plugins
        self._history = history
        self._tasks = tasks
        self.program_id: int | None = None
        self.sections: dict[int, PluginInstanceSection] = {}
        self.dialog: PluginSettingsDialog | None = None
        self.session: GuiSession | None = None

        self.attach_button = QPushButton()
        self.attach_button.setObjectName("attachPlugin")
        self.attach_button.clicked.connect(self.open_attach)
        self.hint = QLabel()
        self.hint.setObjectName("pluginsHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        bar = QHBoxLayout()
        bar.addWidget(self.attach_button)
        bar.addWidget(self.hint, 1)
        bar.addStretch(0)

        self.container = QWidget()
        self.sections_layout = QVBoxLayout(self.container)
        self.sections_layout.setContentsMargins(0, 0, 0, 0)
        self.sections_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.container)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)

        plugins.instances_changed.connect(self._on_instances_changed)
        plugins.status_changed.connect(self._on_status_changed)
        plugins.panel_changed.connect(self._on_panel_changed)
        self._retranslate()
        self.set_program(None)
        plugins.show_panels(False)  # until this view is on screen (a hidden tab gets no hide event)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self._plugins.show_panels(True)

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().hideEvent(event)
        self._plugins.show_panels(False)

    def set_program(self, program_id: int | None) -> None:
        if program_id != self.program_id:
            for instance_id in list(self.sections):
                self._drop_section(instance_id)
        self.program_id = program_id
        self.attach_button.setEnabled(program_id is not None)
        if self.session is not None:
            self.session.gate(self.attach_button, program_id is not None)
        self._sync()

    def set_session(self, session: GuiSession) -> None:
        """Follow ``session``: guests see every plugin but may only run the actions plugins allow guests."""
        self.session = session
        session.changed.connect(self._on_session_changed)
        self._on_session_changed()

    @Slot()
    def _on_session_changed(self) -> None:
        if self.session is not None:
            self.session.gate(self.attach_button, self.program_id is not None)
        for section in self.sections.values():
            section.session = self.session
            section.refresh()

    def section(self, instance_id: int) -> PluginInstanceSection | None:
        return self.sections.get(instance_id)

    # ------------------------------------------------------------------ sections

    def _sync(self) -> None:
        wanted = [] if self.program_id is None else [i.id for i in self._plugins.instances(self.program_id)]
        for instance_id in [i for i in self.sections if i not in wanted]:
            self._drop_section(instance_id)
        for position, instance_id in enumerate(wanted):
            section = self.sections.get(instance_id)
            if section is None:
                section = PluginInstanceSection(
                    self._plugins, instance_id, history=self._history, tasks=self._tasks
                )
                section.status_message.connect(self.status_message)
                section.session = self.session
                section.refresh()
                self.sections[instance_id] = section
                self.sections_layout.insertWidget(position, section)
            else:
                section.refresh()
        self._update_hint()

    def _drop_section(self, instance_id: int) -> None:
        section = self.sections.pop(instance_id)
        self.sections_layout.removeWidget(section)
        section.hide()
        section.deleteLater()

    def _update_hint(self) -> None:
        if self.program_id is None:
            self.hint.setText(self.tr("Select a program to see its plugins."))
        elif not self.sections:
            self.hint.setText(
                self.tr(
                    "No plugin is attached to this program. A plugin adds what only it knows: players, "
                    "saves, announcements, a graceful shutdown."
                )
            )
        else:
            self.hint.setText("")
        self.hint.setVisible(bool(self.hint.text()))

    @Slot()
    def _on_instances_changed(self) -> None:
        self._sync()

    @Slot(int, str, str)
    def _on_status_changed(self, instance_id: int, _status: str, _reason: str) -> None:
        section = self.sections.get(instance_id)
        if section is not None:
            section.refresh()

    @Slot(int, object)
    def _on_panel_changed(self, instance_id: int, panel: Panel) -> None:
        section = self.sections.get(instance_id)
        if section is not None:
            section.set_panel(panel)

    # ------------------------------------------------------------------ attach

    @Slot()
    def open_attach(self) -> None:
        program_id = self.program_id
        if program_id is None:
            return
        if self.session is not None and not self.session.can_change:
            self.status_message.emit(self.session.refusal())
            return
        if self.dialog is not None:
            self.dialog.raise_()
            return

        def submit(plugin_id: str, settings: dict[str, Any]) -> object:
            return self._plugins.attach(program_id, plugin_id, settings)

        dialog = PluginSettingsDialog(self._plugins.catalog_json(), submit, parent=self)
        self.dialog = dialog
        dialog.finished.connect(lambda _result: self._on_attach_finished(dialog))
        dialog.open()

    def _on_attach_finished(self, dialog: PluginSettingsDialog) -> None:
        self.dialog = None
        instance = dialog.result_instance
        dialog.deleteLater()
        if instance is None:
            return
        section = self.sections.get(getattr(instance, "id", -1))
        if section is not None:
            self.status_message.emit(self.tr("%1 attached").replace("%1", section.name.text()))
            QTimer.singleShot(
                0, self, lambda: shiboken6.isValid(section) and self.scroll.ensureWidgetVisible(section)
            )

    # ------------------------------------------------------------------ Qt

    def _retranslate(self) -> None:
        self.attach_button.setText(self.tr("Attach plugin…"))
        self._update_hint()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
