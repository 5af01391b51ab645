"""The settings dialog's background-engine line: read off the GUI thread from the service manager (faked
systemctl, real unit file) and the engine's real advertisement file, and shown as plain sentences."""

import time
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from monitor_app.engine.discovery import Advertisement, remove_advertisement, write_advertisement
from monitor_app.settings import BootServiceError, BootServiceStatus, Settings, SystemdUserBootService
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.boot_engine_status import BootEngineReport, describe_report, read_boot_engine_report
from monitor_app.ui.settings_dialog import SettingsDialog
from tests.helpers.systemd import FakeSystemd

WHERE = "systemd user unit /home/kim/.config/systemd/user/monitor_app.service"


def headless(url: str = "http://127.0.0.1:8080") -> Advertisement:
    return Advertisement(pid=4242, api_url=url, headless=True, started_at=time.time())


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def systemd(tmp_path: Path) -> FakeSystemd:
    return FakeSystemd(tmp_path / "config" / "systemd" / "user", tmp_path / "linger")


@pytest.fixture
def service(tmp_path: Path, systemd: FakeSystemd) -> SystemdUserBootService:
    return SystemdUserBootService(
        systemd, config_home=tmp_path / "config", user="kim", linger_dir=tmp_path / "linger"
    )


@pytest.fixture
def tasks(qtbot):
    pool = BackgroundTasks()
    yield pool
    pool.wait_for_done()


def open_dialog(qtbot, service, data_dir: Path, tasks: BackgroundTasks, settings: Settings | None = None):
    dialog = SettingsDialog(
        settings or Settings(),
        data_dir=str(data_dir),
        boot_report=partial(read_boot_engine_report, service, data_dir),
        tasks=tasks,
    )
    qtbot.addWidget(dialog)
    return dialog


def settled(dialog: SettingsDialog) -> bool:
    return dialog.boot_status_refresh.isEnabled()


def test_dialog_shows_not_installed_then_installed_and_running_with_its_address(
    qtbot, service, systemd, data_dir, tasks
) -> None:
    dialog = open_dialog(qtbot, service, data_dir, tasks)
    assert dialog.boot_status_box.isVisibleTo(dialog)
    assert dialog.boot_status.text() == "Checking the background engine…"
    assert not dialog.keep_running_at_boot.isChecked()
    qtbot.waitUntil(lambda: settled(dialog))
    assert dialog.boot_status.text() == "Background engine: not installed (no unit installed)."

    service.install(["/usr/bin/monitor_app"], data_dir)
    write_advertisement(data_dir, headless("http://127.0.0.1:8123"))
    qtbot.mouseClick(dialog.boot_status_refresh, Qt.MouseButton.LeftButton)
    assert dialog.boot_status.text() == "Checking the background engine…"
    qtbot.waitUntil(lambda: settled(dialog))
    text = dialog.boot_status.text()
    assert text.splitlines() == [
        f"Background engine: installed (systemd user unit {service.path}; enabled, active).",
        "Running in the background (process 4242) at http://127.0.0.1:8123.",
    ]


def test_dialog_checkbox_becomes_the_setting(qtbot, service, data_dir, tasks) -> None:
    dialog = open_dialog(qtbot, service, data_dir, tasks)
    dialog.keep_running_at_boot.setChecked(True)
    dialog.buttons.accepted.emit()
    assert dialog.result_settings is not None and dialog.result_settings.keep_running_at_boot is True
    again = open_dialog(qtbot, service, data_dir, tasks, Settings(keep_running_at_boot=True))
    assert again.keep_running_at_boot.isChecked()
    qtbot.waitUntil(lambda: settled(again))


def test_dialog_says_when_lingering_is_off_and_the_engine_is_not_running(
    qtbot, service, systemd, data_dir, tasks
) -> None:
    systemd.fail["loginctl"] = (1, "Access denied")
    service.install(["/usr/bin/monitor_app"], data_dir)
    systemd.active = False
    remove_advertisement(data_dir)
    dialog = open_dialog(qtbot, service, data_dir, tasks)
    qtbot.waitUntil(lambda: settled(dialog))
    lines = dialog.boot_status.text().splitlines()
    assert lines[0].startswith("Background engine: installed (")
    assert lines[1] == "Not running now."
    assert lines[2].startswith("Note: lingering is off for kim") and "loginctl enable-linger kim" in lines[2]


def test_dialog_shows_a_service_manager_that_cannot_be_asked(qtbot, data_dir, tasks) -> None:
    class Refusing:
        def status(self) -> BootServiceStatus:
            raise BootServiceError("Task Scheduler could not read the task: ERROR: Access is denied.")

        def describe(self) -> str:
            return "a task"

    write_advertisement(data_dir, headless())
    dialog = open_dialog(qtbot, Refusing(), data_dir, tasks)
    qtbot.waitUntil(lambda: settled(dialog))
    assert dialog.boot_status.text().splitlines() == [
        (
            "Cannot tell whether the background engine is installed: "
            "Task Scheduler could not read the task: ERROR: Access is denied."
        ),
        "Running in the background (process 4242) at http://127.0.0.1:8080.",
    ]


def test_dialog_without_a_report_hides_the_line(qtbot, data_dir) -> None:
    dialog = SettingsDialog(Settings(), data_dir=str(data_dir))
    qtbot.addWidget(dialog)
    assert not dialog.boot_status_box.isVisibleTo(dialog)
    assert dialog.keep_running_at_boot.isVisibleTo(dialog)


def test_describe_report_for_each_state(qapp) -> None:
    installed = BootServiceStatus(True, None, "registered", WHERE)
    assert describe_report(BootEngineReport(installed)).splitlines() == [
        f"Background engine: installed ({WHERE}; registered).",
        "Whether it runs now is not known.",
    ]
    running = BootServiceStatus(True, True, "enabled, active", WHERE)
    assert describe_report(BootEngineReport(running)).splitlines()[1] == (
        "Running in the background; its address is not known yet."
    )
    window = Advertisement(pid=7, api_url="", headless=False, started_at=0.0)
    absent = BootServiceStatus(False, False, "no task registered", WHERE)
    assert describe_report(BootEngineReport(absent, "", window)).splitlines() == [
        "Background engine: not installed (no task registered).",
        "The engine runs in a window (process 7) at no API address, not in the background.",
    ]


def test_read_report_uses_the_given_reader(tmp_path) -> None:
    seen: list[Path] = []

    class Absent:
        def status(self) -> BootServiceStatus:
            return BootServiceStatus(False, False, "none", "here")

    def reader(path: Path) -> Advertisement:
        seen.append(path)
        return headless()

    report = read_boot_engine_report(Absent(), tmp_path, reader)  # type: ignore[arg-type]
    assert seen == [tmp_path]
    assert report.status == BootServiceStatus(False, False, "none", "here") and report.error == ""
    assert report.advertisement is not None and report.advertisement.pid == 4242


def test_describe_report_keeps_percent_signs_in_values(qapp) -> None:
    status = BootServiceStatus(True, False, "%2 odd", "C:\\100%1 folder")
    assert describe_report(BootEngineReport(status)).splitlines()[0] == (
        "Background engine: installed (C:\\100%1 folder; %2 odd)."
    )
