"""The desktop app put together: settings, translations, theme, engine, window, tray, second-launch handling.

Composition only (like app.py): every piece is built elsewhere; this module connects them and applies the
user's settings when they change.
"""

import getpass
import logging
import os
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QMessageBox, QSystemTrayIcon, QWidget

from monitor_app.auth.bootstrap import ENV_ADMIN_PASSWORD, initial_admin_password
from monitor_app.configuration import api_config, api_limits, engine_config, payload_language, retention_of
from monitor_app.core.accounts import Role, User
from monitor_app.core.errors import MonitorError
from monitor_app.core.states import Cause
from monitor_app.engine.local import LocalEngine
from monitor_app.options import Options
from monitor_app.resources import translations_dir
from monitor_app.secretstore import store_kind
from monitor_app.settings import (
    SETTINGS_FILE_NAME,
    AccountPassword,
    Autostart,
    BootPasswordRejected,
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
from monitor_app.ui.boot_password_dialog import BootPasswordDialog
from monitor_app.ui.first_admin_dialog import FirstAdminDialog
from monitor_app.ui.i18n import Translations
from monitor_app.ui.icons import app_icon
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.recent_connections import RECENT_FILE_NAME, RecentConnections
from monitor_app.ui.screen_lock import ScreenLock
from monitor_app.ui.session import GuiSession
from monitor_app.ui.settings_dialog import SettingsDialog
from monitor_app.ui.sign_in_dialog import SignInDialog
from monitor_app.ui.theme import apply_theme
from monitor_app.ui.tray_icon import TrayIcon
from monitor_app.webapi import RestApi
from monitor_app.workers.collector import install_collector

if TYPE_CHECKING:  # the remote side is imported when first used: an in-process window never needs it (~2 MiB)
    from monitor_app.engine.remote import RemoteEngine
    from monitor_app.engine.remote_connect import SignedIn
    from monitor_app.remote_window import RemoteWindow
    from monitor_app.ui.connect_dialog import ConnectDialog

log = logging.getLogger(__name__)

WINDOW_STATE_FILE = "window.ini"


def _ignore(error: Exception) -> None:
    log.info("signing out of the other engine failed (the session expires on its own): %s", error)


def current_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name available
        return "desktop user"


class DesktopApp(QObject):
    """Owns the window, the tray and the in-process engine of one desktop session.

    Raises:
        StorageError: the database cannot be opened (from the engine).

    Signals:
        boot_service_changed: An install or removal of the background engine's boot entry finished (or failed).
    """

    boot_service_changed = Signal()

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
        engine: "RemoteEngine | None" = None,
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

        # In-process engine, or one running elsewhere (the background engine, another PC) reached through its API.
        self.remote = engine
        self.engine = engine if engine is not None else LocalEngine(engine_config(options, self.settings, data_dir))
        self.tasks = BackgroundTasks(self)
        # Without sign-in the person at the PC is an admin named after their OS login; a sign-in replaces it.
        self.session = GuiSession(current_actor(), Role.ADMIN, parent=self)
        self.commands = ProgramCommands(self.engine, self.session)
        self.window = MainWindow(
            self.engine, tasks=self.tasks, commands=self.commands, accounts=self.engine.accounts
        )
        self.window_state = QSettings(str(data_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
        self.window.restore_state(self.window_state)
        self.window.settings_requested.connect(self.open_settings)
        self.window.connect_requested.connect(self.open_connect_dialog)
        self.window.quit_requested.connect(self.quit)
        self.window.hidden_to_tray.connect(self._on_hidden_to_tray)
        self.lock = ScreenLock(app, self.session, self)
        self.lock.locked.connect(self._on_locked)
        self.window.hidden_to_tray.connect(self.lock.on_hidden_to_tray)
        self.sign_in: SignInDialog | None = None
        # "Connect to another PC…": windows on other engines, in this process, each closed on its own.
        self.recent = RecentConnections(data_dir / RECENT_FILE_NAME)
        self.connect_dialog: ConnectDialog | None = None
        self.remote_windows: list[RemoteWindow] = []

        self._first_run_prompt = first_run_prompt
        self.rest: RestApi | None = None
        self.tray: TrayIcon | None = None
        if tray and QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = TrayIcon(self.engine, self, session=self.session)
            self.tray.show_requested.connect(self._on_show_requested)
            self.tray.quit_requested.connect(self.quit)
            self.tray.command_requested.connect(self._on_tray_command)
            self.window.hide_to_tray = True
            app.setQuitOnLastWindowClosed(False)

    def start(self) -> None:
        if self.settings.require_sign_in and self.engine.accounts.has_users():
            self._ask_sign_in(locked=False)  # the window shows once someone signed in
        else:
            self.window.show()
        self._apply_lock_settings()
        if self.tray is not None:
            self.tray.show()
        self.engine.start()
        if self.remote is None:
            self._ensure_admin()
            self._start_api()
        else:
            self.remote.connection_changed.connect(self._on_connection_changed)
            self._on_connection_changed(self.remote.state, self.remote.state_detail)
            # The engine says who this window acts as (the local token: the OS user, an admin; a sign-in: that
            # account and its role): guest controls follow.
            self.remote.signed_in.connect(self.session.set_user)
        self._mirror_boot_service()
        if self.options.connect is not None:
            address = self.options.connect
            QTimer.singleShot(0, self, lambda: self.open_connect_dialog(address))

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

    # ------------------------------------------------------------------ sign-in and lock

    def _ask_sign_in(self, *, locked: bool) -> None:
        """Show the sign-in (or unlock) dialog without blocking; the window stays hidden until it succeeds."""
        if self.sign_in is not None:
            self.sign_in.show()
            self.sign_in.raise_()
            self.sign_in.activateWindow()
            return
        # Hiding the window and closing the dialog must not count as "the last window closed".
        self._quit_on_last = self.app.quitOnLastWindowClosed()
        self.app.setQuitOnLastWindowClosed(False)
        username = self.session.username if locked else ""
        dialog = SignInDialog(self.engine.accounts, self.tasks, username=username, locked=locked)
        self.sign_in = dialog
        dialog.accepted.connect(lambda: self._on_signed_in(dialog, locked=locked))
        dialog.rejected.connect(lambda: self._on_sign_in_cancelled(locked=locked))
        dialog.open()

    def _on_signed_in(self, dialog: SignInDialog, *, locked: bool) -> None:
        self.sign_in = None
        dialog.deleteLater()
        user: User | None = dialog.user
        if user is None:
            return
        self.session.set_user(user.username, user.role)
        logout = getattr(self.engine.accounts, "logout", None)
        if dialog.token and self.remote is not None:  # attached: the window now acts with this account's token
            self.remote.use_credentials(dialog.token)
        elif dialog.token and callable(logout):  # in-process the window needs no bearer token
            token = dialog.token
            self.tasks.run(lambda: logout(token), lambda _none: None)
        self.engine.record_audit(
            "unlocked the window" if locked else "signed in to the window",
            cause=Cause.USER,
            actor=user.username,
            details={"kind": "window_unlocked" if locked else "window_sign_in", "role": user.role.value},
        )
        self.lock.unlock()
        self.window.bring_to_front()
        self.app.setQuitOnLastWindowClosed(self._quit_on_last)

    def _on_sign_in_cancelled(self, *, locked: bool) -> None:
        dialog, self.sign_in = self.sign_in, None
        if dialog is not None:
            dialog.deleteLater()
        if not locked and self.tray is None:
            self.quit()  # nobody signed in and there is no tray to come back from: leave (programs keep running)

    @Slot()
    def _on_locked(self) -> None:
        self.window.hide()
        self._ask_sign_in(locked=True)

    @Slot()
    def _on_show_requested(self) -> None:
        if self.session.locked or (self.sign_in is not None and not self.window.isVisible()):
            self._ask_sign_in(locked=self.session.locked)
        else:
            self.window.bring_to_front()

    def _apply_lock_settings(self) -> None:
        self.lock.configure(
            idle_ms=self.settings.lock_idle_minutes * 60_000, lock_on_tray=self.settings.lock_on_tray
        )

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

    @Slot(str, str)
    def _on_connection_changed(self, state: str, detail: str) -> None:
        """Say in the status bar which engine the window shows and whether the connection holds."""
        from monitor_app.engine.remote import CONNECTED, CONNECTING, RECONNECTING, UNAUTHORIZED

        assert self.remote is not None
        where = self.remote.endpoint.base_url
        text = {
            CONNECTING: QCoreApplication.translate("DesktopApp", "Connecting to the engine at %1…"),
            CONNECTED: QCoreApplication.translate("DesktopApp", "Attached to the engine at %1"),
            RECONNECTING: QCoreApplication.translate("DesktopApp", "Connection to %1 lost; reconnecting…"),
            UNAUTHORIZED: QCoreApplication.translate("DesktopApp", "The engine at %1 refused the sign-in"),
        }.get(state, "%1").replace("%1", where)
        self.window.set_engine_label(text)
        self.window.set_api_address(where)
        if state in (RECONNECTING, UNAUTHORIZED) and detail:
            self.window.show_status_message(f"{text}: {detail}")
        if state == UNAUTHORIZED and self.sign_in is None:
            self._ask_sign_in(locked=False)  # an expired or revoked sign-in: ask for the password again

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
        for remote in list(self.remote_windows):
            remote.close()
        self.window.save_state(self.window_state)
        self.window_state.sync()
        self._stop_api()
        self.tasks.wait_for_done()
        self.engine.shutdown()

    # ------------------------------------------------------------------ other PCs

    @Slot()
    def open_connect_dialog(self, address: str = "") -> "ConnectDialog":
        """Ask for another PC's engine (without blocking); a window on it opens once the sign-in worked."""
        if self.connect_dialog is not None:
            self.connect_dialog.show()
            self.connect_dialog.raise_()
            self.connect_dialog.activateWindow()
            return self.connect_dialog
        from monitor_app.ui.connect_dialog import ConnectDialog

        dialog = ConnectDialog(self.tasks, self.recent, address=address, parent=self.window)
        self.connect_dialog = dialog
        dialog.finished.connect(lambda _result: self._on_connect_dialog_finished(dialog))
        dialog.open()
        return dialog

    def _on_connect_dialog_finished(self, dialog: "ConnectDialog") -> None:
        self.connect_dialog = None
        dialog.deleteLater()
        if dialog.signed_in is not None:
            self.open_remote_window(dialog.signed_in)

    def open_remote_window(self, signed_in: "SignedIn") -> "RemoteWindow":
        """A window on that engine; kept until it is closed (closing it leaves this app and its engine alone)."""
        from monitor_app.remote_window import RemoteWindow

        remote = RemoteWindow(signed_in, run_after=lambda call: self.tasks.run(call, lambda _none: None, _ignore))
        remote.window.connect_requested.connect(self.open_connect_dialog)
        remote.key_refused.connect(lambda: self._ask_new_credential(remote))
        remote.closed.connect(lambda: self._on_remote_closed(remote))
        self.remote_windows.append(remote)
        remote.start()
        return remote

    def _ask_new_credential(self, remote: "RemoteWindow") -> None:
        """The engine refused ``remote``'s API key: the connect dialog, filled in, for a new key or a password."""
        from monitor_app.ui.connect_dialog import ConnectDialog

        if remote.credential_dialog is not None:
            return
        address = remote.signed_in.endpoint.base_url
        dialog = ConnectDialog(self.tasks, self.recent, address=address, parent=remote.window)
        dialog.show_error(
            QCoreApplication.translate("DesktopApp", "%1 no longer accepts this window's API key.").replace(
                "%1", remote.host
            )
        )
        remote.credential_dialog = dialog
        dialog.finished.connect(lambda _result: self._on_new_credential(remote, dialog))
        dialog.open()

    def _on_new_credential(self, remote: "RemoteWindow", dialog: "ConnectDialog") -> None:
        remote.credential_dialog = None
        dialog.deleteLater()
        signed_in = dialog.signed_in
        if signed_in is None:
            return  # cancelled: the window stays, saying the engine refused it
        same_engine = signed_in.endpoint.base_url == remote.signed_in.endpoint.base_url
        if remote in self.remote_windows and same_engine:
            remote.use_signed_in(signed_in)
        else:
            self.open_remote_window(signed_in)  # the user chose another PC in the dialog

    def _on_remote_closed(self, remote: "RemoteWindow") -> None:
        if remote in self.remote_windows:
            self.remote_windows.remove(remote)
        remote.deleteLater()

    # ------------------------------------------------------------------ settings

    @Slot()
    def open_settings(self) -> None:
        dialog = SettingsDialog(
            self.settings,
            data_dir=str(self.data_dir),
            secret_store=store_kind(self.data_dir, mode=self.options.secret_store),
            autostart_where=self.autostart.describe(),
            interval_locked=self.options.interval_s is not None,
            refusal=self.session.refusal(),
            boot_report=partial(read_boot_engine_report, self.boot_service, self.data_dir),
            tasks=self.tasks,
            parent=self.window,
        )
        dialog.boot_reregister_requested.connect(partial(self.reregister_boot_service, dialog))
        self.boot_service_changed.connect(dialog.refresh_boot_status)
        accepted = dialog.exec()
        self.boot_service_changed.disconnect(dialog.refresh_boot_status)
        if accepted and dialog.result_settings is not None:
            self.apply_settings(dialog.result_settings)

    def apply_settings(self, new: Settings) -> None:
        """Save ``new`` and put each change into effect at once (no restart needed)."""
        old = self.settings
        if not self.session.can_change:  # a guest chooses only how the window looks
            new = old.replace(language=new.language, theme=new.theme)
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
        if new.keep_running_at_boot != old.keep_running_at_boot and not self._change_boot_service(
            install=new.keep_running_at_boot
        ):  # the password question was cancelled: nothing changes
            new = new.replace(keep_running_at_boot=old.keep_running_at_boot)
        try:
            self.store.save(new)
        except MonitorError as exc:
            problems.append(exc.message)
        self.settings = new
        if new.language != old.language:
            self.translations.apply(new.language)
        if new.theme != old.theme:
            apply_theme(self.app, new.theme)
        api_fields = ("api_enabled", "api_host", "api_port", "api_tls_certificate", "api_tls_key",
                      "api_limit_auth", "api_limit_manage", "api_limit_action", "api_limit_metrics")
        engine_changed = (
            new.interval_s != old.interval_s
            or retention_of(new) != retention_of(old)
            or any(getattr(new, name) != getattr(old, name) for name in api_fields)
        )
        if self.remote is not None:
            if engine_changed:  # saved in the shared data dir: the engine reads them when it starts
                problems.append(QCoreApplication.translate(
                    "DesktopApp", "The background engine runs with its own settings: the sampling, history and REST "
                    "API changes are saved and apply when it restarts."))
        else:
            if new.interval_s != old.interval_s and self.options.interval_s is None:
                self.engine.set_sampling_interval(new.interval_s)
            if retention_of(new) != retention_of(old):
                self.engine.set_retention(retention_of(new))
            if new.language != old.language:
                self.engine.automation.set_language(payload_language(new.language))
            if any(getattr(new, name) != getattr(old, name) for name in api_fields):
                self._stop_api()
                self._start_api()
        if (new.lock_idle_minutes, new.lock_on_tray) != (old.lock_idle_minutes, old.lock_on_tray):
            self._apply_lock_settings()
        self._record_settings_change(old, new)
        if problems:
            QMessageBox.warning(self.window, QCoreApplication.translate("DesktopApp", "Settings"), "\n".join(problems))

    def _record_settings_change(self, old: Settings, new: Settings) -> None:
        """Who changed which settings goes to the audit log (names only: values may be file paths)."""
        changed = [
            name
            for name, value in new.as_dict().items()
            if value != getattr(old, name) and name != "close_to_tray_hint_shown"
        ]
        if changed:
            self.engine.record_audit(
                f"settings changed: {', '.join(changed)}",
                cause=Cause.USER,
                actor=self.session.username,
                details={"kind": "settings_changed", "fields": changed},
            )

    # ------------------------------------------------------------------ background engine at boot

    def _mirror_boot_service(self) -> None:
        """Set ``keep_running_at_boot`` from the OS entry (read off the GUI thread: it runs schtasks/systemctl)."""
        self.tasks.run(self.boot_service.status, self._on_boot_status, self._on_boot_status_unknown, key="boot")

    def reregister_boot_service(self, parent: QWidget | None = None) -> bool:
        """Register the boot entry again (asking for the password), e.g. to replace a task that cannot read the
        saved secrets; ``False`` if the user cancelled."""
        return self._change_boot_service(install=True, parent=parent)

    def _change_boot_service(self, *, install: bool, error: str = "", parent: QWidget | None = None) -> bool:
        """Install or remove the entry off the GUI thread; on failure the setting goes back and the user is told.

        Where the service needs it (Windows), installing first asks for the account's password (``error`` says why
        it is asked again). Returns ``False`` if the user cancelled that question: nothing was changed.
        """
        service = self.boot_service
        password: AccountPassword | None = None
        if install and service.needs_password:
            dialog = BootPasswordDialog(service.account, error=error, parent=parent or self.window)
            accepted = dialog.exec()
            password = dialog.password
            dialog.deleteLater()
            if not accepted:
                return False
        try:
            command = current_app_command() if install else []
        except MonitorError as exc:
            self._on_boot_change_failed(install, exc)
            return True
        data_dir = self.data_dir

        def change() -> BootServiceStatus:
            if install:
                service.install(command, data_dir, password=password)
            else:
                service.uninstall()
            return service.status()

        self.tasks.run(change, self._on_boot_changed, partial(self._on_boot_change_failed, install), key="boot")
        return True

    def _on_boot_status(self, status: BootServiceStatus) -> None:
        self._keep_setting(mirror_keep_running_at_boot(self.settings, status))

    def _on_boot_status_unknown(self, error: Exception) -> None:
        message = error.message if isinstance(error, MonitorError) else str(error)
        log.warning("cannot tell whether the background engine starts at boot (%s); showing the saved choice", message)

    def _on_boot_changed(self, status: BootServiceStatus) -> None:
        self._on_boot_status(status)
        self.boot_service_changed.emit()
        if status.warning:
            self.show_problem(QCoreApplication.translate("DesktopApp", "Background engine"), status.warning)

    def _on_boot_change_failed(self, install: bool, error: Exception) -> None:
        message = error.message if isinstance(error, MonitorError) else str(error)
        if install and isinstance(error, BootPasswordRejected):
            # A mistyped password: nothing was registered; ask again, saying why (the message holds no password).
            log.info("Windows refused the password for the background engine's task: %s", message)
            if self._change_boot_service(install=True, error=message):
                return
            message = ""  # the user gave up: put the setting back without a second message
        else:
            log.warning("cannot change the background engine's boot entry: %s", message)
        self._keep_setting(self.settings.replace(keep_running_at_boot=not install))
        self._mirror_boot_service()  # then what the operating system really has (a change may have half happened)
        self.boot_service_changed.emit()
        if message:
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
