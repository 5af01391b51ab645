"""The log-watcher plugin in a real engine: a line written to a followed file becomes an event through its rule;
tail and search answer; a bad rule is reported as the instance's reason."""

import sys

import pytest

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, EventKind
from monitor_app.resources import bundled_plugins_dir
from tests.helpers.processes import child_args


@pytest.fixture
def engine(engines):  # type: ignore[no-untyped-def]
    return engines(plugin_dirs=(bundled_plugins_dir(),))


def test_rules_tail_and_search(qtbot, engine, tmp_path) -> None:
    log = tmp_path / "server.log"
    log.write_text("old line\n", encoding="utf-8")
    spec = engine.add_program(ProgramSpec(name="srv", path=sys.executable, args=child_args("--sleep", "60")),
                              cause=Cause.USER, actor="t")
    instance = engine.plugins.attach(spec.id, "logwatch", {
        "patterns": str(log), "rules": "joined | (?P<player>\\w+) joined the server | player_joined"})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "running", timeout=5000)
    qtbot.wait(300)  # the follower has taken its first look (it starts at the end)
    with log.open("a", encoding="utf-8") as f:
        f.write("[12:00] Alice joined the server\n[12:01] 서버 저장 완료\n")

    def plugin_events():  # type: ignore[no-untyped-def]
        return [e for e in engine.events(program_id=spec.id) if e.kind is EventKind.PLUGIN]

    qtbot.waitUntil(lambda: bool(plugin_events()), timeout=5000)
    event = plugin_events()[0]
    assert event.details["event"] == "plugin.logwatch.player_joined" and event.details["groups"] == {"player": "Alice"}
    texts = [line["text"] for line in engine.plugins.run_action(instance.id, "tail", {"lines": 10})]
    assert texts[-2:] == ["[12:00] Alice joined the server", "[12:01] 서버 저장 완료"]
    assert [line["text"] for line in engine.plugins.run_action(instance.id, "search", {"query": "저장"})] == [
        "[12:01] 서버 저장 완료"]


def test_a_bad_rule_is_the_instance_reason(qtbot, engine, tmp_path) -> None:
    spec = engine.add_program(ProgramSpec(name="srv", path=sys.executable, args=child_args("--sleep", "60")),
                              cause=Cause.USER, actor="t")
    instance = engine.plugins.attach(spec.id, "logwatch", {"patterns": str(tmp_path), "rules": "broken | ([ | x"})
    qtbot.waitUntil(lambda: engine.plugins.describe(instance)["status"] == "failed", timeout=5000)
    assert "invalid regular expression" in engine.plugins.describe(instance)["reason"]
