"""``Storage``: the one object the rest of the app uses to keep programs, events, metric history and accounts.

Writes (``write``, ``rollup``, ``prune``) come from the single storage thread; reads may come from any
thread, each on its own connection (WAL lets them run while the writer commits). Everything returned is a
core dataclass; every database failure surfaces as ``StorageError``.
"""

import logging
import time
from collections.abc import Iterable
from pathlib import Path

import peewee

from monitor_app.core.accounts import AccountsState
from monitor_app.core.jobs import Job
from monitor_app.core.model import Event, ProgramRuntime, ProgramSpec, Series
from monitor_app.core.notifications import DeliveryRecord
from monitor_app.core.secrets import SecretStore
from monitor_app.core.states import EventKind
from monitor_app.storage import accounts, automation, meta, plugin_series, programs
from monitor_app.storage.automation import RecordChange
from monitor_app.storage.batch import WriteBatch
from monitor_app.storage.db import (
    DEFAULT_BUSY_TIMEOUT_MS,
    open_database,
    storage_errors,
    thread_connection,
    write_transaction,
)
from monitor_app.storage.event_log import query_events
from monitor_app.storage.migrations import check_database_file, migrate
from monitor_app.storage.pruning import prune
from monitor_app.storage.retention import Retention
from monitor_app.storage.rollup import roll_up
from monitor_app.storage.series import read_series
from monitor_app.storage.writer import apply_batch

__all__ = ["RecordChange", "Retention", "Storage", "WriteBatch"]  # the batch and retention types callers pass in

log = logging.getLogger(__name__)


