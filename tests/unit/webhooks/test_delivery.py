"""One POST against a real receiver on 127.0.0.1: classification, Retry-After, time limits, no URL in errors."""

import json
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from monitor_app.webhooks.delivery import (
    MAX_RETRY_AFTER_S,
    DeliveryResult,
    deliver,
    discord_retry_after,
    parse_retry_after,
    redact_url,
    validate_url,
)
from monitor_app.webhooks.formats import RenderedPayload
from tests.helpers.receiver import WebhookReceiver, refused_url

PAYLOAD = RenderedPayload(
    b'{"event":"webhook.test"}', {"Content-Type": "application/json", "User-Agent": "t/1"}
)
TOKEN = "Zm9vYmFyLXRva2VuLXNlY3JldA"
DISCORD_LIKE_PATH = f"/api/webhooks/123456789/{TOKEN}?wait=true"


@pytest.fixture
def receiver():
    with WebhookReceiver() as running:
        yield running


def test_ok_delivers_the_exact_bytes_and_headers(receiver: WebhookReceiver) -> None:
    result = deliver(receiver.url, PAYLOAD)

    assert result == DeliveryResult(200, result.latency_ms)
    assert result.ok and not result.retry and result.error == "" and result.retry_after is None
    [request] = receiver.wait_for(1)
    assert request.method == "POST"
    assert request.path == "/webhook"
    assert request.body == PAYLOAD.body
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "t/1"


@pytest.mark.parametrize("status", [201, 202, 204])
def test_any_2xx_is_ok(receiver: WebhookReceiver, status: int) -> None:
    receiver.respond(status)
    assert deliver(receiver.url, PAYLOAD).ok


def test_latency_is_measured_with_the_given_clock(receiver: WebhookReceiver) -> None:
    ticks = iter([100.0, 100.25])
    result = deliver(receiver.url, PAYLOAD, clock=lambda: next(ticks, 100.25))
    assert result.latency_ms == pytest.approx(250.0)

    before = time.monotonic()
    real = deliver(receiver.url, PAYLOAD)
    assert 0 < real.latency_ms <= (time.monotonic() - before) * 1000


def test_receiver_down_is_connection_refused_and_retried() -> None:
    result = deliver(refused_url(), PAYLOAD)

    assert result.status is None
    assert not result.ok
    assert result.retry
    assert result.error == "connection refused"
    assert result.latency_ms >= 0


@pytest.mark.parametrize("status", [500, 502, 503, 504, 408, 425])
def test_server_errors_and_timeouts_are_retried(receiver: WebhookReceiver, status: int) -> None:
    receiver.respond(status)
    result = deliver(receiver.url, PAYLOAD)

    assert (result.status, result.ok, result.retry, result.retry_after) == (status, False, True, None)
    assert result.error.startswith(f"HTTP {status} ")


def test_503_with_retry_after_is_honoured(receiver: WebhookReceiver) -> None:
    receiver.respond(503, {"Retry-After": "30"})
    result = deliver(receiver.url, PAYLOAD)

    assert (result.retry, result.retry_after) == (True, 30.0)
    assert result.error == "HTTP 503 Service Unavailable: retry in 30 s"


def test_404_is_permanent(receiver: WebhookReceiver) -> None:
    receiver.respond(404, body=b'{"message": "Unknown Webhook", "code": 10015}')
    result = deliver(receiver.url, PAYLOAD)

    assert (result.status, result.ok, result.retry) == (404, False, False)
    assert result.error == "HTTP 404 Not Found: webhook deleted?"


@pytest.mark.parametrize("status", [400, 401, 403, 405, 410, 413, 422])
def test_other_4xx_are_permanent(receiver: WebhookReceiver, status: int) -> None:
    receiver.respond(status)
    result = deliver(receiver.url, PAYLOAD)

    assert (result.status, result.retry, result.retry_after) == (status, False, None)
    assert result.error.startswith(f"HTTP {status} ")


def test_429_with_retry_after_header(receiver: WebhookReceiver) -> None:
    receiver.respond(429, {"Retry-After": "2"})
    result = deliver(receiver.url, PAYLOAD)

    assert (result.status, result.retry, result.retry_after) == (429, True, 2.0)
    assert result.error == "HTTP 429 Too Many Requests: rate limited; retry in 2 s"


