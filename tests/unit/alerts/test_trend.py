"""memory_trend: projects a least-squares line ahead, needs 5 minutes of data, ignores noise, stays bounded."""

import math
import random

import pytest

from monitor_app.alerts.trend import BUCKET_S, DownsampledHistory, fit_line
from monitor_app.core.alerts import RuleKind
from monitor_app.core.states import ProgramState

from .builders import T0, evaluator, rule, sample, status, tick

TREND = RuleKind.MEMORY_TREND


def run(ev, memory_mb, seconds: int, start: float = T0) -> list:
    """One sample a second for program 1, memory from ``memory_mb(elapsed)``."""
    out = []
    for i in range(seconds):
        t = start + i
        out += ev.observe_tick(tick(t, sample(1, t, memory_mb=memory_mb(i))))
    return out


def test_a_steady_leak_fires_long_before_the_limit_is_reached() -> None:
    ev = evaluator(rule(TREND, 3000, 1800))  # 3000 MB within 30 min
    out = run(ev, lambda s: 1000 + 1.0 * s, 2000)  # +1 MB/s: reaches 3000 MB at 2000 s
    assert [(t.fired, t.time) for t in out] == [(True, T0 + 300)]
    fired = out[0]
    assert fired.value == pytest.approx(1300 + 1800, rel=1e-3) and fired.unit == "MB"
    assert fired.message == "Memory 1300 MB rising 60.0 MB/min: projected 3100 MB ≥ 3000 MB within 30 min"


def test_a_trend_needs_five_minutes_of_data() -> None:
    ev = evaluator(rule(TREND, 1500, 600))
    out = run(ev, lambda s: 1000 + 10.0 * s, 400)  # projected past the limit from the first seconds
    assert [t.time for t in out] == [T0 + 300]


def test_a_trend_resolves_once_the_projection_stays_under_the_limit_for_a_minute() -> None:
    ev = evaluator(rule(TREND, 3000, 1800))
    out = run(ev, lambda s: 1000 + min(s, 400) * 1.0, 3600)  # a leak that stops at 1400 MB
    assert [t.fired for t in out] == [True, False]
    fired, resolved = out
    assert fired.time == T0 + 300
    assert T0 + 400 + 60 < resolved.time < T0 + 400 + 600
    assert resolved.value < 3000
    assert resolved.message.startswith("Memory growth eased: projected")


def test_a_flat_noisy_series_never_fires() -> None:
    noise = random.Random(7)
    ev = evaluator(rule(TREND, 2000, 1800))
    assert run(ev, lambda s: 1000 + noise.uniform(-300, 300), 7200) == []


def test_a_garbage_collected_sawtooth_never_fires() -> None:
    ev = evaluator(rule(TREND, 1600, 1800))
    assert run(ev, lambda s: 1000 + 4.0 * (s % 100), 7200) == []  # climbs 400 MB, drops back, every 100 s


def test_a_slope_lost_in_the_noise_does_not_fire() -> None:
    """±150 MB swings every 10 s hide a 0.004 MB/s drift: a projection an hour ahead would be a guess."""
    swing = [150.0 if (i * 7919) % 13 < 6 else -150.0 for i in range(2000)]
    ev = evaluator(rule(TREND, 1010, 3600))
    out = run(ev, lambda s: 1000 + swing[s // 10] + 0.004 * (s % 600), 3600)
    assert out == []


def test_a_stopped_program_ends_its_trend_alert() -> None:
    ev = evaluator(rule(TREND, 3000, 1800))
    run(ev, lambda s: 1000 + 1.0 * s, 301)
    [resolved] = ev.observe_status(status(1, ProgramState.EXITED, T0 + 302), T0 + 302)
    assert resolved.message == "Memory trend alert ended: program exited"
    # A fresh process needs five fresh minutes before a trend can fire again.
    assert run(ev, lambda s: 1000 + 1.0 * s, 299, start=T0 + 310) == []


def test_trend_history_stays_bounded_over_100k_samples() -> None:
    ev = evaluator(rule(TREND, 10**6, 1800), rule(RuleKind.CPU_ABOVE, 90, 60, rule_id=2))
    sizes = []
    for i in range(100_000):
        t = T0 + i
        ev.observe_tick(tick(t, sample(1, t, memory_mb=1000 + math.sin(i / 500) * 100)))
        if i % 5000 == 0:
            sizes.append(len(ev._history[1]))  # private on purpose: the bound is the point
    assert max(sizes) <= 600 / BUCKET_S + 2
    assert sizes[-1] == sizes[-2]  # steady state, not slowly growing


# ------------------------------------------------------------------------------------------ building blocks


def test_downsampled_history_averages_buckets_and_prunes_old_ones() -> None:
    history = DownsampledHistory()
    for i in range(100_000):
        history.add(T0 + i * 0.5, float(i % 2))
        history.prune(T0 + i * 0.5 - 600)
    assert len(history) <= 600 / BUCKET_S + 2
    points = history.points()
    assert all(v == pytest.approx(0.5) for _, v in points[:-1])
    assert history.coverage() == pytest.approx(600, abs=BUCKET_S)
    history.clear()
    assert len(history) == 0 and history.points() == [] and history.coverage() == 0.0


def test_fit_line_recovers_slope_and_value_at_epoch_scale_times() -> None:
    fit = fit_line([(T0 + i, 500.0 + 0.25 * i) for i in range(0, 600, 10)])
    assert fit is not None
    assert fit.slope == pytest.approx(0.25) and fit.stderr == pytest.approx(0.0, abs=1e-9)
    assert fit.at(T0 + 1000) == pytest.approx(750.0)
    assert fit_line([(T0, 1.0), (T0 + 1, 2.0)]) is None
    assert fit_line([(T0, 1.0), (T0, 2.0), (T0, 3.0)]) is None
