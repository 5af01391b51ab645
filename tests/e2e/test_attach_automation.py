"""An attached window's automation and plugins work as in-process: webhooks, rules, schedules, jobs, plugin
instances, their live panels and actions, all through the engine's REST API and live stream."""

import os
import time

import pytest

from monitor_app.core.jobs import JobState
from monitor_app.engine.attach import attach_local
from tests.helpers.receiver import WebhookReceiver

pytestmark = pytest.mark.skipif(os.name == "nt", reason="stops the engine with POSIX signals")


@pytest.fixture
def remote(qtbot, engine_process):
    engine = attach_local(engine_process.data)
    assert engine is not None
    with qtbot.waitSignal(engine.ready, timeout=10_000):
        engine.start()
    yield engine
    engine.shutdown()


def test_webhooks_rules_schedules_and_jobs_through_an_attached_engine(qtbot, remote, engine_process) -> None:
    auto = remote.automation
    program_id = remote.programs()[0].id
    with WebhookReceiver() as receiver:
        with qtbot.waitSignal(auto.webhooks_changed, timeout=5000):
            endpoint = auto.add_webhook({"name": "friends", "url": receiver.url, "format": "discord"})
        assert [e.name for e in auto.webhooks()] == ["friends"]
        # The test delivery is a job on the engine; its progress and end come back over the stream.
        with qtbot.waitSignal(auto.delivery_recorded, timeout=10_000):
            job = auto.test_webhook(endpoint.id)
        receiver.wait_for(1)
        qtbot.waitUntil(lambda: auto.job(job.id).state is JobState.DONE, timeout=10_000)
        assert auto.deliveries(endpoint.id)[0].ok
        # Changed elsewhere (the API): the window's list follows.
        engine_process.api("DELETE", f"/api/webhooks/{endpoint.id}")
        qtbot.waitUntil(lambda: auto.webhooks() == (), timeout=5000)

    rule = auto.add_alert_rule({"name": "hot", "kind": "cpu_above", "program_id": program_id, "threshold": 95,
                                "duration_s": 60})
    assert auto.alert_rule(rule.id).threshold == 95
    schedule = auto.add_schedule({"program_id": program_id, "name": "nightly", "action": "restart",
                                  "kind": "daily", "time_of_day": "04:00"})
    # The engine plans it a moment later; the planned time arrives with the stream's "schedules changed".
    qtbot.waitUntil(lambda: auto.next_fire(schedule.id) is not None, timeout=5000)
    assert auto.next_fire(schedule.id) > time.time()
    auto.remove_alert_rule(rule.id)
    auto.remove_schedule(schedule.id)
    assert auto.alert_rules() == () and auto.schedules() == ()
    api_rules = engine_process.api("GET", "/api/alerts/rules").json()
    assert api_rules == []


def attach_log_watcher(qtbot, remote, tmp_path):  # type: ignore[no-untyped-def]
    """The log watcher attached, through the window's port, to the engine's first program, on a new log file."""
    plugins = remote.plugins
    program_id = remote.programs()[0].id
    log_file = tmp_path / "server.log"
    log_file.write_text("first line\n")
    qtbot.waitUntil(lambda: plugins.catalog.get("logwatch") is not None, timeout=5000)
    instance = plugins.attach(program_id, "logwatch", {"patterns": str(log_file)})
    return plugins, program_id, instance, log_file


def test_plugin_attach_panel_and_action_through_an_attached_engine(qtbot, remote, tmp_path) -> None:
    plugins, program_id, instance, log_file = attach_log_watcher(qtbot, remote, tmp_path)
    plugins.set_program(program_id)
    assert [i.plugin_id for i in plugins.instances(program_id)] == ["logwatch"]
    assert any(a["name"] == "tail" for a in plugins.describe(instance)["actions"])

    # The plugin follows the file from its end once it runs (its panel says so): write after that.
    qtbot.waitUntil(lambda: plugins.panel(instance.id) is not None and bool(plugins.panel(instance.id).logs), timeout=15_000)
    with log_file.open("a") as handle:
        handle.write("player joined: Alice\n")
    qtbot.waitUntil(
        lambda: (panel := plugins.panel(instance.id)) is not None
        and any("Alice" in line for log in panel.logs for line in log.lines),
        timeout=15_000,
    )
    result = plugins.submit_action(instance.id, "search", {"query": "alice"}).result(timeout=10)
    assert "Alice" in str(result)
    plugins.detach(instance.id)
    assert plugins.instances(program_id) == ()


def test_a_list_read_before_a_change_here_does_not_undo_it(qtbot, remote) -> None:
    auto = remote.automation
    with WebhookReceiver() as receiver:
        auto.refresh("webhooks")  # in flight: the engine answers "none" ...
        endpoint = auto.add_webhook({"name": "late", "url": receiver.url})  # ... while this window adds one
        seen: list[list[int]] = []
        auto.webhooks_changed.connect(lambda: seen.append([e.id for e in auto.webhooks()]))
        qtbot.wait(1000)  # the stale answer arrives and must be dropped, not shown for a moment
        assert [e.id for e in auto.webhooks()] == [endpoint.id]
        assert all(ids == [endpoint.id] for ids in seen), seen


def test_a_plugin_read_before_an_attach_here_does_not_undo_it(qtbot, remote, tmp_path) -> None:
    plugins = remote.plugins
    program_id = remote.programs()[0].id
    qtbot.waitUntil(lambda: plugins.catalog.get("logwatch") is not None, timeout=5000)
    plugins.set_program(program_id)  # in flight: "no instances" ...
    instance = plugins.attach(program_id, "logwatch", {"patterns": str(tmp_path / "x.log")})  # ... while attaching
    seen: list[list[int]] = []
    plugins.instances_changed.connect(lambda: seen.append([i.id for i in plugins.instances(program_id)]))
    qtbot.wait(1000)
    assert [i.id for i in plugins.instances(program_id)] == [instance.id]
    assert all(ids == [instance.id] for ids in seen), seen


def test_panels_are_read_only_while_a_window_shows_them(qtbot, remote, tmp_path) -> None:
    from monitor_app.ui.plugins_view import PluginsView

    plugins, program_id, instance, log_file = attach_log_watcher(qtbot, remote, tmp_path)
    view = PluginsView(plugins)
    qtbot.addWidget(view)
    view.set_program(program_id)
    view.show()
    qtbot.waitUntil(lambda: plugins.panel(instance.id) is not None and bool(plugins.panel(instance.id).logs), timeout=15_000)

    def shows(text: str) -> bool:
        panel = plugins.panel(instance.id)
        return panel is not None and any(text in line for log in panel.logs for line in log.lines)

    view.hide()  # the Plugins tab is left, or the window goes to the tray
    with log_file.open("a") as handle:
        handle.write("player joined: Bob\n")
    qtbot.wait(3000)  # longer than the 2 s panel poll
    assert not shows("Bob")
    view.show()  # read again at once
    qtbot.waitUntil(lambda: shows("Bob"), timeout=1500)
