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
            "next_start_at": status.next_start_at,
            "start_failures": status.start_failures,
            "message": status.message,
        },
    )


def event_message(event: Event) -> bytes:
    return message("event", schemas.event_json(event))


def tick_message(tick: MetricsTick) -> bytes:
    """One sampling round. ``cpu_percent``/``memory_mb`` per program and the system's CPU and memory percent are
    the original dashboard's fields; the rest (every measured figure) lets an attached window chart what an
    in-process one does."""
    return message(
        "tick",
        {
            "time": tick.time,
            "programs": [
                {
                    "id": sample.program_id,
                    "cpu_percent": round(sample.cpu_percent, 2),
                    "memory_mb": round(sample.memory_rss / schemas.MB, 2),
                    "memory_rss": sample.memory_rss,
                    "memory_private": sample.memory_private,
                    "threads": sample.threads,
                    "handles": sample.handles,
                    "io_read_bps": round(sample.io_read_bps, 1),
                    "io_write_bps": round(sample.io_write_bps, 1),
                    "processes": sample.processes,
                }
                for sample in tick.programs
            ],
            "system": schemas.system_json(tick.system) if tick.system else None,
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
