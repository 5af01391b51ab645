"""Level rules (CPU, memory, disk): firing once, resolving once, hysteresis, gaps, and rule-set changes."""

import pytest

from monitor_app.alerts import AlertEvaluator
from monitor_app.core.alerts import RuleAction, RuleKind
from monitor_app.core.states import ProgramState

from .builders import T0, disk, evaluator, feed, rule, sample, status, tick

CPU = RuleKind.CPU_ABOVE


def test_cpu_fires_after_holding_for_the_duration_and_resolves_below_the_margin() -> None:
    ev = evaluator(rule(CPU, 90, 60))
    assert feed(ev, T0, T0 + 59, cpu=95.0) == []
    [fired] = feed(ev, T0 + 60, T0 + 60, cpu=93.14)
    assert fired.fired and fired.time == T0 + 60 and fired.program_id == 1 and fired.subject == "program 1"
    assert fired.message == "CPU 93.1 % ≥ 90 % for 60 s"
    assert fired.unit == "%" and fired.value == pytest.approx(93.14)
    assert feed(ev, T0 + 61, T0 + 120, cpu=50.0) == []  # clear for 59 s only
    [resolved] = feed(ev, T0 + 121, T0 + 121, cpu=50.0)
    assert not resolved.fired and resolved.time == T0 + 121
    assert resolved.message == "CPU back to 50.0 % (below 85.5 % for 60 s)"
    assert feed(ev, T0 + 122, T0 + 400, cpu=50.0) == []


def test_a_single_sample_below_restarts_the_hold_timer() -> None:
    ev = evaluator(rule(CPU, 90, 60))
    assert feed(ev, T0, T0 + 59, cpu=95.0) == []
    assert feed(ev, T0 + 60, T0 + 60, cpu=89.9) == []
    assert feed(ev, T0 + 61, T0 + 120, cpu=95.0) == []
    [fired] = feed(ev, T0 + 121, T0 + 121, cpu=95.0)
    assert fired.fired and fired.time == T0 + 121


def test_resolution_needs_the_value_under_threshold_minus_five_percent() -> None:
    ev = evaluator(rule(CPU, 90, 10))
    assert [t.fired for t in feed(ev, T0, T0 + 10, cpu=95.0)] == [True]
    assert feed(ev, T0 + 11, T0 + 300, cpu=85.6) == []
    [resolved] = feed(ev, T0 + 301, T0 + 320, cpu=85.4)
    assert resolved.time == T0 + 311


def test_flapping_around_the_threshold_fires_once_and_resolves_once() -> None:
    ev = evaluator(rule(CPU, 90, 30))
    out = feed(ev, T0, T0 + 30, cpu=96.0)  # fires
    for i in range(600):  # ten minutes of 84 / 92 / 88 / 91: never 30 s clear, never a new fire
        t = T0 + 31 + i
        out += ev.observe_tick(tick(t, sample(1, t, cpu=(84.0, 92.0, 88.0, 91.0)[i % 4])))
    out += feed(ev, T0 + 631, T0 + 700, cpu=10.0)  # resolves after 30 s
    for i in range(600):  # flapping again below and above: 89 / 91 never holds 30 s
        t = T0 + 701 + i
        out += ev.observe_tick(tick(t, sample(1, t, cpu=(89.0, 91.0)[i % 2])))
    assert [(t.fired, t.time) for t in out] == [(True, T0 + 30), (False, T0 + 661)]


def test_zero_duration_fires_and_resolves_on_one_sample() -> None:
    ev = evaluator(rule(CPU, 50, 0))
    [fired] = feed(ev, T0, T0, cpu=60.0)
    assert fired.message == "CPU 60.0 % ≥ 50 %"
    [resolved] = feed(ev, T0 + 1, T0 + 1, cpu=40.0)
    assert not resolved.fired


def test_memory_threshold_is_megabytes_of_resident_memory() -> None:
    ev = evaluator(rule(RuleKind.MEMORY_ABOVE, 2048, 30))
    assert feed(ev, T0, T0 + 100, memory_mb=2047.0) == []
    out = feed(ev, T0 + 101, T0 + 131, memory_mb=2150.0)
    assert [(t.fired, t.time) for t in out] == [(True, T0 + 131)]
    assert out[0].message == "Memory 2150 MB ≥ 2048 MB for 30 s" and out[0].unit == "MB"
    assert out[0].value == pytest.approx(2150.0)
    assert feed(ev, T0 + 132, T0 + 300, memory_mb=1950.0) == []  # above 2048 × 0.95 = 1945.6
    [resolved] = feed(ev, T0 + 301, T0 + 331, memory_mb=1900.0)
    assert resolved.message == "Memory back to 1900 MB (below 1945.6 MB for 30 s)"


