"""The Storage facade: all-or-nothing batches, failures that leave the database usable, integrity."""

import sqlite3
from pathlib import Path

import pytest

from monitor_app.core.errors import StorageError
from monitor_app.core.model import Event, ProgramRuntime
from monitor_app.core.states import EventKind
from monitor_app.storage import Storage, WriteBatch
from tests.unit.storage.builders import T0, spec, tick


def _batch() -> WriteBatch:
    return WriteBatch(
        ticks=(tick(T0, (1,)), tick(T0 + 1, (1,))),
        events=(Event(T0, EventKind.STATE, program_id=1),),
        runtimes=(ProgramRuntime(1, restarts=4),),
        last_program_id=9,
    )


def _assert_batch_absent(storage: Storage) -> None:
    assert storage.events() == ()
    assert storage.load_runtimes() == {}
    assert storage.series(1, "cpu_percent", T0 - 1, T0 + 2, 10, now=T0 + 2).points == ()
    assert storage.series(None, "cpu_percent", T0 - 1, T0 + 2, 10, now=T0 + 2).points == ()
    assert storage.last_program_id() == 1


def test_write_commits_a_whole_batch_and_returns_event_ids(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1),)))

    ids = storage.write(_batch())

    (event,) = storage.events()
    assert ids == (event.id,)
    assert storage.load_runtimes() == {1: ProgramRuntime(1, restarts=4)}
    assert len(storage.series(1, "cpu_percent", T0, T0 + 1, 10, now=T0 + 2).points) == 2
    assert storage.last_program_id() == 9


def test_write_of_an_empty_batch_does_nothing(storage: Storage) -> None:
    assert storage.write(WriteBatch()) == ()


def test_write_fails_with_storage_error_while_the_database_is_locked_and_succeeds_on_retry(
    db_path: Path,
) -> None:
    storage = Storage.open(db_path, busy_timeout_ms=20)
    blocker = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        storage.write(WriteBatch(programs=(spec(1),)))
        blocker.execute("BEGIN EXCLUSIVE")

        with pytest.raises(StorageError, match="locked"):
            storage.write(_batch())

        blocker.execute("ROLLBACK")
        _assert_batch_absent(storage)
        assert storage.integrity_check() == "ok"
        assert len(storage.write(_batch())) == 1  # the caller kept the batch and retried
        assert len(storage.events()) == 1
    finally:
        blocker.close()
        storage.close()


def test_write_failing_half_way_rolls_back_everything_it_wrote(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1, "Palworld"),)))
    batch = _batch()
    conflicting = WriteBatch(
        ticks=batch.ticks,
        events=batch.events,
        runtimes=batch.runtimes,
        programs=(spec(1, "Palworld"), spec(2, "palworld")),  # the second name clashes (case-insensitive)
        last_program_id=9,
    )

    with pytest.raises(StorageError, match="cannot write"):
        storage.write(conflicting)

    _assert_batch_absent(storage)
    assert [p.name for p in storage.load_programs()] == ["Palworld"]
    assert storage.integrity_check() == "ok"


def test_open_fails_with_storage_error_when_the_folder_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "occupied").write_text("a file where a folder should be")

    with pytest.raises(StorageError, match="occupied"):
        Storage.open(tmp_path / "occupied" / "monitor.db")


def test_integrity_check_reports_ok_for_a_healthy_database(storage: Storage) -> None:
    storage.write(WriteBatch(programs=(spec(1),), ticks=(tick(T0, (1,)),)))

    assert storage.integrity_check() == "ok"


def test_storage_reopens_with_everything_it_wrote(db_path: Path) -> None:
    storage = Storage.open(db_path)
    storage.write(WriteBatch(programs=(spec(1),)))
    storage.write(_batch())
    storage.close()

    reopened = Storage.open(db_path)
    try:
        assert [p.id for p in reopened.load_programs()] == [1]
        assert len(reopened.events()) == 1
        assert len(reopened.series(1, "memory_rss", T0, T0 + 1, 10, now=T0 + 2).points) == 2
    finally:
        reopened.close()
