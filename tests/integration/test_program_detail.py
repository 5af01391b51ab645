"""The detail view: live charts fill from ticks, each history range loads from storage, output is tailed."""

import sys

import numpy as np
import pytest

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, ProgramState
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.program_detail import RANGES
from tests.helpers.processes import child_args


@pytest.fixture
def running(qtbot, engine):
    tasks = BackgroundTasks()
    win = MainWindow(engine, tasks=tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.redraw_clock is not None)
    spec = engine.add_program(
        ProgramSpec(name="talker", path=sys.executable, args=child_args("--print", "30", "--echo", "안녕 서버", "--sleep", "60"), startsecs=0.2),
        cause=Cause.USER,
        actor="t",
    )
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is ProgramState.RUNNING, timeout=10_000)
    win.select_program(spec.id)
    yield win, spec
    tasks.wait_for_done()


def test_detail_live_charts_receive_samples(qtbot, running) -> None:
    win, spec = running
    detail = win.detail
    assert detail.program_id == spec.id
    qtbot.waitUntil(lambda: len(detail.live_cpu.samples("cpu")[0]) >= 3, timeout=10_000)
    times, values = detail.live_memory.samples("memory")
    assert len(times) >= 3 and values.max() > 1_000_000
    qtbot.waitUntil(lambda: detail.live_cpu.redraws > 0, timeout=5000)
    assert spec.name in detail.title.text() and "PID" in detail.facts.text()


def test_detail_history_loads_for_each_range(qtbot, running) -> None:
    win, spec = running
    detail = win.detail
    ticks = []
    win.engine.metrics_ready.connect(ticks.append)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10_000)
    for key, _seconds in RANGES[1:]:
        with qtbot.waitSignal(detail.history_shown, timeout=10_000) as shown:
            detail.set_range(key)
            assert detail.chart_stack.currentWidget() is detail._history_page
        assert shown.args == [key]
        assert detail.history_cpu.series_keys() == ["cpu"]
        memory_max = detail.history_memory.curves("memory")[1].yData
        if key in ("1h", "24h"):  # raw tier: the samples just taken are there
            assert memory_max is not None and len(memory_max) >= 1 and np.nanmax(memory_max) > 1_000_000
        assert detail.history_cpu.marker_lines(), f"no start marker in range {key}"
    detail.set_range("live")
    assert detail.chart_stack.currentWidget() is detail._live_page


def test_detail_output_tab_tails_the_log(qtbot, running) -> None:
    win, _spec = running
    detail = win.detail
    detail.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: "안녕 서버" in detail.output.toPlainText(), timeout=10_000)
    assert "line 29 of 30" in detail.output.toPlainText()


def test_detail_events_tab_lists_the_programs_events(qtbot, running) -> None:
    win, spec = running
    detail = win.detail
    qtbot.waitUntil(lambda: detail.events.proxy.rowCount() >= 3, timeout=10_000)
    texts = [detail.events.proxy.index(r, 2).data() for r in range(detail.events.proxy.rowCount())]
    assert "Starting → Running" in texts and "Added" in texts
