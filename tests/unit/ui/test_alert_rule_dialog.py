"""The alert rule dialog on its own: fields per kind, the JSON body it builds, the suggested name."""

from monitor_app.core.alerts import AlertRule, RuleAction, RuleKind
from monitor_app.core.errors import FieldError, ValidationError
from monitor_app.ui.alert_rule_dialog import AlertRuleDialog, DurationUnit


def make(qtbot, rule: AlertRule | None = None, submitted: list | None = None) -> AlertRuleDialog:  # type: ignore[type-arg]
    def submit(data: dict[str, object]) -> AlertRule:
        if submitted is not None:
            submitted.append(data)
        return AlertRule(name="x", kind=RuleKind.CPU_ABOVE, threshold=1, duration_s=0, id=1)

    dialog = AlertRuleDialog(
        submit, rule, programs=[(3, "Palworld"), (4, "Valheim")], mountpoints=["C:\\", "D:\\"]
    )
    qtbot.addWidget(dialog)
    return dialog


def test_new_disk_rule_body_has_no_program_and_no_restart(qtbot) -> None:
    dialog = make(qtbot)
    dialog.kind.setCurrentIndex(dialog.kind.findData(RuleKind.DISK_FREE_BELOW.value))
    assert [dialog.mountpoint.itemData(i) for i in range(dialog.mountpoint.count())] == [None, "C:\\", "D:\\"]
    dialog.mountpoint.setCurrentIndex(2)
    dialog.program.setCurrentIndex(dialog.program.findData(3))  # hidden for disks: not sent
    assert dialog.body() == {
        "name": "Free space on D:\\ below 10 % for 1 min",
        "kind": "disk_free_below",
        "program_id": None,
        "mountpoint": "D:\\",
        "threshold": 10.0,
        "duration_s": 60.0,
        "notify": True,
        "action": None,
        "plugin_action": None,
        "enabled": True,
    }
    restart = dialog.action.model().item(dialog.action.findData(RuleAction.RESTART.value))
    assert not restart.isEnabled()


def test_suggested_name_follows_until_typed(qtbot) -> None:
    dialog = make(qtbot)
    dialog.program.setCurrentIndex(dialog.program.findData(4))
    assert dialog.name.text() == "Valheim: CPU above 90 % for 1 min"
    dialog.kind.setCurrentIndex(dialog.kind.findData(RuleKind.DOWN_FOR.value))
    assert dialog.name.text() == "Valheim: Down for 1 min"
    assert dialog.body()["threshold"] == 0.0  # down_for takes none
    dialog.name.setText("my name")
    dialog.threshold.setValue(50)
    dialog.kind.setCurrentIndex(dialog.kind.findData(RuleKind.CPU_ABOVE.value))
    assert dialog.name.text() == "my name"
    dialog.name.clear()  # an emptied name follows again
    dialog.duration.setValue(5)
    assert dialog.name.text() == "Valheim: CPU above 90 % for 5 min"


def test_units_keep_the_time_and_respect_the_minimum(qtbot) -> None:
    dialog = make(qtbot)
    dialog.duration.setValue(3)
    dialog.duration_unit.setCurrentIndex(dialog.duration_unit.findData(int(DurationUnit.SECONDS)))
    assert dialog.duration.value() == 180 and dialog.duration_s() == 180
    dialog.duration.setValue(90)
    dialog.duration_unit.setCurrentIndex(dialog.duration_unit.findData(int(DurationUnit.MINUTES)))
    assert dialog.duration.value() == 2  # 1.5 min rounds
    dialog.kind.setCurrentIndex(dialog.kind.findData(RuleKind.MEMORY_TREND.value))
    assert dialog.duration.minimum() == 1 and dialog.duration_s() == 1800
    dialog.duration.setValue(0)
    assert dialog.duration_s() == 60  # a horizon cannot be shorter than a minute


def test_editing_a_rule_on_an_unmounted_disk_keeps_it(qtbot) -> None:
    rule = AlertRule(
        name="E", kind=RuleKind.DISK_FREE_BELOW, threshold=5, duration_s=0, mountpoint="E:\\", id=9
    )
    dialog = make(qtbot, rule)
    assert dialog.mountpoint.currentText() == "E:\\" and dialog.mountpoint.currentData() == "E:\\"
    assert dialog.body()["mountpoint"] == "E:\\" and dialog.name.text() == "E"


def test_restart_note_and_plugin_field_follow_the_action(qtbot) -> None:
    dialog = make(qtbot)
    dialog.show()
    assert not dialog.restart_note.isVisible() and not dialog.plugin_action.isVisible()
    dialog.action.setCurrentIndex(dialog.action.findData(RuleAction.RESTART.value))
    assert dialog.restart_note.isVisible() and "again and again" in dialog.restart_note.text()
    dialog.action.setCurrentIndex(dialog.action.findData(RuleAction.PLUGIN_ACTION.value))
    assert dialog.plugin_action.isVisible() and not dialog.restart_note.isVisible()
    dialog.plugin_action.setText(" palworld:save ")
    assert dialog.body()["plugin_action"] == "palworld:save"


def test_errors_show_per_field_and_unknown_fields_at_the_bottom(qtbot) -> None:
    submitted: list = []  # type: ignore[type-arg]

    def refuse(data: dict[str, object]) -> AlertRule:
        submitted.append(data)
        raise ValidationError([FieldError("duration_s", "too long"), FieldError("created_at", "odd")])

    dialog = AlertRuleDialog(refuse)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog._on_accept()
    assert dialog.error_text("duration_s") == "too long" and dialog.error_text("threshold") == ""
    assert dialog.form_error.text() == "created_at: odd"
    assert dialog.result_rule is None and dialog.isVisible() and len(submitted) == 1
