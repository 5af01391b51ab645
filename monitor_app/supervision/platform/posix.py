"""POSIX twin: a new session per program, SIGTERM/SIGKILL to its process group, pidfd for exit events."""

import errno
import os
import signal

import psutil

from monitor_app.core.model import ProgramSpec


class PidFd:
    """A Linux pidfd: readable once the process has ended."""

    kind = "fd"

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def value(self) -> int:
        return self._fd

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


class PosixPlatform:
    name = "posix"

    def popen_kwargs(self, spec: ProgramSpec) -> dict[str, object]:
        # A new session: no SIGINT/SIGHUP from the monitor's terminal, and its own process group (pgid = pid)
        # that a stop can signal as a whole.
        return {"start_new_session": True}

    def send_stop_signal(self, pid: int) -> None:
        self._signal_group(pid, signal.SIGTERM)

    def group_members(self, pid: int) -> list[int]:
        try:
            os.killpg(pid, 0)  # cheap test first: is anyone left in the group at all?
        except ProcessLookupError:
            return []
        except PermissionError:
            pass
        members = []
        for candidate in psutil.pids():
            try:
                if os.getpgid(candidate) == pid:
                    members.append(candidate)
            except OSError:
                continue
        return members

    def kill_group(self, pid: int) -> None:
        self._signal_group(pid, signal.SIGKILL)

    def open_exit_waitable(self, pid: int) -> PidFd | None:
        pidfd_open = getattr(os, "pidfd_open", None)
        if pidfd_open is None:
            return None  # macOS, BSD: the worker polls instead
        try:
            return PidFd(pidfd_open(pid))
        except ProcessLookupError:
            raise
        except OSError as exc:
            if exc.errno in (errno.ENOSYS, errno.EPERM, errno.EINVAL):
                return None  # kernel older than 5.3 or a sandbox forbids it
            raise

    def open_child_log(self, path: str) -> int:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_CLOEXEC", 0), 0o644)

    def same_executable(self, a: str, b: str) -> bool:
        return os.path.realpath(a) == os.path.realpath(b)

    @staticmethod
    def _signal_group(pid: int, signum: int) -> None:
        try:
            os.killpg(pid, signum)
        except ProcessLookupError:
            # Not a group leader any more (or all gone): signal the process itself.
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass
