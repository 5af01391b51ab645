"""CPU, memory, threads, handles and disk I/O of each program's whole process tree.

Why it is shaped this way (DESIGN.md, "Facts measured" 5):

- ``psutil.Process`` objects live as long as the process they watch; re-creating them every round costs +50 %.
- CPU comes from ``cpu_times()`` deltas over a monotonic clock, normalised to the whole machine (0-100, as
  Task Manager shows it), not from ``cpu_percent()`` per process.
- Threads, handles and I/O counters cost about as much again as CPU and memory together and change slowly, so
  each process reads them every ``slow_every`` ticks (phases staggered, so no single tick pays for all of
  them) and reuses the last values in between; the I/O rate is computed over that longer window.
- Descendants come from one parent map per refresh, shared by every program; between refreshes only known
  members are read, and the dead ones dropped.
- A pid alone is never trusted: the root must match the recorded creation time, a child must not be older than
  its parent (a reused parent pid cannot pass that), and every member is checked each tick against the start
  time read when it was admitted, so a pid reused between two ticks is never counted.
"""

import logging
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import psutil

from monitor_app.core.model import ProcessIdentity, ProgramSample

log = logging.getLogger(__name__)

#: Allowed gap between a recorded creation time and psutil's. The same allowance as supervision's, so both
#: layers agree on which process is a program's (psutil derives it from the boot time and clock ticks).
CREATE_TIME_TOLERANCE = 0.05
#: Two readings of one process's start time from the same source are identical; this only absorbs float noise.
_PROBE_TOLERANCE = 1e-3
#: POSIX keeps ended-but-unreaped processes (zombies) in the process table; they use nothing and are not
#: members. There, ``status()`` comes from the same read ``oneshot()`` makes for ``cpu_times()``.
_CHECK_ZOMBIES = not psutil.WINDOWS
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

StartProbe = Callable[[psutil.Process], float]


def _linux_start_probe(process: psutil.Process) -> float:
    """Start time (s since boot) from /proc/<pid>/stat, which ``oneshot()`` already read for ``cpu_times()``.

    psutil's public ``create_time()`` is cached on the object, so it cannot tell that the pid was reused.
    """
    return int(process._proc._parse_stat_file()["create_time"]) / _CLOCK_TICKS


def _windows_start_probe(process: psutil.Process) -> float:
    """Creation time straight from the OS (one GetProcessTimes call), for the same reason as on Linux."""
    return float(process._proc.create_time())


def _pick_start_probe() -> StartProbe | None:
    """The cheapest fresh start-time reading this platform has (private psutil, checked), else ``None``.

    ``None`` means members are re-checked with the public ``is_running()``, about 14 µs each per tick.
    """
    impl = getattr(getattr(psutil, "_psplatform", None), "Process", None)
    if psutil.LINUX and hasattr(impl, "_parse_stat_file"):
        return _linux_start_probe
    if psutil.WINDOWS and hasattr(impl, "create_time"):
        return _windows_start_probe
    return None


_START_PROBE: StartProbe | None = _pick_start_probe()


def _windows_private(mem: Any) -> int:
    return int(mem.private)


def _linux_private(mem: Any) -> int:
    # Resident anonymous memory (RssAnon): the Linux figure closest to Windows' private bytes that the statm
    # read behind memory_info() gives for free (USS would need memory_full_info(), far too slow per tick).
    return max(0, int(mem.rss) - int(mem.shared))


#: Private memory from ``memory_info()``, where the platform gives it without another call.
_PRIVATE: Callable[[Any], int] | None = (
    _windows_private if psutil.WINDOWS else _linux_private if psutil.LINUX else None
)
#: Open handles on Windows, file descriptors elsewhere.
_NUM_HANDLES: Callable[[psutil.Process], int] | None = (
    psutil.Process.num_handles if psutil.WINDOWS else getattr(psutil.Process, "num_fds", None)
)
_HAS_IO = hasattr(psutil.Process, "io_counters")


