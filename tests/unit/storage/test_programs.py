"""Programs and runtimes: round trips, JSON compatibility, removal, ids that are never reused."""

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from monitor_app.core.errors import StorageError
from monitor_app.core.model import Event, ProcessIdentity, ProgramRuntime, ProgramSpec
from monitor_app.core.states import EventKind, RestartPolicy
from monitor_app.storage import Storage, WriteBatch
from monitor_app.storage.programs import spec_from_json, spec_to_json
from tests.unit.storage.builders import T0, spec, tick


def _rows(path: Path, table: str, program_id: int) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(
            f"SELECT count(*) FROM {table} WHERE program_id = ?", (program_id,)
        ).fetchone()[0]


def test_programs_round_trip_every_field(storage: Storage) -> None:
    palworld = ProgramSpec(
        name="Palworld",
        path="C:/steam/PalServer.exe",
        args=("-port=8211", "-useperfthreads", "with space"),
        cwd="C:/steam",
        env={"SteamAppId": "2394010", "LANG": "ko_KR.UTF-8"},
        autostart=True,
        restart_policy=RestartPolicy.ON_FAILURE,
        success_exit_codes=(0, 3),
        startsecs=5.0,
        startretries=7,
        backoff_initial=2.0,
        backoff_max=120.0,
        backoff_reset=60.0,
        stop_timeout=45.0,
        adopt=True,
        hide_window=True,
        id=2,
    )
    storage.write(WriteBatch(programs=(palworld, spec(1, "서버 하나"))))

    loaded = storage.load_programs()

    assert [p.id for p in loaded] == [1, 2]
    assert loaded[0].name == "서버 하나"
    assert loaded[1] == palworld
    assert dict(loaded[1].env) == {"SteamAppId": "2394010", "LANG": "ko_KR.UTF-8"}


def test_programs_upsert_replaces_by_id(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1, "old name"),)))
    storage.write(WriteBatch(programs=(spec(1, "new name", autostart=True),)))

    (program,) = storage.load_programs()

    assert (program.id, program.name, program.autostart) == (1, "new name", True)


def test_programs_names_are_unique_ignoring_case(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1, "Palworld"),)))

    with pytest.raises(StorageError, match="UNIQUE"):
        storage.write(WriteBatch(programs=(spec(2, "PALWORLD"),)))

    assert [p.name for p in storage.load_programs()] == ["Palworld"]


def test_programs_one_batch_may_swap_names_and_reuse_a_removed_name(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1, "Alpha"), spec(2, "Beta"), spec(3, "Gamma"))))

    storage.write(
        WriteBatch(programs=(spec(1, "Beta"), spec(2, "Alpha"), spec(4, "gamma")), removed_programs=(3,))
    )

    assert [(p.id, p.name) for p in storage.load_programs()] == [(1, "Beta"), (2, "Alpha"), (4, "gamma")]


def test_programs_write_refuses_a_spec_without_id(storage: Storage) -> None:
    with pytest.raises(ValueError, match="must have an id"):
        storage.write(WriteBatch(programs=(ProgramSpec(name="x", path="/x"),)))


def test_spec_json_stores_every_field_but_id_in_plain_json_types() -> None:
    document = json.loads(
        spec_to_json(spec(9, args=("a", "b"), env={"K": "V"}, restart_policy=RestartPolicy.NEVER))
    )

    assert "id" not in document
    assert document["args"] == ["a", "b"]
    assert document["env"] == {"K": "V"}
    assert document["restart_policy"] == "never"
    assert document["success_exit_codes"] == [0]


def test_spec_json_ignores_unknown_keys_and_fills_missing_ones_with_defaults() -> None:
    text = json.dumps({"path": "/srv/game", "startretries": 9, "added_in_a_later_release": {"x": 1}})

    loaded = spec_from_json(4, "game", text)

    assert loaded == ProgramSpec(name="game", path="/srv/game", startretries=9, id=4)


