"""Jobs, webhook deliveries and the automation records (webhooks, alert rules, schedules).

Records are kept as the JSON of their core dataclass (the codec lives in ``core`` so the REST API, the engine
and this module agree on one shape); jobs and deliveries have columns because they are filtered and pruned.
"""

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from monitor_app.core.jobs import FINISHED_JOB_STATES, Job, JobProgress, JobState
from monitor_app.core.notifications import DeliveryRecord
from monitor_app.storage import meta

#: The tables ``RecordChange`` may name.
RECORD_TABLES = ("webhooks", "alert_rules", "schedules", "plugin_instances")
#: Finished jobs are kept this long for the Jobs view, then deleted.
FINISHED_JOB_RETENTION_S = 7 * 86_400.0
#: Delivery log rows kept per endpoint (newest); older ones are deleted when pruning.
DELIVERIES_KEPT_PER_ENDPOINT = 1000


@dataclass(frozen=True, slots=True)
class RecordChange:
    """Insert or replace (``spec`` set) or delete (``spec`` None) one automation record.

    Attributes:
        secrets: (ref, value) pairs for the secret store, value None to delete: the storage thread writes them
            to the store (values before the record, deletions after it); they never reach SQLite.
    """

    table: str
    id: int
    spec: Mapping[str, object] | None
    secrets: tuple[tuple[str, str | None], ...] = ()

    def __post_init__(self) -> None:
        if self.table not in RECORD_TABLES:
            raise ValueError(f"unknown automation table {self.table!r}")
        if self.id <= 0:
            raise ValueError(f"{self.table} record must have a positive id before it is stored")


def apply_record_changes(connection: sqlite3.Connection, changes: Iterable[RecordChange], now: float) -> None:
    """Upserts and deletions in order; id high-water marks go up so ids are never reused."""
    for change in changes:
        if change.spec is None:
            connection.execute(f"DELETE FROM {change.table} WHERE id = ?", (change.id,))
            if change.table == "webhooks":
                connection.execute("DELETE FROM webhook_deliveries WHERE endpoint_id = ?", (change.id,))
        else:
            connection.execute(
                f"INSERT INTO {change.table} (id, spec, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at",
                (change.id, json.dumps(change.spec, separators=(",", ":")), now),
            )
        meta.raise_int(connection, meta.LAST_RECORD_ID.format(table=change.table), change.id)


def load_records(connection: sqlite3.Connection, table: str) -> tuple[tuple[int, dict[str, object]], ...]:
    """Every record of ``table`` as (id, spec dict), by id."""
    if table not in RECORD_TABLES:
        raise ValueError(f"unknown automation table {table!r}")
    return tuple(
        (record_id, json.loads(text))
        for record_id, text in connection.execute(f"SELECT id, spec FROM {table} ORDER BY id")
    )


def last_record_id(connection: sqlite3.Connection, table: str) -> int:
    """Highest id ever given to a record of ``table`` (0 for none)."""
    stored = meta.read_int(connection, meta.LAST_RECORD_ID.format(table=table)) or 0
    row = connection.execute(f"SELECT max(id) FROM {table}").fetchone()
    return max(stored, row[0] or 0)


# ---------------------------------------------------------------------------------------------------- jobs

_JOB_COLUMNS = (
    "id, kind, state, title, program_id, payload, result, attempts, max_attempts, created_at, updated_at, "
    "run_after, finished_at, last_error, progress"
)


def upsert_jobs(connection: sqlite3.Connection, jobs: Iterable[Job]) -> None:
    rows = [
        (
            job.id,
            job.kind,
            job.state.value,
            job.title,
            job.program_id,
            json.dumps(dict(job.payload), separators=(",", ":")),
            json.dumps(dict(job.result), separators=(",", ":")),
            job.attempts,
            job.max_attempts,
            job.created_at,
            job.updated_at,
            job.run_after,
            job.finished_at,
            job.last_error,
            None if job.progress is None else json.dumps(job.progress.to_json(), separators=(",", ":")),
        )
        for job in jobs
    ]
    if not rows:
        return
    for row in rows:
        if row[0] <= 0:
            raise ValueError("a job must have a positive id before it is stored")
    placeholders = ", ".join("?" * len(rows[0]))
    updates = ", ".join(f"{c} = excluded.{c}" for c in _JOB_COLUMNS.split(", ")[1:])
    connection.executemany(
        f"INSERT INTO jobs ({_JOB_COLUMNS}) VALUES ({placeholders}) ON CONFLICT (id) DO UPDATE SET {updates}",
        rows,
    )
    meta.raise_int(connection, meta.LAST_JOB_ID, max(row[0] for row in rows))


