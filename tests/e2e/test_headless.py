"""``python -m monitor_app --headless`` as a user runs it: programs outlive the monitor, one monitor per data dir."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import EventKind, ProgramState
from monitor_app.storage import Storage, WriteBatch
from tests.helpers.processes import alive, child_args, kill_quietly, wait_for

pytestmark = pytest.mark.skipif(os.name == "nt", reason="sends POSIX signals to the monitor")


def start_monitor(data_dir: Path, *extra: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "monitor_app", "--headless", "--data-dir", str(data_dir), "--interval", "0.2", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stored(data_dir: Path):
    storage = Storage.open(data_dir / "monitor.db")
    try:
        return storage.load_runtimes(), storage.events(limit=1000)
    finally:
        storage.close()


def running_pid(data_dir: Path) -> int | None:
    runtime = stored(data_dir)[0].get(1)
    return runtime.identity.pid if runtime and runtime.identity else None


@pytest.fixture
def data_dir(tmp_path: Path):
    data = tmp_path / "data"
    storage = Storage.open(data / "monitor.db")
    storage.write(
        WriteBatch(
            programs=(
                ProgramSpec(name="server", path=sys.executable, args=child_args("--sleep", "120"), autostart=True, id=1),
            )
        )
    )
    storage.close()
    yield data
    pid = running_pid(data)
    if pid:
        kill_quietly([pid])


def test_headless_runs_until_sigterm_and_leaves_programs_running(data_dir: Path) -> None:
    monitor = start_monitor(data_dir)
    try:
        pid = wait_for(lambda: running_pid(data_dir), timeout=20)
        assert alive(pid)
        monitor.send_signal(signal.SIGTERM)
        output, _ = monitor.communicate(timeout=20)
        assert monitor.returncode == 0, output
        assert "managed programs keep running" in output
        assert alive(pid)

        again = start_monitor(data_dir)
        try:
            def reattached() -> bool:
                return any(e.details.get("reattached") for e in stored(data_dir)[1])

            wait_for(reattached, timeout=20)
            assert running_pid(data_dir) == pid  # not a second copy
        finally:
            again.send_signal(signal.SIGINT)  # Ctrl+C
            output, _ = again.communicate(timeout=20)
        assert again.returncode == 0, output
        assert alive(pid)
    finally:
        if monitor.poll() is None:
            monitor.kill()


def test_headless_kill9_keeps_programs_and_data(data_dir: Path) -> None:
    monitor = start_monitor(data_dir)
    pid = wait_for(lambda: running_pid(data_dir), timeout=20)

    def is_running_stored() -> bool:
        return any(e.to_state is ProgramState.RUNNING for e in stored(data_dir)[1])

    wait_for(is_running_stored, timeout=20)
    monitor.kill()
    monitor.wait(10)
    assert alive(pid)
    storage = Storage.open(data_dir / "monitor.db")
    try:
        assert storage.integrity_check() == "ok"
        events = storage.events(program_id=1)
        assert any(e.kind is EventKind.STATE and e.to_state is ProgramState.RUNNING for e in events)
        now = time.time()
        assert storage.series(1, "cpu_percent", now - 60, now, 100, now=now).points  # samples survived too
    finally:
        storage.close()


def test_headless_refuses_a_second_monitor_on_the_same_data_dir(data_dir: Path) -> None:
    first = start_monitor(data_dir)
    try:
        wait_for(lambda: running_pid(data_dir), timeout=20)
        second = start_monitor(data_dir)
        output, _ = second.communicate(timeout=20)
        assert second.returncode == 3
        assert "already running" in output
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=20)


def test_headless_explains_a_bad_option(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "monitor_app", "--headless", "--data-dir", str(tmp_path), "--interval", "fast"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "'fast' is not a number of seconds" in result.stderr


def test_headless_explains_a_database_it_cannot_use(tmp_path: Path) -> None:
    (tmp_path / "monitor.db").write_bytes(b"this is not a database" * 100)
    result = subprocess.run(
        [sys.executable, "-m", "monitor_app", "--headless", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 4
    assert "cannot open the database" in result.stderr
    assert (tmp_path / "monitor.db").read_bytes() == b"this is not a database" * 100


def test_headless_process_tree_is_not_the_monitors_child_group(data_dir: Path) -> None:
    monitor = start_monitor(data_dir)
    try:
        pid = wait_for(lambda: running_pid(data_dir), timeout=20)
        assert psutil.Process(pid).ppid() == monitor.pid
        assert os.getsid(pid) == pid != os.getsid(monitor.pid)
    finally:
        monitor.send_signal(signal.SIGTERM)
        monitor.communicate(timeout=20)
