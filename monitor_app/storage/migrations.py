"""Numbered schema migrations, tracked in ``PRAGMA user_version``, so a database of any older release opens.

Each migration is frozen SQL (never generated from today's code), or a frozen data step (8: secrets out to the
secret store), and runs in its own transaction. Before the first migration of a database that already has a
schema, the file is copied to ``<name>.v<old>.bak``.
A database from a newer release, or a file that is not SQLite, is refused and left untouched.
"""

import logging
import os
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import peewee

from monitor_app.core.errors import StorageError
from monitor_app.core.secrets import SecretStore, SecretStoreError
from monitor_app.storage.db import SQLITE_HEADER, storage_errors, thread_connection, write_transaction
from monitor_app.storage.secrets_out import forget_freed_text, move_secrets_out, scrub_backups

log = logging.getLogger(__name__)

#: Offset of ``user_version`` in the 100-byte database header (big-endian 32-bit integer).
_USER_VERSION_OFFSET = 60


@dataclass(frozen=True, slots=True)
class Migration:
    """One step of the schema: the version it produces and the statements (or data step) that get there.

    Attributes:
        data: Runs after the statements in the same transaction with the secret store; returns how many
            secrets it moved out of the file (then the file is vacuumed and old backups scrubbed).
    """

    version: int
    description: str
    statements: tuple[str, ...]
    data: Callable[[sqlite3.Connection, SecretStore], int] | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "programs, runtimes, events and meta",
        (
            "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)",
            """CREATE TABLE programs (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                spec TEXT NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )""",
            """CREATE TABLE program_runtime (
                program_id INTEGER PRIMARY KEY REFERENCES programs (id) ON DELETE CASCADE,
                pid INTEGER,
                create_time REAL,
                exe TEXT,
                restarts INTEGER NOT NULL DEFAULT 0,
                last_exit_code INTEGER
            )""",
            """CREATE TABLE events (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time REAL NOT NULL,
                program_id INTEGER,
                kind TEXT NOT NULL,
                from_state TEXT,
                to_state TEXT,
                cause TEXT NOT NULL,
                actor TEXT NOT NULL DEFAULT '',
                exit_code INTEGER,
                unexpected INTEGER NOT NULL DEFAULT 0,
                message TEXT NOT NULL DEFAULT '',
                details TEXT NOT NULL DEFAULT '{}'
            )""",
            "CREATE INDEX events_program_time ON events (program_id, time)",
            "CREATE INDEX events_time ON events (time)",
        ),
    ),
    Migration(
        2,
        "metric tiers: raw samples, 1-minute and 1-hour rollups",
        (
            # Raw: t in epoch milliseconds; cpu in hundredths of a percent; memory in KiB; I/O in bytes/s.
            """CREATE TABLE program_samples (
                program_id INTEGER NOT NULL,
                t INTEGER NOT NULL,
                cpu INTEGER,
                rss INTEGER,
                private INTEGER,
                threads INTEGER,
                handles INTEGER,
                io_read INTEGER,
                io_write INTEGER,
                PRIMARY KEY (program_id, t)
            ) WITHOUT ROWID""",
            # Rollups: t is the bucket start (ms), n the raw samples it summarises (weights the averages).
            """CREATE TABLE program_samples_1m (
                program_id INTEGER NOT NULL,
                t INTEGER NOT NULL,
                n INTEGER NOT NULL,
                cpu_avg INTEGER, cpu_max INTEGER,
                rss_avg INTEGER, rss_max INTEGER,
                private_avg INTEGER, private_max INTEGER,
                threads_avg INTEGER, threads_max INTEGER,
                handles_avg INTEGER, handles_max INTEGER,
                io_read_avg INTEGER, io_read_max INTEGER,
                io_write_avg INTEGER, io_write_max INTEGER,
                PRIMARY KEY (program_id, t)
            ) WITHOUT ROWID""",
            """CREATE TABLE program_samples_1h (
                program_id INTEGER NOT NULL,
                t INTEGER NOT NULL,
                n INTEGER NOT NULL,
                cpu_avg INTEGER, cpu_max INTEGER,
                rss_avg INTEGER, rss_max INTEGER,
                private_avg INTEGER, private_max INTEGER,
                threads_avg INTEGER, threads_max INTEGER,
                handles_avg INTEGER, handles_max INTEGER,
                io_read_avg INTEGER, io_read_max INTEGER,
                io_write_avg INTEGER, io_write_max INTEGER,
                PRIMARY KEY (program_id, t)
            ) WITHOUT ROWID""",
            # per_core: one byte per core, percent * 2 rounded (0..200).
            """CREATE TABLE system_samples (
                t INTEGER PRIMARY KEY NOT NULL,
                cpu INTEGER,
                memory_used INTEGER,
                memory_percent INTEGER,
                swap_used INTEGER,
                net_sent INTEGER,
                net_recv INTEGER,
                per_core BLOB
            ) WITHOUT ROWID""",
            """CREATE TABLE system_samples_1m (
                t INTEGER PRIMARY KEY NOT NULL,
                n INTEGER NOT NULL,
                cpu_avg INTEGER, cpu_max INTEGER,
                memory_used_avg INTEGER, memory_used_max INTEGER,
                memory_percent_avg INTEGER, memory_percent_max INTEGER,
                swap_used_avg INTEGER, swap_used_max INTEGER,
                net_sent_avg INTEGER, net_sent_max INTEGER,
                net_recv_avg INTEGER, net_recv_max INTEGER
            ) WITHOUT ROWID""",
            """CREATE TABLE system_samples_1h (
                t INTEGER PRIMARY KEY NOT NULL,
                n INTEGER NOT NULL,
                cpu_avg INTEGER, cpu_max INTEGER,
                memory_used_avg INTEGER, memory_used_max INTEGER,
                memory_percent_avg INTEGER, memory_percent_max INTEGER,
                swap_used_avg INTEGER, swap_used_max INTEGER,
                net_sent_avg INTEGER, net_sent_max INTEGER,
                net_recv_avg INTEGER, net_recv_max INTEGER
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        3,
        "accounts: users, sessions and API keys",
        (
            """CREATE TABLE users (
                id INTEGER PRIMARY KEY,
                username TEXT NOT NULL UNIQUE COLLATE NOCASE,
                role TEXT NOT NULL,
                password_hash TEXT NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL
            )""",
            # token_hash: SHA-256 hex of the bearer token; the token itself is never stored.
            """CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY NOT NULL,
                user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at REAL NOT NULL,
                expires_at REAL NOT NULL,
                client TEXT NOT NULL DEFAULT ''
            ) WITHOUT ROWID""",
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                key_hash TEXT NOT NULL UNIQUE,
                user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                created_at REAL NOT NULL,
                last_used_at REAL
            )""",
            "CREATE INDEX api_keys_user ON api_keys (user_id)",
        ),
    ),
    Migration(
        4,
        "automation: jobs, webhooks and their deliveries, alert rules, schedules",
        (
            """CREATE TABLE jobs (
                id INTEGER PRIMARY KEY,
                kind TEXT NOT NULL,
                state TEXT NOT NULL,
                title TEXT NOT NULL DEFAULT '',
                program_id INTEGER,
                payload TEXT NOT NULL,
                result TEXT NOT NULL DEFAULT '{}',
                attempts INTEGER NOT NULL DEFAULT 0,
                max_attempts INTEGER NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                run_after REAL NOT NULL DEFAULT 0,
                finished_at REAL,
                last_error TEXT NOT NULL DEFAULT ''
            )""",
            "CREATE INDEX jobs_state ON jobs (state)",
            "CREATE INDEX jobs_finished ON jobs (finished_at)",
            # spec: the JSON of the core dataclass (secret included until the keyring lands).
            """CREATE TABLE webhooks (
                id INTEGER PRIMARY KEY,
                spec TEXT NOT NULL,
                updated_at REAL NOT NULL
            )""",
            """CREATE TABLE webhook_deliveries (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                endpoint_id INTEGER NOT NULL,
                time REAL NOT NULL,
                event TEXT NOT NULL,
                status INTEGER,
                latency_ms REAL NOT NULL,
                error TEXT NOT NULL DEFAULT '',
                attempt INTEGER NOT NULL,
                final INTEGER NOT NULL,
                job_id INTEGER NOT NULL DEFAULT 0
            )""",
            "CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, time)",
            """CREATE TABLE alert_rules (
                id INTEGER PRIMARY KEY,
                spec TEXT NOT NULL,
                updated_at REAL NOT NULL
            )""",
            """CREATE TABLE schedules (
                id INTEGER PRIMARY KEY,
                spec TEXT NOT NULL,
                updated_at REAL NOT NULL
            )""",
        ),
    ),
    Migration(
        5,
        "plugin instances: which plugin serves which program, with its settings",
        (
            # spec: the JSON of core.plugins.PluginInstance, secrets included until the OS keyring holds them.
            """CREATE TABLE plugin_instances (
                id INTEGER PRIMARY KEY,
                spec TEXT NOT NULL,
                updated_at REAL NOT NULL
            )""",
        ),
    ),
    Migration(
        6,
        "plugin series: extra measurements of a program (e.g. a game server's FPS and players)",
        (
            # series: "<plugin id>.<key>"; one row per series per minute at most (the engine thins them out).
            """CREATE TABLE plugin_samples (
                program_id INTEGER NOT NULL,
                series TEXT NOT NULL,
                t INTEGER NOT NULL,
                value REAL NOT NULL,
                PRIMARY KEY (program_id, series, t)
            ) WITHOUT ROWID""",
        ),
    ),
    Migration(
        7,
        "job progress: how far a long job (a backup, a restore) is, shown while it runs and kept after",
        (
            # progress: JSON {"done", "total", "text"} or NULL when the job's handler does not report any.
            "ALTER TABLE jobs ADD COLUMN progress TEXT",
        ),
    ),
    Migration(
        8,
        "secrets (webhook URLs and signing secrets, plugin passwords) move to the OS keyring or encrypted file",
        (),
        # Records keep a "secret_ref" marker; see storage/secrets_out.py and core/secrets.py for the refs.
        data=move_secrets_out,
    ),
)

