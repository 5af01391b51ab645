"""Accounts in the window over a real engine: guests change nothing, the Users page, sign-in, lock, audit log."""

import csv
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from PySide6.QtWidgets import QApplication, QMessageBox

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, ProgramState
from monitor_app.desktop import DesktopApp
from monitor_app.options import parse_options
from monitor_app.settings import SETTINGS_FILE_NAME, Settings, SettingsStore, XdgAutostart
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.session import GuiSession, guest_refusal
from monitor_app.ui.tray_icon import TrayIcon
from monitor_app.ui.users_view import UsersView
from tests.helpers.processes import child_args

S = ProgramState
ADMIN_PASSWORD = "a good admin password"


def add(engine, name: str, *options: str) -> ProgramSpec:
    return engine.add_program(
        ProgramSpec(name=name, path=sys.executable, args=child_args(*options), startsecs=0.2),
        cause=Cause.USER,
        actor="t",
    )


def confirm_everything(monkeypatch) -> None:
    def confirm(box: QMessageBox) -> int:
        next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", confirm)


@pytest.fixture
def guest_window(qtbot, engine):
    session = GuiSession("visitor", "guest")
    tasks = BackgroundTasks()
    win = MainWindow(engine, tasks=tasks, commands=ProgramCommands(engine, session), accounts=engine.accounts)
    qtbot.addWidget(win)
    win.show()
    yield win
    tasks.wait_for_done()


def test_guest_session_disables_change_controls_and_commands_refuse(qtbot, engine, guest_window) -> None:
    win = guest_window
    spec = add(engine, "server", "--sleep", "60")
    qtbot.waitUntil(lambda: win.model.rowCount() == 1)
    win.select_program(spec.id)
    reason = guest_refusal()
    for act in (win.add_action, win.start_action, win.edit_action, win.delete_action):
        assert not act.isEnabled() and act.toolTip() == reason
    for act in (win.webhooks.add_action, win.alert_rules.add_action, win.schedules.add_action):
        assert not act.isEnabled() and act.toolTip() == reason
    assert win.users is not None and not win.users.add_user_button.isEnabled()
    assert win.users.hint.text() == reason and win.users.users_table.rowCount() == 0
    assert "visitor (guest)" in win.session_label.text()
    tray = TrayIcon(engine, win, session=win.session)
    start = tray.menu.findChild(type(tray.menu.actions()[0]), f"tray_start_{spec.id}")
    assert not start.isEnabled() and start.toolTip() == reason

    # A control that was missed still cannot do harm: the command layer refuses, nothing reaches the engine.
    assert win.commands.run("start", [spec.id]) == [reason]
    win.add_program()  # no dialog for a guest, only the reason
    assert win.statusBar().currentMessage() == reason
    assert engine.status(spec.id).state is S.STOPPED

    # Signing in as an admin (what a remote login or an unlock does) enables everything at once.
    win.session.set_user("boss", "admin")
    assert win.start_action.isEnabled() and win.add_action.isEnabled() and win.add_action.toolTip() != reason
    assert win.webhooks.add_action.isEnabled()
    tray.rebuild_menu()
    start = tray.menu.findChild(type(tray.menu.actions()[0]), f"tray_start_{spec.id}")
    assert start.isEnabled()
    win.start_action.trigger()
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING, timeout=10_000)
    started = next(e for e in engine.events(program_id=spec.id, limit=20) if e.to_state is S.STARTING)
    assert (started.cause, started.actor) == (Cause.USER, "boss")
    engine.stop_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.STOPPED, timeout=15_000)


