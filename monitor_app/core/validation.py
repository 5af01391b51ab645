"""Checks a program before it is saved, so a bad entry is explained and never half-stored.

``program_from_mapping`` turns loose input (JSON from the API, a settings file) into a ``ProgramSpec`` and
reports wrong types per field; ``validate_program`` checks what the values mean (the file exists and can be
executed, the name is unique, the numbers make sense) and returns the normalised spec.
"""

import math
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import fields, replace
from typing import Any

from monitor_app.core.errors import FieldError, ValidationError
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import RestartPolicy

MAX_NAME_LENGTH = 64
MAX_STARTSECS = 3600.0
MAX_STARTRETRIES = 100
MAX_STOP_TIMEOUT = 86_400.0
MAX_BACKOFF = 86_400.0
WINDOWS_EXECUTABLE_SUFFIXES = (".exe", ".com", ".bat", ".cmd")

_SPEC_FIELDS = {f.name for f in fields(ProgramSpec)}
_FLOAT_FIELDS = ("startsecs", "backoff_initial", "backoff_max", "backoff_reset", "stop_timeout")
_BOOL_FIELDS = ("autostart", "adopt", "hide_window")


def program_from_mapping(data: Mapping[str, Any], *, base: ProgramSpec | None = None) -> ProgramSpec:
    """Build a spec from JSON-like input; with ``base``, only the given keys change (a partial update).

    Raises:
        ValidationError: listing every field of the wrong type and every unknown field.
    """
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "id":
            continue  # ids are assigned by the engine and travel in the URL, never in a body
        if key not in _SPEC_FIELDS:
            errors.append(FieldError(key, "unknown field"))
            continue
        converted = _convert(key, value, errors)
        if converted is not _INVALID:
            values[key] = converted
    if base is None:
        for required in ("name", "path"):
            if required not in data:
                errors.append(FieldError(required, "is required"))
    if errors:
        raise ValidationError(errors)
    if base is not None:
        return replace(base, **values)
    return ProgramSpec(**values)


_INVALID = object()


