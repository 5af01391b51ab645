"""Schedules in a real engine: an action runs at its time as a job with the schedule as cause, and fires that
passed while the monitor was not running are reported, not run."""

import sys
import time

import pytest

from monitor_app.core.errors import ValidationError
from monitor_app.core.jobs import JobState
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.engine.config import EngineConfig
from monitor_app.engine.local import LocalEngine
from tests.helpers.processes import child_args

S = ProgramState


class ShiftedClock:
    """Wall time moved by ``offset`` seconds (deadlines keep the real monotonic clock)."""

    def __init__(self, offset: float) -> None:
        self.offset = offset

    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time() + self.offset


def started(qtbot, tmp_path, clock) -> LocalEngine:  # type: ignore[no-untyped-def]
    engine = LocalEngine(EngineConfig(data_dir=tmp_path / "data", interval_s=0.2, bcrypt_rounds=4), clock=clock)
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        engine.start()
    return engine


def test_a_scheduled_restart_runs_at_its_minute(qtbot, tmp_path) -> None:
    real = time.time()
    clock = ShiftedClock(60 - real % 60 - 1.5)  # the next whole minute is 1.5 s away
    engine = started(qtbot, tmp_path, clock)
    try:
        spec = engine.add_program(ProgramSpec(name="srv", path=sys.executable, args=child_args("--sleep", "60"),
                                              startsecs=0.2), cause=Cause.USER, actor="t")
        engine.start_program(spec.id, cause=Cause.USER, actor="t")
        qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING, timeout=10_000)
        first_pid = engine.status(spec.id).pid
        schedule = engine.automation.add_schedule({"program_id": spec.id, "name": "every minute", "action": "restart",
                                                   "kind": "cron", "cron": "* * * * *"})
        assert engine.automation.next_fire(schedule.id) is None or engine.automation.next_fire(schedule.id) > clock.time()
        qtbot.waitUntil(lambda: any(j.kind == "schedule.action" and j.state is JobState.DONE
                                    for j in engine.automation.jobs()), timeout=10_000)
        qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING and engine.status(spec.id).pid != first_pid,
                        timeout=10_000)
        by_schedule = [e for e in engine.events(program_id=spec.id, limit=100) if e.cause is Cause.SCHEDULE]
        assert any(e.kind is EventKind.STATE for e in by_schedule)
        assert any(e.kind is EventKind.SCHEDULE and "restart now" in e.message for e in by_schedule)
        engine.stop_program(spec.id, cause=Cause.USER, actor="t")
        qtbot.waitUntil(lambda: engine.status(spec.id).state is S.STOPPED, timeout=10_000)
    finally:
        engine.shutdown()


def test_fires_missed_while_not_running_are_reported_not_run(qtbot, tmp_path) -> None:
    engine = started(qtbot, tmp_path, ShiftedClock(0))
    spec = engine.add_program(ProgramSpec(name="srv", path=sys.executable, args=child_args("--sleep", "60")),
                              cause=Cause.USER, actor="t")
    engine.automation.add_schedule({"program_id": spec.id, "name": "hourly", "action": "start", "kind": "cron",
                                    "cron": "0 * * * *"})
    with pytest.raises(ValidationError) as exc:
        engine.automation.add_schedule({"program_id": 99, "action": "start", "kind": "cron", "cron": "0 * * * *"})
    assert "program_id" in exc.value.by_field()
    with pytest.raises(ValidationError) as exc:
        engine.automation.add_schedule({"program_id": spec.id, "action": "start", "kind": "cron", "cron": "61 * * * *"})
    assert "cron" in exc.value.by_field()
    engine.shutdown()

    # "The PC was off for three hours and more": back at half past an hour, far from the next fire.
    now = time.time()
    offset = 3 * 3600 + (1800 - now % 3600) % 3600
    fires = int((now + offset) // 3600 - now // 3600)  # hour boundaries passed while off (3 or 4)
    later = started(qtbot, tmp_path, ShiftedClock(offset))
    try:
        qtbot.waitUntil(lambda: len([e for e in later.events(program_id=spec.id, limit=100)
                                     if e.kind is EventKind.SCHEDULE_MISSED]) >= fires, timeout=5000)
        missed = [e for e in later.events(program_id=spec.id, limit=100) if e.kind is EventKind.SCHEDULE_MISSED]
        assert len(missed) == fires and all("not run late" in e.message for e in missed)
        assert later.status(spec.id).state is S.STOPPED  # nothing was started late
        assert not any(j.kind == "schedule.action" for j in later.automation.jobs())
        assert [s.name for s in later.automation.schedules()] == ["hourly"]
    finally:
        later.shutdown()


def test_changing_the_kind_drops_the_old_kinds_fields(qtbot, tmp_path) -> None:
    engine = started(qtbot, tmp_path, ShiftedClock(0))
    try:
        spec = engine.add_program(ProgramSpec(name="srv", path=sys.executable, args=child_args("--sleep", "60")),
                                  cause=Cause.USER, actor="t")
        daily = engine.automation.add_schedule({"program_id": spec.id, "action": "restart", "kind": "daily",
                                                "time_of_day": "04:00", "weekdays": [5, 6]})
        interval = engine.automation.update_schedule(daily.id, {"kind": "interval", "interval_minutes": 360})
        assert interval.weekdays == () and interval.time_of_day is None and interval.interval_minutes == 360
        assert engine.automation.schedule_problems() == {}
    finally:
        engine.shutdown()
