"""Alert rules: what to watch, when it counts as a problem, and what to do about it.

Anchored on Monit's "if cpu > 90 % for 5 cycles" and PM2's max-memory-restart. A rule is plain data; the state
machine that evaluates rules lives in ``monitor_app.alerts``. ``rule_to_dict`` / ``rule_from_dict`` are the one
JSON shape the REST API and storage share, so a rule is validated the same way wherever it comes from.
"""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from monitor_app.core.errors import FieldError, ValidationError


class RuleKind(StrEnum):
    """What a rule watches; the meaning of ``threshold`` and ``duration_s`` depends on it (see ``AlertRule``)."""

    CPU_ABOVE = "cpu_above"
    MEMORY_ABOVE = "memory_above"
    MEMORY_TREND = "memory_trend"
    DOWN_FOR = "down_for"
    RESTARTS_OVER = "restarts_over"
    DISK_FREE_BELOW = "disk_free_below"


class RuleAction(StrEnum):
    """What a rule does when it fires. ``notify`` is also the ``notify`` flag; the others act on the program."""

    NOTIFY = "notify"
    RESTART = "restart"
    PLUGIN_ACTION = "plugin_action"


#: Kinds that watch a program (``program_id`` None = every program, each on its own).
PROGRAM_KINDS = frozenset(
    {
        RuleKind.CPU_ABOVE,
        RuleKind.MEMORY_ABOVE,
        RuleKind.MEMORY_TREND,
        RuleKind.DOWN_FOR,
        RuleKind.RESTARTS_OVER,
    }
)

#: Unit of ``threshold`` and of an alert's value, per kind.
RULE_UNITS: Mapping[RuleKind, str] = MappingProxyType(
    {
        RuleKind.CPU_ABOVE: "%",
        RuleKind.MEMORY_ABOVE: "MB",
        RuleKind.MEMORY_TREND: "MB",
        RuleKind.DOWN_FOR: "s",
        RuleKind.RESTARTS_OVER: "restarts",
        RuleKind.DISK_FREE_BELOW: "%",
    }
)

MAX_NAME_LENGTH = 64
MAX_DURATION_S = 86_400.0
MIN_RESTART_WINDOW_S = 60.0
MIN_TREND_HORIZON_S = 60.0
MAX_RESTARTS = 1000
MAX_MEMORY_MB = 16.0 * 1024 * 1024  # 16 TiB: more than any machine this runs on
_PLUGIN_ACTION = re.compile(r"^[a-z0-9][a-z0-9_-]*:[A-Za-z0-9][A-Za-z0-9_.-]*$")


@dataclass(frozen=True, slots=True, kw_only=True)
class AlertRule:
    """One alert rule.

    Attributes:
        name: Label shown in lists and notifications.
        kind: What it watches.
        program_id: The program watched; ``None`` = every program (each keeps its own state), or the whole
            machine for a disk rule.
        threshold: CPU % (cpu_above), MB of resident memory (memory_above), the limit in MB the trend must
            not reach (memory_trend), free % of a disk (disk_free_below), restarts allowed (restarts_over:
            fires on more than this many). Unused (0) for down_for.
        duration_s: Seconds the condition must hold before firing (cpu, memory, disk, down_for); the sliding
            window for restarts_over; the projection horizon for memory_trend.
        mountpoint: The disk a disk rule watches; ``None`` = every disk.
        notify: Send alert.fired / alert.resolved notifications.
        action: Besides notifying: restart the program or run a plugin action when the rule fires.
        plugin_action: ``"<plugin id>:<action>"`` when ``action`` is plugin_action.
        enabled: Off rules are kept but never evaluated.
        id: Row id once stored (0 before).
    """

    name: str
    kind: RuleKind
    threshold: float
    duration_s: float
    program_id: int | None = None
    mountpoint: str | None = None
    notify: bool = True
    action: RuleAction | None = None
    plugin_action: str | None = None
    enabled: bool = True
    created_at: float = 0.0
    id: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", RuleKind(self.kind))
        if self.action is not None:
            object.__setattr__(self, "action", RuleAction(self.action))

    @property
    def unit(self) -> str:
        return RULE_UNITS[self.kind]

    @property
    def is_global(self) -> bool:
        """True when it applies to every program (or, for a disk rule, it is system-wide anyway)."""
        return self.program_id is None


@dataclass(frozen=True, slots=True)
class AlertState:
    """A rule that is firing now, for one subject.

    Attributes:
        program_id: The program concerned (``None`` for a disk).
        subject: What fired: ``"program <id>"`` or the disk's mountpoint.
        since: Wall time it fired.
        value: The latest measured value, in the rule's unit.
    """

    rule_id: int
    program_id: int | None
    subject: str
    since: float
    value: float


