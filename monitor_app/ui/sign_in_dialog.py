"""Signing in to the window (when settings require it) and unlocking it: a username and a password.

The password is checked by ``accounts.login`` in the background (bcrypt, or a remote engine over HTTP); a
wrong password and the service's lock-out message ("too many failed sign-ins…; try again in N s") are shown
as they are, and the password field is cleared for the next try. A guest account signs in as a guest.
"""

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from monitor_app.auth.errors import InvalidCredentialsError
from monitor_app.core.accounts import Session, User
from monitor_app.core.ports import AccountsPort
from monitor_app.ui.account_dialogs import error_text
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.form_errors import error_label
from monitor_app.ui.icons import app_icon

#: What the service records as the client of a window sign-in (the REST API records an address).
GUI_CLIENT = "window"


class SignInDialog(QDialog):
    """Asks for a username and password; accepted once ``accounts.login`` agreed.

    Args:
        accounts: Checks the password.
        tasks: Pool the check runs in.
        username: Filled in (an unlock offers the signed-in user).
        locked: Word it as unlocking a locked window rather than opening one.

    Attributes:
        user: Who signed in (after ``accepted``).
        token: The bearer token of the new session (a remote engine's connection uses it; in-process it is
            signed out again at once).
    """

    def __init__(
        self,
        accounts: AccountsPort,
        tasks: BackgroundTasks,
        *,
        username: str = "",
        locked: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowIcon(app_icon())
        self._accounts = accounts
        self._tasks = tasks
        self._locked = locked
        self.user: User | None = None
        self.session: Session | None = None
        self.token = ""
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.username = QLineEdit(username)
        self.username.setObjectName("signInUsername")
        self.password = QLineEdit()
        self.password.setObjectName("signInPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label("signInError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self._labels = (QLabel(), QLabel())
        form = QFormLayout()
        form.addRow(self._labels[0], self.username)
        form.addRow(self._labels[1], self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        if username:
            self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        self._retranslate()

    @Slot()
    def submit(self) -> None:
        username, password = self.username.text().strip(), self.password.text()
        if not username or not password:
            self.show_error(self.tr("Enter your username and password."))
            return
        self.buttons.setEnabled(False)
        self.error.hide()
        accounts = self._accounts
        self._tasks.run(
            lambda: accounts.login(username, password, client=GUI_CLIENT),
            self._on_signed_in,
            self._on_failed,
            owner=self,
        )

    def _on_signed_in(self, result: tuple[str, Session, User]) -> None:
        self.token, self.session, self.user = result
        self.buttons.setEnabled(True)
        self.password.clear()
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        self.password.clear()
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)
        if isinstance(exc, InvalidCredentialsError):
            self.show_error(self.tr("Wrong username or password."))
        else:
            self.show_error(error_text(exc))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _retranslate(self) -> None:
        if self._locked:
            self.setWindowTitle(self.tr("monitor_app is locked"))
            self.intro.setText(
                self.tr(
                    "monitor_app is locked. Your programs keep running. Sign in to open the window again."
                )
            )
        else:
            self.setWindowTitle(self.tr("Sign in to monitor_app"))
            self.intro.setText(
                self.tr("Sign in with your monitor_app account (the one you use for the REST API).")
            )
        self._labels[0].setText(self.tr("Username"))
        self._labels[1].setText(self.tr("Password"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
