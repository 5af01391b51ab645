"""Immutable data that crosses threads and layers: program specs, statuses, events, samples, series.

Everything here is a frozen dataclass so a snapshot handed to another thread can never change under it.
Units: times are seconds since the Unix epoch (wall clock) unless a name says otherwise; memory and I/O in
bytes; CPU in percent of the whole machine (0-100, as Task Manager shows it).
"""

import os.path
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from monitor_app.core.states import Cause, EventKind, ProgramState, RestartPolicy

_EMPTY: Mapping[str, str] = MappingProxyType({})

#: Defaults a new program gets, named once so the GUI, the API and validation agree.
DEFAULT_STARTSECS = 1.0
DEFAULT_STARTRETRIES = 3
DEFAULT_STOP_TIMEOUT = 10.0
DEFAULT_BACKOFF_INITIAL = 1.0
DEFAULT_BACKOFF_MAX = 60.0
DEFAULT_BACKOFF_RESET = 30.0


@dataclass(frozen=True, slots=True, eq=True)
class ProgramSpec:
    """What the user registered: how to launch a program and how to keep it alive.

    Attributes:
        id: Stable identifier (0 until the engine registers it).
        name: Unique display name.
        path: Absolute path of the executable.
        args: Argument list (not including the executable).
        cwd: Working directory; ``None`` means the executable's folder.
        env: Extra environment variables layered over the monitor's environment.
        autostart: Start it when the monitor starts (unless it is already running and re-attached).
        restart_policy: What to do when it ends without being asked to.
        success_exit_codes: Exit codes that count as a clean end for ``on-failure``.
        startsecs: It counts as started once alive this long; a faster death is a failed start.
        startretries: Failed starts retried before giving up (FATAL).
        backoff_initial: First delay before a restart; doubles per consecutive failure.
        backoff_max: Cap of that delay.
        backoff_reset: A run at least this long resets the backoff.
        stop_timeout: Seconds between the polite stop signal and killing the whole process tree.
        adopt: On start, attach to an already running process of the same executable instead of launching.
        hide_window: Windows only: start console programs without a console window (CREATE_NO_WINDOW).
    """

    name: str
    path: str
    args: tuple[str, ...] = ()
    cwd: str | None = None
    env: Mapping[str, str] = field(default=_EMPTY)
    autostart: bool = False
    restart_policy: RestartPolicy = RestartPolicy.ALWAYS
    success_exit_codes: tuple[int, ...] = (0,)
    startsecs: float = DEFAULT_STARTSECS
    startretries: int = DEFAULT_STARTRETRIES
    backoff_initial: float = DEFAULT_BACKOFF_INITIAL
    backoff_max: float = DEFAULT_BACKOFF_MAX
    backoff_reset: float = DEFAULT_BACKOFF_RESET
    stop_timeout: float = DEFAULT_STOP_TIMEOUT
    adopt: bool = False
    hide_window: bool = False
    id: int = 0

    def __post_init__(self) -> None:
        # Freeze the mapping and sequences so a caller's later mutation cannot reach a shared snapshot.
        object.__setattr__(self, "env", MappingProxyType(dict(self.env)))
        object.__setattr__(self, "args", tuple(self.args))
        object.__setattr__(self, "success_exit_codes", tuple(self.success_exit_codes))
        object.__setattr__(self, "restart_policy", RestartPolicy(self.restart_policy))

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.path, self.args))

    def with_id(self, program_id: int) -> "ProgramSpec":
        return replace(self, id=program_id)

    @property
    def effective_cwd(self) -> str:
        """The directory the program starts in: its own folder unless the user chose one."""
        if self.cwd:
            return self.cwd
        return os.path.dirname(self.path) or "."


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    """Which OS process is "ours": a pid alone is reused, pid + creation time + executable is not."""

    pid: int
    create_time: float
    exe: str


@dataclass(frozen=True, slots=True)
class ProgramRuntime:
    """What must survive a monitor restart for one program."""

    program_id: int
    identity: ProcessIdentity | None = None
    restarts: int = 0
    last_exit_code: int | None = None


@dataclass(frozen=True, slots=True)
class ProgramStatus:
    """The supervision state of one program at one moment.

    Attributes:
        program_id: The program.
        state: Its state.
        state_since: Wall time of the last transition.
        identity: The root process while one exists (pid, creation time, executable).
        exit_code: Exit code of the last process that ended (``None``: none yet, or unknowable).
        restarts: Restarts since the program was registered (policy and user).
        start_failures: Consecutive failed starts counted towards ``startretries``.
        next_start_at: Wall time of the scheduled restart while in BACKOFF.
        message: Human-readable detail of the current state (e.g. a launch error).
    """

    program_id: int
    state: ProgramState
    state_since: float
    identity: ProcessIdentity | None = None
    exit_code: int | None = None
    restarts: int = 0
    start_failures: int = 0
    next_start_at: float | None = None
    message: str = ""

    @property
    def pid(self) -> int | None:
        return self.identity.pid if self.identity else None

    @property
    def started_at(self) -> float | None:
        """Wall time the current process started (its OS creation time)."""
        return self.identity.create_time if self.identity else None

    def uptime(self, now: float) -> float:
        """Seconds the current process has been alive, 0 without one."""
        if self.identity is None:
            return 0.0
        return max(0.0, now - self.identity.create_time)


