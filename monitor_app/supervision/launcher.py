"""The real :class:`~monitor_app.supervision.machine.ProcessRunner`: launches, finds, stops and kills trees.

Programs are launched detached (own session / console process group) with stdout and stderr appended to a
per-program log file, so they outlive the monitor. A process is ours only if pid, creation time and
executable all match what was recorded; descendants are found through parent links, counting a child only
if it started after its parent (a reused pid cannot pass that test).
"""

import logging
import os
import subprocess
import time
from dataclasses import dataclass, field

import psutil

from monitor_app.core.errors import LaunchError
from monitor_app.core.model import ProcessIdentity, ProgramSpec
from monitor_app.supervision.logfiles import LogFiles
from monitor_app.supervision.platform import Platform

log = logging.getLogger(__name__)

#: Creation times from psutil are derived from boot time and clock ticks; allow for rounding.
CREATE_TIME_TOLERANCE = 0.05
#: Environment variable set for every launched program (and inherited by its children).
PROGRAM_ID_ENV = "MONITOR_APP_PROGRAM_ID"


@dataclass(eq=False)
class LaunchedProcess:
    """One process we launched or attached to.

    Attributes:
        identity: pid, creation time, executable.
        popen: The ``Popen`` when this monitor launched it (it can then read the exit code on POSIX).
        members: Descendants seen so far; remembered because they outlive the links to a dead root.
    """

    identity: ProcessIdentity
    process: psutil.Process
    popen: subprocess.Popen[bytes] | None = None
    members: dict[int, psutil.Process] = field(default_factory=dict)


