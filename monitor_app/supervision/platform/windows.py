"""Windows: its own console process group per program, Ctrl+Break for a polite stop, HANDLEs for exits.

Not exercised on a real Windows machine by the test suite (it runs on Linux); tests check the calls made with
fakes. Entry points are injected so that works: ``kernel32`` (ctypes WinDLL) and ``kill`` (``os.kill``).
"""

import ctypes
import os
import signal
from collections.abc import Callable
from typing import Any

from monitor_app.core.model import ProgramSpec

# Process creation flags (winbase.h)
CREATE_NEW_PROCESS_GROUP = 0x00000200
CREATE_NO_WINDOW = 0x08000000
CREATE_BREAKAWAY_FROM_JOB = 0x01000000
# Access rights
SYNCHRONIZE = 0x00100000
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
FILE_APPEND_DATA = 0x0004
FILE_SHARE_READ, FILE_SHARE_WRITE, FILE_SHARE_DELETE = 0x1, 0x2, 0x4
OPEN_ALWAYS = 4
FILE_ATTRIBUTE_NORMAL = 0x80
INVALID_HANDLE_VALUE = -1
#: CTRL_BREAK_EVENT (signal.CTRL_BREAK_EVENT exists only on Windows builds of Python)
CTRL_BREAK_EVENT = getattr(signal, "CTRL_BREAK_EVENT", 1)


class ProcessHandle:
    """A process HANDLE opened with SYNCHRONIZE: signalled when the process ends."""

    kind = "handle"

    def __init__(self, handle: int, kernel32: Any) -> None:
        self._handle = handle
        self._kernel32 = kernel32

    def value(self) -> int:
        return self._handle

    def close(self) -> None:
        if self._handle:
            self._kernel32.CloseHandle(self._handle)
            self._handle = 0


class WindowsPlatform:
    name = "windows"

    def __init__(
        self,
        kernel32: Any = None,
        kill: Callable[[int, int], None] | None = None,
        open_osfhandle: Callable[[int, int], int] | None = None,
        breakaway: bool = True,
    ) -> None:
        self._kernel32 = kernel32
        self._kill = kill or os.kill
        self._open_osfhandle = open_osfhandle
        # Break away from the job Task Scheduler (or a terminal) put the monitor in, so the job's end does
        # not take the programs with it. Only allowed when the job permits it; the launcher retries without.
        self.breakaway = breakaway

    @property
    def kernel32(self) -> Any:
        if self._kernel32 is None:
            self._kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        return self._kernel32

    def popen_kwargs(self, spec: ProgramSpec) -> dict[str, object]:
        flags = CREATE_NEW_PROCESS_GROUP
        if spec.hide_window:
            flags |= CREATE_NO_WINDOW
        if self.breakaway:
            flags |= CREATE_BREAKAWAY_FROM_JOB
        return {"creationflags": flags}

    def send_stop_signal(self, pid: int) -> None:
        # CTRL_BREAK_EVENT reaches every process of the console process group whose id is the root's pid
        # (the group CREATE_NEW_PROCESS_GROUP made). Console servers (PalServer, SRCDS, Java) shut down on it.
        try:
            self._kill(pid, CTRL_BREAK_EVENT)
        except OSError:
            pass  # no shared console (GUI programs): the ladder goes on to the kill after stop_timeout

    def group_members(self, pid: int) -> list[int]:
        return []  # Windows cannot enumerate a console group; the launcher walks the parent links

    def kill_group(self, pid: int) -> None:
        return None

    def open_exit_waitable(self, pid: int) -> ProcessHandle | None:
        handle = self.kernel32.OpenProcess(SYNCHRONIZE | PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not handle:
            raise ProcessLookupError(pid)
        return ProcessHandle(handle, self.kernel32)

    def open_child_log(self, path: str) -> int:
        # FILE_APPEND_DATA without FILE_WRITE_DATA: the OS appends every write at the current end, so a
        # truncation by the log rotator is honoured by the running child (the CRT's O_APPEND only emulates it
        # in the opening process). Shared for read/write/delete so the monitor can tail and rotate it.
        handle = self.kernel32.CreateFileW(
            path,
            FILE_APPEND_DATA | SYNCHRONIZE,
            FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
            None,
            OPEN_ALWAYS,
            FILE_ATTRIBUTE_NORMAL,
            None,
        )
        if handle in (None, 0, INVALID_HANDLE_VALUE):
            raise OSError(f"cannot open log file {path}")
        open_osfhandle = self._open_osfhandle
        if open_osfhandle is None:
            import msvcrt  # type: ignore[import-not-found]  # Windows only

            open_osfhandle = msvcrt.open_osfhandle
        return open_osfhandle(handle, os.O_APPEND | os.O_WRONLY)

    def same_executable(self, a: str, b: str) -> bool:
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


