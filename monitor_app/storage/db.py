"""Opening the SQLite file and running write transactions on it.

Peewee's ``SqliteDatabase`` supplies one connection per thread (the storage thread writes, readers on other
threads read through their own connection) with the pragmas below applied to each. Statements are written
as SQL because the hot paths need ``executemany`` and hand-tuned queries; Peewee never leaves this package.
"""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import peewee

from monitor_app.core.errors import StorageError

#: How long a connection waits for another connection's lock before giving up, in milliseconds.
DEFAULT_BUSY_TIMEOUT_MS = 5000
#: Page size of a new database file. Each tick appends one row to every program's own leaf page (the raw
#: table is keyed by program, then time), so a commit rewrites ~50 pages: 1 KiB pages write ~2.6x less to
#: the WAL than 4 KiB ones (~100 KB instead of ~260 KB per tick), make the WAL checkpoints that land on a
#: tick ~2x cheaper, and store a sample just as compactly (bench/bench_storage.py).
PAGE_SIZE = 1024
#: WAL size (in pages) at which a commit also checkpoints it into the database file. Every tick rewrites the
#: same few dozen leaf pages, so a larger WAL folds more ticks into each checkpoint: with 4 MiB a checkpoint
#: lands on about one tick in 40 instead of one in 10, and the file receives a quarter of the writes.
WAL_AUTOCHECKPOINT_PAGES = 4 * 1024 * 1024 // PAGE_SIZE
#: Page cache of each connection, in KiB. Every thread that reads history (chart loads, the API) has its own
#: connection, and SQLite's default (2 MiB each) fills up as the file grows; half a MiB keeps a tick's writes
#: and an index descent cached, while range reads are sequential and gain nothing from more.
CACHE_KIB = 512
#: First bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"

#: Errors of the driver and of Peewee that mean "the database refused", turned into ``StorageError``.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, peewee.PeeweeException)


def open_database(path: Path, *, busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS) -> peewee.SqliteDatabase:
    """Return a database for ``path`` (parent folders created); each thread connects on first use.

    ``page_size`` comes first because it only takes effect on a new, empty file; WAL with synchronous=NORMAL
    makes a commit cheap and still loses at most the last transactions on power loss, never consistency.

    Raises:
        StorageError: the folder cannot be created or the first connection fails.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"cannot create the data folder {path.parent}: {exc}") from exc
    db = peewee.SqliteDatabase(
        str(path),
        pragmas=[
            ("page_size", PAGE_SIZE),
            ("journal_mode", "wal"),
            ("synchronous", "normal"),
            ("foreign_keys", 1),
            ("busy_timeout", int(busy_timeout_ms)),
            ("wal_autocheckpoint", WAL_AUTOCHECKPOINT_PAGES),
            ("cache_size", -CACHE_KIB),
        ],
        timeout=busy_timeout_ms / 1000,
        thread_safe=True,
    )
    with storage_errors(f"cannot open the database {path}"):
        db.connect(reuse_if_open=True)
    return db


def thread_connection(db: peewee.SqliteDatabase) -> sqlite3.Connection:
    """The calling thread's connection, opened (with the pragmas) on its first use."""
    connection: sqlite3.Connection = db.connection()  # type: ignore[no-untyped-call]
    return connection


@contextmanager
def storage_errors(what: str) -> Iterator[None]:
    """Turn a driver error into ``StorageError("<what>: <cause>")`` so callers handle one exception type."""
    try:
        yield
    except DATABASE_ERRORS as exc:
        raise StorageError(f"{what}: {exc}") from exc


@contextmanager
def write_transaction(db: peewee.SqliteDatabase) -> Iterator[sqlite3.Connection]:
    """Run the block in one ``BEGIN IMMEDIATE`` transaction on this thread's connection.

    IMMEDIATE takes the write lock up front, so a busy database fails at BEGIN (after the busy timeout)
    instead of half-way through. On any exception the transaction is rolled back if SQLite has not already
    done so, and the original error propagates (peewee's ``atomic`` would mask it with a failing ROLLBACK).
    """
    connection = thread_connection(db)
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            try:
                connection.execute("ROLLBACK")
            except sqlite3.Error:
                # The original error is the one to report; a connection that cannot roll back is dropped
                # so this thread's next call starts from a fresh one.
                with suppress(*DATABASE_ERRORS):
                    db.close()
        raise
