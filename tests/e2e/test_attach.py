"""The window attaches to an engine running headless in another process: it shows and controls the same programs,
sees changes pushed, survives the engine going away, and closing it leaves the engine and its programs running."""

import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import psutil
import pytest
import requests

from monitor_app.core.errors import ForbiddenError
from monitor_app.core.states import ProgramState
from monitor_app.desktop import DesktopApp
from monitor_app.engine.attach import attach_local
from monitor_app.engine.remote import CONNECTED, RECONNECTING, UNAUTHORIZED, RemoteEngine
from monitor_app.engine.remote_http import Endpoint, UnauthorizedError
from monitor_app.options import parse_options
from monitor_app.settings import SystemdUserBootService, XdgAutostart
from tests.helpers.headless import PASSWORD, Headless
from tests.helpers.processes import wait_for
from tests.helpers.systemd import FakeSystemd

pytestmark = pytest.mark.skipif(os.name == "nt", reason="stops the engine with POSIX signals")

def open_window(qapp, tmp_path: Path, data: Path, engine: RemoteEngine, name: str = "w") -> DesktopApp:
    runner = FakeSystemd(tmp_path / name / "systemd" / "user", tmp_path / name / "linger")
    boot = SystemdUserBootService(runner, config_home=tmp_path / name, user="tester", linger_dir=tmp_path / name / "linger")
    return DesktopApp(qapp, replace(parse_options([], {}), api_port=0), data, tray=False, engine=engine,
                      autostart=XdgAutostart(tmp_path / name), boot_service=boot, first_run_prompt=False)


def row_state(window, program_id: int) -> ProgramState | None:  # type: ignore[no-untyped-def]
    status = window.model.status(program_id) if hasattr(window.model, "status") else None
    return status.state if status is not None else None


def test_window_attaches_controls_the_engine_and_leaves_it_running(qtbot, qapp, tmp_path, engine_process) -> None:
    engine = attach_local(engine_process.data)
    assert engine is not None
    desktop = open_window(qapp, tmp_path, engine_process.data, engine)
    qtbot.addWidget(desktop.window)
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        desktop.start()
    assert [p.name for p in engine.programs()] == ["sleeper"]
    qtbot.waitUntil(lambda: desktop.window.model.rowCount() == 1, timeout=5000)
    assert "Attached" in desktop.window.engine_state.text()
    program_id = engine.programs()[0].id

    # Start from the window: the engine starts it, and the change comes back pushed.
    assert desktop.commands.run("start", [program_id]) == []
    qtbot.waitUntil(lambda: engine.status(program_id).state is ProgramState.RUNNING, timeout=10_000)
    pid = engine.status(program_id).pid
    assert engine_process.api("GET", "/api/programs/status").json()[0]["pid"] == pid
    # Live ticks and stored history come through too.
    qtbot.waitUntil(lambda: engine.latest_metrics() is not None and engine.latest_metrics().system is not None,
                    timeout=5000)

    # A second window attaches as well and sees what the first does.
    second = attach_local(engine_process.data)
    assert second is not None
    other = open_window(qapp, tmp_path, engine_process.data, second, "w2")
    qtbot.addWidget(other.window)
    with qtbot.waitSignal(second.ready, timeout=10_000):
        other.start()
    assert second.status(program_id).state is ProgramState.RUNNING

    # A change made elsewhere (the API) shows in both windows.
    engine_process.api("POST", f"/api/programs/{program_id}/stop")
    qtbot.waitUntil(lambda: engine.status(program_id).state is ProgramState.STOPPED, timeout=15_000)
    qtbot.waitUntil(lambda: second.status(program_id).state is ProgramState.STOPPED, timeout=5000)

    assert desktop.commands.run("start", [program_id]) == []
    qtbot.waitUntil(lambda: second.status(program_id).state is ProgramState.RUNNING, timeout=10_000)
    pid = second.status(program_id).pid

    # Closing the windows leaves the engine and its program running.
    other.shutdown()
    desktop.shutdown()
    assert engine_process.process.poll() is None
    assert psutil.pid_exists(pid)
    assert engine_process.api("GET", "/api/programs/status").json()[0]["status"] == "running"


def test_window_rides_out_an_engine_restart(qtbot, qapp, tmp_path, engine_process) -> None:
    engine = attach_local(engine_process.data)
    assert engine is not None
    desktop = open_window(qapp, tmp_path, engine_process.data, engine)
    qtbot.addWidget(desktop.window)
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        desktop.start()
    engine_process.process.kill()  # the engine dies; its advertisement (and token) is stale
    engine_process.process.wait(timeout=10)
    qtbot.waitUntil(lambda: engine.state == RECONNECTING, timeout=10_000)
    assert "lost" in desktop.window.engine_state.text()
    assert [p.name for p in engine.programs()] == ["sleeper"]  # the last state stays on screen

    restarted = Headless(engine_process.data)  # new port, new token: found through the advertisement again
    try:
        qtbot.waitUntil(lambda: engine.state == CONNECTED, timeout=40_000)
        assert engine.endpoint.base_url == restarted.base
        assert "Attached" in desktop.window.engine_state.text()
        program_id = engine.programs()[0].id
        assert desktop.commands.run("start", [program_id]) == []
        qtbot.waitUntil(lambda: engine.status(program_id).state is ProgramState.RUNNING, timeout=10_000)
    finally:
        desktop.shutdown()
        restarted.stop()