def test_429_with_discord_json_body(receiver: WebhookReceiver) -> None:
    body = json.dumps(
        {"message": "You are being rate limited.", "retry_after": 1.5, "global": False}
    ).encode()
    receiver.respond(429, {"Content-Type": "application/json"}, body)
    result = deliver(receiver.url, PAYLOAD)

    assert (result.status, result.retry, result.retry_after) == (429, True, 1.5)


def test_429_with_discord_rate_limit_headers(receiver: WebhookReceiver) -> None:
    receiver.respond(429, {"X-RateLimit-Reset-After": "0.75"}, b'{"retry_after": 0.75, "global": false}')
    assert deliver(receiver.url, PAYLOAD).retry_after == 0.75


def test_429_takes_the_longest_wait_the_headers_ask_for(receiver: WebhookReceiver) -> None:
    receiver.respond(429, {"Retry-After": "3", "X-RateLimit-Reset-After": "2.5"})
    assert deliver(receiver.url, PAYLOAD).retry_after == 3.0


def test_429_with_an_http_date(receiver: WebhookReceiver) -> None:
    when = datetime.now(UTC) + timedelta(seconds=120)
    receiver.respond(429, {"Retry-After": format_datetime(when, usegmt=True)})
    result = deliver(receiver.url, PAYLOAD)

    assert result.retry_after == pytest.approx(120, abs=5)


def test_429_without_any_hint_is_still_retried(receiver: WebhookReceiver) -> None:
    receiver.respond(429, body=b"slow down")
    result = deliver(receiver.url, PAYLOAD)
    assert (result.retry, result.retry_after) == (True, None)


def test_redirects_are_not_followed_and_their_target_not_reported(receiver: WebhookReceiver) -> None:
    receiver.respond(301, {"Location": "https://evil.example.net/steal"})
    result = deliver(receiver.url, PAYLOAD)

    assert (result.status, result.ok, result.retry) == (301, False, False)
    assert result.error == "HTTP 301 Moved Permanently: redirects are not followed"
    assert len(receiver.requests) == 1


def test_a_hanging_receiver_is_given_up_after_about_the_timeout(receiver: WebhookReceiver) -> None:
    receiver.hang(10)
    started = time.monotonic()
    result = deliver(receiver.url, PAYLOAD, timeout=0.5)
    elapsed = time.monotonic() - started

    assert receiver.wait_for(1)[0].body == PAYLOAD.body  # it did arrive; no answer came
    assert (result.status, result.ok, result.retry) == (None, False, True)
    assert result.error == "timed out after 0.5 s"
    assert 0.4 <= elapsed < 2.0
    assert result.latency_ms == pytest.approx(elapsed * 1000, abs=100)


def test_a_trickling_error_body_is_cut_off(receiver: WebhookReceiver) -> None:
    receiver.trickle(10, status=429, interval=0.02)
    started = time.monotonic()
    result = deliver(receiver.url, PAYLOAD, timeout=0.5)
    elapsed = time.monotonic() - started

    assert (result.status, result.retry) == (429, True)
    assert elapsed < 2.0


def test_errors_never_contain_the_url_path_or_query(receiver: WebhookReceiver) -> None:
    url = receiver.url_for(DISCORD_LIKE_PATH)
    receiver.respond(404)
    receiver.respond(500)
    receiver.respond(429, {"Retry-After": "1"})
    receiver.respond(302, {"Location": receiver.url_for(DISCORD_LIKE_PATH + "2")})
    receiver.hang(10)
    down = refused_url(DISCORD_LIKE_PATH)

    results = [deliver(url, PAYLOAD, timeout=0.5) for _ in range(5)] + [deliver(down, PAYLOAD)]

    assert [r.status for r in results] == [404, 500, 429, 302, None, None]
    for result in results:
        assert result.error
        assert TOKEN not in result.error
        assert "/api/" not in result.error
        assert "wait=true" not in result.error
    assert receiver.wait_for(5)[0].path == DISCORD_LIKE_PATH


def test_never_raises() -> None:
    bad_header = RenderedPayload(b"{}", {"X-Bad": "line\r\nbreak"})
    with WebhookReceiver() as receiver:
        result = deliver(receiver.url, bad_header)
    assert result.status is None
    assert result.error
    assert "/webhook" not in result.error


