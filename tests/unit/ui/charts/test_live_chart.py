"""LiveChart: samples in, frames out only when shown and changed, x range following the newest sample."""

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QTranslator
from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from monitor_app.ui.charts.live_chart import COMPACT_HEIGHT, LiveChart
from monitor_app.ui.charts.redraw import RedrawClock
from tests.unit.ui.charts.conftest import T0, show


def _chart(qtbot: QtBot, clock: RedrawClock, **kwargs: object) -> LiveChart:
    chart = LiveChart(clock, **kwargs)  # type: ignore[arg-type]
    chart.add_series("cpu", "CPU", "#d04040")
    show(qtbot, chart)
    return chart


def _view_range(chart: LiveChart) -> list[list[float]]:
    return chart._plot.getPlotItem().getViewBox().viewRange()


def test_live_chart_curve_shows_the_last_window_after_a_tick(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock, window_s=60)
    for i in range(200):
        chart.append("cpu", T0 + i, float(i % 50))
    redraw_clock.tick()
    assert chart.redraws == 1
    x, y = chart.curve("cpu").getOriginalDataset()
    # The window [T0+139, T0+199] plus the one sample left of it, so the line enters from the edge.
    expected = np.arange(138, 200, dtype=float)
    assert x.tolist() == (T0 + expected).tolist()
    assert y.tolist() == (expected % 50).tolist()
    shown_x, _ = chart.curve("cpu").getData()
    assert shown_x[0] <= T0 + 139 and shown_x[-1] == T0 + 199


def test_live_chart_x_range_follows_the_newest_sample(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock, window_s=300)
    chart.append("cpu", T0, 5.0)
    redraw_clock.tick()
    assert _view_range(chart)[0] == pytest.approx([T0 - 300, T0])
    chart.append("cpu", T0 + 10, 7.0)
    redraw_clock.tick()
    assert _view_range(chart)[0] == pytest.approx([T0 - 290, T0 + 10])


def test_live_chart_x_range_uses_the_newest_of_all_series(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock, window_s=100)
    chart.add_series("mem", "Memory", "#4040d0")
    chart.append("cpu", T0, 1.0)
    chart.append("mem", T0 + 50, 1.0)
    redraw_clock.tick()
    assert _view_range(chart)[0] == pytest.approx([T0 - 50, T0 + 50])


