"""The user settings as a typed, versioned schema: one table of fields with defaults, descriptions and limits.

The table (``FIELDS``) is the single source: ``Settings`` is checked against it, the store writes and reads the
TOML file by it, and the GUI builds its settings page from it (spin-box ranges, combo-box choices, tooltips).
A ``Settings`` object is always valid: construction, ``replace`` and ``validate_settings`` check every field.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from monitor_app.core.errors import FieldError, ValidationError

#: Version of the settings layout; bump it and add a migrator when a field is renamed or its meaning changes.
SCHEMA_VERSION = 1

HOUR_S = 3600.0
DAY_S = 86_400.0
MIN_INTERVAL_S = 0.05
MAX_INTERVAL_S = 3600.0
MAX_HOST_LENGTH = 253  # the longest DNS name
MAX_LOCK_IDLE_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """What the GUI and the store need to know about one setting.

    Attributes:
        name: The attribute of ``Settings``.
        kind: The Python type of the value (``bool``, ``int``, ``float`` or ``str``).
        default: The value used when the user never changed it; never written to the file.
        description: One line for a tooltip or a ``--help``-like listing.
        section: The TOML table the value is written in.
        key: The key inside that table.
        choices: The allowed values of a ``str`` field, or ``None`` for free text.
        minimum / maximum: Inclusive limits of a number; ``None`` for no limit.
        exclusive_minimum: ``minimum`` itself is not allowed (for "must be positive").
        unit: Unit of a number, for labels ("s", "h", "days").
    """

    name: str
    kind: type
    default: Any
    description: str
    section: str
    key: str
    choices: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    unit: str = ""


_FIELD_LIST = (
    FieldInfo(
        name="interval_s",
        kind=float,
        default=1.0,
        description="Seconds between two measurements of CPU, memory, disk and network.",
        section="sampling",
        key="interval_s",
        minimum=MIN_INTERVAL_S,
        maximum=MAX_INTERVAL_S,
        unit="s",
    ),
    FieldInfo(
        name="language",
        kind=str,
        default="system",
        description="Language of the window and tray menu; 'system' follows the operating system.",
        section="general",
        key="language",
        choices=("system", "en", "ko"),
    ),
    FieldInfo(
        name="theme",
        kind=str,
        default="system",
        description="Light or dark colours; 'system' follows the operating system.",
        section="general",
        key="theme",
        choices=("system", "light", "dark"),
    ),
    FieldInfo(
        name="retention_raw_hours",
        kind=float,
        default=24.0,
        description="How long every single measurement is kept before only averages remain.",
        section="retention",
        key="raw_hours",
        minimum=0.0,
        exclusive_minimum=True,
        unit="h",
    ),
    FieldInfo(
        name="retention_minute_days",
        kind=float,
        default=30.0,
        description="How long the 1-minute averages and peaks are kept.",
        section="retention",
        key="minute_days",
        minimum=0.0,
        exclusive_minimum=True,
        unit="days",
    ),
    FieldInfo(
        name="retention_hour_days",
        kind=float,
        default=365.0,
        description="How long the hourly averages and peaks are kept.",
        section="retention",
        key="hour_days",
        minimum=0.0,
        exclusive_minimum=True,
        unit="days",
    ),
    FieldInfo(
        name="start_with_os",
        kind=bool,
        default=False,
        description="Start monitor_app when you log in (mirrors the operating system's own entry).",
        section="general",
        key="start_with_os",
    ),
    FieldInfo(
        name="keep_running_at_boot",
        kind=bool,
        default=False,
        description="Run the engine in the background from system start, without a login "
        "(mirrors the operating system's task or service).",
        section="general",
        key="keep_running_at_boot",
    ),
    FieldInfo(
        name="close_to_tray_hint_shown",
        kind=bool,
        default=False,
        description="The note that closing the window keeps monitor_app running in the tray was shown.",
        section="general",
        key="close_to_tray_hint_shown",
    ),
    FieldInfo(
        name="api_enabled",
        kind=bool,
        default=True,
        description="Serve the REST API and Prometheus metrics (on this PC only unless api_host says otherwise).",
        section="api",
        key="enabled",
    ),
    FieldInfo(
        name="api_host",
        kind=str,
        default="127.0.0.1",
        description="Address the REST API listens on: 127.0.0.1 is this PC only, 0.0.0.0 every network.",
        section="api",
        key="host",
    ),
    FieldInfo(
        name="api_port",
        kind=int,
        default=8080,
        description="TCP port of the REST API.",
        section="api",
        key="port",
        minimum=1,
        maximum=65535,
    ),
    FieldInfo(
        name="api_tls_certificate",
        kind=str,
        default="",
        description="PEM certificate file for HTTPS; empty serves plain HTTP.",
        section="api",
        key="tls_certificate",
    ),
    FieldInfo(
        name="api_tls_key",
        kind=str,
        default="",
        description="PEM private key file matching api_tls_certificate.",
        section="api",
        key="tls_key",
    ),
    FieldInfo(
        name="api_limit_auth",
        kind=int,
        default=5,
        description="Sign-in attempts per minute and client address.",
        section="api",
        key="limit_auth_per_minute",
        minimum=1,
        maximum=100_000,
    ),
    FieldInfo(
        name="api_limit_manage",
        kind=int,
        default=30,
        description="Program, user and key changes per minute and client address.",
        section="api",
        key="limit_manage_per_minute",
        minimum=1,
        maximum=100_000,
    ),
    FieldInfo(
        name="api_limit_action",
        kind=int,
        default=10,
        description="Start, stop, restart and plugin actions per minute and client address.",
        section="api",
        key="limit_action_per_minute",
        minimum=1,
        maximum=100_000,
    ),
    FieldInfo(
        name="api_limit_metrics",
        kind=int,
        default=100,
        description="Metric history reads per minute and client address.",
        section="api",
        key="limit_metrics_per_minute",
        minimum=1,
        maximum=100_000,
    ),
    FieldInfo(
        name="job_workers",
        kind=int,
        default=2,
        description="Worker threads running queued jobs (webhook deliveries, scheduled actions); applies at the next start.",
        section="automation",
        key="job_workers",
        minimum=1,
        maximum=16,
    ),
    FieldInfo(
        name="webhook_attempts",
        kind=int,
        default=5,
        description="Attempts per webhook message before it is marked failed.",
        section="automation",
        key="webhook_attempts",
        minimum=1,
        maximum=20,
    ),
    FieldInfo(
        name="webhook_timeout_s",
        kind=float,
        default=5.0,
        description="Seconds to wait for a webhook receiver to answer.",
        section="automation",
        key="webhook_timeout_s",
        minimum=1.0,
        maximum=60.0,
        unit="s",
    ),
    FieldInfo(
        name="webhook_retry_s",
        kind=float,
        default=5.0,
        description="Seconds before the first retry of a failed webhook message; each further retry waits twice as long (at most 5 minutes).",
        section="automation",
        key="webhook_retry_s",
        minimum=0.01,
        maximum=300.0,
        unit="s",
    ),
    FieldInfo(
        name="require_sign_in",
        kind=bool,
        default=False,
        description="Ask for a monitor_app username and password before the window opens (a guest account only looks).",
        section="security",
        key="require_sign_in",
    ),
    FieldInfo(
        name="lock_idle_minutes",
        kind=int,
        default=0,
        description="Lock the window after this many minutes without keyboard or mouse input; 0 never locks.",
        section="security",
        key="lock_idle_minutes",
        minimum=0,
        maximum=MAX_LOCK_IDLE_MINUTES,
        unit="min",
    ),
    FieldInfo(
        name="lock_on_tray",
        kind=bool,
        default=False,
        description="Lock the window when it is closed to the tray; the password opens it again.",
        section="security",
        key="lock_on_tray",
    ),
)

#: Every setting by attribute name, in the order a settings page shows them.
FIELDS: Mapping[str, FieldInfo] = MappingProxyType({info.name: info for info in _FIELD_LIST})

#: The TOML tables, in the order the settings file lists them.
SECTIONS = ("general", "sampling", "retention", "api", "automation", "security")

#: The retention fields, which must keep raw <= minute <= hour (a coarser tier never ends before a finer one).
RETENTION_FIELDS = ("retention_raw_hours", "retention_minute_days", "retention_hour_days")


@dataclass(frozen=True, slots=True)
class Settings:
    """The user's choices; the defaults are what a new user gets. Always valid (checked on construction)."""

    interval_s: float = 1.0
    language: str = "system"
    theme: str = "system"
    retention_raw_hours: float = 24.0
    retention_minute_days: float = 30.0
    retention_hour_days: float = 365.0
    start_with_os: bool = False
    keep_running_at_boot: bool = False
    close_to_tray_hint_shown: bool = False
    api_enabled: bool = True
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    api_tls_certificate: str = ""
    api_tls_key: str = ""
    api_limit_auth: int = 5
    api_limit_manage: int = 30
    api_limit_action: int = 10
    api_limit_metrics: int = 100
    job_workers: int = 2
    webhook_attempts: int = 5
    webhook_timeout_s: float = 5.0
    webhook_retry_s: float = 5.0
    require_sign_in: bool = False
    lock_idle_minutes: int = 0
    lock_on_tray: bool = False

    def __post_init__(self) -> None:
        errors: list[FieldError] = []
        for name in FIELDS:
            try:
                normalised = check_field(name, getattr(self, name))
            except ValidationError as exc:
                errors.extend(exc.errors)
                continue
            object.__setattr__(self, name, normalised)  # e.g. 2 -> 2.0 for a float field
        if not errors:
            errors.extend(_consistency_errors(self))
        if errors:
            raise ValidationError(errors)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with ``changes`` applied, checked like any other input.

        Raises:
            ValidationError: one ``FieldError`` per unknown name, wrong type, out-of-range value or inconsistency.
        """
        return validate_settings({**self.as_dict(), **changes})

    def as_dict(self) -> dict[str, Any]:
        """Every field by name (defaults included)."""
        return {name: getattr(self, name) for name in FIELDS}

    def non_defaults(self) -> dict[str, Any]:
        """Only the fields the user changed: what the settings file holds."""
        return {name: value for name, value in self.as_dict().items() if value != FIELDS[name].default}

    @property
    def retention_raw_s(self) -> float:
        return self.retention_raw_hours * HOUR_S

    @property
    def retention_minute_s(self) -> float:
        return self.retention_minute_days * DAY_S

    @property
    def retention_hour_s(self) -> float:
        return self.retention_hour_days * DAY_S


def validate_settings(values: Mapping[str, Any]) -> Settings:
    """Build settings from loose input (a GUI form, a REST body); names not given keep their defaults.

    Raises:
        ValidationError: one ``FieldError`` per unknown name, wrong type, out-of-range value or inconsistency.
    """
    errors = [FieldError(str(name), "unknown setting") for name in values if name not in FIELDS]
    try:
        settings = Settings(**{name: value for name, value in values.items() if name in FIELDS})
    except ValidationError as exc:
        errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    return settings


def check_field(name: str, value: Any) -> Any:
    """Check one value against its field's type and limits; return it normalised (an int widened to float).

    Raises:
        ValidationError: with one ``FieldError`` for ``name`` saying what is wrong and what is allowed.
    """
    info = FIELDS.get(name)
    if info is None:
        raise ValidationError([FieldError(name, "unknown setting")])
    message = _problem(info, value)
    if message is not None:
        raise ValidationError([FieldError(name, message)])
    return float(value) if info.kind is float else value


def _problem(info: FieldInfo, value: Any) -> str | None:
    if info.kind is bool:
        return None if isinstance(value, bool) else "must be true or false"
    if info.kind is str:
        if not isinstance(value, str):
            return "must be text"
        if info.choices is not None and value not in info.choices:
            return f"must be one of: {', '.join(info.choices)} (got {value!r})"
        if info.name == "api_host":
            return _host_problem(value)
        return None
    if info.kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be a whole number"
        return _range_problem(info, value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if not math.isfinite(value):
        return "must be a finite number"
    return _range_problem(info, value)


def _range_problem(info: FieldInfo, value: float) -> str | None:
    unit = f" {info.unit}" if info.unit else ""
    if info.minimum is not None:
        if info.exclusive_minimum and value <= info.minimum:
            return f"must be greater than {info.minimum:g}{unit} (got {value:g})"
        if value < info.minimum:
            return _between(info, value, unit)
    if info.maximum is not None and value > info.maximum:
        return _between(info, value, unit)
    return None


def _between(info: FieldInfo, value: float, unit: str) -> str:
    if info.minimum is not None and info.maximum is not None:
        return f"must be between {info.minimum:g} and {info.maximum:g}{unit} (got {value:g})"
    if info.minimum is not None:
        return f"must be at least {info.minimum:g}{unit} (got {value:g})"
    return f"must be at most {info.maximum:g}{unit} (got {value:g})"


def _host_problem(host: str) -> str | None:
    if not host:
        return "must not be empty (127.0.0.1 is this PC only, 0.0.0.0 every network)"
    if len(host) > MAX_HOST_LENGTH:
        return f"must be at most {MAX_HOST_LENGTH} characters"
    if any(ch.isspace() or not ch.isprintable() for ch in host):
        return "must be an address or host name without spaces"
    return None


def _consistency_errors(settings: Settings) -> list[FieldError]:
    # A coarser tier is built from the finer one; if it ended first, a chart window would find no tier to read.
    raw, minute, hour = settings.retention_raw_s, settings.retention_minute_s, settings.retention_hour_s
    errors: list[FieldError] = []
    if raw > minute:
        errors.append(
            FieldError(
                "retention_raw_hours",
                f"must not exceed the 1-minute retention "
                f"({settings.retention_minute_days:g} days = {minute / HOUR_S:g} h)",
            )
        )
        errors.append(
            FieldError(
                "retention_minute_days",
                f"must be at least the raw retention ({settings.retention_raw_hours:g} h)",
            )
        )
    if minute > hour:
        errors.append(
            FieldError(
                "retention_minute_days",
                f"must not exceed the hourly retention ({settings.retention_hour_days:g} days)",
            )
        )
        errors.append(
            FieldError(
                "retention_hour_days",
                f"must be at least the 1-minute retention ({settings.retention_minute_days:g} days)",
            )
        )
    return errors
