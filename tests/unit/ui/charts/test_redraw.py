"""RedrawClock: one timer, bounded rate, drives registered charts, runs only when needed."""

import pytest
import shiboken6
from pytestqt.qtbot import QtBot

from monitor_app.ui.charts.live_chart import LiveChart
from monitor_app.ui.charts.redraw import MAX_REDRAW_HZ, RedrawClock


class _FakeChart:
    """Counts the clock's calls; answers as if it redrew when ``dirty``."""

    def __init__(self) -> None:
        self.calls = 0
        self.dirty = True

    def redraw_if_needed(self) -> bool:
        self.calls += 1
        drew, self.dirty = self.dirty, False
        return drew


def test_redraw_clock_defaults_to_30_hz(qtbot: QtBot) -> None:
    clock = RedrawClock()
    assert clock.hz == pytest.approx(MAX_REDRAW_HZ, rel=0.02)


@pytest.mark.parametrize("hz", [0, -1, 31, 60])
def test_redraw_clock_rejects_rates_outside_0_to_30(qtbot: QtBot, hz: float) -> None:
    with pytest.raises(ValueError):
        RedrawClock(hz)


def test_redraw_clock_tick_calls_every_chart_and_counts(qtbot: QtBot) -> None:
    clock = RedrawClock()
    charts = [_FakeChart(), _FakeChart()]
    for chart in charts:
        clock.register(chart)
    clock.tick()
    clock.tick()
    assert [chart.calls for chart in charts] == [2, 2]
    assert clock.frames == 2
    assert clock.redraws == 2  # each drew once: the second tick found nothing new
    for chart in charts:
        clock.unregister(chart)


def test_redraw_clock_timer_runs_only_while_charts_are_registered(qtbot: QtBot) -> None:
    clock = RedrawClock()
    assert not clock.active
    chart = _FakeChart()
    clock.register(chart)
    assert clock.active
    qtbot.waitUntil(lambda: chart.calls >= 3, timeout=2000)
    clock.unregister(chart)
    assert not clock.active


def test_redraw_clock_pause_stops_the_timer(qtbot: QtBot) -> None:
    clock = RedrawClock()
    chart = _FakeChart()
    clock.register(chart)
    clock.set_paused(True)
    assert not clock.active
    clock.set_paused(False)
    assert clock.active
    clock.unregister(chart)


def test_redraw_clock_drops_charts_whose_widget_was_deleted(qtbot: QtBot) -> None:
    clock = RedrawClock()
    clock.set_paused(True)
    chart = LiveChart(clock)
    assert clock.registered() == 1
    shiboken6.delete(chart)  # as when a parent widget deletes its children
    clock.tick()
    assert clock.registered() == 0


def test_redraw_clock_forgets_garbage_collected_charts(qtbot: QtBot) -> None:
    clock = RedrawClock()
    chart = _FakeChart()
    clock.register(chart)
    del chart
    assert clock.registered() == 0


def test_redraw_clock_limits_redraws_per_frame_and_takes_turns(qtbot: QtBot) -> None:
    clock = RedrawClock(max_redraws_per_frame=2)
    clock.set_paused(True)
    charts = [_FakeChart() for _ in range(5)]
    for chart in charts:
        clock.register(chart)

    def redrawn_this_frame() -> list[int]:
        before = [chart.dirty for chart in charts]
        clock.tick()
        return [i for i, chart in enumerate(charts) if before[i] and not chart.dirty]

    assert redrawn_this_frame() == [0, 1]
    assert redrawn_this_frame() == [2, 3]
    for chart in charts[:2]:
        chart.dirty = True
    assert redrawn_this_frame() == [0, 4]  # chart 4's turn came first, then the frame wrapped around
    assert redrawn_this_frame() == [1]
    assert clock.redraws == 5 + 2


def test_redraw_clock_registers_a_chart_once(qtbot: QtBot) -> None:
    clock = RedrawClock()
    clock.set_paused(True)
    chart = _FakeChart()
    clock.register(chart)
    clock.register(chart)
    assert clock.registered() == 1
    clock.tick()
    assert chart.calls == 1


def test_redraw_clock_rejects_a_zero_frame_budget(qtbot: QtBot) -> None:
    with pytest.raises(ValueError):
        RedrawClock(max_redraws_per_frame=0)
