"""The engine facade end to end: real threads, real processes, a real SQLite file."""

import sys
import time

import psutil
import pytest

from monitor_app.core.errors import ConflictError, NotFoundError, ValidationError
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, EventKind, ProgramState, RestartPolicy
from monitor_app.engine.local import LocalEngine
from tests.helpers.processes import alive, child_args

S = ProgramState


def program(name: str, *options: str, **kw) -> ProgramSpec:
    kw.setdefault("startsecs", 0.3)
    return ProgramSpec(name=name, path=sys.executable, args=child_args(*options), **kw)


def wait_state(qtbot, engine: LocalEngine, program_id: int, *states: ProgramState, timeout: int = 10_000) -> None:
    qtbot.waitUntil(lambda: engine.status(program_id).state in states, timeout=timeout)


def test_engine_add_start_sample_stop_and_remember(qtbot, engines) -> None:
    engine = engines()
    spec = engine.add_program(program("server", "--sleep", "60"), cause=Cause.USER, actor="alice")
    assert spec.id == 1 and engine.program(1) == spec
    assert engine.status(1).state is S.STOPPED

    engine.start_program(1, cause=Cause.USER, actor="alice")
    wait_state(qtbot, engine, 1, S.RUNNING)
    qtbot.waitUntil(
        lambda: (t := engine.latest_metrics()) is not None and any(p.program_id == 1 for p in t.programs),
        timeout=5000,
    )
    sample = next(p for p in engine.latest_metrics().programs if p.program_id == 1)
    assert sample.memory_rss > 1_000_000 and sample.processes == 1

    engine.stop_program(1, cause=Cause.API, actor="bob")
    wait_state(qtbot, engine, 1, S.STOPPED)

    def stored_events():
        return [(e.kind, e.to_state) for e in reversed(engine.events(program_id=1))]

    qtbot.waitUntil(lambda: len(stored_events()) == 5, timeout=5000)
    assert stored_events() == [
        (EventKind.PROGRAM_ADDED, None),
        (EventKind.STATE, S.STARTING),
        (EventKind.STATE, S.RUNNING),
        (EventKind.STATE, S.STOPPING),
        (EventKind.STATE, S.STOPPED),
    ]
    newest = engine.events(program_id=1, limit=1)[0]
    assert (newest.cause, newest.actor) == (Cause.API, "bob")
    now = time.time()
    qtbot.waitUntil(lambda: bool(engine.history(1, "memory_rss", now - 60, now + 1, 100).points), timeout=5000)
    history = engine.history(1, "memory_rss", now - 60, now + 1, 100)
    assert history.tier == "raw" and max(p.max for p in history.points) > 1_000_000
    assert engine.history(None, "cpu_percent", now - 60, now + 1, 100).points


def test_engine_commands_validate_synchronously(engines) -> None:
    engine = engines()
    engine.add_program(program("server", "--sleep", "60"), cause=Cause.USER, actor="")
    with pytest.raises(ValidationError) as exc:
        engine.add_program(program("SERVER"), cause=Cause.USER, actor="")
    assert "already exists" in exc.value.by_field()["name"]
    with pytest.raises(ValidationError):
        engine.add_program(ProgramSpec(name="bad", path="/no/such/file"), cause=Cause.USER, actor="")
    assert [p.name for p in engine.programs()] == ["server"]  # nothing half-saved
    with pytest.raises(NotFoundError):
        engine.start_program(42, cause=Cause.USER, actor="")
    with pytest.raises(ConflictError):
        engine.stop_program(1, cause=Cause.USER, actor="")
    with pytest.raises(ValidationError):
        engine.history(1, "temperature", 0, 1, 10)
    with pytest.raises(ValidationError):
        engine.events(limit=0)


