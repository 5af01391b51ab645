"""Scheduled actions: what to do to a program, when, and how to treat players who are still online.

A ``Schedule`` is plain data; ``schedule_from_dict`` / ``schedule_to_dict`` are its JSON codec for the REST API
and storage, and ``validate_schedule`` explains every bad field at once. The cron grammar lives here too (not in
``monitor_app.schedules``) so the codec can reject a bad expression with its reason without importing upward;
``monitor_app.schedules.cron`` adds the calendar search on top of the parsed ``CronSpec``.
"""

import re
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import Any

from monitor_app.core.errors import FieldError, ValidationError

MAX_NAME_LENGTH = 64
#: Longest interval (a leap year): longer periods are a calendar question, better asked with cron.
MAX_INTERVAL_MIN = 366 * 1440
#: Longest pre-warning: a day ahead is the most a player wants to be told.
MAX_WARNING_MIN = 1440
MAX_WARNINGS = 10
MAX_DEFER_MIN = 1440
DEFAULT_DEFER_MAX_MIN = 30


class ScheduleAction(StrEnum):
    """What the schedule does to its program when it fires."""

    START = "start"
    STOP = "stop"
    RESTART = "restart"
    PLUGIN_ACTION = "plugin_action"  # a plugin's action, named by ``Schedule.plugin_action``


class ScheduleKind(StrEnum):
    """How fire times are defined."""

    DAILY = "daily"  # at ``time_of_day`` on ``weekdays`` (every day when empty), local wall clock
    INTERVAL = "interval"  # every ``interval_minutes`` of real time, phase anchored at ``time_of_day``
    CRON = "cron"  # a standard 5-field cron expression, local wall clock


class WhenPlayersOnline(StrEnum):
    """What to do when a plugin reports players online at fire time."""

    RUN = "run"  # do not ask, just run
    SKIP = "skip"  # drop this fire, wait for the next one
    DEFER = "defer"  # retry every minute until nobody is online, run anyway after ``defer_max_min``


@dataclass(frozen=True, slots=True, kw_only=True)
class Schedule:
    """One scheduled action of one program.

    Attributes:
        id: Stable identifier (0 until stored).
        program_id: The program it acts on.
        name: Display name (may be empty).
        action: What to do.
        plugin_action: ``"<plugin id>:<action>"`` when ``action`` is ``plugin_action``, else None.
        kind: How fire times are defined (see ``ScheduleKind``).
        time_of_day: ``"HH:MM"``: the time for daily, the phase anchor for interval (None = 00:00).
        weekdays: Days a daily schedule fires, 0 = Monday … 6 = Sunday; empty = every day.
        interval_minutes: Period of an interval schedule.
        cron: The expression of a cron schedule.
        timezone: IANA zone name of the wall clock (None = the machine's local zone).
        warnings_min: Minutes before a fire at which players are warned, e.g. ``(10, 5, 1)``.
        when_players_online: Run, skip or defer while players are online.
        defer_max_min: Longest deferral; the action runs anyway afterwards.
        enabled: A disabled schedule never fires.
        created_at: Wall time it was created (epoch seconds); dates the anchor of an interval schedule.
    """

    id: int = 0
    program_id: int
    name: str = ""
    action: ScheduleAction
    plugin_action: str | None = None
    kind: ScheduleKind
    time_of_day: str | None = None
    weekdays: tuple[int, ...] = ()
    interval_minutes: int | None = None
    cron: str | None = None
    timezone: str | None = None
    warnings_min: tuple[int, ...] = ()
    when_players_online: WhenPlayersOnline = WhenPlayersOnline.RUN
    defer_max_min: int = DEFAULT_DEFER_MAX_MIN
    enabled: bool = True
    created_at: float = 0.0

    def __post_init__(self) -> None:
        # Enums from plain strings and tuples from lists, so equal schedules compare equal and stay frozen.
        object.__setattr__(self, "action", ScheduleAction(self.action))
        object.__setattr__(self, "kind", ScheduleKind(self.kind))
        object.__setattr__(self, "when_players_online", WhenPlayersOnline(self.when_players_online))
        object.__setattr__(self, "weekdays", tuple(self.weekdays))
        object.__setattr__(self, "warnings_min", tuple(self.warnings_min))


# --------------------------------------------------------------------------------------------------- codec

_FIELDS = {f.name for f in fields(Schedule)}
_INVALID = object()


