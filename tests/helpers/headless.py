"""A headless engine in its own process (``python -m monitor_app --headless``) for tests that attach to it."""

import json
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import psutil
import requests

from tests.helpers.processes import wait_for

PASSWORD = "attach test password 1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Headless:
    """``python -m monitor_app --headless`` on a data dir, with the API on ``port`` (default: a free one).

    ``base`` (alias ``url``) is the API address the engine advertises (https when its settings say TLS) and
    ``local_token`` the owner's token from that advertisement.
    """

    def __init__(self, data: Path, port: int | None = None, *, password: str = PASSWORD) -> None:
        self.data = data
        self.port = port or free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor_app", "--headless", "--data-dir", str(data), "--interval", "0.5",
             "--api-port", str(self.port)],
            env={**os.environ, "PYTHONUNBUFFERED": "1", "MONITOR_ADMIN_PASSWORD": password},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.advert = wait_for(self._advertised, timeout=30)
        self.base = self.url = self.advert["api_url"]
        self.local_token = self.advert["token"]
        self.headers = {"Authorization": f"Bearer {self.local_token}"}

    def _advertised(self) -> dict | None:
        try:
            advert = json.loads((self.data / "engine.json").read_text())
        except (OSError, ValueError):
            return None
        return advert if advert["pid"] == self.process.pid else None

    def api(self, method: str, path: str, *, token: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
        """A call with the local token (or ``token``); a self-signed certificate is accepted."""
        headers = {"Authorization": f"Bearer {token or self.local_token}"}
        return requests.request(method, self.base + path, headers=headers, timeout=10, verify=False, **kwargs)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)


def engine_with_a_program(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A headless engine on ``tmp_path/data`` with one registered (stopped) sleeping program; stopped after."""
    headless = Headless(tmp_path / "data")
    created = headless.api("POST", "/api/programs", json={
        "name": "sleeper", "path": sys.executable, "args": ["-c", "import time; time.sleep(120)"]})
    assert created.status_code == 201, created.text
    yield headless
    headless.stop()
    for program in psutil.process_iter(["cmdline"]):
        if program.info["cmdline"] and "time.sleep(120)" in " ".join(program.info["cmdline"]):
            program.kill()
