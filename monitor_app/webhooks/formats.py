"""Payload shapes for each kind of receiver: our own signed JSON, Discord embeds, Slack blocks.

Every body is built from a cleaned copy of the notification (``privacy``), so no format can leak a secret,
and every Discord or Slack size limit is enforced here: a receiver answers an oversized payload with a 400,
and the alert that mattered most (a crash with a long log) would be the one that never arrives.
Lengths are counted in UTF-16 code units, which is never less than what Discord or Slack count.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from monitor_app import __version__
from monitor_app.core.notifications import (
    ALERT_FIRED,
    ALERT_RESOLVED,
    PROGRAM_EXITED,
    PROGRAM_FATAL,
    PROGRAM_RESTARTED,
    PROGRAM_STARTED,
    PROGRAM_STOPPED,
    WEBHOOK_TEST,
    Notification,
    WebhookEndpoint,
    WebhookFormat,
)
from monitor_app.webhooks.messages import ELLIPSIS, Field, Message, describe, text
from monitor_app.webhooks.privacy import clean_details, scrub_text
from monitor_app.webhooks.signing import EVENT_HEADER, SIGNATURE_HEADER, sign, verify_signature

__all__ = [
    "DISCORD_LIMITS",
    "SLACK_LIMITS",
    "RenderedPayload",
    "iso_time",
    "render",
    "sign",
    "verify_signature",
]

USER_AGENT = f"monitor_app/{__version__}"
CONTENT_TYPE = "application/json"
DISCORD_USERNAME = "monitor_app"

#: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
DISCORD_LIMITS: Mapping[str, int] = MappingProxyType(
    {
        "title": 256,
        "description": 4096,
        "fields": 25,
        "field_name": 256,
        "field_value": 1024,
        "footer": 2048,
        "total": 6000,
    }
)
#: https://api.slack.com/reference/block-kit/blocks (header, section, context)
SLACK_LIMITS: Mapping[str, int] = MappingProxyType(
    {"header": 150, "section_text": 3000, "fields": 10, "field_text": 2000, "blocks": 50, "text": 3000}
)

_RED, _GREEN, _ORANGE, _GREY, _BLUE = 0xE74C3C, 0x2ECC71, 0xE67E22, 0x95A5A6, 0x3498DB
_COLOURS: Mapping[str, int] = MappingProxyType(
    {
        PROGRAM_EXITED: _RED,
        PROGRAM_FATAL: _RED,
        ALERT_FIRED: _RED,
        PROGRAM_STARTED: _GREEN,
        ALERT_RESOLVED: _GREEN,
        PROGRAM_RESTARTED: _ORANGE,
        PROGRAM_STOPPED: _GREY,
        WEBHOOK_TEST: _BLUE,
    }
)
_FENCE = "```"
_INLINE_MAX = 32  # Discord shows short values side by side
_TOKEN_LENGTH = 16  # a URL path segment this long may be a credential
_OUTPUT_RESERVE = 1500  # characters of a crash log kept even when the details are huge: it says most
_SLACK_MAX_FIELDS = 40  # 4 sections of 10; leaves plenty of the 50 blocks


@dataclass(frozen=True, slots=True)
class RenderedPayload:
    """An HTTP body ready to POST and the headers that go with it."""

    body: bytes
    headers: Mapping[str, str]

    def __post_init__(self) -> None:
        object.__setattr__(self, "headers", MappingProxyType(dict(self.headers)))


def render(endpoint: WebhookEndpoint, notification: Notification, *, language: str = "en") -> RenderedPayload:
    """The payload of ``notification`` in ``endpoint``'s format; human text in ``language`` ("en" or "ko").

    Raises:
        ValueError: the endpoint has a format this module does not know.
    """
    shape = WebhookFormat(endpoint.format)
    safe = _without_secrets(notification, _needles(endpoint))
    headers = {"Content-Type": CONTENT_TYPE, "User-Agent": USER_AGENT}
    if shape is WebhookFormat.GENERIC:
        body = _json(_generic(safe))
        headers[EVENT_HEADER] = safe.event
        if endpoint.secret:
            headers[SIGNATURE_HEADER] = sign(endpoint.secret, body)
    elif shape is WebhookFormat.DISCORD:
        body = _json(_discord(safe, describe(safe, language), language))
    else:
        body = _json(_slack(safe, describe(safe, language), language))
    return RenderedPayload(body, headers)


def iso_time(epoch: float) -> str:
    """ISO 8601 in UTC with a "Z": ``2026-11-26T11:20:01Z``, with milliseconds when there are any."""
    moment = datetime.fromtimestamp(epoch, UTC)
    spec = "milliseconds" if moment.microsecond >= 1000 else "seconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


# -- privacy -------------------------------------------------------------------------------------------------


def _needles(endpoint: WebhookEndpoint) -> tuple[str, ...]:
    """The endpoint's secret, its URL and the URL's secret-bearing parts (a Discord token is a path segment).

    Only long path segments count: "webhooks" or "services" are words, a token is not.
    """
    needles = [endpoint.url, endpoint.secret or ""]
    try:
        parts = urlsplit(endpoint.url)
    except ValueError:
        return tuple(needles)
    path = parts.path.rstrip("/")
    needles += [path, parts.query, *(segment for segment in path.split("/") if len(segment) >= _TOKEN_LENGTH)]
    return tuple(needles)


def _without_secrets(notification: Notification, needles: Iterable[str]) -> Notification:
    needles = tuple(needles)
    name = notification.program_name
    return Notification(
        event=scrub_text(notification.event, needles),
        time=notification.time,
        program_id=notification.program_id,
        program_name=scrub_text(name, needles) if name is not None else None,
        details=clean_details(notification.details, redact=needles),
        key=notification.key,
    )


def _json(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


# -- generic -------------------------------------------------------------------------------------------------


def _generic(notification: Notification) -> dict[str, Any]:
    program = None
    if notification.program_id is not None or notification.program_name is not None:
        program = {"id": notification.program_id, "name": notification.program_name}
    return {
        "event": notification.event,
        "time": iso_time(notification.time),
        "program": program,
        "details": dict(notification.details),
    }


# -- Discord -------------------------------------------------------------------------------------------------


def _discord(notification: Notification, message: Message, language: str) -> dict[str, Any]:
    limits = DISCORD_LIMITS
    title = _truncate(message.title, limits["title"])
    footer = _truncate(f"monitor_app · {notification.event}", limits["footer"])
    summary = _truncate(message.summary, 1024)
    budget = limits["total"] - _size(title) - _size(footer) - _size(summary)
    output_wanted = _size(_code_block(message.output, limits["description"])) if message.output else 0
    fields = _discord_fields(message.fields, budget - min(output_wanted, _OUTPUT_RESERVE), language)
    budget -= sum(_size(f["name"]) + _size(f["value"]) for f in fields)
    description = summary
    if message.output:
        room = min(limits["description"] - _size(summary) - 2, budget - 2)
        block = _code_block(message.output, room)
        if block:
            description = f"{summary}\n\n{block}" if summary else block
    embed: dict[str, Any] = {
        "title": title,
        "color": _COLOURS.get(notification.event, _BLUE),
        "timestamp": iso_time(notification.time),
        "footer": {"text": footer},
    }
    if description:
        embed["description"] = description
    if fields:
        embed["fields"] = fields
    # Embeds never ping, but say so anyway: program output may contain "@everyone".
    return {"username": DISCORD_USERNAME, "embeds": [embed], "allowed_mentions": {"parse": []}}


def _discord_fields(fields: Sequence[Field], budget: int, language: str) -> list[dict[str, Any]]:
    """As many fields as Discord takes (count and characters), the last one saying how many were left out."""
    limits = DISCORD_LIMITS
    out: list[dict[str, Any]] = []
    for index, field in enumerate(fields):
        left = len(fields) - index
        if len(out) == limits["fields"] - 1 and left > 1:
            more = text("more_fields", language, n=left)
            if budget >= _size(text("more", language)) + _size(more):
                out.append({"name": text("more", language), "value": more, "inline": False})
            break
        name = _truncate(field.label or "—", limits["field_name"])
        value = _truncate(field.value or "—", min(limits["field_value"], budget - _size(name)))
        if not value:
            break
        out.append(
            {"name": name, "value": value, "inline": _size(value) <= _INLINE_MAX and "\n" not in value}
        )
        budget -= _size(name) + _size(value)
    return out


# -- Slack ---------------------------------------------------------------------------------------------------


def _slack(notification: Notification, message: Message, language: str) -> dict[str, Any]:
    limits = SLACK_LIMITS
    summary = message.summary or message.title
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": _truncate(message.title, limits["header"]), "emoji": True},
        },
    ]
    fields = [
        {
            "type": "mrkdwn",
            "text": _mrkdwn(f"*{_escape(f.label)}*\n{_escape(f.value or '—')}", limits["field_text"]),
        }
        for f in message.fields[:_SLACK_MAX_FIELDS]
    ]
    if len(message.fields) > _SLACK_MAX_FIELDS:
        more = text("more_fields", language, n=len(message.fields) - _SLACK_MAX_FIELDS + 1)
        fields[-1] = {"type": "mrkdwn", "text": f"*{_escape(text('more', language))}*\n{_escape(more)}"}
    first: dict[str, Any] = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": _mrkdwn(_escape(summary), limits["section_text"])},
    }
    step = limits["fields"]
    if fields:
        first["fields"] = fields[:step]
    blocks.append(first)
    blocks += [{"type": "section", "fields": fields[i : i + step]} for i in range(step, len(fields), step)]
    if message.output:
        block = _code_block(message.output, limits["section_text"], escape=_escape)
        if block:
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": block}})
    stamp = int(notification.time)
    when = f"<!date^{stamp}^{{date_short_pretty}} {{time_secs}}|{iso_time(notification.time)}>"
    blocks.append(
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": _mrkdwn(f"monitor_app · {_escape(notification.event)} · {when}", 3000),
                },
            ],
        }
    )
    fallback = " — ".join(part for part in (message.title, message.summary) if part)
    return {"text": _mrkdwn(_escape(" ".join(fallback.split())), limits["text"]), "blocks": blocks}


def _escape(value: str) -> str:
    """Slack's three control characters; also keeps a program's output from writing <!channel>."""
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(value: str, limit: int) -> str:
    """``_truncate`` that never leaves half an ``&amp;`` entity behind."""
    cut = _truncate(value, limit)
    if cut == value:
        return cut
    body = cut[: -len(ELLIPSIS)]
    amp = body.rfind("&", max(0, len(body) - 5))
    if amp != -1 and ";" not in body[amp:]:
        body = body[:amp]
    return body + ELLIPSIS


# -- shared --------------------------------------------------------------------------------------------------


def _code_block(lines: Sequence[str], limit: int, *, escape=lambda s: s) -> str:
    """The newest lines that fit in ``limit`` characters, fenced; "…" marks lines cut from the top.

    Triple backticks inside the output are broken with a zero-width space so they cannot close the fence.
    """
    overhead = 2 * len(_FENCE) + 2  # "```\n" … "\n```"
    room = limit - overhead
    if room < 8 or not lines:
        return ""
    body = escape("\n".join(lines).replace(_FENCE, "`\u200b``"))
    if _size(body) > room:
        tail = _tail(body, room - _size(ELLIPSIS) - 1)
        newline = tail.find("\n")
        if 0 <= newline < len(tail) - 1:
            tail = tail[newline + 1 :]  # start at a whole line
        body = f"{ELLIPSIS}\n{tail}"
    return f"{_FENCE}\n{body}\n{_FENCE}"


def _size(value: str) -> int:
    """Length in UTF-16 code units (an emoji counts 2), as a JavaScript client counts."""
    return len(value) + sum(1 for ch in value if ord(ch) > 0xFFFF)


def _truncate(value: str, limit: int) -> str:
    """``value`` cut to at most ``limit`` units, ending in "…" when cut; "" when ``limit`` < 1."""
    if _size(value) <= limit:
        return value
    if limit < 1:
        return ""
    return _head(value, limit - _size(ELLIPSIS)) + ELLIPSIS


def _head(value: str, limit: int) -> str:
    size = 0
    for index, ch in enumerate(value):
        size += 2 if ord(ch) > 0xFFFF else 1
        if size > limit:
            return value[:index]
    return value


def _tail(value: str, limit: int) -> str:
    return _head(value[::-1], limit)[::-1]