def schedule_to_dict(schedule: Schedule) -> dict[str, Any]:
    """The JSON form: enums as their values, tuples as lists, every field present."""
    out: dict[str, Any] = {}
    for f in fields(Schedule):
        value = getattr(schedule, f.name)
        if isinstance(value, StrEnum):
            value = value.value
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def schedule_from_dict(data: Mapping[str, Any], *, existing_id: int = 0) -> Schedule:
    """Build and validate a schedule from JSON-like input.

    ``id`` in the input is ignored: ids are assigned by storage and travel in the URL, so the caller passes
    ``existing_id`` (0 for a new schedule). Missing optional fields take their defaults.

    Raises:
        ValidationError: listing every field of the wrong type, every unknown field and every bad value.
    """
    errors: list[FieldError] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "id":
            continue
        if key not in _FIELDS:
            errors.append(FieldError(key, "unknown field"))
            continue
        converted = _convert(key, value, errors)
        if converted is not _INVALID:
            values[key] = converted
    for required in ("program_id", "action", "kind"):
        if required not in data:
            errors.append(FieldError(required, "is required"))
    if errors:
        raise ValidationError(errors)
    return validate_schedule(Schedule(id=existing_id, **values))


def _convert(key: str, value: Any, errors: list[FieldError]) -> Any:
    def bad(message: str) -> object:
        errors.append(FieldError(key, message))
        return _INVALID

    if key in ("program_id", "defer_max_min"):
        return value if _is_int(value) else bad("must be an integer")
    if key == "interval_minutes":
        return value if value is None or _is_int(value) else bad("must be an integer number of minutes")
    if key == "name":
        return value if isinstance(value, str) else bad("must be a string")
    if key in ("plugin_action", "time_of_day", "cron", "timezone"):
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        return value if isinstance(value, str) else bad("must be a string or null")
    if key in ("weekdays", "warnings_min"):
        if not isinstance(value, list | tuple) or not all(_is_int(v) for v in value):
            return bad("must be a list of integers")
        return tuple(value)
    if key == "enabled":
        return value if isinstance(value, bool) else bad("must be true or false")
    if key == "created_at":
        if isinstance(value, bool) or not isinstance(value, int | float):
            return bad("must be a number (epoch seconds)")
        return float(value)
    enum = {"action": ScheduleAction, "kind": ScheduleKind, "when_players_online": WhenPlayersOnline}[key]
    try:
        return enum(value)
    except ValueError:
        return bad("must be one of: " + ", ".join(m.value for m in enum))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# ---------------------------------------------------------------------------------------------- validation

_TIME_RE = re.compile(r"^(\d{1,2}):(\d{2})$")
_PLUGIN_ACTION_RE = re.compile(r"^[^\s:]+:[^\s:]+$")


def parse_time_of_day(text: str) -> tuple[int, int]:
    """``"HH:MM"`` (24-hour clock) as (hour, minute).

    Raises:
        ValueError: with a reason a user can act on.
    """
    match = _TIME_RE.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a time of day; write HH:MM, e.g. 04:30")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} is not a time of day; hours are 00-23 and minutes 00-59")
    return hour, minute