class ProcessLauncher:
    """Launch and control program processes on this machine."""

    def __init__(self, platform: Platform, logs: LogFiles) -> None:
        self._platform = platform
        self._logs = logs
        self._managed: dict[int, LaunchedProcess] = {}

    # ------------------------------------------------------------- launching and finding

    def spawn(self, spec: ProgramSpec) -> LaunchedProcess:
        log_path = self._logs.prepare(spec)
        env = dict(os.environ)
        env.update(spec.env)
        env[PROGRAM_ID_ENV] = str(spec.id)
        argv = [spec.path, *spec.args]
        try:
            log_fd = self._platform.open_child_log(str(log_path))
        except OSError as exc:
            raise LaunchError(f"cannot open the output log {log_path}: {exc.strerror or exc}") from None
        try:
            popen = self._popen(spec, argv, env, log_fd)
        finally:
            os.close(log_fd)  # the child has its own copy
        try:
            process = psutil.Process(popen.pid)
            with process.oneshot():
                create_time = process.create_time()
                exe = _exe_or(process, spec.path)
        except psutil.NoSuchProcess:
            # It already ended; keep the Popen so the exit code is read, and report a plausible identity.
            process = _DeadProcess(popen.pid)  # type: ignore[assignment]
            create_time, exe = time.time(), spec.path
        launched = LaunchedProcess(ProcessIdentity(popen.pid, create_time, exe), process, popen)
        self._managed[popen.pid] = launched
        log.info("launched %s (pid %d): %s", spec.name, popen.pid, subprocess.list2cmdline(argv))
        return launched

    def _popen(self, spec: ProgramSpec, argv: list[str], env: dict[str, str], log_fd: int) -> "subprocess.Popen[bytes]":
        try:
            try:
                return self._popen_once(spec, argv, env, log_fd)
            except PermissionError:
                if not getattr(self._platform, "breakaway", False):
                    raise
                # Windows: the job the monitor runs in forbids breakaway; launch inside it instead.
                self._platform.breakaway = False  # type: ignore[attr-defined]
                return self._popen_once(spec, argv, env, log_fd)
        except FileNotFoundError as exc:
            missing = spec.effective_cwd if exc.filename == spec.effective_cwd else spec.path
            raise LaunchError(f"{missing} does not exist") from None
        except PermissionError as exc:
            raise LaunchError(f"permission denied starting {spec.path}: {exc.strerror or exc}") from None
        except OSError as exc:
            raise LaunchError(f"cannot start {spec.path}: {exc.strerror or exc}") from None

    def _popen_once(
        self, spec: ProgramSpec, argv: list[str], env: dict[str, str], log_fd: int
    ) -> "subprocess.Popen[bytes]":
        return subprocess.Popen(
            argv,
            cwd=spec.effective_cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_fd,
            stderr=subprocess.STDOUT,
            close_fds=True,
            **self._platform.popen_kwargs(spec),  # type: ignore[arg-type]
        )

    def attach(self, identity: ProcessIdentity) -> tuple[LaunchedProcess | None, str]:
        """The recorded process if it still runs and is the same one, else None and why not.

        A pid alone is not trusted: the creation time and the executable must match too, so a pid the OS
        has since given to another process is never mistaken for the program.
        """
        try:
            process = psutil.Process(identity.pid)
            with process.oneshot():
                create_time = process.create_time()
                exe = _exe_or(process, None)
                zombie = process.status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return None, f"process {identity.pid} is no longer running"
        if zombie:
            return None, f"process {identity.pid} has ended"
        if abs(create_time - identity.create_time) > CREATE_TIME_TOLERANCE:
            return None, f"pid {identity.pid} now belongs to a different process (pid reused)"
        if exe is not None and not self._platform.same_executable(exe, identity.exe):
            return None, f"pid {identity.pid} now runs {exe}, not {identity.exe}"
        launched = LaunchedProcess(identity, process)
        self._managed[identity.pid] = launched
        return launched, ""

    def find_adoptable(self, spec: ProgramSpec) -> LaunchedProcess | None:
        """The oldest unmanaged process running ``spec.path`` whose parent is not another such process."""
        candidates: dict[int, psutil.Process] = {}
        for process in psutil.process_iter(["exe", "ppid"]):
            exe = process.info.get("exe")
            if process.pid in self._managed or process.pid == os.getpid() or not exe:
                continue
            if self._platform.same_executable(exe, spec.path):
                candidates[process.pid] = process
        roots = [p for p in candidates.values() if p.info.get("ppid") not in candidates]
        for process in sorted(roots, key=_create_time_or_inf):
            try:
                identity = ProcessIdentity(process.pid, process.create_time(), process.info["exe"])
            except psutil.Error:
                continue
            launched = LaunchedProcess(identity, process)
            self._managed[process.pid] = launched
            return launched
        return None

    def is_ours(self, ref: LaunchedProcess) -> bool:
        """Still alive and still the same process (used after opening an exit waitable)."""
        try:
            return ref.process.is_running() and ref.process.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False

    def reap(self, ref: LaunchedProcess) -> int | None:
        """The exit code of an ended process, where the OS tells it (always for our own children)."""
        self._managed.pop(ref.identity.pid, None)
        if ref.popen is not None:
            try:
                return ref.popen.wait(timeout=1.0)
            except subprocess.TimeoutExpired:
                log.warning("pid %d reported ended but cannot be reaped yet", ref.identity.pid)
                return None
        try:
            return ref.process.wait(timeout=0)  # Windows gives the code of any process; POSIX only None
        except (psutil.TimeoutExpired, psutil.Error):
            return None

    def forget(self, ref: LaunchedProcess) -> None:
        self._managed.pop(ref.identity.pid, None)

    # ------------------------------------------------------------- stopping

    def request_stop(self, ref: LaunchedProcess) -> None:
        self._remember_members(ref)
        self._platform.send_stop_signal(ref.identity.pid)
        if self._platform.name != "posix":
            return
        # Members that left the group (setsid, daemonised helpers) get the polite signal too.
        for member in list(ref.members.values()):
            try:
                if member.is_running() and os.getpgid(member.pid) != ref.identity.pid:
                    member.terminate()
            except (psutil.Error, ProcessLookupError, PermissionError):
                pass

    def kill_tree(self, ref: LaunchedProcess) -> int:
        self._remember_members(ref)
        victims = self._alive_members(ref)
        self._platform.kill_group(ref.identity.pid)
        killed = 0
        for process in victims:
            try:
                process.kill()
                killed += 1
            except psutil.NoSuchProcess:
                killed += 1  # gone already, possibly by the group kill
            except psutil.Error as exc:
                log.warning("cannot kill pid %d: %s", process.pid, exc)
        return killed

    def leftovers(self, ref: LaunchedProcess) -> int:
        return len(self._alive_members(ref))

    # ------------------------------------------------------------- output

    def output_tail(self, spec: ProgramSpec, lines: int) -> tuple[str, ...]:
        return self._logs.tail(spec.id, lines)

    # ------------------------------------------------------------- tree bookkeeping

    def _remember_members(self, ref: LaunchedProcess) -> None:
        for process in _descendants(ref.identity.pid, ref.identity.create_time):
            ref.members.setdefault(process.pid, process)

    def _alive_members(self, ref: LaunchedProcess) -> list[psutil.Process]:
        """Root (if it is still the same process), remembered members, and descendants found now."""
        alive: dict[int, psutil.Process] = {}
        if _running(ref.process):
            alive[ref.identity.pid] = ref.process
        for pid, process in list(ref.members.items()):
            if _running(process):
                alive[pid] = process
            else:
                del ref.members[pid]
        for process in _descendants(ref.identity.pid, ref.identity.create_time):
            alive.setdefault(process.pid, process)
            ref.members.setdefault(process.pid, process)
        # POSIX: orphans re-parented away from the tree are still in the program's process group.
        for pid in self._platform.group_members(ref.identity.pid):
            if pid in alive:
                continue
            try:
                process = psutil.Process(pid)
            except psutil.Error:
                continue
            if _running(process):
                alive[pid] = process
                ref.members[pid] = process
        return list(alive.values())


