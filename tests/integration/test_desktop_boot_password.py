"""Windows boot task from the desktop app, with schtasks faked: enabling asks for the account password and
registers a Password task; cancel changes nothing; a wrong password is asked again and registers nothing; an S4U
task from an older version can be registered again; the password is found in no log, file, message or event."""

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox

from monitor_app.desktop import DesktopApp
from monitor_app.options import parse_options
from monitor_app.settings import SETTINGS_FILE_NAME, SettingsStore, TaskSchedulerBootService, XdgAutostart
from monitor_app.ui.boot_password_dialog import BootPasswordDialog
from monitor_app.ui.settings_dialog import SettingsDialog
from tests.helpers.schtasks import ACCOUNT, SECRET, TASK, WINDOWS_ENV, FakeSchtasks

CANCEL = "cancel"
WITHOUT = "without"


class Answers:
    """Plays the user at the password dialog: each ``exec()`` takes the next answer (a password, WITHOUT or
    CANCEL) and remembers what the dialog showed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, str]] = []  # (account, error shown)
        monkeypatch.setattr(BootPasswordDialog, "exec", lambda dialog: self._answer(dialog))

    def _answer(self, dialog: BootPasswordDialog) -> int:
        self.asked.append((dialog.account.text(), dialog.error.text() if not dialog.error.isHidden() else ""))
        answer = self.answers.pop(0)
        if answer == CANCEL:
            dialog.reject()
        elif answer == WITHOUT:
            dialog.without_button.click()
        else:
            dialog.password_field.setText(answer)
            dialog.register_button.click()
        return dialog.result()


@pytest.fixture
def windows_desktop(qtbot, qapp, tmp_path: Path):
    schtasks = FakeSchtasks()
    app = DesktopApp(
        qapp,
        replace(parse_options([], {}), api_port=0),
        tmp_path / "data",
        tray=False,
        autostart=XdgAutostart(tmp_path / "config"),
        boot_service=TaskSchedulerBootService(schtasks, environ=WINDOWS_ENV),
        first_run_prompt=False,
    )
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.engine.ready, timeout=10_000):
        app.start()
    yield app, schtasks
    app.shutdown()


def saved(tmp_path: Path):
    return SettingsStore(tmp_path / "data" / SETTINGS_FILE_NAME).load()


def creates(schtasks: FakeSchtasks) -> list[list[str]]:
    return [call for call in schtasks.calls if call[1] == "/Create"]


def problem_boxes(app: DesktopApp) -> list[str]:
    return [box.text() for box in app.window.findChildren(QMessageBox) if box.isVisible()]


def assert_password_nowhere(app: DesktopApp, tmp_path: Path, caplog, secret: str = SECRET) -> None:
    """Not in the log, the events (audit rows), any message box, nor any file the app wrote."""
    assert secret not in caplog.text
    assert not [e for e in app.engine.events(limit=500) if secret in repr(e)]
    assert not [text for text in problem_boxes(app) if secret in text]
    app.tasks.wait_for_done()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for encoded in (secret.encode("utf-8"), secret.encode("utf-16-le")):
                assert encoded not in data, f"the password is in {path}"


def test_enabling_asks_for_the_password_and_registers_a_password_task(
    qtbot, windows_desktop, tmp_path, monkeypatch, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    app, schtasks = windows_desktop
    answers = Answers(monkeypatch, SECRET)
    app.apply_settings(app.settings.replace(keep_running_at_boot=True))
    assert answers.asked == [(ACCOUNT, "")]
    qtbot.waitUntil(lambda: TASK.lower() in schtasks.tasks)
    [create] = creates(schtasks)
    assert create[6:] == ["/RU", ACCOUNT, "/RP", SECRET, "/F"]
    assert "<LogonType>Password</LogonType>" in schtasks.tasks[TASK.lower()]
    assert f"<UserId>{ACCOUNT}</UserId>" in schtasks.tasks[TASK.lower()]
    app.tasks.wait_for_done()
    assert app.settings.keep_running_at_boot and saved(tmp_path).keep_running_at_boot
    assert problem_boxes(app) == []
    qtbot.waitUntil(lambda: any("keep_running_at_boot" in e.message for e in app.engine.events(limit=50)))
    assert_password_nowhere(app, tmp_path, caplog)


def test_cancel_leaves_the_setting_and_the_system_as_they_were(
    qtbot, windows_desktop, tmp_path, monkeypatch
) -> None:
    app, schtasks = windows_desktop
    answers = Answers(monkeypatch, CANCEL)
    app.apply_settings(app.settings.replace(keep_running_at_boot=True, theme="dark"))
    assert len(answers.asked) == 1
    app.tasks.wait_for_done()
    assert creates(schtasks) == [] and schtasks.tasks == {}
    assert not app.settings.keep_running_at_boot and app.settings.theme == "dark"
    reloaded = saved(tmp_path)
    assert (reloaded.keep_running_at_boot, reloaded.theme) == (False, "dark"), "the other changes are kept"
    assert problem_boxes(app) == []


def test_a_wrong_password_is_asked_again_with_the_reason_and_registers_nothing(
    qtbot, windows_desktop, tmp_path, monkeypatch, caplog
) -> None:
    app, schtasks = windows_desktop
    wrong = "not-the-password-123"
    answers = Answers(monkeypatch, wrong, CANCEL)
    app.apply_settings(app.settings.replace(keep_running_at_boot=True))
    qtbot.waitUntil(lambda: len(answers.asked) == 2)
    account, error = answers.asked[1]
    assert account == ACCOUNT
    assert error.startswith(f"Windows did not accept the password for {ACCOUNT}, so nothing was registered.")
    qtbot.waitUntil(lambda: not app.settings.keep_running_at_boot)
    app.tasks.wait_for_done()
    assert schtasks.tasks == {} and not saved(tmp_path).keep_running_at_boot
    assert problem_boxes(app) == [], "the user gave up: no second message"
    assert_password_nowhere(app, tmp_path, caplog, wrong)


def test_a_wrong_password_then_the_right_one_registers(qtbot, windows_desktop, tmp_path, monkeypatch) -> None:
    app, schtasks = windows_desktop
    answers = Answers(monkeypatch, "typo", SECRET)
    app.apply_settings(app.settings.replace(keep_running_at_boot=True))
    qtbot.waitUntil(lambda: TASK.lower() in schtasks.tasks)
    app.tasks.wait_for_done()
    assert len(answers.asked) == 2 and schtasks.stored_passwords == {TASK.lower(): SECRET}
    qtbot.waitUntil(lambda: saved(tmp_path).keep_running_at_boot)
    assert app.settings.keep_running_at_boot


def test_without_my_password_registers_s4u_knowingly(qtbot, windows_desktop, tmp_path, monkeypatch) -> None:
    app, schtasks = windows_desktop
    Answers(monkeypatch, WITHOUT)
    app.apply_settings(app.settings.replace(keep_running_at_boot=True))
    qtbot.waitUntil(lambda: TASK.lower() in schtasks.tasks)
    [create] = creates(schtasks)
    assert "/RP" not in create and "/RU" not in create
    assert "<LogonType>S4U</LogonType>" in schtasks.tasks[TASK.lower()]
    app.tasks.wait_for_done()
    assert app.settings.keep_running_at_boot
    assert problem_boxes(app) == [], "the user chose it: the settings line says what it means"


def test_turning_it_off_asks_nothing(qtbot, windows_desktop, monkeypatch) -> None:
    app, schtasks = windows_desktop
    answers = Answers(monkeypatch, SECRET)
    app.apply_settings(app.settings.replace(keep_running_at_boot=True))
    qtbot.waitUntil(lambda: TASK.lower() in schtasks.tasks)
    app.tasks.wait_for_done()
    app.apply_settings(app.settings.replace(keep_running_at_boot=False))
    qtbot.waitUntil(lambda: schtasks.tasks == {})
    assert len(answers.asked) == 1


def test_an_older_s4u_task_is_shown_and_registered_again_from_the_settings(
    qtbot, windows_desktop, tmp_path, monkeypatch, caplog
) -> None:
    app, schtasks = windows_desktop
    app.boot_service.install(
        ["C:\\monitor_app.exe"], tmp_path / "data"
    )  # an S4U task, as older versions made
    answers = Answers(monkeypatch, SECRET)
    seen: list[str] = []

    def use(dialog: SettingsDialog) -> int:
        qtbot.waitUntil(dialog.boot_status_refresh.isEnabled)
        seen.append(dialog.boot_status.text())
        assert dialog.boot_reregister.isVisibleTo(dialog)
        dialog.boot_reregister.click()
        qtbot.waitUntil(lambda: schtasks.stored_passwords.get(TASK.lower()) == SECRET)
        qtbot.waitUntil(
            lambda: (
                dialog.boot_status_refresh.isEnabled() and "saved secrets" not in dialog.boot_status.text()
            )
        )
        seen.append(dialog.boot_status.text())
        assert not dialog.boot_reregister.isVisibleTo(dialog)
        return QDialog.DialogCode.Rejected.value

    monkeypatch.setattr(SettingsDialog, "exec", use)
    app.open_settings()
    assert "The background engine cannot read your saved secrets" in seen[0]
    assert seen[1].startswith("Background engine: installed (Task Scheduler task")
    assert answers.asked == [(ACCOUNT, "")]
    assert "<LogonType>Password</LogonType>" in schtasks.tasks[TASK.lower()]
    assert_password_nowhere(app, tmp_path, caplog)
