"""The Alert rules page over a real engine: rules added, edited, switched off and deleted through the page and
its dialog, a rule firing on a real running program, the event log's words for it, and Korean."""

import sys

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from monitor_app.core.alerts import RuleAction, RuleKind
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.ui.alert_labels import FIRING_COLOR
from monitor_app.ui.alert_rule_dialog import AlertRuleDialog, DurationUnit
from monitor_app.ui.alert_rules_view import AlertRulesView, RuleColumn
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.events_view import EventColumn
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from tests.helpers.processes import child_args


@pytest.fixture
def window(qtbot, engine):
    tasks = BackgroundTasks()
    win = MainWindow(engine, tasks=tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.tabs.setCurrentWidget(win.automation)
    win.automation.show_page(win.alert_rules)
    yield win
    tasks.wait_for_done()


@pytest.fixture
def view(window) -> AlertRulesView:
    return window.alert_rules


def add(engine, name: str, *options: str) -> ProgramSpec:
    return engine.add_program(
        ProgramSpec(name=name, path=sys.executable, args=child_args(*options), startsecs=0.2),
        cause=Cause.USER,
        actor="t",
    )


def running(qtbot, engine, name: str) -> ProgramSpec:
    spec = add(engine, name, "--sleep", "60")
    engine.start_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: engine.status(spec.id).state is ProgramState.RUNNING, timeout=10_000)
    return spec


