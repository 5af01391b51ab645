"""The main window and tray over a real engine: the table follows the engine, clicks reach it."""

import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, ProgramState
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.programs_model import Column
from monitor_app.ui.tray_icon import TrayIcon
from tests.helpers.processes import child_args

S = ProgramState


@pytest.fixture
def window(qtbot, engine):
    tasks = BackgroundTasks()
    win = MainWindow(engine, tasks=tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    tasks.wait_for_done()


def add(engine, name: str, *options: str, **kw) -> ProgramSpec:
    kw.setdefault("startsecs", 0.2)
    return engine.add_program(
        ProgramSpec(name=name, path=sys.executable, args=child_args(*options), **kw), cause=Cause.USER, actor="t"
    )


def cell(win: MainWindow, program_id: int, column: Column) -> str:
    row = win.model.row_of(program_id)
    return win.model.index(row, column).data() if row is not None else ""


def select(win: MainWindow, program_id: int) -> None:
    win.select_program(program_id)
    assert win.selected_ids() == [program_id]


def test_window_table_follows_engine_state(qtbot, engine, window) -> None:
    spec = add(engine, "game server", "--sleep", "60")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    assert cell(window, spec.id, Column.NAME) == "game server"
    assert cell(window, spec.id, Column.STATE) == "Stopped"
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: cell(window, spec.id, Column.STATE) == "Running", timeout=10_000)
    qtbot.waitUntil(lambda: cell(window, spec.id, Column.MEMORY) != "", timeout=10_000)
    assert cell(window, spec.id, Column.PID) == str(engine.status(spec.id).pid)
    assert "%" in cell(window, spec.id, Column.CPU)
    engine.stop_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: cell(window, spec.id, Column.STATE) == "Stopped", timeout=15_000)
    assert cell(window, spec.id, Column.LAST_EXIT) == "143"


def test_window_selection_and_rows_survive_ticks(qtbot, engine, window) -> None:
    first = add(engine, "alpha", "--sleep", "60")
    second = add(engine, "beta", "--sleep", "60")
    engine.start_program(first.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    select(window, second.id)
    resets: list[bool] = []
    window.model.modelReset.connect(lambda: resets.append(True))
    ticks = []
    engine.metrics_ready.connect(ticks.append)
    qtbot.waitUntil(lambda: len(ticks) >= 5, timeout=10_000)
    assert window.selected_ids() == [second.id]
    assert not resets


def test_window_start_and_stop_from_the_toolbar(qtbot, engine, window) -> None:
    spec = add(engine, "server", "--sleep", "60")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    select(window, spec.id)
    assert window.start_action.isEnabled() and not window.stop_action.isEnabled()
    window.start_action.trigger()
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING, timeout=10_000)
    assert window.stop_action.isEnabled() and not window.start_action.isEnabled()
    assert engine.events(program_id=spec.id, limit=5)  # recorded
    window.stop_action.trigger()
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.STOPPED, timeout=15_000)
    qtbot.waitUntil(lambda: engine.events(program_id=spec.id, limit=1)[0].to_state is S.STOPPED, timeout=5000)
    stopped = engine.events(program_id=spec.id, limit=1)[0]
    assert (stopped.cause, stopped.actor) == (Cause.USER, "tester")


def test_window_multi_select_starts_all_that_can_start(qtbot, engine, window) -> None:
    specs = [add(engine, f"p{i}", "--sleep", "60") for i in range(3)]
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    window.table.selectAll()
    window.start_action.trigger()
    qtbot.waitUntil(lambda: all(engine.status(s.id).state is S.RUNNING for s in specs), timeout=10_000)


def test_window_filter_keeps_matching_rows(qtbot, engine, window) -> None:
    add(engine, "Palworld", "--sleep", "60")
    add(engine, "Minecraft", "--sleep", "60")
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    window.filter.setText("pal")
    assert window.proxy.rowCount() == 1
    assert window.proxy.index(0, Column.NAME).data() == "Palworld"
    window.filter.setText("stopped")  # the state column counts too
    assert window.proxy.rowCount() == 2


