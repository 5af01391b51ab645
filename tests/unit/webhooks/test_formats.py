"""Payload shapes: generic JSON (exact keys, HMAC), Discord embeds and Slack blocks within their limits, privacy."""

import hashlib
import hmac
import json
import re

import pytest

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
from monitor_app.webhooks.delivery import deliver
from monitor_app.webhooks.formats import (
    DISCORD_LIMITS,
    SLACK_LIMITS,
    iso_time,
    render,
    sign,
    verify_signature,
)
from tests.helpers.receiver import WebhookReceiver

DISCORD_URL = "https://discord.com/api/webhooks/123456789/Zm9vYmFyLXRva2VuLXNlY3JldA"
SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXXXXXXXXXX"
SECRET = "correct-horse-battery-staple"

EXITED = Notification(
    PROGRAM_EXITED,
    1_795_000_000.0,
    program_id=3,
    program_name="PalServer",
    details={
        "exit_code": 1,
        "uptime_s": 7380,
        "restarts": 2,
        "cpu_percent": 12.5,
        "memory_mb": 812.0,
        "last_output": ["loading world", "Segmentation fault (core dumped)"],
        "next_action": "restart in 4 s",
        "crash_loop": False,
    },
)


def body_of(endpoint: WebhookEndpoint, notification: Notification, language: str = "en") -> dict:
    return json.loads(render(endpoint, notification, language=language).body)


def embed_size(embed: dict) -> int:
    """Discord's total: title, description, field names and values, footer text (UTF-16 units)."""
    texts = [embed.get("title", ""), embed.get("description", ""), embed.get("footer", {}).get("text", "")]
    texts += [f["name"] for f in embed.get("fields", [])] + [f["value"] for f in embed.get("fields", [])]
    return sum(len(t.encode("utf-16-le")) // 2 for t in texts)


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# -- generic -------------------------------------------------------------------------------------------------


def test_generic_body_has_exactly_the_documented_keys_in_compact_utf8() -> None:
    payload = render(WebhookEndpoint("http://127.0.0.1:9/hook"), EXITED)
    body = json.loads(payload.body)

    assert list(body) == ["event", "time", "program", "details"]
    assert body["event"] == "program.exited"
    assert body["time"] == "2026-11-18T11:06:40Z"
    assert body["program"] == {"id": 3, "name": "PalServer"}
    assert body["details"] == dict(EXITED.details)
    assert payload.body == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_generic_program_is_null_without_a_program_and_text_stays_utf8() -> None:
    notification = Notification("plugin.palworld.broadcast", 1.5, details={"message": "서버 점검 안내"})
    payload = render(WebhookEndpoint("http://127.0.0.1:9/hook"), notification)

    assert json.loads(payload.body) == {
        "event": "plugin.palworld.broadcast",
        "time": "1970-01-01T00:00:01.500Z",
        "program": None,
        "details": {"message": "서버 점검 안내"},
    }
    assert "서버 점검 안내".encode() in payload.body


def test_headers() -> None:
    plain = render(WebhookEndpoint("http://127.0.0.1:9/hook"), EXITED)
    signed = render(WebhookEndpoint("http://127.0.0.1:9/hook", secret=SECRET), EXITED)
    discord = render(WebhookEndpoint(DISCORD_URL, WebhookFormat.DISCORD, secret=SECRET), EXITED)

    for payload in (plain, signed, discord):
        assert payload.headers["Content-Type"] == "application/json"
        assert payload.headers["User-Agent"] == f"monitor_app/{__version__}"
    assert "X-Monitor-Signature" not in plain.headers
    assert signed.headers["X-Monitor-Event"] == "program.exited"
    assert signed.headers["X-Monitor-Signature"] == sign(SECRET, signed.body)
    assert "X-Monitor-Signature" not in discord.headers  # only the generic format is signed


def test_sign_is_hmac_sha256_of_the_body() -> None:
    # RFC-style known answer (Wikipedia's HMAC example), so the test does not restate the implementation.
    body = b"The quick brown fox jumps over the lazy dog"
    assert sign("key", body) == "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        "sha256=00",
        sign("other", b"x"),
        "sha1=abc",
        "sha256=ÿÿ",
        sign(SECRET, b"x") + "0",
    ],
)
def test_verify_signature_rejects(header: str | None) -> None:
    assert not verify_signature(SECRET, b"x", header)


