"""The event log: every field round-trips, filters combine, newest first."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from monitor_app.core.errors import ValidationError
from monitor_app.core.model import Event
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.storage import Storage, WriteBatch
from tests.unit.storage.builders import T0


def _event(
    time: float, kind: EventKind = EventKind.STATE, program_id: int | None = 1, **changes: object
) -> Event:
    return Event(time=time, kind=kind, program_id=program_id, **changes)  # type: ignore[arg-type]


@pytest.fixture
def logged(storage: Storage) -> Storage:
    """Six events: programs 1 and 2 and the monitor itself, at T0..T0+5."""
    storage.write(
        WriteBatch(
            events=(
                _event(T0 + 0, EventKind.PROGRAM_ADDED, 1),
                _event(T0 + 1, EventKind.STATE, 1),
                _event(T0 + 2, EventKind.PROGRAM_ADDED, 2),
                _event(T0 + 3, EventKind.STATE, 2),
                _event(T0 + 4, EventKind.ERROR, None),
                _event(T0 + 5, EventKind.STATE, 1),
            )
        )
    )
    return storage


def test_events_round_trip_every_field_and_return_their_ids(storage: Storage) -> None:
    crash = Event(
        time=T0 + 0.125,
        kind=EventKind.STATE,
        program_id=3,
        from_state=ProgramState.RUNNING,
        to_state=ProgramState.BACKOFF,
        cause=Cause.POLICY,
        actor="restart policy",
        exit_code=-1073741819,
        unexpected=True,
        message="Palworld 서버가 예기치 않게 종료되었습니다",
        details={"uptime": 3600.5, "last_lines": ["a", "b"], "next_restart_in": 2},
    )
    plain = Event(time=T0 + 1, kind=EventKind.REATTACHED)

    ids = storage.write(WriteBatch(events=(crash, plain)))

    assert len(ids) == 2 and ids[0] < ids[1]
    newest, oldest = storage.events()
    assert oldest == Event(**{**_fields(crash), "id": ids[0]})
    assert newest == Event(**{**_fields(plain), "id": ids[1]})
    assert dict(oldest.details) == {"uptime": 3600.5, "last_lines": ["a", "b"], "next_restart_in": 2}


def _fields(event: Event) -> dict[str, object]:
    return {name: getattr(event, name) for name in Event.__slots__}  # type: ignore[attr-defined]


def test_events_are_returned_newest_first_up_to_the_limit(logged: Storage) -> None:
    assert [e.time for e in logged.events()] == [T0 + 5, T0 + 4, T0 + 3, T0 + 2, T0 + 1, T0]
    assert [e.time for e in logged.events(limit=2)] == [T0 + 5, T0 + 4]


def test_events_filter_by_program(logged: Storage) -> None:
    assert [e.time for e in logged.events(program_id=1)] == [T0 + 5, T0 + 1, T0]
    assert [e.time for e in logged.events(program_id=2)] == [T0 + 3, T0 + 2]
    assert logged.events(program_id=99) == ()


def test_events_filter_by_time_with_inclusive_bounds(logged: Storage) -> None:
    assert [e.time for e in logged.events(since=T0 + 2, until=T0 + 4)] == [T0 + 4, T0 + 3, T0 + 2]
    assert [e.time for e in logged.events(since=T0 + 4)] == [T0 + 5, T0 + 4]
    assert [e.time for e in logged.events(until=T0 + 1)] == [T0 + 1, T0]


def test_events_filter_by_kinds(logged: Storage) -> None:
    assert [e.kind for e in logged.events(kinds=[EventKind.PROGRAM_ADDED, EventKind.ERROR])] == [
        EventKind.ERROR,
        EventKind.PROGRAM_ADDED,
        EventKind.PROGRAM_ADDED,
    ]
    assert logged.events(kinds=[]) == ()


def test_events_filters_combine(logged: Storage) -> None:
    found = logged.events(program_id=1, kinds=[EventKind.STATE], since=T0 + 2, limit=10)

    assert [(e.program_id, e.kind, e.time) for e in found] == [(1, EventKind.STATE, T0 + 5)]


def test_events_validate_limit_times_and_kinds(storage: Storage) -> None:
    with pytest.raises(ValidationError) as raised:
        storage.events(limit=0, since=float("nan"), kinds=["state", "teleported"])

    assert set(raised.value.by_field()) == {"limit", "since", "kinds"}
    assert "teleported" in raised.value.by_field()["kinds"]


def test_events_accept_kinds_as_their_string_values(logged: Storage) -> None:
    assert [e.time for e in logged.events(kinds=["error"])] == [T0 + 4]


def test_events_skip_a_row_of_an_unknown_kind(
    storage: Storage, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    storage.write(WriteBatch(events=(_event(T0),)))
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute(
            "INSERT INTO events (time, kind, cause) VALUES (?, 'from_the_future', 'warp')", (T0 + 1,)
        )
        connection.commit()

    assert [e.time for e in storage.events()] == [T0]
    assert "unknown kind 'from_the_future'" in caplog.text


def test_events_are_kept_for_removed_programs(logged: Storage) -> None:
    logged.write(WriteBatch(programs=(), removed_programs=(1,)))

    assert len(logged.events(program_id=1)) == 3
