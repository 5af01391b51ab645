"""Alert rules: the JSON codec round-trips, and validation names every bad field with a useful message."""

import json

import pytest

from monitor_app.core.alerts import (
    RULE_UNITS,
    AlertRule,
    RuleAction,
    RuleKind,
    describe_rule,
    format_duration,
    rule_from_dict,
    rule_to_dict,
    validate_rule,
)
from monitor_app.core.errors import ValidationError

RULES = [
    AlertRule(name="Hot CPU", kind=RuleKind.CPU_ABOVE, threshold=90, duration_s=60, program_id=3, id=1),
    AlertRule(
        name="PM2-style restart",
        kind=RuleKind.MEMORY_ABOVE,
        threshold=8192,
        duration_s=30,
        action=RuleAction.RESTART,
        id=2,
        created_at=1_700_000_000.5,
    ),
    AlertRule(
        name="Leak",
        kind=RuleKind.MEMORY_TREND,
        threshold=12_000,
        duration_s=1800,
        notify=False,
        action=RuleAction.PLUGIN_ACTION,
        plugin_action="palworld:save",
        id=3,
    ),
    AlertRule(name="Down", kind=RuleKind.DOWN_FOR, threshold=0, duration_s=300, enabled=False, id=4),
    AlertRule(name="Crash loop", kind=RuleKind.RESTARTS_OVER, threshold=3, duration_s=600, id=5),
    AlertRule(
        name="Disk C", kind=RuleKind.DISK_FREE_BELOW, threshold=10, duration_s=0, mountpoint="C:\\", id=6
    ),
]


def _errors(data: dict) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        rule_from_dict(data)
    return dict(exc.value.by_field())


def _base(**changes: object) -> dict:
    data: dict = {"name": "CPU", "kind": "cpu_above", "threshold": 90, "duration_s": 60}
    data.update(changes)
    return data


@pytest.mark.parametrize("rule", RULES, ids=[r.kind.value for r in RULES])
def test_rules_round_trip_through_json(rule: AlertRule) -> None:
    data = json.loads(json.dumps(rule_to_dict(rule)))
    assert data["kind"] == rule.kind.value and data["id"] == rule.id
    assert rule_from_dict(data, existing_id=rule.id) == rule


def test_minimal_input_gets_the_defaults_and_the_given_id() -> None:
    rule = rule_from_dict(_base(id=99, name="  Hot  "), existing_id=7)
    assert rule == AlertRule(name="Hot", kind=RuleKind.CPU_ABOVE, threshold=90.0, duration_s=60.0, id=7)
    assert rule.notify and rule.enabled and rule.action is None and rule.program_id is None
    assert rule.is_global and rule.unit == "%"


def test_down_for_needs_no_threshold_and_refuses_one() -> None:
    rule = rule_from_dict({"name": "down", "kind": "down_for", "duration_s": 120})
    assert rule.threshold == 0.0
    assert (
        "duration_s"
        in _errors({"name": "down", "kind": "down_for", "duration_s": 120, "threshold": 5})["threshold"]
    )


def test_action_notify_is_the_notify_flag() -> None:
    rule = rule_from_dict(_base(action="notify", notify=False))
    assert rule.action is None and rule.notify is True


def test_required_and_unknown_fields() -> None:
    errors = _errors({"colour": "red"})
    assert errors == {
        "colour": "unknown field",
        "name": "is required",
        "kind": "is required",
        "duration_s": "is required",
        "threshold": "is required",
    }


def test_unknown_kind_lists_the_known_ones() -> None:
    message = _errors(_base(kind="cpu_over"))["kind"]
    assert "'cpu_over'" in message and "cpu_above" in message and "disk_free_below" in message


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("threshold", "90", "must be a number"),
        ("threshold", True, "must be a number"),
        ("threshold", float("nan"), "must be a number"),
        ("duration_s", None, "must be a number"),
        ("name", 5, "must be a string"),
        ("program_id", 0, "positive integer"),
        ("program_id", "3", "positive integer"),
        ("program_id", True, "positive integer"),
        ("notify", "yes", "true or false"),
        ("enabled", 1, "true or false"),
        ("action", "reboot", "restart"),
        ("mountpoint", 3, "string or null"),
        ("plugin_action", ["a"], "string or null"),
    ],
)
def test_wrong_types_are_named(field: str, value: object, expected: str) -> None:
    assert expected in _errors(_base(**{field: value}))[field]


