"""The platform module: the Windows branch checked with fakes, the POSIX branch for real."""

import os
import signal
import subprocess
import sys

import pytest

from monitor_app.core.model import ProgramSpec
from monitor_app.supervision.platform import windows
from monitor_app.supervision.platform.windows import WindowsPlatform
from tests.helpers.processes import alive, wait_for

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX branch")


class FakeKernel32:
    def __init__(self, open_result: int = 0x44) -> None:
        self.calls: list[tuple] = []
        self.open_result = open_result

    def OpenProcess(self, access, inherit, pid):  # noqa: N802 - Win32 name
        self.calls.append(("OpenProcess", access, inherit, pid))
        return self.open_result

    def CloseHandle(self, handle):  # noqa: N802
        self.calls.append(("CloseHandle", handle))
        return 1

    def CreateFileW(self, path, access, share, security, disposition, flags, template):  # noqa: N802
        self.calls.append(("CreateFileW", path, access, share, disposition))
        return 0x99


def test_windows_launch_flags_detach_and_hide_console() -> None:
    plat = WindowsPlatform(kernel32=FakeKernel32())
    flags = plat.popen_kwargs(ProgramSpec(name="a", path="C:/a.exe"))["creationflags"]
    assert flags & windows.CREATE_NEW_PROCESS_GROUP
    assert flags & windows.CREATE_BREAKAWAY_FROM_JOB
    assert not flags & windows.CREATE_NO_WINDOW
    hidden = plat.popen_kwargs(ProgramSpec(name="a", path="C:/a.exe", hide_window=True))["creationflags"]
    assert hidden & windows.CREATE_NO_WINDOW
    plat.breakaway = False
    assert not plat.popen_kwargs(ProgramSpec(name="a", path="C:/a.exe"))["creationflags"] & windows.CREATE_BREAKAWAY_FROM_JOB


def test_windows_stop_signal_is_ctrl_break_to_the_group() -> None:
    sent: list[tuple[int, int]] = []
    plat = WindowsPlatform(kernel32=FakeKernel32(), kill=lambda pid, sig: sent.append((pid, sig)))
    plat.send_stop_signal(4242)
    assert sent == [(4242, windows.CTRL_BREAK_EVENT)]


def test_windows_stop_signal_without_console_is_not_an_error() -> None:
    def refuse(pid: int, sig: int) -> None:
        raise OSError(6, "The handle is invalid")

    WindowsPlatform(kernel32=FakeKernel32(), kill=refuse).send_stop_signal(1)


def test_windows_exit_waitable_is_a_synchronize_handle() -> None:
    k32 = FakeKernel32()
    handle = WindowsPlatform(kernel32=k32).open_exit_waitable(321)
    assert handle is not None and handle.kind == "handle" and handle.value() == 0x44
    assert k32.calls[0] == ("OpenProcess", windows.SYNCHRONIZE | windows.PROCESS_QUERY_LIMITED_INFORMATION, False, 321)
    handle.close()
    handle.close()
    assert k32.calls.count(("CloseHandle", 0x44)) == 1


def test_windows_exit_waitable_for_a_gone_process_raises() -> None:
    with pytest.raises(ProcessLookupError):
        WindowsPlatform(kernel32=FakeKernel32(open_result=0)).open_exit_waitable(1)


def test_windows_child_log_is_opened_for_os_level_append() -> None:
    k32 = FakeKernel32()
    opened: list[tuple[int, int]] = []
    plat = WindowsPlatform(kernel32=k32, open_osfhandle=lambda h, flags: opened.append((h, flags)) or 7)
    assert plat.open_child_log("C:/data/logs/program-1.log") == 7
    _, path, access, share, disposition = k32.calls[0]
    assert path == "C:/data/logs/program-1.log"
    assert access & windows.FILE_APPEND_DATA and not access & 0x0002  # no FILE_WRITE_DATA
    assert share == windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE
    assert disposition == windows.OPEN_ALWAYS
    assert opened == [(0x99, os.O_APPEND | os.O_WRONLY)]


def test_windows_executables_compare_case_insensitively() -> None:
    plat = WindowsPlatform(kernel32=FakeKernel32())
    if os.name == "nt":
        assert plat.same_executable("C:/Pal/PalServer.exe", "c:/pal/palserver.EXE")
    assert not plat.same_executable("/a/x.exe", "/b/x.exe")


@posix_only
def test_posix_group_signal_reaches_the_whole_group() -> None:
    from monitor_app.supervision.platform.posix import PosixPlatform

    plat = PosixPlatform()
    assert plat.popen_kwargs(ProgramSpec(name="a", path="/a")) == {"start_new_session": True}
    leader = subprocess.Popen(
        [sys.executable, "-c", "import subprocess,sys,time; subprocess.Popen([sys.executable,'-c','import time; time.sleep(60)']); time.sleep(60)"],
        start_new_session=True,
    )
    try:
        wait_for(lambda: len(plat.group_members(leader.pid)) == 2)
        assert leader.pid in plat.group_members(leader.pid)
        plat.kill_group(leader.pid)
        assert leader.wait(5) == -signal.SIGKILL
        wait_for(lambda: not any(alive(pid) for pid in plat.group_members(leader.pid)))
    finally:
        if leader.poll() is None:
            leader.kill()


@posix_only
def test_posix_exit_waitable_becomes_readable_on_exit() -> None:
    import select

    from monitor_app.supervision.platform.posix import PosixPlatform

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(0.2)"])
    waitable = PosixPlatform().open_exit_waitable(proc.pid)
    if waitable is None:
        pytest.skip("no pidfd on this kernel")
    poller = select.poll()
    poller.register(waitable.value(), select.POLLIN)
    assert poller.poll(5000)
    assert proc.wait(1) == 0
    waitable.close()