def test_signature_verifies_on_the_bytes_the_receiver_got() -> None:
    endpoint = WebhookEndpoint("", secret=SECRET)
    with WebhookReceiver() as receiver:
        endpoint = WebhookEndpoint(receiver.url, secret=SECRET)
        assert deliver(receiver.url, render(endpoint, EXITED)).ok
        [request] = receiver.wait_for(1)

    header = request.headers["x-monitor-signature"]
    expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
    assert header == expected
    assert verify_signature(SECRET, request.body, header)
    assert not verify_signature(SECRET, request.body.replace(b"PalServer", b"PalServes"), header)
    assert not verify_signature("wrong secret", request.body, header)
    assert request.headers["x-monitor-event"] == "program.exited"
    assert request.json()["program"] == {"id": 3, "name": "PalServer"}


@pytest.mark.parametrize(
    ("epoch", "text"),
    [
        (0, "1970-01-01T00:00:00Z"),
        (1.25, "1970-01-01T00:00:01.250Z"),
        (1_795_000_000.0, "2026-11-18T11:06:40Z"),
    ],
)
def test_iso_time(epoch: float, text: str) -> None:
    assert iso_time(epoch) == text


# -- Discord -------------------------------------------------------------------------------------------------


def test_discord_embed() -> None:
    body = body_of(WebhookEndpoint(DISCORD_URL, WebhookFormat.DISCORD), EXITED)

    assert body["username"] == "monitor_app"
    [embed] = body["embeds"]
    assert embed["title"] == "💥 PalServer exited unexpectedly (code 1)"
    assert embed["timestamp"] == "2026-11-18T11:06:40Z"
    assert embed["color"] == 0xE74C3C
    assert embed["footer"]["text"]
    assert embed["description"].startswith("Ran for 2 h 3 min · next: restart in 4 s")
    assert "```\nloading world\nSegmentation fault (core dumped)\n```" in embed["description"]
    fields = {f["name"]: f for f in embed["fields"]}
    assert fields["Exit code"]["value"] == "1"
    assert fields["Uptime"]["value"] == "2 h 3 min"
    assert fields["Memory"]["value"] == "812 MB"
    assert fields["CPU"]["value"] == "12.5%"
    assert fields["Next"] == {"name": "Next", "value": "restart in 4 s", "inline": True}
    assert all(isinstance(f["inline"], bool) for f in embed["fields"])


def test_discord_in_korean() -> None:
    [embed] = body_of(WebhookEndpoint(DISCORD_URL, WebhookFormat.DISCORD), EXITED, "ko")["embeds"]

    assert embed["title"] == "💥 PalServer 비정상 종료 (코드 1)"
    assert {"종료 코드", "실행 시간", "메모리"} <= {f["name"] for f in embed["fields"]}


RED, GREEN, ORANGE, GREY, BLUE = 0xE74C3C, 0x2ECC71, 0xE67E22, 0x95A5A6, 0x3498DB


@pytest.mark.parametrize(
    ("event", "colour"),
    [
        (PROGRAM_EXITED, RED),
        (PROGRAM_FATAL, RED),
        (ALERT_FIRED, RED),
        (PROGRAM_STARTED, GREEN),
        (ALERT_RESOLVED, GREEN),
        (PROGRAM_RESTARTED, ORANGE),
        (PROGRAM_STOPPED, GREY),
        (WEBHOOK_TEST, BLUE),
        ("plugin.palworld.player.joined", BLUE),
    ],
)
def test_discord_colour_by_event(event: str, colour: int) -> None:
    [embed] = body_of(WebhookEndpoint(DISCORD_URL, WebhookFormat.DISCORD), Notification(event, 0.0))["embeds"]
    assert embed["color"] == colour


