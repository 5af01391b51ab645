"""What the monitor tells the outside world: notification events and the webhook endpoints that receive them.

Event names are a contract (README, webhooks, scripts): ``program.started``, ``program.stopped``,
``program.exited`` (an exit nobody asked for), ``program.restarted`` (brought back by its policy),
``program.fatal`` (gave up), ``alert.fired``, ``alert.resolved``, ``plugin.<plugin id>.<event>``.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from urllib.parse import urlsplit

from monitor_app.core.errors import FieldError, ValidationError

_EMPTY: Mapping[str, object] = MappingProxyType({})

PROGRAM_STARTED = "program.started"
PROGRAM_STOPPED = "program.stopped"
PROGRAM_EXITED = "program.exited"
PROGRAM_RESTARTED = "program.restarted"
PROGRAM_FATAL = "program.fatal"
ALERT_FIRED = "alert.fired"
ALERT_RESOLVED = "alert.resolved"
WEBHOOK_TEST = "webhook.test"

#: The fixed event names; plugin events (``plugin.<id>.<event>``) come on top.
NOTIFICATION_EVENTS: tuple[str, ...] = (
    PROGRAM_STARTED,
    PROGRAM_STOPPED,
    PROGRAM_EXITED,
    PROGRAM_RESTARTED,
    PROGRAM_FATAL,
    ALERT_FIRED,
    ALERT_RESOLVED,
)

_PLUGIN_EVENT = re.compile(r"^plugin\.[a-z0-9][a-z0-9_-]*\.[a-z0-9][a-z0-9_.-]*$")
_PLUGIN_WILDCARD = re.compile(r"^plugin\.([a-z0-9][a-z0-9_-]*\.)?\*$")


def is_event_name(name: str) -> bool:
    """True for a name an endpoint may subscribe to: a fixed event, a plugin event, or ``plugin.<id>.*``."""
    return name in NOTIFICATION_EVENTS or bool(_PLUGIN_EVENT.match(name) or _PLUGIN_WILDCARD.match(name))


def event_matches(subscribed: tuple[str, ...], event: str) -> bool:
    """Whether an endpoint subscribed to ``subscribed`` (empty = everything) wants ``event``."""
    if not subscribed or event == WEBHOOK_TEST:
        return True
    for name in subscribed:
        if name == event:
            return True
        if name.endswith("*") and event.startswith(name[:-1]):
            return True
    return False


@dataclass(frozen=True, slots=True)
class Notification:
    """One thing worth telling an endpoint about.

    Attributes:
        event: One of the event names above.
        time: Wall time (epoch seconds) it happened.
        program_id / program_name: The program concerned, if any.
        details: JSON-able facts for the payload (exit code, uptime, last output lines, what happens next…).
            Never secrets, environment variables or the machine's public address.
        key: De-duplication key: notifications with the same key inside an endpoint's cooldown are sent once.
    """

    event: str
    time: float
    program_id: int | None = None
    program_name: str | None = None
    details: Mapping[str, object] = field(default=_EMPTY)
    key: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))


class WebhookFormat(StrEnum):
    """How a payload is shaped for its receiver."""

    GENERIC = "generic"  # {"event", "time", "program", "details"}, HMAC-signed when a secret is set
    DISCORD = "discord"  # embeds
    SLACK = "slack"  # incoming-webhook text + blocks


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """A receiver of notifications.

    Attributes:
        url: http(s) URL; never shown in full in logs (it is a secret for Discord and Slack), kept in the
            secret store (the database has only its redacted form).
        format: Payload shape.
        events: Event names wanted; empty means all.
        secret: HMAC key for the generic format (kept out of API answers; kept in the secret store).
        enabled: Off endpoints receive nothing (test sends still work).
        name: A label for lists.
        cooldown_s: Per-program quiet time for repeats of the same notification key.
        id: Row id once stored (0 before).
    """

    url: str
    format: WebhookFormat = WebhookFormat.GENERIC
    events: tuple[str, ...] = ()
    secret: str | None = None
    enabled: bool = True
    name: str = ""
    cooldown_s: float = 300.0
    created_at: float = 0.0
    id: int = 0


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One attempt to deliver a notification to an endpoint (the per-endpoint delivery log).

    Attributes:
        status: HTTP status, or None when no answer came (timeout, refused, DNS…).
        latency_ms: Time from sending to the answer (or to giving up).
        error: Empty on success, otherwise why it failed.
        attempt: 1 for the first try.
        final: Whether no further attempt follows (success, permanent failure, attempts exhausted).
    """

    endpoint_id: int
    time: float
    event: str
    status: int | None
    latency_ms: float
    error: str = ""
    attempt: int = 1
    final: bool = True
    job_id: int = 0
    id: int = 0

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


# ------------------------------------------------------------------------------------------ codec

MAX_URL_LENGTH = 2048
MAX_COOLDOWN_S = 86_400.0


