"""Alert rules in a real engine: a firing becomes an event row, a webhook and an action; resolving is once."""

import sys

import pytest

from monitor_app.core.errors import ValidationError
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, EventKind, ProgramState, RestartPolicy
from monitor_app.engine.automation import AutomationConfig
from monitor_app.jobs.retry import RetryPolicy
from tests.helpers.processes import child_args
from tests.helpers.receiver import WebhookReceiver

S = ProgramState
FAST = AutomationConfig(retry=RetryPolicy(initial_s=0.05, max_s=0.2, jitter=0.0))


def program(name: str, *options: str, **kw) -> ProgramSpec:
    kw.setdefault("startsecs", 0.2)
    return ProgramSpec(name=name, path=sys.executable, args=child_args(*options), **kw)


def alert_events(engine, program_id=None):  # type: ignore[no-untyped-def]
    kinds = (EventKind.ALERT_FIRED, EventKind.ALERT_RESOLVED)
    return [e for e in reversed(engine.events(program_id=program_id, limit=200)) if e.kind in kinds]


def test_down_rule_fires_once_notifies_and_resolves_when_back(qtbot, engines) -> None:
    engine = engines(automation=FAST)
    with WebhookReceiver() as receiver:
        engine.automation.add_webhook({"url": receiver.url, "events": ["alert.fired", "alert.resolved"]})
        spec = engine.add_program(program("srv", "--exit", "1", "--after", "0.4", restart_policy=RestartPolicy.NEVER),
                                  cause=Cause.USER, actor="t")
        rule = engine.automation.add_alert_rule({"name": "server down", "kind": "down_for", "duration_s": 0.5,
                                                 "program_id": spec.id})
        engine.start_program(spec.id, cause=Cause.USER, actor="t")
        qtbot.waitUntil(lambda: len(receiver.requests) >= 1, timeout=10_000)
        fired = receiver.requests[0].json()
        assert fired["event"] == "alert.fired" and fired["program"] == {"id": spec.id, "name": "srv"}
        assert fired["details"]["rule_id"] == rule.id and fired["details"]["rule_kind"] == "down_for"
        assert [s.rule_id for s in engine.automation.alerts_firing()] == [rule.id]

        engine.update_program(spec.id, program("srv", "--sleep", "60"), cause=Cause.USER, actor="t")
        engine.start_program(spec.id, cause=Cause.USER, actor="t")
        qtbot.waitUntil(lambda: len(receiver.requests) >= 2, timeout=10_000)
        assert receiver.requests[1].json()["event"] == "alert.resolved"
        qtbot.waitUntil(lambda: len(alert_events(engine, spec.id)) == 2, timeout=5000)
        fired_row, resolved_row = alert_events(engine, spec.id)
        assert fired_row.kind is EventKind.ALERT_FIRED and fired_row.cause is Cause.RULE
        assert "server down" in fired_row.message and resolved_row.kind is EventKind.ALERT_RESOLVED
        qtbot.wait(700)
        assert len(receiver.requests) == 2  # once each


def test_memory_rule_restarts_the_program(qtbot, engines) -> None:
    engine = engines(automation=FAST)
    spec = engine.add_program(program("hog", "--sleep", "60"), cause=Cause.USER, actor="t")
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING, timeout=10_000)
    first_pid = engine.status(spec.id).pid
    engine.automation.add_alert_rule({"name": "too big", "kind": "memory_above", "threshold": 1, "duration_s": 0,
                                      "program_id": spec.id, "action": "restart"})

    def restarted_by_rule():  # type: ignore[no-untyped-def]
        return [e for e in engine.events(program_id=spec.id, limit=100)
                if e.kind is EventKind.STATE and e.cause is Cause.RULE]

    qtbot.waitUntil(lambda: bool(restarted_by_rule()), timeout=10_000)
    assert "too big" in restarted_by_rule()[-1].actor
    # The restarted program is still above 1 MB: the rule fires again but does not restart it within 60 s.
    qtbot.waitUntil(lambda: any(e.kind is EventKind.ERROR and "not restarted again" in e.message
                                for e in engine.events(program_id=spec.id, limit=100)), timeout=10_000)
    starts = [e for e in restarted_by_rule() if e.to_state is S.STARTING]
    assert len(starts) == 1
    engine.automation.remove_alert_rule(1)
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING and engine.status(spec.id).pid != first_pid,
                    timeout=10_000)


def test_rules_survive_a_restart_and_validate(qtbot, engines) -> None:
    engine = engines()
    with pytest.raises(ValidationError) as exc:
        engine.automation.add_alert_rule({"name": "x", "kind": "cpu_above", "threshold": 150, "duration_s": 10})
    assert "threshold" in exc.value.by_field()
    rule = engine.automation.add_alert_rule({"name": "disk", "kind": "disk_free_below", "threshold": 10,
                                             "duration_s": 60})
    engine.automation.update_alert_rule(rule.id, {"threshold": 5})
    engine.shutdown()
    again = engines()
    assert [(r.id, r.name, r.threshold) for r in again.automation.alert_rules()] == [(rule.id, "disk", 5.0)]
