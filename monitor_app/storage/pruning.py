"""Deletes metric rows older than their tier's retention, never before they have been rolled up."""

import peewee

from monitor_app.storage import meta
from monitor_app.storage.db import thread_connection, write_transaction
from monitor_app.storage.metric_tables import HOUR, MINUTE, RAW, Tier, earliest_time, program_ids_in, to_ms
from monitor_app.storage.retention import Retention

#: Time span deleted per transaction in each tier (tens of thousands of rows with 50 programs at most).
PRUNE_CHUNK_MS = {RAW.name: 15 * 60_000, MINUTE.name: 24 * 3_600_000, HOUR.name: 30 * 24 * 3_600_000}


def prune(db: peewee.SqliteDatabase, now: float, retention: Retention) -> int:
    """Delete rows past retention in every tier; return how many were deleted.

    A tier's rows are deleted only below the watermark of the rollup that consumes them, so history is
    never lost because the rollup fell behind.
    """
    connection = thread_connection(db)
    now_ms = to_ms(now)
    minute_watermark = meta.read_int(connection, meta.MINUTE_ROLLUP_UNTIL)
    hour_watermark = meta.read_int(connection, meta.HOUR_ROLLUP_UNTIL)
    deleted = 0
    if minute_watermark is not None:
        deleted += _prune_tier(db, RAW, min(now_ms - to_ms(retention.raw), minute_watermark))
    if hour_watermark is not None:
        deleted += _prune_tier(db, MINUTE, min(now_ms - to_ms(retention.minute), hour_watermark))
    deleted += _prune_tier(db, HOUR, now_ms - to_ms(retention.hour))
    return deleted


def _prune_tier(db: peewee.SqliteDatabase, tier: Tier, cutoff_ms: int) -> int:
    """Delete rows of ``tier`` before ``cutoff_ms``, oldest first, one bounded time span per transaction."""
    deleted = 0
    chunk_ms = PRUNE_CHUNK_MS[tier.name]
    while True:
        oldest = earliest_time(thread_connection(db), tier, None)
        if oldest is None or oldest >= cutoff_ms:
            return deleted
        end = min(oldest + chunk_ms, cutoff_ms)
        with write_transaction(db) as connection:
            for program_id in list(program_ids_in(connection, tier.program_table)):
                deleted += connection.execute(
                    f"DELETE FROM {tier.program_table} WHERE program_id = ? AND t < ?", (program_id, end)
                ).rowcount
            deleted += connection.execute(f"DELETE FROM {tier.system_table} WHERE t < ?", (end,)).rowcount