def validate_schedule(schedule: Schedule) -> Schedule:
    """Check what the values mean and return the schedule normalised.

    Normalising strips text, zero-pads ``time_of_day``, sorts and de-duplicates ``weekdays`` (ascending) and
    ``warnings_min`` (descending, the order they are announced).

    Raises:
        ValidationError: with one message per problem, naming the field.
    """
    errors: list[FieldError] = []
    add = errors.append
    s = schedule
    name = s.name.strip()
    if len(name) > MAX_NAME_LENGTH:
        add(FieldError("name", f"must be at most {MAX_NAME_LENGTH} characters"))
    elif any(ord(ch) < 32 for ch in name):
        add(FieldError("name", "must not contain control characters"))
    if s.program_id < 1:
        add(FieldError("program_id", "must be the id of a registered program (a positive integer)"))

    plugin_action = s.plugin_action.strip() if s.plugin_action else None
    if s.action is ScheduleAction.PLUGIN_ACTION:
        if plugin_action is None:
            add(FieldError("plugin_action", "is required when action is plugin_action"))
        elif not _PLUGIN_ACTION_RE.match(plugin_action):
            add(FieldError("plugin_action", f"{plugin_action!r} must look like '<plugin id>:<action>'"))
    elif plugin_action is not None:
        add(FieldError("plugin_action", "is only used when action is plugin_action"))

    time_of_day = _check_time_of_day(s, errors)
    weekdays = tuple(sorted(set(s.weekdays)))
    if s.kind is ScheduleKind.DAILY:
        bad_days = [d for d in weekdays if not 0 <= d <= 6]
        if bad_days:
            add(FieldError("weekdays", f"{bad_days[0]} is not a weekday (0 = Monday … 6 = Sunday)"))
    elif weekdays:
        add(FieldError("weekdays", "is only used by daily schedules (a cron expression can pick weekdays)"))

    if s.kind is ScheduleKind.INTERVAL:
        if s.interval_minutes is None:
            add(FieldError("interval_minutes", "is required for an interval schedule"))
        elif s.interval_minutes < 1:
            add(FieldError("interval_minutes", "must be at least 1 minute"))
        elif s.interval_minutes > MAX_INTERVAL_MIN:
            add(FieldError("interval_minutes", f"must be at most {MAX_INTERVAL_MIN} minutes (366 days)"))
    elif s.interval_minutes is not None:
        add(FieldError("interval_minutes", "is only used by interval schedules"))

    cron = " ".join(s.cron.split()) if s.cron else None
    if s.kind is ScheduleKind.CRON:
        if cron is None:
            add(FieldError("cron", "is required for a cron schedule"))
        else:
            try:
                parse_cron(cron)
            except ValueError as exc:
                add(FieldError("cron", f"invalid cron expression: {exc}"))
    elif cron is not None:
        add(FieldError("cron", "is only used by cron schedules"))

    timezone = s.timezone.strip() if s.timezone else None
    if timezone is not None:
        reason = zone_error(timezone)
        if reason:
            add(FieldError("timezone", reason))

    warnings = tuple(sorted(set(s.warnings_min), reverse=True))
    _check_warnings(s, warnings, errors)
    if not 1 <= s.defer_max_min <= MAX_DEFER_MIN:
        add(FieldError("defer_max_min", f"must be between 1 and {MAX_DEFER_MIN} minutes"))
    if s.created_at < 0:
        add(FieldError("created_at", "must not be negative"))

    if errors:
        raise ValidationError(errors)
    return replace(
        s,
        name=name,
        plugin_action=plugin_action,
        time_of_day=time_of_day,
        weekdays=weekdays,
        cron=cron,
        timezone=timezone,
        warnings_min=warnings,
    )


def _check_time_of_day(s: Schedule, errors: list[FieldError]) -> str | None:
    if s.time_of_day is None:
        if s.kind is ScheduleKind.DAILY:
            errors.append(FieldError("time_of_day", "is required for a daily schedule (HH:MM)"))
        return None
    if s.kind is ScheduleKind.CRON:
        errors.append(
            FieldError("time_of_day", "is not used by cron schedules (the expression has the time)")
        )
        return s.time_of_day
    try:
        hour, minute = parse_time_of_day(s.time_of_day)
    except ValueError as exc:
        errors.append(FieldError("time_of_day", str(exc)))
        return s.time_of_day
    return f"{hour:02d}:{minute:02d}"


def _check_warnings(s: Schedule, warnings: Iterable[int], errors: list[FieldError]) -> None:
    warnings = tuple(warnings)
    if len(warnings) > MAX_WARNINGS:
        errors.append(FieldError("warnings_min", f"at most {MAX_WARNINGS} warnings"))
    for minutes in warnings:
        if minutes < 1:
            errors.append(FieldError("warnings_min", f"{minutes} is not a positive number of minutes"))
            return
        if minutes > MAX_WARNING_MIN:
            errors.append(FieldError("warnings_min", f"{minutes} is longer than {MAX_WARNING_MIN} minutes"))
            return
        if s.kind is ScheduleKind.INTERVAL and s.interval_minutes and minutes >= s.interval_minutes:
            errors.append(
                FieldError(
                    "warnings_min",
                    f"{minutes} min must be shorter than the interval ({s.interval_minutes} min)",
                )
            )
            return


def zone_error(name: str) -> str | None:
    """Why ``name`` is not a usable IANA time zone here, or None if it is."""
    try:
        zoneinfo.ZoneInfo(name)
    except zoneinfo.ZoneInfoNotFoundError:
        return f"unknown time zone {name!r} (use an IANA name such as Europe/Berlin or Asia/Seoul)"
    except (ValueError, OSError):
        return f"{name!r} is not a valid time zone name"
    return None


