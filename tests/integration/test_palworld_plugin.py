"""The Palworld plugin in a real engine against the fake Palworld REST server on 127.0.0.1: every action, player
join/leave events, players online for schedules, and the graceful stop order (announce → save → shutdown →
the server exits → no signal or kill needed)."""

import os
import signal
import sys
import time

import pytest

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.engine.plugins import PluginActionError
from monitor_app.resources import bundled_plugins_dir
from tests.helpers.palworld_rest import FakePalworldRest, player
from tests.helpers.processes import child_args

S = ProgramState


@pytest.fixture
def engine(engines):  # type: ignore[no-untyped-def]
    return engines(plugin_dirs=(bundled_plugins_dir(),))


def attach(qtbot, engine, fake, **settings):  # type: ignore[no-untyped-def]
    spec = engine.add_program(ProgramSpec(name="pal", path=sys.executable, args=child_args("--sleep", "120"),
                                          startsecs=0.2, stop_timeout=60), cause=Cause.USER, actor="t")
    instance = engine.plugins.attach(spec.id, "palworld", {
        "transport": "rest", "rest_port": fake.port, "admin_password": fake.password, **settings})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    return spec, instance


def test_actions_over_rest(qtbot, engine) -> None:
    with FakePalworldRest() as fake:
        _spec, instance = attach(qtbot, engine, fake)
        run = lambda name, **params: engine.plugins.run_action(instance.id, name, params)  # noqa: E731
        info = run("info")
        assert info["name"] and info["version"]
        players = run("players")
        assert {p["userid"] for p in players} >= {"steam_76561198000000001"} and all("name" in p for p in players)
        assert run("metrics")["fps"] is not None
        run("broadcast", message="hello players")
        assert fake.announcements[-1] == "hello players"
        run("save")
        assert fake.saves == 1
        run("kick", userid="steam_76561198000000001")
        run("ban", userid="steam_76561198000000002", message="bye")
        assert "steam_76561198000000002" in fake.banned
        run("unban", userid="steam_76561198000000002")
        assert "steam_76561198000000002" not in fake.banned
        run("shutdown", seconds=30, message="maintenance")
        assert fake.shutdowns[-1]["waittime"] == 30


def test_wrong_password_and_unreachable_server_read_clearly(qtbot, engine) -> None:
    with FakePalworldRest() as fake:
        _spec, instance = attach(qtbot, engine, fake, admin_password="wrong")
        with pytest.raises(PluginActionError, match="AdminPassword"):
            engine.plugins.run_action(instance.id, "info", {})
    with pytest.raises(PluginActionError, match="RESTAPIEnabled"):
        engine.plugins.run_action(instance.id, "info", {})


def test_players_joining_and_leaving_become_events(qtbot, engine) -> None:
    with FakePalworldRest(players=[player("Alice", "steam_1")]) as fake:
        spec, instance = attach(qtbot, engine, fake)
        qtbot.waitUntil(lambda: engine.plugins.players_online(spec.id) == 1, timeout=10_000)
        fake.players = [player("Bob", "steam_2")]
        engine.plugins._runners[instance.id].submit(lambda p: p.poll())  # the next 5 s poll, now

        def kinds():  # type: ignore[no-untyped-def]
            return [e.details.get("event") for e in engine.events(program_id=spec.id) if e.kind is EventKind.PLUGIN]

        qtbot.waitUntil(lambda: {"plugin.palworld.player_joined", "plugin.palworld.player_left"} <= set(kinds()),
                        timeout=10_000)
        messages = {e.message for e in engine.events(program_id=spec.id) if e.kind is EventKind.PLUGIN}
        assert {"Bob joined", "Alice left"} <= messages


