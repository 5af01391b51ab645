"""User settings (a typed, versioned schema in a TOML file) and the "start with the OS" entry.

Below the workers: stdlib only, no Qt. ``app.py`` builds a ``SettingsStore`` in the data dir and an
``Autostart`` with ``current_autostart()``; the GUI builds its settings page from ``FIELDS``.
"""

from monitor_app.settings.autostart import (
    Autostart,
    WindowsRunKeyAutostart,
    XdgAutostart,
    app_command,
    current_app_command,
    current_autostart,
    mirror_start_with_os,
)
from monitor_app.settings.errors import AutostartError, SettingsError
from monitor_app.settings.migrations import MIGRATIONS, Migrations, migrator
from monitor_app.settings.schema import (
    FIELDS,
    SCHEMA_VERSION,
    FieldInfo,
    Settings,
    check_field,
    validate_settings,
)
from monitor_app.settings.store import SETTINGS_FILE_NAME, SettingsStore

__all__ = [
    "FIELDS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "SETTINGS_FILE_NAME",
    "Autostart",
    "AutostartError",
    "FieldInfo",
    "Migrations",
    "Settings",
    "SettingsError",
    "SettingsStore",
    "WindowsRunKeyAutostart",
    "XdgAutostart",
    "app_command",
    "check_field",
    "current_app_command",
    "current_autostart",
    "migrator",
    "mirror_start_with_os",
    "validate_settings",
]
