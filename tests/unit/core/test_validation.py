"""Validation explains every bad field and normalises good input."""

import os
import stat
import sys

import pytest

from monitor_app.core.errors import ValidationError
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import RestartPolicy
from monitor_app.core.validation import program_from_mapping, validate_program


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return dict(exc.value.by_field())


def test_validate_program_normalises_a_good_spec(tmp_path) -> None:
    spec = validate_program(ProgramSpec(name="  Palworld ", path=sys.executable, cwd=str(tmp_path)))
    assert spec.name == "Palworld"
    assert os.path.isabs(spec.path)
    assert spec.cwd == str(tmp_path)


def test_validate_program_finds_a_bare_command_on_path() -> None:
    spec = validate_program(ProgramSpec(name="sh", path="sh"), windows=False)
    assert os.path.isabs(spec.path) and spec.path.endswith("sh")


def test_validate_program_reports_missing_path(tmp_path) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_program(ProgramSpec(name="x", path=str(tmp_path / "nope.exe")))
    assert "does not exist" in _fields(exc)["path"]


def test_validate_program_reports_a_folder_as_path(tmp_path) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_program(ProgramSpec(name="x", path=str(tmp_path)))
    assert "is a folder" in _fields(exc)["path"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_validate_program_reports_not_executable(tmp_path) -> None:
    script = tmp_path / "server.sh"
    script.write_text("#!/bin/sh\n")
    script.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with pytest.raises(ValidationError) as exc:
        validate_program(ProgramSpec(name="x", path=str(script)), windows=False)
    assert "not executable" in _fields(exc)["path"]


def test_validate_program_windows_needs_a_program_suffix(tmp_path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hi")
    with pytest.raises(ValidationError) as exc:
        validate_program(ProgramSpec(name="x", path=str(notes)), windows=True)
    assert ".exe" in _fields(exc)["path"]
    server = tmp_path / "PalServer.exe"
    server.write_bytes(b"MZ")
    assert validate_program(ProgramSpec(name="x", path=f'"{server}"'), windows=True).path == str(server)


def test_validate_program_rejects_duplicate_names_case_insensitively() -> None:
    existing = [ProgramSpec(name="Palworld", path=sys.executable, id=1)]
    with pytest.raises(ValidationError) as exc:
        validate_program(ProgramSpec(name="palworld", path=sys.executable), existing=existing)
    assert "already exists" in _fields(exc)["name"]
    # The same program keeps its own name on update.
    validate_program(ProgramSpec(name="Palworld", path=sys.executable, id=1), existing=existing)


def test_validate_program_reports_bad_cwd_and_numbers_together(tmp_path) -> None:
    spec = ProgramSpec(
        name="",
        path=sys.executable,
        cwd=str(tmp_path / "missing"),
        startsecs=-1,
        stop_timeout=-5,
        startretries=-1,
        backoff_initial=0,
        env={"A=B": "x"},
        args=("ok", "bad\x00"),
    )
    with pytest.raises(ValidationError) as exc:
        validate_program(spec)
    fields = _fields(exc)
    assert set(fields) >= {"name", "cwd", "startsecs", "stop_timeout", "startretries", "backoff_initial", "env", "args"}
    assert "not be negative" in fields["stop_timeout"]


def test_program_from_mapping_reports_types_and_unknown_fields() -> None:
    with pytest.raises(ValidationError) as exc:
        program_from_mapping(
            {"name": 5, "path": "/x", "args": "-a -b", "restart_policy": "sometimes", "colour": "red", "startsecs": "1"}
        )
    fields = _fields(exc)
    assert fields["name"] == "must be a string"
    assert "list of strings" in fields["args"]
    assert "never, on-failure, always" in fields["restart_policy"]
    assert fields["colour"] == "unknown field"
    assert "number" in fields["startsecs"]


def test_program_from_mapping_requires_name_and_path_but_not_for_updates() -> None:
    with pytest.raises(ValidationError) as exc:
        program_from_mapping({})
    assert set(_fields(exc)) == {"name", "path"}
    base = ProgramSpec(name="a", path="/bin/a", id=3)
    updated = program_from_mapping({"restart_policy": "never", "env": {"K": "v"}}, base=base)
    assert updated.restart_policy is RestartPolicy.NEVER and dict(updated.env) == {"K": "v"}
    assert updated.name == "a" and updated.id == 3


def test_program_spec_is_immutable_snapshot() -> None:
    env = {"A": "1"}
    args = ["x"]
    spec = ProgramSpec(name="a", path="/a", env=env, args=args)
    env["B"] = "2"
    args.append("y")
    assert dict(spec.env) == {"A": "1"} and spec.args == ("x",)
    with pytest.raises(TypeError):
        spec.env["C"] = "3"  # type: ignore[index]
