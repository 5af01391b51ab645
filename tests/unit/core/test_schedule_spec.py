"""The schedule codec accepts good input normalised and names every bad field with a reason."""

import json
from typing import Any

import pytest

from monitor_app.core.errors import ValidationError
from monitor_app.core.schedules import (
    Schedule,
    ScheduleAction,
    ScheduleKind,
    WhenPlayersOnline,
    parse_time_of_day,
    schedule_from_dict,
    schedule_to_dict,
    validate_schedule,
)


def _daily(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "program_id": 1,
        "action": "restart",
        "kind": "daily",
        "time_of_day": "04:00",
    }
    data.update(overrides)
    return data


def _errors(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationError) as exc:
        schedule_from_dict(data)
    return dict(exc.value.by_field())


def test_round_trip_through_json() -> None:
    schedule = schedule_from_dict(
        {
            "program_id": 3,
            "name": " Nightly restart ",
            "action": "restart",
            "kind": "daily",
            "time_of_day": "4:05",
            "weekdays": [4, 0, 0, 2],
            "timezone": "Asia/Seoul",
            "warnings_min": [1, 10, 5, 5],
            "when_players_online": "defer",
            "defer_max_min": 15,
            "created_at": 1_700_000_000,
        },
        existing_id=7,
    )
    assert schedule.id == 7
    assert schedule.name == "Nightly restart"
    assert schedule.time_of_day == "04:05"
    assert schedule.weekdays == (0, 2, 4)
    assert schedule.warnings_min == (10, 5, 1)
    assert schedule.when_players_online is WhenPlayersOnline.DEFER
    text = json.dumps(schedule_to_dict(schedule))
    again = schedule_from_dict(json.loads(text), existing_id=7)
    assert again == schedule
    assert json.loads(text)["action"] == "restart"
    assert json.loads(text)["weekdays"] == [0, 2, 4]


def test_defaults_and_the_id_in_the_body_is_ignored() -> None:
    schedule = schedule_from_dict(_daily(id=99))
    assert schedule.id == 0
    assert schedule.weekdays == ()
    assert schedule.timezone is None
    assert schedule.when_players_online is WhenPlayersOnline.RUN
    assert schedule.defer_max_min == 30
    assert schedule.enabled is True
    assert schedule.action is ScheduleAction.RESTART and schedule.kind is ScheduleKind.DAILY


def test_interval_and_cron_and_plugin_action_are_accepted() -> None:
    interval = schedule_from_dict(
        {"program_id": 1, "action": "stop", "kind": "interval", "interval_minutes": 360, "warnings_min": [5]}
    )
    assert interval.interval_minutes == 360 and interval.time_of_day is None
    cron = schedule_from_dict(
        {
            "program_id": 1,
            "action": "plugin_action",
            "plugin_action": "palworld:save",
            "kind": "cron",
            "cron": "  */15   *  * * * ",
            "time_of_day": "",
        }
    )
    assert cron.cron == "*/15 * * * *"
    assert cron.plugin_action == "palworld:save"


def test_missing_required_and_unknown_fields() -> None:
    errors = _errors({"colour": "red"})
    assert errors["colour"] == "unknown field"
    assert errors["program_id"] == "is required"
    assert errors["action"] == "is required"
    assert errors["kind"] == "is required"


def test_wrong_types_are_reported_per_field() -> None:
    errors = _errors(
        _daily(program_id="1", weekdays="mon", enabled="yes", action="reboot", created_at=True, timezone=5)
    )
    assert errors["program_id"] == "must be an integer"
    assert errors["weekdays"] == "must be a list of integers"
    assert errors["enabled"] == "must be true or false"
    assert errors["action"].startswith("must be one of: start, stop, restart, plugin_action")
    assert "number" in errors["created_at"]
    assert errors["timezone"] == "must be a string or null"


@pytest.mark.parametrize("text", ["25:00", "4pm", "12:60", "1200", "-1:00", "12:5"])
def test_bad_time_of_day(text: str) -> None:
    assert f"{text!r} is not a time of day" in _errors(_daily(time_of_day=text))["time_of_day"]


def test_parse_time_of_day() -> None:
    assert parse_time_of_day("00:00") == (0, 0)
    assert parse_time_of_day(" 23:59 ") == (23, 59)
    with pytest.raises(ValueError, match="00-23"):
        parse_time_of_day("24:00")


def test_daily_needs_a_time() -> None:
    assert "required" in _errors(_daily(time_of_day=None))["time_of_day"]


@pytest.mark.parametrize("day", [7, -1, 10])
def test_weekday_out_of_range(day: int) -> None:
    assert f"{day} is not a weekday" in _errors(_daily(weekdays=[0, day]))["weekdays"]


