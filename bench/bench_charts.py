"""What live charts cost the GUI thread: 20 LiveCharts (2 series each) plus a 24 h HistoryChart on screen.

Run: ``python bench/bench_charts.py [--seconds 10] [--charts 20]``. Prints figures; it is not a test.

Offscreen (``QT_QPA_PLATFORM=offscreen`` unless set), so painting goes to raster backing stores as on a
desktop without GPU help. One window holds the charts in a grid, each pre-filled with 300 s of history,
and one HistoryChart below them with 24 h at 1000 points per series (avg + peak) and 20 markers. The shared
RedrawClock runs at 30 Hz. Two phases of ``--seconds`` each:

1. the app's case: a 1 s QTimer pushes one sample into every series (as the sampling tick does);
2. the worst case: a sample for every series before every frame, so every chart redraws every frame.

Meanwhile a 5 ms QTimer records the gaps between its ticks: a gap far above 5 ms means the event loop was
blocked (target: the longest stall <= 50 ms). Per-chart redraw time is ``redraw_if_needed`` (setData and
range update); the paint itself is part of the event loop and shows up in the stall and frame figures.
RSS is read before Qt, after QtWidgets, after importing pyqtgraph, and after building the charts.
"""

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIB = 2**20
WINDOW_S = 300.0
STALL_PROBE_MS = 5


