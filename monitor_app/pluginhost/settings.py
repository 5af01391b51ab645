"""Checking a plugin instance's settings (and an action's parameters) against the plugin's declared fields.

Secrets (``kind = "secret"``) are kept apart from the other settings: given as text they replace the stored
one, given as ``""`` or left out they keep it, given as ``null`` they remove it. They never come back out.
"""

import math
from collections.abc import Mapping, Sequence
from typing import Any

from monitor_app.core.errors import FieldError, ValidationError
from monitor_app.pluginhost.api import Setting

MAX_TEXT = 1000


def validate_settings(
    schema: Sequence[Setting],
    data: Mapping[str, Any],
    *,
    current: Mapping[str, Any] | None = None,
    secrets: Mapping[str, str] | None = None,
) -> tuple[dict[str, Any], dict[str, str]]:
    """The complete settings and secrets after applying ``data`` to ``current`` (defaults fill the rest).

    Raises:
        ValidationError: an unknown key, a value of the wrong kind, out of range or not a choice.
    """
    if not isinstance(data, Mapping):
        raise ValidationError([FieldError("settings", "must be a JSON object")])
    fields = {setting.key: setting for setting in schema}
    errors = [FieldError(key, "unknown setting") for key in data if key not in fields]
    values: dict[str, Any] = {}
    kept_secrets: dict[str, str] = dict(secrets or {})
    for key, setting in fields.items():
        if setting.kind == "secret":
            if key in data:
                given = data[key]
                if given is None:
                    kept_secrets.pop(key, None)
                elif not isinstance(given, str) or len(given) > MAX_TEXT:
                    errors.append(FieldError(key, "must be text"))
                elif given:
                    kept_secrets[key] = given
            if setting.required and not kept_secrets.get(key):
                errors.append(FieldError(key, "is required"))
            continue
        if key in data:
            raw = data[key]
        elif current is not None and key in current:
            raw = current[key]
        else:
            raw = setting.default
        if raw is None or (raw == "" and setting.required):
            if setting.required:
                errors.append(FieldError(key, "is required"))
            values[key] = None
            continue
        value, problem = convert(setting, raw)
        if problem:
            errors.append(FieldError(key, problem))
        else:
            values[key] = value
    if errors:
        raise ValidationError(errors)
    return values, kept_secrets


def validate_params(schema: Sequence[Setting], data: Mapping[str, Any]) -> dict[str, Any]:
    """An action's parameters (secrets are plain parameters here)."""
    plain = [Setting(**{**_as_dict(s), "kind": "text"}) if s.kind == "secret" else s for s in schema]
    values, _ = validate_settings(plain, data)
    return values


def convert(setting: Setting, raw: Any) -> tuple[Any, str]:
    """The value in the setting's kind, or an error message."""
    kind = setting.kind
    if kind == "bool":
        return (raw, "") if isinstance(raw, bool) else (None, "must be true or false")
    if kind in ("int", "float"):
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            return None, "must be a number"
        if kind == "int" and (isinstance(raw, float) and not raw.is_integer()):
            return None, "must be a whole number"
        value = int(raw) if kind == "int" else float(raw)
        if setting.minimum is not None and value < setting.minimum:
            return None, f"must be at least {setting.minimum:g}"
        if setting.maximum is not None and value > setting.maximum:
            return None, f"must be at most {setting.maximum:g}"
        return value, ""
    if not isinstance(raw, str):
        return None, "must be text"
    if len(raw) > MAX_TEXT:
        return None, f"must be at most {MAX_TEXT} characters"
    if kind == "choice" and raw not in setting.choices:
        return None, "must be one of: " + ", ".join(setting.choices)
    return raw, ""


def _as_dict(setting: Setting) -> dict[str, Any]:
    return {name: getattr(setting, name) for name in Setting.__slots__}  # type: ignore[attr-defined]
