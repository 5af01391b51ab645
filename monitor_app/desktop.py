"""The desktop app put together: settings, translations, theme, engine, window, tray, second-launch handling.

Composition only (like app.py): every piece is built elsewhere; this module connects them and applies the
user's settings when they change.
"""

import getpass
import logging
import os
from functools import partial
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QTimer, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon

from monitor_app.auth.bootstrap import ENV_ADMIN_PASSWORD, initial_admin_password
from monitor_app.configuration import api_config, api_limits, engine_config, payload_language, retention_of
from monitor_app.core.errors import MonitorError
from monitor_app.engine.local import LocalEngine
from monitor_app.options import Options
from monitor_app.resources import translations_dir
from monitor_app.settings import (
    SETTINGS_FILE_NAME,
    Autostart,
    BootService,
    BootServiceStatus,
    Settings,
    SettingsStore,
    current_app_command,
    current_autostart,
    current_boot_service,
    mirror_keep_running_at_boot,
    mirror_start_with_os,
)
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.boot_engine_status import read_boot_engine_report
from monitor_app.ui.first_admin_dialog import FirstAdminDialog
from monitor_app.ui.i18n import Translations
from monitor_app.ui.icons import app_icon
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.settings_dialog import SettingsDialog
from monitor_app.ui.theme import apply_theme
from monitor_app.ui.tray_icon import TrayIcon
from monitor_app.webapi import RestApi
from monitor_app.workers.collector import install_collector

log = logging.getLogger(__name__)

WINDOW_STATE_FILE = "window.ini"


def current_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name available
        return "desktop user"


