"""A plugin attached to a program: which plugin, its settings, and its secrets (kept apart, never shown)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class PluginInstance:
    """Attributes:
    program_id: The program it serves.
    plugin_id: The plugin's manifest id (e.g. ``palworld``).
    settings: Validated against the plugin's schema; no secrets in here.
    secrets: Secret settings (passwords); never returned by the API, kept in the secret store (OS keyring or
        encrypted file), not in the database (``engine/secret_records.py``).
    enabled: Off instances are not started (and are not asked to stop a program gracefully).
    """

    program_id: int
    plugin_id: str
    settings: Mapping[str, Any] = field(default=_EMPTY)
    secrets: Mapping[str, str] = field(default=_EMPTY)
    enabled: bool = True
    created_at: float = 0.0
    id: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "settings", MappingProxyType(dict(self.settings)))
        object.__setattr__(self, "secrets", MappingProxyType(dict(self.secrets)))


def instance_to_dict(instance: PluginInstance, *, with_secrets: bool = False) -> dict[str, Any]:
    """The JSON shape: for storage ``with_secrets``; for the API ``secrets_set`` names the secrets that are set."""
    data: dict[str, Any] = {
        "id": instance.id,
        "program_id": instance.program_id,
        "plugin": instance.plugin_id,
        "settings": dict(instance.settings),
        "enabled": instance.enabled,
        "created_at": instance.created_at,
    }
    if with_secrets:
        data["secrets"] = dict(instance.secrets)
    else:
        data["secrets_set"] = sorted(key for key, value in instance.secrets.items() if value)
    return data


def instance_from_stored(record_id: int, data: Mapping[str, Any]) -> PluginInstance:
    """Read back what ``instance_to_dict(with_secrets=True)`` stored."""
    return PluginInstance(
        id=record_id,
        program_id=int(data["program_id"]),
        plugin_id=str(data["plugin"]),
        settings=dict(data.get("settings") or {}),
        secrets={str(k): str(v) for k, v in (data.get("secrets") or {}).items()},
        enabled=bool(data.get("enabled", True)),
        created_at=float(data.get("created_at", 0.0)),
    )
