"""One HTTP POST of a rendered payload, classified so the job queue knows whether trying again can help.

``deliver`` never raises and never takes much longer than its ``timeout``: a receiver that accepts and never
answers is cut off by the read timeout, and a body that trickles in forever by a deadline on the streamed read
(only a 429's body is read at all, at most 64 KiB, for Discord's ``retry_after``). Limits it cannot enforce:
DNS resolution is done by the OS without a timeout, and a receiver that sends its status line and headers one
byte at a time can stretch the wait to one read timeout per byte.

Webhook URLs are secrets (Discord's and Slack's carry their token in the path), so no error text ever contains
a URL's path or query; ``redact_url`` gives the form that may be logged.
"""

import json
import logging
import math
import socket
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.client import RemoteDisconnected
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from monitor_app.core.jobs import JobOutcome
from monitor_app.core.notifications import webhook_url_problem as validate_url
from monitor_app.webhooks.formats import RenderedPayload

if TYPE_CHECKING:  # requests and urllib3 cost ~13 MiB: imported at the first delivery, not at start-up
    import requests

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
#: A longer wait than this is not trusted: a broken or hostile receiver must not park a job for days.
MAX_RETRY_AFTER_S = 3600.0
#: Statuses after which the same request may succeed later (besides every 5xx).
RETRY_STATUSES = frozenset({408, 425, 429})
_HINTS = {
    400: "the receiver rejected the payload",
    401: "check the webhook URL or secret",
    403: "check the webhook URL or its permissions",
    404: "webhook deleted?",
    410: "webhook deleted?",
    413: "payload too large",
    429: "rate limited",
}


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """How one POST went.

    Attributes:
        status: HTTP status, or None when no answer came (timeout, refused, DNS…).
        latency_ms: From sending to the status line (or to giving up).
        error: Empty on success, otherwise a short human reason without the URL.
        retry: Whether trying again later may succeed (False on success and on permanent errors).
        retry_after: Seconds the receiver asked us to wait, if it said.
    """

    status: int | None
    latency_ms: float
    error: str = ""
    retry: bool = False
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300

    def as_job_outcome(self) -> JobOutcome:
        """The result as the job queue's outcome, keeping status and latency for the delivery log."""
        return JobOutcome(
            ok=self.ok,
            error=self.error,
            retry=self.retry,
            retry_after=self.retry_after,
            result={"status": self.status, "latency_ms": round(self.latency_ms, 1)},
        )


def deliver(
    url: str,
    payload: RenderedPayload,
    *,
    timeout: float = 5.0,
    session: "requests.Session | None" = None,
    clock: Callable[[], float] = time.monotonic,
) -> DeliveryResult:
    """POST ``payload`` to ``url`` and classify the answer; never raises, gives up after about ``timeout`` s.

    Redirects are not followed (a POST must not silently move); a 3xx is a permanent error.
    """
    problem = validate_url(url)
    if problem:
        return DeliveryResult(None, 0.0, f"invalid URL: {problem}", retry=False)
    start = clock()
    import requests

    http = session if session is not None else requests.Session()
    try:
        result = _post(http, url, payload, timeout, start, clock)
    except Exception as exc:  # noqa: BLE001 - the contract is "never raises"; the reason goes into the result
        error, retry = _describe_exception(exc, timeout)
        result = DeliveryResult(None, _elapsed_ms(start, clock), error, retry=retry)
    finally:
        if session is None:
            http.close()
    result = _without_url(result, url)
    if not result.ok:
        log.debug("webhook POST to %s failed: %s", redact_url(url), result.error)
    return result


def redact_url(url: str) -> str:
    """``https://discord.com/api/webhooks/1/TOKEN`` -> ``https://discord.com/…``: safe to log or show."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "<invalid URL>"
    if not parts.scheme or not parts.hostname:
        return "<invalid URL>"
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    netloc = f"{host}:{port}" if port is not None else host
    rest = "/…" if parts.path.strip("/") or parts.query or parts.fragment else ""
    return f"{parts.scheme.lower()}://{netloc}{rest}"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds from a ``Retry-After`` header: delta-seconds (decimals accepted) or an HTTP-date.

    ``now`` is the wall time to measure an HTTP-date from (default: ``time.time()``). Nonsense gives None;
    a date in the past gives 0; anything is capped at ``MAX_RETRY_AFTER_S``.
    """
    if value is None or not value.strip():
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        try:
            moment = parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if moment.tzinfo is None:
            return None
        seconds = moment.timestamp() - (time.time() if now is None else now)
    return _clamp_wait(seconds)


def discord_retry_after(body: bytes) -> float | None:
    """Seconds from Discord's 429 body ``{"retry_after": 1.5, "global": false, ...}``.

    Since API v8 the value is seconds (a float); v6 and older sent whole milliseconds. A webhook rate limit of
    more than 1000 s (about 17 minutes) is implausible, while old millisecond values are routinely above
    1000, so a value above 1000 is read as milliseconds.
    """
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    value = data.get("retry_after") if isinstance(data, dict) else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    return _clamp_wait(value / 1000 if value > 1000 else value)


# -- the request ---------------------------------------------------------------------------------------------