@dataclass(slots=True, eq=False)
class _Member:
    """One live process of a tree, with its baselines and last readings."""

    process: psutil.Process
    created: float  # psutil's wall creation time, for the parent-child age test
    mark: float | None  # start-time probe at admission; None: unreadable, fall back to is_running()
    next_gap: int  # ticks after the first slow read to the second one (the stagger phase)
    cpu_prev: float | None = None
    cpu_prev_at: float = 0.0
    cpu_rate: float = 0.0  # CPU seconds per second, summed over cores
    rss: int = 0
    private: int = 0
    slow_in: int = 1  # ticks until the next slow read; the first tick reads them
    threads: int = 0
    handles: int = 0
    io_prev: tuple[int, int] | None = None
    io_prev_at: float = 0.0
    read_bps: float = 0.0
    write_bps: float = 0.0
    denied: bool = False  # an AccessDenied was logged already


@dataclass(slots=True, eq=False)
class _Tree:
    """One program's process tree: the root (once found) and every known member, keyed by pid."""

    identity: ProcessIdentity
    root: _Member | None = None
    members: dict[int, _Member] = field(default_factory=dict)
    gone: bool = False  # the recorded root ended or its pid belongs to another process: nothing more to find


class ProcessTreeSampler:
    """Sums each target program's process tree (root + descendants) into one :class:`ProgramSample` per tick.

    A plain synchronous object for one thread: ``sample()`` never sleeps and never raises for a process that
    vanished or denies access; that member counts as zero (logged at DEBUG) and sampling carries on.

    Args:
        tree_refresh_s: Seconds between scans for new descendants; a newly set target is scanned at once.
        slow_every: Read threads, handles and I/O counters of a process every this many ticks (1: every tick).
        clock: Monotonic seconds, the wall-time base of CPU % and I/O rates (injectable for tests).
    """

    def __init__(
        self,
        *,
        tree_refresh_s: float = 5.0,
        slow_every: int = 5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if tree_refresh_s < 0:
            raise ValueError(f"tree_refresh_s must be >= 0, got {tree_refresh_s}")
        if slow_every < 1:
            raise ValueError(f"slow_every must be >= 1, got {slow_every}")
        self._tree_refresh_s = tree_refresh_s
        self._slow_every = slow_every
        self._clock = clock
        self._cpu_count = psutil.cpu_count() or 1
        self._probe = _START_PROBE
        self._trees: dict[int, _Tree] = {}
        self._scan_due = False
        self._next_scan = 0.0
        self._admitted = 0

    def set_targets(self, targets: Mapping[int, ProcessIdentity]) -> None:
        """Watch these programs from now on: program id -> identity of its root process.

        An unchanged target keeps its process objects and baselines; a changed identity starts a new tree;
        programs missing from ``targets`` are forgotten.
        """
        trees: dict[int, _Tree] = {}
        for program_id, identity in targets.items():
            tree = self._trees.get(program_id)
            if tree is None or tree.identity != identity:
                tree = _Tree(identity)
                self._scan_due = True
            trees[program_id] = tree
        self._trees = trees

    def sample(self, now: float) -> tuple[ProgramSample, ...]:
        """One sample per program whose root process is alive and still the one recorded.

        Args:
            now: Wall time stamped on the samples.
        """
        at = self._clock()
        for tree in self._trees.values():
            if tree.root is not None:
                self._read_tree(tree, at)
        if self._scan_due or at >= self._next_scan:
            self._scan(at)  # after the reads: its seeds are members verified a moment ago
        return tuple(
            self._summarise(program_id, tree, now)
            for program_id, tree in self._trees.items()
            if tree.root is not None
        )

    # --- reading members, every tick

    def _read_tree(self, tree: _Tree, at: float) -> None:
        """Refresh every member's readings, dropping the ones that ended; losing the root loses the tree."""
        dead: list[int] = []
        for pid, member in tree.members.items():
            if not self._read(member, at):
                if member is tree.root:
                    self._lose(tree, "ended or its pid was reused")
                    return
                dead.append(pid)
        for pid in dead:
            del tree.members[pid]

    def _summarise(self, program_id: int, tree: _Tree, now: float) -> ProgramSample:
        cpu = 0.0
        rss = private = threads = handles = 0
        read_bps = write_bps = 0.0
        for member in tree.members.values():
            cpu += member.cpu_rate
            rss += member.rss
            private += member.private
            threads += member.threads
            handles += member.handles
            read_bps += member.read_bps
            write_bps += member.write_bps
        return ProgramSample(
            program_id=program_id,
            time=now,
            cpu_percent=min(100.0, cpu * 100.0 / self._cpu_count),
            memory_rss=rss,
            memory_private=private if _PRIVATE is not None else None,
            threads=threads,
            handles=handles,
            io_read_bps=read_bps,
            io_write_bps=write_bps,
            processes=len(tree.members),
        )

    def _read(self, member: _Member, at: float) -> bool:
        """Refresh one member's readings; False if it ended, became a zombie or its pid was reused."""
        process = member.process
        try:
            with process.oneshot():
                if not self._same_process(member):
                    log.debug("pid %d now belongs to another process; dropping it", process.pid)
                    return False
                if _CHECK_ZOMBIES:
                    try:
                        if process.status() == psutil.STATUS_ZOMBIE:
                            return False
                    except psutil.AccessDenied:
                        pass
                self._read_cpu(member, at)
                self._read_memory(member)
                member.slow_in -= 1
                if member.slow_in <= 0:
                    self._read_slow(member, at)
        except psutil.NoSuchProcess:  # also ZombieProcess
            return False
        return True

    def _read_cpu(self, member: _Member, at: float) -> None:
        try:
            times = member.process.cpu_times()
        except psutil.AccessDenied:
            self._denied(member, "cpu_times")
            member.cpu_prev = None
            member.cpu_rate = 0.0
            return
        total = times.user + times.system
        if member.cpu_prev is None:
            member.cpu_rate = 0.0  # first sight: baseline only
        else:
            elapsed = at - member.cpu_prev_at
            if elapsed <= 0:
                return  # the clock did not move: keep the baseline and the last rate
            member.cpu_rate = max(0.0, (total - member.cpu_prev) / elapsed)
        member.cpu_prev = total
        member.cpu_prev_at = at

    def _read_memory(self, member: _Member) -> None:
        try:
            mem = member.process.memory_info()
        except psutil.AccessDenied:
            self._denied(member, "memory_info")
            member.rss = member.private = 0
            return
        member.rss = mem.rss
        member.private = _PRIVATE(mem) if _PRIVATE is not None else 0

    def _read_slow(self, member: _Member, at: float) -> None:
        """Threads, handles and I/O rates: read every ``slow_every`` ticks, reused in between."""
        process = member.process
        member.slow_in = member.next_gap
        member.next_gap = self._slow_every
        try:
            member.threads = process.num_threads()
        except psutil.AccessDenied:
            self._denied(member, "num_threads")
            member.threads = 0
        if _NUM_HANDLES is not None:
            try:
                member.handles = _NUM_HANDLES(process)
            except psutil.AccessDenied:
                self._denied(member, "handles")
                member.handles = 0
        if _HAS_IO:
            try:
                io = process.io_counters()
            except psutil.AccessDenied:
                self._denied(member, "io_counters")
                member.io_prev = None
                member.read_bps = member.write_bps = 0.0
                return
            if member.io_prev is not None:
                elapsed = at - member.io_prev_at
                if elapsed <= 0:
                    return
                member.read_bps = max(0.0, (io.read_bytes - member.io_prev[0]) / elapsed)
                member.write_bps = max(0.0, (io.write_bytes - member.io_prev[1]) / elapsed)
            member.io_prev = (io.read_bytes, io.write_bytes)
            member.io_prev_at = at

    def _same_process(self, member: _Member) -> bool:
        """Whether the member's pid still names the process admitted (raises NoSuchProcess if none)."""
        if member.mark is not None and self._probe is not None:
            try:
                return abs(self._probe(member.process) - member.mark) <= _PROBE_TOLERANCE
            except psutil.NoSuchProcess:
                raise
            except psutil.AccessDenied:
                return True  # cannot tell; the member was verified when admitted
            except Exception as exc:  # noqa: BLE001 - private psutil internals changed: use the public check
                self._disable_probe(exc)
        return member.process.is_running()

    def _denied(self, member: _Member, what: str) -> None:
        if not member.denied:
            member.denied = True
            log.debug("no access to %s of process %d; counting it as 0", what, member.process.pid)

    # --- finding members, every tree_refresh_s

    def _scan(self, at: float) -> None:
        """Admit roots seen for the first time and find every tree's new descendants from one parent map.

        New members are read at once: they count in memory, threads and handles now, and in CPU from the next
        tick (their baseline is taken here).
        """
        self._scan_due = False
        self._next_scan = at + self._tree_refresh_s
        pending = [tree for tree in self._trees.values() if not tree.gone]
        if not pending:
            return
        children = _children_map()
        for tree in pending:
            if tree.root is None and not self._admit_root(tree, at):
                continue
            self._discover(tree, children, at)

    def _admit_root(self, tree: _Tree, at: float) -> bool:
        identity = tree.identity
        try:
            process = psutil.Process(identity.pid)
            created = process.create_time()
            mark = self._start_mark(process)
        except psutil.NoSuchProcess:
            log.debug("root %d of a program is gone", identity.pid)
            tree.gone = True
            return False
        except psutil.AccessDenied:
            log.debug("no access to root %d of a program yet; retrying at the next refresh", identity.pid)
            return False
        if abs(created - identity.create_time) > CREATE_TIME_TOLERANCE:
            log.debug(
                "pid %d belongs to another process (created %.3f, expected %.3f)",
                identity.pid, created, identity.create_time,
            )
            tree.gone = True
            return False
        root = self._member(process, created, mark)
        if not self._read(root, at):
            self._lose(tree, "ended as it was found")
            return False
        tree.root = root
        tree.members[identity.pid] = root
        return True

    def _discover(self, tree: _Tree, children: Mapping[int, list[int]], at: float) -> None:
        """Walk parent links down from every member (a member keeps counting if its parent ended).

        The members were verified by this tick's reads, so a pid reused since cannot seed the walk.
        """
        stack = list(tree.members.values())
        while stack:
            parent = stack.pop()
            for pid in children.get(parent.process.pid, ()):
                if pid in tree.members:
                    continue
                member = self._admit_child(pid, parent.created)
                if member is not None and self._read(member, at):
                    tree.members[pid] = member
                    stack.append(member)

    def _admit_child(self, pid: int, parent_created: float) -> _Member | None:
        try:
            process = psutil.Process(pid)
            created = process.create_time()
            mark = self._start_mark(process)
        except psutil.Error as exc:
            log.debug("skipping process %d: %s", pid, exc)
            return None
        if created + CREATE_TIME_TOLERANCE < parent_created:
            return None  # older than its "parent": that parent pid was reused, so this one is not ours
        return self._member(process, created, mark)

    def _member(self, process: psutil.Process, created: float, mark: float | None) -> _Member:
        # Spread the slow reads of members admitted together over the next slow_every ticks.
        gap = self._slow_every - self._admitted % self._slow_every
        self._admitted += 1
        return _Member(process=process, created=created, mark=mark, next_gap=gap)

    def _start_mark(self, process: psutil.Process) -> float | None:
        """The start-time probe reading to compare later ticks with (raises NoSuchProcess if gone)."""
        if self._probe is None:
            return None
        try:
            with process.oneshot():
                return self._probe(process)
        except psutil.NoSuchProcess:
            raise
        except psutil.AccessDenied:
            return None
        except Exception as exc:  # noqa: BLE001 - private psutil internals changed: use the public check
            self._disable_probe(exc)
            return None

    def _disable_probe(self, exc: Exception) -> None:
        log.debug("start-time probe failed (%r); re-checking pids with is_running() instead", exc)
        self._probe = None

    def _lose(self, tree: _Tree, why: str) -> None:
        log.debug("root %d of a program %s; no more samples for it", tree.identity.pid, why)
        tree.gone = True
        tree.root = None
        tree.members.clear()


def _children_map() -> dict[int, list[int]]:
    """Parent pid -> child pids for every process, from one scan of the process table."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _ppid_map().items():
        if pid != ppid:
            children.setdefault(ppid, []).append(pid)
    return children


def _ppid_map() -> dict[int, int]:
    """pid -> parent pid for every process: psutil's one cheap OS call (private, long-standing) if present."""
    fast = getattr(getattr(psutil, "_psplatform", None), "ppid_map", None)
    if fast is not None:
        try:
            return dict(fast())
        except Exception as exc:  # noqa: BLE001 - fall back to the public API
            log.debug("ppid_map() failed (%r); using process_iter()", exc)
    parents: dict[int, int] = {}
    for process in psutil.process_iter(["ppid"]):
        ppid = process.info.get("ppid")
        if ppid is not None:
            parents[process.pid] = ppid
    return parents
