"""Errors of the settings layer, in the engine's error family so the GUI and the REST API report them alike."""

from monitor_app.core.errors import MonitorError


class SettingsError(MonitorError):
    """The settings file cannot be written (or a migration step is missing); the old file is unchanged."""

    code = "settings_error"


class AutostartError(MonitorError):
    """The operating system refused to add, read or remove the "start when I log in" entry."""

    code = "autostart_failed"


class BootServiceError(MonitorError):
    """The operating system's service manager refused to add, read or remove the background engine's entry."""

    code = "boot_service_failed"


class BootPasswordRejected(BootServiceError):
    """Windows refused the account password given for the background engine's task; nothing was registered."""

    code = "boot_password_rejected"
