"""Alert rules in words and in the table model: conditions, actions, durations, firing state, in-place updates."""

import time

import pytest
from PySide6.QtCore import Qt

from monitor_app.core.alerts import AlertRule, AlertState, RuleAction, RuleKind
from monitor_app.ui.alert_labels import (
    FIRING_COLOR,
    OFF_COLOR,
    action_text,
    condition_text,
    duration_text,
    since_text,
    target_text,
    value_text,
)
from monitor_app.ui.alert_rule_dialog import DurationUnit, split_duration
from monitor_app.ui.alert_rules_view import AlertRulesModel, RuleColumn

NAMES = {1: "Palworld", 2: "Minecraft"}


def rule(kind: RuleKind, threshold: float = 0.0, duration_s: float = 0.0, **kw) -> AlertRule:
    kw.setdefault("name", kind.value)
    return AlertRule(kind=kind, threshold=threshold, duration_s=duration_s, **kw)


def test_durations_read_as_people_say_them(qapp) -> None:
    assert [duration_text(s) for s in (0, 0.5, 45, 60, 90, 600, 5400, 7200, 9000, 86_400)] == [
        "0 s",
        "0.5 s",
        "45 s",
        "1 min",
        "90 s",
        "10 min",
        "90 min",
        "2 h",
        "2.5 h",
        "24 h",
    ]


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (rule(RuleKind.CPU_ABOVE, 90, 60), "CPU above 90 % for 1 min"),
        (rule(RuleKind.CPU_ABOVE, 92.5, 0), "CPU above 92.5 %"),
        (rule(RuleKind.MEMORY_ABOVE, 4096, 30), "Memory above 4096 MB for 30 s"),
        (rule(RuleKind.MEMORY_TREND, 8192, 1800), "Memory heading for 8192 MB within 30 min"),
        (rule(RuleKind.DOWN_FOR, 0, 60), "Down for 1 min"),
        (rule(RuleKind.DOWN_FOR, 0, 0), "Down"),
        (rule(RuleKind.RESTARTS_OVER, 3, 600), "More than 3 restart(s) within 10 min"),
        (rule(RuleKind.DISK_FREE_BELOW, 10, 0), "Free space below 10 % on any disk"),
        (rule(RuleKind.DISK_FREE_BELOW, 5, 120, mountpoint="C:\\"), "Free space on C:\\ below 5 % for 2 min"),
    ],
)
def test_condition_in_words(qapp, made: AlertRule, expected: str) -> None:
    assert condition_text(made) == expected


def test_action_target_and_value_words(qapp) -> None:
    cpu = rule(RuleKind.CPU_ABOVE, 90, 60)
    assert action_text(cpu) == "Notify"
    assert action_text(rule(RuleKind.CPU_ABOVE, 90, notify=False, action=RuleAction.RESTART)) == "Restart"
    plugin = rule(RuleKind.CPU_ABOVE, 90, action=RuleAction.PLUGIN_ACTION, plugin_action="palworld:save")
    assert action_text(plugin) == "Notify + Plugin action palworld:save"
    assert action_text(rule(RuleKind.CPU_ABOVE, 90, notify=False)) == "Event log only"

    assert target_text(cpu, NAMES.get) == "All programs"
    assert target_text(rule(RuleKind.CPU_ABOVE, 90, program_id=2), NAMES.get) == "Minecraft"
    assert target_text(rule(RuleKind.CPU_ABOVE, 90, program_id=7), NAMES.get) == "#7 (removed)"
    assert target_text(rule(RuleKind.DISK_FREE_BELOW, 10), NAMES.get) == "Whole machine"

    assert value_text(RuleKind.CPU_ABOVE, 93.14) == "93 %"
    assert value_text(RuleKind.MEMORY_ABOVE, 5123.4) == "5123 MB"
    assert value_text(RuleKind.MEMORY_TREND, 8300.2) == "8300 MB projected"
    assert value_text(RuleKind.DOWN_FOR, 61.2) == "down 61 s"
    assert value_text(RuleKind.RESTARTS_OVER, 4) == "4 restart(s)"
    assert value_text(RuleKind.DISK_FREE_BELOW, 7.46) == "7.5 % free"


def test_since_is_short_for_today(qapp) -> None:
    now = time.mktime((2025, 3, 18, 15, 0, 0, 0, 0, -1))
    assert since_text(now - 3600, now=now) == "14:00"
    assert since_text(now - 86_400, now=now) == "03-17 15:00"