def test_users_page_adds_resets_creates_a_key_once_and_revokes(qtbot, engine, monkeypatch) -> None:
    engine.accounts.ensure_admin(ADMIN_PASSWORD)
    session = GuiSession("admin", "admin")
    tasks = BackgroundTasks()
    view = UsersView(engine.accounts, tasks, session, record_audit=engine.record_audit)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.users_table.rowCount() == 1)

    view.add_user()
    dialog = view.dialog
    dialog.username.setText("alice")
    dialog.fields.password.setText("12345678")
    dialog.fields.repeat.setText("12345678")
    dialog.submit()
    assert "only digits" in dialog.error.text()  # the policy, before anything is sent
    dialog.fields.password.setText("alice's password")
    dialog.fields.repeat.setText("alice's password")
    dialog.submit()
    qtbot.waitUntil(lambda: view.users_table.rowCount() == 2, timeout=10_000)
    alice = next(u for u in engine.accounts.users() if u.username == "alice")
    assert alice.role.value == "guest"

    view.select_user("alice")
    view.reset_password()
    view.dialog.fields.password.setText("a new password")
    view.dialog.fields.repeat.setText("a new password")
    view.dialog.submit()
    qtbot.waitUntil(lambda: view.dialog is None, timeout=10_000)
    engine.accounts.login("alice", "a new password", client="test")

    view.create_key()
    view.dialog.name.setText("backup script")
    view.dialog.submit()
    qtbot.waitUntil(lambda: view.keys_table.rowCount() == 1, timeout=10_000)
    shown = view.key_dialog
    secret = shown.key.text()
    assert secret and "you will not see it again" in shown.warning.text()
    shown.copy.click()
    assert QApplication.clipboard().text() == secret
    shown.accept()
    assert shown.key.text() == ""  # gone with the dialog
    assert engine.accounts.resolve(secret).username == "admin"

    confirm_everything(monkeypatch)
    view.keys_table.selectRow(0)
    view.revoke_key()
    qtbot.waitUntil(lambda: view.keys_table.rowCount() == 0, timeout=10_000)
    assert engine.accounts.resolve(secret) is None

    # The last admin cannot be removed: the service's message is shown, nothing changes.
    view.select_user("admin")
    view.remove_user()
    qtbot.waitUntil(lambda: view.error.isVisibleTo(view), timeout=10_000)
    assert "last administrator" in view.error.text()
    audits = [e.message for e in engine.events(limit=50) if e.actor == "admin"]
    qtbot.waitUntil(lambda: len([e for e in engine.events(limit=50) if e.actor == "admin"]) >= 4, timeout=5000)
    audits = [e.message for e in engine.events(limit=50) if e.actor == "admin"]
    assert "user 'alice' created (guest)" in audits and "API key 'backup script' revoked" in audits
    tasks.wait_for_done()


@pytest.fixture
def make_desktop(qtbot, qapp, tmp_path: Path, monkeypatch):
    made: list[DesktopApp] = []
    monkeypatch.setenv("MONITOR_ADMIN_PASSWORD", ADMIN_PASSWORD)

    def make(**settings: object) -> DesktopApp:
        data = tmp_path / "data"
        data.mkdir(exist_ok=True)
        SettingsStore(data / SETTINGS_FILE_NAME).save(Settings(**settings))  # type: ignore[arg-type]
        app = DesktopApp(
            qapp, replace(parse_options([], {}), api_port=0), data, tray=False,
            autostart=XdgAutostart(tmp_path / "config"), first_run_prompt=False,
        )
        qtbot.addWidget(app.window)  # closed and deleted after the test, as the other desktop tests do
        made.append(app)
        return app

    yield make
    for app in made:
        if app.sign_in is not None:
            app.sign_in.deleteLater()
        app.shutdown()


def test_sign_in_refuses_a_wrong_password_and_opens_the_window_with_the_right_one(qtbot, make_desktop) -> None:
    first = make_desktop()
    with qtbot.waitSignal(first.engine.ready, timeout=10_000):
        first.start()  # creates "admin" from MONITOR_ADMIN_PASSWORD
    first.shutdown()

    app = make_desktop(require_sign_in=True)
    with qtbot.waitSignal(app.engine.ready, timeout=10_000):
        app.start()
    dialog = app.sign_in
    assert dialog is not None and dialog.isVisible() and not app.window.isVisible()
    dialog.username.setText("admin")
    dialog.password.setText("not the password")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10_000)
    assert dialog.error.text() == "Wrong username or password." and not app.window.isVisible()
    assert dialog.password.text() == ""
    dialog.password.setText(ADMIN_PASSWORD)
    dialog.submit()
    qtbot.waitUntil(lambda: app.window.isVisible(), timeout=10_000)
    assert (app.session.username, app.session.role.value) == ("admin", "admin")


