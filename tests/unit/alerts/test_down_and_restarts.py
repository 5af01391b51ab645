"""down_for (from statuses and the passing of time) and restarts_over (from unexpected-exit events)."""

from dataclasses import replace

import pytest

from monitor_app.core.alerts import RuleKind
from monitor_app.core.model import Event
from monitor_app.core.states import EventKind, ProgramState

from .builders import T0, crash, evaluator, rule, status

DOWN = RuleKind.DOWN_FOR
RESTARTS = RuleKind.RESTARTS_OVER
S = ProgramState


def test_down_for_fires_when_time_passes_and_resolves_when_running_again() -> None:
    ev = evaluator(rule(DOWN, duration_s=120))
    assert ev.observe_status(status(1, S.BACKOFF, T0), T0) == []
    assert ev.poll(T0 + 119) == []
    [fired] = ev.poll(T0 + 120)
    assert fired.fired and fired.program_id == 1 and fired.value == pytest.approx(120.0)
    assert fired.unit == "s" and fired.message == "Down (backoff) for 2 min (≥ 2 min)"
    assert ev.poll(T0 + 500) == []
    assert ev.observe_status(status(1, S.STARTING, T0 + 510), T0 + 510) == []  # a retry is not recovery
    assert ev.poll(T0 + 520) == []
    [resolved] = ev.observe_status(status(1, S.RUNNING, T0 + 600), T0 + 600)
    assert not resolved.fired and resolved.value == pytest.approx(600.0)
    assert resolved.message == "Running again after 10 min down"
    assert ev.poll(T0 + 1000) == []


def test_retries_between_backoffs_keep_the_down_period_open() -> None:
    ev = evaluator(rule(DOWN, duration_s=60))
    out = []
    for t, state in [(0, S.EXITED), (1, S.BACKOFF), (3, S.STARTING), (4, S.BACKOFF), (20, S.STARTING)]:
        out += ev.observe_status(status(1, state, T0 + t), T0 + t)
    out += ev.observe_status(status(1, S.FATAL, T0 + 25), T0 + 25)
    out += ev.poll(T0 + 59.5)
    assert out == []
    [fired] = ev.poll(T0 + 60)
    assert "fatal" in fired.message


@pytest.mark.parametrize("state", [S.STOPPED, S.STARTING, S.RUNNING, S.STOPPING])
def test_not_down(state: ProgramState) -> None:
    """A program the user stopped, or one starting from rest, is not down."""
    ev = evaluator(rule(DOWN, duration_s=10))
    assert ev.observe_status(status(1, state, T0), T0) == []
    assert ev.poll(T0 + 10_000) == []


def test_stopping_a_down_program_resolves_the_alert() -> None:
    ev = evaluator(rule(DOWN, duration_s=10))
    ev.observe_status(status(1, S.FATAL, T0), T0)
    [fired] = ev.poll(T0 + 10)
    [resolved] = ev.observe_status(status(1, S.STOPPED, T0 + 30), T0 + 30)
    assert fired.fired and not resolved.fired
    assert resolved.message == "No longer down (stopped on request) after 30 s"


def test_a_program_first_seen_down_counts_from_its_state_since() -> None:
    ev = evaluator(rule(DOWN, duration_s=300))
    [fired] = ev.observe_status(status(1, S.FATAL, T0 - 3600), T0)
    assert fired.value == pytest.approx(3600.0)


def test_down_for_global_rule_is_per_program_and_specific_rule_is_not_global() -> None:
    ev = evaluator(rule(DOWN, duration_s=60), rule(DOWN, duration_s=10, rule_id=2, program_id=2))
    ev.observe_status(status(1, S.EXITED, T0), T0)
    ev.observe_status(status(2, S.RUNNING, T0), T0)
    assert [(t.rule.id, t.program_id) for t in ev.poll(T0 + 30)] == []
    ev.observe_status(status(2, S.EXITED, T0 + 30), T0 + 30)
    assert [(t.rule.id, t.program_id) for t in ev.poll(T0 + 40)] == [(2, 2)]
    assert [(t.rule.id, t.program_id) for t in ev.poll(T0 + 60)] == [(1, 1)]
    assert [(t.rule.id, t.program_id) for t in ev.poll(T0 + 90)] == [(1, 2)]


