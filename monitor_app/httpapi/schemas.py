"""JSON views of the engine's snapshots, and the JSON Schemas the OpenAPI document publishes for them.

The field names are a contract with the original web version's clients (``id, name, path, args, cwd, env,
autostart, restart_policy, startsecs, startretries, stop_timeout``; status entries add ``status, pid,
cpu_percent, memory_mb, uptime_s, restarts, exit_code``): renaming one breaks scripts in the field.
"""

from collections.abc import Mapping
from typing import Any

from monitor_app.core.accounts import ApiKey, User
from monitor_app.core.jobs import Job
from monitor_app.core.model import Event, ProgramSample, ProgramSpec, ProgramStatus, Series, SystemSample
from monitor_app.core.notifications import DeliveryRecord, WebhookEndpoint, endpoint_to_dict

MB = 1024 * 1024


def program_json(spec: ProgramSpec) -> dict[str, Any]:
    return {
        "id": spec.id,
        "name": spec.name,
        "path": spec.path,
        "args": list(spec.args),
        "cwd": spec.cwd,
        "env": dict(spec.env),
        "autostart": spec.autostart,
        "restart_policy": spec.restart_policy.value,
        "success_exit_codes": list(spec.success_exit_codes),
        "startsecs": spec.startsecs,
        "startretries": spec.startretries,
        "backoff_initial": spec.backoff_initial,
        "backoff_max": spec.backoff_max,
        "backoff_reset": spec.backoff_reset,
        "stop_timeout": spec.stop_timeout,
        "adopt": spec.adopt,
        "hide_window": spec.hide_window,
    }


def status_json(
    spec: ProgramSpec, status: ProgramStatus, sample: ProgramSample | None, now: float
) -> dict[str, Any]:
    alive = status.pid is not None
    return {
        "id": spec.id,
        "name": spec.name,
        "status": status.state.value,
        "pid": status.pid,
        "cpu_percent": round(sample.cpu_percent, 2) if alive and sample else 0.0,
        "memory_mb": round(sample.memory_rss / MB, 2) if alive and sample else 0.0,
        "uptime_s": round(status.uptime(now), 1),
        "restarts": status.restarts,
        "exit_code": status.exit_code,
        "state_since": status.state_since,
        "next_start_at": status.next_start_at,
        "message": status.message,
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id or None,
        "time": event.time,
        "kind": event.kind.value,
        "program_id": event.program_id,
        "from_state": event.from_state.value if event.from_state else None,
        "to_state": event.to_state.value if event.to_state else None,
        "cause": event.cause.value,
        "actor": event.actor,
        "exit_code": event.exit_code,
        "unexpected": event.unexpected,
        "message": event.message,
        "details": _plain(event.details),
    }


def system_json(system: SystemSample) -> dict[str, Any]:
    return {
        "time": system.time,
        "cpu_percent": round(system.cpu_percent, 2),
        "cpu_per_core": [round(value, 1) for value in system.cpu_per_core],
        "memory_total": system.memory_total,
        "memory_used": system.memory_used,
        "memory_percent": round(system.memory_percent, 2),
        "swap_total": system.swap_total,
        "swap_used": system.swap_used,
        "swap_percent": round(system.swap_percent, 2),
        "disks": [
            {
                "mountpoint": disk.mountpoint,
                "device": disk.device,
                "fstype": disk.fstype,
                "total": disk.total,
                "used": disk.used,
                "free": disk.free,
                "percent": round(disk.percent, 2),
            }
            for disk in system.disks
        ],
        "net_sent_bps": round(system.net_sent_bps, 1),
        "net_recv_bps": round(system.net_recv_bps, 1),
        "boot_time": system.boot_time,
        "uptime_s": round(system.uptime_s, 1),
    }


def series_json(series: Series, *, scale: float = 1.0) -> dict[str, Any]:
    """Points as ``[time, avg, max]`` triples (compact for 1,000-point charts on a phone)."""
    return {
        "tier": series.tier,
        "step": series.step,
        "points": [[p.time, round(p.avg / scale, 3), round(p.max / scale, 3)] for p in series.points],
    }


def user_json(user: User) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "role": user.role.value, "created_at": user.created_at}


def key_json(key: ApiKey, owner: str) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "user": owner,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
    }


