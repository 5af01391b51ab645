"""Applies one ``WriteBatch`` inside the storage thread's open transaction (the hot path, once per tick)."""

import logging
import sqlite3

from monitor_app.storage import meta
from monitor_app.storage.accounts import apply_account_changes
from monitor_app.storage.automation import append_deliveries, apply_record_changes, upsert_jobs
from monitor_app.storage.batch import WriteBatch
from monitor_app.storage.event_log import append_events
from monitor_app.storage.metric_tables import (
    INSERT_PROGRAM_SAMPLE,
    INSERT_SYSTEM_SAMPLE,
    program_sample_row,
    system_sample_row,
)
from monitor_app.storage.plugin_series import append_plugin_samples, remove_program_samples
from monitor_app.storage.programs import program_ids, remove_programs, upsert_programs, upsert_runtimes

log = logging.getLogger(__name__)


def apply_batch(connection: sqlite3.Connection, batch: WriteBatch, *, now: float) -> tuple[int, ...]:
    """Write everything in ``batch``; return the ids of its events.

    Programs are removed, then upserted, before anything else: a name freed by a removal can be taken by a
    program added in the same batch, samples and runtimes of a program added in the same batch are kept, and
    those of a program removed in it (or unknown) are dropped: a late sample must not bring back history the
    user deleted. Account changes follow, one after the other in the order they were made, then automation
    records, jobs, deliveries and named values.
    """
    if batch.removed_programs:
        remove_programs(connection, batch.removed_programs)
        remove_program_samples(connection, batch.removed_programs)
    if batch.programs:
        upsert_programs(connection, batch.programs, now)
    known: set[int] = set()
    if batch.runtimes or batch.ticks:
        known = program_ids(connection)
        upsert_runtimes(connection, (runtime for runtime in batch.runtimes if runtime.program_id in known))
        _insert_samples(connection, batch, known)
    event_ids = append_events(connection, batch.events)
    if batch.last_program_id is not None:
        meta.raise_int(connection, meta.LAST_PROGRAM_ID, batch.last_program_id)
    for changes in batch.accounts:
        apply_account_changes(connection, changes)
    apply_record_changes(connection, batch.records, now)
    upsert_jobs(connection, batch.jobs)
    if batch.deliveries:
        append_deliveries(connection, batch.deliveries)
    for key, value in batch.meta_ints:
        meta.write_int(connection, key, value)
    if batch.plugin_samples:
        known = known if batch.runtimes or batch.ticks else program_ids(connection)
        append_plugin_samples(connection, (s for s in batch.plugin_samples if s.program_id in known))
    return event_ids


def _insert_samples(connection: sqlite3.Connection, batch: WriteBatch, known: set[int]) -> None:
    program_rows = [
        program_sample_row(sample)
        for tick in batch.ticks
        for sample in tick.programs
        if sample.program_id in known
    ]
    dropped = sum(len(tick.programs) for tick in batch.ticks) - len(program_rows)
    if dropped:
        log.debug("dropped %d samples of programs that are not registered (removed meanwhile?)", dropped)
    if program_rows:
        connection.executemany(INSERT_PROGRAM_SAMPLE, program_rows)
    system_rows = [system_sample_row(tick.system) for tick in batch.ticks if tick.system is not None]
    if system_rows:
        connection.executemany(INSERT_SYSTEM_SAMPLE, system_rows)
