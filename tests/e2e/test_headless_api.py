"""The REST API of a headless monitor: the first admin from the environment or a generated owner-only file."""

import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.helpers.processes import wait_for

pytestmark = pytest.mark.skipif(os.name == "nt", reason="stops the monitor with SIGTERM")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(data: Path, port: int, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor_app", "--headless", "--data-dir", str(data), "--api-port", str(port)],
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def up(base: str) -> bool:
    try:
        return requests.get(base + "/api/health", timeout=1).ok
    except requests.ConnectionError:
        return False


def test_headless_api_with_admin_password_from_the_environment(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    monitor = start(tmp_path / "data", port, MONITOR_ADMIN_PASSWORD="from the environment 1")
    try:
        wait_for(lambda: up(base), timeout=30)
        token = requests.post(base + "/api/auth/login", json={"username": "admin", "password": "from the environment 1"},
                              timeout=10).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        assert requests.get(base + "/api/programs", headers=headers, timeout=10).json() == []
        created = requests.post(base + "/api/programs", headers=headers, timeout=10,
                                json={"name": "remote", "path": sys.executable, "args": ["-c", "print(1)"]})
        assert created.status_code == 201
        assert not (tmp_path / "data" / "initial-admin-password.txt").exists()
    finally:
        monitor.send_signal(signal.SIGTERM)
        output, _ = monitor.communicate(timeout=30)
    assert monitor.returncode == 0, output
    # Remembered: a restart still has the program and the account.
    again = start(tmp_path / "data", port)
    try:
        wait_for(lambda: up(base), timeout=30)
        token = requests.post(base + "/api/auth/login", json={"username": "admin", "password": "from the environment 1"},
                              timeout=10).json()["token"]
        names = [p["name"] for p in requests.get(base + "/api/programs", headers={"Authorization": f"Bearer {token}"}, timeout=10).json()]
        assert names == ["remote"]
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=30)


def test_headless_api_generates_an_owner_only_password_file(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if k != "MONITOR_ADMIN_PASSWORD"}
    monitor = subprocess.Popen(
        [sys.executable, "-m", "monitor_app", "--headless", "--data-dir", str(tmp_path / "data"), "--api-port", str(port)],
        env={**env, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_for(lambda: up(base), timeout=30)
        secret = tmp_path / "data" / "initial-admin-password.txt"
        assert stat.S_IMODE(secret.stat().st_mode) == 0o600
        password = secret.read_text().splitlines()[0].strip()  # the first line; the rest explains it
        login = requests.post(base + "/api/auth/login", json={"username": "admin", "password": password}, timeout=10)
        assert login.status_code == 200, (password, login.text)
    finally:
        monitor.send_signal(signal.SIGTERM)
        output, _ = monitor.communicate(timeout=30)
    assert "initial-admin-password.txt" in output
    assert password not in output  # the password itself is never logged
