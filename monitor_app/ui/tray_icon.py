"""The system tray icon: overall health at a glance, per-program control, crash notifications.

It only emits intents (show, quit, start/stop/restart a program); the app wires them to the window and the
engine. Crash notifications are limited per program so a crash loop makes one balloon, not a storm.
Program commands follow the window's session: off (with the reason as tooltip) for guests and while locked.
"""

from PySide6.QtCore import QEvent, QObject, Signal, Slot
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from monitor_app.core.model import Event, ProgramSpec, ProgramStatus
from monitor_app.core.states import EventKind, ProgramState
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.icons import app_icon, state_icon
from monitor_app.ui.program_commands import VERBS, verb_applies, verb_label
from monitor_app.ui.programs_model import state_label
from monitor_app.ui.session import GuiSession

#: A program's crash is announced at most once in this many seconds (FATAL is always announced).
NOTIFY_COOLDOWN_S = 60.0
NOTIFY_MS = 10_000


def overall_health(specs: dict[int, ProgramSpec], statuses: list[ProgramStatus]) -> str:
    """"error" if something gave up or ended badly, "warning" while something restarts or stops, "ok" if
    something runs, else "idle" (keys of ``icons.HEALTH_COLORS``)."""
    worst = "idle"
    for status in statuses:
        spec = specs.get(status.program_id)
        if status.state is ProgramState.FATAL:
            return "error"
        if status.state is ProgramState.EXITED and (
            status.exit_code is None or spec is None or status.exit_code not in spec.success_exit_codes
        ):
            return "error"
        if status.state in (ProgramState.BACKOFF, ProgramState.STARTING, ProgramState.STOPPING):
            worst = "warning"
        elif status.state is ProgramState.RUNNING and worst == "idle":
            worst = "ok"
    return worst


class TrayIcon(QSystemTrayIcon):
    """Signals:
    show_requested(): bring the window forward.
    quit_requested(): quit monitor_app (programs keep running).
    command_requested(int, str): program id and verb (start, stop, restart).
    """

    show_requested = Signal()
    quit_requested = Signal()
    command_requested = Signal(int, str)

    def __init__(
        self, engine: EngineFacade, parent: QObject | None = None, *, session: GuiSession | None = None
    ) -> None:
        super().__init__(parent)
        self._engine = engine
        self.session = session
        self._last_notified: dict[int, float] = {}
        self.health = "idle"
        self.last_notification: tuple[str, str] | None = None  # (title, text), also kept where balloons can't show
        self.menu = QMenu()
        self.menu.setToolTipsVisible(True)  # a disabled command says why (guest, locked)
        self._submenus: list[QMenu] = []
        self.setContextMenu(self.menu)
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.activated.connect(self._on_activated)
        engine.status_changed.connect(self._on_status_changed)
        engine.program_added.connect(lambda _spec: self._refresh())
        engine.program_removed.connect(lambda _program_id: self._refresh())
        engine.event_recorded.connect(self._on_event)
        if session is not None:
            session.changed.connect(self.rebuild_menu)
        self._refresh()
        self.rebuild_menu()

    def rebuild_menu(self) -> None:
        """Fill the menu from the current programs and states (also called each time it opens)."""
        self.menu.clear()
        for submenu in self._submenus:  # clear() leaves submenus alive; detach them so nothing stale is found
            submenu.setParent(None)
            submenu.deleteLater()
        self._submenus = []
        show = self.menu.addAction(self.tr("Show monitor_app"))
        show.setObjectName("trayShow")
        show.triggered.connect(self.show_requested)
        self.menu.addSeparator()
        specs = self._engine.programs()  # type: ignore[attr-defined]
        if not specs:
            empty = self.menu.addAction(self.tr("No programs yet"))
            empty.setEnabled(False)
        for spec in specs:
            status = self._engine.status(spec.id)  # type: ignore[attr-defined]
            submenu = self.menu.addMenu(state_icon(status.state), f"{spec.name} — {state_label(status.state)}")
            submenu.setObjectName(f"trayProgram{spec.id}")
            submenu.setToolTipsVisible(True)
            self._submenus.append(submenu)
            for verb in VERBS:
                action = submenu.addAction(verb_label(verb))
                action.setObjectName(f"tray_{verb}_{spec.id}")
                action.setEnabled(verb_applies(verb, status.state))
                if self.session is not None:
                    self.session.gate(action, verb_applies(verb, status.state))
                action.triggered.connect(lambda _checked=False, pid=spec.id, v=verb: self.command_requested.emit(pid, v))
        self.menu.addSeparator()
        quit_action = self.menu.addAction(self.tr("Quit monitor_app"))
        quit_action.setObjectName("trayQuit")
        quit_action.triggered.connect(self.quit_requested)

    def _refresh(self) -> None:
        specs = {spec.id: spec for spec in self._engine.programs()}  # type: ignore[attr-defined]
        statuses = list(self._engine.statuses())  # type: ignore[attr-defined]
        health = overall_health(specs, statuses)
        if health != self.health or self.icon().isNull():
            self.health = health
            self.setIcon(app_icon(health))
        running = sum(1 for s in statuses if s.state is ProgramState.RUNNING)
        failed = sum(1 for s in statuses if s.state is ProgramState.FATAL)
        tip = "monitor_app — " + self.tr("%n running", "", running)
        if failed:
            tip += ", " + self.tr("%n failed", "", failed)
        self.setToolTip(tip)

    @Slot(object)
    def _on_status_changed(self, _status: ProgramStatus) -> None:
        self._refresh()

    @Slot(object)
    def _on_event(self, event: Event) -> None:
        if event.kind is EventKind.ALERT_FIRED:
            if event.details.get("notify") is False:
                return  # the rule says: event log only
            title = self.tr("Alert: %1").replace("%1", event.actor)
            self._show(title, event.message)
            return
        if event.kind is not EventKind.STATE or event.program_id is None:
            return
        fatal = event.to_state is ProgramState.FATAL
        crashed = event.unexpected and event.to_state is ProgramState.EXITED
        if not (fatal or crashed):
            return
        last = self._last_notified.get(event.program_id)
        if not fatal and last is not None and event.time - last < NOTIFY_COOLDOWN_S:
            return
        self._last_notified[event.program_id] = event.time
        try:
            name = self._engine.program(event.program_id).name  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - removed meanwhile
            return
        title = self.tr("%1 gave up").replace("%1", name) if fatal else self.tr("%1 crashed").replace("%1", name)
        self._show(title, event.message)

    def _show(self, title: str, message: str) -> None:
        self.last_notification = (title, message)
        if self.isSystemTrayAvailable() and self.supportsMessages():
            self.showMessage(title, message, QSystemTrayIcon.MessageIcon.Warning, NOTIFY_MS)

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_requested.emit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LanguageChange:
            self._refresh()
            self.rebuild_menu()
        return super().event(event)