def load_jobs(connection: sqlite3.Connection, *, unfinished_only: bool = False) -> tuple[Job, ...]:
    """Jobs by id: all of them, or only those still to run (queued, or running when the monitor stopped)."""
    where = ""
    if unfinished_only:
        states = ", ".join(f"'{state.value}'" for state in FINISHED_JOB_STATES)
        where = f" WHERE state NOT IN ({states})"
    return tuple(_job(row) for row in connection.execute(f"SELECT {_JOB_COLUMNS} FROM jobs{where} ORDER BY id"))


def last_job_id(connection: sqlite3.Connection) -> int:
    stored = meta.read_int(connection, meta.LAST_JOB_ID) or 0
    row = connection.execute("SELECT max(id) FROM jobs").fetchone()
    return max(stored, row[0] or 0)


def _job(row: tuple) -> Job:  # type: ignore[type-arg]
    (job_id, kind, state, title, program_id, payload, result, attempts, max_attempts, created, updated,
     run_after, finished, error, progress) = row
    return Job(
        id=job_id,
        kind=kind,
        state=JobState(state),
        title=title,
        program_id=program_id,
        payload=json.loads(payload),
        result=json.loads(result),
        attempts=attempts,
        max_attempts=max_attempts,
        created_at=created,
        updated_at=updated,
        run_after=run_after,
        finished_at=finished,
        last_error=error,
        progress=None if progress is None else JobProgress.from_json(json.loads(progress)),
    )


# ---------------------------------------------------------------------------------------------- deliveries


def append_deliveries(connection: sqlite3.Connection, deliveries: Iterable[DeliveryRecord]) -> None:
    connection.executemany(
        "INSERT INTO webhook_deliveries (endpoint_id, time, event, status, latency_ms, error, attempt, final, "
        "job_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (d.endpoint_id, d.time, d.event, d.status, d.latency_ms, d.error, d.attempt, int(d.final), d.job_id)
            for d in deliveries
        ],
    )


def query_deliveries(connection: sqlite3.Connection, endpoint_id: int, limit: int) -> tuple[DeliveryRecord, ...]:
    """The newest ``limit`` delivery attempts to one endpoint, newest first."""
    return tuple(
        DeliveryRecord(
            id=row_id,
            endpoint_id=endpoint,
            time=time,
            event=event,
            status=status,
            latency_ms=latency,
            error=error,
            attempt=attempt,
            final=bool(final),
            job_id=job_id,
        )
        for row_id, endpoint, time, event, status, latency, error, attempt, final, job_id in connection.execute(
            "SELECT id, endpoint_id, time, event, status, latency_ms, error, attempt, final, job_id "
            "FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?",
            (endpoint_id, limit),
        )
    )


def prune_automation(connection: sqlite3.Connection, now: float) -> int:
    """Delete finished jobs past their retention and delivery rows beyond the newest kept per endpoint."""
    states = ", ".join(f"'{state.value}'" for state in FINISHED_JOB_STATES)
    deleted = connection.execute(
        f"DELETE FROM jobs WHERE state IN ({states}) AND finished_at < ?", (now - FINISHED_JOB_RETENTION_S,)
    ).rowcount
    for (endpoint_id,) in connection.execute("SELECT DISTINCT endpoint_id FROM webhook_deliveries").fetchall():
        deleted += connection.execute(
            "DELETE FROM webhook_deliveries WHERE endpoint_id = ? AND id <= (SELECT id FROM webhook_deliveries "
            "WHERE endpoint_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (endpoint_id, endpoint_id, DELIVERIES_KEPT_PER_ENDPOINT),
        ).rowcount
    return deleted

