"""Composition root: reads the options, sets up logging, builds the engine, runs until asked to stop."""

import logging
import signal
import socket
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLockFile, QSocketNotifier, QStandardPaths

from monitor_app import APP_NAME, __version__
from monitor_app.core.errors import StorageError
from monitor_app.engine.config import EngineConfig
from monitor_app.engine.local import LocalEngine
from monitor_app.log import setup_logging
from monitor_app.options import Options, parse_options

log = logging.getLogger("monitor_app")

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_ALREADY_RUNNING = 3
EXIT_STORAGE = 4
LOCK_FILE_NAME = "monitor_app.lock"


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    if not options.headless:
        print(
            "monitor_app: the desktop window is not part of this build yet; run with --headless.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return run_headless(options)


def default_data_dir() -> Path:
    """The per-user application-data folder (``%APPDATA%\\monitor_app`` on Windows)."""
    QCoreApplication.setOrganizationName("")
    QCoreApplication.setApplicationName(APP_NAME)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / f".{APP_NAME}"


def run_headless(options: Options) -> int:
    """Run the engine with no window until SIGINT/SIGTERM (Ctrl+C / Ctrl+Break); programs keep running."""
    app = QCoreApplication([sys.argv[0] if sys.argv else APP_NAME])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    data_dir = (options.data_dir or default_data_dir()).expanduser().resolve()
    log_file = setup_logging(options.log_level, data_dir / "logs")

    lock = QLockFile(str(data_dir / LOCK_FILE_NAME))
    lock.setStaleLockTime(0)  # a lock whose process is gone is stale at once (Qt checks the pid)
    if not lock.tryLock(200):
        pid, host, *_ = lock.getLockInfo()  # PySide6 returns (pid, hostname, appname)
        log.error("another monitor_app (pid %s on %s) is already running with data dir %s", pid, host, data_dir)
        return EXIT_ALREADY_RUNNING

    config = EngineConfig(data_dir=data_dir, interval_s=options.interval_s, database_path=options.database_path)
    try:
        engine = LocalEngine(config)
    except StorageError as exc:
        log.error("cannot open the database %s: %s", config.database_file, exc.message)
        lock.unlock()
        return EXIT_STORAGE

    stopper = _QuitOnSignal(app)
    engine.ready.connect(lambda: _log_ready(engine))
    engine.storage_failed.connect(lambda message: log.error("database write failed (kept in memory): %s", message))
    log.info(
        "monitor_app %s headless; data dir %s; log %s; sampling every %g s",
        __version__,
        data_dir,
        log_file,
        options.interval_s,
    )
    engine.start()
    app.exec()
    log.info("stopping (%s); managed programs keep running", stopper.received or "quit")
    engine.shutdown()
    stopper.close()
    lock.unlock()
    return EXIT_OK


def _log_ready(engine: LocalEngine) -> None:
    statuses = engine.statuses()
    running = sum(1 for s in statuses if s.pid is not None)
    log.info("ready: %d program(s), %d running", len(statuses), running)


class _QuitOnSignal:
    """Quits the Qt event loop on SIGINT/SIGTERM (and SIGBREAK on Windows).

    Python runs signal handlers only between bytecodes, and a Qt event loop blocked in C++ runs none; the
    wakeup fd makes the C-level handler write to a socket that a QSocketNotifier watches, which wakes the
    loop so the Python handler runs at once.
    """

    def __init__(self, app: QCoreApplication) -> None:
        self.received: str | None = None
        self._app = app
        self._reader, self._writer = socket.socketpair()
        self._reader.setblocking(False)
        self._writer.setblocking(False)
        self._old_wakeup = signal.set_wakeup_fd(self._writer.fileno())
        self._notifier = QSocketNotifier(self._reader.fileno(), QSocketNotifier.Type.Read)
        self._notifier.activated.connect(self._drain)
        self._signals = [signal.SIGINT, signal.SIGTERM]
        if hasattr(signal, "SIGBREAK"):
            self._signals.append(signal.SIGBREAK)
        self._previous = {signum: signal.signal(signum, self._handle) for signum in self._signals}

    def _handle(self, signum: int, _frame: object) -> None:
        self.received = signal.Signals(signum).name
        self._app.quit()

    def _drain(self) -> None:
        try:
            while self._reader.recv(512):
                pass
        except BlockingIOError:
            pass

    def close(self) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        signal.set_wakeup_fd(self._old_wakeup)
        self._notifier.setEnabled(False)
        self._reader.close()
        self._writer.close()


if __name__ == "__main__":
    raise SystemExit(main())
