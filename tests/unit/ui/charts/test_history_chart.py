"""HistoryChart: average and peak curves, gaps, markers, crosshair read-out, loading and message states."""

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QGraphicsItem
from pytestqt.qtbot import QtBot

from monitor_app.core.model import Series, SeriesPoint
from monitor_app.ui.charts.history_chart import BAND_CHUNK, MARKER_COLORS, HistoryChart, Marker
from tests.unit.ui.charts.conftest import T0, show

MIB = 1024.0**2
STEP = 60.0


def _series(
    count: int = 100, *, skip: range = range(0), metric: str = "cpu_percent", scale: float = 1.0
) -> Series:
    points = tuple(
        SeriesPoint(T0 + i * STEP, (10.0 + i % 7) * scale, (20.0 + i % 11) * scale)
        for i in range(count)
        if i not in skip
    )
    return Series(1, metric, T0, T0 + count * STEP, "1m", STEP, points)


def _chart(qtbot: QtBot) -> HistoryChart:
    chart = HistoryChart()
    show(qtbot, chart, width=800, height=300)
    return chart


def _show_cpu(chart: HistoryChart, series: Series | None = None) -> Series:
    series = series or _series()
    chart.show_series({"cpu": series}, {"cpu": "CPU"}, {"cpu": "#3080e0"}, "percent")
    return series


