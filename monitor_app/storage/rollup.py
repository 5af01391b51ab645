"""Rolls raw samples up into 1-minute buckets and those into 1-hour buckets (average and peak).

Only complete buckets are rolled up. Progress is kept as watermarks in ``meta``, written in the same
transaction as the rows they cover, so a crash at any point resumes where it stopped and running it again
changes nothing. Work is done in bounded chunks, one transaction each, so the write lock is never held long.
"""

import sqlite3

import peewee

from monitor_app.storage import meta
from monitor_app.storage.db import thread_connection, write_transaction
from monitor_app.storage.metric_tables import (
    HOUR,
    MINUTE,
    PROGRAM_VALUE_COLUMNS,
    RAW,
    SYSTEM_VALUE_COLUMNS,
    Tier,
    earliest_time,
    program_ids_in,
    to_ms,
)

#: Samples can reach storage a few seconds after they were taken (queued batches, a retried write);
#: a bucket is rolled up only once it ended this long ago.
LATE_SAMPLE_ALLOWANCE_MS = 10_000
#: Raw time span aggregated per transaction (about 45,000 rows with 50 programs sampled every second).
MINUTE_CHUNK_MS = 15 * 60_000
#: 1-minute time span aggregated per transaction (about 72,000 rows with 50 programs).
HOUR_CHUNK_MS = 24 * 3_600_000


def roll_up(db: peewee.SqliteDatabase, now: float) -> None:
    """Aggregate every complete minute of raw samples and every complete hour of 1-minute rows."""
    settled_ms = to_ms(now) - LATE_SAMPLE_ALLOWANCE_MS
    _roll_up_tier(
        db, RAW, MINUTE, meta.MINUTE_ROLLUP_UNTIL, _floor(settled_ms, MINUTE.step_ms), MINUTE_CHUNK_MS
    )
    minute_watermark = meta.read_int(thread_connection(db), meta.MINUTE_ROLLUP_UNTIL)
    if minute_watermark is not None:
        # An hour is complete once all of its minutes are.
        hour_limit = _floor(min(minute_watermark, settled_ms), HOUR.step_ms)
        _roll_up_tier(db, MINUTE, HOUR, meta.HOUR_ROLLUP_UNTIL, hour_limit, HOUR_CHUNK_MS)


def _roll_up_tier(
    db: peewee.SqliteDatabase, source: Tier, target: Tier, watermark_key: str, limit_ms: int, chunk_ms: int
) -> None:
    connection = thread_connection(db)
    watermark = meta.read_int(connection, watermark_key)
    while watermark is None or watermark < limit_ms:
        first = earliest_time(connection, source, watermark)
        start = None if first is None else _floor(first, target.step_ms)
        if start is None or start >= limit_ms:
            if watermark is not None:
                # Nothing more before the limit: those buckets are complete (and empty), which lets the
                # next tier roll up the hours they belong to.
                with write_transaction(db) as transaction:
                    meta.write_int(transaction, watermark_key, limit_ms)
            return
        if watermark is not None:
            start = max(start, watermark)
        end = min(start + chunk_ms, limit_ms)
        with write_transaction(db) as transaction:
            _aggregate(transaction, source, target, start, end)
            meta.write_int(transaction, watermark_key, end)
        watermark = end


def _aggregate(
    connection: sqlite3.Connection, source: Tier, target: Tier, start_ms: int, end_ms: int
) -> None:
    """(Re)compute the ``target`` buckets of ``[start_ms, end_ms)`` (bucket-aligned) from ``source``."""
    bucket = f"t / {target.step_ms} * {target.step_ms}"
    program_columns = _target_columns(PROGRAM_VALUE_COLUMNS)
    program_values = _aggregate_expressions(PROGRAM_VALUE_COLUMNS, from_rollup=source.is_rollup)
    connection.executemany(
        f"INSERT OR REPLACE INTO {target.program_table} (program_id, t, n, {program_columns}) "
        f"SELECT program_id, {bucket} AS bucket, {program_values} FROM {source.program_table} "
        "WHERE program_id = ? AND t >= ? AND t < ? GROUP BY bucket",
        [
            (program_id, start_ms, end_ms)
            for program_id in list(program_ids_in(connection, source.program_table))
        ],
    )
    system_columns = _target_columns(SYSTEM_VALUE_COLUMNS)
    system_values = _aggregate_expressions(SYSTEM_VALUE_COLUMNS, from_rollup=source.is_rollup)
    connection.execute(
        f"INSERT OR REPLACE INTO {target.system_table} (t, n, {system_columns}) "
        f"SELECT {bucket} AS bucket, {system_values} FROM {source.system_table} "
        "WHERE t >= ? AND t < ? GROUP BY bucket",
        (start_ms, end_ms),
    )


def _target_columns(columns: tuple[str, ...]) -> str:
    return ", ".join(f"{column}_avg, {column}_max" for column in columns)


def _aggregate_expressions(columns: tuple[str, ...], *, from_rollup: bool) -> str:
    """``n`` and each column's average and peak; rollup averages are weighted by their sample counts."""
    if not from_rollup:
        parts = ["COUNT(*)"]
        for column in columns:
            parts += [f"CAST(ROUND(AVG({column})) AS INTEGER)", f"MAX({column})"]
        return ", ".join(parts)
    parts = ["SUM(n)"]
    for column in columns:
        average = f"SUM({column}_avg * n) * 1.0 / SUM(CASE WHEN {column}_avg IS NOT NULL THEN n END)"
        parts += [f"CAST(ROUND({average}) AS INTEGER)", f"MAX({column}_max)"]
    return ", ".join(parts)


def _floor(ms: int, step_ms: int) -> int:
    return ms - ms % step_ms
