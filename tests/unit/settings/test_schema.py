"""The settings schema: defaults, descriptions, and per-field validation a GUI form can show inline."""

import math
from dataclasses import fields

import pytest

from monitor_app.core.errors import ValidationError
from monitor_app.settings import FIELDS, SCHEMA_VERSION, Settings, check_field, validate_settings
from monitor_app.settings.schema import RETENTION_FIELDS, SECTIONS


def test_settings_defaults_are_what_a_new_user_gets() -> None:
    s = Settings()
    assert SCHEMA_VERSION == 1
    assert s.interval_s == 1.0
    assert (s.language, s.theme) == ("system", "system")
    assert (s.retention_raw_hours, s.retention_minute_days, s.retention_hour_days) == (24, 30, 365)
    assert s.start_with_os is False
    assert s.close_to_tray_hint_shown is False
    # The API is on by default but reachable from this PC only; LAN access is the user's choice.
    assert (s.api_enabled, s.api_host, s.api_port) == (True, "127.0.0.1", 8080)
    assert (s.api_tls_certificate, s.api_tls_key) == ("", "")
    assert (s.api_limit_auth, s.api_limit_manage, s.api_limit_action, s.api_limit_metrics) == (5, 30, 10, 100)
    assert s.non_defaults() == {}


def test_fields_table_matches_the_dataclass() -> None:
    assert tuple(f.name for f in fields(Settings)) == tuple(FIELDS)
    for f in fields(Settings):
        info = FIELDS[f.name]
        assert f.default == info.default, f.name
        assert type(info.default) is info.kind, f.name
        assert info.description.strip(), f.name
        assert "\n" not in info.description, f.name
        assert info.section in SECTIONS, f.name
    locations = [(info.section, info.key) for info in FIELDS.values()]
    assert len(set(locations)) == len(locations)


def test_fields_table_gives_the_gui_choices_and_ranges() -> None:
    assert FIELDS["language"].choices == ("system", "en", "ko")
    assert FIELDS["theme"].choices == ("system", "light", "dark")
    assert (FIELDS["interval_s"].minimum, FIELDS["interval_s"].maximum) == (0.05, 3600)
    assert (FIELDS["api_port"].minimum, FIELDS["api_port"].maximum) == (1, 65535)
    assert FIELDS["retention_raw_hours"].exclusive_minimum
    with pytest.raises(TypeError):
        FIELDS["language"] = FIELDS["theme"]  # type: ignore[index]  # read-only for every caller


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("interval_s", 0.01, "between 0.05 and 3600"),
        ("interval_s", 3601, "between 0.05 and 3600"),
        ("interval_s", "1", "must be a number"),
        ("interval_s", True, "must be a number"),
        ("interval_s", math.nan, "finite"),
        ("interval_s", math.inf, "finite"),
        ("language", "fr", "one of: system, en, ko"),
        ("language", 1, "must be text"),
        ("theme", "blue", "one of: system, light, dark"),
        ("retention_raw_hours", 0, "greater than 0"),
        ("retention_minute_days", -1, "greater than 0"),
        ("retention_hour_days", None, "must be a number"),
        ("start_with_os", 1, "true or false"),
        ("close_to_tray_hint_shown", "yes", "true or false"),
        ("api_enabled", None, "true or false"),
        ("api_host", "", "must not be empty"),
        ("api_host", "my host", "without spaces"),
        ("api_host", 127, "must be text"),
        ("api_port", 0, "between 1 and 65535"),
        ("api_port", 65536, "between 1 and 65535"),
        ("api_port", 8080.0, "whole number"),
        ("api_port", True, "whole number"),
    ],
)
def test_validate_settings_reports_the_field_and_the_fix(name: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_settings({name: value})
    assert [e.field for e in caught.value.errors] == [name]
    assert message in caught.value.errors[0].message
    with pytest.raises(ValidationError):
        check_field(name, value)


def test_validate_settings_lists_every_bad_field_at_once() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_settings({"interval_s": 0, "language": "fr", "colour": "red"})
    assert caught.value.by_field().keys() == {"interval_s", "language", "colour"}
    assert caught.value.by_field()["colour"] == "unknown setting"
    assert caught.value.code == "validation_error"


def test_validate_settings_fills_in_defaults_and_widens_ints() -> None:
    s = validate_settings({"interval_s": 2, "api_port": 9000})
    assert s.interval_s == 2.0 and isinstance(s.interval_s, float)
    assert s.api_port == 9000
    assert s.language == "system"
    assert s.non_defaults() == {"interval_s": 2.0, "api_port": 9000}


def test_settings_replace_validates_and_leaves_the_original() -> None:
    s = Settings()
    changed = s.replace(theme="dark", api_enabled=True)
    assert (changed.theme, changed.api_enabled) == ("dark", True)
    assert s.theme == "system"
    with pytest.raises(ValidationError) as caught:
        s.replace(theme="purple")
    assert caught.value.by_field().keys() == {"theme"}
    with pytest.raises(ValidationError) as unknown:
        s.replace(them="dark")
    assert unknown.value.by_field() == {"them": "unknown setting"}


def test_settings_construction_validates_too() -> None:
    with pytest.raises(ValidationError):
        Settings(api_port=70000)
    with pytest.raises(AttributeError):
        Settings().theme = "dark"  # type: ignore[misc]  # frozen


def test_settings_retention_tiers_must_not_end_before_finer_ones() -> None:
    Settings(retention_raw_hours=720, retention_minute_days=30)  # equal is fine
    with pytest.raises(ValidationError) as caught:
        Settings(retention_raw_hours=721, retention_minute_days=30)
    assert set(caught.value.by_field()) == {"retention_raw_hours", "retention_minute_days"}
    assert "720 h" in caught.value.by_field()["retention_raw_hours"]
    with pytest.raises(ValidationError) as coarse:
        Settings(retention_minute_days=400)
    assert set(coarse.value.by_field()) == {"retention_minute_days", "retention_hour_days"}
    assert RETENTION_FIELDS == ("retention_raw_hours", "retention_minute_days", "retention_hour_days")


def test_settings_retention_in_seconds_for_storage() -> None:
    s = Settings(retention_raw_hours=12, retention_minute_days=7, retention_hour_days=90)
    assert (s.retention_raw_s, s.retention_minute_s, s.retention_hour_s) == (43_200, 604_800, 7_776_000)
