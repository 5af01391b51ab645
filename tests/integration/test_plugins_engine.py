"""The plugin host in a real engine: discovery (broken plugins reported, not fatal), attaching with validated
settings and kept secrets, actions on the instance's own thread, polling, hooks, crash containment."""

import sys
from pathlib import Path

import pytest

from monitor_app.core.errors import ConflictError, NotFoundError, ValidationError
from monitor_app.core.model import ProcessIdentity, ProgramSpec
from monitor_app.core.states import Cause, EventKind
from monitor_app.engine.plugins import PluginActionError
from tests.helpers.processes import child_args

SAMPLES = Path(__file__).resolve().parent.parent / "helpers" / "plugin_samples"


@pytest.fixture
def engine(engines):  # type: ignore[no-untyped-def]
    return engines(plugin_dirs=(SAMPLES,))


def add(engine, name: str = "srv"):  # type: ignore[no-untyped-def]
    return engine.add_program(ProgramSpec(name=name, path=sys.executable, args=child_args("--sleep", "60")),
                              cause=Cause.USER, actor="t")


@pytest.mark.allow_error_log
def test_discovery_reports_broken_plugins_and_keeps_going(engine) -> None:
    catalog = {p["id"]: p for p in engine.plugins.catalog_json()}
    assert catalog["echo"]["loaded"] and catalog["echo"]["version"] == "1.0.0"
    assert [s["key"] for s in catalog["echo"]["settings"]] == ["host", "port", "mode", "stop_wait", "password"]
    assert not catalog["broken"]["loaded"] and "broken on import" in catalog["broken"]["error"]
    assert not catalog["future"]["loaded"] and "plugin API 99" in catalog["future"]["error"]
    spec = add(engine)
    with pytest.raises(ValidationError) as exc:
        engine.plugins.attach(spec.id, "broken", {})
    assert "cannot be used" in exc.value.by_field()["plugin"]


def test_attach_validates_settings_and_keeps_secrets_apart(qtbot, engine) -> None:
    spec = add(engine)
    with pytest.raises(ValidationError) as exc:
        engine.plugins.attach(spec.id, "echo", {"port": 70000, "mode": "z", "colour": "red"})
    assert set(exc.value.by_field()) == {"port", "mode", "colour"}
    with pytest.raises(NotFoundError):
        engine.plugins.attach(999, "echo", {})
    instance = engine.plugins.attach(spec.id, "echo", {"port": 25575, "password": "hunter2"})
    assert instance.settings["port"] == 25575 and instance.settings["host"] == "127.0.0.1"
    assert "password" not in instance.settings and instance.secrets == {"password": "hunter2"}
    described = engine.plugins.describe(instance)
    assert described["secrets_set"] == ["password"] and "hunter2" not in str(described)
    changed = engine.plugins.update(instance.id, {"settings": {"mode": "b", "password": ""}})  # "" keeps it
    assert changed.settings["mode"] == "b" and changed.secrets == {"password": "hunter2"}
    qtbot.waitUntil(lambda: engine.plugins.describe(changed)["status"] == "running", timeout=5000)
    result = engine.plugins.run_action(instance.id, "echo", {"message": "hello"})
    assert result == {"echo": "hello", "password_known": True}


def test_actions_run_on_the_instance_thread_and_failures_are_contained(qtbot, engine) -> None:
    spec = add(engine)
    instance = engine.plugins.attach(spec.id, "echo", {})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    who = engine.plugins.run_action(instance.id, "whoami", {})
    assert who["thread"] != "MainThread"
    qtbot.waitUntil(lambda: engine.plugins.run_action(instance.id, "whoami", {})["polls"] >= 3, timeout=5000)
    with pytest.raises(PluginActionError, match="the server said no"):
        engine.plugins.run_action(instance.id, "fail", {})
    with pytest.raises(ValidationError):
        engine.plugins.run_action(instance.id, "echo", {})  # message is required
    with pytest.raises(NotFoundError):
        engine.plugins.run_action(instance.id, "dance", {})
    panel = engine.plugins.panel_json(instance.id)
    assert panel["status"] == "connected" and panel["tables"][0]["rows"] == [{"name": "Alice"}]


@pytest.mark.allow_error_log
def test_a_plugin_that_keeps_crashing_is_disabled_with_its_reason(qtbot, engine) -> None:
    spec = add(engine)
    instance = engine.plugins.attach(spec.id, "echo", {})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    for _ in range(3):
        with pytest.raises(PluginActionError, match="bug in the plugin"):
            engine.plugins.run_action(instance.id, "crash", {})
    described = engine.plugins.describe(instance)
    assert described["status"] == "disabled" and "bug in the plugin" in described["reason"]
    with pytest.raises(PluginActionError, match="disabled"):
        engine.plugins.run_action(instance.id, "echo", {"message": "x"})
    assert engine.status(spec.id) is not None  # the engine carries on


