"""The Plugins tab over a real engine and real plugins (the ``echo`` sample and a ``roster`` plugin written here):
attaching through the generated form, the live panel, actions with parameters, confirmations and row actions,
failures, switching off, detaching, and Korean."""

import sys
import threading
import types
from pathlib import Path

import pytest
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLabel, QLineEdit, QMessageBox, QPushButton, QSpinBox

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause
from monitor_app.ui import plugin_series_view
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.plugin_dialogs import ActionDialog, PluginSettingsDialog
from monitor_app.ui.plugins_view import PluginInstanceSection, PluginsView
from monitor_app.ui.program_commands import ProgramCommands
from tests.helpers.processes import child_args

SAMPLES = Path(__file__).resolve().parent.parent / "helpers" / "plugin_samples"
GATE = "_plugin_views_gate"  # a module the roster plugin's "slow" action waits on

ROSTER_TOML = """\
id = "roster"
name = "Roster"
version = "2.1"
api_version = 1
entry = "plugin:RosterPlugin"
description = "Players of a game server, for the window's tests."
"""

ROSTER_PY = '''\
import sys

from monitor_app.pluginhost.api import Action, Panel, PanelTable, Plugin, Setting


class RosterPlugin(Plugin):
    settings_schema = (
        Setting("server", "Server name", required=True, help="Shown to players in announcements"),
        Setting("limit", "Player limit", kind="int", minimum=1, maximum=32),
    )
    actions = (
        Action("kick", "Kick", params=(Setting("userid", "Player", required=True),
                                       Setting("reason", "Reason", default="bye")),
               confirm="Kick this player from the server?"),
        Action("ban", "Ban", params=(Setting("userid", "Player", required=True),), confirm="Ban this player?"),
        Action("info", "Info", admin=False),
        Action("slow", "Slow"),
    )

    def __init__(self, context, settings):
        super().__init__(context, settings)
        self.players = [{"name": "Alice", "userid": "steam_1", "level": 12},
                        {"name": "Bob", "userid": "steam_2", "level": 3}]

    def run_action(self, name, params):
        if name in ("kick", "ban"):
            self.players = [p for p in self.players if p["userid"] != params["userid"]]
            return f"{name} {params['userid']}: {params.get('reason', 'banned')}"
        if name == "info":
            return {"server": self.settings["server"], "limit": self.settings["limit"]}
        if name == "slow":
            sys.modules["''' + GATE + '''"].release.wait(10)
            return "finally"
        return super().run_action(name, params)

    def panel(self):
        return Panel(
            facts=(("Players", str(len(self.players))), ("Server", self.settings["server"])),
            tables=(PanelTable("players", "Players online", (("name", "Name"), ("userid", "Steam ID"),
                                                             ("level", "Level")),
                               tuple(self.players), (("kick", "Kick", "userid"), ("ban", "Ban", "userid"))),),
            status="REST connected",
        )
'''


@pytest.fixture
def engine(engines, tmp_path):
    extra = tmp_path / "more-plugins" / "roster"
    extra.mkdir(parents=True)
    (extra / "plugin.toml").write_text(ROSTER_TOML, encoding="utf-8")
    (extra / "plugin.py").write_text(ROSTER_PY, encoding="utf-8")
    return engines(plugin_dirs=(SAMPLES, extra.parent))