def huge_notification() -> Notification:
    output = [f"[{i:05d}] {'🔥' * 20} " + "x" * 180 for i in range(5000)] + [
        "``` closing fence? ```",
        "LAST LINE",
    ]
    details: dict[str, object] = {
        "exit_code": 139,
        "uptime_s": 12,
        "last_output": output,
        "message": "m" * 9000,
    }
    details |= {f"extra_{i:02d}_" + "k" * 300: "v" * 5000 for i in range(40)}
    return Notification(PROGRAM_EXITED, 0.0, 1, "🎮" * 400, details)


def test_discord_limits_hold_for_huge_details_and_output() -> None:
    body = body_of(WebhookEndpoint(DISCORD_URL, WebhookFormat.DISCORD), huge_notification())
    [embed] = body["embeds"]

    assert units(embed["title"]) <= DISCORD_LIMITS["title"]
    assert embed["title"].endswith("…")
    assert units(embed["description"]) <= DISCORD_LIMITS["description"]
    assert len(embed["fields"]) <= DISCORD_LIMITS["fields"]
    assert embed["fields"], "the facts are kept, shortened"
    assert embed["fields"][0] == {"name": "Exit code", "value": "139", "inline": True}
    for field in embed["fields"]:
        assert 0 < units(field["name"]) <= DISCORD_LIMITS["field_name"]
        assert 0 < units(field["value"]) <= DISCORD_LIMITS["field_value"]
    assert units(embed["footer"]["text"]) <= DISCORD_LIMITS["footer"]
    assert embed_size(embed) <= DISCORD_LIMITS["total"]
    # The newest output survives, fenced once, with the inner backticks defused.
    description = embed["description"]
    assert description.count("```") == 2
    assert description.endswith("LAST LINE\n```")
    assert "…\n" in description


def test_discord_says_how_many_fields_were_left_out() -> None:
    details = {f"k{i:02d}": i for i in range(30)}
    [embed] = body_of(
        WebhookEndpoint(DISCORD_URL, WebhookFormat.DISCORD), Notification("x.y", 0.0, details=details)
    )["embeds"]

    assert len(embed["fields"]) == 25
    assert embed["fields"][-1]["value"] == "6 more not shown"
    assert [f["name"] for f in embed["fields"][:24]] == [f"k{i:02d}" for i in range(24)]


# -- Slack ---------------------------------------------------------------------------------------------------


def test_slack_text_and_blocks() -> None:
    body = body_of(WebhookEndpoint(SLACK_URL, WebhookFormat.SLACK), EXITED)

    assert (
        body["text"] == "💥 PalServer exited unexpectedly (code 1) — Ran for 2 h 3 min · next: restart in 4 s"
    )
    assert "\n" not in body["text"]
    header, section, output, context = body["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "💥 PalServer exited unexpectedly (code 1)", "emoji": True},
    }
    assert section["text"] == {"type": "mrkdwn", "text": "Ran for 2 h 3 min · next: restart in 4 s"}
    assert {"type": "mrkdwn", "text": "*Uptime*\n2 h 3 min"} in section["fields"]
    assert output["text"]["text"] == "```\nloading world\nSegmentation fault (core dumped)\n```"
    assert context["type"] == "context"
    assert "2026-11-18T11:06:40Z" in context["elements"][0]["text"]


def test_slack_in_korean() -> None:
    body = body_of(WebhookEndpoint(SLACK_URL, WebhookFormat.SLACK), EXITED, "ko")
    assert body["text"].startswith("💥 PalServer 비정상 종료 (코드 1) — 실행 시간 2시간 3분")


def test_slack_limits_hold_for_huge_details_and_output() -> None:
    body = body_of(WebhookEndpoint(SLACK_URL, WebhookFormat.SLACK), huge_notification())
    blocks = body["blocks"]

    assert len(blocks) <= SLACK_LIMITS["blocks"]
    assert units(blocks[0]["text"]["text"]) <= SLACK_LIMITS["header"]
    assert units(body["text"]) <= SLACK_LIMITS["text"]
    assert "\n" not in body["text"]
    for block in blocks[1:]:
        if "text" in block:
            assert 0 < units(block["text"]["text"]) <= SLACK_LIMITS["section_text"]
        assert len(block.get("fields", [])) <= SLACK_LIMITS["fields"]
        for field in block.get("fields", []):
            assert units(field["text"]) <= SLACK_LIMITS["field_text"]
    output = [b for b in blocks if b.get("text", {}).get("text", "").startswith("```")]
    assert len(output) == 1
    assert output[0]["text"]["text"].endswith("LAST LINE\n```")
    assert output[0]["text"]["text"].count("```") == 2


