"""Long plugin actions as jobs in a real engine: progress while running, the outcome after, cancel; the
"is it safe to restart now?" hook holding back scheduled and alert-rule restarts (never the user's own); the
backup plugin's backups and restores through the job queue."""

import sys
import zipfile
from pathlib import Path

import pytest

from monitor_app.core.errors import MonitorError
from monitor_app.core.jobs import JobState
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.engine.plugins import PLUGIN_ACTION_JOB
from monitor_app.pluginhost.api import PluginError
from monitor_app.resources import bundled_plugins_dir
from tests.helpers.processes import child_args
from tests.integration.test_plugins_engine import _engine_with_clock, _second_of_minute

SAMPLES = Path(__file__).resolve().parent.parent / "helpers" / "plugin_samples"


def add(engine, name: str = "srv"):  # type: ignore[no-untyped-def]
    return engine.add_program(ProgramSpec(name=name, path=sys.executable, args=child_args("--sleep", "60"),
                                          startsecs=0.2), cause=Cause.USER, actor="t")


def attach_steps(qtbot, engine, spec, gate: Path):  # type: ignore[no-untyped-def]
    gate.mkdir(exist_ok=True)
    instance = engine.plugins.attach(spec.id, "steps", {"gate": str(gate)})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    return instance


def job_now(engine, job_id: int):  # type: ignore[no-untyped-def]
    return engine.automation.job(job_id)


def test_a_long_action_is_a_job_whose_progress_moves_and_whose_result_is_kept(qtbot, engines, tmp_path) -> None:
    engine = engines(plugin_dirs=(SAMPLES,))
    spec = add(engine)
    gate = tmp_path / "gate"
    instance = attach_steps(qtbot, engine, spec, gate)
    assert engine.plugins.is_long_running(instance.id, "work") and not engine.plugins.is_long_running(instance.id, "quick")
    seen = []
    engine.automation.job_changed.connect(lambda job: seen.append(job))

    job = engine.plugins.queue_action(instance.id, "work", {"steps": 3}, actor="t")
    assert job.kind == PLUGIN_ACTION_JOB and job.program_id == spec.id and "Work" in job.title
    future = engine.plugins.job_future(job.id)
    qtbot.waitUntil(lambda: job_now(engine, job.id).state is JobState.RUNNING, timeout=5000)
    qtbot.waitUntil(lambda: engine.plugins.unsafe_reason(spec.id) == "working: step 1 of 3", timeout=5000)
    assert job_now(engine, job.id).progress is None

    (gate / "0").touch()
    qtbot.waitUntil(lambda: (p := job_now(engine, job.id).progress) is not None and p.done == 1, timeout=5000)
    progress = job_now(engine, job.id).progress
    assert (progress.total, progress.percent, progress.text) == (3, 33, "1 of 3 steps")
    assert engine.plugins.unsafe_reason(spec.id) == "working: step 2 of 3"
    (gate / "1").touch()
    (gate / "2").touch()
    qtbot.waitUntil(lambda: job_now(engine, job.id).state is JobState.DONE, timeout=5000)
    done = job_now(engine, job.id)
    assert done.result["result"] == {"steps": 3, "archive": str(gate / "result.zip")}
    assert done.progress is not None and done.progress.percent == 100
    qtbot.waitUntil(future.done, timeout=5000)
    assert future.result()["steps"] == 3
    assert engine.plugins.unsafe_reason(spec.id) is None
    # Every change reached the job_changed signal (the Jobs view), the progress in between included.
    qtbot.waitUntil(lambda: any(j.id == job.id and j.state is JobState.DONE for j in seen), timeout=5000)
    assert next(j.progress.done for j in seen if j.id == job.id and j.progress and j.state is JobState.RUNNING) == 1

    # The plugin's short actions are still answered at once.
    assert engine.plugins.run_action(instance.id, "quick", {}) == "quick"


def test_cancelling_the_job_stops_the_plugin_early(qtbot, engines, tmp_path) -> None:
    engine = engines(plugin_dirs=(SAMPLES,))
    spec = add(engine)
    instance = attach_steps(qtbot, engine, spec, tmp_path / "gate")
    job = engine.plugins.queue_action(instance.id, "work", {"steps": 5})
    future = engine.plugins.job_future(job.id)
    qtbot.waitUntil(lambda: engine.plugins.unsafe_reason(spec.id) is not None, timeout=5000)
    cancelled = engine.automation.cancel_job(job.id)
    assert cancelled.state is JobState.CANCELLED
    qtbot.waitUntil(lambda: engine.plugins.unsafe_reason(spec.id) is None, timeout=5000)  # the plugin let go
    qtbot.waitUntil(future.done, timeout=5000)
    with pytest.raises(PluginError, match="cancelled"):
        future.result()
    assert job_now(engine, job.id).state is JobState.CANCELLED
    assert engine.plugins.run_action(instance.id, "quick", {}) == "quick"  # the instance is free again


