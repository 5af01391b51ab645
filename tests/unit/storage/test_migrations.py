"""Schema migrations: new files, older databases kept and backed up, files we must not touch refused."""

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from monitor_app.core.errors import StorageError
from monitor_app.core.states import EventKind
from monitor_app.storage import Storage
from monitor_app.storage.db import open_database
from monitor_app.storage.migrations import LATEST_VERSION, MIGRATIONS, backup_path, migrate


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(path: Path) -> set[str]:
    with closing(sqlite3.connect(path)) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("PRAGMA user_version").fetchone()[0]


def test_migrations_are_numbered_from_one_without_gaps() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))


def test_migrate_brings_an_empty_file_to_the_latest_version(db_path: Path) -> None:
    storage = Storage.open(db_path)
    storage.close()
    assert _user_version(db_path) == LATEST_VERSION
    assert {
        "meta",
        "programs",
        "program_runtime",
        "events",
        "program_samples",
        "program_samples_1m",
        "program_samples_1h",
        "system_samples",
        "system_samples_1m",
        "system_samples_1h",
    } <= _tables(db_path)
    assert not list(db_path.parent.glob("*.bak")), "a new database needs no backup"


def test_migrate_from_version_1_keeps_data_and_leaves_a_backup(db_path: Path) -> None:
    db = open_database(db_path)
    assert migrate(db, target=1) == 1
    connection = db.connection()
    spec_json = json.dumps({"name": "Palworld", "path": "C:/pal/PalServer.exe", "args": ["-port=8211"]})
    connection.execute(
        "INSERT INTO programs (id, name, spec, created_at, updated_at) VALUES (3, 'Palworld', ?, 1.0, 1.0)",
        (spec_json,),
    )
    connection.execute(
        "INSERT INTO events (time, program_id, kind, cause, details) "
        "VALUES (5.0, 3, 'program_added', 'user', '{}')"
    )
    db.close()

    storage = Storage.open(db_path)
    try:
        (program,) = storage.load_programs()
        assert (program.id, program.name, program.args) == (3, "Palworld", ("-port=8211",))
        (event,) = storage.events()
        assert (event.program_id, event.kind) == (3, EventKind.PROGRAM_ADDED)
        assert storage.last_program_id() == 3
    finally:
        storage.close()
    assert _user_version(db_path) == LATEST_VERSION
    backup = backup_path(db_path, 1)
    assert backup.name == "monitor.db.v1.bak"
    assert _user_version(backup) == 1
    assert "program_samples" not in _tables(backup)
    with closing(sqlite3.connect(backup)) as connection:
        assert connection.execute("SELECT name FROM programs").fetchall() == [("Palworld",)]


def test_migrate_refuses_a_database_from_a_newer_release_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA journal_mode = wal")
    connection.execute("CREATE TABLE future (x)")
    connection.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    connection.close()
    before = _digest(db_path)

    with pytest.raises(StorageError, match="created by a newer monitor_app"):
        Storage.open(db_path)

    assert _digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["monitor.db"]


def test_migrate_refuses_a_file_that_is_not_sqlite_untouched(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(b"these are my notes, not a database\n" * 10)
    before = _digest(db_path)

    with pytest.raises(StorageError, match="not an SQLite file"):
        Storage.open(db_path)

    assert _digest(db_path) == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["monitor.db"]


def test_migrate_refuses_an_sqlite_database_of_another_program(db_path: Path) -> None:
    db_path.parent.mkdir(parents=True)
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("CREATE TABLE contacts (name TEXT)")
        connection.commit()

    with pytest.raises(StorageError, match="another program"):
        Storage.open(db_path)

    assert _tables(db_path) == {"contacts"}


def test_migrate_is_a_no_op_on_an_up_to_date_database(db_path: Path) -> None:
    Storage.open(db_path).close()
    Storage.open(db_path).close()
    assert not list(db_path.parent.glob("*.bak"))
    assert _user_version(db_path) == LATEST_VERSION