def webhook_url_problem(url: object) -> str | None:
    """Why ``url`` cannot be a webhook URL (absolute http/https with a host), or None if it can. One check for
    input validation and for the delivery itself."""
    if not isinstance(url, str) or not url.strip():
        return "enter a URL"
    if len(url) > MAX_URL_LENGTH:
        return f"longer than {MAX_URL_LENGTH} characters"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "not a valid URL (check the host and port)"
    if parts.scheme.lower() not in ("http", "https"):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "needs a host name"
    if port == 0:
        return "port 0 is not a valid port"
    return None


def endpoint_to_dict(endpoint: WebhookEndpoint, *, with_secret: bool = False) -> dict[str, object]:
    """The JSON shape of an endpoint. The secret is left out unless asked for (storage only); the API shows
    ``has_secret`` instead."""
    data: dict[str, object] = {
        "id": endpoint.id,
        "name": endpoint.name,
        "url": endpoint.url,
        "format": endpoint.format.value,
        "events": list(endpoint.events),
        "enabled": endpoint.enabled,
        "cooldown_s": endpoint.cooldown_s,
        "created_at": endpoint.created_at,
        "has_secret": bool(endpoint.secret),
    }
    if with_secret:
        data["secret"] = endpoint.secret
    return data


def endpoint_from_dict(
    data: Mapping[str, object], *, existing: WebhookEndpoint | None = None
) -> WebhookEndpoint:
    """Validate a JSON body (a new endpoint, or changes to ``existing``: omitted keys keep their value).

    Raises:
        ValidationError: with one ``FieldError`` per wrong field.
    """
    if not isinstance(data, Mapping):
        raise ValidationError([FieldError("body", "must be a JSON object")])
    base = existing or WebhookEndpoint(url="")
    errors: list[FieldError] = []
    known = {"id", "name", "url", "format", "events", "secret", "enabled", "cooldown_s", "created_at", "has_secret"}
    for key in data:
        if key not in known:
            errors.append(FieldError(str(key), "unknown field"))

    url = data.get("url", base.url)
    if not isinstance(url, str) or not url.strip():
        errors.append(FieldError("url", "is required: the http(s) address the receiver gave you"))
        url = ""
    else:
        url = url.strip()
        problem = webhook_url_problem(url)
        if problem:
            errors.append(FieldError("url", problem))

    fmt = data.get("format", base.format.value)
    try:
        fmt = WebhookFormat(fmt)
    except ValueError:
        errors.append(FieldError("format", "must be one of: generic, discord, slack"))
        fmt = base.format

    events = data.get("events", list(base.events))
    if events is None:
        events = []
    if not isinstance(events, list | tuple) or not all(isinstance(e, str) for e in events):
        errors.append(FieldError("events", "must be a list of event names (empty or omitted = all)"))
        events = []
    else:
        unknown = [e for e in events if not is_event_name(e)]
        if unknown:
            errors.append(
                FieldError(
                    "events",
                    f"unknown event {unknown[0]!r}; use {', '.join(NOTIFICATION_EVENTS)} or plugin.<id>.<event>",
                )
            )

    secret = data.get("secret", base.secret)
    if secret == "":
        secret = None
    if secret is not None and (not isinstance(secret, str) or len(secret) > 256):
        errors.append(FieldError("secret", "must be text of at most 256 characters"))
        secret = None

    enabled = data.get("enabled", base.enabled)
    if not isinstance(enabled, bool):
        errors.append(FieldError("enabled", "must be true or false"))
        enabled = base.enabled

    name = data.get("name", base.name)
    if not isinstance(name, str) or len(name) > 100:
        errors.append(FieldError("name", "must be text of at most 100 characters"))
        name = base.name

    cooldown = data.get("cooldown_s", base.cooldown_s)
    if isinstance(cooldown, bool) or not isinstance(cooldown, int | float) or not 0 <= cooldown <= MAX_COOLDOWN_S:
        errors.append(FieldError("cooldown_s", f"must be a number of seconds from 0 to {MAX_COOLDOWN_S:g}"))
        cooldown = base.cooldown_s

    if errors:
        raise ValidationError(errors)
    return WebhookEndpoint(
        url=url,
        format=fmt,
        events=tuple(dict.fromkeys(events)),
        secret=secret,
        enabled=enabled,
        name=name.strip(),
        cooldown_s=float(cooldown),
        created_at=base.created_at,
        id=base.id,
    )


def notification_to_dict(notification: Notification) -> dict[str, object]:
    """JSON shape kept in a delivery job's payload, so the job can run after a restart."""
    return {
        "event": notification.event,
        "time": notification.time,
        "program_id": notification.program_id,
        "program_name": notification.program_name,
        "details": dict(notification.details),
        "key": notification.key,
    }


def notification_from_dict(data: Mapping[str, object]) -> Notification:
    details = data.get("details") or {}
    program_id = data.get("program_id")
    program_name = data.get("program_name")
    return Notification(
        event=str(data["event"]),
        time=float(data["time"]),  # type: ignore[arg-type]
        program_id=int(program_id) if isinstance(program_id, int) else None,
        program_name=str(program_name) if program_name is not None else None,
        details=details if isinstance(details, Mapping) else {},
        key=str(data.get("key", "")),
    )