def test_hooks_graceful_stop_players_warnings_and_events(qtbot, engine) -> None:
    spec = add(engine)
    instance = engine.plugins.attach(spec.id, "echo", {"stop_wait": 2.5})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    assert engine.plugins.players_online(spec.id) == 1
    assert engine.plugins.graceful_stop(spec, ProcessIdentity(1, 0.0, spec.path)) == 2.5
    engine.plugins.warn(spec.id, 5, None)
    qtbot.waitUntil(lambda: "warn restart 5" in engine.plugins.run_action(instance.id, "whoami", {})["hooks"])
    assert "graceful_stop" in engine.plugins.run_action(instance.id, "whoami", {})["hooks"]
    engine.plugins.run_action(instance.id, "announce", {"message": "restart soon"})
    qtbot.waitUntil(lambda: any(e.kind is EventKind.PLUGIN for e in engine.events(program_id=spec.id)), timeout=5000)
    event = next(e for e in engine.events(program_id=spec.id) if e.kind is EventKind.PLUGIN)
    assert event.message == "restart soon" and event.details["event"] == "plugin.echo.announced"


def test_instances_survive_a_restart_and_go_with_their_program(qtbot, engines) -> None:
    first = engines(plugin_dirs=(SAMPLES,))
    spec = add(first)
    instance = first.plugins.attach(spec.id, "echo", {"password": "pw"})
    first.shutdown()
    again = engines(plugin_dirs=(SAMPLES,))
    [back] = again.plugins.instances(spec.id)
    assert back.id == instance.id and back.secrets == {"password": "pw"}
    qtbot.waitUntil(lambda: again.plugins.describe(back)["status"] == "running", timeout=5000)
    again.plugins.update(back.id, {"enabled": False})
    with pytest.raises(ConflictError):
        again.plugins.run_action(back.id, "echo", {"message": "x"})
    again.remove_program(spec.id, cause=Cause.USER, actor="t")
    assert again.plugins.instances() == ()


def test_detaching_a_stuck_plugin_does_not_wait_for_it(qtbot, engine) -> None:
    import time

    spec = add(engine)
    instance = engine.plugins.attach(spec.id, "echo", {})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    stuck = engine.plugins.submit_action(instance.id, "block", {"seconds": 2.0})
    qtbot.wait(100)  # the plugin is inside its blocking call
    started = time.monotonic()
    engine.plugins.detach(instance.id)
    assert time.monotonic() - started < 0.5
    assert stuck.result(5) == "unblocked"  # it finished on its own thread, then closed


def _engine_with_clock(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from monitor_app.engine.config import EngineConfig
    from monitor_app.engine.local import LocalEngine
    from tests.integration.test_schedules_engine import ShiftedClock

    clock = ShiftedClock(0.0)
    engine = LocalEngine(EngineConfig(data_dir=tmp_path / "data", bcrypt_rounds=4, plugin_dirs=(SAMPLES,)), clock=clock)
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        engine.start()
    return engine, clock


def _second_of_minute(clock, second: float) -> None:  # type: ignore[no-untyped-def]
    """Move the engine's wall clock forward so that it now reads ``second`` seconds past a minute."""
    import time

    clock.offset += (second - (time.time() + clock.offset) % 60) % 60


def test_a_schedule_warns_players_through_the_plugin(qtbot, tmp_path) -> None:
    import time

    engine, clock = _engine_with_clock(qtbot, tmp_path)
    try:
        spec = add(engine)
        instance = engine.plugins.attach(spec.id, "echo", {})
        qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
        _second_of_minute(clock, 57.0)  # the restart is 63 s away, its 1-minute warning 3 s away
        fire = time.strftime("%H:%M", time.gmtime(clock.time() + 63))
        engine.automation.add_schedule({"program_id": spec.id, "action": "restart", "kind": "daily",
                                        "time_of_day": fire, "timezone": "UTC", "warnings_min": [1]})
        qtbot.waitUntil(lambda: "warn restart 1" in engine.plugins.run_action(instance.id, "whoami", {})["hooks"],
                        timeout=10_000)
        warning = next(e for e in engine.events(program_id=spec.id) if e.kind is EventKind.SCHEDULE)
        assert "in 1 min" in warning.message
    finally:
        engine.shutdown()


def test_a_schedule_skips_while_the_plugin_reports_players(qtbot, tmp_path) -> None:
    engine, clock = _engine_with_clock(qtbot, tmp_path)
    try:
        spec = add(engine)
        instance = engine.plugins.attach(spec.id, "echo", {})
        qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
        assert engine.plugins.players_online(spec.id) == 1
        _second_of_minute(clock, 58.0)  # the next minute's fire is 2 s away
        engine.automation.add_schedule({"program_id": spec.id, "action": "start", "kind": "cron", "cron": "* * * * *",
                                        "when_players_online": "skip"})
        qtbot.waitUntil(lambda: any(e.kind is EventKind.SCHEDULE and "skipped" in e.message
                                    for e in engine.events(program_id=spec.id)), timeout=10_000)
        assert not any(j.kind == "schedule.action" for j in engine.automation.jobs())  # nothing was started
    finally:
        engine.shutdown()
