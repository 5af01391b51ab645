"""Small named values the storage keeps about itself: id high-water marks and rollup watermarks."""

import sqlite3

#: Highest program id ever handed out; ids are never reused, even after the program is removed.
LAST_PROGRAM_ID = "last_program_id"
#: Highest user id ever handed out; never reused, so a deleted user's id cannot name someone else.
LAST_USER_ID = "last_user_id"
#: Highest API key id ever handed out.
LAST_API_KEY_ID = "last_api_key_id"
#: Highest job id ever handed out.
LAST_JOB_ID = "last_job_id"
#: Highest id handed out per automation table (webhooks, alert rules, schedules), keyed ``last_<table>_id``.
LAST_RECORD_ID = "last_{table}_id"
#: Wall time (epoch ms) the schedules were last looked at: fires after it that were not run are "missed".
SCHEDULES_SEEN_UNTIL = "schedules_seen_until_ms"
#: Raw samples before this epoch-millisecond time have been rolled up into the 1-minute tier.
MINUTE_ROLLUP_UNTIL = "rollup_1m_until_ms"
#: 1-minute rows before this epoch-millisecond time have been rolled up into the 1-hour tier.
HOUR_ROLLUP_UNTIL = "rollup_1h_until_ms"


def read_int(connection: sqlite3.Connection, key: str) -> int | None:
    """The integer stored under ``key``, or ``None`` if it was never set."""
    row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else int(row[0])


def write_int(connection: sqlite3.Connection, key: str, value: int) -> None:
    connection.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, str(value)),
    )


def raise_int(connection: sqlite3.Connection, key: str, value: int) -> None:
    """Store ``value`` unless a larger one is already stored (a high-water mark never goes down)."""
    current = read_int(connection, key)
    if current is None or value > current:
        write_int(connection, key, value)
