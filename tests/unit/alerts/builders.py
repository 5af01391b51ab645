"""Real core records for alert tests, with explicit times: the "fake clock" is just the numbers passed in."""

from collections.abc import Iterable

from monitor_app.alerts import AlertEvaluator, AlertTransition
from monitor_app.core.alerts import AlertRule, RuleKind
from monitor_app.core.model import DiskUsage, Event, MetricsTick, ProgramSample, ProgramStatus, SystemSample
from monitor_app.core.states import Cause, EventKind, ProgramState

T0 = 1_700_000_000.0
MB = 1024 * 1024
GB = 1024 * MB


def rule(
    kind: RuleKind, threshold: float = 0.0, duration_s: float = 60.0, rule_id: int = 1, **changes
) -> AlertRule:
    values: dict = {"name": f"{kind} #{rule_id}", **changes}
    return AlertRule(id=rule_id, kind=kind, threshold=threshold, duration_s=duration_s, **values)


def sample(program_id: int, time: float, *, cpu: float = 5.0, memory_mb: float = 100.0) -> ProgramSample:
    return ProgramSample(
        program_id=program_id, time=time, cpu_percent=cpu, memory_rss=int(memory_mb * MB), threads=12
    )


def disk(mountpoint: str, free_percent: float, total: int = 500 * GB) -> DiskUsage:
    free = int(total * free_percent / 100)
    used = total - free
    return DiskUsage(mountpoint, mountpoint, "NTFS", total, used, free, round(used / total * 100, 1))


def system(time: float, disks: Iterable[DiskUsage] = ()) -> SystemSample:
    return SystemSample(
        time=time,
        cpu_percent=20.0,
        cpu_per_core=(20.0, 20.0),
        memory_total=16 * GB,
        memory_used=8 * GB,
        memory_percent=50.0,
        swap_total=0,
        swap_used=0,
        swap_percent=0.0,
        disks=tuple(disks),
        net_sent_bps=0.0,
        net_recv_bps=0.0,
        boot_time=time - 3600,
        uptime_s=3600.0,
    )


def tick(time: float, *samples: ProgramSample, disks: Iterable[DiskUsage] | None = None) -> MetricsTick:
    """A sampling round; with ``disks`` it carries a system sample."""
    return MetricsTick(time=time, system=None if disks is None else system(time, disks), programs=samples)


def status(program_id: int, state: ProgramState, since: float) -> ProgramStatus:
    return ProgramStatus(program_id=program_id, state=state, state_since=since)


def crash(program_id: int, time: float, to_state: ProgramState = ProgramState.EXITED) -> Event:
    """What the supervisor emits when a program dies unasked."""
    return Event(
        time=time,
        kind=EventKind.STATE,
        program_id=program_id,
        from_state=ProgramState.RUNNING,
        to_state=to_state,
        cause=Cause.POLICY,
        unexpected=True,
        message="exited unexpectedly",
    )


def feed(
    evaluator: AlertEvaluator, start: float, stop: float, step: float = 1.0, **values: float
) -> list[AlertTransition]:
    """Ticks for program 1 at ``start``, ``start + step``, … up to and including ``stop``; all transitions."""
    out: list[AlertTransition] = []
    n = round((stop - start) / step)
    for i in range(n + 1):
        t = start + i * step
        out += evaluator.observe_tick(tick(t, sample(1, t, **values)))
    return out


def evaluator(*rules: AlertRule) -> AlertEvaluator:
    ev = AlertEvaluator()
    ev.set_rules(rules)
    return ev
