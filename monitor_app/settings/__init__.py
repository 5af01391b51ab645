"""User settings (a typed, versioned schema in a TOML file), the "start with the OS" entry and the boot service.

Below the workers: stdlib only, no Qt. ``app.py`` builds a ``SettingsStore`` in the data dir, an ``Autostart``
with ``current_autostart()`` and a ``BootService`` with ``current_boot_service()``; the GUI builds its settings
page from ``FIELDS``.
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
from monitor_app.settings.boot_service import (
    AccountPassword,
    BootService,
    BootServiceStatus,
    SystemdUserBootService,
    TaskSchedulerBootService,
    current_boot_service,
    mirror_keep_running_at_boot,
)
from monitor_app.settings.errors import AutostartError, BootPasswordRejected, BootServiceError, SettingsError
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
    "AccountPassword",
    "Autostart",
    "AutostartError",
    "BootPasswordRejected",
    "BootService",
    "BootServiceError",
    "BootServiceStatus",
    "FieldInfo",
    "Migrations",
    "Settings",
    "SettingsError",
    "SettingsStore",
    "SystemdUserBootService",
    "TaskSchedulerBootService",
    "WindowsRunKeyAutostart",
    "XdgAutostart",
    "app_command",
    "check_field",
    "current_app_command",
    "current_autostart",
    "current_boot_service",
    "migrator",
    "mirror_keep_running_at_boot",
    "mirror_start_with_os",
    "validate_settings",
]
