"""The backup plugin through a real engine: back up now, list, verify, refuse to restore while the program
runs, restore when stopped; the panel lists the archives."""

import sys

import pytest

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, ProgramState
from monitor_app.engine.plugins import PluginActionError
from monitor_app.resources import bundled_plugins_dir
from tests.helpers.processes import child_args


def test_backup_list_verify_and_restore_round_trip(qtbot, engines, tmp_path) -> None:
    engine = engines(plugin_dirs=(bundled_plugins_dir(),))
    saved = tmp_path / "Pal" / "Saved"
    (saved / "SaveGames").mkdir(parents=True)
    (saved / "SaveGames" / "Level.sav").write_bytes(b"world v1" * 1000)
    spec = engine.add_program(ProgramSpec(name="pal", path=sys.executable, args=child_args("--sleep", "60"),
                                          startsecs=0.2), cause=Cause.USER, actor="t")
    instance = engine.plugins.attach(spec.id, "backup", {"source": str(saved), "destination": str(tmp_path / "bk"),
                                                         "keep_last": 2})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    first = engine.plugins.run_action(instance.id, "backup", {})
    assert first["files"] == 1 and first["name"].startswith("backup-")
    listed = engine.plugins.run_action(instance.id, "list", {})
    assert [b["name"] for b in listed] == [first["name"]]
    assert engine.plugins.run_action(instance.id, "verify", {})["ok"] is True
    assert engine.plugins.panel_json(instance.id)["tables"][0]["rows"][0]["name"] == first["name"]

    (saved / "SaveGames" / "Level.sav").write_bytes(b"world v2 broken")
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is ProgramState.RUNNING, timeout=10_000)
    with pytest.raises(PluginActionError, match="stop the program first"):
        engine.plugins.run_action(instance.id, "restore", {"name": first["name"]})
    engine.stop_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is ProgramState.STOPPED, timeout=10_000)
    restored = engine.plugins.run_action(instance.id, "restore", {"name": first["name"]})
    assert restored["restored"] == first["name"]
    assert (saved / "SaveGames" / "Level.sav").read_bytes() == b"world v1" * 1000


def test_a_schedule_runs_the_backup_as_a_job(qtbot, tmp_path) -> None:
    import time

    from monitor_app.core.jobs import JobState
    from monitor_app.engine.config import EngineConfig
    from monitor_app.engine.local import LocalEngine
    from tests.integration.test_schedules_engine import ShiftedClock

    clock = ShiftedClock(60 - time.time() % 60 - 1.5)  # the next whole minute is 1.5 s away
    engine = LocalEngine(EngineConfig(data_dir=tmp_path / "data", bcrypt_rounds=4,
                                      plugin_dirs=(bundled_plugins_dir(),)), clock=clock)
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        engine.start()
    try:
        saved = tmp_path / "saves"
        saved.mkdir()
        (saved / "world.sav").write_bytes(b"x" * 100)
        spec = engine.add_program(ProgramSpec(name="pal", path=sys.executable, args=child_args("--sleep", "60")),
                                  cause=Cause.USER, actor="t")
        instance = engine.plugins.attach(spec.id, "backup", {"source": str(saved), "destination": str(tmp_path / "bk")})
        qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
        engine.automation.add_schedule({"program_id": spec.id, "action": "plugin_action",
                                        "plugin_action": "backup:backup", "kind": "cron", "cron": "* * * * *"})
        qtbot.waitUntil(lambda: any(j.kind == "schedule.action" and j.state is JobState.DONE
                                    for j in engine.automation.jobs()), timeout=10_000)
        job = next(j for j in engine.automation.jobs() if j.kind == "schedule.action")
        assert job.result["result"]["files"] == 1
        assert job.progress is not None and job.progress.percent == 100  # the backup's progress, on the schedule's job
        assert len(list((tmp_path / "bk").glob("backup-*.zip"))) == 1
    finally:
        engine.shutdown()
