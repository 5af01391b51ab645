"""The launcher with real processes: detached launch, output capture, identity, tree stop and kill."""

import os
import shutil
import sys
import time
from pathlib import Path

import psutil
import pytest

from monitor_app.core.errors import LaunchError
from monitor_app.core.model import ProcessIdentity, ProgramSpec
from monitor_app.supervision import platform as platforms
from monitor_app.supervision.launcher import ProcessLauncher
from monitor_app.supervision.logfiles import LogFiles
from tests.helpers.processes import alive, child_args, kill_quietly, read_pids, wait_for

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX process groups")


@pytest.fixture
def launcher(tmp_path: Path):
    launcher = ProcessLauncher(platforms.current(), LogFiles(tmp_path / "logs"))
    launched = []
    original = launcher.spawn

    def spawn(spec):
        ref = original(spec)
        launched.append(ref)
        return ref

    launcher.spawn = spawn  # type: ignore[method-assign]
    yield launcher
    for ref in launched:
        launcher.kill_tree(ref)
        if ref.popen is not None:
            ref.popen.wait(5)


def _spec(tmp_path: Path, *options: str, **kw) -> ProgramSpec:
    return ProgramSpec(name="child", path=sys.executable, args=child_args(*options), id=kw.pop("id", 1), **kw)


def test_launcher_spawn_records_identity_and_captures_output(launcher, tmp_path) -> None:
    ref = launcher.spawn(_spec(tmp_path, "--print", "5", "--echo", "héllo", "--exit", "7"))
    assert ref.popen.wait(10) == 7
    assert ref.identity.pid == ref.popen.pid
    assert os.path.realpath(ref.identity.exe) == os.path.realpath(sys.executable)
    assert abs(ref.identity.create_time - time.time()) < 30
    tail = launcher.output_tail(_spec(tmp_path), 50)
    assert any("monitor_app starting child" in line for line in tail)
    assert "héllo" in tail and any(line.startswith("error line 0") for line in tail)
    assert launcher.reap(ref) == 7


def test_launcher_passes_env_and_cwd(launcher, tmp_path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    spec = ProgramSpec(
        name="env",
        path=sys.executable,
        args=("-c", "import os; print(os.environ['GREETING'], os.getcwd(), os.environ['MONITOR_APP_PROGRAM_ID'])"),
        cwd=str(work),
        env={"GREETING": "annyeong"},
        id=4,
    )
    ref = launcher.spawn(spec)
    assert ref.popen.wait(10) == 0
    assert launcher.output_tail(spec, 1) == (f"annyeong {work} 4",)


def test_launcher_missing_program_or_cwd_is_a_launch_error(launcher, tmp_path) -> None:
    with pytest.raises(LaunchError, match="does not exist"):
        launcher.spawn(ProgramSpec(name="x", path=str(tmp_path / "gone"), id=2))
    with pytest.raises(LaunchError, match="missing-dir does not exist"):
        launcher.spawn(ProgramSpec(name="x", path=sys.executable, cwd=str(tmp_path / "missing-dir"), id=2))


@posix_only
def test_launcher_program_is_detached_in_its_own_session(launcher, tmp_path) -> None:
    ref = launcher.spawn(_spec(tmp_path, "--sleep", "60"))
    assert os.getsid(ref.identity.pid) == ref.identity.pid != os.getsid(0)


def test_launcher_attach_accepts_the_same_process_only(launcher, tmp_path) -> None:
    ref = launcher.spawn(_spec(tmp_path, "--sleep", "60"))
    attached, reason = launcher.attach(ref.identity)
    assert attached is not None and reason == ""
    reused = ProcessIdentity(ref.identity.pid, ref.identity.create_time - 500, ref.identity.exe)
    attached, reason = launcher.attach(reused)
    assert attached is None and "pid reused" in reason
    other_exe = ProcessIdentity(ref.identity.pid, ref.identity.create_time, "/opt/other/server")
    attached, reason = launcher.attach(other_exe)
    assert attached is None and "now runs" in reason


def test_launcher_attach_to_a_dead_process_says_so(launcher, tmp_path) -> None:
    ref = launcher.spawn(_spec(tmp_path, "--exit", "0"))
    ref.popen.wait(10)
    attached, reason = launcher.attach(ref.identity)
    assert attached is None and ("no longer running" in reason or "has ended" in reason)


@pytest.mark.parametrize("options", [(), ("--ignore-term",), ("--escape",), ("--ignore-term", "--escape")])
def test_launcher_kill_tree_leaves_no_survivor(launcher, tmp_path, options) -> None:
    pidfile = tmp_path / "pids"
    ref = launcher.spawn(_spec(tmp_path, "--children", "2", "--grandchild", "--pidfile", str(pidfile), *options))
    pids = read_pids(pidfile)
    grandchildren = [read_pids(Path(f"{pidfile}.{i}"))[1] for i in range(2)]
    everyone = pids + grandchildren
    try:
        assert all(alive(pid) for pid in everyone)
        assert launcher.leftovers(ref) == 5
        launcher.kill_tree(ref)
        wait_for(lambda: not any(alive(pid) for pid in everyone), timeout=10)
        assert launcher.leftovers(ref) == 0
    finally:
        kill_quietly(everyone)


def test_launcher_finds_the_tree_of_a_root_that_already_died(launcher, tmp_path) -> None:
    pidfile = tmp_path / "pids"
    ref = launcher.spawn(_spec(tmp_path, "--children", "1", "--pidfile", str(pidfile)))
    pids = read_pids(pidfile)
    try:
        launcher.request_stop(ref)  # remembers the tree, then the polite signal
        psutil.Process(ref.identity.pid).kill()
        ref.popen.wait(10)
        # The child outlived its root (it got SIGTERM too and exits, or lingers): kill_tree finishes the job.
        launcher.kill_tree(ref)
        wait_for(lambda: not any(alive(pid) for pid in pids), timeout=10)
        assert launcher.leftovers(ref) == 0
    finally:
        kill_quietly(pids)


def test_launcher_request_stop_is_polite(launcher, tmp_path) -> None:
    ref = launcher.spawn(_spec(tmp_path, "--sleep", "60"))
    wait_for(lambda: launcher.output_tail(_spec(tmp_path), 1))
    time.sleep(0.3)  # let the child install its SIGTERM handler (it is a fresh interpreter)
    launcher.request_stop(ref)
    code = ref.popen.wait(10)
    assert code == (143 if os.name != "nt" else code)


@posix_only
def test_launcher_adopts_an_unmanaged_process_of_the_same_executable(launcher, tmp_path) -> None:
    sleeper = tmp_path / "gameserver"
    shutil.copy(shutil.which("sleep"), sleeper)
    proc = psutil.Popen([str(sleeper), "60"])
    try:
        wait_for(lambda: proc.exe() == str(sleeper))
        ref = launcher.find_adoptable(ProgramSpec(name="g", path=str(sleeper), id=9))
        assert ref is not None and ref.identity.pid == proc.pid
        # Already managed now: not offered twice.
        assert launcher.find_adoptable(ProgramSpec(name="g", path=str(sleeper), id=9)) is None
    finally:
        proc.kill()
        proc.wait(5)