def test_engine_remove_needs_a_stopped_program_and_keeps_its_events(qtbot, engines) -> None:
    engine = engines()
    engine.add_program(program("server", "--sleep", "60"), cause=Cause.USER, actor="")
    engine.start_program(1, cause=Cause.USER, actor="")
    wait_state(qtbot, engine, 1, S.RUNNING)
    with pytest.raises(ConflictError, match="stop it before removing it"):
        engine.remove_program(1, cause=Cause.USER, actor="")
    engine.stop_program(1, cause=Cause.USER, actor="")
    wait_state(qtbot, engine, 1, S.STOPPED)
    with qtbot.waitSignal(engine.program_removed):
        engine.remove_program(1, cause=Cause.USER, actor="carol")
    assert engine.programs() == ()
    with pytest.raises(NotFoundError):
        engine.status(1)
    qtbot.waitUntil(lambda: engine.events(program_id=1, limit=1)[0].kind is EventKind.PROGRAM_REMOVED, timeout=5000)
    # A new program never reuses the id.
    assert engine.add_program(program("next"), cause=Cause.USER, actor="").id == 2


def test_engine_update_renames_and_applies_at_next_start(qtbot, engines) -> None:
    engine = engines()
    engine.add_program(program("server", "--sleep", "60"), cause=Cause.USER, actor="")
    engine.start_program(1, cause=Cause.USER, actor="")
    wait_state(qtbot, engine, 1, S.RUNNING)
    updated = engine.update_program(
        1, program("game server", "--sleep", "60", restart_policy=RestartPolicy.NEVER), cause=Cause.USER, actor=""
    )
    assert updated.name == "game server" and engine.program(1).restart_policy is RestartPolicy.NEVER
    qtbot.waitUntil(lambda: engine.events(program_id=1, limit=1)[0].kind is EventKind.PROGRAM_UPDATED, timeout=5000)
    event = engine.events(program_id=1, limit=1)[0]
    assert "applies at its next start" in event.message and "name" in event.details["changed"]


def test_engine_rebuilt_on_the_same_data_reattaches_and_watches(qtbot, engines) -> None:
    first = engines()
    first.add_program(program("server", "--sleep", "60", restart_policy=RestartPolicy.NEVER), cause=Cause.USER, actor="")
    first.start_program(1, cause=Cause.USER, actor="")
    wait_state(qtbot, first, 1, S.RUNNING)
    pid, started_at = first.status(1).pid, first.status(1).started_at
    first.shutdown()
    assert alive(pid)  # the monitor went away, the program did not

    second = engines()
    assert second.status(1).state is S.RUNNING
    assert (second.status(1).pid, second.status(1).started_at) == (pid, started_at)
    killed_at = time.monotonic()
    psutil.Process(pid).kill()
    wait_state(qtbot, second, 1, S.EXITED)
    assert time.monotonic() - killed_at < 2
    qtbot.waitUntil(lambda: second.events(program_id=1, limit=1)[0].to_state is S.EXITED, timeout=5000)
    exited = second.events(program_id=1, limit=1)[0]
    assert exited.unexpected
    reattach = [e for e in second.events(program_id=1) if e.details.get("reattached")]
    assert len(reattach) == 1 and reattach[0].cause is Cause.SYSTEM


def test_engine_autostarts_at_start_and_counts_restarts_across_engines(qtbot, engines) -> None:
    first = engines()
    first.add_program(
        program("flaky", "--exit", "1", "--after", "0.5", autostart=True, backoff_initial=0.05), cause=Cause.USER, actor=""
    )
    qtbot.waitUntil(lambda: first.status(1).restarts >= 2, timeout=10_000)
    first.stop_program(1, cause=Cause.USER, actor="")
    wait_state(qtbot, first, 1, S.STOPPED)
    restarts = first.status(1).restarts
    first.shutdown()
    second = engines()
    assert second.status(1).restarts >= restarts
    wait_state(qtbot, second, 1, S.STARTING, S.RUNNING, S.BACKOFF)  # autostart again


def test_engine_accepts_commands_before_it_starts(qtbot, engines) -> None:
    engine = engines(start=False)
    spec = engine.add_program(program("early", "--sleep", "60"), cause=Cause.USER, actor="")
    engine.start_program(spec.id, cause=Cause.USER, actor="")
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        engine.start()
    wait_state(qtbot, engine, spec.id, S.RUNNING)