def _rss() -> float:
    return psutil.Process().memory_info().rss / MIB


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--charts", type=int, default=20)
    args = parser.parse_args()

    rss_start = _rss()
    from PySide6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QGridLayout, QVBoxLayout, QWidget

    qt_app = QApplication([])
    rss_qt = _rss()
    started = time.perf_counter()
    import pyqtgraph

    pyqtgraph_ms = (time.perf_counter() - started) * 1000
    rss_pyqtgraph = _rss()

    from monitor_app.core.model import Series, SeriesPoint
    from monitor_app.ui.charts import HistoryChart, LiveChart, Marker, RedrawClock

    build_started = time.perf_counter()
    clock = RedrawClock()
    clock.set_paused(True)  # until the window is up
    window = QWidget()
    outer = QVBoxLayout(window)
    grid = QGridLayout()
    outer.addLayout(grid, stretch=3)
    now = time.time()
    rng = np.random.default_rng(1)
    charts: list[LiveChart] = []
    for index in range(args.charts):
        unit = "percent" if index % 2 == 0 else "bytes"
        chart = LiveChart(clock, window_s=WINDOW_S, unit=unit, capacity=4096)
        scale = 100.0 if unit == "percent" else 512.0 * MIB
        for key, colour in (("a", "#d04040"), ("b", "#4060d0")):
            chart.add_series(key, key.upper(), colour)
            times = now - WINDOW_S + np.arange(WINDOW_S)
            chart.extend(key, times, rng.uniform(0, 1, times.size) * scale)
        grid.addWidget(chart, index // 4, index % 4)
        charts.append(chart)

    history = HistoryChart()
    day = 86_400.0
    step = day / 1000
    points_by_key = {}
    for key, scale in (("cpu", 40.0), ("other", 20.0)):
        base = rng.uniform(0, 1, 1000) * scale
        points_by_key[key] = tuple(
            SeriesPoint(now - day + i * step, float(avg), float(avg + rng.uniform(0, 20)))
            for i, avg in enumerate(base)
        )
    series = {
        key: Series(1, "cpu_percent", now - day, now, "1m", step, pts) for key, pts in points_by_key.items()
    }
    shown = time.perf_counter()
    history.show_series(
        series, {"cpu": "CPU", "other": "Other"}, {"cpu": "#d04040", "other": "#4060d0"}, "percent"
    )
    history.set_markers(
        [Marker(now - day + i * day / 20, ("start", "stop", "crash", "restart")[i % 4]) for i in range(20)]
    )
    show_series_ms = (time.perf_counter() - shown) * 1000
    outer.addWidget(history, stretch=2)
    window.resize(1600, 1200)
    window.show()
    qt_app.processEvents()
    build_ms = (time.perf_counter() - build_started) * 1000
    rss_built = _rss()

    # Per-chart redraw timing: wrap each chart's method (the clock calls it through the instance).
    redraw_ms: list[float] = []

    def timed(method: Callable[[], bool]) -> Callable[[], bool]:
        def wrapper() -> bool:
            t = time.perf_counter()
            drew = method()
            if drew:
                redraw_ms.append((time.perf_counter() - t) * 1000)
            return drew

        return wrapper

    for chart in charts:
        chart.redraw_if_needed = timed(chart.redraw_if_needed)  # type: ignore[method-assign]

    # A range change on the shown HistoryChart, paint included (the band's pixel cache is rebuilt).
    range_change_ms = []
    for _ in range(5):
        t = time.perf_counter()
        history.show_series(
            series, {"cpu": "CPU", "other": "Other"}, {"cpu": "#d04040", "other": "#4060d0"}, "percent"
        )
        qt_app.processEvents()
        range_change_ms.append((time.perf_counter() - t) * 1000)

    # Crosshair cost on the history chart, paint included (30 moves per second is its rate limit).
    crosshair_ms = []
    for i in range(200):
        pos = history.scene_pos_for(now - day + (i + 0.5) * day / 200, 20.0)
        t = time.perf_counter()
        history._move_crosshair(pos)
        qt_app.processEvents()
        crosshair_ms.append((time.perf_counter() - t) * 1000)

    def feed() -> None:
        stamp = time.time()
        for chart in charts:
            scale = 100.0 if chart.unit == "percent" else 512.0 * MIB
            chart.append("a", stamp, float(rng.uniform(0, 1)) * scale)
            chart.append("b", stamp, float(rng.uniform(0, 1)) * scale)

    def run_phase(feed_interval_ms: int) -> dict[str, float]:
        redraw_ms.clear()
        gaps: list[float] = []
        last = [time.perf_counter()]

        gap_times: list[float] = []

        def probe() -> None:
            t = time.perf_counter()
            gaps.append((t - last[0]) * 1000)
            gap_times.append(t)
            last[0] = t

        stall = QTimer()
        stall.setTimerType(Qt.TimerType.PreciseTimer)
        stall.timeout.connect(probe)
        feeder = QTimer()
        feeder.setTimerType(Qt.TimerType.PreciseTimer)
        feeder.timeout.connect(feed)
        frames_before, redraws_before = clock.frames, clock.redraws
        cpu_before = psutil.Process().cpu_times()
        elapsed = QElapsedTimer()
        elapsed.start()
        last[0] = time.perf_counter()
        stall.start(STALL_PROBE_MS)
        feeder.start(feed_interval_ms)
        clock.set_paused(False)
        loop = QEventLoop()  # not app.quit(): in Qt 6 that also closes every window
        QTimer.singleShot(round(args.seconds * 1000), loop.quit)
        loop.exec()
        clock.set_paused(True)
        feeder.stop()
        stall.stop()
        seconds = elapsed.elapsed() / 1000
        phase_start = gap_times[0] if gap_times else 0.0
        steady = [gap for gap, t in zip(gaps, gap_times, strict=True) if t - phase_start > 1.0]
        cpu_after = psutil.Process().cpu_times()
        cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
        return {
            "seconds": seconds,
            "fps": (clock.frames - frames_before) / seconds,
            "chart_redraws_per_s": (clock.redraws - redraws_before) / seconds,
            "redraw_median": statistics.median(redraw_ms) if redraw_ms else 0.0,
            "redraw_p95": _percentile(redraw_ms, 0.95) if redraw_ms else 0.0,
            "redraw_max": max(redraw_ms, default=0.0),
            "stall_max": max(gaps) if gaps else 0.0,
            "stall_p99": _percentile(gaps, 0.99) if gaps else 0.0,
            "stall_max_steady": max(steady, default=0.0),
            "cpu_percent": cpu / seconds * 100,
        }

    app_case = run_phase(1000)
    worst_case = run_phase(max(1, round(1000 / clock.hz)))
    rss_end = _rss()

    print(
        f"bench_charts: {args.charts} LiveCharts x 2 series ({WINDOW_S:.0f} s window) + HistoryChart 24 h x 1000 points x 2 series"
    )
    print(
        f"  Python {sys.version.split()[0]}, pyqtgraph {pyqtgraph.__version__}, platform {os.environ['QT_QPA_PLATFORM']}, window 1600x1200"
    )
    print(
        f"  RSS  start {rss_start:.1f} MiB -> QtWidgets+QApplication {rss_qt:.1f} MiB -> "
        f"import pyqtgraph {rss_pyqtgraph:.1f} MiB (+{rss_pyqtgraph - rss_qt:.1f} MiB, {pyqtgraph_ms:.0f} ms)"
    )
    print(
        f"  RSS  after building and showing the charts {rss_built:.1f} MiB (+{rss_built - rss_pyqtgraph:.1f} MiB), "
        f"end {rss_end:.1f} MiB; build+first paint {build_ms:.0f} ms"
    )
    print(
        f"  HistoryChart: show_series + 20 markers {show_series_ms:.1f} ms before first paint; range change "
        f"incl. paint median {statistics.median(range_change_ms):.1f} ms; crosshair move incl. paint "
        f"median {statistics.median(crosshair_ms):.2f} ms, p95 {_percentile(crosshair_ms, 0.95):.2f} ms"
    )
    for title, result in (
        ("1 Hz feed (the app's case)", app_case),
        ("sample before every frame (worst case)", worst_case),
    ):
        print(f"  {title}, {result['seconds']:.1f} s:")
        print(
            f"    frames/s {result['fps']:.1f} (clock target {clock.hz:.0f}); chart redraws/s {result['chart_redraws_per_s']:.1f}"
        )
        print(
            f"    redraw per chart  median {result['redraw_median']:.2f} ms  p95 {result['redraw_p95']:.2f} ms  "
            f"max {result['redraw_max']:.2f} ms"
        )
        print(
            f"    event-loop gap    max {result['stall_max']:.1f} ms, after the first second "
            f"{result['stall_max_steady']:.1f} ms, p99 {result['stall_p99']:.1f} ms  "
            f"(probe every {STALL_PROBE_MS} ms; target max <= 50)"
        )
        print(f"    GUI process CPU   {result['cpu_percent']:.1f} % of one core")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
