"""The desktop app as a user starts it (offscreen): the self-test, and a second launch handing over."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.processes import wait_for

OFFSCREEN = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")


def test_self_test_passes() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "monitor_app", "--self-test"], capture_output=True, text=True, timeout=120, env=OFFSCREEN
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


@pytest.mark.skipif(os.name == "nt", reason="stops the app with SIGTERM")
def test_second_launch_brings_the_first_forward_and_exits(tmp_path: Path) -> None:
    data = tmp_path / "data"
    log_file = data / "logs" / "monitor_app.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "monitor_app", "--data-dir", str(data)],
        env=OFFSCREEN,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: log_file.exists() and "monitor_app 0" in log_file.read_text(), timeout=30)
        second = subprocess.run(
            [sys.executable, "-m", "monitor_app", "--data-dir", str(data)],
            env=OFFSCREEN,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        wait_for(lambda: "another launch asked for the window" in log_file.read_text(), timeout=10)
        assert first.poll() is None  # still the one instance
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(30)
    assert first.returncode == 0
    assert (data / "window.ini").exists()  # window geometry persisted
