"""Who is using the window and what they may do: the GUI's one answer to "may this click change things?".

In-process without sign-in the person at the PC is an admin named after their OS login (as before accounts
existed). After a sign-in, or when the window is attached to a remote engine, the session's user and role come
from that login (``set_user``). Every control that changes something asks the session live (``can_change``)
and is refreshed on ``changed``, so a role switch takes effect without rebuilding the window.
"""

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from monitor_app.core.accounts import Role
from monitor_app.core.errors import ForbiddenError

#: Dynamic property keeping a control's own tooltip while the session's refusal replaces it.
_SAVED_TOOLTIP = "sessionSavedToolTip"


def guest_refusal() -> str:
    """Why a control is disabled for a guest (also the command layer's refusal message)."""
    return QCoreApplication.translate(
        "GuiSession", "Signed in as guest: changing things needs an admin account"
    )


class GuiSession(QObject):
    """The signed-in user of the window.

    Args:
        username: Who acts (recorded as the actor of every change made in the window).
        role: ``"admin"`` may change things, ``"guest"`` may only look.
        mode: How the window reaches its engine, for the status bar ("Local engine", a remote address…).

    Signals:
        changed(): the user, role, mode or lock state changed.
    """

    changed = Signal()

    def __init__(
        self, username: str, role: Role | str = Role.ADMIN, *, mode: str = "", parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._username = username
        self._role = Role(role)
        self._mode = mode
        self._locked = False

    @property
    def username(self) -> str:
        return self._username

    @property
    def role(self) -> Role:
        return self._role

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def locked(self) -> bool:
        """The window is locked (idle or minimised): nothing may be changed until the password is entered."""
        return self._locked

    @property
    def can_change(self) -> bool:
        return self._role == Role.ADMIN and not self._locked

    def set_user(self, username: str, role: Role | str) -> None:
        """Switch to another user (a sign-in, an unlock as someone else, a remote engine's login).

        Raises:
            ValueError: ``role`` is not a known role.
        """
        role = Role(role)
        if (username, role) == (self._username, self._role):
            return
        self._username, self._role = username, role
        self.changed.emit()

    def set_mode(self, mode: str) -> None:
        if mode != self._mode:
            self._mode = mode
            self.changed.emit()

    def set_locked(self, locked: bool) -> None:
        if locked != self._locked:
            self._locked = locked
            self.changed.emit()

    def refusal(self) -> str:
        """Why a change is refused right now (empty when it is allowed)."""
        if self._locked:
            return QCoreApplication.translate(
                "GuiSession", "The window is locked: sign in again to change things"
            )
        if self._role != Role.ADMIN:
            return guest_refusal()
        return ""

    def require_change(self) -> None:
        """The command layer's check: refuse when this session may not change things.

        Raises:
            ForbiddenError: a guest (or a locked window) asked for a change.
        """
        if not self.can_change:
            raise ForbiddenError(self.refusal())

    def describe(self) -> str:
        """The status bar's text: "alice (admin)", with the mode when there is one."""
        role = (
            QCoreApplication.translate("GuiSession", "admin")
            if self._role == Role.ADMIN
            else QCoreApplication.translate("GuiSession", "guest")
        )
        who = f"{self._username} ({role})"
        return f"{self._mode} · {who}" if self._mode else who

    def gate(self, control: QWidget | QAction, wanted: bool = True) -> None:
        """Enable ``control`` if the view ``wanted`` it enabled and this session may change things.

        While refused, the control's tooltip says why; its own tooltip comes back when changes are allowed.
        Call it from the view's "update my buttons" method and again on ``changed``.
        """
        allowed = self.can_change
        control.setEnabled(wanted and allowed)
        saved = control.property(_SAVED_TOOLTIP)
        if not allowed:
            if saved is None:
                control.setProperty(_SAVED_TOOLTIP, control.toolTip() if _has_own_tooltip(control) else "")
            control.setToolTip(self.refusal())
        elif saved is not None:
            control.setToolTip(str(saved))
            control.setProperty(_SAVED_TOOLTIP, None)


def _has_own_tooltip(control: QWidget | QAction) -> bool:
    # A QAction without a tooltip reports its text: restoring that would freeze it against retranslation.
    return not isinstance(control, QAction) or control.toolTip() != control.text().replace("&", "")