#: The schema version this release writes.
LATEST_VERSION = MIGRATIONS[-1].version


def check_database_file(path: Path) -> int:
    """Refuse a file we must not open, reading only its header; return its schema version (0 if new).

    Nothing is opened through SQLite here, so a refused file is left exactly as it was (no ``-wal`` or
    ``-shm`` files appear next to it either).

    Raises:
        StorageError: the file is not an SQLite database, or a newer monitor_app created it.
    """
    try:
        with path.open("rb") as file:
            header = file.read(100)
    except FileNotFoundError:
        return 0
    except OSError as exc:
        raise StorageError(f"cannot read the database {path}: {exc}") from exc
    if not header:
        return 0
    if len(header) < 100 or not header.startswith(SQLITE_HEADER):
        raise StorageError(
            f"{path} is not a monitor_app database (not an SQLite file); it was left untouched"
        )
    version = int.from_bytes(header[_USER_VERSION_OFFSET : _USER_VERSION_OFFSET + 4], "big", signed=True)
    _refuse_newer(path, version)
    return version


def migrate(
    db: peewee.SqliteDatabase, *, target: int = LATEST_VERSION, secrets: SecretStore | None = None
) -> int:
    """Bring the schema up to ``target`` (default: the latest), one transaction per migration.

    Args:
        secrets: Where migration 8 moves plain-text secrets (needed only when the file has some).

    Returns:
        The schema version afterwards.

    Raises:
        StorageError: the database is newer than this release, belongs to another program, cannot be
            backed up, or a migration fails (that migration is rolled back; earlier ones stay), e.g. because
            the secret store refused a secret.
    """
    path = Path(db.database)
    with storage_errors(f"cannot read the schema of {path}"):
        current = schema_version(db)
        _refuse_newer(path, current)
        if current == 0 and _has_tables(db):
            raise StorageError(f"{path} is an SQLite database of another program; it was left untouched")
    pending = [m for m in MIGRATIONS if current < m.version <= target]
    if not pending:
        return current
    if current >= 1:
        backup_database(db, backup_path(path, current))
    moved = 0
    for migration in pending:
        failure = f"migration {migration.version} ({migration.description}) of {path} failed"
        with storage_errors(failure), write_transaction(db) as connection:
            for statement in migration.statements:
                connection.execute(statement)
            if migration.data is not None:
                moved += migration.data(connection, secrets or _NoSecretStore())
            connection.execute(f"PRAGMA user_version = {migration.version}")
        log.info(
            "database %s migrated to schema version %d: %s", path, migration.version, migration.description
        )
    if moved:
        log.info("%d secrets moved out of %s into %s", moved, path, secrets.description if secrets else "-")
        forget_freed_text(thread_connection(db), path)
        scrub_backups(path, pending[-1].version)
    return pending[-1].version