def test_slack_escapes_control_characters() -> None:
    notification = Notification(
        "plugin.palworld.chat", 0.0, details={"message": "<!channel> Tom & Jerry", "from": "<@U123>"}
    )
    body = body_of(WebhookEndpoint(SLACK_URL, WebhookFormat.SLACK), notification)
    text = json.dumps(body)

    assert "<!channel>" not in text
    assert "<@U123>" not in text
    assert "&lt;!channel&gt; Tom &amp; Jerry" in body["blocks"][1]["text"]["text"]


# -- privacy -------------------------------------------------------------------------------------------------

LEAKY = {
    "message": f"posting to {DISCORD_URL} with {SECRET}",
    "password": "hunter2-password",
    "API_KEY": "sk-live-abcdef",
    "Authorization": "Bearer abc.def.ghi",
    "discord_token": "tok-xyz-123456",
    "env": {"PATH": "/usr/bin", "HOME": "/root"},
    "nested": {"secret_value": "nested-secret-1", "ok": "visible-value"},
    "extra": [{"refresh_token": "refresh-tok-999"}],
}
MUST_NOT_APPEAR = [
    SECRET,
    DISCORD_URL,
    "Zm9vYmFyLXRva2VuLXNlY3JldA",
    "hunter2",
    "sk-live",
    "abc.def.ghi",
    "tok-xyz",
    "/usr/bin",
    "nested-secret",
    "refresh-tok",
]


@pytest.mark.parametrize("shape", list(WebhookFormat))
@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_secret_url_or_credential_keys_in_any_body(shape: WebhookFormat, language: str) -> None:
    endpoint = WebhookEndpoint(DISCORD_URL, shape, secret=SECRET)
    notification = Notification(ALERT_FIRED, 0.0, 1, "PalServer", {"rule_name": "r", **LEAKY})
    payload = render(endpoint, notification, language=language)
    text = payload.body.decode("utf-8")

    for needle in MUST_NOT_APPEAR:
        assert needle not in text, needle
    for key in (
        "password",
        "API_KEY",
        "Authorization",
        "discord_token",
        '"env"',
        "secret_value",
        "refresh_token",
    ):
        assert key not in text, key
    assert "visible-value" in text  # the rest of the details still arrive
    assert "[redacted]" in text  # the message arrives too, with the URL and secret masked


def test_generic_details_keep_everything_harmless() -> None:
    details = {"exit_code": 1, "ratio": float("nan"), "when": (1, 2), "keyboard_layout": "ko"}
    body = body_of(
        WebhookEndpoint("http://127.0.0.1:9/x"), Notification(PROGRAM_EXITED, 0.0, details=details)
    )

    # Not valid JSON numbers become null; tuples lists; "key" anywhere in a key name is treated as a secret.
    assert body["details"] == {"exit_code": 1, "ratio": None, "when": [1, 2]}


def test_unknown_format_is_refused() -> None:
    endpoint = WebhookEndpoint("http://127.0.0.1:9/x", format="teams")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="teams"):
        render(endpoint, EXITED)


def test_time_formats_are_iso_utc() -> None:
    for shape in (WebhookFormat.GENERIC, WebhookFormat.DISCORD):
        text = render(WebhookEndpoint(DISCORD_URL, shape), EXITED).body.decode()
        assert re.search(r'"(time|timestamp)":"2026-11-18T11:06:40Z"', text)


def test_ordinary_words_of_the_url_are_not_masked() -> None:
    notification = Notification(WEBHOOK_TEST, 0.0, details={"message": "Sent from the webhooks page"})
    body = body_of(WebhookEndpoint(DISCORD_URL, WebhookFormat.GENERIC), notification)
    assert body["details"]["message"] == "Sent from the webhooks page"