def test_a_global_rule_keeps_one_state_per_program() -> None:
    ev = evaluator(rule(CPU, 90, 10))
    out = []
    for i in range(60):
        t = T0 + i
        hot_2 = 95.0 if i >= 20 else 10.0
        cool_1 = 95.0 if i < 30 else 10.0
        out += ev.observe_tick(tick(t, sample(1, t, cpu=cool_1), sample(2, t, cpu=hot_2)))
    assert [(t.program_id, t.fired, t.time) for t in out] == [
        (1, True, T0 + 10),
        (2, True, T0 + 30),
        (1, False, T0 + 40),
    ]
    assert [(s.program_id, s.since) for s in ev.firing()] == [(2, T0 + 30)]


def test_a_program_specific_rule_ignores_other_programs() -> None:
    ev = evaluator(rule(CPU, 90, 5, program_id=2))
    out = []
    for i in range(30):
        t = T0 + i
        out += ev.observe_tick(tick(t, sample(1, t, cpu=100.0), sample(3, t, cpu=100.0)))
    assert out == [] and ev.firing() == []
    out = [x for i in range(6) for x in ev.observe_tick(tick(T0 + 30 + i, sample(2, T0 + 30 + i, cpu=99.0)))]
    assert [(t.program_id, t.fired) for t in out] == [(2, True)]


# ------------------------------------------------------------------------------------------ disks


def test_disk_rule_watches_each_mountpoint_separately() -> None:
    ev = evaluator(rule(RuleKind.DISK_FREE_BELOW, 10, 0))
    [c_fired] = ev.observe_tick(tick(T0, disks=[disk("C:\\", 5.0), disk("D:\\", 50.0)]))
    assert c_fired.fired and c_fired.subject == "C:\\" and c_fired.program_id is None
    assert c_fired.message == "Disk C:\\ free 5.0 % < 10 %" and c_fired.value == pytest.approx(5.0)
    [d_fired] = ev.observe_tick(tick(T0 + 1, disks=[disk("C:\\", 5.0), disk("D:\\", 9.0)]))
    assert d_fired.subject == "D:\\"
    assert ev.observe_tick(tick(T0 + 2, disks=[disk("C:\\", 10.4), disk("D:\\", 9.0)])) == []  # < 10.5
    [c_resolved] = ev.observe_tick(tick(T0 + 3, disks=[disk("C:\\", 20.0), disk("D:\\", 9.0)]))
    assert not c_resolved.fired and c_resolved.subject == "C:\\"
    assert c_resolved.message == "Disk C:\\ free back to 20.0 % (above 10.5 %)"
    assert [s.subject for s in ev.firing()] == ["D:\\"]


def test_disk_rule_for_one_mountpoint_matches_it_loosely_and_ignores_the_others() -> None:
    ev = evaluator(rule(RuleKind.DISK_FREE_BELOW, 10, 30, mountpoint="c:"))
    out = []
    for i in range(40):
        out += ev.observe_tick(tick(T0 + i, disks=[disk("C:\\", 5.0), disk("E:\\", 1.0)]))
    assert [(t.subject, t.time) for t in out] == [("C:\\", T0 + 30)]


def test_a_firing_disk_that_disappears_resolves() -> None:
    ev = evaluator(rule(RuleKind.DISK_FREE_BELOW, 10, 0))
    ev.observe_tick(tick(T0, disks=[disk("/", 50.0), disk("/mnt/usb", 2.0)]))
    assert ev.observe_tick(tick(T0 + 1)) == []  # a tick without a system sample says nothing about disks
    [resolved] = ev.observe_tick(tick(T0 + 2, disks=[disk("/", 50.0)]))
    assert not resolved.fired and "no longer mounted" in resolved.message
    assert ev.firing() == []


# ------------------------------------------------------------------------------------------ gaps and stops


def test_a_stopped_program_resolves_its_firing_cpu_alert_and_says_so() -> None:
    ev = evaluator(rule(CPU, 90, 10))
    feed(ev, T0, T0 + 10, cpu=99.0)
    out = []
    for i in range(1, 6):  # the program vanished from sampling; program 2 keeps the ticks coming
        out += ev.observe_tick(tick(T0 + 10 + i, sample(2, T0 + 10 + i)))
    assert [(t.fired, t.time) for t in out] == [(False, T0 + 14)]  # > 3 intervals without a sample
    assert "program stopped" in out[0].message and out[0].value == pytest.approx(99.0)
    # Back and hot again: the hold time starts from scratch.
    out = feed(ev, T0 + 20, T0 + 30, cpu=99.0)
    assert [(t.fired, t.time) for t in out] == [(True, T0 + 30)]


def test_a_status_without_a_process_ends_sample_alerts_at_once() -> None:
    ev = evaluator(rule(RuleKind.MEMORY_ABOVE, 1000, 5))
    feed(ev, T0, T0 + 5, memory_mb=1200.0)
    assert ev.observe_status(status(1, ProgramState.STOPPING, T0 + 6), T0 + 6) == []
    [resolved] = ev.observe_status(status(1, ProgramState.EXITED, T0 + 7), T0 + 7)
    assert resolved.message == "Memory alert ended: program exited"
    assert ev.firing() == []


