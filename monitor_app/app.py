"""Composition root: reads the options, sets up logging, then runs the desktop app, the headless engine or the
self-test until asked to stop."""

import logging
import signal
import socket
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QLockFile, QSocketNotifier, QStandardPaths, QTimer

from monitor_app import APP_NAME, __version__
from monitor_app.advertise import EngineAdvertiser
from monitor_app.auth.bootstrap import initial_admin_password
from monitor_app.configuration import api_config, api_limits, engine_config
from monitor_app.core.errors import MonitorError, StorageError
from monitor_app.engine.local import LocalEngine
from monitor_app.httpapi.server import ApiConfig
from monitor_app.instance import REPLY_HEADLESS, InstanceServer, ask_running_instance
from monitor_app.log import setup_logging
from monitor_app.options import Options, parse_options
from monitor_app.settings import SETTINGS_FILE_NAME, SettingsStore
from monitor_app.webapi import RestApi
from monitor_app.workers.collector import install_collector

if TYPE_CHECKING:
    from monitor_app.engine.remote import RemoteEngine

log = logging.getLogger("monitor_app")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_ALREADY_RUNNING = 3
EXIT_STORAGE = 4
LOCK_FILE_NAME = "monitor_app.lock"
#: How long the self-test's own short-lived program runs.
SELF_TEST_CHILD_SECONDS = 5.0


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(sys.argv[1:] if argv is None else argv)
    if options.self_test_child:
        time.sleep(SELF_TEST_CHILD_SECONDS)  # the program the self-test supervises: alive a while, then done
        return EXIT_OK
    if options.self_test:
        from monitor_app.selftest import run_self_test

        return run_self_test(options)
    if options.headless:
        return run_headless(options)
    return run_desktop(options)


def default_data_dir() -> Path:
    """The per-user application-data folder (``%APPDATA%\\monitor_app`` on Windows)."""
    QCoreApplication.setOrganizationName("")
    QCoreApplication.setApplicationName(APP_NAME)
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(location) if location else Path.home() / f".{APP_NAME}"


def _prepare(app: QCoreApplication, options: Options) -> tuple[Path, Path | None]:
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    data_dir = (options.data_dir or default_data_dir()).expanduser().resolve()
    log_file = setup_logging(options.log_level, data_dir / "logs")
    return data_dir, log_file


