"""Small factories for the core records storage tests write, with realistic defaults."""

from monitor_app.core.model import MetricsTick, ProgramSample, ProgramSpec, SystemSample

#: An hour boundary, so minute and hour buckets in tests start at round numbers.
T0 = 1_700_002_800.0


def spec(program_id: int, name: str | None = None, **changes: object) -> ProgramSpec:
    return ProgramSpec(
        name=name or f"program-{program_id}",
        path=f"/opt/servers/{program_id}/server",
        id=program_id,
        **changes,
    )  # type: ignore[arg-type]


def program_sample(program_id: int, time: float, **changes: object) -> ProgramSample:
    values: dict[str, object] = {
        "cpu_percent": 12.34,
        "memory_rss": 512 * 1024 * 1024,
        "memory_private": 400 * 1024 * 1024,
        "threads": 42,
        "handles": 310,
        "io_read_bps": 1500.0,
        "io_write_bps": 700.0,
    }
    values.update(changes)
    return ProgramSample(program_id=program_id, time=time, **values)  # type: ignore[arg-type]


def system_sample(time: float, **changes: object) -> SystemSample:
    values: dict[str, object] = {
        "cpu_percent": 23.45,
        "cpu_per_core": (10.0, 55.5, 100.0, 0.0),
        "memory_total": 16 * 1024**3,
        "memory_used": 6 * 1024**3,
        "memory_percent": 37.5,
        "swap_total": 4 * 1024**3,
        "swap_used": 1024**3,
        "swap_percent": 25.0,
        "disks": (),
        "net_sent_bps": 12_000.0,
        "net_recv_bps": 34_000.0,
        "boot_time": time - 3600,
        "uptime_s": 3600.0,
    }
    values.update(changes)
    return SystemSample(time=time, **values)  # type: ignore[arg-type]


def tick(
    time: float, program_ids: tuple[int, ...] = (1,), *, system: bool = True, **changes: object
) -> MetricsTick:
    """One sampling round: a sample per program (same values) and, unless told otherwise, the system."""
    return MetricsTick(
        time=time,
        system=system_sample(time) if system else None,
        programs=tuple(program_sample(program_id, time, **changes) for program_id in program_ids),
    )
