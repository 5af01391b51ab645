"""The generated plugin settings form and the words around it: the JSON it builds from each kind of field,
secrets kept / replaced / removed, numbers typed past their limits, and results laid out as tables."""

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLineEdit, QSpinBox

from monitor_app.pluginhost.api import Setting
from monitor_app.pluginhost.settings import validate_settings
from monitor_app.ui.plugin_labels import field_message, result_summary, result_table, value_text
from monitor_app.ui.plugin_settings_form import PluginSettingsForm

SCHEMA = (
    Setting("host", "Host", default="127.0.0.1", help="Where the server listens"),
    Setting("port", "Port", kind="int", default=8212, minimum=1, maximum=65535),
    Setting("ratio", "Ratio", kind="float", default=0.5, minimum=0, maximum=1),
    Setting("slots", "Slots", kind="int", minimum=1, maximum=32),  # no default: may be left unset
    Setting("mode", "Mode", kind="choice", default="rest", choices=("rest", "rcon")),
    Setting("region", "Region", kind="choice", choices=("eu", "us")),
    Setting("announce", "Announce restarts", kind="bool", default=True),
    Setting("note", "Note"),
    Setting("admin_password", "Admin password", kind="secret", required=True),
)


def fields() -> list[dict[str, object]]:
    return [
        {"key": s.key, "label": s.label, "kind": s.kind, "default": s.default, "choices": list(s.choices),
         "minimum": s.minimum, "maximum": s.maximum, "help": s.help, "required": s.required}
        for s in SCHEMA
    ]


def make(qtbot, values=None, secrets_set=(), *, params=False) -> PluginSettingsForm:  # type: ignore[no-untyped-def]
    form = PluginSettingsForm(fields(), values, secrets_set=secrets_set, params=params)
    qtbot.addWidget(form)
    return form


def test_each_kind_gets_its_editor_filled_with_the_defaults(qtbot) -> None:
    form = make(qtbot)
    kinds = {key: type(form.editor(key)) for key in form.fields}
    assert kinds == {
        "host": QLineEdit, "port": QSpinBox, "ratio": QDoubleSpinBox, "slots": QSpinBox, "mode": QComboBox,
        "region": QComboBox, "announce": QCheckBox, "note": QLineEdit, "admin_password": QLineEdit,
    }
    assert (form.editor("port").minimum(), form.editor("port").maximum()) == (1, 65535)
    assert form.editor("port").toolTip() == "From 1 to 65535"
    assert form.editor("announce").text() == "Announce restarts"
    assert form.editor("region").itemText(0) == "(none)"
    assert form.editor("slots").text() == "Not set"
    assert form.values() == {
        "host": "127.0.0.1", "port": 8212, "ratio": 0.5, "slots": None, "mode": "rest", "region": None,
        "announce": True, "note": None,
    }  # the secret left empty is left out
    settings, _secrets = validate_settings(SCHEMA, {**form.values(), "admin_password": "pw"})
    assert settings["port"] == 8212  # the engine takes what the form builds


def test_values_follow_the_editors(qtbot) -> None:
    form = make(qtbot)
    form.editor("host").setText("  10.0.0.5 ")
    form.editor("slots").setValue(16)
    form.editor("region").setCurrentIndex(form.editor("region").findData("us"))
    form.editor("announce").setChecked(False)
    form.editor("note").setText("")
    form.editor("admin_password").setText("s3cret")
    data = form.values()
    assert data["host"] == "10.0.0.5" and data["slots"] == 16 and data["region"] == "us"
    assert data["announce"] is False and data["admin_password"] == "s3cret"


def test_a_number_typed_past_its_limit_is_sent_as_typed(qtbot) -> None:
    form = make(qtbot)
    port = form.editor("port")
    port.selectAll()
    qtbot.keyClicks(port, "0")
    assert form.values()["port"] == 0
    port.selectAll()
    qtbot.keyClicks(port, "\b")
    assert form.values()["port"] == ""  # blank: the engine answers "must be a number"


def test_editing_shows_current_values_and_keeps_or_removes_set_secrets(qtbot) -> None:
    current = {"host": "h", "port": 25575, "ratio": 1.0, "slots": 8, "mode": "rcon", "region": "gone",
               "announce": False, "note": "x"}
    form = make(qtbot, current, secrets_set=["admin_password"])
    assert form.editor("region").currentText() == "gone"  # a value no longer offered stays visible
    password = form.editor("admin_password")
    assert "keep the current one" in password.placeholderText()
    assert "admin_password" not in form.values()  # empty: kept
    password.setText("new")
    assert form.values()["admin_password"] == "new"
    form.remove_box("admin_password").setChecked(True)
    assert password.text() == "" and not password.isEnabled()
    assert form.values()["admin_password"] is None
    assert {k: v for k, v in form.values().items() if k != "admin_password"} == current


def test_action_params_leave_empty_text_out_so_defaults_apply(qtbot) -> None:
    form = make(qtbot, params=True)
    assert "note" not in form.values() and "admin_password" not in form.values()
    assert form.remove_box("admin_password") is None and form.editor("admin_password").placeholderText() == ""


def test_engine_messages_go_under_their_fields(qtbot) -> None:
    form = make(qtbot)
    form.show()
    rest = form.show_errors({"port": "must be at least 1", "colour": "unknown setting"})
    assert form.error_text("port") == "must be at least 1" and form.error_text("host") == ""
    assert rest == {"colour": "unknown setting"}
    form.show_errors({})
    assert form.error_text("port") == ""


def test_field_messages_keep_unknown_ones() -> None:
    assert field_message("must be at most 1000 characters") == "must be at most 1000 characters"
    assert field_message("must be one of: a, b") == "must be one of: a, b"
    assert field_message("the server said no") == "the server said no"


def test_results_as_tables_and_lines() -> None:
    assert result_table([{"name": "Alice", "level": 3}, {"name": "Bob", "guild": "x"}]) == (
        ["name", "level", "guild"],
        [["Alice", "3", ""], ["Bob", "", "x"]],
        0,
    )
    assert result_table({"ok": True, "nested": {"a": [1, 2]}}) == (
        ["", ""], [["ok", "yes"], ["nested", '{"a": [1, 2]}']], 0
    )
    assert result_table(["a", "b"]) == ([""], [["a"], ["b"]], 0)
    assert result_table("saved") is None and result_table([]) is None
    _headers, rows, left = result_table([{"n": i} for i in range(600)])  # type: ignore[misc]
    assert len(rows) == 500 and left == 100
    assert result_summary(None) == "done" and result_summary([1, 2]) == "2 item(s)"
    assert result_summary("x" * 500).endswith("…") and len(result_summary("x" * 500)) == 120
    assert value_text(2.50) == "2.5" and value_text(None) == ""
