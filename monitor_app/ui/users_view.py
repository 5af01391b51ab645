"""The Users tab: who may sign in (to the window and the REST API) with which role, and the API keys scripts use.

A top-level tab rather than an Automation page: accounts are not automation, and admins look for them next
to the audit log. Every account call goes through ``BackgroundTasks`` (bcrypt, or HTTP to a remote engine)
and the ``AccountsPort``; every change is recorded in the event log as the session's user (the service itself
records nothing, and the REST API records its own). Guests see why they cannot use the page; the list is not
even read for them (a remote engine refuses it to guests too).
"""

import time
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.accounts import ApiKey, Role, User
from monitor_app.core.ports import AccountsPort
from monitor_app.core.states import Cause
from monitor_app.ui.account_dialogs import (
    HINT_STYLE,
    AccountDialog,
    ApiKeyDialog,
    KeyShownDialog,
    PasswordDialog,
    UserDialog,
    error_text,
)
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.form_errors import error_label
from monitor_app.ui.session import GuiSession

RecordAudit = Callable[..., None]
ID_ROLE = Qt.ItemDataRole.UserRole


def _time_text(timestamp: float | None) -> str:
    return "" if timestamp is None else time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp))


def _last_sign_ins(accounts: AccountsPort) -> dict[int, float]:
    """The latest open session per user, where the accounts say (the in-process service does)."""
    sessions = getattr(accounts, "sessions", None)
    latest: dict[int, float] = {}
    if callable(sessions):
        for session in sessions():
            latest[session.user_id] = max(latest.get(session.user_id, 0.0), session.created_at)
    return latest


