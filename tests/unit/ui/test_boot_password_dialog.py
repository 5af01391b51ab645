"""The question asked before the boot task is registered on Windows: the account's password, the explicit
choice to do without it, or cancel; and the settings dialog's offer to register an S4U task again."""

from functools import partial
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from monitor_app.settings import AccountPassword, Settings, TaskSchedulerBootService
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.boot_engine_status import read_boot_engine_report
from monitor_app.ui.boot_password_dialog import BootPasswordDialog
from monitor_app.ui.settings_dialog import SettingsDialog
from tests.helpers.schtasks import ACCOUNT, SECRET, WINDOWS_ENV, FakeSchtasks

#: Typed key by key (QTest cannot type the Hangul in SECRET).
TYPED = "Hunter2-s3cret!"


def make(qtbot, error: str = "") -> BootPasswordDialog:
    dialog = BootPasswordDialog(ACCOUNT, error=error)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_register_needs_a_password_and_hands_it_over_masked(qtbot) -> None:
    dialog = make(qtbot)
    assert dialog.account.text() == ACCOUNT and dialog.account.isReadOnly()
    assert dialog.password_field.echoMode() == dialog.password_field.EchoMode.Password
    assert not dialog.error.isVisible()
    intro = dialog.intro.text()
    assert "Windows needs your account password to start the engine at boot" in intro
    assert "monitor_app does not keep it, Task Scheduler stores it" in intro
    assert not dialog.register_button.isEnabled(), "an empty password cannot be registered"
    qtbot.keyClicks(dialog.password_field, TYPED)
    assert dialog.register_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.register_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert isinstance(dialog.password, AccountPassword) and dialog.password.reveal() == TYPED
    assert not dialog.without_password
    assert dialog.password_field.text() == "", "the widget keeps no copy"


def test_without_my_password_is_an_explicit_choice_that_says_what_is_lost(qtbot) -> None:
    dialog = make(qtbot)
    assert dialog.without_button.text() == "Without my password"
    note = dialog.without_note.text()
    assert "webhook URLs and plugin passwords will not be available to the background engine" in note
    qtbot.keyClicks(dialog.password_field, "typed, then changed my mind")
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(dialog.without_button, Qt.MouseButton.LeftButton)
    assert dialog.without_password and dialog.password is None
    assert dialog.password_field.text() == ""


def test_cancel_gives_nothing(qtbot) -> None:
    dialog = make(qtbot)
    qtbot.keyClicks(dialog.password_field, TYPED)
    with qtbot.waitSignal(dialog.rejected):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.password is None and not dialog.without_password
    assert dialog.password_field.text() == ""


def test_enter_registers_and_an_earlier_refusal_is_shown(qtbot) -> None:
    dialog = make(qtbot, error="Windows did not accept the password for GAMEPC\\Kim Min-jun.")
    assert dialog.error.isVisible() and "did not accept" in dialog.error.text()
    dialog.password_field.setText(SECRET)  # pasted
    with qtbot.waitSignal(dialog.accepted):
        qtbot.keyClick(dialog.password_field, Qt.Key.Key_Return)
    assert dialog.password is not None and dialog.password.reveal() == SECRET


def test_settings_dialog_offers_to_register_an_s4u_task_again(qtbot, tmp_path: Path) -> None:
    schtasks = FakeSchtasks()
    service = TaskSchedulerBootService(schtasks, environ=WINDOWS_ENV)
    data_dir = tmp_path
    service.install([r"C:\monitor_app.exe"], data_dir)  # no password: an S4U task, as older versions made
    tasks = BackgroundTasks()
    try:
        dialog = SettingsDialog(
            Settings(keep_running_at_boot=True),
            data_dir=str(data_dir),
            boot_report=partial(read_boot_engine_report, service, data_dir),
            tasks=tasks,
        )
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.boot_status_refresh.isEnabled)
        lines = dialog.boot_status.text().splitlines()
        assert lines[0].startswith("Background engine: installed (Task Scheduler task")
        assert any(line.startswith("The background engine cannot read your saved secrets") for line in lines)
        assert dialog.boot_reregister.isVisible()
        assert dialog.boot_reregister.text() == "Register again with my password…"
        with qtbot.waitSignal(dialog.boot_reregister_requested):
            qtbot.mouseClick(dialog.boot_reregister, Qt.MouseButton.LeftButton)

        service.install([r"C:\monitor_app.exe"], data_dir, password=AccountPassword(SECRET))
        dialog.refresh_boot_status()
        assert not dialog.boot_reregister.isVisible()
        qtbot.waitUntil(dialog.boot_status_refresh.isEnabled)
        assert "saved secrets" not in dialog.boot_status.text()
        assert not dialog.boot_reregister.isVisible()
    finally:
        tasks.wait_for_done()


def test_a_guest_is_not_offered_to_register_again(qtbot, tmp_path: Path) -> None:
    schtasks = FakeSchtasks()
    service = TaskSchedulerBootService(schtasks, environ=WINDOWS_ENV)
    service.install([r"C:\monitor_app.exe"], tmp_path)
    tasks = BackgroundTasks()
    try:
        dialog = SettingsDialog(
            Settings(keep_running_at_boot=True),
            data_dir=str(tmp_path),
            boot_report=partial(read_boot_engine_report, service, tmp_path),
            tasks=tasks,
            refusal="Guests cannot change settings.",
        )
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(dialog.boot_status_refresh.isEnabled)
        assert "cannot read your saved secrets" in dialog.boot_status.text()
        assert not dialog.boot_reregister.isVisible()
    finally:
        tasks.wait_for_done()
