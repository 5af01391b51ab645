"""Forms of the Users page and the sign-in: a new user, a new password, a new API key, the key shown once.

An account call may block (bcrypt takes ~0.2 s; a remote engine answers over the network), so each form runs
its call through ``BackgroundTasks`` and closes only when it succeeded; a refusal (the password policy, a
taken name, the last admin) appears in the form and nothing typed is lost. The password rules shown here are
the service's own (``auth.passwords``), checked as you type.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor_app.auth.passwords import MAX_BYTES, MIN_LENGTH, password_problems
from monitor_app.core.accounts import ApiKey, Role, User
from monitor_app.core.errors import MonitorError, ValidationError
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.form_errors import error_label

HINT_STYLE = "color: palette(mid);"


def password_rules() -> str:
    """The password policy in words (the same rules ``auth.passwords`` enforces)."""
    return (
        QCoreApplication.translate(
            "Accounts",
            "At least %1 characters, not only digits, not the same as the username, at most %2 bytes "
            "(a Korean character takes 3).",
        )
        .replace("%1", str(MIN_LENGTH))
        .replace("%2", str(MAX_BYTES))
    )


def error_text(exc: BaseException) -> str:
    """What to show for a failed account call: every field problem on its own line."""
    if isinstance(exc, ValidationError):
        return "\n".join(
            error.message if error.field in ("password", "") else f"{error.field}: {error.message}"
            for error in exc.errors
        )
    if isinstance(exc, MonitorError):
        return exc.message
    return str(exc) or type(exc).__name__


class NewPasswordFields(QWidget):
    """A password typed twice, with the rules and (as you type) what the password still breaks."""

    def __init__(self, username: Callable[[], str] = lambda: "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._username = username
        self.password = QLineEdit()
        self.password.setObjectName("newPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeatPassword")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.rules = QLabel()
        self.rules.setWordWrap(True)
        self.rules.setStyleSheet(HINT_STYLE)
        self.live = error_label("passwordProblems")
        self.password.textChanged.connect(self.update_problems)
        self.repeat.textChanged.connect(self.update_problems)
        self._labels = (QLabel(), QLabel())
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self._labels[0], self.password)
        form.addRow(self._labels[1], self.repeat)
        form.addRow("", self.rules)
        form.addRow("", self.live)
        self._retranslate()

    def problems(self) -> list[str]:
        """Every rule the password breaks, and whether the two differ (empty: acceptable)."""
        found = [
            self._problem_text(error.message)
            for error in password_problems(self.password.text(), username=self._username())
        ]
        if self.password.text() != self.repeat.text():
            found.append(self.tr("The two passwords differ."))
        return found

    def _problem_text(self, problem: str) -> str:
        """The password rule's message (English, from ``auth``) as a whole translated sentence."""
        if problem.startswith("must be at least"):
            return self.tr("The password must be at least %1 characters long").replace("%1", str(MIN_LENGTH))
        if problem.startswith("must not be only digits"):
            return self.tr("The password must not be only digits")
        if problem.startswith("must not be the same as the username"):
            return self.tr("The password must not be the same as the username")
        if problem.startswith("must be at most"):
            return self.tr("The password is too long: at most %1 bytes in UTF-8").replace("%1", str(MAX_BYTES))
        return self.tr("The password %1").replace("%1", problem)

    @Slot()
    def update_problems(self) -> None:
        found = self.problems() if self.password.text() else []
        if self.password.text() and not self.repeat.text():
            found = [f for f in found if f != self.tr("The two passwords differ.")]
        self.live.setText(
            "\n".join(self.tr("The password %1").replace("%1", f) if f[0].islower() else f for f in found)
        )
        self.live.setVisible(bool(found))

    def _retranslate(self) -> None:
        self._labels[0].setText(self.tr("Password"))
        self._labels[1].setText(self.tr("Repeat it"))
        self.rules.setText(password_rules())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


