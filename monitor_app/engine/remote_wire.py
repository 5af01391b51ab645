"""The REST API's JSON turned back into the core snapshots the window works with (the inverse of httpapi.schemas).

Lenient on purpose: an engine of a newer version may add fields (ignored) and an older one may lack some
(defaults). Times that only make sense on the engine's clock (a process's start) are rebuilt from durations
the engine measured ("up 42 s"), so a window on a PC whose clock is off still shows the right uptime.
"""

from collections.abc import Mapping
from typing import Any

from monitor_app.core.model import (
    DiskUsage,
    Event,
    MetricsTick,
    ProcessIdentity,
    ProgramSample,
    ProgramSpec,
    ProgramStatus,
    Series,
    SeriesPoint,
    SystemSample,
)
from monitor_app.core.states import Cause, EventKind, ProgramState, RestartPolicy
from monitor_app.httpapi import schemas

MB = 1024 * 1024


def spec_from_json(data: Mapping[str, Any]) -> ProgramSpec:
    defaults = ProgramSpec(name="", path="")
    return ProgramSpec(
        id=int(data["id"]),
        name=str(data["name"]),
        path=str(data["path"]),
        args=tuple(str(a) for a in data.get("args") or ()),
        cwd=data.get("cwd") or None,
        env={str(k): str(v) for k, v in (data.get("env") or {}).items()},
        autostart=bool(data.get("autostart", False)),
        restart_policy=RestartPolicy(data.get("restart_policy", defaults.restart_policy.value)),
        success_exit_codes=tuple(int(c) for c in data.get("success_exit_codes", (0,))),
        startsecs=float(data.get("startsecs", defaults.startsecs)),
        startretries=int(data.get("startretries", defaults.startretries)),
        backoff_initial=float(data.get("backoff_initial", defaults.backoff_initial)),
        backoff_max=float(data.get("backoff_max", defaults.backoff_max)),
        backoff_reset=float(data.get("backoff_reset", defaults.backoff_reset)),
        stop_timeout=float(data.get("stop_timeout", defaults.stop_timeout)),
        adopt=bool(data.get("adopt", False)),
        hide_window=bool(data.get("hide_window", False)),
    )


def spec_to_json(spec: ProgramSpec) -> dict[str, Any]:
    """The request body for POST/PUT /api/programs (every field, so an update replaces the whole spec)."""
    return {key: value for key, value in schemas.program_json(spec).items() if key != "id"}


def status_from_json(data: Mapping[str, Any], now: float, *, program_id: int | None = None) -> ProgramStatus:
    """A status from ``/api/programs/status`` or the stream; ``now`` is this PC's clock."""
    pid = data.get("pid")
    identity = None
    if pid is not None:
        identity = ProcessIdentity(pid=int(pid), create_time=now - float(data.get("uptime_s") or 0.0), exe="")
    next_start = data.get("next_start_at")
    return ProgramStatus(
        program_id=int(data["id"]) if program_id is None else program_id,
        state=ProgramState(data["status"]),
        state_since=now if data.get("state_since") is None else float(data["state_since"]),
        identity=identity,
        exit_code=data.get("exit_code"),
        restarts=int(data.get("restarts") or 0),
        start_failures=int(data.get("start_failures") or 0),
        next_start_at=float(next_start) if next_start is not None else None,
        message=str(data.get("message") or ""),
    )


def event_from_json(data: Mapping[str, Any]) -> Event:
    from_state, to_state = data.get("from_state"), data.get("to_state")
    return Event(
        time=float(data["time"]),
        kind=EventKind(data["kind"]),
        program_id=data.get("program_id"),
        from_state=ProgramState(from_state) if from_state else None,
        to_state=ProgramState(to_state) if to_state else None,
        cause=Cause(data.get("cause", "system")),
        actor=str(data.get("actor") or ""),
        exit_code=data.get("exit_code"),
        unexpected=bool(data.get("unexpected", False)),
        message=str(data.get("message") or ""),
        details=dict(data.get("details") or {}),
        id=int(data.get("id") or 0),
    )


def system_from_json(data: Mapping[str, Any]) -> SystemSample:
    return SystemSample(
        time=float(data["time"]),
        cpu_percent=float(data.get("cpu_percent", 0.0)),
        cpu_per_core=tuple(float(v) for v in data.get("cpu_per_core") or ()),
        memory_total=int(data.get("memory_total") or 0),
        memory_used=int(data.get("memory_used") or 0),
        memory_percent=float(data.get("memory_percent", 0.0)),
        swap_total=int(data.get("swap_total") or 0),
        swap_used=int(data.get("swap_used") or 0),
        swap_percent=float(data.get("swap_percent", 0.0)),
        disks=tuple(
            DiskUsage(
                mountpoint=str(d.get("mountpoint", "")),
                device=str(d.get("device", "")),
                fstype=str(d.get("fstype", "")),
                total=int(d.get("total") or 0),
                used=int(d.get("used") or 0),
                free=int(d.get("free") or 0),
                percent=float(d.get("percent", 0.0)),
            )
            for d in data.get("disks") or ()
        ),
        net_sent_bps=float(data.get("net_sent_bps", 0.0)),
        net_recv_bps=float(data.get("net_recv_bps", 0.0)),
        boot_time=float(data.get("boot_time", 0.0)),
        uptime_s=float(data.get("uptime_s", 0.0)),
    )


def tick_from_json(data: Mapping[str, Any]) -> MetricsTick:
    time = float(data["time"])
    programs = tuple(
        ProgramSample(
            program_id=int(p["id"]),
            time=time,
            cpu_percent=float(p.get("cpu_percent", 0.0)),
            memory_rss=int(p["memory_rss"])
            if "memory_rss" in p
            else int(float(p.get("memory_mb", 0.0)) * MB),
            memory_private=p.get("memory_private"),
            threads=int(p.get("threads") or 0),
            handles=int(p.get("handles") or 0),
            io_read_bps=float(p.get("io_read_bps") or 0.0),
            io_write_bps=float(p.get("io_write_bps") or 0.0),
            processes=int(p.get("processes") or 1),
        )
        for p in data.get("programs") or ()
    )
    system = data.get("system")
    return MetricsTick(
        time=time,
        system=system_from_json(system) if system and "cpu_per_core" in system else None,
        programs=programs,
    )


def series_from_json(
    data: Mapping[str, Any], program_id: int | None, metric: str, start: float, end: float
) -> Series:
    return Series(
        program_id=program_id,
        metric=metric,
        start=start,
        end=end,
        tier=str(data.get("tier", "raw")),
        step=float(data.get("step", 0.0)),
        points=tuple(
            SeriesPoint(float(t), float(avg), float(peak)) for t, avg, peak in data.get("points") or ()
        ),
    )