def test_history_chart_draws_average_and_peak_of_each_series(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    cpu = _series()
    memory = _series(metric="memory_rss", scale=MIB)
    chart.show_series(
        {"cpu": cpu, "mem": memory}, {"cpu": "CPU", "mem": "Memory"}, {"cpu": "r", "mem": "b"}, "percent"
    )
    assert chart.series_keys() == ["cpu", "mem"]
    for key, series in (("cpu", cpu), ("mem", memory)):
        avg_item, max_item = chart.curves(key)
        avg_x, avg_y = avg_item.getOriginalDataset()
        max_x, max_y = max_item.getOriginalDataset()
        assert avg_x.tolist() == max_x.tolist() == [p.time for p in series.points]
        assert avg_y.tolist() == [p.avg for p in series.points]
        assert max_y.tolist() == [p.max for p in series.points]
    view = chart._plot.getPlotItem().getViewBox().viewRange()
    assert view[0] == pytest.approx([cpu.start, cpu.end])
    assert view[1][0] == 0.0 and view[1][1] >= 30.0 * MIB


def test_history_chart_fills_between_average_and_peak(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    _show_cpu(chart)
    fill = chart._series["cpu"].fill
    assert not fill.path().isEmpty()
    assert fill.brush().color().alpha() < 255


def test_history_chart_breaks_lines_at_gaps(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    series = _show_cpu(chart, _series(skip=range(40, 60)))
    avg_item, _ = chart.curves("cpu")
    x, y = avg_item.getOriginalDataset()
    assert x.size == len(series.points) + 1
    assert np.isnan(y).sum() == 1
    assert np.all(np.diff(x) > 0)
    assert avg_item.opts["connect"] == "finite"


def test_history_chart_uses_peak_downsampling_and_clip_to_view(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    _show_cpu(chart)
    for item in chart.curves("cpu"):
        assert (item.opts["autoDownsample"], item.opts["downsampleMethod"], item.opts["clipToView"]) == (
            True,
            "peak",
            True,
        )
        assert item.opts["skipFiniteCheck"] is True


def test_history_chart_reuses_curves_and_drops_series_not_shown_again(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    _show_cpu(chart)
    avg_item, _ = chart.curves("cpu")
    chart.show_series({"cpu": _series(50), "mem": _series(50)}, {}, {"cpu": "r", "mem": "b"}, "percent")
    assert chart.curves("cpu")[0] is avg_item
    chart.show_series({"mem": _series(50)}, {"mem": "Memory"}, {"mem": "b"}, "bytes")
    assert chart.series_keys() == ["mem"]
    assert avg_item.scene() is None  # removed from the plot
    assert chart._y_axis.unit == "bytes"


def test_history_chart_markers_appear_at_their_times(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    _show_cpu(chart)
    markers = [
        Marker(T0 + 600, "start"),
        Marker(T0 + 1800, "crash", "Exit code 3"),
        Marker(T0 + 2400, "restart"),
    ]
    chart.set_markers(markers)
    lines = chart.marker_lines()
    assert [line.value() for line in lines] == [T0 + 600, T0 + 1800, T0 + 2400]
    assert lines[1].pen.color().name() == MARKER_COLORS["crash"]
    assert "Crashed" in lines[1].toolTip() and "Exit code 3" in lines[1].toolTip()
    chart.set_markers(markers[:1])
    assert len(chart.marker_lines()) == 1
    assert all(line.scene() is None for line in lines[1:])


def test_history_chart_marker_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError):
        Marker(T0, "exploded")  # type: ignore[arg-type]


def test_history_chart_crosshair_reads_out_the_nearest_point(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    series = _show_cpu(chart)
    point = series.points[42]
    # A little right of point 42 (less than half a step): 42 is still the nearest.
    chart._on_scene_mouse_moved((chart.scene_pos_for(point.time + STEP * 0.3, 15.0),))
    text = chart.readout_text
    assert f"CPU: avg {point.avg:.1f}%, max {point.max:.1f}%" in text
    assert chart._vline.isVisible() and chart._hline.isVisible()
    assert chart._vline.value() == pytest.approx(point.time + STEP * 0.3, abs=STEP * 0.05)
    assert chart._hline.value() == pytest.approx(15.0, abs=0.5)


def test_history_chart_crosshair_shows_a_dash_in_a_gap(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    _show_cpu(chart, _series(skip=range(40, 60)))
    chart._on_scene_mouse_moved((chart.scene_pos_for(T0 + 50 * STEP, 15.0),))
    assert "CPU: avg –, max –" in chart.readout_text


def test_history_chart_crosshair_hides_outside_the_plot(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    _show_cpu(chart)
    chart._on_scene_mouse_moved((chart.scene_pos_for(T0 + 10 * STEP, 15.0),))
    assert chart.readout_text
    view_box = chart._plot.getPlotItem().getViewBox()
    outside = view_box.sceneBoundingRect().bottomRight() + QPoint(5, 5).toPointF()
    chart._on_scene_mouse_moved((outside,))
    assert chart.readout_text == ""
    assert not chart._vline.isVisible()


def test_history_chart_crosshair_follows_a_real_mouse_move(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    series = _show_cpu(chart)
    point = series.points[20]
    viewport_pos = chart._plot.mapFromScene(chart.scene_pos_for(point.time, 15.0))
    # A real mouse-move event delivered to the plot (not via the global cursor, which other tests' windows share).
    viewport = chart._plot.viewport()
    local = QPointF(viewport_pos)
    event = QMouseEvent(QEvent.Type.MouseMove, local, viewport.mapToGlobal(local), Qt.MouseButton.NoButton,
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)
    qtbot.waitUntil(lambda: f"avg {point.avg:.1f}%" in chart.readout_text, timeout=2000)


def test_history_chart_loading_and_message_states(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    assert chart.overlay_text == ""
    chart.set_loading(True)
    assert chart.overlay_text == "Loading…"
    chart.set_message("Storage is busy")
    assert chart.overlay_text == "Loading…"  # loading wins until it ends
    chart.set_loading(False)
    assert chart.overlay_text == "Storage is busy"
    chart.set_message("")
    assert chart.overlay_text == ""


def test_history_chart_says_when_a_range_has_no_data(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    chart.set_loading(True)
    _show_cpu(chart, Series(1, "cpu_percent", T0, T0 + 3600, "raw", 0.0, ()))
    assert chart.overlay_text == "No data for this range"
    _show_cpu(chart)
    assert chart.overlay_text == ""


def test_history_chart_clear_removes_everything(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    _show_cpu(chart)
    chart.set_markers([Marker(T0 + 600, "stop")])
    chart.set_message("old")
    chart._on_scene_mouse_moved((chart.scene_pos_for(T0 + 10 * STEP, 15.0),))
    chart.clear()
    assert chart.series_keys() == []
    assert chart.marker_lines() == []
    assert chart.overlay_text == ""
    assert chart.readout_text == ""
    assert chart._plot.getPlotItem().listDataItems() == []


def test_history_chart_retranslates_on_language_change(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    chart.set_loading(True)
    chart._overlay.setText("stale")
    QCoreApplication.sendEvent(chart, QEvent(QEvent.Type.LanguageChange))
    assert chart.overlay_text == "Loading…"


def test_history_chart_requires_a_colour_per_series(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    with pytest.raises(ValueError, match="no colour"):
        chart.show_series({"cpu": _series()}, {}, {}, "percent")


def test_history_chart_band_is_painted_as_small_polygons_broken_at_gaps(qtbot: QtBot) -> None:
    chart = _chart(qtbot)
    _show_cpu(chart, _series(100, skip=range(40, 60)))
    band = chart._series["cpu"].fill
    polygons = band._polygons
    # Two runs of finite points (0-39 and 60-99): each split into chunks of at most BAND_CHUNK segments.
    assert len(polygons) == 2 * -(-39 // BAND_CHUNK)
    assert all(polygon.size() <= 2 * (BAND_CHUNK + 1) for polygon in polygons)
    first = polygons[0]
    assert first.at(0).x() == T0 and first.at(0).y() == 10.0  # starts on the average...
    assert first.at(first.size() - 1).y() == 20.0  # ...and comes back along the peak
    assert band.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