# ------------------------------------------------------------------------------------------------ cron grammar

_CRON_ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
# Spelled out: calendar.month_abbr follows the user's locale, cron names do not.
_MONTH_NAMES = {
    name: i
    for i, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DAY_NAMES = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
#: (field name, lowest, highest, names) in expression order.
_CRON_FIELDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day-of-month", 1, 31, {}),
    ("month", 1, 12, _MONTH_NAMES),
    ("day-of-week", 0, 7, _DAY_NAMES),
)
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # February can have 29


@dataclass(frozen=True, slots=True)
class CronSpec:
    """A parsed cron expression: the allowed values of each field.

    ``weekdays`` uses Python's numbering (0 = Monday … 6 = Sunday), converted from cron's (0 or 7 = Sunday).
    ``day_or`` is Vixie cron's rule: when both day fields are restricted (neither starts with ``*``), a day
    matches if *either* matches; otherwise both must.
    """

    text: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    day_or: bool


def parse_cron(text: str) -> CronSpec:
    """Parse ``minute hour day-of-month month day-of-week`` (or ``@daily``, ``@hourly``, ``@weekly`` …).

    Each field takes ``*``, numbers, ranges ``1-5``, lists ``1,15``, steps ``*/15`` ``1-5/2`` ``10/20``,
    and names for months (``jan``) and weekdays (``mon-fri``); day-of-week 0 and 7 are Sunday.

    Raises:
        ValueError: with a human reason, also for expressions that can never fire (``0 0 31 2 *``).
    """
    expr = " ".join(text.split())
    if not expr:
        raise ValueError("the expression is empty")
    if expr.startswith("@"):
        alias = _CRON_ALIASES.get(expr.lower())
        if alias is None:
            raise ValueError(f"unknown shortcut {expr!r} (known: {', '.join(_CRON_ALIASES)})")
        expr = alias
    parts = expr.split(" ")
    if len(parts) != 5:
        hint = " (seconds and years are not supported)" if len(parts) in (6, 7) else ""
        raise ValueError(
            f"expected 5 fields (minute hour day-of-month month day-of-week), got {len(parts)}{hint}"
        )
    sets = [_parse_field(part, *spec) for part, spec in zip(parts, _CRON_FIELDS, strict=True)]
    minutes, hours, days, months, cron_weekdays = sets
    weekdays = frozenset((d - 1) % 7 for d in cron_weekdays)  # cron 0/7 = Sunday → 6, 1 = Monday → 0
    day_or = not parts[2].startswith("*") and not parts[4].startswith("*")
    if not day_or and not any(d <= _DAYS_IN_MONTH[m - 1] for m in months for d in days):
        raise ValueError(f"day-of-month {parts[2]} never occurs in month {parts[3]}, so it would never run")
    return CronSpec(text.strip(), minutes, hours, days, months, weekdays, day_or)


def _parse_field(text: str, name: str, low: int, high: int, names: Mapping[str, int]) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        if not item:
            raise ValueError(f"{name} field {text!r} has an empty list item")
        body, _, step_text = item.partition("/")
        step = 1
        if step_text or item.endswith("/"):
            if not _is_number(step_text) or int(step_text) < 1:
                raise ValueError(f"{name} step in {item!r} must be a positive number")
            step = int(step_text)
        if body == "*":
            first, last = low, high
        elif "-" in body:
            left, _, right = body.partition("-")
            first, last = _value(left, name, low, high, names), _value(right, name, low, high, names)
            if name == "day-of-week" and last == 0 < first:
                last = 7  # "fri-sun": Sunday closes the week
            if first > last:
                raise ValueError(f"{name} range {body!r} goes backwards (write {right}-{left}?)")
        else:
            first = _value(body, name, low, high, names)
            last = high if step_text else first  # "10/20" means from 10 to the end, every 20
        values.update(range(first, last + 1, step))
    return frozenset(values)


def _value(text: str, name: str, low: int, high: int, names: Mapping[str, int]) -> int:
    key = text.lower()
    if key in names:
        return names[key]
    if not _is_number(text):
        known = f" or a name ({', '.join(names)})" if names else ""
        raise ValueError(f"{name} value {text!r} is not a number{known}")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{name} value {value} is out of range {low}-{high}")
    return value


def _is_number(text: str) -> bool:
    return text.isascii() and text.isdigit()
