"""The Schedules page over a real engine: schedules added and edited through the dialog (with the engine's
inline errors and a live preview of the next times), their next run counting down, switched off and deleted."""

import itertools
import sys

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from monitor_app.core.model import ProgramSpec
from monitor_app.core.schedules import Schedule, ScheduleKind, WhenPlayersOnline
from monitor_app.core.states import Cause
from monitor_app.schedules import next_fire
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.schedule_dialog import ScheduleDialog
from monitor_app.ui.schedule_labels import moment_text
from monitor_app.ui.schedules_view import ScheduleColumn, SchedulesView

NIGHTLY = {"name": "Nightly", "action": "restart", "kind": "daily", "time_of_day": "04:00"}


@pytest.fixture
def window(qtbot, engine):
    tasks = BackgroundTasks()
    win = MainWindow(engine, tasks=tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.tabs.setCurrentWidget(win.automation)
    yield win
    tasks.wait_for_done()


def add_program(engine, name: str = "Palworld") -> ProgramSpec:
    return engine.add_program(ProgramSpec(name=name, path=sys.executable), cause=Cause.USER, actor="t")


def schedules_page(win: MainWindow) -> SchedulesView:
    win.automation.show_page(win.schedules)
    return win.schedules


def press_ok(dialog: ScheduleDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def open_add(view: SchedulesView) -> ScheduleDialog:
    view.add_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, ScheduleDialog) and dialog.isVisible()
    return dialog


def preview_items(dialog: ScheduleDialog) -> list[str]:
    text = dialog.preview.text()
    assert text.startswith("Next: "), text
    return text.removeprefix("Next: ").removesuffix(" (this computer's time)").split(", ")


def test_schedules_page_sits_between_the_notification_pages_and_jobs(qtbot, window) -> None:
    tabs = window.automation.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    assert titles.index("Schedules") == titles.index("Jobs") - 1
    assert titles.index("Webhooks") < titles.index("Schedules")
    assert window.automation.page("schedulesView") is window.schedules


def test_schedule_added_through_the_dialog_after_an_inline_cron_error(qtbot, engine, window) -> None:
    program = add_program(engine)
    view = schedules_page(window)
    assert view.hint.isVisible() and "No schedules yet" in view.hint.text()
    dialog = open_add(view)
    assert dialog.windowTitle() == "Add schedule"
    # the defaults: a nightly restart at 04:00 with warnings, waiting up to 30 min for players to leave
    assert dialog.program.currentData() == program.id
    assert dialog.action.currentText() == "Restart"
    assert dialog.kind() is ScheduleKind.DAILY and dialog.time.time().toString("HH:mm") == "04:00"
    assert dialog.selected_days() == list(range(7))
    assert dialog.warnings.text() == "10, 5, 1"
    assert dialog.players_policy() is WhenPlayersOnline.DEFER and dialog.defer_max.value() == 30
    assert [item.endswith(" 04:00") for item in preview_items(dialog)] == [True] * 3

    dialog.kind_buttons[ScheduleKind.CRON].click()
    assert dialog.pages.currentWidget().isVisible() and dialog.cron.isVisible()
    dialog.cron.setText("61 4 * * *")
    assert "minute value 61 is out of range 0-59" in dialog.preview.text()
    press_ok(dialog)
    assert dialog.isVisible()
    assert dialog.error_text("cron").startswith("invalid cron expression: minute value 61")
    assert dialog.error_text("name") == "" and dialog.error_text("warnings_min") == ""
    assert engine.automation.schedules() == ()

    dialog.name.setText("Nightly restart")
    dialog.kind_buttons[ScheduleKind.DAILY].click()
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    assert not dialog.isVisible()
    (stored,) = engine.automation.schedules()
    assert (stored.program_id, stored.name, stored.action.value) == (program.id, "Nightly restart", "restart")
    assert (stored.kind, stored.time_of_day, stored.weekdays, stored.cron) == (
        ScheduleKind.DAILY,
        "04:00",
        (),
        None,
    )
    assert stored.warnings_min == (10, 5, 1) and stored.timezone is None and stored.enabled
    assert (stored.when_players_online, stored.defer_max_min) == (WhenPlayersOnline.DEFER, 30)

    assert view.selected_id() == stored.id
    assert not view.hint.isVisible()
    assert view.cell(stored.id, ScheduleColumn.PROGRAM) == "Palworld"
    assert view.cell(stored.id, ScheduleColumn.NAME) == "Nightly restart"
    assert view.cell(stored.id, ScheduleColumn.ACTION) == "Restart"
    assert view.cell(stored.id, ScheduleColumn.WHEN) == "Every day at 04:00"
    assert view.cell(stored.id, ScheduleColumn.WARNINGS) == "10, 5, 1 min before"
    assert view.cell(stored.id, ScheduleColumn.PLAYERS) == "Wait up to 30 min"
    # the next run the engine planned, as a local date and time with a countdown
    qtbot.waitUntil(lambda: engine.automation.next_fire(stored.id) is not None, timeout=5000)
    planned = engine.automation.next_fire(stored.id)
    qtbot.waitUntil(
        lambda: view.cell(stored.id, ScheduleColumn.NEXT_RUN).startswith(moment_text(planned) + " · in "),
        timeout=5000,
    )
    assert " 04:00 · in " in view.cell(stored.id, ScheduleColumn.NEXT_RUN)


def test_edit_to_weekdays_then_to_an_interval(qtbot, engine, window) -> None:
    program = add_program(engine)
    schedule = engine.automation.add_schedule({"program_id": program.id, **NIGHTLY})
    view = schedules_page(window)
    assert view.select_schedule(schedule.id)
    view.edit_action.trigger()
    dialog = view.dialog
    assert dialog.windowTitle() == "Edit schedule"
    assert dialog.name.text() == "Nightly" and dialog.selected_days() == list(range(7))
    assert dialog.warnings.text() == "" and dialog.players_policy() is WhenPlayersOnline.RUN
    dialog.workdays_button.click()
    assert dialog.selected_days() == [0, 1, 2, 3, 4]
    assert all(item.split()[0] in ("Mon", "Tue", "Wed", "Thu", "Fri") for item in preview_items(dialog))
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    assert engine.automation.schedule(schedule.id).weekdays == (0, 1, 2, 3, 4)
    assert view.cell(schedule.id, ScheduleColumn.WHEN) == "Mon–Fri at 04:00"
    assert view.selected_id() == schedule.id

    # a kind change sends the old kind's fields as empty (the update is partial)
    view.edit_action.trigger()
    dialog = view.dialog
    assert dialog.selected_days() == [0, 1, 2, 3, 4]
    dialog.kind_buttons[ScheduleKind.INTERVAL].click()
    assert dialog.interval_hours.value() == 6 and not dialog.anchor.isEnabled()
    dialog.warnings.setText("5")
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    stored = engine.automation.schedule(schedule.id)
    assert (stored.kind, stored.interval_minutes, stored.time_of_day, stored.weekdays) == (
        ScheduleKind.INTERVAL,
        360,
        None,
        (),
    )
    assert view.cell(schedule.id, ScheduleColumn.WHEN) == "Every 6 h"
    assert view.cell(schedule.id, ScheduleColumn.WARNINGS) == "5 min before"


def test_cron_preview_shows_the_next_three_times(qtbot, engine, window) -> None:
    add_program(engine)
    dialog = open_add(schedules_page(window))
    dialog.kind_buttons[ScheduleKind.CRON].click()
    dialog.cron.setText("0 4 * * *")
    items = preview_items(dialog)
    assert len(items) == 3 and all(item.endswith(" 04:00") for item in items)
    assert len(set(items)) == 3  # three different days
    expected = dialog.preview_times()
    assert items == [moment_text(moment, with_date=False) for moment in expected]
    # the same arithmetic as the engine's planner, on the schedule the form describes
    reference = Schedule(program_id=1, action="restart", kind="cron", cron="0 4 * * *")
    first = next_fire(reference, expected[0] - 60)
    assert expected == [first, next_fire(reference, first), next_fire(reference, next_fire(reference, first))]

    dialog.cron.setText("0 */6 * * *")
    times = dialog.preview_times()
    assert [later - earlier for earlier, later in itertools.pairwise(times)] == [6 * 3600, 6 * 3600]
    assert len(preview_items(dialog)) == 3
    dialog.cron.setText("@hourly")
    assert all(item.endswith(":00") for item in preview_items(dialog))

    dialog.cron.setText("0 4 * *")
    assert "expected 5 fields" in dialog.preview.text() and "c9362c" in dialog.preview.styleSheet()
    dialog.cron.setText("0 4 * * *")
    dialog.timezone.setEditText("Asia/Seoul")
    assert dialog.preview.text().endswith("(this computer's time)")
    seoul = Schedule(program_id=1, action="restart", kind="cron", cron="0 4 * * *", timezone="Asia/Seoul")
    assert dialog.preview_times()[0] == next_fire(seoul, dialog.preview_times()[0] - 60)
    dialog.timezone.setEditText("Mars/Olympus")
    assert "unknown time zone 'Mars/Olympus'" in dialog.preview.text()
    press_ok(dialog)
    assert "unknown time zone" in dialog.error_text("timezone")
    assert engine.automation.schedules() == ()
    dialog.reject()


def test_dialog_catches_form_mistakes_and_engine_rejections_per_field(qtbot, engine, window) -> None:
    add_program(engine)
    view = schedules_page(window)
    dialog = open_add(view)
    dialog.set_days([])
    assert dialog.preview.text() == "Tick at least one day."
    dialog.warnings.setText("10, five")
    press_ok(dialog)
    assert dialog.error_text("weekdays") == "tick at least one day"
    assert "whole minutes" in dialog.error_text("warnings_min")
    dialog.every_day_button.click()
    dialog.warnings.setText("10, 2000")
    press_ok(dialog)
    assert dialog.error_text("weekdays") == ""
    assert "2000 is longer than 1440 minutes" in dialog.error_text("warnings_min")
    dialog.kind_buttons[ScheduleKind.INTERVAL].click()
    dialog.interval_hours.setValue(0)
    dialog.interval_minutes.setValue(5)
    dialog.warnings.setText("10")
    press_ok(dialog)
    assert "shorter than the interval" in dialog.error_text("warnings_min")
    dialog.interval_minutes.setValue(0)
    press_ok(dialog)
    assert "at least 1 minute" in dialog.error_text("interval_minutes")
    assert dialog.isVisible() and engine.automation.schedules() == ()
    dialog.reject()
    qtbot.waitUntil(lambda: view.dialog is None)
    assert engine.automation.schedules() == ()


def test_switching_a_schedule_off_empties_its_next_run(qtbot, engine, window) -> None:
    program = add_program(engine)
    schedule = engine.automation.add_schedule({"program_id": program.id, **NIGHTLY})
    view = schedules_page(window)
    qtbot.waitUntil(lambda: " · in " in view.cell(schedule.id, ScheduleColumn.NEXT_RUN), timeout=5000)
    row = view.model.row_of(schedule.id)
    index = view.model.index(row, ScheduleColumn.ENABLED)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert view.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    view.model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert engine.automation.schedule(schedule.id).enabled is False
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert view.cell(schedule.id, ScheduleColumn.NEXT_RUN) == ""
    qtbot.waitUntil(lambda: engine.automation.next_fire(schedule.id) is None, timeout=5000)

    assert view.select_schedule(schedule.id)
    assert view.toggle_action.text() == "Enable"
    view.toggle_action.trigger()
    assert engine.automation.schedule(schedule.id).enabled is True
    assert " 04:00 · in " in view.cell(schedule.id, ScheduleColumn.NEXT_RUN)
    assert view.toggle_action.text() == "Disable"
    assert view.selected_id() == schedule.id  # the edit kept the selection


def test_the_countdown_moves_while_the_page_is_visible(qtbot, engine, window) -> None:
    program = add_program(engine)
    schedule = engine.automation.add_schedule(
        # stopping a stopped program is refused without side effects if the minute comes during the test
        {"program_id": program.id, "action": "stop", "kind": "cron", "cron": "* * * * *"}
    )
    view = schedules_page(window)
    before = view.cell(schedule.id, ScheduleColumn.NEXT_RUN)
    assert before.endswith((" s", "now"))
    qtbot.waitUntil(lambda: view.cell(schedule.id, ScheduleColumn.NEXT_RUN) != before, timeout=5000)
    assert view.cell(schedule.id, ScheduleColumn.NAME) == f"(unnamed #{schedule.id})"
    assert view.cell(schedule.id, ScheduleColumn.WARNINGS) == "None"
    assert view.cell(schedule.id, ScheduleColumn.PLAYERS) == "Run anyway"
    window.automation.show_page(window.jobs)
    assert not view._countdown.isActive()  # hidden pages do not repaint


def test_delete_asks_first(qtbot, engine, window, monkeypatch) -> None:
    program = add_program(engine)
    schedule = engine.automation.add_schedule({"program_id": program.id, **NIGHTLY})
    view = schedules_page(window)
    assert view.select_schedule(schedule.id)
    texts: list[str] = []

    def cancel(box: QMessageBox) -> int:
        texts.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", cancel)
    view.delete_action.trigger()
    assert texts == ["Delete the schedule “Nightly” of Palworld?"]
    assert len(engine.automation.schedules()) == 1

    def confirm(box: QMessageBox) -> int:
        next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", confirm)
    view.delete_action.trigger()
    assert engine.automation.schedules() == ()
    assert view.model.rowCount() == 0
    assert not view.delete_action.isEnabled() and not view.edit_action.isEnabled()
    assert "No schedules yet" in view.hint.text()


def test_filter_by_program_and_its_preselection(qtbot, engine, window, tmp_path) -> None:
    palworld = add_program(engine)
    valheim = add_program(engine, "Valheim")
    engine.automation.add_schedule({"program_id": palworld.id, **NIGHTLY})
    theirs = engine.automation.add_schedule({"program_id": valheim.id, **NIGHTLY, "name": "Valheim nightly"})
    view = schedules_page(window)
    assert [view.program_filter.itemText(i) for i in range(view.program_filter.count())] == [
        "All programs",
        "Palworld",
        "Valheim",
    ]
    view.set_program_filter(valheim.id)
    assert view.proxy.rowCount() == 1
    assert view.proxy.index(0, ScheduleColumn.NAME).data() == "Valheim nightly"
    dialog = open_add(view)
    assert dialog.program.currentText() == "Valheim"
    dialog.reject()
    qtbot.waitUntil(lambda: view.dialog is None)

    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window.save_state(settings)
    settings.sync()
    engine.remove_program(valheim.id, cause=Cause.USER, actor="t")  # its schedules go with it
    assert engine.automation.schedules() and view.model.row_of(theirs.id) is None
    assert view.program_filter.currentData() is None and view.proxy.rowCount() == 1

    other = MainWindow(engine, tasks=window.tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(other)
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    other.restore_state(settings)
    assert other.automation.tabs.currentWidget() is other.schedules
    assert other.schedules.program_filter.currentData() is None  # the saved program is gone


def test_schedules_speak_korean(qtbot, qapp, engine, window) -> None:
    from monitor_app.resources import translations_dir
    from monitor_app.ui.i18n import Translations

    program = add_program(engine)
    schedule = engine.automation.add_schedule(
        {"program_id": program.id, **NIGHTLY, "weekdays": [0, 1, 2, 3, 4], "warnings_min": [10, 5, 1]}
    )
    view = schedules_page(window)
    translations = Translations(qapp, translations_dir())
    tabs = window.automation.tabs
    try:
        assert translations.apply("ko") == "ko"
        qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(view)) == "예약 작업")
        assert view.add_action.text() == "추가…"
        assert view.model.headerData(ScheduleColumn.NEXT_RUN, Qt.Orientation.Horizontal) == "다음 실행"
        assert view.program_filter.itemText(0) == "모든 프로그램"
        assert view.cell(schedule.id, ScheduleColumn.WHEN) == "월–금 04:00"
        assert view.cell(schedule.id, ScheduleColumn.ACTION) == "재시작"
        assert view.cell(schedule.id, ScheduleColumn.WARNINGS) == "10, 5, 1분 전"
        assert view.cell(schedule.id, ScheduleColumn.PLAYERS) == "그대로 실행"
        qtbot.waitUntil(lambda: view.cell(schedule.id, ScheduleColumn.NEXT_RUN).endswith(" 후"), timeout=5000)
        assert view.select_schedule(schedule.id)
        view.edit_action.trigger()
        dialog = view.dialog
        assert dialog.windowTitle() == "예약 작업 편집"
        assert dialog.kind_buttons[ScheduleKind.CRON].text() == "cron 표현식"
        assert [box.text() for box in dialog.day_boxes] == ["월", "화", "수", "목", "금", "토", "일"]
        assert dialog.preview.text().startswith("다음 실행: ")
        dialog.reject()
        qtbot.waitUntil(lambda: view.dialog is None)
    finally:
        translations.apply("en")
    qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(view)) == "Schedules")
    assert view.cell(schedule.id, ScheduleColumn.WHEN) == "Mon–Fri at 04:00"