def test_spec_json_falls_back_to_the_default_for_an_unknown_restart_policy(
    caplog: pytest.LogCaptureFixture,
) -> None:
    loaded = spec_from_json(4, "game", json.dumps({"path": "/srv/game", "restart_policy": "sometimes"}))

    assert loaded.restart_policy == ProgramSpec(name="x", path="y").restart_policy
    assert "unknown restart policy 'sometimes'" in caplog.text


def test_runtimes_round_trip_with_and_without_a_process(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1), spec(2))))
    running = ProgramRuntime(1, ProcessIdentity(4242, T0 - 3600.25, "C:/steam/PalServer.exe"), restarts=3)
    stopped = ProgramRuntime(2, None, restarts=1, last_exit_code=-1073741819)

    storage.write(WriteBatch(runtimes=(running, stopped)))

    assert storage.load_runtimes() == {1: running, 2: stopped}


def test_runtimes_upsert_replaces_and_ignores_unknown_programs(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1),)))
    storage.write(WriteBatch(runtimes=(ProgramRuntime(1, restarts=1),)))

    storage.write(WriteBatch(runtimes=(ProgramRuntime(1, restarts=2), ProgramRuntime(99, restarts=5))))

    assert storage.load_runtimes() == {1: ProgramRuntime(1, restarts=2)}


def test_remove_program_deletes_samples_of_every_tier_and_its_runtime_but_keeps_events(
    storage: Storage, db_path: Path
) -> None:
    storage.write(WriteBatch(programs=(spec(1), spec(2)), runtimes=(ProgramRuntime(1), ProgramRuntime(2))))
    storage.write(WriteBatch(ticks=tuple(tick(T0 + s, (1, 2)) for s in range(0, 2 * 3600, 10))))
    storage.write(WriteBatch(events=(Event(T0, EventKind.PROGRAM_ADDED, program_id=1),)))
    storage.rollup(T0 + 3 * 3600)
    for table in ("program_samples", "program_samples_1m", "program_samples_1h"):
        assert _rows(db_path, table, 1) > 0, table

    storage.write(
        WriteBatch(removed_programs=(1,), events=(Event(T0 + 1, EventKind.PROGRAM_REMOVED, program_id=1),))
    )

    for table in ("program_samples", "program_samples_1m", "program_samples_1h", "program_runtime"):
        assert _rows(db_path, table, 1) == 0, table
        assert _rows(db_path, table, 2) > 0, table
    assert [p.id for p in storage.load_programs()] == [2]
    assert [e.kind for e in storage.events(program_id=1)] == [
        EventKind.PROGRAM_REMOVED,
        EventKind.PROGRAM_ADDED,
    ]


def test_remove_program_drops_its_late_samples(storage: Storage, db_path: Path) -> None:
    storage.write(WriteBatch(programs=(spec(1),)))

    storage.write(WriteBatch(removed_programs=(1,), ticks=(tick(T0, (1,)),)))
    storage.write(WriteBatch(ticks=(tick(T0 + 1, (1,)),)))

    assert _rows(db_path, "program_samples", 1) == 0


def test_last_program_id_is_a_high_water_mark_that_survives_removal(storage: Storage, db_path: Path) -> None:
    assert storage.last_program_id() == 0
    storage.write(WriteBatch(programs=(spec(1), spec(2)), last_program_id=2))
    storage.write(WriteBatch(removed_programs=(2,)))
    assert storage.last_program_id() == 2

    storage.write(WriteBatch(last_program_id=7))
    storage.write(WriteBatch(last_program_id=5))  # a stale, lower mark never lowers it
    storage.close()

    reopened = Storage.open(db_path)
    try:
        assert reopened.last_program_id() == 7
    finally:
        reopened.close()


def test_last_program_id_counts_programs_written_without_a_mark(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(12),)))
    storage.write(WriteBatch(removed_programs=(12,)))

    assert storage.last_program_id() == 12
