"""The live stream's messages (Server-Sent Events): what a remote dashboard receives, formatted without I/O.

``status`` is pushed the moment a program's state changes, ``event`` for each event-log row, ``tick`` once per
sampling interval with every program's CPU/memory and the machine's CPU. A comment line keeps idle
connections open through proxies.
"""

import json
from typing import Any

from monitor_app.core.model import Event, MetricsTick, ProgramStatus
from monitor_app.httpapi import schemas

KEEPALIVE = b": keep-alive\n\n"
HEADERS = (
    b"HTTP/1.1 200 OK\r\n"
    b"Content-Type: text/event-stream; charset=utf-8\r\n"
    b"Cache-Control: no-store\r\n"
    b"Connection: keep-alive\r\n"
    b"X-Accel-Buffering: no\r\n"
    b"\r\n"
)


def message(kind: str, data: Any) -> bytes:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return f"event: {kind}\ndata: {payload}\n\n".encode()


def status_message(status: ProgramStatus, now: float) -> bytes:
    return message(
        "status",
        {
            "id": status.program_id,
            "status": status.state.value,
            "pid": status.pid,
            "restarts": status.restarts,
            "exit_code": status.exit_code,
            "uptime_s": round(status.uptime(now), 1),
            "state_since": status.state_since,
            "message": status.message,
        },
    )


def event_message(event: Event) -> bytes:
    return message("event", schemas.event_json(event))


def tick_message(tick: MetricsTick) -> bytes:
    return message(
        "tick",
        {
            "time": tick.time,
            "programs": [
                {
                    "id": sample.program_id,
                    "cpu_percent": round(sample.cpu_percent, 2),
                    "memory_mb": round(sample.memory_rss / schemas.MB, 2),
                }
                for sample in tick.programs
            ],
            "system": {"cpu_percent": round(tick.system.cpu_percent, 2), "memory_percent": round(tick.system.memory_percent, 2)}
            if tick.system
            else None,
        },
    )


def refusal(status: int, code: str, text: str) -> bytes:
    body = json.dumps({"error": {"code": code, "message": text, "details": None}}).encode()
    reason = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 405: "Method Not Allowed",
              413: "Content Too Large", 503: "Service Unavailable"}.get(status, "Error")
    return (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n\r\n"
    ).encode() + body