def test_window_sorts_numbers_as_numbers(qtbot, engine, window) -> None:
    for name in ("b", "a", "c"):
        add(engine, name)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    window.table.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert [window.proxy.index(r, 0).data() for r in range(3)] == ["c", "b", "a"]


def test_window_delete_asks_and_stops_a_running_program_first(qtbot, engine, window, monkeypatch) -> None:
    spec = add(engine, "server", "--sleep", "60")
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING, timeout=10_000)
    qtbot.waitUntil(lambda: window.model.status(spec.id).state is S.RUNNING)
    select(window, spec.id)
    texts: list[str] = []

    def confirm(box: QMessageBox) -> int:
        texts.append(box.text() + box.informativeText())
        destructive = next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole)
        texts.append(destructive.text())
        box.setProperty("clicked", True)
        destructive.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", confirm)
    window.delete_selected()
    assert "They will be stopped first" in texts[0] and texts[1] == "Stop and delete"
    qtbot.waitUntil(lambda: not engine.programs(), timeout=15_000)
    assert window.model.rowCount() == 0


def test_window_cancelled_delete_changes_nothing(qtbot, engine, window, monkeypatch) -> None:
    spec = add(engine, "server")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    select(window, spec.id)
    monkeypatch.setattr(QMessageBox, "exec", lambda box: 0)  # closed without choosing
    window.delete_selected()
    assert [p.id for p in engine.programs()] == [spec.id]


def test_tray_menu_commands_reach_the_engine(qtbot, engine) -> None:
    spec = add(engine, "server", "--sleep", "60")
    tray = TrayIcon(engine)
    commands = ProgramCommands(engine, "tray user")
    tray.command_requested.connect(lambda pid, verb: commands.run(verb, [pid]))
    tray.rebuild_menu()
    start = tray.menu.findChild(type(tray.menu.actions()[0]), f"tray_start_{spec.id}")
    stop = tray.menu.findChild(type(tray.menu.actions()[0]), f"tray_stop_{spec.id}")
    assert start.isEnabled() and not stop.isEnabled()
    start.trigger()
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING, timeout=10_000)
    assert tray.health == "ok"
    tray.rebuild_menu()
    stop = tray.menu.findChild(type(tray.menu.actions()[0]), f"tray_stop_{spec.id}")
    assert stop.isEnabled()
    stop.trigger()
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.STOPPED, timeout=15_000)
    assert tray.health == "idle"


def test_tray_turns_red_and_notifies_once_when_a_program_crashes(qtbot, engine) -> None:
    from monitor_app.core.states import RestartPolicy

    spec = add(engine, "crashy", "--exit", "4", "--after", "0.4", restart_policy=RestartPolicy.NEVER)
    tray = TrayIcon(engine)
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is S.EXITED, timeout=10_000)
    assert tray.health == "error"
    assert tray.last_notification is not None and "crashed" in tray.last_notification[0]


def test_tray_notifies_an_alert_firing(qtbot, engine) -> None:
    spec = add(engine, "busy", "--sleep", "60")
    tray = TrayIcon(engine)
    engine.automation.add_alert_rule({"name": "any memory", "kind": "memory_above", "threshold": 1, "duration_s": 0,
                                      "program_id": spec.id})
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: tray.last_notification is not None, timeout=10_000)
    title, message = tray.last_notification
    assert "any memory" in title and "Memory" in message


def test_open_log_of_a_program_without_output_says_so(qtbot, engine, window) -> None:
    spec = add(engine, "quiet")
    select(window, spec.id)
    window.open_log()  # the path is asked of the engine in the background
    qtbot.waitUntil(lambda: "not written any output" in window.statusBar().currentMessage(), timeout=5000)
