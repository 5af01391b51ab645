"""A second launch hands over to the first: it asks the running instance to show its window."""

import subprocess
import sys
from pathlib import Path

from monitor_app.instance import (
    REPLY_HEADLESS,
    REPLY_SHOWN,
    InstanceServer,
    ask_running_instance,
    server_name,
)

ASK = "import sys; from pathlib import Path; from monitor_app.instance import ask_running_instance; " \
      "sys.stdout.write(repr(ask_running_instance(Path(sys.argv[1]))))"


def second_launch(qtbot, data_dir: Path) -> str:
    """Ask from another process (as a second double-click would), serving our event loop meanwhile."""
    proc = subprocess.Popen([sys.executable, "-c", ASK, str(data_dir)], stdout=subprocess.PIPE, text=True)
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=15_000)
    return proc.stdout.read()


def test_instance_second_launch_activates_the_first(qtbot, tmp_path) -> None:
    server = InstanceServer(tmp_path, headless=False)
    assert server.listen()
    activations: list[bool] = []
    server.activation_requested.connect(lambda: activations.append(True))
    try:
        assert second_launch(qtbot, tmp_path) == repr(REPLY_SHOWN)
        assert activations == [True]
    finally:
        server.close()


def test_instance_headless_engine_says_so(qtbot, tmp_path) -> None:
    server = InstanceServer(tmp_path, headless=True)
    assert server.listen()
    try:
        assert second_launch(qtbot, tmp_path) == repr(REPLY_HEADLESS)
    finally:
        server.close()


def test_instance_none_running_means_start_normally(tmp_path) -> None:
    assert ask_running_instance(tmp_path) is None


def test_instance_names_differ_per_data_dir(tmp_path) -> None:
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert server_name(tmp_path / "a") == server_name(tmp_path / "a" / ".." / "a")
