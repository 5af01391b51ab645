"""The human words of a notification (title, one-line summary, labelled facts) in English and Korean.

A Discord or Slack channel is read by people, and the seed's users write Korean. ``formats`` decides the shape
and the size limits; this module decides what is said. Unknown events and detail keys still render (a plugin
may send anything), so nothing a sender adds is silently lost.
"""

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass

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

SUPPORTED_LANGUAGES = ("en", "ko")
#: Longest value text this module produces; the smallest field limit of the formats (Discord's) is 1024.
MAX_VALUE_CHARS = 1024
ELLIPSIS = "…"

_TEXT: Mapping[str, Mapping[str, str]] = {
    "en": {
        "program": "Program",
        "program_n": "Program #{id}",
        PROGRAM_STARTED: "▶️ {name} started",
        PROGRAM_STOPPED: "⏹️ {name} stopped",
        PROGRAM_EXITED: "💥 {name} exited unexpectedly",
        "exited_code": "💥 {name} exited unexpectedly (code {code})",
        PROGRAM_RESTARTED: "🔄 {name} restarted",
        PROGRAM_FATAL: "🛑 {name} gave up restarting",
        "fatal_attempts": "🛑 {name} gave up after {attempts} attempts",
        ALERT_FIRED: "🚨 Alert: {rule}",
        "fired_program": "🚨 Alert on {name}: {rule}",
        ALERT_RESOLVED: "✅ Resolved: {rule}",
        "resolved_program": "✅ Resolved on {name}: {rule}",
        WEBHOOK_TEST: "🔔 Test notification from monitor_app",
        "plugin": "🧩 {plugin}: {event}",
        "other": "ℹ️ {event}",
        "ran_for": "ran for {duration}",
        "crash_loop": "crashing, retrying",
        "next": "next: {action}",
        "exited_plain": "it stopped without being asked to",
        "fatal_plain": "it stays stopped until someone starts it",
        "pid": "PID {pid}",
        "by": "by {actor}",
        "cause": "cause: {cause}",
        "exit_code": "exit code {code}",
        "back_after": "back after {duration} down",
        "restart_n": "restart #{n}",
        "alert_value": "{value} (threshold {threshold})",
        "resolved_value": "back to {value}",
        "test_summary": "If you can read this, the webhook works.",
        "yes": "yes",
        "no": "no",
        "crash_loop_yes": "yes: crashing, retrying",
        "more": "More",
        "more_fields": "{n} more not shown",
        "d": "{n} d",
        "h": "{n} h",
        "min": "{n} min",
        "s": "{n} s",
    },
    "ko": {
        "program": "프로그램",
        "program_n": "프로그램 #{id}",
        PROGRAM_STARTED: "▶️ {name} 시작됨",
        PROGRAM_STOPPED: "⏹️ {name} 중지됨",
        PROGRAM_EXITED: "💥 {name} 비정상 종료",
        "exited_code": "💥 {name} 비정상 종료 (코드 {code})",
        PROGRAM_RESTARTED: "🔄 {name} 재시작됨",
        PROGRAM_FATAL: "🛑 {name} 재시작 포기",
        "fatal_attempts": "🛑 {name} {attempts}회 시도 후 재시작 포기",
        ALERT_FIRED: "🚨 경고: {rule}",
        "fired_program": "🚨 {name} 경고: {rule}",
        ALERT_RESOLVED: "✅ 경고 해제: {rule}",
        "resolved_program": "✅ {name} 경고 해제: {rule}",
        WEBHOOK_TEST: "🔔 monitor_app 테스트 알림",
        "plugin": "🧩 {plugin}: {event}",
        "other": "ℹ️ {event}",
        "ran_for": "실행 시간 {duration}",
        "crash_loop": "충돌 반복, 재시도 중",
        "next": "다음 조치: {action}",
        "exited_plain": "요청 없이 종료되었습니다",
        "fatal_plain": "직접 시작할 때까지 중지 상태로 남습니다",
        "pid": "PID {pid}",
        "by": "실행자: {actor}",
        "cause": "원인: {cause}",
        "exit_code": "종료 코드 {code}",
        "back_after": "{duration} 중단 후 복구",
        "restart_n": "{n}번째 재시작",
        "alert_value": "{value} (임계값 {threshold})",
        "resolved_value": "현재 {value}",
        "test_summary": "이 메시지가 보이면 웹훅이 정상적으로 동작합니다.",
        "yes": "예",
        "no": "아니요",
        "crash_loop_yes": "예: 충돌 반복, 재시도 중",
        "more": "더 보기",
        "more_fields": "{n}개 더 있음",
        "d": "{n}일",
        "h": "{n}시간",
        "min": "{n}분",
        "s": "{n}초",
    },
}

