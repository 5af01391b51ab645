"""A plugin panel can be paused: it keeps what it shows and applies the latest panel on resume."""

from monitor_app.pluginhost.api import Panel
from monitor_app.ui.plugin_panel_view import PluginPanelView


def test_pause_holds_the_view_and_resume_shows_the_latest(qtbot) -> None:
    view = PluginPanelView()
    qtbot.addWidget(view)
    view.set_panel(Panel(facts=(("Lines", "1"),)))
    assert view.fact("Lines") == "1"
    view.pause.setChecked(True)
    view.set_panel(Panel(facts=(("Lines", "2"),)))
    view.set_panel(Panel(facts=(("Lines", "3"),)))
    assert view.fact("Lines") == "1"
    view.pause.setChecked(False)
    assert view.fact("Lines") == "3"
    assert view.pause.text() == "Pause"
