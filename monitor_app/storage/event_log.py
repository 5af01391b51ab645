"""The event log: every transition and notable happening, appended and read back newest first.

Enums are stored as their string values and ``details`` as JSON. Rows are kept when their program is
removed: the log is the audit trail.
"""

import json
import logging
import math
import sqlite3
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from monitor_app.core.errors import FieldError, ValidationError
from monitor_app.core.model import Event
from monitor_app.core.states import Cause, EventKind, ProgramState

log = logging.getLogger(__name__)

_COLUMNS = (
    "time, program_id, kind, from_state, to_state, cause, actor, exit_code, unexpected, message, details"
)
_INSERT = f"INSERT INTO events ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


def append_events(connection: sqlite3.Connection, events: Iterable[Event]) -> tuple[int, ...]:
    """Insert events in order; return their new row ids."""
    cursor = connection.cursor()
    ids: list[int] = []
    for event in events:
        cursor.execute(_INSERT, _event_row(event))
        ids.append(int(cursor.lastrowid or 0))
    return tuple(ids)


def query_events(
    connection: sqlite3.Connection,
    *,
    program_id: int | None,
    since: float | None,
    until: float | None,
    kinds: Iterable[EventKind | str] | None,
    limit: int,
) -> tuple[Event, ...]:
    """Events matching every given filter (``since <= time <= until``), newest first, at most ``limit``.

    Raises:
        ValidationError: ``limit`` below 1, a time that is not a finite number, an unknown kind.
    """
    kind_values = _validate_query(since, until, kinds, limit)
    conditions: list[str] = []
    params: list[object] = []
    if program_id is not None:
        conditions.append("program_id = ?")
        params.append(program_id)
    if since is not None:
        conditions.append("time >= ?")
        params.append(since)
    if until is not None:
        conditions.append("time <= ?")
        params.append(until)
    if kind_values is not None:
        if not kind_values:
            return ()
        conditions.append(f"kind IN ({', '.join('?' * len(kind_values))})")
        params.extend(kind_values)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = connection.execute(
        f"SELECT id, {_COLUMNS} FROM events {where} ORDER BY time DESC, id DESC LIMIT ?", (*params, limit)
    ).fetchall()
    return tuple(event for event in map(_event_from_row, rows) if event is not None)


def _validate_query(
    since: float | None, until: float | None, kinds: Iterable[EventKind | str] | None, limit: int
) -> list[str] | None:
    """Check the filters; return the kinds as stored strings (``None``: any kind)."""
    errors = [
        FieldError(name, "must be a finite number of seconds")
        for name, value in (("since", since), ("until", until))
        if value is not None and not (isinstance(value, int | float) and math.isfinite(value))
    ]
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        errors.append(FieldError("limit", "must be a whole number of at least 1"))
    kind_values: list[str] | None = None
    if kinds is not None:
        kind_values = []
        for kind in kinds:
            member = _member(EventKind, kind)
            if member is None:
                expected = ", ".join(k.value for k in EventKind)
                errors.append(
                    FieldError("kinds", f"unknown event kind {kind!r}; expected one of: {expected}")
                )
            else:
                kind_values.append(member.value)
    if errors:
        raise ValidationError(errors)
    return kind_values


def _event_row(event: Event) -> tuple[object, ...]:
    return (
        event.time,
        event.program_id,
        event.kind.value,
        event.from_state.value if event.from_state else None,
        event.to_state.value if event.to_state else None,
        event.cause.value,
        event.actor,
        event.exit_code,
        int(event.unexpected),
        event.message,
        # default=str: a detail that is not JSON-able is kept as text rather than failing the whole batch.
        json.dumps(dict(event.details), ensure_ascii=False, default=str),
    )


def _event_from_row(row: tuple[Any, ...]) -> Event | None:
    (
        row_id,
        time,
        program_id,
        kind,
        from_state,
        to_state,
        cause,
        actor,
        exit_code,
        unexpected,
        message,
        details,
    ) = row
    event_kind = _member(EventKind, kind)
    if event_kind is None:
        # Written by a newer release that knows more kinds; skip it rather than fail the whole read.
        log.warning("event %s has an unknown kind %r; skipped", row_id, kind)
        return None
    return Event(
        id=int(row_id),
        time=float(time),
        kind=event_kind,
        program_id=program_id,
        from_state=_member(ProgramState, from_state),
        to_state=_member(ProgramState, to_state),
        cause=_member(Cause, cause) or Cause.SYSTEM,
        actor=str(actor or ""),
        exit_code=exit_code,
        unexpected=bool(unexpected),
        message=str(message or ""),
        details=_details(details),
    )


def _member[E: StrEnum](enum: type[E], value: object) -> E | None:
    if value is None:
        return None
    try:
        return enum(str(value))
    except ValueError:
        return None


def _details(text: object) -> dict[str, object]:
    try:
        value = json.loads(text) if isinstance(text, str) else {}
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