class UsersView(QWidget):
    """Users and API keys.

    Args:
        accounts: The account service (in-process) or a remote engine's accounts.
        tasks: Pool the account calls run in.
        session: Who is signed in; only admins may use the page.
        record_audit: ``engine.record_audit``, called on the GUI thread after each change.

    Signals:
        status_message(str): for the status bar.
    """

    status_message = Signal(str)

    def __init__(
        self,
        accounts: AccountsPort,
        tasks: BackgroundTasks,
        session: GuiSession,
        *,
        record_audit: RecordAudit,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("usersView")
        self._accounts = accounts
        self._tasks = tasks
        self._session = session
        self._record_audit = record_audit
        self.users: tuple[User, ...] = ()
        self.keys: tuple[ApiKey, ...] = ()
        self.dialog: QWidget | None = None

        self.hint = QLabel()
        self.hint.setObjectName("usersHint")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(HINT_STYLE)
        self.error = error_label("usersError")
        self.users_title = QLabel()
        self.users_table = self._table("usersTable", 4)
        self.add_user_button = self._button("addUser", self.add_user)
        self.role_button = self._button("toggleRole", self.toggle_role)
        self.password_button = self._button("resetPassword", self.reset_password)
        self.remove_user_button = self._button("removeUser", self.remove_user)
        self.keys_title = QLabel()
        self.keys_table = self._table("keysTable", 4)
        self.create_key_button = self._button("createKey", self.create_key)
        self.revoke_key_button = self._button("revokeKey", self.revoke_key)
        self.refresh_button = self._button("refreshUsers", self.reload)

        user_bar = QHBoxLayout()
        for button in (self.add_user_button, self.role_button, self.password_button, self.remove_user_button):
            user_bar.addWidget(button)
        user_bar.addStretch(1)
        user_bar.addWidget(self.refresh_button)
        key_bar = QHBoxLayout()
        key_bar.addWidget(self.create_key_button)
        key_bar.addWidget(self.revoke_key_button)
        key_bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        layout.addWidget(self.users_title)
        layout.addLayout(user_bar)
        layout.addWidget(self.users_table, 3)
        layout.addWidget(self.keys_title)
        layout.addLayout(key_bar)
        layout.addWidget(self.keys_table, 2)

        self.users_table.itemSelectionChanged.connect(self._update_buttons)
        self.keys_table.itemSelectionChanged.connect(self._update_buttons)
        session.changed.connect(self._on_session_changed)
        self._retranslate()
        self._on_session_changed()

    def _table(self, name: str, columns: int) -> QTableWidget:
        table = QTableWidget(0, columns)
        table.setObjectName(name)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.verticalHeader().hide()
        table.setAlternatingRowColors(True)
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return table

    def _button(self, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton()
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    # ------------------------------------------------------------------ reading

    @Slot()
    def reload(self) -> None:
        """Read users, keys and last sign-ins in the background (admins only)."""
        if not self._session.can_change:
            return
        accounts = self._accounts
        self._tasks.run(
            lambda: (accounts.users(), accounts.api_keys(), _last_sign_ins(accounts)),
            self._on_loaded,
            lambda exc: self._show_error(self.tr("Cannot read the users: %1").replace("%1", error_text(exc))),
            owner=self,
            key=f"users-{id(self)}",
        )

    def _on_loaded(self, loaded: tuple[tuple[User, ...], tuple[ApiKey, ...], Mapping[int, float]]) -> None:
        self.users, self.keys, last = loaded
        selected_user, selected_key = self.selected_user(), self.selected_key()
        names = {user.id: user.username for user in self.users}
        self._fill(
            self.users_table,
            [
                (
                    user.id,
                    [
                        user.username,
                        self._role_text(user.role),
                        _time_text(user.created_at),
                        _time_text(last.get(user.id)),
                    ],
                )
                for user in self.users
            ],
            selected_user.id if selected_user else None,
        )
        self._fill(
            self.keys_table,
            [
                (
                    key.id,
                    [
                        key.name,
                        names.get(key.user_id, "?"),
                        _time_text(key.created_at),
                        _time_text(key.last_used_at),
                    ],
                )
                for key in self.keys
            ],
            selected_key.id if selected_key else None,
        )
        self._update_buttons()

    def _fill(self, table: QTableWidget, rows: list[tuple[int, list[str]]], keep: int | None) -> None:
        table.setRowCount(len(rows))
        for row, (record_id, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, record_id)
                table.setItem(row, column, item)
            if record_id == keep:
                table.selectRow(row)

    def selected_user(self) -> User | None:
        return self._selected(self.users_table, self.users)

    def selected_key(self) -> ApiKey | None:
        return self._selected(self.keys_table, self.keys)

    @staticmethod
    def _selected(table: QTableWidget, records: tuple[Any, ...]) -> Any:
        rows = table.selectionModel().selectedRows()
        if not rows:
            return None
        record_id = table.item(rows[0].row(), 0).data(ID_ROLE)
        return next((record for record in records if record.id == record_id), None)

    def select_user(self, username: str) -> None:
        for row, user in enumerate(self.users):
            if user.username == username:
                self.users_table.selectRow(row)

    # ------------------------------------------------------------------ changes

    @Slot()
    def add_user(self) -> None:
        if self._refused():
            return
        dialog = UserDialog(self._accounts.create_user, self._tasks, self)
        self._open(
            dialog,
            lambda user: self._changed(
                f"user {user.username!r} created ({user.role.value})",
                "user_created",
                self.tr("%1 added"),
                user.username,
            ),
        )

    @Slot()
    def toggle_role(self) -> None:
        user = self.selected_user()
        if user is None or self._refused():
            return
        role = Role.GUEST if user.role == Role.ADMIN else Role.ADMIN
        self._call(
            lambda: self._accounts.update_user(user.id, role=role),
            lambda changed: self._changed(
                f"user {changed.username!r} changed (role {role.value})",
                "user_role_changed",
                self.tr("%1 is now %2").replace("%2", self._role_text(role)),
                changed.username,
            ),
        )

    @Slot()
    def reset_password(self) -> None:
        user = self.selected_user()
        if user is None or self._refused():
            return
        dialog = PasswordDialog(
            user, lambda password: self._accounts.update_user(user.id, password=password), self._tasks, self
        )
        self._open(
            dialog,
            lambda changed: self._changed(
                f"user {changed.username!r} changed (password)",
                "user_password_reset",
                self.tr("New password of %1 saved"),
                changed.username,
            ),
        )

    @Slot()
    def remove_user(self) -> None:
        user = self.selected_user()
        if user is None or self._refused():
            return
        if not self._confirm(
            self.tr("Remove user"),
            self.tr("Remove %1?").replace("%1", user.username),
            self.tr("Their API keys stop working and they are signed out everywhere."),
            self.tr("Remove"),
        ):
            return
        self._call(
            lambda: self._accounts.delete_user(user.id),
            lambda _none: self._changed(
                f"user {user.username!r} deleted", "user_deleted", self.tr("%1 removed"), user.username
            ),
        )

    @Slot()
    def create_key(self) -> None:
        if self._refused():
            return
        own = next((u.id for u in self.users if u.username == self._session.username), None)
        dialog = ApiKeyDialog(
            self.users,
            own,
            lambda name, owner: self._accounts.create_api_key(name, user_id=owner),
            self._tasks,
            self,
        )
        self._open(dialog, self._on_key_created)

    def _on_key_created(self, created: tuple[str, ApiKey]) -> None:
        secret, key = created
        self._changed(
            f"API key {key.name!r} created", "api_key_created", self.tr("API key %1 created"), key.name
        )
        shown = KeyShownDialog(key.name, secret, self)
        shown.setObjectName("keyShownDialog")
        shown.finished.connect(shown.deleteLater)
        self.key_dialog = shown
        shown.open()

    @Slot()
    def revoke_key(self) -> None:
        key = self.selected_key()
        if key is None or self._refused():
            return
        if not self._confirm(
            self.tr("Revoke API key"),
            self.tr("Revoke the API key %1?").replace("%1", key.name),
            self.tr("Scripts using it are refused from now on."),
            self.tr("Revoke"),
        ):
            return
        self._call(
            lambda: self._accounts.revoke_api_key(key.id),
            lambda _none: self._changed(
                f"API key {key.name!r} revoked", "api_key_revoked", self.tr("API key %1 revoked"), key.name
            ),
        )

    # ------------------------------------------------------------------ helpers

    def _refused(self) -> bool:
        if self._session.can_change:
            return False
        self.status_message.emit(self._session.refusal())
        return True

    def _open(self, dialog: AccountDialog, on_done: Callable[[Any], None]) -> None:
        """Window-modal without a nested event loop; ``on_done(outcome)`` once the call succeeded."""
        self.dialog = dialog

        def finished(result: int) -> None:
            self.dialog = None
            if result == AccountDialog.DialogCode.Accepted and dialog.outcome is not None:
                on_done(dialog.outcome)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()

    def _call(self, call: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        self.error.hide()
        self._tasks.run(call, on_done, lambda exc: self._show_error(error_text(exc)), owner=self)

    def _changed(self, audit: str, kind: str, message: str, name: str) -> None:
        """A change went through: record who did it, say so, read the lists again."""
        self._record_audit(audit, cause=Cause.USER, actor=self._session.username, details={"kind": kind})
        self.error.hide()
        self.status_message.emit(message.replace("%1", name))
        self.reload()

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        self.status_message.emit(text)

    def _confirm(self, title: str, text: str, informative: str, action: str) -> bool:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(title)
        box.setText(text)
        box.setInformativeText(informative)
        confirm = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is confirm

    def _role_text(self, role: Role) -> str:
        return self.tr("admin") if role == Role.ADMIN else self.tr("guest")

    @Slot()
    def _on_session_changed(self) -> None:
        """Another user or role: guests get the reason and no lists; admins get the lists read again."""
        self._update_hint()
        if not self._session.can_change:
            self.users, self.keys = (), ()
            self.users_table.setRowCount(0)
            self.keys_table.setRowCount(0)
        self._update_buttons()
        self.reload()

    def _update_hint(self) -> None:
        admin = self._session.can_change
        self.hint.setText(
            self.tr(
                "Signed in as %1 (admin). Users sign in to this window and to the REST API; API keys let "
                "scripts act as their user."
            ).replace("%1", self._session.username)
            if admin
            else self._session.refusal()
        )

    @Slot()
    def _update_buttons(self) -> None:
        user, key = self.selected_user(), self.selected_key()
        gate = self._session.gate
        gate(self.add_user_button)
        gate(self.role_button, user is not None)
        gate(self.password_button, user is not None)
        gate(self.remove_user_button, user is not None)
        gate(self.create_key_button, bool(self.users))
        gate(self.revoke_key_button, key is not None)
        gate(self.refresh_button)
        self.role_button.setText(
            self.tr("Make guest") if user is not None and user.role == Role.ADMIN else self.tr("Make admin")
        )

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Users"))
        self.users_title.setText(self.tr("Users"))
        self.keys_title.setText(self.tr("API keys"))
        self.users_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Role"), self.tr("Created"), self.tr("Last sign-in")]
        )
        self.keys_table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Acts as"), self.tr("Created"), self.tr("Last used")]
        )
        self.add_user_button.setText(self.tr("Add user…"))
        self.password_button.setText(self.tr("Reset password…"))
        self.remove_user_button.setText(self.tr("Remove…"))
        self.create_key_button.setText(self.tr("Create key…"))
        self.revoke_key_button.setText(self.tr("Revoke…"))
        self.refresh_button.setText(self.tr("Refresh"))
        self._update_hint()  # a language change only re-words the page: nothing is read
        self._update_buttons()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
