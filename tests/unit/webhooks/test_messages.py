"""The words of a notification in English and Korean: titles, summaries, labelled facts, value formats."""

import pytest

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
)
from monitor_app.webhooks.messages import (
    MAX_VALUE_CHARS,
    Field,
    describe,
    format_duration,
    format_memory,
    format_percent,
    language_code,
)

EXITED = Notification(
    PROGRAM_EXITED,
    1_795_000_000.0,
    program_id=3,
    program_name="PalServer",
    details={
        "exit_code": 1,
        "uptime_s": 7380,
        "restarts": 2,
        "cpu_percent": 12.345,
        "memory_mb": 1536,
        "last_output": ["loading world", "Segmentation fault"],
        "next_action": "restart in 4 s",
        "crash_loop": True,
    },
)


def test_exited_in_english() -> None:
    message = describe(EXITED, "en")

    assert message.title == "💥 PalServer exited unexpectedly (code 1)"
    assert message.summary == "Ran for 2 h 3 min · crashing, retrying · next: restart in 4 s"
    assert message.fields == (
        Field("Exit code", "1"),
        Field("Uptime", "2 h 3 min"),
        Field("Restarts", "2"),
        Field("CPU", "12.3%"),
        Field("Memory", "1.5 GB"),
        Field("Crash loop", "yes: crashing, retrying"),
        Field("Next", "restart in 4 s"),
    )
    assert message.output == ("loading world", "Segmentation fault")


def test_exited_in_korean() -> None:
    message = describe(EXITED, "ko")

    assert message.title == "💥 PalServer 비정상 종료 (코드 1)"
    assert message.summary == "실행 시간 2시간 3분 · 충돌 반복, 재시도 중 · 다음 조치: restart in 4 s"
    labels = [f.label for f in message.fields]
    assert labels == ["종료 코드", "실행 시간", "재시작 횟수", "CPU", "메모리", "충돌 반복", "다음 조치"]
    assert Field("실행 시간", "2시간 3분") in message.fields


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "en"), ("ko", "ko"), ("ko-KR", "ko"), ("ko_KR", "ko"), ("EN_us", "en"), ("fr", "en"), ("", "en")],
)
def test_languages_fall_back_to_english(language: str, expected: str) -> None:
    assert language_code(language) == expected


def test_unknown_language_renders_english() -> None:
    assert describe(EXITED, "de").title == describe(EXITED, "en").title


@pytest.mark.parametrize(
    ("event", "details", "english", "korean"),
    [
        (PROGRAM_STARTED, {"pid": 4242}, "▶️ PalServer started", "▶️ PalServer 시작됨"),
        (PROGRAM_STOPPED, {"exit_code": 0}, "⏹️ PalServer stopped", "⏹️ PalServer 중지됨"),
        (PROGRAM_RESTARTED, {"restarts": 3}, "🔄 PalServer restarted", "🔄 PalServer 재시작됨"),
        (
            PROGRAM_FATAL,
            {"attempts": 3},
            "🛑 PalServer gave up after 3 attempts",
            "🛑 PalServer 3회 시도 후 재시작 포기",
        ),
        (PROGRAM_EXITED, {}, "💥 PalServer exited unexpectedly", "💥 PalServer 비정상 종료"),
        (
            ALERT_FIRED,
            {"rule_name": "CPU high"},
            "🚨 Alert on PalServer: CPU high",
            "🚨 PalServer 경고: CPU high",
        ),
        (
            ALERT_RESOLVED,
            {"rule_name": "CPU high"},
            "✅ Resolved on PalServer: CPU high",
            "✅ PalServer 경고 해제: CPU high",
        ),
    ],
)
def test_titles_per_event(event: str, details: dict, english: str, korean: str) -> None:
    notification = Notification(event, 0.0, program_id=3, program_name="PalServer", details=details)

    assert describe(notification, "en").title == english
    assert describe(notification, "ko").title == korean


