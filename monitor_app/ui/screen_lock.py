"""Locks the window after a while without input, or when it goes to the tray; programs keep running.

Idle means no key, click, wheel or mouse move reached the application (an event filter on the QApplication,
installed only while an idle limit is set, so an unlocked monitor without one pays nothing). Locking is a
state of the session (``GuiSession.locked``: nothing may be changed, the tray's commands are off); the app
hides the window and shows the sign-in in unlock mode until the password is entered again.
"""

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication

from monitor_app.ui.session import GuiSession

#: Input that counts as "someone is using the window".
ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class ScreenLock(QObject):
    """Decides when the window locks.

    Args:
        app: The application whose input is watched.
        session: Marked locked while locked.

    Signals:
        locked(): the window must be hidden and the unlock asked for.
        unlocked(): the password was entered again.
    """

    locked = Signal()
    unlocked = Signal()

    def __init__(self, app: QApplication, session: GuiSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._session = session
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self.lock)
        self._watching = False
        self.lock_on_tray = False

    @property
    def is_locked(self) -> bool:
        return self._session.locked

    @property
    def idle_ms(self) -> int:
        """The idle limit, 0 when off."""
        return self._idle.interval() if self._watching else 0

    def configure(self, *, idle_ms: int, lock_on_tray: bool) -> None:
        """Lock after ``idle_ms`` without input (0: never) and/or when the window goes to the tray."""
        self.lock_on_tray = lock_on_tray
        if idle_ms > 0:
            self._idle.setInterval(idle_ms)
            if not self._watching:
                self._app.installEventFilter(self)
                self._watching = True
            if not self.is_locked:
                self._idle.start()
        else:
            self._idle.stop()
            if self._watching:
                self._app.removeEventFilter(self)
                self._watching = False

    @Slot()
    def lock(self) -> None:
        if self.is_locked:
            return
        self._idle.stop()
        self._session.set_locked(True)
        self.locked.emit()

    @Slot()
    def on_hidden_to_tray(self) -> None:
        if self.lock_on_tray:
            self.lock()

    def unlock(self) -> None:
        """The password was entered again: changes are allowed (for an admin) and the idle clock restarts."""
        if not self.is_locked:
            return
        self._session.set_locked(False)
        if self._watching:
            self._idle.start()
        self.unlocked.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS and not self.is_locked:
            self._idle.start()  # restart the countdown
        return False