def test_live_chart_does_not_redraw_without_new_data(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    chart.append("cpu", T0, 1.0)
    assert chart.redraw_if_needed()
    assert not chart.redraw_if_needed()
    redraw_clock.tick()
    assert chart.redraws == 1


def test_live_chart_does_not_redraw_while_hidden(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = LiveChart(redraw_clock)
    qtbot.addWidget(chart)
    chart.add_series("cpu", "CPU", "r")
    chart.append("cpu", T0, 1.0)
    redraw_clock.tick()
    assert chart.redraws == 0
    assert chart.curve("cpu").getOriginalDataset() == (None, None)
    # Shown later, it draws what arrived meanwhile.
    show(qtbot, chart)
    redraw_clock.tick()
    assert chart.redraws == 1
    assert chart.curve("cpu").getOriginalDataset()[0].tolist() == [T0]


def test_live_chart_does_not_redraw_when_scrolled_out_of_view(
    qtbot: QtBot, redraw_clock: RedrawClock
) -> None:
    page = QWidget()
    column = QVBoxLayout(page)
    charts = []
    for _ in range(8):
        chart = LiveChart(redraw_clock)
        chart.add_series("cpu", "CPU", "r")
        chart.append("cpu", T0, 1.0)
        column.addWidget(chart)
        charts.append(chart)
    area = QScrollArea()
    area.setWidget(page)
    area.setWidgetResizable(True)
    show(qtbot, area, width=400, height=300)
    redraw_clock.tick()
    assert charts[0].redraws == 1
    assert charts[-1].redraws == 0
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    redraw_clock.tick()
    assert charts[-1].redraws == 1


def test_live_chart_does_not_redraw_when_minimized(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    chart.showMinimized()
    qtbot.waitUntil(chart.isMinimized, timeout=2000)
    chart.append("cpu", T0, 1.0)
    assert not chart.redraw_if_needed()


def test_live_chart_uses_peak_downsampling_and_clip_to_view(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    opts = chart.curve("cpu").opts
    assert (opts["autoDownsample"], opts["downsampleMethod"], opts["clipToView"]) == (True, "peak", True)
    assert opts["skipFiniteCheck"] is True and opts["antialias"] is False


def test_live_chart_keeps_its_curves_across_redraws(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    curve = chart.curve("cpu")
    items = list(chart._plot.getPlotItem().listDataItems())
    for i in range(5):
        chart.append("cpu", T0 + i, 1.0)
        redraw_clock.tick()
    assert chart.curve("cpu") is curve
    assert chart._plot.getPlotItem().listDataItems() == items


def test_live_chart_percent_y_range_has_a_floor(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock, unit="percent")
    chart.append("cpu", T0, 0.3)
    redraw_clock.tick()
    low, high = _view_range(chart)[1]
    assert low == 0.0 and high == pytest.approx(5.0)
    chart.append("cpu", T0 + 1, 93.0)
    redraw_clock.tick()
    assert _view_range(chart)[1] == pytest.approx([0.0, 100.0])


def test_live_chart_compact_is_a_fixed_height_sparkline_from_0_to_100(
    qtbot: QtBot, redraw_clock: RedrawClock
) -> None:
    chart = _chart(qtbot, redraw_clock, compact=True)
    item = chart._plot.getPlotItem()
    assert chart.height() == COMPACT_HEIGHT
    assert not item.getAxis("left").isVisible() and not item.getAxis("bottom").isVisible()
    assert item.legend is None
    assert item.getViewBox().state["mouseEnabled"] == [False, False]
    chart.append("cpu", T0, 3.0)
    redraw_clock.tick()
    assert _view_range(chart)[1] == pytest.approx([0.0, 100.0])


def test_live_chart_legend_names_the_series(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    legend = chart._plot.getPlotItem().legend
    assert legend.getLabel(chart.curve("cpu")).text == "CPU"
    chart.set_series_label("cpu", "Processor")
    assert legend.getLabel(chart.curve("cpu")).text == "Processor"


def test_live_chart_ignores_non_finite_values(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    chart.append("cpu", T0, float("nan"))
    chart.extend("cpu", np.array([T0 + 1, T0 + 2]), np.array([1.0, np.inf]))
    assert chart.samples("cpu")[0].tolist() == [T0 + 1]


def test_live_chart_starts_over_when_the_clock_goes_back(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    chart.append("cpu", T0 + 100, 1.0)
    chart.append("cpu", T0, 2.0)
    assert chart.samples("cpu")[0].tolist() == [T0]


def test_live_chart_extend_rejects_unsorted_times(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    with pytest.raises(ValueError, match="ascending"):
        chart.extend("cpu", np.array([T0 + 2, T0 + 1]), np.array([1.0, 2.0]))


def test_live_chart_set_window_and_clear(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock, window_s=300)
    chart.extend("cpu", T0 + np.arange(100.0), np.ones(100))
    chart.set_window(10)
    redraw_clock.tick()
    assert _view_range(chart)[0] == pytest.approx([T0 + 89, T0 + 99])
    assert chart.curve("cpu").getOriginalDataset()[0].size == 12
    chart.clear()
    redraw_clock.tick()
    assert chart.curve("cpu").getOriginalDataset() == (None, None)
    assert chart.placeholder_text and chart._placeholder.isVisible()
    with pytest.raises(ValueError):
        chart.set_window(0)


def test_live_chart_rejects_a_duplicate_series_and_unknown_keys(
    qtbot: QtBot, redraw_clock: RedrawClock
) -> None:
    chart = _chart(qtbot, redraw_clock)
    with pytest.raises(ValueError):
        chart.add_series("cpu", "again", "r")
    with pytest.raises(KeyError):
        chart.append("nope", T0, 1.0)


def test_live_chart_retranslates_on_language_change(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    original = chart.placeholder_text
    chart._placeholder.setText("stale")
    QCoreApplication.sendEvent(chart, QEvent(QEvent.Type.LanguageChange))
    assert chart.placeholder_text == original == "Waiting for data…"


class _Upper(QTranslator):
    """Translates every LiveChart text to upper case, standing in for a real .qm file."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return source.upper() if context == "LiveChart" else None

    def isEmpty(self) -> bool:
        return False


def test_live_chart_follows_an_installed_translator(qtbot: QtBot, redraw_clock: RedrawClock) -> None:
    chart = _chart(qtbot, redraw_clock)
    translator = _Upper()
    QCoreApplication.installTranslator(translator)  # posts LanguageChange to every widget
    try:
        qtbot.waitUntil(lambda: chart.placeholder_text == "WAITING FOR DATA…", timeout=2000)
    finally:
        QCoreApplication.removeTranslator(translator)
    qtbot.waitUntil(lambda: chart.placeholder_text == "Waiting for data…", timeout=2000)


@pytest.mark.parametrize("rate_hz", [1, 10])
def test_live_chart_survives_500_redraws(qtbot: QtBot, redraw_clock: RedrawClock, rate_hz: int) -> None:
    # DESIGN.md fact 1: on Python 3.11 this loop aborted with none_dealloc; it must run clean here.
    chart = LiveChart(redraw_clock, window_s=300, unit="percent", capacity=4096)
    chart.add_series("cpu", "CPU", "#d04040")
    chart.add_series("mem", "Memory", "#4040d0")
    show(qtbot, chart)
    rng = np.random.default_rng(7)
    t = T0
    for _ in range(500):
        for _ in range(rate_hz):  # one second of samples per frame; 10 Hz wraps the 4096-sample ring
            t += 1.0 / rate_hz
            chart.append("cpu", t, float(rng.uniform(0, 100)))
            chart.append("mem", t, float(rng.uniform(0, 100)))
        redraw_clock.tick()
        QCoreApplication.processEvents()  # paint the frame
    assert chart.redraws == 500
    assert redraw_clock.frames == 500
    x, _ = chart.curve("cpu").getOriginalDataset()
    assert x[-1] == pytest.approx(t)
    assert x[0] < t - 300 <= x[1]  # one sample left of the window, the rest inside
