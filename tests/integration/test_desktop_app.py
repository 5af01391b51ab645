"""The desktop app's settings take effect at once and are remembered."""

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
        qapp, parse_options([], {}), tmp_path / "data", tray=False, autostart=XdgAutostart(tmp_path / "config")
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
    app = DesktopApp(qapp, parse_options(["--interval", "2"], {}), tmp_path / "d", tray=False,
                     autostart=XdgAutostart(tmp_path / "config"))
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