def test_summaries_of_program_events() -> None:
    def summary(event: str, language: str = "en", **details: object) -> str:
        return describe(Notification(event, 0.0, 1, "P", details), language).summary

    assert (
        summary(PROGRAM_STARTED, pid=4242, cause="user", actor="admin") == "PID 4242 · by admin · cause: user"
    )
    assert summary(PROGRAM_STOPPED, cause="schedule", actor="system", exit_code=0) == (
        "By system · cause: schedule · exit code 0"
    )
    assert summary(PROGRAM_RESTARTED, restarts=3, downtime_s=65) == "Back after 1 min 5 s down · restart #3"
    assert (
        summary(PROGRAM_RESTARTED, "ko", restarts=3, downtime_s=65) == "1분 5초 중단 후 복구 · 3번째 재시작"
    )
    assert summary(PROGRAM_EXITED, next_action="none (policy: never)") == "Next: none (policy: never)"
    assert summary(PROGRAM_EXITED) == "It stopped without being asked to"
    assert summary(PROGRAM_FATAL, attempts=3, message="Start failed 3 times in a row") == (
        "Start failed 3 times in a row"
    )


def test_alert_values_carry_their_unit_and_the_message_is_not_repeated() -> None:
    fired = Notification(
        ALERT_FIRED,
        0.0,
        details={
            "rule_id": 4,
            "rule_name": "Memory",
            "rule_kind": "memory",
            "value": 2048,
            "threshold": 1500,
            "unit": "MB",
            "action": "notify",
        },
    )
    message = describe(fired)

    assert message.title == "🚨 Alert: Memory"
    assert message.summary == "2.0 GB (threshold 1.5 GB)"
    assert Field("Value", "2.0 GB") in message.fields
    assert Field("Threshold", "1.5 GB") in message.fields
    assert "Unit" not in [f.label for f in message.fields]

    with_message = Notification(
        ALERT_FIRED, 0.0, details={"rule_name": "CPU", "message": "CPU above 90% for 5 min"}
    )
    message = describe(with_message, "ko")
    assert message.summary == "CPU above 90% for 5 min"
    assert "메시지" not in [f.label for f in message.fields]


def test_plugin_and_test_events() -> None:
    joined = Notification(
        "plugin.palworld.player.joined", 0.0, details={"message": "Bob joined", "players": 3}
    )
    message = describe(joined)
    assert message.title == "🧩 palworld: player.joined"
    assert message.summary == "Bob joined"
    assert message.fields == (Field("players", "3"),)

    assert (
        describe(Notification(WEBHOOK_TEST, 0.0), "en").summary == "If you can read this, the webhook works."
    )
    assert describe(Notification(WEBHOOK_TEST, 0.0), "ko").title == "🔔 monitor_app 테스트 알림"


def test_unknown_keys_are_rendered_generically_and_truncated() -> None:
    notification = Notification(
        PROGRAM_STARTED,
        0.0,
        details={
            "pid": 1,
            "map": "Palpagos",
            "flags": ["a", "b"],
            "extra": {"x": 1},
            "big": "x" * 5000,
            "n": None,
        },
    )
    fields = {f.label: f.value for f in describe(notification).fields}

    assert fields["map"] == "Palpagos"
    assert fields["flags"] == "a, b"
    assert fields["extra"] == '{"x": 1}'
    assert fields["n"] == "—"
    assert len(fields["big"]) == MAX_VALUE_CHARS
    assert fields["big"].endswith("…")


def test_program_without_a_name() -> None:
    assert describe(Notification(PROGRAM_STARTED, 0.0, program_id=7)).title == "▶️ Program #7 started"
    assert describe(Notification(PROGRAM_STARTED, 0.0, program_id=7), "ko").title == "▶️ 프로그램 #7 시작됨"


@pytest.mark.parametrize(
    ("seconds", "english", "korean"),
    [
        (0, "0 s", "0초"),
        (4.25, "4.2 s", "4.2초"),
        (45, "45 s", "45초"),
        (65, "1 min 5 s", "1분 5초"),
        (3600, "1 h", "1시간"),
        (7380, "2 h 3 min", "2시간 3분"),
        (7205, "2 h", "2시간"),
        (90_061, "1 d 1 h", "1일 1시간"),
        (-3, "0 s", "0초"),
    ],
)
def test_durations(seconds: float, english: str, korean: str) -> None:
    assert format_duration(seconds, "en") == english
    assert format_duration(seconds, "ko") == korean


def test_memory_and_percent() -> None:
    assert format_memory(512) == "512 MB"
    assert format_memory(3.25) == "3.2 MB"
    assert format_memory(1536) == "1.5 GB"
    assert format_percent(12.345) == "12.3%"
    assert format_percent(100) == "100.0%"