def press_ok(dialog: AlertRuleDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def cell(view: AlertRulesView, rule_id: int, column: RuleColumn, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
    row = view.model.row_of(rule_id)
    assert row is not None, f"rule {rule_id} is not in the table"
    return view.model.index(row, column).data(role)


def choose(combo, data) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(data)
    assert index >= 0, f"{data!r} is not offered"
    combo.setCurrentIndex(index)


def row_visible(dialog: AlertRuleDialog, widget) -> bool:  # type: ignore[no-untyped-def]
    return widget.isVisibleTo(dialog)


def confirm_with(monkeypatch, button_role: QMessageBox.ButtonRole | None, texts: list[str]) -> None:
    """Answer the next message boxes with the button of ``button_role`` (None = Cancel), noting their text."""

    def answer(box: QMessageBox) -> int:
        texts.append(box.text())
        if button_role is not None:
            next(b for b in box.buttons() if box.buttonRole(b) == button_role).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)


def test_alert_rules_page_sits_between_webhooks_and_jobs(window) -> None:
    tabs = window.automation.tabs
    titles = [tabs.tabText(i) for i in range(tabs.count())]  # other pages (schedules) may sit in between
    assert titles.index("Webhooks") + 1 == titles.index("Alert rules") < titles.index("Jobs")
    assert window.automation.page("alertRulesView") is window.alert_rules
    assert window.alert_rules.model.rowCount() == 0
    assert "No alert rules yet" in window.alert_rules.detail.text()
    assert not window.alert_rules.edit_action.isEnabled() and not window.alert_rules.delete_action.isEnabled()


def test_rule_added_through_the_dialog_after_an_inline_error(qtbot, engine, view) -> None:
    server = add(engine, "Palworld")
    view.add_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, AlertRuleDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Add alert rule"
    # a new rule starts as CPU above 90 % for 1 min, on every program, notifying
    assert dialog.current_kind() is RuleKind.CPU_ABOVE
    assert (dialog.threshold.value(), dialog.threshold.suffix()) == (90.0, " %")
    assert (dialog.duration.value(), dialog.duration_unit.currentData()) == (1, DurationUnit.MINUTES)
    assert (
        dialog.program.currentData() is None
        and dialog.program.currentText() == "All programs (each on its own)"
    )
    assert dialog.notify.isChecked() and dialog.enabled.isChecked()
    assert dialog.name.text() == "CPU above 90 % for 1 min"  # suggested until the user types a name
    assert [dialog.program.itemText(i) for i in range(1, dialog.program.count())] == ["Palworld"]

    dialog.threshold.setValue(0)  # out of range for a CPU rule: the engine refuses, the dialog stays
    press_ok(dialog)
    assert dialog.isVisible()
    assert "above 0" in dialog.error_text("threshold")
    assert dialog.error_text("name") == "" and dialog.error_text("duration_s") == ""
    assert engine.automation.alert_rules() == ()
    assert view.model.rowCount() == 0

    dialog.threshold.setValue(85)
    choose(dialog.program, server.id)
    assert dialog.name.text() == "Palworld: CPU above 85 % for 1 min"
    dialog.name.setText("Palworld busy")
    dialog.duration.setValue(2)
    choose(dialog.action, RuleAction.RESTART.value)
    assert dialog.name.text() == "Palworld busy"  # a typed name is kept
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    assert not dialog.isVisible()
    (stored,) = engine.automation.alert_rules()
    assert (stored.name, stored.kind, stored.program_id) == ("Palworld busy", RuleKind.CPU_ABOVE, server.id)
    assert (stored.threshold, stored.duration_s, stored.notify, stored.action) == (
        85,
        120,
        True,
        RuleAction.RESTART,
    )
    assert stored.mountpoint is None and stored.plugin_action is None and stored.enabled
    assert view.selected_id() == stored.id
    assert cell(view, stored.id, RuleColumn.NAME) == "Palworld busy"
    assert cell(view, stored.id, RuleColumn.CONDITION) == "CPU above 85 % for 2 min"
    assert cell(view, stored.id, RuleColumn.PROGRAM) == "Palworld"
    assert cell(view, stored.id, RuleColumn.ACTION) == "Notify + Restart"
    assert cell(view, stored.id, RuleColumn.ENABLED, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert cell(view, stored.id, RuleColumn.STATE) == "OK"
    assert view.edit_action.isEnabled() and view.toggle_action.text() == "Disable"


def test_dialog_fields_follow_the_kind_with_presets(qtbot, engine, view) -> None:
    qtbot.waitUntil(
        lambda: engine.latest_metrics() is not None and engine.latest_metrics().system is not None
    )
    view.add_action.trigger()
    dialog = view.dialog
    expected = {
        # kind: threshold, suffix, duration value, unit, duration label, threshold row shown, program row shown
        RuleKind.MEMORY_ABOVE: (4096, " MB", 1, DurationUnit.MINUTES, "For at least", True, True),
        RuleKind.MEMORY_TREND: (8192, " MB", 30, DurationUnit.MINUTES, "Projected within", True, True),
        RuleKind.DOWN_FOR: (None, None, 1, DurationUnit.MINUTES, "Down for at least", False, True),
        RuleKind.RESTARTS_OVER: (3, " restarts", 10, DurationUnit.MINUTES, "Within", True, True),
        RuleKind.DISK_FREE_BELOW: (10, " %", 1, DurationUnit.MINUTES, "For at least", True, False),
    }
    hints = set()
    for kind, (threshold, suffix, duration, unit, label, has_threshold, has_program) in expected.items():
        choose(dialog.kind, kind.value)
        if threshold is not None:
            assert (dialog.threshold.value(), dialog.threshold.suffix()) == (threshold, suffix), kind
        assert (dialog.duration.value(), dialog.duration_unit.currentData()) == (duration, unit), kind
        assert dialog._labels["duration_s"].text() == label, kind
        assert row_visible(dialog, dialog.threshold) is has_threshold, kind
        assert row_visible(dialog, dialog.program) is has_program, kind
        assert row_visible(dialog, dialog.mountpoint) is not has_program, kind
        hints.add(dialog.kind_hint.text())
    assert len(hints) == len(expected)  # each kind explains itself

    # a disk rule: every disk or one of the mounted ones; no program to restart
    assert dialog.mountpoint.itemText(0) == "Every disk"
    mounted = [d.mountpoint for d in engine.latest_metrics().system.disks]  # the disks the engine measures
    assert [dialog.mountpoint.itemData(i) for i in range(1, dialog.mountpoint.count())] == mounted
    restart = dialog.action.model().item(dialog.action.findData(RuleAction.RESTART.value))
    assert not restart.isEnabled()
    choose(dialog.kind, RuleKind.MEMORY_ABOVE.value)
    assert restart.isEnabled()

    # the restarts window cannot be shorter than a minute; switching units keeps the time
    choose(dialog.kind, RuleKind.RESTARTS_OVER.value)
    choose(dialog.duration_unit, int(DurationUnit.SECONDS))
    assert dialog.duration.value() == 600 and dialog.duration.minimum() == 60

    # a plugin action needs its name; the field only shows for it
    assert not row_visible(dialog, dialog.plugin_action)
    choose(dialog.action, RuleAction.PLUGIN_ACTION.value)
    assert row_visible(dialog, dialog.plugin_action)
    assert "plugin system" in dialog.plugin_note.text()
    dialog.plugin_action.setText("not an action")
    press_ok(dialog)
    assert "<plugin id>:<action>" in dialog.error_text("plugin_action")
    assert engine.automation.alert_rules() == ()
    dialog.plugin_action.setText("palworld:save")
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    (stored,) = engine.automation.alert_rules()
    assert (stored.kind, stored.threshold, stored.duration_s) == (RuleKind.RESTARTS_OVER, 3, 600)
    assert (stored.action, stored.plugin_action) == (RuleAction.PLUGIN_ACTION, "palworld:save")
    assert cell(view, stored.id, RuleColumn.CONDITION) == "More than 3 restart(s) within 10 min"
    assert cell(view, stored.id, RuleColumn.PROGRAM) == "All programs"
    assert cell(view, stored.id, RuleColumn.ACTION) == "Notify + Plugin action palworld:save"


def test_edit_changes_the_rule_and_keeps_untouched_values_exact(qtbot, engine, view) -> None:
    rule = engine.automation.add_alert_rule(
        {"name": "disk", "kind": "disk_free_below", "threshold": 12.25, "duration_s": 0.5, "mountpoint": "/"}
    )
    assert cell(view, rule.id, RuleColumn.CONDITION) == "Free space on / below 12.2 % for 0.5 s"
    assert cell(view, rule.id, RuleColumn.PROGRAM) == "Whole machine"
    view.select_rule(rule.id)
    view.edit_action.trigger()
    dialog = view.dialog
    assert dialog.windowTitle() == "Edit alert rule"
    assert dialog.current_kind() is RuleKind.DISK_FREE_BELOW and dialog.mountpoint.currentData() == "/"
    assert dialog.name.text() == "disk"
    dialog.name.setText("root disk")
    dialog.notify.setChecked(False)
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    kept = engine.automation.alert_rule(rule.id)
    assert (kept.name, kept.notify) == ("root disk", False)
    assert (kept.threshold, kept.duration_s) == (12.25, 0.5)  # not rounded by the spin boxes
    assert cell(view, rule.id, RuleColumn.NAME) == "root disk"
    assert cell(view, rule.id, RuleColumn.ACTION) == "Event log only"
    assert view.selected_id() == rule.id  # the edit kept the selection

    view.edit_action.trigger()
    dialog = view.dialog
    choose(dialog.kind, RuleKind.DOWN_FOR.value)  # another kind: the disk fields go away
    dialog.duration.setValue(3)
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    changed = engine.automation.alert_rule(rule.id)
    assert (changed.kind, changed.threshold, changed.duration_s) == (RuleKind.DOWN_FOR, 0, 180)
    assert changed.mountpoint is None and changed.program_id is None
    assert cell(view, rule.id, RuleColumn.CONDITION) == "Down for 3 min"
    assert cell(view, rule.id, RuleColumn.PROGRAM) == "All programs"


def test_enable_toggle_checkbox_and_delete_with_confirmation(qtbot, engine, view, monkeypatch) -> None:
    rule = engine.automation.add_alert_rule(
        {"name": "big", "kind": "memory_above", "threshold": 2048, "duration_s": 30}
    )
    other = engine.automation.add_alert_rule(
        {"name": "crashy", "kind": "restarts_over", "threshold": 1, "duration_s": 60}
    )
    assert cell(view, other.id, RuleColumn.CONDITION) == "More than 1 restart(s) within 1 min"
    view.select_rule(rule.id)
    view.toggle_action.trigger()
    assert engine.automation.alert_rule(rule.id).enabled is False
    assert view.toggle_action.text() == "Enable"
    assert cell(view, rule.id, RuleColumn.STATE) == "Off"
    assert cell(view, rule.id, RuleColumn.ENABLED, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    index = view.model.index(view.model.row_of(rule.id), RuleColumn.ENABLED)
    assert view.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    view.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert engine.automation.alert_rule(rule.id).enabled is True
    assert cell(view, rule.id, RuleColumn.STATE) == "OK"
    assert view.selected_id() == rule.id

    texts: list[str] = []
    confirm_with(monkeypatch, None, texts)
    view.delete_action.trigger()
    assert texts == ["Delete the alert rule “big”?"]
    assert len(engine.automation.alert_rules()) == 2
    confirm_with(monkeypatch, QMessageBox.ButtonRole.DestructiveRole, texts)
    view.delete_action.trigger()
    assert [r.id for r in engine.automation.alert_rules()] == [other.id]
    assert view.model.row_of(rule.id) is None and view.model.rowCount() == 1
    assert view.delete_action.isEnabled() is (
        view.selected_id() == other.id
    )  # the actions follow the selection
    view.select_rule(other.id)
    view.delete_action.trigger()
    assert texts == ["Delete the alert rule “big”?"] * 2 + ["Delete the alert rule “crashy”?"]
    assert engine.automation.alert_rules() == () and view.model.rowCount() == 0
    assert not view.delete_action.isEnabled() and not view.toggle_action.isEnabled()
    assert "No alert rules yet" in view.detail.text()


def test_a_rule_firing_on_a_running_program_shows_in_the_table_and_the_event_log(
    qtbot, engine, window
) -> None:
    view = window.alert_rules
    server = running(qtbot, engine, "Palworld")
    rule = engine.automation.add_alert_rule(
        {
            "name": "tiny limit",
            "kind": "memory_above",
            "threshold": 1,
            "duration_s": 0,
            "program_id": server.id,
        }
    )
    every = engine.automation.add_alert_rule(
        {"name": "any program", "kind": "memory_above", "threshold": 1, "duration_s": 0, "notify": False}
    )
    qtbot.waitUntil(
        lambda: str(cell(view, rule.id, RuleColumn.STATE)).startswith("Firing since "), timeout=10_000
    )
    state = cell(view, rule.id, RuleColumn.STATE)
    assert state.endswith(" MB)") and "Palworld" not in state  # the program is in its own column
    assert (
        cell(view, rule.id, RuleColumn.STATE, Qt.ItemDataRole.ForegroundRole).color().name() == FIRING_COLOR
    )
    assert "MB since" in cell(view, rule.id, RuleColumn.STATE, Qt.ItemDataRole.ToolTipRole)
    # a rule on every program names the one that fires
    qtbot.waitUntil(
        lambda: str(cell(view, every.id, RuleColumn.STATE)).startswith("Firing since "), timeout=10_000
    )
    assert "(Palworld: " in cell(view, every.id, RuleColumn.STATE)
    assert view.summary.text() == "2 rule(s) firing"
    view.select_rule(rule.id)
    assert "Palworld: " in view.detail.text() and " MB since " in view.detail.text()

    # the event log has a row for each firing, in words and in red
    events = window.events.model

    def fired_rows() -> list[int]:
        return [
            row
            for row in range(events.rowCount())
            if events.index(row, 0).data(Qt.ItemDataRole.UserRole).kind is EventKind.ALERT_FIRED
        ]

    qtbot.waitUntil(lambda: len(fired_rows()) == 2, timeout=5000)
    for row in fired_rows():
        assert events.index(row, EventColumn.WHAT).data() == "Alert fired"
        assert events.index(row, EventColumn.CAUSE).data() == "Alert rule"
        assert events.index(row, EventColumn.PROGRAM).data() == "Palworld"
        assert (
            events.index(row, EventColumn.WHAT).data(Qt.ItemDataRole.ForegroundRole).color().name()
            == "#c9362c"
        )

    # switching a firing rule off ends its alert (silently): the table follows
    view.select_rule(rule.id)
    view.toggle_action.trigger()
    qtbot.waitUntil(lambda: cell(view, rule.id, RuleColumn.STATE) == "Off")
    assert all(s.rule_id != rule.id for s in engine.automation.alerts_firing())
    assert view.summary.text() == "1 rule(s) firing"

    # a stopped program stops firing, with an "Alert resolved" row in the log
    engine.stop_program(server.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: cell(view, every.id, RuleColumn.STATE) == "OK", timeout=15_000)
    assert view.summary.text() == ""
    qtbot.waitUntil(
        lambda: any(
            events.index(row, EventColumn.WHAT).data() == "Alert resolved" for row in range(events.rowCount())
        ),
        timeout=5000,
    )


def test_program_names_follow_renames_and_removals(qtbot, engine, view) -> None:
    spec = add(engine, "old name")
    rule = engine.automation.add_alert_rule(
        {"name": "down", "kind": "down_for", "duration_s": 0, "program_id": spec.id}
    )
    every = engine.automation.add_alert_rule({"name": "all down", "kind": "down_for", "duration_s": 30})
    assert cell(view, rule.id, RuleColumn.PROGRAM) == "old name"
    assert cell(view, rule.id, RuleColumn.CONDITION) == "Down"
    assert cell(view, every.id, RuleColumn.CONDITION) == "Down for 30 s"
    engine.update_program(
        spec.id,
        ProgramSpec(name="new name", path=sys.executable, args=child_args()),
        cause=Cause.USER,
        actor="t",
    )
    qtbot.waitUntil(lambda: cell(view, rule.id, RuleColumn.PROGRAM) == "new name")
    view.select_rule(rule.id)
    view.edit_action.trigger()
    assert view.dialog.program.currentText() == "new name"
    view.dialog.reject()
    qtbot.waitUntil(lambda: view.dialog is None)
    # the engine drops a removed program's own rules; rules for every program stay
    engine.remove_program(spec.id, cause=Cause.USER, actor="t")
    qtbot.waitUntil(lambda: view.model.row_of(rule.id) is None)
    assert [r.id for r in view.model.rules()] == [every.id]


def test_alert_rule_columns_are_saved_and_restored(qtbot, engine, window, tmp_path) -> None:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    window.alert_rules.table.horizontalHeader().resizeSection(RuleColumn.CONDITION, 333)
    window.save_state(settings)
    settings.sync()
    other = MainWindow(engine, tasks=window.tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(other)
    other.restore_state(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    assert other.automation.tabs.currentWidget() is other.alert_rules
    assert other.alert_rules.table.horizontalHeader().sectionSize(RuleColumn.CONDITION) == 333


def test_alert_rules_speak_korean(qtbot, qapp, engine, window) -> None:
    from monitor_app.resources import translations_dir
    from monitor_app.ui.i18n import Translations

    view = window.alert_rules
    server = running(qtbot, engine, "Palworld")
    cpu = engine.automation.add_alert_rule(
        {"name": "cpu", "kind": "cpu_above", "threshold": 90, "duration_s": 60, "program_id": server.id}
    )
    disk = engine.automation.add_alert_rule(
        {"name": "disk", "kind": "disk_free_below", "threshold": 10, "duration_s": 0, "enabled": False}
    )
    translations = Translations(qapp, translations_dir())
    try:
        assert translations.apply("ko") == "ko"
        tabs = window.automation.tabs
        qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(view)) == "알림 규칙")
        assert view.model.headerData(RuleColumn.CONDITION, Qt.Orientation.Horizontal) == "감시 조건"
        assert cell(view, cpu.id, RuleColumn.CONDITION) == "CPU 90 % 이상 (1분 지속)"
        assert cell(view, cpu.id, RuleColumn.STATE) == "정상"
        assert cell(view, cpu.id, RuleColumn.ACTION) == "알림"
        assert cell(view, disk.id, RuleColumn.CONDITION) == "어느 디스크든 여유 공간 10 % 미만"
        assert cell(view, disk.id, RuleColumn.PROGRAM) == "컴퓨터 전체"
        assert cell(view, disk.id, RuleColumn.STATE) == "꺼짐"
        assert view.add_action.text() == "추가…"

        rule = engine.automation.add_alert_rule(
            {"name": "tiny", "kind": "memory_above", "threshold": 1, "duration_s": 0, "program_id": server.id}
        )
        qtbot.waitUntil(lambda: "부터 발생 중" in str(cell(view, rule.id, RuleColumn.STATE)), timeout=10_000)
        events = window.events.model
        qtbot.waitUntil(
            lambda: any(
                events.index(r, EventColumn.WHAT).data() == "알림 발생" for r in range(events.rowCount())
            ),
            timeout=5000,
        )

        view.add_action.trigger()
        dialog = view.dialog
        assert dialog.windowTitle() == "알림 규칙 추가"
        assert dialog.kind.currentText() == "CPU 사용률 높음"
        assert dialog.duration_unit.currentText() == "분"
        assert dialog.name.text() == "CPU 90 % 이상 (1분 지속)"
        dialog.reject()
        qtbot.waitUntil(lambda: view.dialog is None)
    finally:
        translations.apply("en")
    qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(view)) == "Alert rules")
    assert cell(view, cpu.id, RuleColumn.CONDITION) == "CPU above 90 % for 1 min"
