"""The few things that differ between Windows and POSIX when launching and stopping a process tree.

One small class per OS with the same methods; ``current()`` picks the one for this machine. The Windows
class takes its OS entry points (kernel32, ``os.kill``) as arguments so tests here can check it with fakes.
"""

import os
from typing import Protocol

from monitor_app.core.model import ProgramSpec


class ExitWaitable(Protocol):
    """Something the event loop can wait on that becomes ready when a process ends."""

    kind: str  # "fd": a readable file descriptor (pidfd); "handle": a Windows process HANDLE

    def value(self) -> int: ...

    def close(self) -> None: ...


class Platform(Protocol):
    name: str

    def popen_kwargs(self, spec: ProgramSpec) -> dict[str, object]:
        """Extra ``subprocess.Popen`` arguments that detach the program from the monitor."""
        ...

    def send_stop_signal(self, pid: int) -> None:
        """The polite stop: Ctrl+Break to the program's console process group / SIGTERM to its group."""
        ...

    def group_members(self, pid: int) -> list[int]:
        """Pids still in the process group led by ``pid`` (zombies included; empty where groups can't tell)."""
        ...

    def kill_group(self, pid: int) -> None:
        """Kill every process of the group led by ``pid`` (no-op where that is not possible)."""
        ...

    def open_exit_waitable(self, pid: int) -> ExitWaitable | None:
        """A waitable for the process's exit, or None if this OS can only be polled."""
        ...

    def open_child_log(self, path: str) -> int:
        """An OS file descriptor, opened for appending, for a child's stdout and stderr.

        Appending must be done by the OS (not emulated by seeking), so the monitor can truncate the file
        under a running child when it rotates logs.
        """
        ...

    def same_executable(self, a: str, b: str) -> bool: ...


def current() -> Platform:
    if os.name == "nt":
        from monitor_app.supervision.platform.windows import WindowsPlatform

        return WindowsPlatform()
    from monitor_app.supervision.platform.posix import PosixPlatform

    return PosixPlatform()