@pytest.fixture
def program(engine):
    return engine.add_program(
        ProgramSpec(name="palserver", path=sys.executable, args=child_args("--sleep", "60")), cause=Cause.USER, actor="t"
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


@pytest.fixture
def view(window) -> PluginsView:
    return window.detail.plugins


@pytest.fixture
def gate():
    module = types.ModuleType(GATE)
    module.release = threading.Event()  # type: ignore[attr-defined]
    sys.modules[GATE] = module
    yield module.release  # type: ignore[attr-defined]
    module.release.set()  # type: ignore[attr-defined]
    sys.modules.pop(GATE, None)


def attached(qtbot, engine, view: PluginsView, program, plugin: str = "echo", **settings) -> PluginInstanceSection:
    instance = engine.plugins.attach(program.id, plugin, settings)
    qtbot.waitUntil(lambda: view.section(instance.id) is not None)
    section = view.section(instance.id)
    qtbot.waitUntil(lambda: section.status.text() == "Running", timeout=5000)
    qtbot.waitUntil(lambda: "players" in section.panel.tables, timeout=5000)  # the first panel is drawn
    return section


def press_ok(dialog) -> None:
    dialog.ok_button.click()


def type_into(qtbot, editor, text: str) -> None:
    """Replace the editor's text the way a user does (select all, type)."""
    editor.selectAll()
    qtbot.keyClicks(editor, text)


def answer(monkeypatch, *, with_role: QMessageBox.ButtonRole | None) -> list[str]:
    """Make message boxes answer by clicking the button of ``with_role`` (None: cancel); returns their texts."""
    texts: list[str] = []

    def exec_(box: QMessageBox) -> int:
        texts.append(box.text())
        if with_role is not None:
            next(b for b in box.buttons() if box.buttonRole(b) == with_role).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return texts


def test_plugins_tab_lists_nothing_until_a_plugin_is_attached(qtbot, window, view) -> None:
    tabs = window.detail.tabs
    assert tabs.tabText(tabs.indexOf(view)) == "Plugins"
    assert view.sections == {}
    assert "No plugin is attached" in view.hint.text() and view.attach_button.isEnabled()


def test_attach_through_the_dialog_after_an_inline_error(qtbot, engine, program, window, view) -> None:
    view.attach_button.click()
    dialog = view.dialog
    assert isinstance(dialog, PluginSettingsDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Attach a plugin"
    choices = dialog.plugin
    items = {choices.itemData(i): i for i in range(choices.count())}
    assert set(items) == {"broken", "echo", "future", "roster", "steps"}
    model = choices.model()
    assert isinstance(model, QStandardItemModel)
    assert not model.item(items["broken"]).isEnabled()  # greyed, with the reason
    assert "broken on import" in model.item(items["broken"]).toolTip()
    assert "plugin API 99" in model.item(items["future"]).toolTip()
    assert choices.currentData() == "echo"  # the first usable one
    assert "echoes, counts polls" in dialog.description.text()
    form = dialog.form
    assert list(form.fields) == ["host", "port", "mode", "stop_wait", "password"]
    assert isinstance(form.editor("host"), QLineEdit) and form.editor("host").text() == "127.0.0.1"
    port = form.editor("port")
    assert isinstance(port, QSpinBox) and (port.minimum(), port.maximum(), port.value()) == (1, 65535, 1234)
    assert isinstance(form.editor("stop_wait"), QDoubleSpinBox) and form.editor("stop_wait").minimum() == 0
    mode = form.editor("mode")
    assert isinstance(mode, QComboBox) and [mode.itemText(i) for i in range(mode.count())] == ["a", "b"]
    password = form.editor("password")
    assert password.echoMode() == QLineEdit.EchoMode.Password and password.placeholderText() == "Not set"
    assert form.remove_box("password") is None

    type_into(qtbot, port, "0")  # below the minimum: sent as typed, the engine explains
    press_ok(dialog)
    assert dialog.isVisible()
    assert dialog.error_text("port") == "must be at least 1"
    assert dialog.error_text("host") == ""
    assert engine.plugins.instances(program.id) == ()

    type_into(qtbot, port, "25575")
    mode.setCurrentIndex(1)
    qtbot.keyClicks(password, "hunter2")
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    (instance,) = engine.plugins.instances(program.id)
    assert instance.plugin_id == "echo" and instance.settings["port"] == 25575 and instance.settings["mode"] == "b"
    assert instance.secrets == {"password": "hunter2"}
    section = view.section(instance.id)
    assert section is not None and section.name.text() == "Echo"
    qtbot.waitUntil(lambda: section.status.text() == "Running", timeout=5000)
    assert window.statusBar().currentMessage() == "Echo attached"
    assert not view.hint.isVisible()


def test_panel_shows_facts_the_table_and_the_status_line_live(qtbot, engine, program, view) -> None:
    section = attached(qtbot, engine, view, program)
    panel = section.panel

    def polls() -> int:
        shown = panel.fact("Polls")
        return int(shown) if shown and shown.isdigit() else -1

    qtbot.waitUntil(lambda: polls() > 0, timeout=5000)
    first = polls()
    qtbot.waitUntil(lambda: polls() > first, timeout=5000)  # it follows panel_changed
    assert panel.status.text() == "connected"
    players = panel.tables["players"]
    assert players.title.text() == "Players"
    table = players.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers == ["Name", "Actions"]
    assert table.rowCount() == 1 and table.item(0, 0).text() == "Alice"
    assert [a.text() for a in players.row_menu(0).actions()] == ["Kick"]
    assert sorted(section.action_buttons) == ["announce", "block", "crash", "echo", "fail", "players", "whoami"]
    assert section.action_buttons["echo"].text() == "Echo…"  # asks for its parameters
    assert "guests" in section.action_buttons["players"].toolTip()
    assert "only admins" in section.action_buttons["fail"].toolTip()


def test_action_with_params_runs_off_the_gui_thread_and_shows_its_result(qtbot, engine, program, window, view) -> None:
    section = attached(qtbot, engine, view, program, password="pw")
    section.action_buttons["echo"].click()
    dialog = section.dialog
    assert isinstance(dialog, ActionDialog) and dialog.isVisible()
    assert dialog.windowTitle() == "Echo: Echo" and dialog.ok_button.text() == "Echo"
    press_ok(dialog)  # the message is required
    assert dialog.isVisible() and dialog.error_text("message") == "is required"
    qtbot.keyClicks(dialog.form.editor("message"), "hello there")
    press_ok(dialog)
    qtbot.waitUntil(lambda: section.dialog is None)
    qtbot.waitUntil(lambda: section.result.text().startswith("Echo ("), timeout=5000)
    assert not section.result.is_error
    assert [(section.result.cell(r, 0), section.result.cell(r, 1)) for r in range(2)] == [
        ("echo", "hello there"),
        ("password_known", "yes"),
    ]
    assert window.statusBar().currentMessage().startswith("Echo: Echo: {")
    assert section.action_buttons["echo"].isEnabled()

    section.action_buttons["players"].click()  # a list of objects: a table with a column per key
    qtbot.waitUntil(lambda: section.result.text().startswith("Players ("), timeout=5000)
    table = section.result.table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == ["name", "userid"]
    assert (section.result.cell(0, 0), section.result.cell(0, 1)) == ("Alice", "steam_1")
    assert window.statusBar().currentMessage() == "Echo: Players: 1 item(s)"


def test_a_slow_action_keeps_the_window_responsive(qtbot, engine, program, view, gate) -> None:
    section = attached(qtbot, engine, view, program, "roster", server="Pal #1")
    section.action_buttons["slow"].click()
    assert section.result.text() == "Slow: running…"
    assert not section.action_buttons["slow"].isEnabled()  # no double runs
    assert section.action_buttons["info"].isEnabled()
    section.action_buttons["info"].click()  # queued behind the slow one on the plugin's thread
    assert section.result.text() == "Info: running…"
    gate.set()
    qtbot.waitUntil(lambda: section.result.text().startswith("Info ("), timeout=5000)
    assert section.action_buttons["slow"].isEnabled()
    assert [(section.result.cell(r, 0), section.result.cell(r, 1)) for r in range(2)] == [
        ("server", "Pal #1"),
        ("limit", ""),
    ]


def test_a_failing_action_shows_its_message_in_red(qtbot, engine, program, window, view) -> None:
    section = attached(qtbot, engine, view, program)
    section.action_buttons["fail"].click()
    qtbot.waitUntil(lambda: section.result.text() == "Fail failed: the server said no", timeout=5000)
    assert section.result.is_error and "#c9362c" in section.result.message.styleSheet()
    assert window.statusBar().currentMessage() == "Echo: Fail: the server said no"
    # a row action the plugin does not declare is refused by the engine, shown the same way
    section.panel.tables["players"].table.cellWidget(0, 1).findChild(QPushButton, "row_kick_0").click()
    assert section.result.text() == "Kick failed: echo has no action 'kick'" and section.result.is_error


def test_row_actions_pass_the_rows_value_and_ask_first(qtbot, engine, program, view, monkeypatch) -> None:
    section = attached(qtbot, engine, view, program, "roster", server="Pal #1", limit=8)
    players = section.panel.tables["players"]
    assert [players.table.item(r, 1).text() for r in range(2)] == ["steam_1", "steam_2"]
    assert section.panel.fact("Server") == "Pal #1" and section.panel.status.text() == "REST connected"

    # Kick has a parameter besides the row's: a form for it, with the plugin's question on top
    players.table.cellWidget(1, 3).findChild(QPushButton, "row_kick_1").click()
    dialog = section.dialog
    assert isinstance(dialog, ActionDialog)
    assert list(dialog.form.fields) == ["reason"] and dialog.form.editor("reason").text() == "bye"  # the default
    assert dialog.question.text() == "Kick this player from the server?" and dialog.question.isVisibleTo(dialog)
    type_into(qtbot, dialog.form.editor("reason"), "afk")
    press_ok(dialog)
    qtbot.waitUntil(lambda: section.result.text().endswith(": kick steam_2: afk"), timeout=5000)
    qtbot.waitUntil(lambda: players.table.rowCount() == 1, timeout=5000)  # the panel followed
    assert section.panel.fact("Players") == "1"

    # Ban only needs the row's value: a confirmation, from the row's context menu
    asked = answer(monkeypatch, with_role=None)
    players.row_menu(0).actions()[1].trigger()
    assert asked == ["Ban this player?"]
    assert players.table.rowCount() == 1 and section.result.text().startswith("Kick (")
    asked = answer(monkeypatch, with_role=QMessageBox.ButtonRole.AcceptRole)
    players.row_menu(0).actions()[1].trigger()
    qtbot.waitUntil(lambda: section.result.text().endswith(": ban steam_1: banned"), timeout=5000)
    qtbot.waitUntil(lambda: players.table.rowCount() == 0, timeout=5000)


def test_the_plugins_series_are_charted_while_visible(qtbot, engine, program, window, view, monkeypatch) -> None:
    monkeypatch.setattr(plugin_series_view, "SERIES_REFRESH_MS", 100)  # instead of a minute
    assert engine.plugins.series_names(program.id) == []
    section = attached(qtbot, engine, view, program)
    assert engine.plugins.series_names(program.id) == ["echo.polls"]
    series = section.series
    assert series is not None and series.heading.text() == "Series (last 24 hours)"
    chart = series.chart("echo.polls")
    assert chart is not None and chart.title.text() == "Polls"
    qtbot.waitUntil(lambda: chart.plot is not None and len(chart.points) >= 1, timeout=10_000)
    qtbot.waitUntil(lambda: chart.value.text().startswith("Now: "), timeout=5000)
    assert int(chart.value.text().removeprefix("Now: ").replace(",", "")) >= 1
    times, values = chart.curve.getData()
    assert len(times) >= 1 and values[-1] >= 1

    window.detail.focus_charts()  # the Plugins tab is hidden: nothing is read meanwhile
    qtbot.waitUntil(lambda: not series.isVisible())
    reads = series.reads
    qtbot.wait(400)
    assert series.reads == reads
    window.detail.tabs.setCurrentWidget(view)  # shown again: read at once, then on the timer
    qtbot.waitUntil(lambda: series.reads >= reads + 2, timeout=5000)

    roster = attached(qtbot, engine, view, program, "roster", server="Pal #1")
    assert roster.series is None  # it declares no series


def test_settings_dialog_keeps_or_removes_the_secret(qtbot, engine, program, view) -> None:
    section = attached(qtbot, engine, view, program, port=25575, password="hunter2")
    section.settings_button.click()
    dialog = section.dialog
    assert isinstance(dialog, PluginSettingsDialog) and dialog.windowTitle() == "Settings of Echo"
    assert not dialog.plugin.isVisibleTo(dialog) and dialog.ok_button.text() == "Save"
    form = dialog.form
    assert form.editor("port").value() == 25575
    password = form.editor("password")
    assert password.text() == "" and "keep the current one" in password.placeholderText()
    form.editor("mode").setCurrentIndex(1)
    press_ok(dialog)
    qtbot.waitUntil(lambda: section.dialog is None)
    (instance,) = engine.plugins.instances(program.id)
    assert instance.settings["mode"] == "b" and instance.secrets == {"password": "hunter2"}
    qtbot.waitUntil(lambda: section.status.text() == "Running", timeout=5000)  # restarted with the new settings

    section.settings_button.click()
    dialog = section.dialog
    remove = dialog.form.remove_box("password")
    remove.setChecked(True)
    assert not dialog.form.editor("password").isEnabled()
    press_ok(dialog)
    qtbot.waitUntil(lambda: section.dialog is None)
    assert engine.plugins.instances(program.id)[0].secrets == {}


def test_optional_and_required_fields(qtbot, engine, program, view) -> None:
    view.attach_button.click()
    dialog = view.dialog
    dialog.plugin.setCurrentIndex(dialog.plugin.findData("roster"))
    form = dialog.form
    assert list(form.fields) == ["server", "limit"]
    assert form.findChild(QLabel, "help_server").text() == "Shown to players in announcements"
    limit = form.editor("limit")
    assert limit.text() == "Not set" and limit.maximum() == 32  # no default: "not set" sends nothing
    press_ok(dialog)
    assert dialog.error_text("server") == "is required" and dialog.error_text("limit") == ""
    qtbot.keyClicks(form.editor("server"), "Pal #1")
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    (instance,) = engine.plugins.instances(program.id)
    assert dict(instance.settings) == {"server": "Pal #1", "limit": None}


def test_switching_off_shows_why_and_holds_the_actions(qtbot, engine, program, window, view) -> None:
    section = attached(qtbot, engine, view, program)
    section.enabled.click()
    (instance,) = engine.plugins.instances(program.id)
    assert instance.enabled is False
    qtbot.waitUntil(lambda: section.status.text() == "Switched off")
    assert not any(button.isEnabled() for button in section.action_buttons.values())
    assert not section.panel.isVisibleTo(section)  # nothing runs, so nothing to show
    assert window.statusBar().currentMessage() == "Echo switched off"
    section.enabled.click()
    qtbot.waitUntil(lambda: section.status.text() == "Running", timeout=5000)
    assert section.action_buttons["fail"].isEnabled()
    qtbot.waitUntil(lambda: section.panel.isVisibleTo(section), timeout=5000)


@pytest.mark.allow_error_log  # the plugin's crashes are logged as errors, as they should be
def test_a_disabled_instance_shows_its_reason(qtbot, engine, program, view) -> None:
    section = attached(qtbot, engine, view, program)
    for _ in range(3):
        section.action_buttons["crash"].click()
        assert section.result.text() == "Crash: running…"
        qtbot.waitUntil(lambda: "bug in the plugin" in section.result.text(), timeout=5000)
        assert section.result.is_error
    qtbot.waitUntil(lambda: section.status.text().startswith("Disabled: "), timeout=5000)
    assert "failed 3 times" in section.status.text() and "bug in the plugin" in section.status.text()
    assert section.enabled.isChecked()  # the user did not switch it off: switching off and on again retries
    assert not any(button.isEnabled() for button in section.action_buttons.values())


def test_detach_asks_first(qtbot, engine, program, window, view, monkeypatch) -> None:
    section = attached(qtbot, engine, view, program)
    asked = answer(monkeypatch, with_role=None)
    section.detach_button.click()
    assert asked == ["Detach “Echo” from this program?"]
    assert len(engine.plugins.instances(program.id)) == 1
    answer(monkeypatch, with_role=QMessageBox.ButtonRole.DestructiveRole)
    section.detach_button.click()
    assert engine.plugins.instances(program.id) == ()
    qtbot.waitUntil(lambda: view.sections == {})
    assert "No plugin is attached" in view.hint.text()
    assert window.statusBar().currentMessage() == "Echo detached"


def test_the_view_follows_changes_made_elsewhere_and_the_selection(qtbot, engine, program, window, view) -> None:
    section = attached(qtbot, engine, view, program, "roster", server="Pal #1")
    other = engine.add_program(ProgramSpec(name="other", path=sys.executable), cause=Cause.USER, actor="t")
    engine.plugins.update(section.instance_id, {"settings": {"server": "Renamed"}})  # e.g. over the REST API
    qtbot.waitUntil(lambda: section.panel.fact("Server") == "Renamed", timeout=5000)
    window.select_program(other.id)
    qtbot.waitUntil(lambda: view.program_id == other.id)
    assert view.sections == {} and view.attach_button.isEnabled()
    engine.plugins.attach(other.id, "echo", {})
    qtbot.waitUntil(lambda: len(view.sections) == 1)
    window.table.clearSelection()
    qtbot.waitUntil(lambda: view.program_id is None)
    assert view.sections == {} and not view.attach_button.isEnabled()


def test_an_instance_whose_plugin_is_gone_says_so(qtbot, engines, engine, program) -> None:
    instance = engine.plugins.attach(program.id, "roster", {"server": "Pal #1"})
    engine.shutdown()
    again = engines(plugin_dirs=(SAMPLES,))  # the roster plugin was uninstalled meanwhile
    view = PluginsView(again.plugins)
    qtbot.addWidget(view)
    view.show()
    view.set_program(program.id)
    section = view.section(instance.id)
    assert section.name.text() == "roster"
    assert section.status.text() == "Not loaded: the plugin is not installed"
    assert not section.settings_button.isEnabled() and section.action_buttons == {}
    assert section.detach_button.isEnabled()  # what is left can still be removed


def test_plugins_tab_speaks_korean(qtbot, qapp, engine, program, window, view) -> None:
    from monitor_app.resources import translations_dir
    from monitor_app.ui.i18n import Translations

    section = attached(qtbot, engine, view, program)
    tabs = window.detail.tabs
    translations = Translations(qapp, translations_dir())
    try:
        assert translations.apply("ko") == "ko"
        qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(view)) == "플러그인")
        assert view.attach_button.text() == "플러그인 연결…"
        assert section.settings_button.text() == "설정…" and section.detach_button.text() == "분리…"
        assert section.enabled.text() == "사용"
        assert section.status.text() == "실행 중"
        assert section.panel.tables["players"].table.horizontalHeaderItem(1).text() == "동작"
        view.attach_button.click()
        dialog = view.dialog
        assert dialog.windowTitle() == "플러그인 연결" and dialog.ok_button.text() == "연결"
        type_into(qtbot, dialog.form.editor("port"), "0")
        press_ok(dialog)
        assert dialog.error_text("port") == "1 이상이어야 합니다"
        assert dialog.form.editor("password").placeholderText() == "설정 안 됨"
        dialog.reject()
        qtbot.waitUntil(lambda: view.dialog is None)
        section.action_buttons["fail"].click()
        qtbot.waitUntil(lambda: section.result.text() == "Fail 실패: the server said no", timeout=5000)
    finally:
        translations.apply("en")
    qtbot.waitUntil(lambda: tabs.tabText(tabs.indexOf(view)) == "Plugins")
