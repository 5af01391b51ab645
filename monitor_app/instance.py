"""One monitor_app per data dir: a second launch hands over to the first instead of starting a second engine.

The first instance listens on a local socket (a named pipe on Windows) named after the user and the data
dir; a second launch connects, asks the first to bring its window forward, and exits. The lock file in the
data dir stays the authority on who owns the data; the socket only carries the "show yourself" request.
"""

import getpass
import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

ACTIVATE = b"activate\n"
REPLY_SHOWN = b"shown\n"
REPLY_HEADLESS = b"headless\n"
TIMEOUT_MS = 1500


def server_name(data_dir: Path) -> str:
    """A per-user, per-data-dir name (short: Unix socket paths are limited)."""
    try:
        user = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (service accounts): the data dir alone still separates
        user = ""
    digest = hashlib.sha256(f"{user}\0{data_dir.resolve()}".encode()).hexdigest()[:16]
    return f"monitor_app-{digest}"


def ask_running_instance(data_dir: Path) -> bytes | None:
    """Ask a running instance to show itself; its reply (``REPLY_*``), or None if none is running."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(data_dir))
    if not socket.waitForConnected(TIMEOUT_MS):
        return None
    socket.write(ACTIVATE)
    socket.waitForBytesWritten(TIMEOUT_MS)
    reply = b""
    while not reply.endswith(b"\n") and socket.waitForReadyRead(TIMEOUT_MS):
        reply += bytes(socket.readAll().data())
    socket.disconnectFromServer()
    return reply or REPLY_SHOWN


class InstanceServer(QObject):
    """Listens for later launches. Call ``listen()`` only while holding the data dir's lock file.

    Signals:
        activation_requested(): a second launch asked this instance to show its window.
    """

    activation_requested = Signal()

    def __init__(self, data_dir: Path, *, headless: bool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = server_name(data_dir)
        self._reply = REPLY_HEADLESS if headless else REPLY_SHOWN
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)

    def listen(self) -> bool:
        # We hold the lock, so a leftover socket file is from a crashed instance: remove it (Unix).
        QLocalServer.removeServer(self._name)
        if not self._server.listen(self._name):
            log.warning("cannot listen for other launches (%s): %s", self._name, self._server.errorString())
            return False
        return True

    def close(self) -> None:
        self._server.close()

    @Slot()
    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            socket.readyRead.connect(lambda s=socket: self._on_ready(s))
            socket.disconnected.connect(socket.deleteLater)

    def _on_ready(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(ACTIVATE.strip()):
            socket.write(self._reply)
            socket.flush()
            self.activation_requested.emit()