def _post(
    http: "requests.Session",
    url: str,
    payload: RenderedPayload,
    timeout: float,
    start: float,
    clock: Callable[[], float],
) -> DeliveryResult:
    response = http.post(
        url,
        data=payload.body,
        headers=dict(payload.headers),
        timeout=(timeout, timeout),
        allow_redirects=False,
        stream=True,
    )
    with response:
        latency = _elapsed_ms(start, clock)
        status = response.status_code
        if 200 <= status < 300:
            return DeliveryResult(status, latency)
        label = _status_label(status)
        if 300 <= status < 400:
            return DeliveryResult(status, latency, f"{label}: redirects are not followed", retry=False)
        if status in RETRY_STATUSES or status >= 500:
            wait = _header_wait(response.headers)
            if status == 429 and wait is None:
                wait = discord_retry_after(_read_limited(response, start + timeout, clock))
            error = _with_hint(label, status)
            if wait is not None:
                error += f"{';' if status in _HINTS else ':'} retry in {_seconds(wait)}"
            return DeliveryResult(status, latency, error, retry=True, retry_after=wait)
        return DeliveryResult(status, latency, _with_hint(label, status), retry=False)


def _header_wait(headers: Mapping[str, str]) -> float | None:
    """The longest wait the headers ask for: ``Retry-After`` and Discord's ``X-RateLimit-Reset-After``."""
    waits = [parse_retry_after(headers.get(name)) for name in ("Retry-After", "X-RateLimit-Reset-After")]
    found = [wait for wait in waits if wait is not None]
    return max(found) if found else None


def _read_limited(response: "requests.Response", deadline: float, clock: Callable[[], float]) -> bytes:
    """At most ``MAX_BODY_BYTES`` of the body, stopping at ``deadline``; what arrived so far on any error."""
    raw = response.raw
    chunks: list[bytes] = []
    size = 0
    try:
        while size < MAX_BODY_BYTES:
            remaining = deadline - clock()
            if remaining <= 0:
                break
            _limit_socket_wait(raw, remaining)
            chunk = raw.read1(min(8192, MAX_BODY_BYTES - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except Exception as exc:  # noqa: BLE001 - a broken body only loses a hint
        log.debug("reading a webhook error body failed: %s", type(exc).__name__)
    return b"".join(chunks)


def _limit_socket_wait(raw: object, seconds: float) -> None:
    """Bound the next socket read by the time left (urllib3 sets the read timeout once per request)."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if isinstance(sock, socket.socket):
        sock.settimeout(max(seconds, 0.001))


# -- wording -------------------------------------------------------------------------------------------------


def _status_label(status: int) -> str:
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"  # the receiver's own reason phrase is not trusted into our logs


def _with_hint(label: str, status: int) -> str:
    hint = _HINTS.get(status)
    return f"{label}: {hint}" if hint else label


def _describe_exception(exc: BaseException, timeout: float) -> tuple[str, bool]:
    """A short reason and whether to retry. ``str(exc)`` is never used: requests puts the URL in it."""
    import requests
    from urllib3.exceptions import NameResolutionError

    causes = _causes(exc)
    if any(isinstance(c, ConnectionRefusedError) for c in causes):
        return "connection refused", True
    if any(isinstance(c, socket.gaierror | NameResolutionError) for c in causes):
        return "host not found", True
    if isinstance(exc, requests.Timeout) or any(isinstance(c, TimeoutError) for c in causes):
        return f"timed out after {_seconds(timeout)}", True
    if isinstance(exc, requests.exceptions.SSLError):
        reason = next((c.verify_message for c in causes if isinstance(c, ssl.SSLCertVerificationError)), "")
        return (f"TLS error: {reason}" if reason else "TLS error"), True
    if any(isinstance(c, ConnectionResetError) for c in causes):
        return "connection reset", True
    if any(isinstance(c, RemoteDisconnected) for c in causes):
        return "connection closed without an answer", True
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return "invalid URL", False
    if isinstance(exc, requests.exceptions.InvalidSchema):
        return "must start with http:// or https://", False
    if isinstance(exc, requests.ConnectionError):
        errno_text = next((c.strerror for c in causes if isinstance(c, OSError) and c.strerror), "")
        return (f"connection failed: {errno_text}" if errno_text else "connection failed"), True
    return f"unexpected error: {type(exc).__name__}", True


def _causes(exc: BaseException) -> list[BaseException]:
    """``exc`` and everything it wraps (requests -> urllib3 ``reason`` -> the socket error)."""
    seen: list[BaseException] = []
    todo: list[object] = [exc]
    while todo and len(seen) < 20:
        current = todo.pop()
        if not isinstance(current, BaseException) or any(current is s for s in seen):
            continue
        seen.append(current)
        todo += [current.__cause__, current.__context__, getattr(current, "reason", None)]
        todo += [arg for arg in current.args if isinstance(arg, BaseException)]
    return seen


def _without_url(result: DeliveryResult, url: str) -> DeliveryResult:
    """Belt and braces: cut the URL's path and query out of the error, whatever produced it."""
    if not result.error:
        return result
    error = result.error.replace(url, redact_url(url))
    try:
        parts = urlsplit(url)
    except ValueError:
        return result
    for secret in (parts.query, parts.path.rstrip("/")):
        if len(secret) > 1:
            error = error.replace(secret, "/…")
    if error == result.error:
        return result
    return DeliveryResult(result.status, result.latency_ms, error, result.retry, result.retry_after)


def _clamp_wait(seconds: float) -> float | None:
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


def _seconds(value: float) -> str:
    return f"{value:g} s" if value < 10 else f"{value:.0f} s"


def _elapsed_ms(start: float, clock: Callable[[], float]) -> float:
    return max(0.0, (clock() - start) * 1000.0)
