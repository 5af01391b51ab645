"""The add/edit dialog: the engine's validation messages appear under the fields, nothing is half-saved."""

import sys

from PySide6.QtWidgets import QDialogButtonBox

from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, RestartPolicy
from monitor_app.ui.program_dialog import ProgramDialog


def press_ok(dialog: ProgramDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def new_dialog(qtbot, engine) -> ProgramDialog:
    dialog = ProgramDialog(lambda spec: engine.add_program(spec, cause=Cause.USER, actor="t"), windows=False)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_dialog_shows_engine_validation_per_field(qtbot, engine, tmp_path) -> None:
    dialog = new_dialog(qtbot, engine)
    dialog.name.setText("server")
    dialog.path.setText(str(tmp_path / "missing.exe"))
    dialog.cwd.setText(str(tmp_path / "nowhere"))
    press_ok(dialog)
    assert dialog.isVisible()
    assert "does not exist" in dialog.error_text("path")
    assert "is not an existing folder" in dialog.error_text("cwd")
    assert dialog.error_text("name") == ""
    assert engine.programs() == ()


def test_dialog_reports_a_duplicate_name(qtbot, engine) -> None:
    engine.add_program(ProgramSpec(name="Palworld", path=sys.executable), cause=Cause.USER, actor="t")
    dialog = new_dialog(qtbot, engine)
    dialog.name.setText("palworld")
    dialog.path.setText(sys.executable)
    press_ok(dialog)
    assert "already exists" in dialog.error_text("name")
    assert len(engine.programs()) == 1


def test_dialog_explains_malformed_arguments_as_they_are_typed(qtbot, engine) -> None:
    dialog = new_dialog(qtbot, engine)
    dialog.name.setText("x")
    dialog.path.setText(sys.executable)
    dialog.args.setText('-name "My Server')
    assert "malformed arguments" in dialog.args_preview.text()
    press_ok(dialog)
    assert "malformed arguments" in dialog.error_text("args")
    dialog.args.setText('-name "My Server" -port=8211')
    assert dialog.args_preview.text() == "3 argument(s): [-name]  [My Server]  [-port=8211]"


def test_dialog_adds_a_program_with_every_field(qtbot, engine, tmp_path) -> None:
    dialog = new_dialog(qtbot, engine)
    dialog.name.setText("Palworld")
    dialog.path.setText(sys.executable)
    dialog.args.setText("-c 'print(1)'")
    dialog.cwd.setText(str(tmp_path))
    dialog._add_env_row("LANG", "ko_KR.UTF-8")
    dialog.autostart.setChecked(True)
    dialog.policy.setCurrentIndex(dialog.policy.findData(RestartPolicy.ON_FAILURE))
    dialog.success_codes.setText("0, 3")
    dialog.stop_timeout.setValue(45)
    press_ok(dialog)
    assert not dialog.isVisible()
    (stored,) = engine.programs()
    assert stored.args == ("-c", "print(1)") and stored.cwd == str(tmp_path)
    assert dict(stored.env) == {"LANG": "ko_KR.UTF-8"} and stored.autostart
    assert stored.restart_policy is RestartPolicy.ON_FAILURE and stored.success_exit_codes == (0, 3)
    assert stored.stop_timeout == 45 and dialog.result_spec == stored


def test_dialog_bad_exit_codes_and_env_rows_are_explained(qtbot, engine) -> None:
    dialog = new_dialog(qtbot, engine)
    dialog.name.setText("x")
    dialog.path.setText(sys.executable)
    dialog.success_codes.setText("0, three")
    dialog._add_env_row("", "orphan value")
    press_ok(dialog)
    assert "whole numbers" in dialog.error_text("success_exit_codes")
    assert "no name" in dialog.error_text("env")


def test_dialog_edits_keep_the_id_and_prefill_fields(qtbot, engine) -> None:
    spec = engine.add_program(
        ProgramSpec(name="srv", path=sys.executable, args=("a b", "c"), stop_timeout=30), cause=Cause.USER, actor="t"
    )
    dialog = ProgramDialog(
        lambda new: engine.update_program(spec.id, new, cause=Cause.USER, actor="t"), spec, windows=False
    )
    qtbot.addWidget(dialog)
    assert dialog.args.text() == "'a b' c" and dialog.stop_timeout.value() == 30
    dialog.name.setText("renamed")
    press_ok(dialog)
    assert engine.program(spec.id).name == "renamed" and engine.program(spec.id).args == ("a b", "c")
