"""The settings file: round trips, non-defaults only, atomic saves, and never losing or choking on a bad file."""

import logging
import os
import tomllib
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor_app.settings import SCHEMA_VERSION, Migrations, Settings, SettingsError, SettingsStore
from monitor_app.settings.store import render_toml, toml_value

STAMP = datetime(2026, 5, 9, 7, 36, 11)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "settings.toml"


def store_at(path: Path, **kwargs) -> SettingsStore:  # type: ignore[no-untyped-def]
    return SettingsStore(path, now=lambda: STAMP, **kwargs)


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_store_missing_file_gives_defaults_without_creating_one(path: Path, caplog) -> None:
    assert store_at(path).load() == Settings()
    assert not path.exists()
    assert warnings(caplog) == []


def test_store_round_trip(path: Path) -> None:
    store = store_at(path)
    settings = Settings(
        interval_s=0.05,
        language="ko",
        theme="dark",
        retention_raw_hours=48,
        retention_minute_days=60.5,
        retention_hour_days=3650,
        start_with_os=True,
        close_to_tray_hint_shown=True,
        api_enabled=True,
        api_host="0.0.0.0",
        api_port=65535,
    )
    store.save(settings)
    assert store.load() == settings
    assert store_at(path).load() == settings  # a fresh store (a new process) reads the same


def test_store_writes_only_non_defaults(path: Path) -> None:
    store = store_at(path)
    store.save(Settings())
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {"schema_version": SCHEMA_VERSION}

    store.save(Settings(theme="dark", api_port=9090, interval_s=1))
    text = path.read_text(encoding="utf-8")
    assert tomllib.loads(text) == {"schema_version": 1, "general": {"theme": "dark"}, "api": {"port": 9090}}
    assert "interval" not in text and "language" not in text
    assert "# Light or dark colours" in text, "each value carries its description for hand editing"


def test_store_save_creates_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "c" / "settings.toml"
    store_at(path).save(Settings(language="en"))
    assert store_at(path).load().language == "en"


def test_store_unknown_key_is_ignored_with_a_warning(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(
        'schema_version = 1\nwallpaper = "cats"\n[general]\ntheme = "dark"\ncolour = "red"\n'
        "[api]\nport = 9000\n",
        encoding="utf-8",
    )
    assert store_at(path).load() == Settings(theme="dark", api_port=9000)
    messages = warnings(caplog)
    assert any("general.colour" in m for m in messages)
    assert any("'wallpaper'" in m for m in messages)


def test_store_key_outside_its_table_gets_a_hint(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("schema_version = 1\ninterval_s = 5\n", encoding="utf-8")
    assert store_at(path).load() == Settings()
    assert any("belongs in the [sampling] table" in m for m in warnings(caplog))


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("[sampling]\ninterval_s = 0.001\n", "between 0.05 and 3600"),
        ('[sampling]\ninterval_s = "fast"\n', "must be a number"),
        ('[general]\nlanguage = "fr"\n', "one of"),
        ("[general]\nstart_with_os = 1\n", "true or false"),
        ("[api]\nport = 99999\n", "between 1 and 65535"),
        ('[api]\nport = "8080"\n', "whole number"),
        ("[retention]\nraw_hours = -5\n", "greater than 0"),
    ],
)
def test_store_bad_value_falls_back_to_its_default(path: Path, caplog, toml: str, problem: str) -> None:
    path.parent.mkdir(parents=True)
    # One good value next to the bad one, in the same table: it must survive.
    good = {
        "sampling": "",
        "general": 'theme = "light"\n',
        "api": "enabled = true\n",
        "retention": "hour_days = 400\n",
    }
    section = toml[1 : toml.index("]")]
    path.write_text(f"schema_version = 1\n{toml}{good[section]}", encoding="utf-8")
    expected = {
        "sampling": Settings(),
        "general": Settings(theme="light"),
        "api": Settings(api_enabled=True),
        "retention": Settings(retention_hour_days=400),
    }[section]
    assert store_at(path).load() == expected
    assert any(problem in m and "using the default" in m for m in warnings(caplog))