def _lock(data_dir: Path) -> tuple[QLockFile, str | None]:
    """The data dir's lock, or None and who holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lock = QLockFile(str(data_dir / LOCK_FILE_NAME))
    lock.setStaleLockTime(0)  # a lock whose process is gone is stale at once (Qt checks the pid)
    if lock.tryLock(200):
        return lock, None
    pid, host, *_ = lock.getLockInfo()  # PySide6 returns (pid, hostname, appname)
    return lock, f"pid {pid} on {host}"


def run_headless(options: Options) -> int:
    """Run the engine with no window until SIGINT/SIGTERM (Ctrl+C / Ctrl+Break); programs keep running."""
    app = QCoreApplication([sys.argv[0] if sys.argv else APP_NAME])
    install_collector(app)  # garbage is collected on this thread only
    data_dir, log_file = _prepare(app, options)
    lock, holder = _lock(data_dir)
    if holder is not None:
        log.error("another monitor_app (%s) is already running with data dir %s", holder, data_dir)
        return EXIT_ALREADY_RUNNING
    server = InstanceServer(data_dir, headless=True)
    server.listen()
    settings = SettingsStore(data_dir / SETTINGS_FILE_NAME).load()
    config = engine_config(options, settings, data_dir)
    try:
        engine = LocalEngine(config)
    except StorageError as exc:
        log.error("cannot open the database %s: %s", config.database_file, exc.message)
        lock.unlock()
        return EXIT_STORAGE
    try:
        initial_admin_password(engine.accounts, data_dir)  # logs where a generated password was written
    except MonitorError as exc:
        log.error("cannot create the first admin account: %s", exc.message)
        engine.shutdown()
        lock.unlock()
        return EXIT_USAGE
    # The API always runs: with it switched off in the settings, on a free loopback port only, so a window on
    # this PC can still attach (with the advertised local token) while nothing else can reach it.
    config_api = api_config(options, settings) if settings.api_enabled else ApiConfig(host="127.0.0.1", port=0)
    rest = RestApi(engine, engine.accounts, config_api, limits=api_limits(settings))
    advertiser = EngineAdvertiser(data_dir, engine.accounts, headless=True, certificate=config_api.tls_certificate)
    rest.listening.connect(advertiser.on_listening)

    stopper = QuitOnSignal(app)
    engine.ready.connect(lambda: _log_ready(engine))
    engine.storage_failed.connect(lambda message: log.error("database write failed (kept in memory): %s", message))
    log.info(
        "monitor_app %s headless; data dir %s; log %s; sampling every %g s",
        __version__,
        data_dir,
        log_file,
        config.interval_s,
    )
    engine.start()
    rest.start()
    app.exec()
    log.info("stopping (%s); managed programs keep running", stopper.received or "quit")
    advertiser.withdraw()
    rest.stop()
    engine.shutdown()
    server.close()
    stopper.close()
    lock.unlock()
    return EXIT_OK


def run_desktop(options: Options) -> int:
    """The window (and tray); a second launch brings the first window forward instead."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    from monitor_app.desktop import DesktopApp

    app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
    install_collector(app)  # garbage is collected on this thread only
    data_dir, log_file = _prepare(app, options)
    reply = ask_running_instance(data_dir)
    if reply is not None and reply != REPLY_HEADLESS:
        log.info("monitor_app is already running; brought its window forward")
        return EXIT_OK
    lock, holder = _lock(data_dir) if reply is None else (None, "the background engine")
    if holder is not None:
        # The engine already runs without a window (at boot, or started with --headless): attach to it.
        from monitor_app.engine.attach import attach_local

        engine = attach_local(data_dir)
        if engine is not None:
            return run_attached(app, options, data_dir, engine)
        QMessageBox.critical(
            None,
            APP_NAME,
            QCoreApplication.translate("App", "Another monitor_app (%1) is using this data folder:\n%2")
            .replace("%1", holder)
            .replace("%2", str(data_dir)),
        )
        return EXIT_ALREADY_RUNNING
    assert lock is not None
    server = InstanceServer(data_dir, headless=False)
    server.listen()
    try:
        desktop = DesktopApp(app, options, data_dir)
    except StorageError as exc:
        log.error("cannot open the database: %s", exc.message)
        QMessageBox.critical(
            None,
            APP_NAME,
            QCoreApplication.translate("App", "Cannot open the database:\n%1").replace("%1", exc.message),
        )
        lock.unlock()
        return EXIT_STORAGE
    server.activation_requested.connect(desktop.window.bring_to_front)
    server.activation_requested.connect(lambda: log.info("another launch asked for the window; showing it"))
    stopper = QuitOnSignal(app)
    log.info("monitor_app %s; data dir %s; log %s", __version__, data_dir, log_file)
    desktop.start()
    app.exec()
    log.info("closing (%s); managed programs keep running", stopper.received or "quit")
    desktop.shutdown()
    server.close()
    stopper.close()
    lock.unlock()
    return EXIT_OK


def run_attached(app: QCoreApplication, options: Options, data_dir: Path, engine: "RemoteEngine") -> int:
    """The window on an engine that runs in another process; closing it leaves that engine running."""
    from monitor_app.desktop import DesktopApp

    engine.start()  # the requests travel while the window is built
    desktop = DesktopApp(app, options, data_dir, engine=engine)
    stopper = QuitOnSignal(app)
    log.info("monitor_app %s attached to the engine at %s", __version__, engine.endpoint.base_url)
    desktop.start()
    app.exec()
    log.info("window closed (%s); the engine keeps running", stopper.received or "quit")
    desktop.shutdown()
    stopper.close()
    return EXIT_OK


def _log_ready(engine: LocalEngine) -> None:
    statuses = engine.statuses()
    running = sum(1 for s in statuses if s.pid is not None)
    log.info("ready: %d program(s), %d running", len(statuses), running)


class QuitOnSignal:
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
        # quit() does nothing before the loop runs (a signal during start-up): the timer fires once it does.
        self._app.quit()
        QTimer.singleShot(0, self._app.quit)

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