class Storage:
    """The monitor's database: open it with ``Storage.open(path)``."""

    def __init__(self, db: peewee.SqliteDatabase, path: Path, retention: Retention) -> None:
        self._db = db
        self._path = path
        self._retention = retention

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        retention: Retention | None = None,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
        secrets: SecretStore | None = None,
    ) -> "Storage":
        """Open (creating if needed) and migrate the database at ``path``.

        Args:
            path: The database file; missing parent folders are created.
            retention: How long each metric tier is kept; decides which tier answers ``series``.
            busy_timeout_ms: How long to wait for a lock held by another connection before failing.
            secrets: Where the plain-text secrets of an older database are moved (migration 8).

        Raises:
            StorageError: the file is not a database, comes from a newer monitor_app, or cannot be opened,
                backed up or migrated. A refused file is left untouched.
        """
        path = Path(path)
        check_database_file(path)
        db = open_database(path, busy_timeout_ms=busy_timeout_ms)
        try:
            migrate(db, secrets=secrets)
        except BaseException:
            db.close()
            raise
        log.info("storage opened: %s", path)
        return cls(db, path, retention or Retention())

    @property
    def path(self) -> Path:
        return self._path

    @property
    def retention(self) -> Retention:
        return self._retention

    @retention.setter
    def retention(self, retention: Retention) -> None:
        """A new policy (the user changed it): series reads and the next prune follow it."""
        self._retention = retention

    def close(self) -> None:
        """Close the calling thread's connection (other threads' connections close when those threads end)."""
        with storage_errors(f"cannot close {self._path}"):
            self._db.close()

    # ------------------------------------------------------------------ writes (storage thread only)

    def write(self, batch: WriteBatch) -> tuple[int, ...]:
        """Commit everything in ``batch`` in one transaction; return the new event ids in order.

        Raises:
            ValueError: a program in the batch has no id (a caller bug, not worth retrying).
            StorageError: the database refused (locked, disk full, I/O error); nothing of the batch was
                written, so the caller may keep it and retry.
        """
        for spec in batch.programs:
            if spec.id <= 0:
                raise ValueError(f"program {spec.name!r} must have an id before it is stored")
        for changes in batch.accounts:
            for record in (*changes.users, *changes.api_keys):
                if record.id <= 0:
                    kind = type(record).__name__
                    raise ValueError(f"{kind} {record.id} must have a positive id before it is stored")
        if batch.is_empty():
            return ()
        with storage_errors(f"cannot write to {self._path}"), write_transaction(self._db) as connection:
            return apply_batch(connection, batch, now=time.time())

    def rollup(self, now: float) -> None:
        """Aggregate complete minutes of raw samples into 1m rows and complete hours of those into 1h rows.

        Idempotent and resumable; works in bounded chunks, one transaction each.
        """
        with storage_errors(f"cannot roll up metrics in {self._path}"):
            roll_up(self._db, now)

    def prune(self, now: float, retention: Retention) -> int:
        """Delete metric rows past ``retention`` (never rows not yet rolled up); return how many."""
        with storage_errors(f"cannot prune metrics in {self._path}"):
            deleted = prune(self._db, now, retention)
        with storage_errors(f"cannot prune jobs in {self._path}"), write_transaction(self._db) as connection:
            deleted += automation.prune_automation(connection, now)
            return deleted + plugin_series.prune_plugin_samples(connection, now - retention.minute)

    # ------------------------------------------------------------------ reads (any thread)

    def load_programs(self) -> tuple[ProgramSpec, ...]:
        """Every registered program, ordered by id."""
        with storage_errors(f"cannot read programs from {self._path}"):
            return programs.load_programs(thread_connection(self._db))

    def load_runtimes(self) -> dict[int, ProgramRuntime]:
        """What was recorded about each program's process, by program id."""
        with storage_errors(f"cannot read program runtimes from {self._path}"):
            return programs.load_runtimes(thread_connection(self._db))

    def last_program_id(self) -> int:
        """The highest program id ever handed out (0 if none): the next program gets a larger one."""
        with storage_errors(f"cannot read program ids from {self._path}"):
            return programs.last_program_id(thread_connection(self._db))

    def load_accounts(self) -> AccountsState:
        """Every user, session and API key, with the highest user and key ids ever handed out."""
        with storage_errors(f"cannot read accounts from {self._path}"):
            return accounts.load_accounts(thread_connection(self._db))

    def load_jobs(self, *, unfinished_only: bool = False) -> tuple[Job, ...]:
        """Jobs by id: every one kept, or only those still to run."""
        with storage_errors(f"cannot read jobs from {self._path}"):
            return automation.load_jobs(thread_connection(self._db), unfinished_only=unfinished_only)

    def last_job_id(self) -> int:
        """The highest job id ever handed out (0 if none)."""
        with storage_errors(f"cannot read job ids from {self._path}"):
            return automation.last_job_id(thread_connection(self._db))

    def load_records(self, table: str) -> tuple[tuple[int, dict[str, object]], ...]:
        """Every webhook / alert rule / schedule (``table``) as (id, JSON dict of its core dataclass)."""
        with storage_errors(f"cannot read {table} from {self._path}"):
            return automation.load_records(thread_connection(self._db), table)

    def last_record_id(self, table: str) -> int:
        """The highest id ever given to a record of ``table`` (0 if none)."""
        with storage_errors(f"cannot read {table} ids from {self._path}"):
            return automation.last_record_id(thread_connection(self._db), table)

    def deliveries(self, endpoint_id: int, limit: int = 100) -> tuple[DeliveryRecord, ...]:
        """The newest delivery attempts to one webhook endpoint, newest first."""
        with storage_errors(f"cannot read webhook deliveries from {self._path}"):
            return automation.query_deliveries(thread_connection(self._db), endpoint_id, limit)

    def meta_int(self, key: str) -> int | None:
        """A named integer kept with the data (e.g. how far the schedules were looked at)."""
        with storage_errors(f"cannot read {key} from {self._path}"):
            return meta.read_int(thread_connection(self._db), key)

    def events(
        self,
        program_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        kinds: Iterable[EventKind | str] | None = None,
        limit: int = 100,
    ) -> tuple[Event, ...]:
        """Events newest first, filtered by program, time (``since <= time <= until``) and kind.

        Raises:
            ValidationError: ``limit`` below 1, a time that is not a finite number, an unknown kind.
        """
        with storage_errors(f"cannot read events from {self._path}"):
            return query_events(
                thread_connection(self._db),
                program_id=program_id,
                since=since,
                until=until,
                kinds=kinds,
                limit=limit,
            )

    def series(
        self, program_id: int | None, metric: str, start: float, end: float, max_points: int, now: float
    ) -> Series:
        """A metric over ``[start, end]``, at most ``max_points`` points, from the finest tier covering it.

        Raises:
            ValidationError: unknown metric, bad window or ``max_points < 1``.
        """
        with storage_errors(f"cannot read metric history from {self._path}"):
            return read_series(
                thread_connection(self._db),
                program_id=program_id,
                metric=metric,
                start=start,
                end=end,
                max_points=max_points,
                now=now,
                retention=self._retention,
            )

    def plugin_series(self, program_id: int, series: str, start: float, end: float, max_points: int) -> Series:
        """A plugin's extra series of a program (e.g. ``palworld.fps``), at most ``max_points`` buckets."""
        with storage_errors(f"cannot read plugin history from {self._path}"):
            return plugin_series.read_plugin_series(
                thread_connection(self._db), program_id, series, start, end, max_points
            )

    def integrity_check(self) -> str:
        """``"ok"``, or SQLite's description of what is damaged."""
        with storage_errors(f"cannot check {self._path}"):
            rows = thread_connection(self._db).execute("PRAGMA integrity_check").fetchall()
        return "; ".join(str(row[0]) for row in rows) or "ok"