def _convert(key: str, value: Any, errors: list[FieldError]) -> Any:
    def bad(message: str) -> object:
        errors.append(FieldError(key, message))
        return _INVALID

    if key in ("name", "path"):
        return value if isinstance(value, str) else bad("must be a string")
    if key == "cwd":
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else bad("must be a string or null")
    if key == "args":
        if isinstance(value, str):
            return bad("must be a list of strings (split the command line into separate arguments)")
        if not isinstance(value, list | tuple) or not all(isinstance(a, str) for a in value):
            return bad("must be a list of strings")
        return tuple(value)
    if key == "env":
        if not isinstance(value, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return bad("must be an object mapping names to string values")
        return dict(value)
    if key in _BOOL_FIELDS:
        return value if isinstance(value, bool) else bad("must be true or false")
    if key == "restart_policy":
        try:
            return RestartPolicy(value)
        except ValueError:
            return bad("must be one of: " + ", ".join(p.value for p in RestartPolicy))
    if key == "success_exit_codes":
        if not isinstance(value, list | tuple) or not all(_is_int(c) for c in value):
            return bad("must be a list of integers")
        return tuple(value)
    if key == "startretries":
        return value if _is_int(value) else bad("must be an integer")
    if key in _FLOAT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return bad("must be a number of seconds")
        return float(value)
    return value  # pragma: no cover - every field is handled above


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def validate_program(
    spec: ProgramSpec, *, existing: Iterable[ProgramSpec] = (), windows: bool | None = None
) -> ProgramSpec:
    """Check a spec against the file system and the other programs; return it normalised.

    Normalising makes the path and working directory absolute (a bare command name is looked up on PATH)
    and strips the name.

    Raises:
        ValidationError: with one message per problem, naming the field.
    """
    if windows is None:
        windows = os.name == "nt"
    errors: list[FieldError] = []
    name = spec.name.strip()
    if not name:
        errors.append(FieldError("name", "must not be empty"))
    elif len(name) > MAX_NAME_LENGTH:
        errors.append(FieldError("name", f"must be at most {MAX_NAME_LENGTH} characters"))
    elif any(ord(ch) < 32 for ch in name):
        errors.append(FieldError("name", "must not contain control characters"))
    else:
        for other in existing:
            if other.id != spec.id and other.name.strip().casefold() == name.casefold():
                errors.append(FieldError("name", f"a program named {other.name!r} already exists"))
                break

    path = _check_path(spec.path, windows, errors)
    cwd = _check_cwd(spec.cwd, errors)

    for index, arg in enumerate(spec.args):
        if "\x00" in arg:
            errors.append(FieldError("args", f"argument {index + 1} contains a NUL character"))
    for key, value in spec.env.items():
        if not key or "=" in key or "\x00" in key:
            errors.append(FieldError("env", f"invalid variable name {key!r}"))
        elif "\x00" in value:
            errors.append(FieldError("env", f"value of {key} contains a NUL character"))

    _check_seconds("startsecs", spec.startsecs, errors, maximum=MAX_STARTSECS)
    _check_seconds("stop_timeout", spec.stop_timeout, errors, maximum=MAX_STOP_TIMEOUT)
    _check_seconds("backoff_initial", spec.backoff_initial, errors, maximum=MAX_BACKOFF, positive=True)
    _check_seconds("backoff_max", spec.backoff_max, errors, maximum=MAX_BACKOFF, positive=True)
    _check_seconds("backoff_reset", spec.backoff_reset, errors, maximum=MAX_BACKOFF)
    if spec.backoff_max < spec.backoff_initial:
        errors.append(FieldError("backoff_max", "must not be smaller than backoff_initial"))
    if spec.startretries < 0 or spec.startretries > MAX_STARTRETRIES:
        errors.append(FieldError("startretries", f"must be between 0 and {MAX_STARTRETRIES}"))
    for code in spec.success_exit_codes:
        if not -(2**31) <= code < 2**32:
            errors.append(FieldError("success_exit_codes", f"{code} is not a valid exit code"))

    if errors:
        raise ValidationError(errors)
    return replace(spec, name=name, path=path, cwd=cwd)


def _check_path(raw: str, windows: bool, errors: list[FieldError]) -> str:
    text = raw.strip().strip('"') if windows else raw.strip()
    if not text:
        errors.append(FieldError("path", "must not be empty"))
        return raw
    if "\x00" in text:
        errors.append(FieldError("path", "must not contain NUL characters"))
        return raw
    candidate = os.path.expanduser(text)
    if not os.path.isabs(candidate) and os.sep not in candidate and (not windows or "/" not in candidate):
        found = shutil.which(candidate)
        if found is None:
            errors.append(FieldError("path", f"{text!r} was not found (give the full path to the program)"))
            return raw
        candidate = found
    candidate = os.path.abspath(candidate)
    if not os.path.exists(candidate):
        errors.append(FieldError("path", f"{candidate} does not exist"))
    elif os.path.isdir(candidate):
        errors.append(FieldError("path", f"{candidate} is a folder, not a program"))
    elif windows:
        if not candidate.lower().endswith(WINDOWS_EXECUTABLE_SUFFIXES):
            errors.append(
                FieldError("path", f"{candidate} is not a program (expected .exe, .com, .bat or .cmd)")
            )
    elif not os.access(candidate, os.X_OK):
        errors.append(FieldError("path", f"{candidate} is not executable (check its permissions)"))
    return candidate


def _check_cwd(raw: str | None, errors: list[FieldError]) -> str | None:
    if raw is None or not raw.strip():
        return None
    cwd = os.path.abspath(os.path.expanduser(raw.strip()))
    if not os.path.isdir(cwd):
        errors.append(FieldError("cwd", f"{cwd} is not an existing folder"))
    return cwd


def _check_seconds(
    name: str, value: float, errors: list[FieldError], *, maximum: float, positive: bool = False
) -> None:
    if not math.isfinite(value):
        errors.append(FieldError(name, "must be a finite number"))
    elif value < 0 or (positive and value == 0):
        errors.append(FieldError(name, "must be greater than zero" if positive else "must not be negative"))
    elif value > maximum:
        errors.append(FieldError(name, f"must be at most {maximum:g} seconds"))