@pytest.mark.posix_only
def test_graceful_stop_announce_save_shutdown_then_exit_without_a_kill(qtbot, engine) -> None:
    with FakePalworldRest() as fake:
        spec, instance = attach(qtbot, engine, fake, shutdown_wait=1, shutdown_message="restart")
        engine.start_program(spec.id, cause=Cause.USER, actor="t")
        qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING, timeout=10_000)
        qtbot.waitUntil(lambda: engine.plugins.players_online(spec.id) is not None, timeout=10_000)  # reachable
        pid = engine.status(spec.id).pid
        started = time.monotonic()
        engine.stop_program(spec.id, cause=Cause.USER, actor="t")
        qtbot.waitUntil(lambda: bool(fake.shutdowns), timeout=10_000)
        order = [r.endpoint for r in fake.requests if r.method == "POST"]
        assert order[-3:] == ["announce", "save", "shutdown"]
        assert fake.shutdowns[-1]["waittime"] == 1
        os.kill(pid, signal.SIGTERM)  # the server ends itself after its countdown
        qtbot.waitUntil(lambda: engine.status(spec.id).state is S.STOPPED, timeout=10_000)
        assert time.monotonic() - started < 20  # well inside the graceful wait (1 + 30 s): no ladder escalation
        kinds = [e.kind for e in engine.events(program_id=spec.id)]
        assert EventKind.LEFTOVERS_KILLED not in kinds


def test_rcon_transport_and_auto_fallback(qtbot, engine) -> None:
    from tests.helpers.rcon_peer import PalworldPeer
    from tests.helpers.receiver import refused_url

    with PalworldPeer(password="s3cret") as peer:
        closed_port = int(refused_url().split(":")[2].split("/")[0])  # nothing listens there: REST unreachable
        spec = engine.add_program(ProgramSpec(name="pal", path=sys.executable, args=child_args("--sleep", "60")),
                                  cause=Cause.USER, actor="t")
        instance = engine.plugins.attach(spec.id, "palworld", {
            "transport": "auto", "rest_port": closed_port, "rcon_port": peer.port, "admin_password": "s3cret"})
        qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
        info = engine.plugins.run_action(instance.id, "info", {})
        assert info["version"] == "0.1.4.1" and info["name"] == "Default Palworld Server"
        assert all("name" in p and "userid" in p for p in engine.plugins.run_action(instance.id, "players", {}))
        engine.plugins.run_action(instance.id, "broadcast", {"message": "restart in 5 min"})
        assert peer.commands()[-1].text == "Broadcast restart_in_5_min"  # the space quirk
        facts = dict((f["label"], f["value"]) for f in engine.plugins.panel_json(instance.id)["facts"])
        assert facts["Connected over"] == "RCON"
        with pytest.raises(PluginActionError, match="REST API"):
            engine.plugins.run_action(instance.id, "metrics", {})


def test_server_metrics_are_stored_as_plugin_series(qtbot, engine) -> None:
    with FakePalworldRest() as fake:
        spec, _instance = attach(qtbot, engine, fake)
        assert "palworld.fps" in engine.plugins.series_names(spec.id)
        now = time.time()
        qtbot.waitUntil(lambda: bool(engine.plugin_history(spec.id, "palworld.fps", now - 60, time.time() + 1, 10).points),
                        timeout=10_000)
        point = engine.plugin_history(spec.id, "palworld.players", now - 60, time.time() + 1, 10).points[0]
        assert point.avg == 3.0  # the fake server's three players
        with pytest.raises(Exception, match="must be one of"):
            engine.plugin_history(spec.id, "palworld.temperature", now - 60, now, 10)


@pytest.mark.posix_only
def test_suggestions_from_palworldsettings_ini(qtbot, engine, tmp_path) -> None:
    root = tmp_path / "PalServer"
    config = root / "Pal" / "Saved" / "Config" / "LinuxServer"
    config.mkdir(parents=True)
    (config / "PalWorldSettings.ini").write_text(
        '[/Script/Pal.PalGameWorldSettings]\nOptionSettings=(ServerName="Friends, only",AdminPassword="pw",'
        'RCONEnabled=True,RCONPort=25580,RESTAPIEnabled=False,RESTAPIPort=8213)\n', encoding="utf-8")
    launcher = root / "PalServer.sh"
    launcher.write_text("#!/bin/sh\nsleep 60\n")
    launcher.chmod(0o755)
    spec = engine.add_program(ProgramSpec(name="pal", path=str(launcher)), cause=Cause.USER, actor="t")
    instance = engine.plugins.attach(spec.id, "palworld", {})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    suggestion = engine.plugins.run_action(instance.id, "suggest", {})
    assert suggestion["transport"] == "rcon" and suggestion["rcon_port"] == 25580 and suggestion["rest_port"] == 8213
    assert any("RESTAPIEnabled=True" in note for note in suggestion["notes"])
    assert "pw" not in str(suggestion)  # the password is used, never shown
