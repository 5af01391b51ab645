"""First run: choose the password of the "admin" account that signs in to the REST API (there is no default).

The rules are shown up front and checked as you type (the account service's own policy, ``auth.passwords``),
so the first refusal is not a surprise.
"""

from collections.abc import Callable

from PySide6.QtCore import QEvent, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from monitor_app.auth.service import ADMIN_USERNAME
from monitor_app.core.errors import MonitorError, ValidationError
from monitor_app.ui.account_dialogs import NewPasswordFields

ERROR_STYLE = "color: #c9362c;"


class FirstAdminDialog(QDialog):
    """Asks for the admin password twice and hands it to ``create`` (which applies the password policy).

    Args:
        create: Creates the account; raises ValidationError with the policy's message when refused.
    """

    def __init__(self, create: Callable[[str], object], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._create = create
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.fields = NewPasswordFields(lambda: ADMIN_USERNAME)
        self.password = self.fields.password
        self.repeat = self.fields.repeat
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._retranslate()

    @Slot()
    def _on_accept(self) -> None:
        problems = self.fields.problems()
        if problems:
            self._show_error(
                "\n".join(self.tr("The password %1").replace("%1", p) if p[0].islower() else p for p in problems)
            )
            return
        try:
            self._create(self.password.text())
        except ValidationError as exc:
            self._show_error("\n".join(error.message for error in exc.errors))
            return
        except MonitorError as exc:
            self._show_error(exc.message)
            return
        self.accept()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Administrator password"))
        self.intro.setText(
            self.tr(
                "Choose the password of the user \"admin\". It signs in to monitor_app's REST API (from a phone, "
                "a script or another PC), and to this window when sign-in is required. There is no default password."
            )
        )

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
