"""Opening the file: folders, pragmas, and transactions that roll back cleanly."""

import sqlite3
from pathlib import Path

import pytest

from monitor_app.storage.db import open_database, write_transaction


def test_open_database_creates_parent_folders_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "monitor.db"
    db = open_database(path, busy_timeout_ms=1234)
    try:
        connection = db.connection()
        assert path.exists()
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] == 1234
    finally:
        db.close()


def test_open_database_gives_each_thread_its_own_connection(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    db = open_database(tmp_path / "monitor.db")
    try:
        mine = db.connection()
        with ThreadPoolExecutor(max_workers=1) as pool:
            theirs_id = pool.submit(lambda: id(db.connection())).result()
        assert theirs_id != id(mine)
    finally:
        db.close()


def test_write_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    db = open_database(tmp_path / "monitor.db")
    try:
        db.connection().execute("CREATE TABLE t (x INTEGER)")
        with pytest.raises(sqlite3.IntegrityError), write_transaction(db) as connection:
            connection.execute("INSERT INTO t VALUES (1)")
            raise sqlite3.IntegrityError("boom")
        assert db.connection().execute("SELECT count(*) FROM t").fetchone()[0] == 0
        assert not db.connection().in_transaction
        with write_transaction(db) as connection:
            connection.execute("INSERT INTO t VALUES (2)")
        assert db.connection().execute("SELECT x FROM t").fetchall() == [(2,)]
    finally:
        db.close()
