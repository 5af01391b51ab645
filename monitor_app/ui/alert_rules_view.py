"""The Alert rules page: the user's rules, what each watches in words, and whether it is firing now.

Rules come from the engine's registry (in memory) and are diffed into the table on ``rules_changed``, so
the selection survives edits. Which rules are firing is read from ``alerts_firing()`` (the evaluator's state,
in memory) when a rule fires or resolves, after a rule edit, and on each metrics tick while something fires,
so the measured value next to "Firing since…" stays current without a timer of its own.
"""

from collections.abc import Callable, Iterable
from dataclasses import replace
from enum import IntEnum

from PySide6.QtCore import (
    QByteArray,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QLabel, QVBoxLayout, QWidget

from monitor_app.core.alerts import AlertRule, AlertState, RuleAction, RuleKind
from monitor_app.core.model import ProgramSpec
from monitor_app.engine.automation import Automation
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.alert_labels import (
    FIRING_COLOR,
    OFF_COLOR,
    OK_COLOR,
    action_text,
    condition_text,
    program_name,
    since_text,
    target_text,
    value_text,
)
from monitor_app.ui.alert_rule_dialog import AlertRuleDialog
from monitor_app.ui.automation_labels import column_width, full_time
from monitor_app.ui.icons import dot_icon
from monitor_app.ui.record_page import (
    RECORD_ID_ROLE,
    RecordPage,
    RecordTableModel,
    make_action,
    make_table,
    tool_bar,
)

# The rule id of a row, in any column.
RULE_ID_ROLE = RECORD_ID_ROLE


class RuleColumn(IntEnum):
    NAME = 0
    CONDITION = 1
    PROGRAM = 2
    ACTION = 3
    ENABLED = 4
    STATE = 5


class AlertRulesModel(RecordTableModel):
    """Rules by id, with the alerts each one has firing now.

    Args:
        name_of: A program's name by id, None when it is gone.

    Signals:
        enabled_change_requested(int, bool): the user ticked or unticked a rule's Enabled box.
    """

    columns = RuleColumn
    enabled_column = RuleColumn.ENABLED

    def __init__(self, name_of: Callable[[int], str | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name_of = name_of
        self._firing: dict[int, tuple[AlertState, ...]] = {}

    # ------------------------------------------------------------------ Qt model API

    def _titles(self) -> dict[RuleColumn, str]:
        return {
            RuleColumn.NAME: self.tr("Name"),
            RuleColumn.CONDITION: self.tr("Watches"),
            RuleColumn.PROGRAM: self.tr("Program"),
            RuleColumn.ACTION: self.tr("Action"),
            RuleColumn.ENABLED: self.tr("Enabled"),
            RuleColumn.STATE: self.tr("State"),
        }

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        rule = self._records[index.row()]
        column = RuleColumn(index.column())
        if role == RULE_ID_ROLE:
            return rule.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(rule, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == RuleColumn.ENABLED:
            return Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked
        if column == RuleColumn.STATE and role in (
            Qt.ItemDataRole.DecorationRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            color = self.state_color(rule)
            if role == Qt.ItemDataRole.DecorationRole:
                return dot_icon(color)
            return QBrush(QColor(color)) if color != OK_COLOR else None
        if role == Qt.ItemDataRole.ForegroundRole and column == RuleColumn.NAME and not rule.enabled:
            return QBrush(QColor(OFF_COLOR))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == RuleColumn.STATE:
                return self.firing_details(rule) or None
            if column == RuleColumn.CONDITION:
                return self.cell_text(rule, column)
        return None

    # ------------------------------------------------------------------ words

    def cell_text(self, rule: AlertRule, column: RuleColumn) -> str:
        if column == RuleColumn.NAME:
            return rule.name
        if column == RuleColumn.CONDITION:
            return condition_text(rule)
        if column == RuleColumn.PROGRAM:
            return target_text(rule, self._name_of)
        if column == RuleColumn.ACTION:
            return action_text(rule)
        if column == RuleColumn.ENABLED:
            return ""
        return self.state_text(rule)

    def state_text(self, rule: AlertRule) -> str:
        """ "OK", "Off", "Firing since 11:40 (93 %)" or "Firing on 2 programs since 11:40"."""
        states = self._firing.get(rule.id, ())
        if not states:
            return self.tr("OK") if rule.enabled else self.tr("Off")
        since = since_text(min(state.since for state in states))
        if len(states) == 1:
            (state,) = states
            value = value_text(rule.kind, state.value)
            if rule.program_id is None:  # whom it concerns is not in the Program column
                value = f"{self._subject(rule, state)}: {value}"
            return self.tr("Firing since %1 (%2)").replace("%1", since).replace("%2", value)
        if rule.kind is RuleKind.DISK_FREE_BELOW:
            return self.tr("Firing on %n disk(s) since %1", "", len(states)).replace("%1", since)
        return self.tr("Firing on %n program(s) since %1", "", len(states)).replace("%1", since)

    def state_color(self, rule: AlertRule) -> str:
        if self._firing.get(rule.id):
            return FIRING_COLOR
        return OK_COLOR if rule.enabled else OFF_COLOR

    def firing_details(self, rule: AlertRule) -> str:
        """One line per firing subject: "Palworld: 93 % since 2025-03-18 11:40:12"."""
        return "\n".join(
            self.tr("%1: %2 since %3")
            .replace("%1", self._subject(rule, state))
            .replace("%2", value_text(rule.kind, state.value))
            .replace("%3", full_time(state.since))
            for state in self._firing.get(rule.id, ())
        )

    def _subject(self, rule: AlertRule, state: AlertState) -> str:
        if state.program_id is not None:
            return program_name(state.program_id, self._name_of)
        return state.subject

    # ------------------------------------------------------------------ lookups and changes

    rule = RecordTableModel.record
    rules = RecordTableModel.records
    set_rules = RecordTableModel.set_records

    def firing(self, rule_id: int) -> tuple[AlertState, ...]:
        return self._firing.get(rule_id, ())

    def any_firing(self) -> bool:
        return bool(self._firing)

    def _forget(self, record_id: int) -> None:
        self._firing.pop(record_id, None)

    def set_firing(self, states: Iterable[AlertState]) -> None:
        """The alerts firing now (all rules); repaints only the State cells that changed."""
        by_rule: dict[int, list[AlertState]] = {}
        for state in states:
            by_rule.setdefault(state.rule_id, []).append(state)
        firing = {
            rule_id: tuple(sorted(found, key=lambda s: (s.since, s.subject)))
            for rule_id, found in by_rule.items()
            if self.row_of(rule_id) is not None
        }
        changed = {
            rule_id
            for rule_id in firing.keys() | self._firing.keys()
            if firing.get(rule_id) != self._firing.get(rule_id)
        }
        self._firing = firing
        for rule_id in changed:
            row = self.row_of(rule_id)
            if row is not None:
                index = self.index(row, RuleColumn.STATE)
                self.dataChanged.emit(index, index)

    def names_changed(self) -> None:
        """A program was added, renamed or removed: repaint the cells that show program names."""
        if self._records:
            last = len(self._records) - 1
            self.dataChanged.emit(self.index(0, RuleColumn.PROGRAM), self.index(last, RuleColumn.PROGRAM))
            self.dataChanged.emit(self.index(0, RuleColumn.STATE), self.index(last, RuleColumn.STATE))


class AlertRulesView(RecordPage):
    """Alert rules with Add / Edit / Delete / Enable, and what the selected rule has firing.

    Args:
        engine: The engine facade (program names and their signals, disks for the dialog, metric ticks).
        automation: The engine's automation (rule commands and queries, ``rules_changed``,
            ``alert_transition``).

    Signals:
        status_message(str): something to show in the status bar (a refused command).
    """

    status_message = Signal(str)
    result_attribute = "result_rule"

    def __init__(self, engine: EngineFacade, automation: Automation, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("alertRulesView")
        self._engine = engine
        self._automation = automation
        self._firing_refresh_pending = False
        self.dialog: AlertRuleDialog | None = None
        programs = engine.programs()  # type: ignore[attr-defined]
        self._names: dict[int, str] = {spec.id: spec.name for spec in programs}

        self.model = AlertRulesModel(self._names.get, self)
        self.model.enabled_change_requested.connect(self._on_enabled_change_requested)
        self._make_actions()

        self.table = make_table(
            "alertRulesTable",
            self.model,
            self.fontMetrics().height() + 8,
            on_context_menu=self._on_context_menu,
        )
        self.table.doubleClicked.connect(self._on_double_clicked)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(RuleColumn.CONDITION, QHeaderView.ResizeMode.Interactive)
        self._fit_columns()
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.summary = QLabel()
        self.summary.setObjectName("alertsSummary")
        self.detail = QLabel()
        self.detail.setObjectName("alertRuleDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setContentsMargins(2, 4, 2, 2)

        bar = tool_bar(self.add_action, self.edit_action, self.delete_action, self.toggle_action)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)

        automation.rules_changed.connect(self._on_rules_changed)
        automation.alert_transition.connect(self._on_alert_transition)
        engine.metrics_ready.connect(self._on_metrics_ready)
        engine.program_added.connect(self._on_program_changed)
        engine.program_updated.connect(self._on_program_changed)
        engine.program_removed.connect(self._on_program_removed)
        self.model.set_rules(automation.alert_rules())
        self.model.set_firing(automation.alerts_firing())
        self._retranslate()

    def _fit_columns(self) -> None:
        """Column widths for the current language and font (a restored layout overrides them)."""
        metrics = self.fontMetrics()
        header = self.table.horizontalHeader()
        sample = AlertRule(name="", kind=RuleKind.RESTARTS_OVER, threshold=3, duration_s=600)
        actions = [
            action_text(replace(sample, action=RuleAction.RESTART)),
            action_text(replace(sample, action=RuleAction.PLUGIN_ACTION, plugin_action="palworld:save")),
        ]
        for column, samples, icon in (
            (RuleColumn.NAME, ["Palworld memory leak"], False),
            (
                RuleColumn.CONDITION,
                [
                    condition_text(sample),
                    condition_text(replace(sample, kind=RuleKind.MEMORY_TREND, threshold=8192)),
                    condition_text(
                        replace(sample, kind=RuleKind.DISK_FREE_BELOW, threshold=10, duration_s=60)
                    ),
                ],
                False,
            ),
            (RuleColumn.PROGRAM, ["Palworld server", target_text(sample, lambda _id: None)], False),
            (RuleColumn.ACTION, actions, False),
            (RuleColumn.ENABLED, [], False),
        ):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, column_width(metrics, title, *samples, icon=icon))

    def _make_actions(self) -> None:
        self.add_action = make_action(self, "addAlertRule", self.add_rule)
        self.edit_action = make_action(self, "editAlertRule", self.edit_selected)
        self.delete_action = make_action(self, "deleteAlertRule", self.delete_selected)
        self.toggle_action = make_action(self, "toggleAlertRule", self.toggle_selected)

    # ------------------------------------------------------------------ selection

    def selected_rule(self) -> AlertRule | None:
        return self._selected_record()

    def select_rule(self, rule_id: int) -> None:
        self._select_record(rule_id)

    # ------------------------------------------------------------------ commands

    @Slot()
    def add_rule(self) -> None:
        self._open_dialog(self._make_dialog(self._automation.add_alert_rule, None))

    @Slot()
    def edit_selected(self) -> None:
        rule = self.selected_rule()
        if rule is None:
            return

        def submit(data: dict[str, object]) -> AlertRule:
            return self._automation.update_alert_rule(rule.id, data)

        self._open_dialog(self._make_dialog(submit, rule))

    def _make_dialog(
        self, submit: Callable[[dict[str, object]], AlertRule], rule: AlertRule | None
    ) -> AlertRuleDialog:
        programs = [(spec.id, spec.name) for spec in self._engine.programs()]  # type: ignore[attr-defined]
        latest = self._engine.latest_metrics()  # type: ignore[attr-defined]
        disks = [disk.mountpoint for disk in latest.system.disks] if latest and latest.system else []
        return AlertRuleDialog(submit, rule, programs=programs, mountpoints=disks, parent=self)

    @Slot()
    def delete_selected(self) -> None:
        rule = self.selected_rule()
        if rule is None:
            return
        if self._confirm_delete(
            self.tr("Delete alert rule"),
            self.tr("Delete the alert rule “%1”?").replace("%1", rule.name),
            (
                self.tr("It is firing now; it stops without an “alert resolved” message.")
                if self.model.firing(rule.id)
                else None
            ),
            self.tr("Delete"),
        ):
            self._run(self._automation.remove_alert_rule, rule.id)

    def _set_enabled(self, rule_id: int, enabled: bool) -> None:
        self._run(self._automation.update_alert_rule, rule_id, {"enabled": enabled})

    # ------------------------------------------------------------------ state persisted in QSettings

    def restore_state(self, settings: QSettings) -> None:
        value = settings.value("automation/alerts/columns")
        if isinstance(value, QByteArray):
            self.table.horizontalHeader().restoreState(value)

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("automation/alerts/columns", self.table.horizontalHeader().saveState())

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_rules_changed(self) -> None:
        self.model.set_rules(self._automation.alert_rules())
        # The engine applies the new rule set to its evaluator on its next turn (a disabled or redefined rule
        # stops firing silently then): read the firing alerts after that.
        self._schedule_firing_refresh()
        self._update_actions()

    @Slot(object)
    def _on_alert_transition(self, _transition: object) -> None:
        self.refresh_firing()

    @Slot(object)
    def _on_metrics_ready(self, _tick: object) -> None:
        # The measured values of firing alerts move with every tick (the evaluator may see the tick after us).
        # A new firing arrives as alert_transition, so nothing needs reading while nothing fires.
        if self.model.any_firing():
            self._schedule_firing_refresh()

    def _schedule_firing_refresh(self) -> None:
        if not self._firing_refresh_pending:
            self._firing_refresh_pending = True
            QTimer.singleShot(0, self, self._on_firing_refresh_due)

    @Slot()
    def _on_firing_refresh_due(self) -> None:
        self._firing_refresh_pending = False
        self.refresh_firing()

    def refresh_firing(self) -> None:
        """Read which alerts are firing now (in memory: cheap)."""
        self.model.set_firing(self._automation.alerts_firing())
        self._update_summary()
        self._show_detail()

    @Slot(object)
    def _on_program_changed(self, spec: ProgramSpec) -> None:
        self._names[spec.id] = spec.name
        self.model.names_changed()
        self._show_detail()

    @Slot(int)
    def _on_program_removed(self, program_id: int) -> None:
        self._names.pop(program_id, None)
        self.model.names_changed()
        self._schedule_firing_refresh()  # its alerts end silently

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update_actions()

    def _on_context_menu(self, position) -> None:  # type: ignore[no-untyped-def]
        self._popup_menu(
            position, [self.toggle_action], [self.edit_action, self.delete_action], [self.add_action]
        )

    def _update_actions(self) -> None:
        self._update_record_actions(
            self.selected_rule(),
            (self.edit_action, self.delete_action, self.toggle_action),
            enable=self.tr("Enable"),
            disable=self.tr("Disable"),
        )
        self._update_summary()
        self._show_detail()

    def _update_summary(self) -> None:
        firing = sum(1 for rule in self.model.rules() if self.model.firing(rule.id))
        text = self.tr("%n rule(s) firing", "", firing) if firing else ""
        if self.summary.text() != text:
            self.summary.setText(text)
            self.summary.setStyleSheet(f"color: {FIRING_COLOR};" if firing else "")

    def _show_detail(self) -> None:
        """The selected rule in full, with each alert it has firing; a hint when there are no rules yet."""
        rule = self.selected_rule()
        if rule is None:
            if self.model.rowCount():
                text = self.tr("Select a rule to see what it has firing.")
            else:
                text = self.tr(
                    "No alert rules yet. Add one to be told when a server uses too much CPU or memory, stays "
                    "down, keeps crashing, or a disk fills up, and optionally to restart it."
                )
        else:
            lines = [f"{rule.name}: {condition_text(rule)} · {target_text(rule, self._names.get)}"]
            details = self.model.firing_details(rule)
            lines.append(details if details else self.model.state_text(rule))
            text = "\n".join(lines)
        if self.detail.text() != text:
            self.detail.setText(text)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Alert rules"))
        self.add_action.setText(self.tr("Add…"))
        self.add_action.setToolTip(
            self.tr("Watch CPU, memory, crashes or disk space and act when a limit is crossed")
        )
        self.edit_action.setText(self.tr("Edit…"))
        self.delete_action.setText(self.tr("Delete"))
        self.toggle_action.setToolTip(self.tr("Switch the selected rule on or off"))
        self._update_actions()