@pytest.mark.parametrize(
    ("kind", "threshold", "expected"),
    [
        ("cpu_above", 0, "above 0 and at most 100"),
        ("cpu_above", 100.5, "above 0 and at most 100"),
        ("cpu_above", -5, "above 0 and at most 100"),
        ("disk_free_below", 0, "between 0 and 100"),
        ("disk_free_below", 100, "between 0 and 100"),
        ("memory_above", 0, "greater than 0"),
        ("memory_trend", -1, "greater than 0"),
        ("memory_above", 1e12, "at most"),
        ("restarts_over", 2.5, "whole number"),
        ("restarts_over", -1, "between 0 and 1000"),
        ("restarts_over", 5000, "between 0 and 1000"),
    ],
)
def test_thresholds_that_make_no_sense(kind: str, threshold: float, expected: str) -> None:
    duration = 600 if kind in ("restarts_over", "memory_trend") else 60
    assert expected in _errors(_base(kind=kind, threshold=threshold, duration_s=duration))["threshold"]


@pytest.mark.parametrize(
    ("kind", "duration", "expected"),
    [
        ("cpu_above", -1, "between 0 and 86400"),
        ("memory_above", 86_401, "between 0 and 86400"),
        ("restarts_over", 30, "window counted for restarts and must be between 60"),
        ("memory_trend", 10, "projected and must be between 60"),
    ],
)
def test_duration_bounds_depend_on_the_kind(kind: str, duration: float, expected: str) -> None:
    threshold = 3 if kind == "restarts_over" else 90
    assert expected in _errors(_base(kind=kind, threshold=threshold, duration_s=duration))["duration_s"]


def test_plugin_action_format_and_presence() -> None:
    assert "is required" in _errors(_base(action="plugin_action"))["plugin_action"]
    for bad in ("palworld", "Palworld:save", "palworld:", ":save", "palworld:save now"):
        assert (
            "'<plugin id>:<action>'"
            in _errors(_base(action="plugin_action", plugin_action=bad))["plugin_action"]
        )
    assert "only used" in _errors(_base(action="restart", plugin_action="palworld:save"))["plugin_action"]
    rule = rule_from_dict(_base(action="plugin_action", plugin_action="palworld:broadcast.warn"))
    assert rule.plugin_action == "palworld:broadcast.warn"


def test_disk_rules_are_system_wide_and_restart_nothing() -> None:
    errors = _errors(_base(kind="disk_free_below", threshold=10, program_id=2, action="restart"))
    assert errors["program_id"] == "disk rules watch the whole machine; leave it empty"
    assert errors["action"] == "a disk rule has no program to restart"
    assert "only disk_free_below" in _errors(_base(mountpoint="C:\\"))["mountpoint"]
    rule = rule_from_dict(_base(kind="disk_free_below", threshold=10, mountpoint=" D:\\ "))
    assert rule.mountpoint == "D:\\"


def test_every_problem_is_reported_at_once() -> None:
    errors = _errors(_base(name=" ", threshold=150, duration_s=-1, mountpoint="/"))
    assert set(errors) == {"name", "threshold", "duration_s", "mountpoint"}


def test_validate_rule_checks_rules_built_in_code() -> None:
    with pytest.raises(ValidationError) as exc:
        validate_rule(
            AlertRule(name="x", kind=RuleKind.CPU_ABOVE, threshold=90, duration_s=60, program_id=-4)
        )
    assert "program_id" in exc.value.by_field()
    with pytest.raises(ValueError):
        AlertRule(name="x", kind="nonsense", threshold=1, duration_s=1)  # type: ignore[arg-type]


def test_units_and_descriptions_cover_every_kind() -> None:
    assert set(RULE_UNITS) == set(RuleKind)
    assert [describe_rule(r) for r in RULES] == [
        "CPU ≥ 90 % for 60 s",
        "Memory ≥ 8192 MB for 30 s",
        "Memory projected to reach 12000 MB within 30 min",
        "Down for 5 min",
        "More than 3 unexpected restarts in 10 min",
        "Disk C:\\ free < 10 %",
    ]
    assert [format_duration(s) for s in (45, 90, 120, 5400, 7200, 86_400)] == [
        "45 s",
        "90 s",
        "2 min",
        "90 min",
        "2 h",
        "24 h",
    ]


def test_a_body_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        rule_from_dict(["cpu_above"])  # type: ignore[arg-type]
    assert exc.value.by_field() == {"rule": "must be a JSON object"}