class AccountDialog(QDialog):
    """A form whose OK runs an account call in the background and closes when it succeeded.

    Subclasses give ``problems()`` (checked before anything is sent) and ``call()`` (what to run); the
    call's result is kept in ``outcome``.
    """

    def __init__(self, tasks: BackgroundTasks, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.outcome: Any = None
        self.error = error_label("formError")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def problems(self) -> list[str]:
        return []

    def call(self) -> Callable[[], Any]:
        raise NotImplementedError

    @Slot()
    def submit(self) -> None:
        problems = self.problems()
        if problems:
            self.show_error("\n".join(problems))
            return
        self.error.hide()
        self.buttons.setEnabled(False)
        self._tasks.run(self.call(), self._on_done, self._on_failed, owner=self)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _on_done(self, result: Any) -> None:
        self.outcome = result
        self.buttons.setEnabled(True)
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        self.show_error(error_text(exc))


class UserDialog(AccountDialog):
    """A new user: name, role and password."""

    def __init__(
        self, create: Callable[[str, str, Role], User], tasks: BackgroundTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(tasks, parent)
        self._create = create
        self.username = QLineEdit()
        self.username.setObjectName("newUsername")
        self.role = QComboBox()
        self.role.setObjectName("newUserRole")
        self.role.addItem("", Role.GUEST.value)
        self.role.addItem("", Role.ADMIN.value)
        self.fields = NewPasswordFields(self.username.text)
        self.username.textChanged.connect(self.fields.update_problems)
        self._labels = (QLabel(), QLabel())
        form = QFormLayout()
        form.addRow(self._labels[0], self.username)
        form.addRow(self._labels[1], self.role)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._retranslate()

    def problems(self) -> list[str]:
        if not self.username.text().strip():
            return [self.tr("Enter a username.")]
        return [
            self.tr("The password %1").replace("%1", p) if p[0].islower() else p
            for p in self.fields.problems()
        ]

    def call(self) -> Callable[[], Any]:
        username, password = self.username.text().strip(), self.fields.password.text()
        role = Role(self.role.currentData())
        return lambda: self._create(username, password, role)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add user"))
        self._labels[0].setText(self.tr("Username"))
        self._labels[1].setText(self.tr("Role"))
        self.username.setPlaceholderText(self.tr("letters, digits, . _ -"))
        self.role.setItemText(0, self.tr("Guest: sees everything, changes nothing"))
        self.role.setItemText(1, self.tr("Admin: may change everything"))


class PasswordDialog(AccountDialog):
    """A new password for an existing user (their sessions are signed out)."""

    def __init__(
        self, user: User, update: Callable[[str], User], tasks: BackgroundTasks, parent: QWidget | None = None
    ) -> None:
        super().__init__(tasks, parent)
        self._user = user
        self._update = update
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.fields = NewPasswordFields(lambda: user.username)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.fields)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Reset password"))
        self.intro.setText(
            self.tr("New password of %1. Everywhere they are signed in, they are signed out.").replace(
                "%1", user.username
            )
        )

    def problems(self) -> list[str]:
        return [
            self.tr("The password %1").replace("%1", p) if p[0].islower() else p
            for p in self.fields.problems()
        ]

    def call(self) -> Callable[[], Any]:
        password = self.fields.password.text()
        return lambda: self._update(password)


class ApiKeyDialog(AccountDialog):
    """A new API key: what it is for and whose rights it has."""

    def __init__(
        self,
        users: tuple[User, ...],
        owner_id: int | None,
        create: Callable[[str, int], tuple[str, ApiKey]],
        tasks: BackgroundTasks,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(tasks, parent)
        self._create = create
        self.name = QLineEdit()
        self.name.setObjectName("keyName")
        self.owner = QComboBox()
        self.owner.setObjectName("keyOwner")
        for user in users:
            self.owner.addItem(f"{user.username} ({user.role.value})", user.id)
        if owner_id is not None and self.owner.findData(owner_id) >= 0:
            self.owner.setCurrentIndex(self.owner.findData(owner_id))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self._labels = (QLabel(), QLabel())
        form = QFormLayout()
        form.addRow(self._labels[0], self.name)
        form.addRow(self._labels[1], self.owner)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setWindowTitle(self.tr("Create API key"))
        self._labels[0].setText(self.tr("What it is for"))
        self._labels[1].setText(self.tr("Acts as"))
        self.name.setPlaceholderText(self.tr("e.g. backup script"))
        self.hint.setText(
            self.tr("The key has the rights of its user, and stops working when the user is removed.")
        )

    def problems(self) -> list[str]:
        problems = []
        if not self.name.text().strip():
            problems.append(self.tr("Enter what the key is for."))
        if self.owner.currentData() is None:
            problems.append(self.tr("Choose the user the key acts as."))
        return problems

    def call(self) -> Callable[[], Any]:
        name, owner = self.name.text().strip(), int(self.owner.currentData())
        return lambda: self._create(name, owner)


class KeyShownDialog(QDialog):
    """The new API key, shown this one time, with a copy button."""

    def __init__(self, key_name: str, secret: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("API key created"))
        self.warning = QLabel(
            self.tr(
                "Copy the key “%1” now and keep it somewhere safe: you will not see it again. "
                "If it is lost, revoke it and create a new one."
            ).replace("%1", key_name)
        )
        self.warning.setWordWrap(True)
        self.warning.setObjectName("keyWarning")
        self.key = QLineEdit(secret)
        self.key.setObjectName("keySecret")
        self.key.setReadOnly(True)
        self.key.setMinimumWidth(self.fontMetrics().horizontalAdvance(secret) + 24)
        self.copy = QPushButton(self.tr("Copy"))
        self.copy.setObjectName("copyKey")
        self.copy.clicked.connect(self._on_copy)
        self.copied = QLabel()
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.warning)
        layout.addLayout(row)
        layout.addWidget(self.copied)
        layout.addWidget(buttons)

    @Slot()
    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.key.text())
        self.copied.setText(self.tr("Copied to the clipboard."))

    def done(self, result: int) -> None:
        self.key.clear()  # the secret does not stay in memory longer than the dialog
        super().done(result)