def test_interval_must_be_at_least_a_minute() -> None:
    base = {"program_id": 1, "action": "restart", "kind": "interval"}
    assert "at least 1 minute" in _errors({**base, "interval_minutes": 0})["interval_minutes"]
    assert "required" in _errors(base)["interval_minutes"]
    assert "at most" in _errors({**base, "interval_minutes": 10**7})["interval_minutes"]


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ("61 * * * *", "minute value 61 is out of range 0-59"),
        ("* * *", "expected 5 fields"),
        ("0 * * * * *", "seconds and years are not supported"),
        ("*/0 * * * *", "step"),
        ("0 0 31 2 *", "never"),
        ("0 0 * * funday", "not a number"),
        ("@reboot", "unknown shortcut"),
    ],
)
def test_invalid_cron_carries_the_reason(expr: str, reason: str) -> None:
    message = _errors({"program_id": 1, "action": "restart", "kind": "cron", "cron": expr})["cron"]
    assert message.startswith("invalid cron expression: ")
    assert reason in message


def test_cron_schedule_needs_an_expression() -> None:
    assert "required" in _errors({"program_id": 1, "action": "restart", "kind": "cron"})["cron"]


def test_fields_of_another_kind_are_rejected() -> None:
    errors = _errors(_daily(cron="0 4 * * *", interval_minutes=60))
    assert "only used by cron" in errors["cron"]
    assert "only used by interval" in errors["interval_minutes"]
    errors = _errors({"program_id": 1, "action": "stop", "kind": "cron", "cron": "@daily", "weekdays": [1]})
    assert "only used by daily" in errors["weekdays"]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "Europe/Berln", "../etc/passwd", "/etc/localtime"])
def test_unknown_timezone(zone: str) -> None:
    message = _errors(_daily(timezone=zone))["timezone"]
    assert zone in message


def test_known_timezones_pass() -> None:
    for zone in ("UTC", "Europe/Berlin", "America/New_York", "Asia/Seoul"):
        assert schedule_from_dict(_daily(timezone=zone)).timezone == zone


@pytest.mark.parametrize("warnings", [[0], [-5], [10, 0]])
def test_warnings_must_be_positive(warnings: list[int]) -> None:
    assert "not a positive number" in _errors(_daily(warnings_min=warnings))["warnings_min"]


def test_warnings_must_be_shorter_than_the_interval() -> None:
    data = {"program_id": 1, "action": "restart", "kind": "interval", "interval_minutes": 10}
    message = _errors({**data, "warnings_min": [10, 5]})["warnings_min"]
    assert "shorter than the interval (10 min)" in message
    assert schedule_from_dict({**data, "warnings_min": [9, 5]}).warnings_min == (9, 5)
    assert "longer than 1440" in _errors(_daily(warnings_min=[1441]))["warnings_min"]


def test_plugin_action_required_iff_action_is_plugin_action() -> None:
    assert "required when action is plugin_action" in _errors(_daily(action="plugin_action"))["plugin_action"]
    assert "only used when" in _errors(_daily(plugin_action="palworld:save"))["plugin_action"]
    assert (
        "<plugin id>:<action>"
        in _errors(_daily(action="plugin_action", plugin_action="save"))["plugin_action"]
    )
    assert (
        "<plugin id>:<action>"
        in _errors(_daily(action="plugin_action", plugin_action="pal world:x"))["plugin_action"]
    )


def test_other_limits() -> None:
    errors = _errors(_daily(program_id=0, defer_max_min=0, name="x" * 65, created_at=-1))
    assert "positive" in errors["program_id"]
    assert "between 1 and 1440" in errors["defer_max_min"]
    assert "at most 64" in errors["name"]
    assert "negative" in errors["created_at"]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ValidationError) as exc:
        schedule_from_dict(
            _daily(time_of_day="99:99", weekdays=[9], timezone="Nowhere/Land", warnings_min=[0])
        )
    assert {e.field for e in exc.value.errors} == {"time_of_day", "weekdays", "timezone", "warnings_min"}


def test_validate_schedule_on_a_dataclass_built_in_code() -> None:
    schedule = Schedule(program_id=2, action="start", kind="daily", time_of_day="7:30", weekdays=[6, 5])
    assert schedule.action is ScheduleAction.START and schedule.weekdays == (6, 5)
    assert validate_schedule(schedule).weekdays == (5, 6)
    with pytest.raises(ValidationError):
        validate_schedule(Schedule(program_id=2, action="start", kind="interval", interval_minutes=-3))