class _DeadProcess:
    """Stands in for a process that ended before psutil could look at it."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def is_running(self) -> bool:
        return False

    def status(self) -> str:
        return psutil.STATUS_DEAD

    def wait(self, timeout: float | None = None) -> None:
        return None


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _exe_or(process: psutil.Process, default: str | None) -> str | None:
    try:
        return process.exe() or default
    except (psutil.AccessDenied, psutil.ZombieProcess):
        return default


def _create_time_or_inf(process: psutil.Process) -> float:
    try:
        return process.create_time()
    except psutil.Error:
        return float("inf")


def _ppid_map() -> dict[int, int]:
    """pid -> parent pid for every process, in one scan."""
    fast = getattr(psutil._psplatform, "ppid_map", None)  # one cheap OS call; private but long-standing
    if fast is not None:
        try:
            return dict(fast())
        except Exception:  # noqa: BLE001 - fall back to the public API
            pass
    return {p.pid: p.info["ppid"] for p in psutil.process_iter(["ppid"]) if p.info.get("ppid") is not None}


def _descendants(root_pid: int, root_create_time: float) -> list[psutil.Process]:
    """Live descendants of a (possibly dead) root, by parent links with the creation-time guard.

    Windows keeps a dead parent's pid in its children's records, so this still finds the tree of a root that
    has ended; POSIX re-parents orphans, which the process-group check covers instead.
    """
    children: dict[int, list[int]] = {}
    for pid, ppid in _ppid_map().items():
        if pid != ppid:
            children.setdefault(ppid, []).append(pid)
    found: list[psutil.Process] = []
    stack = [(root_pid, root_create_time)]
    seen = {root_pid}
    while stack:
        parent_pid, parent_created = stack.pop()
        for pid in children.get(parent_pid, ()):
            if pid in seen:
                continue
            seen.add(pid)
            try:
                process = psutil.Process(pid)
                created = process.create_time()
            except psutil.Error:
                continue
            if created + CREATE_TIME_TOLERANCE < parent_created:
                continue  # older than its "parent": the parent pid was reused, not ours
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            found.append(process)
            stack.append((pid, created))
    return found