def test_window_locks_after_idle_and_unlocks_with_the_password(qtbot, make_desktop) -> None:
    app = make_desktop()
    with qtbot.waitSignal(app.engine.ready, timeout=10_000):
        app.start()
    app.session.set_user("admin", "admin")
    with qtbot.waitSignal(app.lock.locked, timeout=5000):
        app.lock.configure(idle_ms=200, lock_on_tray=False)
    assert not app.window.isVisible() and app.session.locked and not app.session.can_change
    assert app.commands.run("start", []) != []  # locked: commands refused
    dialog = app.sign_in
    assert dialog is not None and dialog.username.text() == "admin"
    dialog.password.setText("wrong password")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10_000)
    assert app.session.locked
    dialog.password.setText(ADMIN_PASSWORD)
    with qtbot.waitSignal(app.lock.unlocked, timeout=10_000):
        dialog.submit()
    assert app.window.isVisible() and app.session.can_change
    assert any(e.message == "unlocked the window" for e in app.engine.events(limit=20))


def test_window_locks_when_it_goes_to_the_tray_only_if_asked(qtbot, make_desktop) -> None:
    app = make_desktop()
    with qtbot.waitSignal(app.engine.ready, timeout=10_000):
        app.start()
    app.session.set_user("admin", "admin")
    app.lock.configure(idle_ms=0, lock_on_tray=False)
    app.window.hidden_to_tray.emit()
    assert not app.session.locked
    app.lock.configure(idle_ms=0, lock_on_tray=True)
    with qtbot.waitSignal(app.lock.locked, timeout=5000):
        app.window.hidden_to_tray.emit()
    assert app.session.locked and not app.session.can_change and app.sign_in is not None


def test_audit_view_lists_window_and_api_starts_and_exports_csv(qtbot, make_desktop, tmp_path) -> None:
    app = make_desktop()
    with qtbot.waitSignal(app.engine.ready, timeout=10_000):
        app.start()
    app.session.set_user("alice", "admin")
    engine = app.engine
    first = add(engine, "gui started", "--sleep", "60")
    second = add(engine, "api started", "--sleep", "60")
    app.window.select_program(first.id)
    app.window.start_action.trigger()
    qtbot.waitUntil(lambda: app.rest is not None and bool(app.rest.address), timeout=10_000)
    base = app.rest.address
    token = requests.post(
        base + "/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=10
    ).json()["token"]
    reply = requests.post(
        f"{base}/api/programs/{second.id}/start", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert reply.status_code == 202
    audit = app.window.audit
    model = audit.model

    def rows() -> list[list[str]]:
        return audit.export_rows()[1]

    def started(name: str) -> list[str] | None:
        return next((r for r in rows() if r[4] == name and r[3].endswith("→ Starting")), None)

    qtbot.waitUntil(lambda: bool(started("gui started") and started("api started")), timeout=10_000)
    gui, api = started("gui started"), started("api started")
    assert (gui[1], gui[2]) == ("alice", "Window")
    assert api[1] == "admin" and api[2] == "REST API 127.0.0.1"
    assert any(r[1] == "admin" and r[3] == "Change by a user" and "signed in" in r[5] for r in rows())

    audit.who.setText("ali")
    assert {r[1] for r in rows()} == {"alice"}
    path = tmp_path / "audit.csv"
    with qtbot.waitSignal(audit.status_message, timeout=5000):
        audit.export_to(str(path))
    with open(path, encoding="utf-8-sig", newline="") as file:
        written = list(csv.reader(file))
    assert written[0] == ["Time", "Who", "From", "What", "Program", "Details"]
    assert written[1:] == rows() and any(r[4] == "gui started" for r in written[1:])
    audit.who.setText("")
    audit.cause.setCurrentIndex(audit.cause.findData(Cause.API.value))
    assert rows() and all(r[2].startswith("REST API") for r in rows())
    assert model.rowCount() >= 3
    for spec in (first, second):
        qtbot.waitUntil(lambda s=spec: engine.status(s.id).state is S.RUNNING, timeout=10_000)
        engine.stop_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: all(engine.status(s.id).state is S.STOPPED for s in (first, second)), timeout=15_000)