def webhook_json(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """An endpoint without its secret (``has_secret`` says whether one is set)."""
    return endpoint_to_dict(endpoint)


def delivery_json(delivery: DeliveryRecord) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "endpoint_id": delivery.endpoint_id,
        "time": delivery.time,
        "event": delivery.event,
        "status": delivery.status,
        "latency_ms": delivery.latency_ms,
        "error": delivery.error,
        "attempt": delivery.attempt,
        "final": delivery.final,
        "job_id": delivery.job_id,
        "ok": delivery.ok,
    }


def job_json(job: Job, *, with_payload: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job.id,
        "kind": job.kind,
        "title": job.title,
        "state": job.state.value,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "created_at": job.created_at,
        "updated_at": job.updated_at,
        "run_after": job.run_after,
        "finished_at": job.finished_at,
        "last_error": job.last_error,
        "program_id": job.program_id,
        "result": _plain(job.result),
        "progress": None if job.progress is None else job.progress.to_json(),
    }
    if with_payload:
        data["payload"] = _plain(job.payload)
    return data


def _plain(value: Any) -> Any:
    """Mapping proxies and tuples in event details become plain JSON objects and arrays."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


# ----------------------------------------------------------------------------------------------- JSON Schemas

_NUMBER = {"type": "number"}
_INT = {"type": "integer"}
_STR = {"type": "string"}
_BOOL = {"type": "boolean"}
_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_NUMBER = {"type": ["number", "null"]}
_STATES = ["stopped", "starting", "running", "backoff", "stopping", "exited", "fatal"]

PROGRAM_FIELDS: dict[str, Any] = {
    "name": {**_STR, "maxLength": 64},
    "path": _STR,
    "args": {"type": "array", "items": _STR},
    "cwd": {"type": ["string", "null"]},
    "env": {"type": "object", "additionalProperties": _STR},
    "autostart": _BOOL,
    "restart_policy": {"type": "string", "enum": ["never", "on-failure", "always"]},
    "success_exit_codes": {"type": "array", "items": _INT},
    "startsecs": {**_NUMBER, "minimum": 0},
    "startretries": {**_INT, "minimum": 0},
    "backoff_initial": {**_NUMBER, "exclusiveMinimum": 0},
    "backoff_max": {**_NUMBER, "exclusiveMinimum": 0},
    "backoff_reset": {**_NUMBER, "minimum": 0},
    "stop_timeout": {**_NUMBER, "minimum": 0},
    "adopt": _BOOL,
    "hide_window": _BOOL,
}

WEBHOOK_FIELDS: dict[str, Any] = {
    "name": {**_STR, "maxLength": 100},
    "url": _STR,
    "format": {"type": "string", "enum": ["generic", "discord", "slack"]},
    "events": {"type": ["array", "null"], "items": _STR},
    "secret": {"type": ["string", "null"]},
    "enabled": _BOOL,
    "cooldown_s": {**_NUMBER, "minimum": 0},
}

ALERT_RULE_FIELDS: dict[str, Any] = {
    "name": {**_STR, "maxLength": 64},
    "kind": {"type": "string", "enum": ["cpu_above", "memory_above", "memory_trend", "down_for", "restarts_over",
                                        "disk_free_below"]},
    "program_id": _NULLABLE_INT,
    "threshold": _NUMBER,
    "duration_s": {**_NUMBER, "minimum": 0},
    "mountpoint": {"type": ["string", "null"]},
    "notify": _BOOL,
    "action": {"type": ["string", "null"], "enum": ["notify", "restart", "plugin_action", None]},
    "plugin_action": {"type": ["string", "null"]},
    "enabled": _BOOL,
}

SCHEDULE_FIELDS: dict[str, Any] = {
    "program_id": _INT,
    "name": {**_STR, "maxLength": 64},
    "action": {"type": "string", "enum": ["start", "stop", "restart", "plugin_action"]},
    "plugin_action": {"type": ["string", "null"]},
    "kind": {"type": "string", "enum": ["daily", "interval", "cron"]},
    "time_of_day": {"type": ["string", "null"], "description": "HH:MM (daily; anchor of interval)"},
    "weekdays": {"type": "array", "items": {**_INT, "minimum": 0, "maximum": 6}, "description": "0 = Monday"},
    "interval_minutes": _NULLABLE_INT,
    "cron": {"type": ["string", "null"], "description": "5-field cron expression"},
    "timezone": {"type": ["string", "null"], "description": "IANA zone; null = the machine's"},
    "warnings_min": {"type": "array", "items": _INT},
    "when_players_online": {"type": "string", "enum": ["run", "skip", "defer"]},
    "defer_max_min": _INT,
    "enabled": _BOOL,
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": _STR, "message": _STR, "details": {}},
            }
        },
    },
    "ProgramInput": {
        "type": "object",
        "required": ["name", "path"],
        "additionalProperties": False,
        "properties": PROGRAM_FIELDS,
    },
    "ProgramUpdate": {"type": "object", "additionalProperties": False, "properties": PROGRAM_FIELDS},
    "Program": {
        "type": "object",
        "required": ["id", *PROGRAM_FIELDS],
        "properties": {"id": _INT, **PROGRAM_FIELDS},
    },
    "ProgramStatus": {
        "type": "object",
        "required": ["id", "name", "status", "pid", "cpu_percent", "memory_mb", "uptime_s", "restarts", "exit_code"],
        "properties": {
            "id": _INT,
            "name": _STR,
            "status": {"type": "string", "enum": _STATES},
            "pid": _NULLABLE_INT,
            "cpu_percent": _NUMBER,
            "memory_mb": _NUMBER,
            "uptime_s": _NUMBER,
            "restarts": _INT,
            "exit_code": _NULLABLE_INT,
            "state_since": _NUMBER,
            "next_start_at": _NULLABLE_NUMBER,
            "message": _STR,
        },
    },
    "Event": {
        "type": "object",
        "properties": {
            "id": _NULLABLE_INT,
            "time": _NUMBER,
            "kind": _STR,
            "program_id": _NULLABLE_INT,
            "from_state": {"type": ["string", "null"]},
            "to_state": {"type": ["string", "null"]},
            "cause": _STR,
            "actor": _STR,
            "exit_code": _NULLABLE_INT,
            "unexpected": _BOOL,
            "message": _STR,
            "details": {"type": "object"},
        },
    },
    "System": {"type": "object", "properties": {"time": _NUMBER, "cpu_percent": _NUMBER, "uptime_s": _NUMBER}},
    "Series": {
        "type": "object",
        "properties": {
            "tier": _STR,
            "step": _NUMBER,
            "points": {"type": "array", "items": {"type": "array", "items": _NUMBER, "minItems": 3, "maxItems": 3}},
        },
    },
    "Metrics": {
        "type": "object",
        "properties": {
            "program_id": _INT,
            "range": _STR,
            "start": _NUMBER,
            "end": _NUMBER,
            "metrics": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Series"}},
        },
    },
    "Login": {
        "type": "object",
        "required": ["username", "password"],
        "additionalProperties": False,
        "properties": {"username": _STR, "password": _STR},
    },
    "Session": {
        "type": "object",
        "properties": {"token": _STR, "role": _STR, "expires_at": _NUMBER},
    },
    "User": {"type": "object", "properties": {"id": _INT, "username": _STR, "role": _STR, "created_at": _NUMBER}},
    "UserInput": {
        "type": "object",
        "required": ["username", "password"],
        "additionalProperties": False,
        "properties": {"username": _STR, "password": _STR, "role": {"type": "string", "enum": ["admin", "guest"]}},
    },
    "UserUpdate": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"password": _STR, "role": {"type": "string", "enum": ["admin", "guest"]}},
    },
    "ApiKey": {
        "type": "object",
        "properties": {
            "id": _INT,
            "name": _STR,
            "user": _STR,
            "created_at": _NUMBER,
            "last_used_at": _NULLABLE_NUMBER,
            "key": {"type": "string", "description": "only in the answer that creates it"},
        },
    },
    "ApiKeyInput": {
        "type": "object",
        "required": ["name"],
        "additionalProperties": False,
        "properties": {"name": _STR, "user_id": {**_INT, "description": "whose role the key acts with (default: "
                                                           "the caller)"}},
    },
    "PluginAction": {
        "type": "object",
        "required": ["action"],
        "properties": {"action": _STR, "params": {"type": "object"}},
    },
    "PluginAttach": {
        "type": "object",
        "required": ["plugin"],
        "additionalProperties": False,
        "properties": {"plugin": _STR, "settings": {"type": "object"}},
    },
    "PluginUpdate": {
        "type": "object",
        "additionalProperties": False,
        "properties": {"settings": {"type": "object"}, "enabled": _BOOL},
    },
    "Webhook": {
        "type": "object",
        "properties": {
            "id": _INT, "name": _STR, "url": _STR, "format": _STR, "events": {"type": "array", "items": _STR},
            "enabled": _BOOL, "cooldown_s": _NUMBER, "created_at": _NUMBER, "has_secret": _BOOL,
        },
    },
    "WebhookInput": {
        "type": "object",
        "required": ["url"],
        "additionalProperties": False,
        "properties": WEBHOOK_FIELDS,
    },
    "WebhookUpdate": {"type": "object", "additionalProperties": False, "properties": WEBHOOK_FIELDS},
    "Delivery": {
        "type": "object",
        "properties": {
            "id": _INT, "endpoint_id": _INT, "time": _NUMBER, "event": _STR, "status": _NULLABLE_INT,
            "latency_ms": _NUMBER, "error": _STR, "attempt": _INT, "final": _BOOL, "job_id": _INT, "ok": _BOOL,
        },
    },
    "AlertRule": {
        "type": "object",
        "properties": {**ALERT_RULE_FIELDS, "id": _INT, "created_at": _NUMBER},
    },
    "AlertRuleInput": {
        "type": "object",
        "required": ["name", "kind", "duration_s"],
        "additionalProperties": False,
        "properties": ALERT_RULE_FIELDS,
    },
    "AlertRuleUpdate": {"type": "object", "additionalProperties": False, "properties": ALERT_RULE_FIELDS},
    "AlertFiring": {
        "type": "object",
        "properties": {"rule_id": _INT, "rule_name": _STR, "program_id": _NULLABLE_INT, "subject": _STR,
                       "since": _NUMBER, "value": _NUMBER},
    },
    "Schedule": {
        "type": "object",
        "properties": {**SCHEDULE_FIELDS, "id": _INT, "created_at": _NUMBER, "next_fire": _NULLABLE_NUMBER},
    },
    "ScheduleInput": {
        "type": "object",
        "required": ["program_id", "action", "kind"],
        "additionalProperties": False,
        "properties": SCHEDULE_FIELDS,
    },
    "ScheduleUpdate": {"type": "object", "additionalProperties": False, "properties": SCHEDULE_FIELDS},
    "Job": {
        "type": "object",
        "properties": {
            "id": _INT, "kind": _STR, "title": _STR,
            "state": {"type": "string", "enum": ["queued", "running", "done", "failed", "cancelled"]},
            "attempts": _INT, "max_attempts": _INT, "created_at": _NUMBER, "updated_at": _NUMBER,
            "run_after": _NUMBER, "finished_at": _NULLABLE_NUMBER, "last_error": _STR,
            "program_id": _NULLABLE_INT, "result": {"type": "object"},
            "progress": {
                "type": ["object", "null"],
                "description": "How far a running job is (kept when it ends); null when its handler does not say",
                "properties": {"done": _NUMBER, "total": _NULLABLE_NUMBER, "percent": _NULLABLE_INT, "text": _STR},
            },
        },
    },
    "Performance": {"type": "object", "additionalProperties": {"type": "object"}},
    "Health": {"type": "object", "properties": {"status": _STR, "version": _STR, "uptime_s": _NUMBER}},
    "Whoami": {"type": "object", "properties": {"username": _STR, "role": {"type": "string", "enum": ["admin", "guest"]},
                                                "via": {"type": "string", "enum": ["session", "key", "local"]},
                                                "interval_s": _NULLABLE_NUMBER}},
    "History": {
        "type": "object",
        "properties": {"program_id": _NULLABLE_INT, "metric": _STR, "start": _NUMBER, "end": _NUMBER, "tier": _STR,
                       "step": _NUMBER, "points": {"type": "array", "items": {"type": "array", "items": _NUMBER}}},
    },
    "Output": {"type": "object", "properties": {"program_id": _INT, "path": _STR,
                                                 "lines": {"type": "array", "items": _STR}}},
}