@dataclass(frozen=True, slots=True)
class Event:
    """One row of the event log: a transition or another thing worth remembering.

    Attributes:
        time: Wall time.
        kind: What it records.
        program_id: The program concerned, if any.
        from_state / to_state: For transitions.
        cause: Who or what set it in motion.
        actor: Free text naming the actor (user name, "autostart", plugin id, client address…).
        exit_code: For exits.
        unexpected: An exit nobody asked for.
        message: One human-readable line.
        details: Extra JSON-able facts (uptime, last output lines, next restart delay…).
        id: Row id once stored (0 before).
    """

    time: float
    kind: EventKind
    program_id: int | None = None
    from_state: ProgramState | None = None
    to_state: ProgramState | None = None
    cause: Cause = Cause.SYSTEM
    actor: str = ""
    exit_code: int | None = None
    unexpected: bool = False
    message: str = ""
    details: Mapping[str, object] = field(default=_EMPTY)
    id: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))


@dataclass(frozen=True, slots=True)
class ProgramSample:
    """Resources used by one program's whole process tree during the last sampling interval.

    Attributes:
        memory_rss: Resident set size summed over the tree.
        memory_private: Private bytes (Windows) / USS-like private memory where cheaply known, else ``None``.
        handles: Open handles (Windows) or file descriptors (POSIX).
        io_read_bps / io_write_bps: Disk I/O rates, bytes per second.
        processes: Number of processes in the tree.
    """

    program_id: int
    time: float
    cpu_percent: float
    memory_rss: int
    memory_private: int | None = None
    threads: int = 0
    handles: int = 0
    io_read_bps: float = 0.0
    io_write_bps: float = 0.0
    processes: int = 1


@dataclass(frozen=True, slots=True)
class DiskUsage:
    """One mounted filesystem."""

    mountpoint: str
    device: str
    fstype: str
    total: int
    used: int
    free: int
    percent: float


@dataclass(frozen=True, slots=True)
class SystemSample:
    """The whole machine at one moment."""

    time: float
    cpu_percent: float
    cpu_per_core: tuple[float, ...]
    memory_total: int
    memory_used: int
    memory_percent: float
    swap_total: int
    swap_used: int
    swap_percent: float
    disks: tuple[DiskUsage, ...]
    net_sent_bps: float
    net_recv_bps: float
    boot_time: float
    uptime_s: float


@dataclass(frozen=True, slots=True)
class MetricsTick:
    """Everything one sampling round measured: the unit the sampler emits and storage writes."""

    time: float
    system: SystemSample | None
    programs: tuple[ProgramSample, ...] = ()


#: Per-program metrics that have a stored history, with their unit.
PROGRAM_METRICS: Mapping[str, str] = MappingProxyType(
    {
        "cpu_percent": "%",
        "memory_rss": "bytes",
        "memory_private": "bytes",
        "threads": "count",
        "handles": "count",
        "io_read_bps": "bytes/s",
        "io_write_bps": "bytes/s",
    }
)

#: Whole-system metrics that have a stored history, with their unit.
SYSTEM_METRICS: Mapping[str, str] = MappingProxyType(
    {
        "cpu_percent": "%",
        "memory_used": "bytes",
        "memory_percent": "%",
        "swap_used": "bytes",
        "net_sent_bps": "bytes/s",
        "net_recv_bps": "bytes/s",
    }
)


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One bucket of a downsampled series: its start time, mean and peak."""

    time: float
    avg: float
    max: float


@dataclass(frozen=True, slots=True)
class Series:
    """A metric over a time window, downsampled to at most the points asked for.

    Attributes:
        program_id: The program, or ``None`` for a whole-system metric.
        tier: Which stored tier answered: "raw", "1m" or "1h".
        step: Bucket width in seconds (0 when points are raw samples).
    """

    program_id: int | None
    metric: str
    start: float
    end: float
    tier: str
    step: float
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True, slots=True)
class PluginSample:
    """One point of a plugin's extra series (``series`` = ``"<plugin id>.<key>"``, e.g. ``palworld.fps``)."""

    program_id: int
    series: str
    time: float
    value: float
