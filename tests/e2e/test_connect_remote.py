"""File → "Connect to another PC…": the window opens a second window on another engine's REST API (here a headless
engine subprocess on 127.0.0.1), signing in with a password or an API key, pinning an https certificate on first
use and refusing a changed one; refusals show in the dialog; the recent list never holds a secret."""

import hashlib
import json
import os
import socket
import ssl
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from monitor_app.desktop import DesktopApp
from monitor_app.engine.remote import CONNECTED
from monitor_app.engine.remote_connect import format_fingerprint
from monitor_app.options import parse_options
from monitor_app.settings import (
    SETTINGS_FILE_NAME,
    Settings,
    SettingsStore,
    SystemdUserBootService,
    XdgAutostart,
)
from monitor_app.ui.connect_dialog import ConnectDialog
from monitor_app.ui.recent_connections import RECENT_FILE_NAME
from tests.helpers.headless import Headless, free_port
from tests.helpers.systemd import FakeSystemd

pytestmark = pytest.mark.skipif(os.name == "nt", reason="stops the engine with POSIX signals")

PASSWORD = "remote engine password 1"


class OtherPc(Headless):
    """The engine of "another PC": a headless engine on its own data dir (https when its settings say so)."""

    def __init__(self, data: Path, port: int | None = None, *, scheme: str = "http") -> None:
        super().__init__(data, port, password=PASSWORD)
        assert self.url.startswith(f"{scheme}://"), (self.url, scheme)


