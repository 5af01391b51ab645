"""First run: choose the password of the "admin" account that signs in to the REST API (there is no default)."""

from collections.abc import Callable

from PySide6.QtCore import QEvent, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from monitor_app.core.errors import MonitorError, ValidationError

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
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        self._labels = (QLabel(), QLabel())
        form = QFormLayout()
        form.addRow(self._labels[0], self.password)
        form.addRow(self._labels[1], self.repeat)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._retranslate()

    @Slot()
    def _on_accept(self) -> None:
        if self.password.text() != self.repeat.text():
            self._show_error(self.tr("The two passwords differ."))
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
                "a script or another PC). There is no default password. At least 8 characters."
            )
        )
        self._labels[0].setText(self.tr("Password"))
        self._labels[1].setText(self.tr("Repeat it"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
