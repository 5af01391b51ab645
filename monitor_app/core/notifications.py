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
        url: http(s) URL; never shown in full in logs (it is a secret for Discord and Slack).
        format: Payload shape.
        events: Event names wanted; empty means all.
        secret: HMAC key for the generic format (kept out of API answers).
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
