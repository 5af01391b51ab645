"""A second window, in the same process, on another PC's engine ("Connect to another PC…").

Composition only, and lighter than ``DesktopApp``: no tray, no REST API, no local settings, boot entry or window
geometry touched (those belong to this PC's own engine and window). Closing it closes only it: its connection
ends, a password sign-in's session is signed out on the engine (off the GUI thread), and that engine and its
programs carry on.
"""

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot
from PySide6.QtWidgets import QDialog

from monitor_app.engine.remote import CONNECTED, CONNECTING, RECONNECTING, UNAUTHORIZED, RemoteEngine
from monitor_app.engine.remote_connect import SignedIn, sign_out
from monitor_app.engine.remote_http import Endpoint
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.session import GuiSession
from monitor_app.ui.sign_in_dialog import SignInDialog

log = logging.getLogger(__name__)


class RemoteWindow(QObject):
    """The window and the connection for one remote engine.

    Args:
        signed_in: What the connect dialog got: endpoint, user, role.
        run_after: Runs a blocking call off the GUI thread after this window is gone (the app's pool), used to
            sign the session out.

    Signals:
        closed(): the window was closed and the connection shut down; drop the reference.
        key_refused(): the engine refused this window's API key (revoked or deleted there); the receiver asks
            for a new credential (the connect dialog) and hands it to ``use_signed_in``.
    """

    closed = Signal()
    key_refused = Signal()

    def __init__(
        self,
        signed_in: SignedIn,
        *,
        run_after: Callable[[Callable[[], object]], None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.signed_in = signed_in
        self._run_after = run_after
        self._closed = False
        self.sign_in: SignInDialog | None = None
        self.credential_dialog: QDialog | None = None  # asking for a new API key (opened by the app)
        self.engine = RemoteEngine(signed_in.endpoint, parent=self)
        self.tasks = BackgroundTasks(self)  # its own pool: a slow remote PC does not hold up the local window
        self.session = GuiSession(
            signed_in.username or signed_in.endpoint.host,
            signed_in.role,
            mode=signed_in.endpoint.base_url,
            parent=self,
        )
        self.commands = ProgramCommands(self.engine, self.session)
        self.window = MainWindow(
            self.engine,
            tasks=self.tasks,
            commands=self.commands,
            accounts=self.engine.accounts,  # type: ignore[arg-type]
        )
        self.window.setObjectName("RemoteMainWindow")
        self.window.set_remote_host(signed_in.endpoint.base_url.partition("://")[2])
        # That PC's settings live on that PC; this window has no business writing them into this PC's data dir.
        self.window.settings_action.setVisible(False)
        self.window.quit_requested.connect(self._on_quit_requested)
        self.engine.connection_changed.connect(self._on_connection_changed)
        self.engine.signed_in.connect(self.session.set_user)

    @property
    def host(self) -> str:
        return self.signed_in.endpoint.host

    def start(self) -> None:
        self.engine.start()  # the requests travel while the window paints
        self._on_connection_changed(self.engine.state, self.engine.state_detail)
        self.window.show()

    def close(self) -> None:
        """Close the window (as the user would); ``closed`` follows."""
        if not self._closed:
            self.window.close()

    @Slot()
    def _on_quit_requested(self) -> None:
        """The window closed (or Quit was chosen in it): end this connection only."""
        if self._closed:
            return
        self._closed = True
        for dialog in (self.sign_in, self.credential_dialog):
            if dialog is not None:
                dialog.reject()
        if self.window.isVisible():
            self.window.hide()
        self.engine.shutdown()
        self.tasks.wait_for_done()  # reads in flight are bounded by the client's timeout
        if self.signed_in.session and self._run_after is not None:
            signed_in = self.signed_in
            self._run_after(lambda: sign_out(signed_in))
        log.info("closed the window on the engine at %s; it keeps running", self.signed_in.endpoint.base_url)
        self.window.deleteLater()
        self.closed.emit()

    @Slot(str, str)
    def _on_connection_changed(self, state: str, detail: str) -> None:
        where = self.signed_in.endpoint.base_url
        text = {
            CONNECTING: QCoreApplication.translate("RemoteWindow", "Connecting to %1…"),
            CONNECTED: QCoreApplication.translate("RemoteWindow", "Connected to %1"),
            RECONNECTING: QCoreApplication.translate("RemoteWindow", "Connection to %1 lost; reconnecting…"),
            UNAUTHORIZED: QCoreApplication.translate("RemoteWindow", "%1 refused the sign-in"),
        }.get(state, "%1").replace("%1", where)
        self.window.set_engine_label(text)
        if state in (RECONNECTING, UNAUTHORIZED) and detail:
            self.window.show_status_message(f"{text}: {detail}")
        if state == UNAUTHORIZED and not self._closed:
            if self.signed_in.session:
                self._ask_sign_in()  # the session expired or was revoked: the password again, not a new window
            else:
                self.key_refused.emit()  # an API key cannot be typed again like a password: a new credential

    def _ask_sign_in(self) -> None:
        if self.sign_in is not None:
            return
        dialog = SignInDialog(
            self.engine.accounts, self.tasks, username=self.signed_in.username, parent=self.window
        )
        self.sign_in = dialog
        dialog.accepted.connect(lambda: self._on_signed_in_again(dialog))
        dialog.rejected.connect(lambda: self._on_sign_in_closed(dialog))
        dialog.open()

    def _on_signed_in_again(self, dialog: SignInDialog) -> None:
        self._on_sign_in_closed(dialog)
        if not dialog.token or dialog.user is None or self._closed:
            return
        old = self.signed_in.endpoint
        self.use_signed_in(
            replace(
                self.signed_in,
                endpoint=Endpoint(old.base_url, dialog.token, old.tls_sha256),
                username=dialog.user.username,
                role=dialog.user.role.value,
            )
        )

    def use_signed_in(self, signed_in: SignedIn) -> None:
        """Go on with a new credential for the same engine (this window stays, with its state)."""
        self.signed_in = signed_in
        self.engine.use_credentials(signed_in.endpoint.token)

    def _on_sign_in_closed(self, dialog: SignInDialog) -> None:
        if self.sign_in is dialog:
            self.sign_in = None
        dialog.deleteLater()