#: Labels of the detail keys the engine sends (the contract in the package docstring); also the field order.
_LABELS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "exit_code": "Exit code",
        "message": "Message",
        "rule_name": "Rule",
        "rule_kind": "Kind",
        "value": "Value",
        "threshold": "Threshold",
        "unit": "Unit",
        "action": "Action",
        "rule_id": "Rule ID",
        "uptime_s": "Uptime",
        "downtime_s": "Downtime",
        "restarts": "Restarts",
        "attempts": "Attempts",
        "cpu_percent": "CPU",
        "memory_mb": "Memory",
        "crash_loop": "Crash loop",
        "next_action": "Next",
        "pid": "PID",
        "cause": "Cause",
        "actor": "By",
    },
    "ko": {
        "exit_code": "종료 코드",
        "message": "메시지",
        "rule_name": "규칙",
        "rule_kind": "종류",
        "value": "값",
        "threshold": "임계값",
        "unit": "단위",
        "action": "조치",
        "rule_id": "규칙 ID",
        "uptime_s": "실행 시간",
        "downtime_s": "중단 시간",
        "restarts": "재시작 횟수",
        "attempts": "시도 횟수",
        "cpu_percent": "CPU",
        "memory_mb": "메모리",
        "crash_loop": "충돌 반복",
        "next_action": "다음 조치",
        "pid": "PID",
        "cause": "원인",
        "actor": "실행자",
    },
}

#: Events with a title of their own (alerts and plugin events are titled from their details).
_TITLED_EVENTS = frozenset(
    {PROGRAM_STARTED, PROGRAM_STOPPED, PROGRAM_EXITED, PROGRAM_RESTARTED, PROGRAM_FATAL, WEBHOOK_TEST}
)
#: Events whose summary is made from their details; every other event is summed up by the sender's ``message``
#: (so it is not repeated as a field).
_STATE_EVENTS = frozenset({PROGRAM_STARTED, PROGRAM_STOPPED, PROGRAM_EXITED, PROGRAM_RESTARTED})