@pytest.mark.parametrize(
    "url", ["", "discord.com/api/webhooks/1/x", "ftp://host/x", "http://", "http:///path"]
)
def test_invalid_urls_are_refused_without_a_request(url: str) -> None:
    result = deliver(url, PAYLOAD)
    assert (result.status, result.retry) == (None, False)
    assert result.error.startswith("invalid URL: ")


def test_a_given_session_is_used_and_left_open(receiver: WebhookReceiver) -> None:
    with requests.Session() as session:
        session.headers["X-From-Session"] = "yes"
        assert deliver(receiver.url, PAYLOAD, session=session).ok
        assert deliver(receiver.url, PAYLOAD, session=session).ok
    assert [r.headers["x-from-session"] for r in receiver.wait_for(2)] == ["yes", "yes"]


def test_result_as_job_outcome() -> None:
    outcome = DeliveryResult(
        429, 12.34, "HTTP 429 Too Many Requests", retry=True, retry_after=2.0
    ).as_job_outcome()
    assert (outcome.ok, outcome.retry, outcome.retry_after, outcome.error) == (
        False,
        True,
        2.0,
        "HTTP 429 Too Many Requests",
    )
    assert dict(outcome.result) == {"status": 429, "latency_ms": 12.3}
    assert DeliveryResult(204, 1.0).as_job_outcome().ok


# -- URL helpers and parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://discord.com/api/webhooks/1/abc",
        "http://127.0.0.1:8080/hook",
        "HTTPS://Example.COM",
        "http://[::1]:9000/x?y=1",
        "https://user:pw@example.com/x",
    ],
)
def test_valid_urls(url: str) -> None:
    assert validate_url(url) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("", "enter a URL"),
        ("   ", "enter a URL"),
        (None, "enter a URL"),
        ("discord.com/api/webhooks", "must start with http:// or https://"),
        ("/relative/path", "must start with http:// or https://"),
        ("ftp://example.com/x", "must start with http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("http://", "needs a host name"),
        ("https:///x", "needs a host name"),
        ("http://example.com:99999/", "not a valid URL (check the host and port)"),
        ("http://example.com:0/", "port 0 is not a valid port"),
        ("http://exa mple.com/", "must not contain spaces or control characters"),
        ("http://example.com/\nx", "must not contain spaces or control characters"),
        ("http://example.com/" + "a" * 3000, "longer than 2048 characters"),
    ],
)
def test_invalid_urls(url: str | None, problem: str) -> None:
    assert validate_url(url) == problem


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("https://discord.com/api/webhooks/1/TOKEN", "https://discord.com/…"),
        ("http://127.0.0.1:8080/hook?secret=1", "http://127.0.0.1:8080/…"),
        ("https://user:pw@example.com/x", "https://example.com/…"),
        ("https://example.com", "https://example.com"),
        ("https://example.com/", "https://example.com"),
        ("http://[::1]:9000/x", "http://[::1]:9000/…"),
        ("not a url", "<invalid URL>"),
        ("http://example.com:99999/x", "<invalid URL>"),
    ],
)
def test_redact_url(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        (" 1.5 ", 1.5),
        ("0", 0.0),
        ("-4", 0.0),
        ("999999", MAX_RETRY_AFTER_S),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 60.0),
        ("Wed, 21 Oct 2015 07:26:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
        ("nan", None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    now = datetime(2015, 10, 21, 7, 27, tzinfo=UTC).timestamp()
    assert parse_retry_after(header, now=now) == seconds


@pytest.mark.parametrize(
    ("body", "seconds"),
    [
        (b'{"retry_after": 1.5, "global": false}', 1.5),
        (b'{"retry_after": 64.57, "global": true}', 64.57),
        (b'{"retry_after": 2500, "global": false}', 2.5),  # API v6: milliseconds
        (b'{"retry_after": "1"}', None),
        (b'{"retry_after": true}', None),
        (b"[1, 2]", None),
        (b"<html>rate limited</html>", None),
        (b"\xff\xfe", None),
    ],
)
def test_discord_retry_after(body: bytes, seconds: float | None) -> None:
    assert discord_retry_after(body) == seconds