class _NoSecretStore:
    """Stands in when no store was given: fine for a file without secrets, an error for one with them."""

    description = "no secret store"

    def get(self, ref: str) -> str | None:
        return None

    def set(self, ref: str, value: str) -> None:
        raise SecretStoreError("the database holds secrets and no secret store was given to move them to")

    def delete(self, ref: str) -> None:
        return None


def schema_version(db: peewee.SqliteDatabase) -> int:
    """The version recorded in the database (0 for a new file)."""
    row = thread_connection(db).execute("PRAGMA user_version").fetchone()
    return int(row[0])


def backup_path(path: Path, version: int) -> Path:
    """Where the copy taken before migrating a version-``version`` database goes."""
    return path.with_name(f"{path.name}.v{version}.bak")


def backup_database(db: peewee.SqliteDatabase, target: Path) -> None:
    """Copy the database consistently (WAL content included) to ``target``, replacing an older copy.

    The copy is written next to the target first and renamed, so a crash never leaves half a backup.

    Raises:
        StorageError: the copy could not be written (e.g. the disk is full).
    """
    partial = target.with_name(target.name + ".partial")
    try:
        partial.unlink(missing_ok=True)
        destination = sqlite3.connect(partial)
        try:
            thread_connection(db).backup(destination)
        finally:
            destination.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise StorageError(f"cannot back up {db.database} to {target} before migrating: {exc}") from exc
    log.info("database %s backed up to %s before migrating", db.database, target)


def _refuse_newer(path: Path, version: int) -> None:
    if version > LATEST_VERSION:
        raise StorageError(
            f"{path} was created by a newer monitor_app (schema version {version}; this release knows up to "
            f"{LATEST_VERSION}); it was left untouched: update monitor_app or choose another data folder"
        )


def _has_tables(db: peewee.SqliteDatabase) -> bool:
    row = thread_connection(db).execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()
    return bool(row[0])