@dataclass(frozen=True, slots=True)
class Field:
    """One labelled fact ("Uptime": "2 h 3 min")."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Message:
    """What a notification says, before any format shapes it.

    Attributes:
        title: One line with an emoji, e.g. "💥 PalServer exited unexpectedly (code 1)".
        summary: One line of what matters beyond the title (uptime, what happens next, the alert's message).
        fields: Labelled facts from the details, known keys first, unknown keys after them as sent.
        output: Last lines of the program's output, oldest first (unescaped; the format fences them).
    """

    title: str
    summary: str
    fields: tuple[Field, ...] = ()
    output: tuple[str, ...] = ()


def language_code(language: str | None) -> str:
    """``"ko"``, ``"ko-KR"`` or ``"ko_KR"`` -> ``"ko"``; anything unsupported -> ``"en"``."""
    code = (language or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in SUPPORTED_LANGUAGES else "en"


def text(key: str, language: str = "en", **values: object) -> str:
    """One phrase of the table above, filled in (for formats that need a word of their own, e.g. "More")."""
    return _TEXT[language_code(language)][key].format(**values)


def describe(notification: Notification, language: str = "en") -> Message:
    """Title, summary, fields and output lines of ``notification`` in ``language`` ("en" or "ko")."""
    lang = language_code(language)
    details = notification.details
    name = _program_label(notification, lang)
    consumed = {"last_output"}
    if _uses_message(notification.event):
        consumed.add("message")
    if "value" in details or "threshold" in details:
        consumed.add("unit")
    fields = tuple(
        Field(_label(key, lang), _field_value(key, value, details, lang))
        for key, value in _ordered(details, lang)
        if key not in consumed
    )
    return Message(
        title=_title(notification, name, lang),
        summary=_summary(notification, lang),
        fields=fields,
        output=_output_lines(details.get("last_output")),
    )


def format_duration(seconds: float, language: str = "en") -> str:
    """``7380`` -> "2 h 3 min" (Korean "2시간 3분"): the two largest non-zero units, seconds below 10 s exact."""
    lang = language_code(language)
    seconds = max(0.0, float(seconds)) if math.isfinite(seconds) else 0.0
    if seconds < 10 and seconds != int(seconds):
        return _TEXT[lang]["s"].format(n=f"{seconds:.1f}")
    rest = round(seconds)
    parts: list[str] = []
    for unit, size in (("d", 86_400), ("h", 3_600), ("min", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count and len(parts) < 2:
            parts.append(_TEXT[lang][unit].format(n=count))
        elif parts:
            break  # "2 h 0 min 5 s" reads as "2 h": never skip a unit between the two shown
    return " ".join(parts) or _TEXT[lang]["s"].format(n=0)


def format_memory(megabytes: float) -> str:
    """``512`` -> "512 MB", ``1536`` -> "1.5 GB"."""
    if megabytes >= 1024:
        return f"{megabytes / 1024:.1f} GB"
    return f"{megabytes:.1f} MB" if megabytes < 10 else f"{megabytes:.0f} MB"


def format_percent(percent: float) -> str:
    """``12.345`` -> "12.3%"."""
    return f"{percent:.1f}%"


def value_text(value: object, language: str = "en", *, limit: int = MAX_VALUE_CHARS) -> str:
    """Any detail value as one readable string of at most ``limit`` characters."""
    lang = language_code(language)
    if value is None:
        result = "—"
    elif isinstance(value, bool):
        result = _TEXT[lang]["yes" if value else "no"]
    elif isinstance(value, int | float):
        result = _number(value)
    elif isinstance(value, str):
        result = value
    elif isinstance(value, Mapping):
        result = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)
    elif isinstance(value, list | tuple):
        result = ", ".join(value_text(item, lang, limit=limit) for item in value)
    else:
        result = str(value)
    return result if len(result) <= limit else result[: limit - 1] + ELLIPSIS


def _uses_message(event: str) -> bool:
    return event not in _STATE_EVENTS


def _program_label(notification: Notification, lang: str) -> str:
    if notification.program_name:
        return notification.program_name
    if notification.program_id is not None:
        return _TEXT[lang]["program_n"].format(id=notification.program_id)
    return _TEXT[lang]["program"]


def _title(notification: Notification, name: str, lang: str) -> str:
    words = _TEXT[lang]
    event, details = notification.event, notification.details
    has_program = notification.program_name is not None or notification.program_id is not None
    if event == PROGRAM_EXITED and details.get("exit_code") is not None:
        return words["exited_code"].format(name=name, code=value_text(details["exit_code"], lang))
    if event == PROGRAM_FATAL and details.get("attempts") is not None:
        return words["fatal_attempts"].format(name=name, attempts=value_text(details["attempts"], lang))
    if event in (ALERT_FIRED, ALERT_RESOLVED):
        rule = value_text(details.get("rule_name") or details.get("rule_id") or "?", lang, limit=200)
        key = ("fired_program" if event == ALERT_FIRED else "resolved_program") if has_program else event
        return words[key].format(name=name, rule=rule)
    if event.startswith("plugin."):
        _, plugin, rest = (event.split(".", 2) + ["", ""])[:3]
        title = words["plugin"].format(plugin=plugin, event=rest)
        return f"{title} ({name})" if has_program else title
    if event in _TITLED_EVENTS:
        return words[event].format(name=name)
    return words["other"].format(event=event)


def _summary(notification: Notification, lang: str) -> str:
    words, details, event = _TEXT[lang], notification.details, notification.event
    message = details.get("message")
    if _uses_message(event) and message not in (None, ""):
        return _one_line(value_text(message, lang))
    parts: list[str] = []
    if event == PROGRAM_EXITED:
        if (uptime := _as_number(details.get("uptime_s"))) is not None:
            parts.append(words["ran_for"].format(duration=format_duration(uptime, lang)))
        if details.get("crash_loop") is True:
            parts.append(words["crash_loop"])
        if details.get("next_action"):
            parts.append(words["next"].format(action=value_text(details["next_action"], lang, limit=200)))
        parts = parts or [words["exited_plain"]]
    elif event == PROGRAM_FATAL:
        parts.append(words["fatal_plain"])
    elif event in (PROGRAM_STARTED, PROGRAM_STOPPED):
        if event == PROGRAM_STARTED and details.get("pid") is not None:
            parts.append(words["pid"].format(pid=value_text(details["pid"], lang)))
        if details.get("actor"):
            parts.append(words["by"].format(actor=value_text(details["actor"], lang, limit=200)))
        if details.get("cause"):
            parts.append(words["cause"].format(cause=value_text(details["cause"], lang, limit=200)))
        if event == PROGRAM_STOPPED and details.get("exit_code") is not None:
            parts.append(words["exit_code"].format(code=value_text(details["exit_code"], lang)))
    elif event == PROGRAM_RESTARTED:
        if (downtime := _as_number(details.get("downtime_s"))) is not None:
            parts.append(words["back_after"].format(duration=format_duration(downtime, lang)))
        if details.get("restarts") is not None:
            parts.append(words["restart_n"].format(n=value_text(details["restarts"], lang)))
    elif event in (ALERT_FIRED, ALERT_RESOLVED) and "value" in details:
        value = _with_unit(details["value"], details.get("unit"), lang)
        if event == ALERT_FIRED and "threshold" in details:
            threshold = _with_unit(details["threshold"], details.get("unit"), lang)
            parts.append(words["alert_value"].format(value=value, threshold=threshold))
        else:
            parts.append(words["resolved_value"].format(value=value) if event == ALERT_RESOLVED else value)
    elif event == WEBHOOK_TEST:
        parts.append(words["test_summary"])
    summary = _one_line(" · ".join(parts))
    return summary[:1].upper() + summary[1:]


def _ordered(details: Mapping[str, object], lang: str) -> list[tuple[str, object]]:
    known = [(key, details[key]) for key in _LABELS[lang] if key in details]
    return known + [(key, value) for key, value in details.items() if key not in _LABELS[lang]]


def _label(key: str, lang: str) -> str:
    return _LABELS[lang].get(key, key)


def _field_value(key: str, value: object, details: Mapping[str, object], lang: str) -> str:
    number = _as_number(value)
    if key in ("uptime_s", "downtime_s") and number is not None:
        return format_duration(number, lang)
    if key == "memory_mb" and number is not None:
        return format_memory(number)
    if key == "cpu_percent" and number is not None:
        return format_percent(number)
    if key in ("value", "threshold"):
        return _with_unit(value, details.get("unit"), lang)
    if key == "crash_loop" and isinstance(value, bool):
        return _TEXT[lang]["crash_loop_yes" if value else "no"]
    return value_text(value, lang)


def _with_unit(value: object, unit: object, lang: str) -> str:
    """A measured value in its unit: percentages, MB and seconds get their own formats."""
    unit_text = str(unit).strip() if unit else ""
    number = _as_number(value)
    if number is None:
        return f"{value_text(value, lang, limit=200)} {unit_text}".strip()
    if unit_text in ("%", "percent"):
        return format_percent(number)
    if unit_text.lower() == "mb":
        return format_memory(number)
    if unit_text.lower() in ("s", "sec", "seconds"):
        return format_duration(number, lang)
    return f"{_number(number)} {unit_text}".strip()


def _output_lines(value: object) -> tuple[str, ...]:
    if value is None or value == "" or value == []:
        return ()
    if isinstance(value, str):
        return tuple(value.splitlines())
    if isinstance(value, list | tuple):
        return tuple(line if isinstance(line, str) else str(line) for line in value)
    return (str(value),)


def _number(value: float) -> str:
    if isinstance(value, int) or not math.isfinite(value):
        return str(value)
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def _as_number(value: object) -> float | None:
    """``value`` as a finite float, or None for anything else (including booleans)."""
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None


def _one_line(text_: str) -> str:
    return " ".join(text_.split())
