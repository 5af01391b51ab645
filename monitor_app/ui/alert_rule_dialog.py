"""Add or edit an alert rule: what it watches, on which program or disk, for how long, and what it does.

The dialog builds the REST JSON shape of ``core.alerts.rule_to_dict`` and hands it to ``submit`` (the engine's
add or update command). The engine validates; its per-field messages appear under the fields, and the dialog
stays open until the rule is accepted, so nothing is half-saved.

Fields follow the kind: the threshold's unit and label, the meaning of the duration ("for at least", "within",
"projected within"), a program or a disk. Choosing another kind fills in sensible values. A value the user did
not touch is sent back exactly as stored (a rule made over the REST API may hold 0.5 s, which the spin boxes
would round).
"""

from collections.abc import Callable, Mapping, Sequence
from enum import IntEnum

from PySide6.QtCore import QEvent, Slot
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.alerts import (
    MAX_DURATION_S,
    MAX_MEMORY_MB,
    MAX_NAME_LENGTH,
    MAX_RESTARTS,
    MIN_RESTART_WINDOW_S,
    MIN_TREND_HORIZON_S,
    PROGRAM_KINDS,
    AlertRule,
    RuleAction,
    RuleKind,
)
from monitor_app.ui.alert_labels import condition_text, kind_hint, kind_label, program_name
from monitor_app.ui.form_errors import FormDialog

HINT_STYLE = "color: palette(mid);"
DIALOG_WIDTH = 560


class DurationUnit(IntEnum):
    SECONDS = 1
    MINUTES = 60


#: What a new rule of each kind starts with: (threshold, duration in seconds).
PRESETS: Mapping[RuleKind, tuple[float, float]] = {
    RuleKind.CPU_ABOVE: (90.0, 60.0),
    RuleKind.MEMORY_ABOVE: (4096.0, 60.0),
    RuleKind.MEMORY_TREND: (8192.0, 1800.0),
    RuleKind.DOWN_FOR: (0.0, 60.0),
    RuleKind.RESTARTS_OVER: (3.0, 600.0),
    RuleKind.DISK_FREE_BELOW: (10.0, 60.0),
}

#: Threshold spin box per kind: (minimum, maximum, decimals, single step). The minimum is the lowest value a
#: person may type, not always a valid one: the engine's message explains why 0 % CPU makes no sense.
_THRESHOLD_RANGES: Mapping[RuleKind, tuple[float, float, int, float]] = {
    RuleKind.CPU_ABOVE: (0.0, 100.0, 1, 5.0),
    RuleKind.MEMORY_ABOVE: (0.0, MAX_MEMORY_MB, 0, 256.0),
    RuleKind.MEMORY_TREND: (0.0, MAX_MEMORY_MB, 0, 256.0),
    RuleKind.DOWN_FOR: (0.0, 0.0, 0, 1.0),
    RuleKind.RESTARTS_OVER: (0.0, float(MAX_RESTARTS), 0, 1.0),
    RuleKind.DISK_FREE_BELOW: (0.0, 100.0, 1, 1.0),
}

#: Shortest duration the engine accepts per kind (a window or a horizon cannot be shorter than a minute).
_MIN_DURATION_S: Mapping[RuleKind, float] = {
    RuleKind.RESTARTS_OVER: MIN_RESTART_WINDOW_S,
    RuleKind.MEMORY_TREND: MIN_TREND_HORIZON_S,
}