def test_store_section_that_is_not_a_table_is_ignored(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('schema_version = 1\napi = "on"\n', encoding="utf-8")
    assert store_at(path).load() == Settings()
    assert any("should be a table" in m for m in warnings(caplog))


def test_store_contradicting_retentions_give_back_as_little_as_possible(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("[retention]\nraw_hours = 2400\nhour_days = 730\n", encoding="utf-8")
    settings = store_at(path).load()
    assert settings == Settings(retention_hour_days=730)
    assert any(
        "retention_raw_hours" in m and "using the default for retention_raw_hours" in m
        for m in warnings(caplog)
    )


def test_store_broken_toml_is_kept_aside_and_defaults_are_used(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    broken = 'schema_version = 1\n[general]\ntheme = "dark\n'
    path.write_text(broken, encoding="utf-8")
    assert store_at(path).load() == Settings()
    kept = path.with_name("settings.toml.broken-20260509-073611")
    assert kept.read_text(encoding="utf-8") == broken
    assert not path.exists()
    assert any("not valid TOML" in m and kept.name in m for m in warnings(caplog))

    path.write_bytes(b"\xff\xfe not utf-8")  # broken again within the same second: a second copy
    assert store_at(path).load() == Settings()
    assert path.with_name(f"{kept.name}-1").read_bytes() == b"\xff\xfe not utf-8"
    assert kept.read_text(encoding="utf-8") == broken


def test_store_accepts_a_byte_order_mark(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes('\ufeff[general]\nlanguage = "ko"\n'.encode())
    assert store_at(path).load().language == "ko"


def test_store_unreadable_file_gives_defaults(path: Path, caplog) -> None:
    path.mkdir(parents=True)  # a folder where the file should be: read fails with an OSError
    assert store_at(path).load() == Settings()
    assert any("cannot read the settings file" in m for m in warnings(caplog))
    assert path.is_dir(), "a file that cannot be read is not moved"


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != "settings.toml")


def test_store_failed_replace_keeps_the_old_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_at(path)
    store.save(Settings(theme="dark"))
    before = path.read_bytes()

    def crash(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(SettingsError, match="No space left on device") as caught:
        store.save(Settings(theme="light"))
    assert str(path) in caught.value.message
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == [], "no temporary file left behind"
    assert store.load() == Settings(theme="dark")


def test_store_failed_write_keeps_the_old_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_at(path)
    store.save(Settings(language="en"))
    before = path.read_bytes()

    def fail_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", fail_fsync)
    with pytest.raises(SettingsError, match="Input/output error"):
        store.save(Settings(language="ko"))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []


def test_store_interrupted_save_keeps_the_old_file(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = store_at(path)
    store.save(Settings(language="en"))
    before = path.read_bytes()

    def interrupt(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        store.save(Settings(language="ko"))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert _leftovers(path.parent) == []


def test_store_save_into_unwritable_place_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    with pytest.raises(SettingsError, match="cannot save the settings"):
        store_at(blocker / "settings.toml").save(Settings())


def test_store_newer_file_is_read_as_far_as_understood_and_not_rewritten(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    text = (
        "schema_version = 7\n"
        '[general]\ntheme = "dark"\naccent = "teal"\n'
        "[sampling]\ninterval_s = 2\n"
        "[cloud]\nsync = true\n"
    )
    path.write_text(text, encoding="utf-8")
    settings = store_at(path).load()
    assert settings == Settings(theme="dark", interval_s=2)
    assert path.read_text(encoding="utf-8") == text, "loading leaves a newer file alone"
    messages = warnings(caplog)
    assert len(messages) == 1 and "newer monitor_app" in messages[0], "one warning, not one per unknown key"


def test_store_schema_version_that_is_not_a_number_is_read_as_current(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('schema_version = "one"\n[general]\nlanguage = "en"\n', encoding="utf-8")
    assert store_at(path).load() == Settings(language="en")
    assert any("not a version number" in m for m in warnings(caplog))


def _v0_registry() -> Migrations:
    # A made-up version 0: flat keys named after the web version's environment variables.
    registry = Migrations()

    @registry.migrator(0)
    def flat_env_names_to_tables(doc: dict) -> dict:
        out: dict = {}
        if "MONITOR_INTERVAL" in doc:
            out.setdefault("sampling", {})["interval_s"] = float(doc.pop("MONITOR_INTERVAL"))
        if "FLASK_PORT" in doc:
            out.setdefault("api", {})["port"] = int(doc.pop("FLASK_PORT"))
        out.update(doc)
        return out

    return registry


def test_store_migrates_an_older_file_on_load(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    text = 'schema_version = 0\nMONITOR_INTERVAL = "5"\nFLASK_PORT = 5000\n'
    path.write_text(text, encoding="utf-8")
    store = store_at(path, migrations=_v0_registry())
    assert store.load() == Settings(interval_s=5, api_port=5000)
    assert warnings(caplog) == []
    assert path.read_text(encoding="utf-8") == text, "the upgrade is written only when the user saves"
    store.save(store.load())
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {
        "schema_version": 1,
        "sampling": {"interval_s": 5.0},
        "api": {"port": 5000},
    }


@pytest.mark.allow_error_log
def test_store_failing_migration_keeps_the_file_and_uses_defaults(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('schema_version = 0\nFLASK_PORT = "not a port"\n', encoding="utf-8")
    assert store_at(path, migrations=_v0_registry()).load() == Settings()
    assert path.with_name("settings.toml.broken-20260509-073611").exists()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None, (
        "a faulty step is a bug: logged with its traceback"
    )


@pytest.mark.allow_error_log
def test_store_file_older_than_any_migration_is_kept_aside(path: Path, caplog) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("schema_version = 0\n", encoding="utf-8")
    assert store_at(path, migrations=Migrations()).load() == Settings()
    assert path.with_name("settings.toml.broken-20260509-073611").exists()
    assert any(
        "no settings migration from version 0" in str(r.exc_info[1]) for r in caplog.records if r.exc_info
    )


def test_render_toml_escapes_strings_so_tomllib_reads_them_back() -> None:
    host = 'we"ird\\host\t\n\x01\x7f한'
    text = render_toml(Settings(language="en")).replace('"en"', toml_value(host))
    assert tomllib.loads(text)["general"]["language"] == host


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_toml_value_round_trips_any_string(text: str) -> None:
    assert tomllib.loads(f"k = {toml_value(text)}")["k"] == text


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_toml_value_round_trips_any_finite_float(value: float) -> None:
    loaded = tomllib.loads(f"k = {toml_value(value)}")["k"]
    assert isinstance(loaded, float) and loaded == value


def test_toml_value_refuses_what_toml_settings_cannot_hold() -> None:
    with pytest.raises(ValueError):
        toml_value(float("nan"))
    with pytest.raises(ValueError):
        toml_value([1, 2])  # type: ignore[arg-type]
    assert toml_value(True) == "true" and toml_value(8080) == "8080"