def test_down_fires_and_resolves_once_however_often_it_is_asked() -> None:
    ev = evaluator(rule(DOWN, duration_s=5))
    out = ev.observe_status(status(1, S.EXITED, T0), T0)
    for i in range(1, 100):
        out += ev.poll(T0 + i)
        out += ev.observe_status(status(1, S.EXITED, T0), T0 + i)
    out += ev.observe_status(status(1, S.RUNNING, T0 + 100), T0 + 100)
    out += ev.observe_status(status(1, S.RUNNING, T0 + 100), T0 + 101)
    assert [(t.fired, t.time) for t in out] == [(True, T0 + 5), (False, T0 + 100)]


# ------------------------------------------------------------------------------------------ restarts


def test_restarts_over_fires_on_more_than_k_in_the_window_and_resolves_as_they_slide_out() -> None:
    ev = evaluator(rule(RESTARTS, 3, 600))
    out = []
    for t in (0, 60, 120):
        out += ev.observe_event(crash(1, T0 + t))
    assert out == []
    [fired] = ev.observe_event(crash(1, T0 + 180, S.BACKOFF))
    assert fired.fired and fired.value == 4 and fired.unit == "restarts"
    assert fired.message == "4 unexpected restarts in the last 10 min (more than 3)"
    assert ev.observe_event(crash(1, T0 + 240)) == []  # 5 now, still the same alert
    assert ev.poll(T0 + 600) == []  # T0 slid out: 4 left, still more than 3
    assert ev.poll(T0 + 659) == []
    [resolved] = ev.poll(T0 + 660)
    assert not resolved.fired and resolved.value == 3
    assert resolved.message == "Restarts calmed down: 3 in the last 10 min (at most 3)"


def test_restarts_spread_wider_than_the_window_never_fire() -> None:
    ev = evaluator(rule(RESTARTS, 2, 600))
    out = []
    for i in range(30):  # one crash every 301 s: never more than 2 in any 10 min
        out += ev.observe_event(crash(1, T0 + i * 301))
        out += ev.poll(T0 + i * 301 + 150)
    assert out == []


def test_expected_exits_and_non_transitions_do_not_count() -> None:
    ev = evaluator(rule(RESTARTS, 0, 600))
    asked = replace(crash(1, T0), unexpected=False)
    note = Event(time=T0, kind=EventKind.ERROR, program_id=1, unexpected=True, message="no transition")
    anonymous = replace(crash(1, T0), program_id=None)
    assert ev.observe_event(asked) + ev.observe_event(note) + ev.observe_event(anonymous) == []
    [fired] = ev.observe_event(crash(1, T0 + 1, S.FATAL))  # a failed start that gave up counts too
    assert fired.value == 1


def test_restart_counts_are_per_program() -> None:
    ev = evaluator(rule(RESTARTS, 1, 600))
    out = ev.observe_event(crash(1, T0)) + ev.observe_event(crash(2, T0 + 1))
    out += ev.observe_event(crash(2, T0 + 2))
    assert [(t.program_id, t.fired) for t in out] == [(2, True)]


def test_a_removed_program_event_forgets_it() -> None:
    ev = evaluator(rule(RESTARTS, 0, 600))
    ev.observe_event(crash(1, T0))
    assert len(ev.firing()) == 1
    assert ev.observe_event(Event(time=T0 + 1, kind=EventKind.PROGRAM_REMOVED, program_id=1)) == []
    assert ev.firing() == [] and ev.poll(T0 + 10_000) == []


def test_restart_rules_with_different_windows_count_independently() -> None:
    ev = evaluator(rule(RESTARTS, 1, 60), rule(RESTARTS, 2, 3600, rule_id=2))
    out = []
    for t in (0, 60, 120):  # a crash exactly a minute old has left the one-minute window
        out += ev.observe_event(crash(1, T0 + t))
    assert [(t.rule.id, t.fired, t.time) for t in out] == [(2, True, T0 + 120)]
    assert ev.poll(T0 + 3599) == []
    [resolved] = ev.poll(T0 + 3600)  # the crash at T0 slid out of the hour
    assert resolved.rule.id == 2 and resolved.value == 2