@dataclass(frozen=True, slots=True)
class AlertTransition:
    """A rule fired or resolved: what notifiers, the event log and rule actions consume.

    Attributes:
        fired: True when it fired, False when it resolved.
        time: Wall time of the transition.
        value: The value that decided it, in ``unit``.
        message: One English line, e.g. ``"CPU 93.1 % ≥ 90 % for 60 s"``.
    """

    rule: AlertRule
    program_id: int | None
    subject: str
    fired: bool
    time: float
    value: float
    message: str
    unit: str


def describe_rule(rule: AlertRule) -> str:
    """One English line saying what the rule watches, for lists and logs."""
    t, d = _num(rule.threshold), format_duration(rule.duration_s)
    held = f" for {d}" if rule.duration_s > 0 else ""
    match rule.kind:
        case RuleKind.CPU_ABOVE:
            return f"CPU ≥ {t} %{held}"
        case RuleKind.MEMORY_ABOVE:
            return f"Memory ≥ {t} MB{held}"
        case RuleKind.MEMORY_TREND:
            return f"Memory projected to reach {t} MB within {d}"
        case RuleKind.DOWN_FOR:
            return f"Down for {d}"
        case RuleKind.RESTARTS_OVER:
            return f"More than {t} unexpected restarts in {d}"
        case RuleKind.DISK_FREE_BELOW:
            return f"Disk {rule.mountpoint or '(every disk)'} free < {t} %{held}"


def format_duration(seconds: float) -> str:
    """Seconds as people say them: "45 s", "10 min", "2 h"."""
    if seconds < 120:
        return f"{_num(seconds)} s"
    if seconds < 7200:
        return f"{_num(round(seconds / 60, 1))} min"
    return f"{_num(round(seconds / 3600, 1))} h"