def test_a_sampling_gap_restarts_the_hold_timer() -> None:
    ev = evaluator(rule(CPU, 90, 60))
    assert feed(ev, T0, T0 + 40, cpu=95.0) == []
    # The sampler stalled for 10 s (> 3 × the 1 s interval): what happened meanwhile is unknown.
    assert feed(ev, T0 + 50, T0 + 109, cpu=95.0) == []
    [fired] = feed(ev, T0 + 110, T0 + 110, cpu=95.0)
    assert fired.time == T0 + 110


def test_the_typical_interval_follows_the_sampling_rate() -> None:
    ev = evaluator(rule(CPU, 90, 60))
    out = feed(ev, T0, T0 + 100, step=10.0, cpu=95.0)  # 10 s sampling is no gap
    assert [(t.fired, t.time) for t in out] == [(True, T0 + 60)]


# ------------------------------------------------------------------------------------------ rule-set changes


def test_set_rules_keeps_state_across_an_unrelated_edit() -> None:
    cpu = rule(CPU, 90, 10)
    ev = evaluator(cpu)
    feed(ev, T0, T0 + 10, cpu=95.0)
    renamed = rule(CPU, 90, 10, name="renamed", action=RuleAction.RESTART)
    ev.set_rules([renamed, rule(RuleKind.MEMORY_ABOVE, 5000, 10, rule_id=2)])
    assert [s.rule_id for s in ev.firing()] == [1]
    assert feed(ev, T0 + 11, T0 + 20, cpu=95.0) == []  # no second fire
    [resolved] = feed(ev, T0 + 21, T0 + 31, cpu=10.0)
    assert resolved.rule is renamed and not resolved.fired


def test_set_rules_keeps_a_pending_timer_too() -> None:
    ev = evaluator(rule(CPU, 90, 60))
    feed(ev, T0, T0 + 30, cpu=95.0)
    ev.set_rules([rule(CPU, 90, 60, name="edited"), rule(CPU, 50, 5, rule_id=2, program_id=9)])
    out = feed(ev, T0 + 31, T0 + 60, cpu=95.0)
    assert [(t.rule.id, t.time) for t in out] == [(1, T0 + 60)]


@pytest.mark.parametrize(
    "replacement",
    [
        [],  # removed
        [rule(CPU, 90, 10, enabled=False)],  # disabled
        [rule(CPU, 80, 10)],  # redefined
    ],
    ids=["removed", "disabled", "redefined"],
)
def test_a_firing_rule_that_is_removed_disabled_or_redefined_ends_silently(replacement) -> None:
    ev = evaluator(rule(CPU, 90, 10))
    feed(ev, T0, T0 + 10, cpu=95.0)
    ev.set_rules(replacement)
    assert ev.firing() == []
    assert feed(ev, T0 + 11, T0 + 30, cpu=10.0) == []  # nothing to resolve


def test_a_redefined_rule_starts_over() -> None:
    ev = evaluator(rule(CPU, 90, 10))
    feed(ev, T0, T0 + 10, cpu=95.0)
    ev.set_rules([rule(CPU, 80, 10)])
    out = feed(ev, T0 + 11, T0 + 21, cpu=95.0)
    assert [(t.fired, t.time) for t in out] == [(True, T0 + 21)]


def test_rule_ids_must_be_unique() -> None:
    with pytest.raises(ValueError, match="share id 1"):
        AlertEvaluator().set_rules([rule(CPU, 90), rule(RuleKind.MEMORY_ABOVE, 10)])


def test_forget_program_ends_its_alerts_silently_and_keeps_the_others() -> None:
    ev = evaluator(rule(CPU, 90, 0))
    ev.observe_tick(tick(T0, sample(1, T0, cpu=95.0), sample(2, T0, cpu=95.0)))
    ev.forget_program(1)
    assert [s.program_id for s in ev.firing()] == [2]
    out = ev.observe_tick(tick(T0 + 1, sample(2, T0 + 1, cpu=95.0)))
    out += ev.observe_tick(tick(T0 + 2, sample(2, T0 + 2, cpu=95.0)))
    out += ev.observe_tick(tick(T0 + 10, sample(2, T0 + 10, cpu=95.0)))
    assert out == []  # program 1 is not reported as stopped: it is gone


def test_firing_describes_current_alerts() -> None:
    ev = evaluator(rule(CPU, 90, 0), rule(RuleKind.MEMORY_ABOVE, 100, 0, rule_id=2))
    ev.observe_tick(tick(T0, sample(1, T0, cpu=50.0, memory_mb=150.0)))
    ev.observe_tick(tick(T0 + 1, sample(1, T0 + 1, cpu=97.0, memory_mb=180.0)))
    states = ev.firing()
    assert [(s.rule_id, s.program_id, s.subject, s.since) for s in states] == [
        (2, 1, "program 1", T0),
        (1, 1, "program 1", T0 + 1),
    ]
    assert states[0].value == pytest.approx(180.0) and states[1].value == pytest.approx(97.0)
