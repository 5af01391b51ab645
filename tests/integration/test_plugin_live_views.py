"""The window's side of long plugin actions and live logs, over a real engine and real plugins: a long action
started from the plugin section becomes a job whose progress bar moves in the Jobs view and can be cancelled
there; a panel's log (the log watcher's live tail of a real file) appends new lines, filters as the user
types (plain or regex, a bad expression says so and hides nothing) and pauses."""

import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from monitor_app.core.jobs import JobState
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause
from monitor_app.pluginhost.api import PanelLog
from monitor_app.resources import bundled_plugins_dir
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.jobs_view import JOB_ROLE, JobColumn
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.plugin_dialogs import ActionDialog
from monitor_app.ui.plugin_panel_view import LOG_LINES_KEPT, PanelLogView
from monitor_app.ui.program_commands import ProgramCommands
from tests.helpers.processes import child_args

SAMPLES = Path(__file__).resolve().parent.parent / "helpers" / "plugin_samples"


@pytest.fixture
def engine(engines):
    return engines(plugin_dirs=(SAMPLES, bundled_plugins_dir()))


@pytest.fixture
def program(engine, tmp_path):
    return engine.add_program(
        ProgramSpec(name="palserver", path=sys.executable, args=child_args("--sleep", "60"), cwd=str(tmp_path)),
        cause=Cause.USER,
        actor="t",
    )