def _num(value: float) -> str:
    """A threshold without a pointless ".0"."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


# ----------------------------------------------------------------------------------------- JSON codec

_FIELDS = {f.name for f in fields(AlertRule)}


def rule_to_dict(rule: AlertRule) -> dict[str, Any]:
    """The JSON object for a rule (REST API answers, storage); ``rule_from_dict`` reads it back."""
    return {
        "id": rule.id,
        "name": rule.name,
        "kind": rule.kind.value,
        "program_id": rule.program_id,
        "threshold": rule.threshold,
        "duration_s": rule.duration_s,
        "mountpoint": rule.mountpoint,
        "notify": rule.notify,
        "action": rule.action.value if rule.action is not None else None,
        "plugin_action": rule.plugin_action,
        "enabled": rule.enabled,
        "created_at": rule.created_at,
    }


def rule_from_dict(data: Mapping[str, Any], *, existing_id: int = 0) -> AlertRule:
    """Build and validate a rule from JSON-like input. Any ``id`` in ``data`` is ignored: ids travel in URLs.

    Raises:
        ValidationError: every field of the wrong type or unknown first; then every value that makes no sense.
    """
    if not isinstance(data, Mapping):
        raise ValidationError([FieldError("rule", "must be a JSON object")])
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
    required = ["name", "kind", "duration_s"]
    if values.get("kind") is not RuleKind.DOWN_FOR:
        required.append("threshold")
    for key in required:
        if key not in data:
            errors.append(FieldError(key, "is required"))
    if errors:
        raise ValidationError(errors)
    values.setdefault("threshold", 0.0)
    return validate_rule(AlertRule(**values, id=existing_id))


_INVALID = object()


def _convert(key: str, value: Any, errors: list[FieldError]) -> Any:
    def bad(message: str) -> object:
        errors.append(FieldError(key, message))
        return _INVALID

    if key == "name":
        return value if isinstance(value, str) else bad("must be a string")
    if key == "kind":
        try:
            return RuleKind(value)
        except ValueError:
            return bad(f"unknown kind {value!r}; use one of: " + ", ".join(k.value for k in RuleKind))
    if key == "action":
        if value is None:
            return None
        try:
            return RuleAction(value)
        except ValueError:
            return bad("must be null or one of: " + ", ".join(a.value for a in RuleAction))
    if key == "program_id":
        if value is None:
            return None
        ok = isinstance(value, int) and not isinstance(value, bool) and value > 0
        return value if ok else bad("must be a program id (a positive integer) or null for every program")
    if key in ("mountpoint", "plugin_action"):
        if value is None or value == "":
            return None
        return value if isinstance(value, str) else bad("must be a string or null")
    if key in ("notify", "enabled"):
        return value if isinstance(value, bool) else bad("must be true or false")
    # threshold, duration_s, created_at
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return bad("must be a number")
    return float(value)


# ----------------------------------------------------------------------------------------- validation


def validate_rule(rule: AlertRule) -> AlertRule:
    """Check what a rule's values mean for its kind; return it normalised (name stripped, action notify folded
    into the notify flag).

    Raises:
        ValidationError: one message per problem, naming the field.
    """
    errors: list[FieldError] = []
    name = rule.name.strip()
    if not name:
        errors.append(FieldError("name", "must not be empty"))
    elif len(name) > MAX_NAME_LENGTH:
        errors.append(FieldError("name", f"must be at most {MAX_NAME_LENGTH} characters"))
    elif any(ord(ch) < 32 for ch in name):
        errors.append(FieldError("name", "must not contain control characters"))

    _check_threshold(rule, errors)
    _check_duration(rule, errors)
    _check_target(rule, errors)
    _check_action(rule, errors)
    if not math.isfinite(rule.created_at) or rule.created_at < 0:
        errors.append(FieldError("created_at", "must be a time in seconds since 1970, not negative"))
    if errors:
        raise ValidationError(errors)

    notify, action = rule.notify, rule.action
    if action is RuleAction.NOTIFY:
        notify, action = True, None
    mountpoint = rule.mountpoint.strip() if rule.mountpoint else None
    return replace(rule, name=name, notify=notify, action=action, mountpoint=mountpoint or None)


def _check_threshold(rule: AlertRule, errors: list[FieldError]) -> None:
    def bad(message: str) -> None:
        errors.append(FieldError("threshold", message))

    value = rule.threshold
    if not math.isfinite(value):
        bad("must be a finite number")
        return
    match rule.kind:
        case RuleKind.CPU_ABOVE:
            if not 0 < value <= 100:
                bad("must be a CPU percentage above 0 and at most 100")
        case RuleKind.DISK_FREE_BELOW:
            if not 0 < value < 100:
                bad("must be a free-space percentage between 0 and 100 (both excluded)")
        case RuleKind.MEMORY_ABOVE | RuleKind.MEMORY_TREND:
            if value <= 0:
                bad("must be a memory size in MB greater than 0")
            elif value > MAX_MEMORY_MB:
                bad(f"must be at most {MAX_MEMORY_MB:.0f} MB")
        case RuleKind.RESTARTS_OVER:
            if not float(value).is_integer():
                bad("must be a whole number of restarts")
            elif not 0 <= value <= MAX_RESTARTS:
                bad(f"must be between 0 and {MAX_RESTARTS} restarts (the rule fires on more than this)")
        case RuleKind.DOWN_FOR:
            if value != 0:
                bad("is not used by down_for rules (the time down is duration_s); leave it at 0")


def _check_duration(rule: AlertRule, errors: list[FieldError]) -> None:
    value = rule.duration_s
    if not math.isfinite(value):
        errors.append(FieldError("duration_s", "must be a finite number of seconds"))
        return
    if rule.kind is RuleKind.RESTARTS_OVER:
        minimum, what = MIN_RESTART_WINDOW_S, "the window counted for restarts"
    elif rule.kind is RuleKind.MEMORY_TREND:
        minimum, what = MIN_TREND_HORIZON_S, "how far ahead the memory trend is projected"
    else:
        minimum, what = 0.0, "how long the condition must hold"
    if not minimum <= value <= MAX_DURATION_S:
        errors.append(
            FieldError(
                "duration_s",
                f"is {what} and must be between {minimum:g} and {MAX_DURATION_S:g} seconds (24 h)",
            )
        )


def _check_target(rule: AlertRule, errors: list[FieldError]) -> None:
    if rule.program_id is not None and rule.program_id <= 0:
        errors.append(FieldError("program_id", "must be a program id (a positive integer) or empty"))
    if rule.kind is RuleKind.DISK_FREE_BELOW:
        if rule.program_id is not None:
            errors.append(FieldError("program_id", "disk rules watch the whole machine; leave it empty"))
        if rule.mountpoint is not None and not rule.mountpoint.strip():
            errors.append(
                FieldError("mountpoint", "must name a disk (e.g. C:\\ or /) or be empty for every disk")
            )
    elif rule.mountpoint is not None:
        errors.append(FieldError("mountpoint", f"only disk_free_below rules watch a disk, not {rule.kind}"))


def _check_action(rule: AlertRule, errors: list[FieldError]) -> None:
    if rule.action is RuleAction.RESTART and rule.kind is RuleKind.DISK_FREE_BELOW:
        errors.append(FieldError("action", "a disk rule has no program to restart"))
    if rule.action is RuleAction.PLUGIN_ACTION:
        if not rule.plugin_action:
            errors.append(FieldError("plugin_action", "is required when action is plugin_action"))
        elif not _PLUGIN_ACTION.match(rule.plugin_action):
            errors.append(
                FieldError(
                    "plugin_action",
                    f"{rule.plugin_action!r} must look like '<plugin id>:<action>', e.g. 'palworld:save'",
                )
            )
    elif rule.plugin_action:
        errors.append(FieldError("plugin_action", "is only used when action is plugin_action"))