def test_split_duration_prefers_whole_minutes() -> None:
    assert split_duration(60) == (1, DurationUnit.MINUTES)
    assert split_duration(1800) == (30, DurationUnit.MINUTES)
    assert split_duration(90) == (90, DurationUnit.SECONDS)
    assert split_duration(0) == (0, DurationUnit.SECONDS)


def test_model_diffs_rules_in_place(qapp) -> None:
    model = AlertRulesModel(NAMES.get)
    first = rule(RuleKind.CPU_ABOVE, 90, 60, id=1, program_id=1)
    second = rule(RuleKind.DOWN_FOR, 0, 60, id=2)
    model.set_rules([second, first])
    assert [r.id for r in model.rules()] == [1, 2]
    resets, removed, changed = [], [], []
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsRemoved.connect(lambda _p, row, _last: removed.append(row))
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    third = rule(RuleKind.MEMORY_ABOVE, 1024, 0, id=3)
    model.set_rules([rule(RuleKind.DOWN_FOR, 0, 120, id=2), third])
    assert removed == [0] and changed == [0] and not resets
    assert model.index(0, RuleColumn.CONDITION).data() == "Down for 2 min"
    assert model.index(1, RuleColumn.NAME).data() == "memory_above"
    assert model.index(1, RuleColumn.PROGRAM).data() == "All programs"


def test_model_state_column_says_ok_off_or_firing(qapp) -> None:
    model = AlertRulesModel(NAMES.get)
    own = rule(RuleKind.CPU_ABOVE, 90, 60, id=1, program_id=1)
    every = rule(RuleKind.MEMORY_ABOVE, 1024, 0, id=2)
    disks = rule(RuleKind.DISK_FREE_BELOW, 10, 0, id=3)
    off = rule(RuleKind.DOWN_FOR, 0, 60, id=4, enabled=False)
    model.set_rules([own, every, disks, off])

    def state(row: int, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        return model.index(row, RuleColumn.STATE).data(role)

    assert [state(row) for row in range(4)] == ["OK", "OK", "OK", "Off"]
    assert state(3, Qt.ItemDataRole.ForegroundRole).color().name() == OFF_COLOR
    assert model.index(3, RuleColumn.ENABLED).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked

    since = time.time() - 120
    repainted: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: repainted.append((top.row(), top.column())))
    model.set_firing(
        [
            AlertState(1, 1, "program 1", since, 93.1),
            AlertState(2, 2, "program 2", since + 5, 2048.4),
            AlertState(3, None, "C:\\", since, 4.2),
            AlertState(3, None, "D:\\", since + 1, 8.0),
            AlertState(99, 1, "program 1", since, 1.0),  # a rule this model does not show (removed meanwhile)
        ]
    )
    hm = time.strftime("%H:%M", time.localtime(since))
    assert sorted(repainted) == [(0, RuleColumn.STATE), (1, RuleColumn.STATE), (2, RuleColumn.STATE)]
    assert state(0) == f"Firing since {hm} (93 %)"
    assert state(0, Qt.ItemDataRole.ForegroundRole).color().name() == FIRING_COLOR
    assert (
        state(1) == f"Firing since {time.strftime('%H:%M', time.localtime(since + 5))} (Minecraft: 2048 MB)"
    )
    assert state(2) == f"Firing on 2 disk(s) since {hm}"
    assert state(2, Qt.ItemDataRole.ToolTipRole).splitlines()[1].startswith("D:\\: 8.0 % free since ")
    assert state(3) == "Off"
    assert model.any_firing()

    repainted.clear()
    model.set_firing([AlertState(1, 1, "program 1", since, 93.1)])  # 1 unchanged, 2 and 3 resolved
    assert sorted(repainted) == [(1, RuleColumn.STATE), (2, RuleColumn.STATE)]
    assert [state(row) for row in (1, 2)] == ["OK", "OK"]


def test_model_checkbox_asks_the_engine(qapp) -> None:
    model = AlertRulesModel(NAMES.get)
    model.set_rules([rule(RuleKind.CPU_ABOVE, 90, 60, id=5)])
    asked: list[tuple[int, bool]] = []
    model.enabled_change_requested.connect(lambda rule_id, enabled: asked.append((rule_id, enabled)))
    index = model.index(0, RuleColumn.ENABLED)
    assert model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert asked == [(5, False)]
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked  # until the engine says so
    assert not model.setData(model.index(0, RuleColumn.NAME), "x", Qt.ItemDataRole.EditRole)