def test_guest_sees_everything_and_changes_nothing(qtbot, qapp, tmp_path, engine_process) -> None:
    created = engine_process.api("POST", "/api/users", json={"username": "friend", "password": "guest password 12",
                                                             "role": "guest"})
    assert created.status_code == 201, created.text
    token = requests.post(engine_process.base + "/api/auth/login", timeout=10,
                          json={"username": "friend", "password": "guest password 12"}).json()["token"]
    engine = RemoteEngine(Endpoint(engine_process.base, token))
    desktop = open_window(qapp, tmp_path, engine_process.data, engine)
    qtbot.addWidget(desktop.window)
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        desktop.start()
    assert (engine.username, engine.role) == ("friend", "guest")
    # The window follows the engine's answer: a guest session, controls off, the command layer refusing.
    assert (desktop.session.username, desktop.session.can_change) == ("friend", False)
    assert not desktop.window.add_action.isEnabled()
    program_id = engine.programs()[0].id
    assert desktop.commands.run("start", [program_id])  # refused, with a reason
    qtbot.waitUntil(lambda: desktop.window.model.rowCount() == 1, timeout=5000)
    with qtbot.waitSignal(engine.command_failed, timeout=10_000) as failed:
        engine.start_program(program_id, cause=None, actor="friend")  # type: ignore[arg-type]
    assert failed.args[:2] == [program_id, "forbidden"]
    with pytest.raises(ForbiddenError):
        engine.remove_program(program_id, cause=None, actor="friend")  # type: ignore[arg-type]
    assert engine.history(program_id, "cpu_percent", 1e9, 1e9 + 3600, 10).metric == "cpu_percent"
    desktop.shutdown()


def test_refused_credentials_are_reported_not_retried(qtbot, engine_process) -> None:
    engine = RemoteEngine(Endpoint(engine_process.base, "expired-or-made-up"))
    with qtbot.waitSignal(engine.connection_changed, timeout=10_000) as changed:
        engine.start()
    assert changed.args[0] == UNAUTHORIZED
    with pytest.raises(UnauthorizedError):
        engine.accounts.login("admin", "not the password", client="test")
    token, _session, user = engine.accounts.login("admin", PASSWORD, client="test")
    assert user.role.value == "admin"
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        engine.use_credentials(token)
    assert engine.state == CONNECTED
    engine.shutdown()


def test_launching_the_app_attaches_to_the_running_engine(tmp_path, engine_process) -> None:
    """The double-click path: ``python -m monitor_app`` finds the headless engine and opens a window on it."""
    window = subprocess.Popen(
        [sys.executable, "-m", "monitor_app", "--data-dir", str(engine_process.data)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    log = engine_process.data / "logs" / "monitor_app.log"
    try:
        wait_for(lambda: log.exists() and "attached to the engine" in log.read_text(), timeout=30)
    finally:
        window.send_signal(signal.SIGTERM)
        output, _ = window.communicate(timeout=30)
    assert window.returncode == 0, output
    assert engine_process.process.poll() is None
    assert engine_process.api("GET", "/api/health").ok

    # A window killed outright (kill -9, a crash) takes nothing with it either.
    engine_process.api("POST", "/api/programs/1/start")
    wait_for(lambda: engine_process.api("GET", "/api/programs/status").json()[0]["status"] == "running", timeout=15)
    pid = engine_process.api("GET", "/api/programs/status").json()[0]["pid"]
    before = log.read_text().count("attached to the engine")
    window = subprocess.Popen(
        [sys.executable, "-m", "monitor_app", "--data-dir", str(engine_process.data)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: log.read_text().count("attached to the engine") > before, timeout=30)
    window.kill()
    window.wait(timeout=10)
    assert engine_process.process.poll() is None and psutil.pid_exists(pid)
    assert engine_process.api("GET", "/api/programs/status").json()[0]["pid"] == pid


def test_a_refused_sign_in_asks_again_in_the_window(qtbot, qapp, tmp_path, engine_process) -> None:
    engine = RemoteEngine(Endpoint(engine_process.base, "revoked-token"))
    desktop = open_window(qapp, tmp_path, engine_process.data, engine)
    qtbot.addWidget(desktop.window)
    desktop.start()
    qtbot.waitUntil(lambda: desktop.sign_in is not None, timeout=10_000)
    assert "refused" in desktop.window.engine_state.text()
    dialog = desktop.sign_in
    dialog.username.setText("admin")
    dialog.password.setText("wrong password here")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10_000)
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(engine.ready, timeout=15_000):
        dialog.submit()
    assert engine.state == CONNECTED and desktop.session.username == "admin"
    desktop.shutdown()