def test_a_job_whose_instance_went_away_fails_with_a_reason(qtbot, engines, tmp_path) -> None:
    engine = engines(plugin_dirs=(SAMPLES,))
    spec = add(engine)
    instance = attach_steps(qtbot, engine, spec, tmp_path / "gate")
    job = engine.plugins.queue_action(instance.id, "work", {"steps": 1})
    future = engine.plugins.job_future(job.id)
    engine.plugins.detach(instance.id)  # before a job worker picks the job up (that needs the event loop)
    qtbot.waitUntil(lambda: job_now(engine, job.id).finished, timeout=10_000)
    failed = job_now(engine, job.id)
    assert failed.state is JobState.FAILED and "no plugin instance" in failed.last_error
    qtbot.waitUntil(future.done, timeout=5000)
    with pytest.raises(PluginError, match="no plugin instance"):
        future.result()
    with pytest.raises(MonitorError, match="no plugin instance"):
        engine.plugins.queue_action(instance.id, "work", {"steps": 1})


# ------------------------------------------------------------------------------------- safe to restart now?


def _program_with_busy_plugin(qtbot, engine, tmp_path):  # type: ignore[no-untyped-def]
    """A program whose plugin runs a one-step job held at ``gate`` (touch ``gate / "0"`` to let it finish), so
    the plugin says a restart is not safe now."""
    spec = add(engine)
    gate = tmp_path / "gate"
    instance = attach_steps(qtbot, engine, spec, gate)
    engine.plugins.queue_action(instance.id, "work", {"steps": 1})
    qtbot.waitUntil(lambda: engine.plugins.unsafe_reason(spec.id) is not None, timeout=5000)
    return spec, gate


def test_a_scheduled_restart_is_skipped_while_a_plugin_says_it_is_not_safe(qtbot, tmp_path) -> None:
    engine, clock = _engine_with_clock(qtbot, tmp_path)
    try:
        spec, gate = _program_with_busy_plugin(qtbot, engine, tmp_path)
        _second_of_minute(clock, 58.0)
        engine.automation.add_schedule({"program_id": spec.id, "action": "restart", "kind": "cron",
                                        "cron": "* * * * *", "when_players_online": "skip"})
        qtbot.waitUntil(lambda: any(e.kind is EventKind.SCHEDULE and "skipped" in e.message
                                    for e in engine.events(program_id=spec.id)), timeout=10_000)
        skipped = next(e for e in engine.events(program_id=spec.id) if "skipped" in e.message)
        assert skipped.message.endswith("skipped: working: step 1 of 1")
        assert skipped.details["reason"] == "working: step 1 of 1"
        assert not any(j.kind == "schedule.action" for j in engine.automation.jobs())
        (gate / "0").touch()
    finally:
        engine.shutdown()


def test_a_deferred_restart_runs_once_it_is_safe(qtbot, tmp_path) -> None:
    engine, clock = _engine_with_clock(qtbot, tmp_path)
    try:
        spec, gate = _program_with_busy_plugin(qtbot, engine, tmp_path)
        _second_of_minute(clock, 58.0)
        engine.automation.add_schedule({"program_id": spec.id, "action": "start", "kind": "cron",
                                        "cron": "* * * * *", "when_players_online": "defer"})
        qtbot.waitUntil(lambda: any(e.kind is EventKind.SCHEDULE and "deferred: working" in e.message
                                    for e in engine.events(program_id=spec.id)), timeout=10_000)
        assert not any(j.kind == "schedule.action" for j in engine.automation.jobs())
        (gate / "0").touch()
        qtbot.waitUntil(lambda: engine.plugins.unsafe_reason(spec.id) is None, timeout=5000)
        clock.offset += 61  # the planner asks again a minute later
        qtbot.waitUntil(lambda: any(j.kind == "schedule.action" for j in engine.automation.jobs()), timeout=10_000)
    finally:
        engine.shutdown()


