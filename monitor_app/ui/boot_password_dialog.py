"""Asks for the Windows account password before the background engine's boot task is registered.

Task Scheduler needs it to start the engine at boot as the user with access to the user's saved secrets (webhook
URLs, plugin passwords); monitor_app hands it to Task Scheduler and keeps nothing. The user may instead register
without it, knowingly: the engine then runs at boot but cannot read those secrets.
"""

from PySide6.QtCore import QEvent, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor_app.settings import AccountPassword
from monitor_app.ui.form_errors import ERROR_STYLE


class BootPasswordDialog(QDialog):
    """The account's password, or the explicit choice to do without it.

    After ``exec()``: accepted with ``password`` set (register with it), accepted with ``without_password`` True
    (register without it), or rejected (change nothing). The text field is emptied as soon as the dialog closes.

    Args:
        account: The account the engine will run as (``DOMAIN\\user``), shown read-only.
        error: Why the previous attempt failed (a wrong password), shown above the field; empty the first time.
    """

    def __init__(self, account: str, *, error: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.password: AccountPassword | None = None
        self.without_password = False
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.account = QLineEdit(account)
        self.account.setReadOnly(True)
        self.password_field = QLineEdit()
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.textChanged.connect(self._on_password_changed)
        self.error = QLabel(error)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.setVisible(bool(error))
        self.without_note = QLabel()
        self.without_note.setWordWrap(True)
        self.without_note.setStyleSheet("color: palette(mid);")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.register_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.register_button.setEnabled(False)
        self.without_button = QPushButton()
        self.without_button.setAutoDefault(False)
        self.buttons.addButton(self.without_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.without_button.clicked.connect(self._on_without)
        self.buttons.accepted.connect(self._on_register)
        self.buttons.rejected.connect(self.reject)
        self._labels = {"account": QLabel(), "password": QLabel()}
        form = QFormLayout()
        form.addRow(self._labels["account"], self.account)
        form.addRow(self._labels["password"], self.password_field)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.error)
        layout.addLayout(form)
        layout.addWidget(self.without_note)
        layout.addWidget(self.buttons)
        self.password_field.setFocus()
        self._retranslate()

    @Slot(str)
    def _on_password_changed(self, text: str) -> None:
        self.register_button.setEnabled(bool(text))

    @Slot()
    def _on_register(self) -> None:
        text = self.password_field.text()
        if not text:  # an account without a password cannot be used by Task Scheduler
            return
        self.password = AccountPassword(text)
        self.accept()

    @Slot()
    def _on_without(self) -> None:
        self.without_password = True
        self.accept()

    def done(self, result: int) -> None:
        self.password_field.clear()  # no copy of the password stays in the widget
        super().done(result)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Start the background engine at boot"))
        self.intro.setText(
            self.tr(
                "Windows needs your account password to start the engine at boot with access to your saved "
                "secrets (webhook URLs, plugin passwords); monitor_app does not keep it, Task Scheduler stores it. "
                "After you change your Windows password, register again here."
            )
        )
        self._labels["account"].setText(self.tr("Windows account:"))
        self._labels["password"].setText(self.tr("Password:"))
        self.register_button.setText(self.tr("Register"))
        self.without_button.setText(self.tr("Without my password"))
        self.without_note.setText(
            self.tr(
                "Without your password the engine still starts at boot, but webhook URLs and plugin passwords will "
                "not be available to the background engine: Discord alerts and plugin controls that need them stay "
                "off. Choose this if your account has no password or signs in only with a PIN."
            )
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