def make_certificate(folder: Path) -> tuple[Path, Path, str]:
    """A self-signed certificate as the TLS API test makes it, and its SHA-256."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )
    return cert, key, hashlib.sha256(ssl.PEM_cert_to_DER_cert(cert.read_text())).hexdigest()


def serve_https(data: Path, cert: Path, key: Path) -> None:
    data.mkdir(parents=True, exist_ok=True)
    SettingsStore(data / SETTINGS_FILE_NAME).save(Settings().replace(api_tls_certificate=str(cert), api_tls_key=str(key)))


@pytest.fixture
def other_pc(tmp_path: Path):
    engine = OtherPc(tmp_path / "other")
    created = engine.api("POST", "/api/programs", json={"name": "far away", "path": sys.executable,
                                                        "args": ["-c", "print('hi')"]})
    assert created.status_code == 201, created.text
    yield engine
    engine.stop()


@pytest.fixture
def desktop(qtbot, qapp, tmp_path: Path):
    app = make_desktop(qapp, tmp_path, [])
    qtbot.addWidget(app.window)
    with qtbot.waitSignal(app.engine.ready, timeout=10_000):
        app.start()
    yield app
    app.shutdown()


def make_desktop(qapp, tmp_path: Path, argv: list[str]) -> DesktopApp:  # type: ignore[no-untyped-def]
    runner = FakeSystemd(tmp_path / "config" / "systemd" / "user", tmp_path / "linger")
    boot = SystemdUserBootService(runner, config_home=tmp_path / "config", user="tester", linger_dir=tmp_path / "linger")
    return DesktopApp(qapp, replace(parse_options(argv, {}), api_port=0), tmp_path / "here", tray=False,
                      autostart=XdgAutostart(tmp_path / "config"), boot_service=boot, first_run_prompt=False)


def open_dialog(qtbot, desktop: DesktopApp) -> ConnectDialog:  # type: ignore[no-untyped-def]
    desktop.window.connect_action.trigger()  # File → Connect to another PC…
    dialog = desktop.connect_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def fill_password(dialog: ConnectDialog, address: str, username: str, password: str) -> None:
    dialog.address.setText(address)
    dialog.password_choice.setChecked(True)
    dialog.username.setText(username)
    dialog.password.setText(password)


def wait_for_error(qtbot, dialog: ConnectDialog) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog) and dialog.connect_button.isEnabled(), timeout=15_000)
    return dialog.error.text()


def answer_trust(qtbot, dialog: ConnectDialog, *, trust: bool) -> str:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    qtbot.waitUntil(lambda: dialog.trust_box is not None, timeout=15_000)
    box = dialog.trust_box
    assert box is not None
    shown = box.informativeText()
    box.button(QMessageBox.StandardButton.Yes if trust else QMessageBox.StandardButton.No).click()
    return shown


def recent_text(desktop: DesktopApp) -> str:
    return (desktop.data_dir / RECENT_FILE_NAME).read_text()


def test_connect_with_a_password_opens_a_window_on_that_engine(qtbot, qapp, monkeypatch, desktop, other_pc) -> None:
    dialog = open_dialog(qtbot, desktop)
    fill_password(dialog, f"127.0.0.1:{other_pc.port}", "admin", PASSWORD)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: len(desktop.remote_windows) == 1, timeout=15_000)
    remote = desktop.remote_windows[0]
    qtbot.waitUntil(lambda: remote.engine.state == CONNECTED and remote.window.model.rowCount() == 1, timeout=15_000)

    assert f"127.0.0.1:{other_pc.port}" in remote.window.windowTitle()
    assert "Connected" in remote.window.engine_state.text()
    assert [p.name for p in remote.engine.programs()] == ["far away"]
    assert desktop.engine.programs() == ()  # the local engine is not the other PC's
    assert (remote.session.username, remote.session.can_change) == ("admin", True)
    assert not remote.window.settings_action.isVisible()  # that PC's settings are not this PC's to write
    token = remote.signed_in.endpoint.token
    assert other_pc.api("GET", "/api/auth/me", token=token).status_code == 200

    # Remembered without the password or the session token.
    text = recent_text(desktop)
    entry = json.loads(text)["recent"][0]
    assert (entry["url"], entry["username"], entry["method"]) == (other_pc.url, "admin", "password")
    assert PASSWORD not in text and token not in text

    # Closing that window closes only it: the app, the local window and the other engine carry on.
    quits: list[bool] = []
    monkeypatch.setattr(qapp, "quit", lambda: quits.append(True))
    with qtbot.assertNotEmitted(desktop.window.quit_requested):
        remote.window.close()
    qtbot.waitUntil(lambda: desktop.remote_windows == [], timeout=10_000)
    assert desktop.window.isVisible() and quits == []
    assert other_pc.process.poll() is None
    # ... and its session is signed out on that engine (off the GUI thread).
    qtbot.waitUntil(lambda: other_pc.api("GET", "/api/auth/me", token=token).status_code == 401, timeout=10_000)

    # Next time the address is offered, with the username filled in and the password not.
    again = open_dialog(qtbot, desktop)
    assert again.recent_list.count() == 1
    assert (again.address.text(), again.username.text(), again.password.text()) == (other_pc.url, "admin", "")
    again.reject()


def test_an_expired_sign_in_asks_for_the_password_again(qtbot, desktop, tmp_path) -> None:
    other = OtherPc(tmp_path / "other")
    try:
        dialog = open_dialog(qtbot, desktop)
        fill_password(dialog, other.url, "admin", PASSWORD)
        dialog.connect_button.click()
        qtbot.waitUntil(lambda: len(desktop.remote_windows) == 1, timeout=15_000)
        remote = desktop.remote_windows[0]
        qtbot.waitUntil(lambda: remote.engine.state == CONNECTED, timeout=15_000)
        old_token = remote.signed_in.endpoint.token
        assert other.api("POST", "/api/auth/logout", token=old_token).status_code == 204  # the session ends there
        other.stop()  # ... and the engine restarts: the window reconnects with a token that no longer works
        other = OtherPc(tmp_path / "other", other.port)
        qtbot.waitUntil(lambda: remote.sign_in is not None and remote.sign_in.isVisible(), timeout=40_000)
        assert remote.sign_in.username.text() == "admin"
        assert "refused" in remote.window.engine_state.text()
        remote.sign_in.password.setText(PASSWORD)
        remote.sign_in.buttons.accepted.emit()
        qtbot.waitUntil(lambda: remote.engine.state == CONNECTED, timeout=15_000)
        assert remote.sign_in is None and remote.signed_in.endpoint.token not in ("", old_token)
        assert [p.name for p in remote.engine.programs()] == []
        remote.close()
        qtbot.waitUntil(lambda: desktop.remote_windows == [], timeout=10_000)
    finally:
        other.stop()


def test_connect_with_an_api_key(qtbot, desktop, other_pc) -> None:
    admin = next(u for u in other_pc.api("GET", "/api/users").json() if u["username"] == "admin")
    created = other_pc.api("POST", "/api/keys", json={"name": "laptop", "user_id": admin["id"]})
    assert created.status_code == 201, created.text
    key = created.json()["key"]

    dialog = open_dialog(qtbot, desktop)
    dialog.address.setText(f"http://127.0.0.1:{other_pc.port}")
    dialog.key_choice.setChecked(True)
    assert dialog.api_key.isVisibleTo(dialog) and not dialog.password.isVisibleTo(dialog)
    dialog.api_key.setText("mak_not-a-real-key")
    dialog.connect_button.click()
    assert "API key" in wait_for_error(qtbot, dialog)
    assert not desktop.remote_windows

    dialog.api_key.setText(key)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: len(desktop.remote_windows) == 1, timeout=15_000)
    remote = desktop.remote_windows[0]
    qtbot.waitUntil(lambda: remote.engine.state == CONNECTED, timeout=15_000)
    assert remote.session.username == "admin"
    text = recent_text(desktop)
    assert key not in text
    assert json.loads(text)["recent"][0]["method"] == "key"

    remote.close()
    qtbot.waitUntil(lambda: desktop.remote_windows == [], timeout=10_000)
    desktop.tasks.wait_for_done()
    assert other_pc.api("GET", "/api/auth/me", token=key).status_code == 200  # a key outlives the window


def test_a_revoked_api_key_asks_for_a_new_credential_in_the_same_window(qtbot, desktop, tmp_path) -> None:
    other = OtherPc(tmp_path / "other")
    try:
        admin = next(u for u in other.api("GET", "/api/users").json() if u["username"] == "admin")
        first = other.api("POST", "/api/keys", json={"name": "laptop", "user_id": admin["id"]}).json()
        dialog = open_dialog(qtbot, desktop)
        dialog.address.setText(other.url)
        dialog.key_choice.setChecked(True)
        dialog.api_key.setText(first["key"])
        dialog.connect_button.click()
        qtbot.waitUntil(lambda: len(desktop.remote_windows) == 1, timeout=15_000)
        remote = desktop.remote_windows[0]
        qtbot.waitUntil(lambda: remote.engine.state == CONNECTED, timeout=15_000)

        assert other.api("DELETE", f"/api/keys/{first['id']}").status_code == 204  # revoked on that PC
        other.stop()  # ... and its engine restarts: the window reconnects with a key that no longer works
        other = OtherPc(tmp_path / "other", other.port)
        qtbot.waitUntil(lambda: remote.credential_dialog is not None and remote.credential_dialog.isVisible(), timeout=40_000)
        asking = remote.credential_dialog
        assert asking.address.text() == other.url
        assert "API key" in asking.error.text()
        second = other.api("POST", "/api/keys", json={"name": "laptop 2", "user_id": admin["id"]}).json()
        asking.key_choice.setChecked(True)
        asking.api_key.setText(second["key"])
        asking.connect_button.click()
        qtbot.waitUntil(lambda: remote.engine.state == CONNECTED, timeout=15_000)
        assert remote.credential_dialog is None and remote.signed_in.endpoint.token == second["key"]
        assert desktop.remote_windows == [remote]  # the same window goes on, no second one
        remote.close()
        qtbot.waitUntil(lambda: desktop.remote_windows == [], timeout=10_000)
    finally:
        other.stop()


def test_wrong_password_is_shown_and_nothing_typed_is_lost(qtbot, desktop, other_pc) -> None:
    dialog = open_dialog(qtbot, desktop)
    fill_password(dialog, f"127.0.0.1:{other_pc.port}", "admin", "not the password")
    dialog.connect_button.click()
    assert "Wrong username or password" in wait_for_error(qtbot, dialog)
    assert dialog.isVisible() and not desktop.remote_windows
    assert (dialog.address.text(), dialog.username.text(), dialog.password.text()) == (
        f"127.0.0.1:{other_pc.port}", "admin", "not the password")
    assert not (desktop.data_dir / RECENT_FILE_NAME).exists()  # nothing remembered from a failed attempt

    dialog.password.setText(PASSWORD)
    dialog.connect_button.click()
    qtbot.waitUntil(lambda: len(desktop.remote_windows) == 1, timeout=15_000)


def test_the_engines_lock_out_is_shown(qtbot, desktop, other_pc) -> None:
    for _ in range(5):
        requests.post(other_pc.url + "/api/auth/login", json={"username": "admin", "password": "guess"}, timeout=10)
    dialog = open_dialog(qtbot, desktop)
    fill_password(dialog, f"127.0.0.1:{other_pc.port}", "admin", PASSWORD)
    dialog.connect_button.click()
    assert "try again in" in wait_for_error(qtbot, dialog)
    assert not desktop.remote_windows


def test_unreachable_addresses_are_shown(qtbot, desktop) -> None:
    dialog = open_dialog(qtbot, desktop)
    fill_password(dialog, "ftp://somewhere", "admin", PASSWORD)
    dialog.connect_button.click()
    assert "http://" in dialog.error.text() and dialog.error.isVisibleTo(dialog)

    fill_password(dialog, f"127.0.0.1:{free_port()}", "admin", PASSWORD)
    dialog.connect_button.click()
    assert "refused" in wait_for_error(qtbot, dialog)

    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        dialog.address.setText(f"127.0.0.1:{silent.getsockname()[1]}")
        dialog.connect_button.click()
        assert "no answer in time" in wait_for_error(qtbot, dialog)
    assert dialog.password.text() == PASSWORD and not desktop.remote_windows


def test_https_is_trusted_on_first_use_and_a_changed_certificate_is_refused(qtbot, desktop, tmp_path) -> None:
    cert, key, sha = make_certificate(tmp_path / "tls1")
    serve_https(tmp_path / "other", cert, key)
    other = OtherPc(tmp_path / "other", scheme="https")
    try:
        dialog = open_dialog(qtbot, desktop)
        fill_password(dialog, f"127.0.0.1:{other.port}", "admin", PASSWORD)  # http by default
        dialog.connect_button.click()
        assert f"answers with https: connect to {other.url}" in wait_for_error(qtbot, dialog)
        dialog.address.setText(other.url)
        dialog.connect_button.click()
        # First use: the fingerprint is shown; saying no connects nothing.
        assert format_fingerprint(sha) in answer_trust(qtbot, dialog, trust=False)
        assert "not trusted" in wait_for_error(qtbot, dialog)
        assert not desktop.remote_windows and not (desktop.data_dir / RECENT_FILE_NAME).exists()

        dialog.connect_button.click()
        answer_trust(qtbot, dialog, trust=True)
        qtbot.waitUntil(lambda: len(desktop.remote_windows) == 1, timeout=15_000)
        remote = desktop.remote_windows[0]
        qtbot.waitUntil(lambda: remote.engine.state == CONNECTED, timeout=15_000)  # the stream honours the pin
        assert remote.signed_in.endpoint.tls_sha256 == sha
        entry = json.loads(recent_text(desktop))["recent"][0]
        assert (entry["url"], entry["tls_sha256"]) == (other.url, sha)
        remote.close()
        qtbot.waitUntil(lambda: desktop.remote_windows == [], timeout=10_000)
    finally:
        other.stop()

    # The same address comes back with another certificate: refused, with the way out offered explicitly.
    cert2, key2, sha2 = make_certificate(tmp_path / "tls2")
    serve_https(tmp_path / "other", cert2, key2)
    other = OtherPc(tmp_path / "other", other.port, scheme="https")
    try:
        dialog = open_dialog(qtbot, desktop)
        assert dialog.address.text() == other.url and format_fingerprint(sha) in dialog.pin.text()
        dialog.password.setText(PASSWORD)
        dialog.connect_button.click()
        error = wait_for_error(qtbot, dialog)
        assert "different certificate" in error and format_fingerprint(sha2) in error
        assert dialog.trust_box is None and not desktop.remote_windows
        assert dialog.forget_pin.isVisibleTo(dialog)
        assert json.loads(recent_text(desktop))["recent"][0]["tls_sha256"] == sha  # nothing changed on its own

        dialog.forget_pin.click()
        assert json.loads(recent_text(desktop))["recent"][0]["tls_sha256"] == ""
        dialog.connect_button.click()
        assert format_fingerprint(sha2) in answer_trust(qtbot, dialog, trust=True)
        qtbot.waitUntil(lambda: len(desktop.remote_windows) == 1, timeout=15_000)
        assert json.loads(recent_text(desktop))["recent"][0]["tls_sha256"] == sha2
        assert PASSWORD not in recent_text(desktop)
        desktop.remote_windows[0].close()
        qtbot.waitUntil(lambda: desktop.remote_windows == [], timeout=10_000)
    finally:
        other.stop()


def test_connect_option_opens_the_dialog_filled_in(qtbot, qapp, tmp_path) -> None:
    app = make_desktop(qapp, tmp_path, ["--connect", "192.168.0.10"])
    qtbot.addWidget(app.window)
    try:
        with qtbot.waitSignal(app.engine.ready, timeout=10_000):
            app.start()
        qtbot.waitUntil(lambda: app.connect_dialog is not None and app.connect_dialog.isVisible(), timeout=5000)
        assert app.connect_dialog.address.text() == "http://192.168.0.10:8080"
        app.connect_dialog.reject()
        qtbot.waitUntil(lambda: app.connect_dialog is None)
        assert not app.remote_windows
    finally:
        app.shutdown()
