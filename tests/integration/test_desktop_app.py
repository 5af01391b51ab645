"""The desktop app's settings take effect at once and are remembered."""

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from monitor_app.desktop import DesktopApp
from monitor_app.options import parse_options
from monitor_app.settings import SETTINGS_FILE_NAME, SettingsStore, XdgAutostart
from monitor_app.ui.theme import apply_theme


@pytest.fixture
def desktop(qtbot, qapp, tmp_path: Path):
    app = DesktopApp(
        qapp, replace(parse_options([], {}), api_port=0), tmp_path / "data", tray=False,
        autostart=XdgAutostart(tmp_path / "config"), first_run_prompt=False,
    )
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.engine.ready, timeout=10_000):
        app.start()
    yield app
    app.translations.apply("en")
    apply_theme(QApplication.instance(), "system")
    app.shutdown()


def test_desktop_settings_apply_at_once_and_persist(qtbot, desktop, tmp_path) -> None:
    new = desktop.settings.replace(
        interval_s=0.5, language="ko", theme="dark", retention_raw_hours=12, start_with_os=True
    )
    desktop.apply_settings(new)
    assert desktop.engine.sampling_interval == 0.5
    assert desktop.engine.retention.raw == 12 * 3600
    qtbot.waitUntil(lambda: desktop.window.tabs.tabText(0) == "프로그램")
    assert QApplication.instance().palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert (tmp_path / "config" / "autostart" / "monitor_app.desktop").exists()
    reloaded = SettingsStore(tmp_path / "data" / SETTINGS_FILE_NAME).load()
    assert (reloaded.interval_s, reloaded.language, reloaded.theme, reloaded.start_with_os) == (0.5, "ko", "dark", True)
    desktop.apply_settings(reloaded.replace(start_with_os=False))
    assert not (tmp_path / "config" / "autostart" / "monitor_app.desktop").exists()


def test_desktop_interval_from_the_command_line_wins(qtbot, qapp, tmp_path) -> None:
    app = DesktopApp(qapp, replace(parse_options(["--interval", "2"], {}), api_port=0), tmp_path / "d", tray=False,
                     autostart=XdgAutostart(tmp_path / "config"), first_run_prompt=False)
    try:
        app.apply_settings(app.settings.replace(interval_s=0.5))
        assert app.engine.sampling_interval == 2.0
    finally:
        app.shutdown()


def test_desktop_settings_dialog_validates_inline(qtbot, desktop) -> None:
    from monitor_app.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(desktop.settings, data_dir=str(desktop.data_dir))
    qtbot.addWidget(dialog)
    dialog.raw_hours.setValue(24 * 60)  # raw kept longer than the 1-minute tier: refused
    dialog.buttons.accepted.emit()
    assert dialog.result_settings is None
    assert any(label.isVisibleTo(dialog) and label.text() for label in dialog._errors.values())
    dialog.raw_hours.setValue(48)
    dialog.buttons.accepted.emit()
    assert dialog.result_settings is not None and dialog.result_settings.retention_raw_hours == 48


def test_desktop_api_serves_and_follows_its_settings(qtbot, desktop) -> None:
    import requests

    qtbot.waitUntil(lambda: desktop.rest is not None and bool(desktop.rest.address), timeout=10_000)
    first = desktop.rest.address
    assert requests.get(first + "/api/health", timeout=5).json()["status"] == "ok"
    assert desktop.window.api_label.text() == f"API: {first}"
    desktop.apply_settings(desktop.settings.replace(api_enabled=False))
    assert desktop.rest is None and desktop.window.api_label.text() == "API: off"
    with pytest.raises(requests.ConnectionError):
        requests.get(first + "/api/health", timeout=2)
    desktop.apply_settings(desktop.settings.replace(api_enabled=True))
    qtbot.waitUntil(lambda: desktop.rest is not None and bool(desktop.rest.address), timeout=10_000)
    assert requests.get(desktop.rest.address + "/api/health", timeout=5).ok


def test_desktop_reports_an_api_port_in_use(qtbot, qapp, tmp_path) -> None:
    import socket

    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen()
    port = blocker.getsockname()[1]
    app = DesktopApp(qapp, replace(parse_options([], {}), api_port=port), tmp_path / "d", tray=False,
                     autostart=XdgAutostart(tmp_path / "config"), first_run_prompt=False)
    try:
        app.start()
        qtbot.waitUntil(lambda: "REST API not started" in app.window.statusBar().currentMessage(), timeout=10_000)
        assert f"127.0.0.1:{port}" in app.window.statusBar().currentMessage()
        assert app.window.api_label.text() == "API: off"  # and the rest of the app runs on
        assert app.engine.programs() == ()
    finally:
        app.shutdown()
        blocker.close()


def test_desktop_first_run_asks_for_the_admin_password(qtbot, qapp, tmp_path, monkeypatch) -> None:
    from monitor_app.ui.first_admin_dialog import FirstAdminDialog

    asked: list[FirstAdminDialog] = []

    def answer(dialog: FirstAdminDialog) -> int:
        asked.append(dialog)
        dialog.password.setText("short")
        dialog.repeat.setText("short")
        dialog.buttons.accepted.emit()
        assert dialog.error.isVisibleTo(dialog) and "8" in dialog.error.text()
        dialog.password.setText("a good admin password")
        dialog.repeat.setText("a good admin password")
        dialog.buttons.accepted.emit()
        return 1

    monkeypatch.delenv("MONITOR_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(FirstAdminDialog, "exec", answer)
    app = DesktopApp(qapp, replace(parse_options([], {}), api_port=0), tmp_path / "d", tray=False,
                     autostart=XdgAutostart(tmp_path / "config"))
    try:
        app.start()
        qtbot.waitUntil(lambda: app.engine.accounts.has_users(), timeout=10_000)
        assert len(asked) == 1 and [u.username for u in app.engine.accounts.users()] == ["admin"]
    finally:
        app.shutdown()