@pytest.fixture
def window(qtbot, engine, program):
    tasks = BackgroundTasks()
    win = MainWindow(engine, tasks=tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(win)
    win.resize(1300, 850)
    win.show()
    qtbot.waitExposed(win)
    win.select_program(program.id)
    win.detail.tabs.setCurrentWidget(win.detail.plugins)
    qtbot.waitUntil(lambda: win.detail.plugins.program_id == program.id)
    yield win
    tasks.wait_for_done()


def section_of(qtbot, window, instance):  # type: ignore[no-untyped-def]
    view = window.detail.plugins
    qtbot.waitUntil(lambda: view.section(instance.id) is not None, timeout=5000)
    section = view.section(instance.id)
    qtbot.waitUntil(lambda: section.status.text() == "Running", timeout=5000)
    return section


# ---------------------------------------------------------------------------------------- long actions as jobs


def test_a_long_action_from_the_window_is_a_job_with_a_moving_progress_bar(qtbot, engine, program, window,
                                                                          tmp_path) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    instance = engine.plugins.attach(program.id, "steps", {"gate": str(gate)})
    section = section_of(qtbot, window, instance)
    section.action_buttons["work"].click()
    dialog = section.dialog
    assert isinstance(dialog, ActionDialog)
    dialog.ok_button.click()  # three steps, the default
    qtbot.waitUntil(lambda: section.dialog is None, timeout=5000)
    job = next(j for j in engine.automation.jobs() if j.kind == "plugin.action")
    assert section.result.text() == f"Work: running as job #{job.id}; its progress shows in Automation › Jobs…"

    window.tabs.setCurrentWidget(window.automation)
    window.automation.show_page(window.jobs)
    jobs = window.jobs
    qtbot.waitUntil(lambda: jobs.model.row_of(job.id) is not None, timeout=5000)
    assert jobs.select_job(job.id)
    header = jobs.table.horizontalHeader()
    assert header.visualIndex(JobColumn.PROGRESS) == header.visualIndex(JobColumn.STATE) + 1
    assert jobs.model.headerData(JobColumn.PROGRESS, Qt.Orientation.Horizontal) == "Progress"

    def cell() -> str:
        return jobs.model.index(jobs.model.row_of(job.id), JobColumn.PROGRESS).data() or ""

    assert cell() == ""
    (gate / "0").touch()
    qtbot.waitUntil(lambda: cell() == "33 % · 1 of 3 steps", timeout=5000)
    jobs.table.viewport().grab()  # the bar is painted by the delegate (a failure there raises)
    assert [job_.id for job_ in jobs.selected_jobs()] == [job.id]  # updated in place: still selected
    assert "Progress: 33 % · 1 of 3 steps" in jobs.detail.toPlainText()
    (gate / "1").touch()
    qtbot.waitUntil(lambda: cell() == "66 % · 2 of 3 steps", timeout=5000)
    (gate / "2").touch()
    qtbot.waitUntil(lambda: jobs.model.job(job.id).state is JobState.DONE, timeout=5000)
    assert cell() == "100 % · 3 of 3 steps"
    qtbot.waitUntil(lambda: section.result.text().startswith("Work ("), timeout=5000)
    assert not section.result.is_error


def test_cancel_in_the_jobs_view_stops_a_long_action(qtbot, engine, program, window, tmp_path) -> None:
    gate = tmp_path / "gate"
    gate.mkdir()
    instance = engine.plugins.attach(program.id, "steps", {"gate": str(gate)})
    section = section_of(qtbot, window, instance)
    job = engine.plugins.queue_action(instance.id, "work", {"steps": 2})
    qtbot.waitUntil(lambda: engine.plugins.unsafe_reason(program.id) is not None, timeout=5000)
    window.tabs.setCurrentWidget(window.automation)
    window.automation.show_page(window.jobs)
    jobs = window.jobs
    qtbot.waitUntil(lambda: jobs.model.row_of(job.id) is not None
                    and jobs.model.job(job.id).state is JobState.RUNNING, timeout=5000)
    assert jobs.select_job(job.id)
    assert jobs.cancel_action.isEnabled()
    jobs.cancel_action.trigger()
    qtbot.waitUntil(lambda: jobs.model.job(job.id).state is JobState.CANCELLED, timeout=5000)
    qtbot.waitUntil(lambda: engine.plugins.unsafe_reason(program.id) is None, timeout=5000)  # the plugin stopped
    assert engine.plugins.run_action(instance.id, "quick", {}) == "quick"
    assert section.action_buttons["quick"].isEnabled()


# ------------------------------------------------------------------------------------------------ live logs


def test_a_log_appends_filters_as_you_type_and_pauses(qtbot) -> None:
    view = PanelLogView(PanelLog("log", "Log", ("Server started", "Alice joined"), first=0))
    qtbot.addWidget(view)
    assert view.shown_lines() == ["Server started", "Alice joined"]
    view.set_log(PanelLog("log", "Log", ("Server started", "Alice joined", "bob JOINED", "tick"), first=0))
    assert view.shown_lines() == ["Server started", "Alice joined", "bob JOINED", "tick"]

    qtbot.keyClicks(view.filter, "joined")
    assert view.shown_lines() == ["Server started", "Alice joined", "bob JOINED", "tick"]  # not on every key
    qtbot.waitUntil(lambda: view.shown_lines() == ["Alice joined", "bob JOINED"], timeout=2000)  # any case
    assert view.count.text() == "2 of 4 lines"
    # The oldest line leaves the plugin's window; the new ones are appended through the filter.
    view.set_log(PanelLog("log", "Log", ("Alice joined", "bob JOINED", "tick", "Carol joined", "tock"), first=1))
    assert view.shown_lines() == ["Alice joined", "bob JOINED", "Carol joined"]

    view.regex.setChecked(True)
    view.filter.setText("^(alice|carol)")
    view.apply_filter()
    assert view.shown_lines() == ["Alice joined", "Carol joined"]
    view.filter.setText("(unclosed")
    view.apply_filter()  # a bad expression: said so, nothing hidden or lost
    assert "Not a valid regular expression" in view.filter.toolTip()
    assert view.shown_lines() == ["Alice joined", "Carol joined"]
    view.regex.setChecked(False)
    view.filter.clear()
    view.apply_filter()
    assert view.filter.styleSheet() == ""
    assert len(view.shown_lines()) == 6

    view.pause.setChecked(True)
    view.set_log(PanelLog("log", "Log", ("tick", "Carol joined", "tock", "Dave joined"), first=3))
    assert view.shown_lines()[-1] == "tock" and view.count.text() == "paused, 1 new"
    view.pause.setChecked(False)
    assert view.shown_lines()[-1] == "Dave joined" and len(view.shown_lines()) == 7

    view.set_log(PanelLog("log", "Log", (), first=7))  # the plugin cleared its log
    assert view.shown_lines() == []
    view.set_log(PanelLog("log", "Log", ("again",), first=0))  # a restarted plugin counts from 0 again
    assert view.shown_lines() == ["again"]


def test_a_log_keeps_a_bounded_number_of_lines(qtbot) -> None:
    view = PanelLogView(PanelLog("log", "Log"))
    qtbot.addWidget(view)
    batch = 500
    for start in range(0, LOG_LINES_KEPT * 2, batch):
        view.set_log(PanelLog("log", "Log", tuple(f"line {n}" for n in range(start, start + batch)), first=start))
    assert len(view.lines) == LOG_LINES_KEPT and view.text.blockCount() == LOG_LINES_KEPT
    assert view.shown_lines()[-1] == f"line {LOG_LINES_KEPT * 2 - 1}"


def test_the_log_watchers_panel_is_a_live_tail_of_the_file(qtbot, engine, program, window, tmp_path) -> None:
    log_file = tmp_path / "server.log"
    log_file.write_text("Server started\n", encoding="utf-8")
    instance = engine.plugins.attach(program.id, "logwatch", {"patterns": str(log_file)})
    section = section_of(qtbot, window, instance)
    qtbot.waitUntil(lambda: "tail" in section.panel.logs, timeout=5000)
    tail = section.panel.logs["tail"]
    qtbot.waitUntil(lambda: section.panel.fact("Following") == "server.log", timeout=5000)  # it starts at the end
    assert tail.shown_lines() == []
    with log_file.open("a", encoding="utf-8") as out:
        out.write("Alice joined the server\nsaving world\nBob joined the server\n")
    qtbot.waitUntil(lambda: tail.shown_lines() == ["Alice joined the server", "saving world", "Bob joined the server"],
                    timeout=5000)
    tail.filter.setText("JOINED")
    qtbot.waitUntil(lambda: tail.shown_lines() == ["Alice joined the server", "Bob joined the server"], timeout=2000)
    with log_file.open("a", encoding="utf-8") as out:
        out.write("tick\nCarol joined the server\n")
    qtbot.waitUntil(lambda: tail.shown_lines()[-1] == "Carol joined the server", timeout=5000)
    assert tail.shown_lines() == ["Alice joined the server", "Bob joined the server", "Carol joined the server"]

    tail.pause.setChecked(True)
    with log_file.open("a", encoding="utf-8") as out:
        out.write("Dave joined the server\n")
    qtbot.waitUntil(lambda: tail.count.text() == "paused, 1 new", timeout=5000)
    assert tail.shown_lines()[-1] == "Carol joined the server"
    tail.pause.setChecked(False)
    assert tail.shown_lines()[-1] == "Dave joined the server"
    panel = engine.plugins.panel_json(instance.id)
    assert panel["logs"][0]["key"] == "tail" and panel["logs"][0]["lines"][-1] == "Dave joined the server"


def test_jobs_view_rows_carry_the_job(qtbot, engine, window) -> None:
    """The delegate reads the row's job; a job without progress draws as plain text."""
    window.tabs.setCurrentWidget(window.automation)
    window.automation.show_page(window.jobs)
    job = engine.automation.enqueue("unknown.kind", {}, title="no progress", max_attempts=1)
    jobs = window.jobs
    qtbot.waitUntil(lambda: jobs.model.row_of(job.id) is not None, timeout=5000)
    index = jobs.model.index(jobs.model.row_of(job.id), JobColumn.PROGRESS)
    assert index.data(JOB_ROLE).id == job.id and index.data() == ""
    jobs.table.viewport().grab()
