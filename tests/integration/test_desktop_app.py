"""The desktop app's settings take effect at once and are remembered."""

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from monitor_app.desktop import DesktopApp
from monitor_app.options import parse_options
from monitor_app.settings import SETTINGS_FILE_NAME, SettingsStore, SystemdUserBootService, XdgAutostart
from monitor_app.ui.theme import apply_theme
from tests.helpers.systemd import FakeSystemd


def boot_service(tmp_path: Path, runner=None) -> SystemdUserBootService:
    """A boot service in tmp_path, so no test touches the real user's systemd folder."""
    runner = runner or FakeSystemd(tmp_path / "config" / "systemd" / "user", tmp_path / "linger")
    return SystemdUserBootService(runner, config_home=tmp_path / "config", user="tester", linger_dir=tmp_path / "linger")


@pytest.fixture
def desktop(qtbot, qapp, tmp_path: Path):
    app = DesktopApp(
        qapp, replace(parse_options([], {}), api_port=0), tmp_path / "data", tray=False,
        autostart=XdgAutostart(tmp_path / "config"), boot_service=boot_service(tmp_path), first_run_prompt=False,
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
                     autostart=XdgAutostart(tmp_path / "config"), boot_service=boot_service(tmp_path),
                     first_run_prompt=False)
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
                     autostart=XdgAutostart(tmp_path / "config"), boot_service=boot_service(tmp_path),
                     first_run_prompt=False)
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
                     autostart=XdgAutostart(tmp_path / "config"), boot_service=boot_service(tmp_path))
    try:
        app.start()
        qtbot.waitUntil(lambda: app.engine.accounts.has_users(), timeout=10_000)
        assert len(asked) == 1 and [u.username for u in app.engine.accounts.users()] == ["admin"]
    finally:
        app.shutdown()


@pytest.fixture
def boot_desktop(qtbot, qapp, tmp_path: Path):
    """A desktop app whose boot service writes its unit under tmp_path and talks to a fake systemctl."""
    systemd = FakeSystemd(tmp_path / "config" / "systemd" / "user", tmp_path / "linger")
    app = DesktopApp(
        qapp, replace(parse_options([], {}), api_port=0), tmp_path / "data", tray=False,
        autostart=XdgAutostart(tmp_path / "config"), boot_service=boot_service(tmp_path, systemd),
        first_run_prompt=False,
    )
    qtbot.addWidget(app.window)
    yield app, systemd
    app.shutdown()


def saved(tmp_path: Path):
    return SettingsStore(tmp_path / "data" / SETTINGS_FILE_NAME).load()


def problem_boxes(app: DesktopApp) -> list[str]:
    from PySide6.QtWidgets import QMessageBox

    return [box.text() for box in app.window.findChildren(QMessageBox) if box.isVisible()]


def test_desktop_keeps_the_engine_running_at_boot_and_stops_doing_so(qtbot, boot_desktop, tmp_path) -> None:
    app, systemd = boot_desktop
    unit = tmp_path / "config" / "systemd" / "user" / "monitor_app.service"
    app.apply_settings(app.settings.replace(keep_running_at_boot=True))
    qtbot.waitUntil(lambda: systemd.enabled and (tmp_path / "linger" / "tester").exists())
    assert f"--headless --data-dir {tmp_path / 'data'}" in unit.read_text()
    app.tasks.wait_for_done()
    qtbot.waitUntil(lambda: any(c[2:3] == ["is-active"] for c in systemd.calls))  # the status after the change
    assert app.settings.keep_running_at_boot and saved(tmp_path).keep_running_at_boot
    assert problem_boxes(app) == []

    app.apply_settings(app.settings.replace(keep_running_at_boot=False))
    qtbot.waitUntil(lambda: not unit.exists())
    assert not systemd.enabled and not saved(tmp_path).keep_running_at_boot


def test_desktop_boot_service_failure_is_shown_and_the_setting_goes_back(qtbot, boot_desktop, tmp_path) -> None:
    app, systemd = boot_desktop
    systemd.fail["daemon-reload"] = (1, "Failed to connect to bus: No medium found")
    app.apply_settings(app.settings.replace(keep_running_at_boot=True, theme="dark"))
    qtbot.waitUntil(lambda: bool(problem_boxes(app)))
    assert problem_boxes(app) == ["systemctl --user daemon-reload failed: Failed to connect to bus: No medium found"]
    assert not app.settings.keep_running_at_boot and app.settings.theme == "dark"
    reloaded = saved(tmp_path)
    assert (reloaded.keep_running_at_boot, reloaded.theme) == (False, "dark"), "the other changes are kept"
    assert not (tmp_path / "config" / "systemd" / "user" / "monitor_app.service").exists()
    apply_theme(QApplication.instance(), "system")


def test_desktop_tells_when_the_engine_will_start_only_at_login(qtbot, boot_desktop, tmp_path) -> None:
    app, systemd = boot_desktop
    systemd.fail["loginctl"] = (1, "Could not enable linger: Access denied")
    app.apply_settings(app.settings.replace(keep_running_at_boot=True))
    qtbot.waitUntil(lambda: bool(problem_boxes(app)))
    [text] = problem_boxes(app)
    assert "loginctl enable-linger tester" in text and "not at boot" in text
    assert app.settings.keep_running_at_boot, "installed all the same: it runs now and at each login"


def test_desktop_mirrors_an_entry_changed_outside(qtbot, boot_desktop, tmp_path) -> None:
    app, _systemd = boot_desktop
    app.boot_service.install(["/usr/bin/monitor_app"], tmp_path / "data")  # e.g. by another monitor_app window
    assert not app.settings.keep_running_at_boot
    with qtbot.waitSignal(app.engine.ready, timeout=10_000):
        app.start()
    qtbot.waitUntil(lambda: app.settings.keep_running_at_boot)
    assert saved(tmp_path).keep_running_at_boot


def test_desktop_settings_dialog_shows_the_background_engine(qtbot, boot_desktop, tmp_path, monkeypatch) -> None:
    from monitor_app.ui.settings_dialog import SettingsDialog

    app, _systemd = boot_desktop
    shown: list[SettingsDialog] = []

    def look(dialog: SettingsDialog) -> int:
        shown.append(dialog)
        qtbot.waitUntil(lambda: dialog.boot_status_refresh.isEnabled())
        return 0

    monkeypatch.setattr(SettingsDialog, "exec", look)
    app.open_settings()
    assert shown[0].boot_status.text() == "Background engine: not installed (no unit installed)."
    assert shown[0].keep_running_at_boot.text() == "Keep running at boot without login"


def test_desktop_settings_dialog_says_where_secrets_are_kept(qtbot, desktop, monkeypatch) -> None:
    from monitor_app.secretstore import store_kind
    from monitor_app.ui.settings_dialog import SettingsDialog

    shown: list[str] = []
    monkeypatch.setattr(SettingsDialog, "exec", lambda dialog: shown.append(dialog.secret_store.text()) or 0)
    desktop.open_settings()
    assert shown[-1].startswith("None saved yet")
    desktop.engine.automation.add_webhook({"name": "friends", "url": "http://127.0.0.1:9/hook"})  # a secret URL
    qtbot.waitUntil(lambda: store_kind(desktop.data_dir) is not None)  # chosen by the storage thread
    desktop.open_settings()
    assert shown[-1].startswith("An encrypted file in the data folder")  # tests have no keyring (conftest)