def test_an_alert_rule_does_not_restart_while_unsafe_but_the_user_can(qtbot, engines, tmp_path) -> None:
    engine = engines(plugin_dirs=(SAMPLES,))
    spec = add(engine)
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is ProgramState.RUNNING, timeout=10_000)
    first_pid = engine.status(spec.id).pid
    gate = tmp_path / "gate"
    instance = attach_steps(qtbot, engine, spec, gate)
    engine.plugins.queue_action(instance.id, "work", {"steps": 1})
    qtbot.waitUntil(lambda: engine.plugins.unsafe_reason(spec.id) is not None, timeout=5000)
    engine.automation.add_alert_rule({"name": "too big", "kind": "memory_above", "threshold": 1, "duration_s": 0,
                                      "program_id": spec.id, "action": "restart"})
    qtbot.waitUntil(lambda: any(e.kind is EventKind.ERROR and "not safe now" in e.message
                                for e in engine.events(program_id=spec.id)), timeout=10_000)
    held = next(e for e in engine.events(program_id=spec.id) if "not safe now" in e.message)
    assert "working: step 1 of 1" in held.message
    assert engine.status(spec.id).pid == first_pid
    assert not any(e.kind is EventKind.STATE and e.cause is Cause.RULE for e in engine.events(program_id=spec.id))
    # The user's own restart is never held back.
    engine.restart_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is ProgramState.RUNNING
                    and engine.status(spec.id).pid != first_pid, timeout=10_000)
    (gate / "0").touch()


def test_players_online_still_answers_the_safety_question(qtbot, engines) -> None:
    engine = engines(plugin_dirs=(SAMPLES,))
    spec = add(engine)
    instance = engine.plugins.attach(spec.id, "echo", {})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    assert engine.plugins.players_online(spec.id) == 1
    assert engine.plugins.unsafe_reason(spec.id) == "1 player online"


# ------------------------------------------------------------------------------------------- the backup plugin


def make_saves(root: Path, files: int = 40, size: int = 64 * 1024) -> Path:
    saved = root / "Pal" / "Saved" / "SaveGames"
    saved.mkdir(parents=True)
    for index in range(files):
        (saved / f"part{index:03}.sav").write_bytes(bytes([index % 251]) * size)
    return saved.parent


def test_backup_and_restore_run_as_jobs_with_progress(qtbot, engines, tmp_path) -> None:
    engine = engines(plugin_dirs=(bundled_plugins_dir(),))
    saved = make_saves(tmp_path)
    spec = add(engine)
    instance = engine.plugins.attach(spec.id, "backup", {"source": str(saved), "destination": str(tmp_path / "bk")})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    assert engine.plugins.is_long_running(instance.id, "backup") and engine.plugins.is_long_running(instance.id, "restore")
    progressed = []
    engine.automation.job_changed.connect(lambda job: job.progress and progressed.append(job.progress))

    job = engine.plugins.queue_action(instance.id, "backup", {})
    qtbot.waitUntil(lambda: job_now(engine, job.id).finished, timeout=30_000)
    done = job_now(engine, job.id)
    assert done.state is JobState.DONE, done.last_error
    archive = Path(done.result["result"]["path"])
    assert archive.is_file() and archive.parent == tmp_path / "bk" and done.result["result"]["files"] == 40
    assert zipfile.ZipFile(archive).testzip() is None
    total = 40 * 64 * 1024
    assert done.progress is not None and (done.progress.done, done.progress.total) == (total, total)
    assert done.progress.text == f"{total / 2**20:.1f} of {total / 2**20:.1f} MB backed up"
    qtbot.waitUntil(lambda: bool(progressed) and progressed[-1].percent == 100, timeout=5000)

    (saved / "SaveGames" / "part000.sav").write_bytes(b"changed")
    job = engine.plugins.queue_action(instance.id, "restore", {"name": archive.name})
    qtbot.waitUntil(lambda: job_now(engine, job.id).finished, timeout=30_000)
    restored = job_now(engine, job.id)
    assert restored.state is JobState.DONE, restored.last_error
    assert restored.progress is not None and restored.progress.percent == 100
    assert (saved / "SaveGames" / "part000.sav").read_bytes() == bytes([0]) * 64 * 1024


def test_backup_before_a_scheduled_restart_is_a_job(qtbot, engines, tmp_path) -> None:
    engine = engines(plugin_dirs=(bundled_plugins_dir(),))
    saved = make_saves(tmp_path, files=3)
    spec = add(engine)
    instance = engine.plugins.attach(spec.id, "backup", {"source": str(saved), "destination": str(tmp_path / "bk")})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    engine.plugins.warn(spec.id, 1, object())  # what a restart schedule's one-minute warning does

    def backup_jobs():  # type: ignore[no-untyped-def]
        return [j for j in engine.automation.jobs() if j.kind == PLUGIN_ACTION_JOB]

    qtbot.waitUntil(lambda: bool(backup_jobs()) and backup_jobs()[0].finished, timeout=30_000)
    job = backup_jobs()[0]
    assert job.state is JobState.DONE and job.payload["action"] == "backup" and job.payload["actor"] == "plugin"
    assert job.progress is not None and job.progress.percent == 100
    assert len(list((tmp_path / "bk").glob("backup-*.zip"))) == 1