class DesktopApp(QObject):
    """Owns the window, the tray and the in-process engine of one desktop session.

    Raises:
        StorageError: the database cannot be opened (from the engine).
    """

    def __init__(
        self,
        app: QApplication,
        options: Options,
        data_dir: Path,
        *,
        tray: bool = True,
        autostart: Autostart | None = None,
        boot_service: BootService | None = None,
        first_run_prompt: bool = True,
    ) -> None:
        super().__init__()
        self.app = app
        self.data_dir = data_dir
        self.options = options
        install_collector(app)  # Qt objects must never be garbage-collected on a worker thread
        self.store = SettingsStore(data_dir / SETTINGS_FILE_NAME)
        self.autostart = autostart or current_autostart()
        self.boot_service = boot_service or current_boot_service()
        self.settings = mirror_start_with_os(self.store.load(), self.autostart)
        self.translations = Translations(app, translations_dir())
        self.translations.apply(self.settings.language)
        apply_theme(app, self.settings.theme)
        app.setWindowIcon(app_icon())

        self.engine = LocalEngine(engine_config(options, self.settings, data_dir))
        self.tasks = BackgroundTasks(self)
        self.commands = ProgramCommands(self.engine, current_actor())
        self.window = MainWindow(self.engine, tasks=self.tasks, commands=self.commands)
        self.window_state = QSettings(str(data_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
        self.window.restore_state(self.window_state)
        self.window.settings_requested.connect(self.open_settings)
        self.window.quit_requested.connect(self.quit)
        self.window.hidden_to_tray.connect(self._on_hidden_to_tray)

        self._first_run_prompt = first_run_prompt
        self.rest: RestApi | None = None
        self.tray: TrayIcon | None = None
        if tray and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = TrayIcon(self.engine, self)
            self.tray.show_requested.connect(self.window.bring_to_front)
            self.tray.quit_requested.connect(self.quit)
            self.tray.command_requested.connect(self._on_tray_command)
            self.window.hide_to_tray = True
            app.setQuitOnLastWindowClosed(False)

    def start(self) -> None:
        self.window.show()
        if self.tray is not None:
            self.tray.show()
        self.engine.start()
        self._ensure_admin()
        self._start_api()
        self._mirror_boot_service()

    def _ensure_admin(self) -> None:
        """No account yet: take MONITOR_ADMIN_PASSWORD, else ask the person at the PC (there is no default)."""
        accounts = self.engine.accounts
        if accounts.has_users():
            return
        if ENV_ADMIN_PASSWORD in os.environ:
            try:
                initial_admin_password(accounts, self.data_dir)
            except MonitorError as exc:
                QMessageBox.warning(self.window, "monitor_app", exc.message)
            return
        if self._first_run_prompt:
            QTimer.singleShot(0, self, self._ask_admin_password)

    @Slot()
    def _ask_admin_password(self) -> None:
        FirstAdminDialog(self.engine.accounts.ensure_admin, parent=self.window).exec()

    def _start_api(self) -> None:
        if not self.settings.api_enabled:
            self.window.set_api_address("")
            return
        self.rest = RestApi(
            self.engine, self.engine.accounts, api_config(self.options, self.settings), limits=api_limits(self.settings)
        )
        self.rest.listening.connect(self.window.set_api_address)
        self.rest.failed.connect(self._on_api_failed)
        self.rest.start()

    def _stop_api(self) -> None:
        if self.rest is not None:
            self.rest.stop()
            self.rest = None
        self.window.set_api_address("")

    @Slot(str)
    def _on_api_failed(self, reason: str) -> None:
        self.window.show_status_message(QCoreApplication.translate("DesktopApp", "REST API not started: ") + reason)

    @Slot()
    def quit(self) -> None:
        """Leave the app; managed programs keep running."""
        if self.tray is not None:
            self.tray.hide()
        self.app.quit()

    def shutdown(self) -> None:
        """After the event loop ends (whatever ended it): remember the window, let reads finish, stop the engine."""
        self.window.save_state(self.window_state)
        self.window_state.sync()
        self._stop_api()
        self.tasks.wait_for_done()
        self.engine.shutdown()

    # ------------------------------------------------------------------ settings

    @Slot()
    def open_settings(self) -> None:
        dialog = SettingsDialog(
            self.settings,
            data_dir=str(self.data_dir),
            autostart_where=self.autostart.describe(),
            interval_locked=self.options.interval_s is not None,
            boot_report=partial(read_boot_engine_report, self.boot_service, self.data_dir),
            tasks=self.tasks,
            parent=self.window,
        )
        if dialog.exec() and dialog.result_settings is not None:
            self.apply_settings(dialog.result_settings)

    def apply_settings(self, new: Settings) -> None:
        """Save ``new`` and put each change into effect at once (no restart needed)."""
        old = self.settings
        problems: list[str] = []
        if new.start_with_os != old.start_with_os:
            try:
                if new.start_with_os:
                    self.autostart.enable(current_app_command())
                else:
                    self.autostart.disable()
            except MonitorError as exc:
                problems.append(exc.message)
                new = new.replace(start_with_os=old.start_with_os)
        if new.keep_running_at_boot != old.keep_running_at_boot:
            self._change_boot_service(install=new.keep_running_at_boot)
        try:
            self.store.save(new)
        except MonitorError as exc:
            problems.append(exc.message)
        self.settings = new
        if new.interval_s != old.interval_s and self.options.interval_s is None:
            self.engine.set_sampling_interval(new.interval_s)
        if retention_of(new) != retention_of(old):
            self.engine.set_retention(retention_of(new))
        if new.language != old.language:
            self.translations.apply(new.language)
            self.engine.automation.set_language(payload_language(new.language))
        if new.theme != old.theme:
            apply_theme(self.app, new.theme)
        api_fields = ("api_enabled", "api_host", "api_port", "api_tls_certificate", "api_tls_key",
                      "api_limit_auth", "api_limit_manage", "api_limit_action", "api_limit_metrics")
        if any(getattr(new, name) != getattr(old, name) for name in api_fields):
            self._stop_api()
            self._start_api()
        if problems:
            QMessageBox.warning(self.window, QCoreApplication.translate("DesktopApp", "Settings"), "\n".join(problems))

    # ------------------------------------------------------------------ background engine at boot

    def _mirror_boot_service(self) -> None:
        """Set ``keep_running_at_boot`` from the OS entry (read off the GUI thread: it runs schtasks/systemctl)."""
        self.tasks.run(self.boot_service.status, self._on_boot_status, self._on_boot_status_unknown, key="boot")

    def _change_boot_service(self, *, install: bool) -> None:
        """Install or remove the entry off the GUI thread; on failure the setting goes back and the user is told."""
        service = self.boot_service
        try:
            command = current_app_command() if install else []
        except MonitorError as exc:
            self._on_boot_change_failed(install, exc)
            return
        data_dir = self.data_dir

        def change() -> BootServiceStatus:
            if install:
                service.install(command, data_dir)
            else:
                service.uninstall()
            return service.status()

        self.tasks.run(change, self._on_boot_changed, partial(self._on_boot_change_failed, install), key="boot")

    def _on_boot_status(self, status: BootServiceStatus) -> None:
        self._keep_setting(mirror_keep_running_at_boot(self.settings, status))

    def _on_boot_status_unknown(self, error: Exception) -> None:
        message = error.message if isinstance(error, MonitorError) else str(error)
        log.warning("cannot tell whether the background engine starts at boot (%s); showing the saved choice", message)

    def _on_boot_changed(self, status: BootServiceStatus) -> None:
        self._on_boot_status(status)
        if status.warning:
            self.show_problem(QCoreApplication.translate("DesktopApp", "Background engine"), status.warning)

    def _on_boot_change_failed(self, install: bool, error: Exception) -> None:
        message = error.message if isinstance(error, MonitorError) else str(error)
        log.warning("cannot change the background engine's boot entry: %s", message)
        self._keep_setting(self.settings.replace(keep_running_at_boot=not install))
        self._mirror_boot_service()  # then what the operating system really has (a change may have half happened)
        self.show_problem(QCoreApplication.translate("DesktopApp", "Background engine"), message)

    def _keep_setting(self, new: Settings) -> None:
        if new == self.settings:
            return
        try:
            self.store.save(new)
        except MonitorError as exc:
            log.warning("cannot save settings: %s", exc.message)
        self.settings = new

    def show_problem(self, title: str, text: str) -> QMessageBox:
        """A warning that does not block the caller (the result of background work arrives in a slot)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self.window)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    # ------------------------------------------------------------------ tray

    @Slot(int, str)
    def _on_tray_command(self, program_id: int, verb: str) -> None:
        problems = self.commands.run(verb, [program_id])
        if problems:
            self.window.show_status_message("; ".join(problems))

    @Slot()
    def _on_hidden_to_tray(self) -> None:
        if self.settings.close_to_tray_hint_shown or self.tray is None:
            return
        self.tray.showMessage(
            QCoreApplication.translate("DesktopApp", "monitor_app is still running"),
            QCoreApplication.translate("DesktopApp", "Your programs keep running. Open monitor_app from the tray icon; quit it from its menu."),
            QSystemTrayIcon.MessageIcon.Information,
            8000,
        )
        new = self.settings.replace(close_to_tray_hint_shown=True)
        try:
            self.store.save(new)
        except MonitorError as exc:
            log.warning("cannot save settings: %s", exc.message)
        self.settings = new