def split_duration(seconds: float) -> tuple[int, DurationUnit]:
    """Whole minutes when the duration is a minute or more and divides evenly, else seconds."""
    if seconds >= 60 and seconds % 60 == 0:
        return int(seconds // 60), DurationUnit.MINUTES
    return round(seconds), DurationUnit.SECONDS


class AlertRuleDialog(FormDialog):
    """The add/edit form for one alert rule.

    Args:
        submit: Called with the JSON body when the user presses OK; raises ValidationError (shown per field)
            or another MonitorError (shown at the bottom) to keep the dialog open; returns the stored rule.
        rule: The rule to edit, or None to add one.
        programs: (id, name) of every program, for the program choice.
        mountpoints: Disks mounted now, for the disk choice.

    Attributes:
        result_rule: The stored rule once accepted.
    """

    dialog_width = DIALOG_WIDTH

    def __init__(
        self,
        submit: Callable[[dict[str, object]], AlertRule],
        rule: AlertRule | None = None,
        *,
        programs: Sequence[tuple[int, str]] = (),
        mountpoints: Sequence[str] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("alertRuleDialog")
        self._submit = submit
        self._original = rule
        self._names = dict(programs)
        self.result_rule: AlertRule | None = None
        self._rows: dict[str, QWidget] = {}
        self._filling = True
        self._shown: tuple[RuleKind, float, int, DurationUnit] | None = None
        self._suggested: str | None = None
        self._build(programs, mountpoints)
        self._retranslate()
        kind = rule.kind if rule is not None else RuleKind.CPU_ABOVE
        self.kind.setCurrentIndex(self.kind.findData(kind.value))
        self._apply_kind(kind, preset=rule is None)
        if rule is not None:
            self._fill(rule)
        # The name follows the fields while it is empty or still the suggestion (also an old one kept as is).
        self._suggested = (
            self.suggested_name() if rule is None or rule.name == self.suggested_name() else None
        )
        self._filling = False
        self._on_action_changed()
        self._update_suggested_name()
        self.resize(DIALOG_WIDTH, 0)
        self._fit_height()

    # ------------------------------------------------------------------ layout

    def _build(self, programs: Sequence[tuple[int, str]], mountpoints: Sequence[str]) -> None:
        self.name = QLineEdit()
        self.name.setObjectName("ruleName")
        self.name.setMaxLength(MAX_NAME_LENGTH)
        self.kind = QComboBox()
        self.kind.setObjectName("ruleKind")
        for kind in RuleKind:
            self.kind.addItem("", kind.value)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.kind_hint = QLabel()
        self.kind_hint.setObjectName("kindHint")
        self.kind_hint.setWordWrap(True)
        self.kind_hint.setStyleSheet(HINT_STYLE)
        kind_box = QWidget()
        kind_layout = QVBoxLayout(kind_box)
        kind_layout.setContentsMargins(0, 0, 0, 0)
        kind_layout.setSpacing(2)
        kind_layout.addWidget(self.kind)
        kind_layout.addWidget(self.kind_hint)

        self.program = QComboBox()
        self.program.setObjectName("ruleProgram")
        self.program.addItem("", None)
        for program_id, name in programs:
            self.program.addItem(name, program_id)
        self.program.currentIndexChanged.connect(self._update_suggested_name)
        self.mountpoint = QComboBox()
        self.mountpoint.setObjectName("ruleMountpoint")
        self.mountpoint.addItem("", None)
        for mountpoint in mountpoints:
            self.mountpoint.addItem(mountpoint, mountpoint)
        self.mountpoint.currentIndexChanged.connect(self._update_suggested_name)

        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("ruleThreshold")
        self.threshold.valueChanged.connect(self._update_suggested_name)
        self.duration = QSpinBox()
        self.duration.setObjectName("ruleDuration")
        self.duration.valueChanged.connect(self._update_suggested_name)
        self.duration_unit = QComboBox()
        self.duration_unit.setObjectName("ruleDurationUnit")
        for unit in DurationUnit:
            self.duration_unit.addItem("", int(unit))
        self.duration_unit.currentIndexChanged.connect(self._on_duration_unit_changed)
        duration_box = QWidget()
        duration_layout = QHBoxLayout(duration_box)
        duration_layout.setContentsMargins(0, 0, 0, 0)
        duration_layout.addWidget(self.duration, 1)
        duration_layout.addWidget(self.duration_unit)
        self.duration_hint = QLabel()
        self.duration_hint.setWordWrap(True)
        self.duration_hint.setStyleSheet(HINT_STYLE)
        duration_field = QWidget()
        duration_field_layout = QVBoxLayout(duration_field)
        duration_field_layout.setContentsMargins(0, 0, 0, 0)
        duration_field_layout.setSpacing(2)
        duration_field_layout.addWidget(duration_box)
        duration_field_layout.addWidget(self.duration_hint)

        self.notify = QCheckBox()
        self.notify.setObjectName("ruleNotify")
        self.notify.setChecked(True)
        self.action = QComboBox()
        self.action.setObjectName("ruleAction")
        self.action.addItem("", None)
        self.action.addItem("", RuleAction.RESTART.value)
        self.action.addItem("", RuleAction.PLUGIN_ACTION.value)
        self.action.currentIndexChanged.connect(self._on_action_changed)
        self.restart_note = QLabel()
        self.restart_note.setObjectName("restartNote")
        self.restart_note.setWordWrap(True)
        self.restart_note.setStyleSheet(HINT_STYLE)
        action_box = QWidget()
        action_layout = QVBoxLayout(action_box)
        action_layout.setContentsMargins(0, 0, 0, 0)
        action_layout.setSpacing(2)
        action_layout.addWidget(self.action)
        action_layout.addWidget(self.restart_note)
        self.plugin_action = QLineEdit()
        self.plugin_action.setObjectName("rulePluginAction")
        self.plugin_note = QLabel()
        self.plugin_note.setWordWrap(True)
        self.plugin_note.setStyleSheet(HINT_STYLE)
        plugin_box = QWidget()
        plugin_layout = QVBoxLayout(plugin_box)
        plugin_layout.setContentsMargins(0, 0, 0, 0)
        plugin_layout.setSpacing(2)
        plugin_layout.addWidget(self.plugin_action)
        plugin_layout.addWidget(self.plugin_note)
        self.enabled = QCheckBox()
        self.enabled.setObjectName("ruleEnabled")
        self.enabled.setChecked(True)

        self.watch_group = QGroupBox()
        self.watch_form = QFormLayout(self.watch_group)
        self._add_row(self.watch_form, "name", self.name)
        self._add_row(self.watch_form, "kind", kind_box)
        self._add_row(self.watch_form, "program_id", self.program)
        self._add_row(self.watch_form, "mountpoint", self.mountpoint)
        self._add_row(self.watch_form, "threshold", self.threshold)
        self._add_row(self.watch_form, "duration_s", duration_field)

        self.act_group = QGroupBox()
        self.act_form = QFormLayout(self.act_group)
        self.act_form.addRow("", self._with_error("notify", self.notify))
        self._add_row(self.act_form, "action", action_box)
        self._add_row(self.act_form, "plugin_action", plugin_box)
        self.act_form.addRow("", self._with_error("enabled", self.enabled))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.watch_group)
        layout.addWidget(self.act_group)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def _add_row(self, form: QFormLayout, field: str, widget: QWidget) -> None:
        label = self._label(field)
        box = self._with_error(field, widget)
        label.setBuddy(widget)
        self._rows[field] = box
        form.addRow(label, box)

    def _set_row_visible(self, field: str, visible: bool) -> None:
        form = self.act_form if field in ("action", "plugin_action") else self.watch_form
        form.setRowVisible(self._rows[field], visible)

    def _retranslate(self) -> None:
        self.setWindowTitle(
            self.tr("Add alert rule") if self._original is None else self.tr("Edit alert rule")
        )
        self.watch_group.setTitle(self.tr("What to watch"))
        self.act_group.setTitle(self.tr("What to do when it fires"))
        self._labels["name"].setText(self.tr("Name"))
        self._labels["kind"].setText(self.tr("Watch for"))
        self._labels["program_id"].setText(self.tr("Program"))
        self._labels["mountpoint"].setText(self.tr("Disk"))
        self._labels["action"].setText(self.tr("Also"))
        self._labels["plugin_action"].setText(self.tr("Plugin action"))
        for index in range(self.kind.count()):
            self.kind.setItemText(index, kind_label(RuleKind(self.kind.itemData(index))))
        self.program.setItemText(0, self.tr("All programs (each on its own)"))
        self.mountpoint.setItemText(0, self.tr("Every disk"))
        self.duration_unit.setItemText(
            self.duration_unit.findData(int(DurationUnit.SECONDS)), self.tr("seconds")
        )
        self.duration_unit.setItemText(
            self.duration_unit.findData(int(DurationUnit.MINUTES)), self.tr("minutes")
        )
        self.name.setPlaceholderText(self.tr("e.g. Palworld memory leak"))
        self.notify.setText(self.tr("Notify: webhooks (“Alert fired” / “Alert resolved”) and a tray message"))
        self.notify.setToolTip(self.tr("The event log records every firing either way."))
        self.action.setItemText(0, self.tr("Nothing else"))
        self.action.setItemText(1, self.tr("Restart the program"))
        self.action.setItemText(2, self.tr("Run a plugin action"))
        self.restart_note.setText(
            self.tr(
                "Every firing restarts the program. Pick a limit it stays under right after a start, or it will "
                "be restarted again and again."
            )
        )
        self.plugin_action.setPlaceholderText(self.tr("<plugin id>:<action>, e.g. palworld:save"))
        self.plugin_note.setText(
            self.tr(
                "Plugin actions arrive with the plugin system; until then a firing rule records an error in "
                "the event log instead."
            )
        )
        self.enabled.setText(self.tr("Enabled (a switched-off rule is kept but not checked)"))
        self._apply_kind_texts(self.current_kind())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ kinds

    def current_kind(self) -> RuleKind:
        return RuleKind(self.kind.currentData())

    def _apply_kind(self, kind: RuleKind, *, preset: bool) -> None:
        """Show the fields of ``kind``; with ``preset``, fill in its usual values."""
        program_kind = kind in PROGRAM_KINDS
        self._set_row_visible("program_id", program_kind)
        self._set_row_visible("mountpoint", not program_kind)
        self._set_row_visible("threshold", kind is not RuleKind.DOWN_FOR)
        minimum, maximum, decimals, step = _THRESHOLD_RANGES[kind]
        self.threshold.setDecimals(decimals)
        self.threshold.setRange(minimum, maximum)
        self.threshold.setSingleStep(step)
        restart = self.action.model()
        assert isinstance(restart, QStandardItemModel)
        restart.item(1).setEnabled(program_kind)
        if not program_kind and self.action.currentData() == RuleAction.RESTART.value:
            self.action.setCurrentIndex(0)
        if preset:
            threshold, duration = PRESETS[kind]
            self.threshold.setValue(threshold)
            self._set_duration(duration)
        self._update_duration_range()
        self._apply_kind_texts(kind)

    def _apply_kind_texts(self, kind: RuleKind) -> None:
        self.kind_hint.setText(kind_hint(kind))
        thresholds = {
            RuleKind.CPU_ABOVE: (self.tr("CPU at or above"), self.tr(" %")),
            RuleKind.MEMORY_ABOVE: (self.tr("Memory at or above"), self.tr(" MB")),
            RuleKind.MEMORY_TREND: (self.tr("Memory limit"), self.tr(" MB")),
            RuleKind.DOWN_FOR: ("", ""),
            RuleKind.RESTARTS_OVER: (self.tr("More than"), self.tr(" restarts")),
            RuleKind.DISK_FREE_BELOW: (self.tr("Free space below"), self.tr(" %")),
        }
        label, suffix = thresholds[kind]
        self._labels["threshold"].setText(label)
        self.threshold.setSuffix(suffix)
        durations = {
            RuleKind.CPU_ABOVE: self.tr("For at least"),
            RuleKind.MEMORY_ABOVE: self.tr("For at least"),
            RuleKind.MEMORY_TREND: self.tr("Projected within"),
            RuleKind.DOWN_FOR: self.tr("Down for at least"),
            RuleKind.RESTARTS_OVER: self.tr("Within"),
            RuleKind.DISK_FREE_BELOW: self.tr("For at least"),
        }
        self._labels["duration_s"].setText(durations[kind])
        hints = {
            RuleKind.MEMORY_TREND: self.tr("How far ahead the memory trend is projected (1 min to 24 h)."),
            RuleKind.RESTARTS_OVER: self.tr(
                "The sliding window the restarts are counted in (1 min to 24 h)."
            ),
        }
        self.duration_hint.setText(
            hints.get(kind, self.tr("0 fires at the first sample that crosses the limit (at most 24 h)."))
        )

    def _update_duration_range(self) -> None:
        unit = DurationUnit(self.duration_unit.currentData())
        minimum = _MIN_DURATION_S.get(self.current_kind(), 0.0)
        self.duration.setRange(int(-(-minimum // unit)), int(MAX_DURATION_S // unit))

    def _set_duration(self, seconds: float) -> None:
        value, unit = split_duration(seconds)
        self.duration_unit.blockSignals(True)
        self.duration_unit.setCurrentIndex(self.duration_unit.findData(int(unit)))
        self.duration_unit.blockSignals(False)
        self._update_duration_range()
        self.duration.setValue(value)

    # ------------------------------------------------------------------ values

    def _fill(self, rule: AlertRule) -> None:
        self.name.setText(rule.name)
        if rule.kind in PROGRAM_KINDS:
            index = self.program.findData(rule.program_id)
            if index < 0 and rule.program_id is not None:
                self.program.addItem(program_name(rule.program_id, self._names.get), rule.program_id)
                index = self.program.count() - 1
            self.program.setCurrentIndex(max(0, index))
        else:
            index = self.mountpoint.findData(rule.mountpoint)
            if index < 0 and rule.mountpoint is not None:
                self.mountpoint.addItem(rule.mountpoint, rule.mountpoint)
                index = self.mountpoint.count() - 1
            self.mountpoint.setCurrentIndex(max(0, index))
        self.threshold.setValue(rule.threshold)
        self._set_duration(rule.duration_s)
        self.notify.setChecked(rule.notify)
        self.action.setCurrentIndex(max(0, self.action.findData(rule.action.value if rule.action else None)))
        self.plugin_action.setText(rule.plugin_action or "")
        self.enabled.setChecked(rule.enabled)
        self._shown = (
            rule.kind,
            self.threshold.value(),
            self.duration.value(),
            DurationUnit(self.duration_unit.currentData()),
        )

    def threshold_value(self) -> float:
        """The threshold to send: the stored one while its kind and box are as they were filled in."""
        kind = self.current_kind()
        if kind is RuleKind.DOWN_FOR:
            return 0.0
        original, shown = self._original, self._shown
        if (
            original is not None
            and shown is not None
            and shown[0] is kind
            and shown[1] == self.threshold.value()
        ):
            return original.threshold
        return self.threshold.value()

    def duration_s(self) -> float:
        """The duration in seconds to send (the stored one when untouched, as for the threshold)."""
        unit = DurationUnit(self.duration_unit.currentData())
        original, shown = self._original, self._shown
        if (
            original is not None
            and shown is not None
            and shown[0] is self.current_kind()
            and shown[2:] == (self.duration.value(), unit)
        ):
            return original.duration_s
        return float(self.duration.value() * unit)

    def body(self) -> dict[str, object]:
        """The JSON body for the engine (every field, so a kind change leaves nothing of the old kind)."""
        kind = self.current_kind()
        program_kind = kind in PROGRAM_KINDS
        action = self.action.currentData()
        plugin_action = self.plugin_action.text().strip() if action == RuleAction.PLUGIN_ACTION.value else ""
        return {
            "name": self.name.text().strip(),
            "kind": kind.value,
            "program_id": self.program.currentData() if program_kind else None,
            "mountpoint": None if program_kind else self.mountpoint.currentData(),
            "threshold": self.threshold_value(),
            "duration_s": self.duration_s(),
            "notify": self.notify.isChecked(),
            "action": action,
            "plugin_action": plugin_action or None,
            "enabled": self.enabled.isChecked(),
        }

    def suggested_name(self) -> str:
        """A name from the condition and the program, used until the user types their own."""
        kind = self.current_kind()
        rule = AlertRule(
            name="",
            kind=kind,
            threshold=self.threshold_value(),
            duration_s=self.duration_s(),
            mountpoint=None if kind in PROGRAM_KINDS else self.mountpoint.currentData(),
        )
        text = condition_text(rule)
        program_id = self.program.currentData() if kind in PROGRAM_KINDS else None
        if program_id is not None:
            text = f"{self.program.currentText()}: {text}"
        return text[:MAX_NAME_LENGTH].strip()

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_accept(self) -> None:
        self.show_errors({})
        stored = self._submit_form(self.body, fit_on_error=True)
        if stored is None:
            return
        self.result_rule = stored
        self.accept()

    @Slot()
    def _on_kind_changed(self) -> None:
        if self._filling:
            return
        self._apply_kind(self.current_kind(), preset=True)
        self._update_suggested_name()
        self._fit_height()

    @Slot()
    def _on_duration_unit_changed(self) -> None:
        """Keep the time the same when the unit changes (90 s ↔ 1.5 min rounds to 2 min)."""
        unit = DurationUnit(self.duration_unit.currentData())
        previous = DurationUnit.MINUTES if unit is DurationUnit.SECONDS else DurationUnit.SECONDS
        seconds = self.duration.value() * previous
        self._update_duration_range()
        self.duration.setValue(round(seconds / unit))
        self._update_suggested_name()

    @Slot()
    def _on_action_changed(self) -> None:
        plugin = self.action.currentData() == RuleAction.PLUGIN_ACTION.value
        self._set_row_visible("plugin_action", plugin)
        self.restart_note.setVisible(self.action.currentData() == RuleAction.RESTART.value)
        if self.isVisible():
            self._fit_height()

    @Slot()
    def _update_suggested_name(self) -> None:
        if self._filling:
            return
        current = self.name.text().strip()
        if not current or current == self._suggested:
            self._suggested = self.suggested_name()
            self.name.setText(self._suggested)
