"""Pruning: rows past retention go, rows not yet rolled up stay, every tier, in bounded chunks."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from monitor_app.storage import Retention, Storage, WriteBatch
from monitor_app.storage.rollup import LATE_SAMPLE_ALLOWANCE_MS
from tests.unit.storage.builders import T0, spec, tick

ALLOWANCE = LATE_SAMPLE_ALLOWANCE_MS / 1000

DAY = 86_400.0


def _count(path: Path, table: str, before: float | None = None) -> int:
    sql = f"SELECT count(*) FROM {table}" + ("" if before is None else " WHERE t < ?")
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql, () if before is None else (int(before * 1000),)).fetchone()[0]


@pytest.fixture
def three_days(storage: Storage) -> Storage:
    """Program 1 and the system sampled every 30 s for three days."""
    storage.write(WriteBatch(programs=(spec(1),)))
    storage.write(WriteBatch(ticks=tuple(tick(T0 + s, (1,)) for s in range(0, int(3 * DAY), 30))))
    return storage


def test_prune_deletes_raw_rows_past_retention_and_keeps_the_rest(three_days: Storage, db_path: Path) -> None:
    now = T0 + 3 * DAY
    three_days.rollup(now)
    raw_before = _count(db_path, "program_samples") + _count(db_path, "system_samples")
    minutes_before = _count(db_path, "program_samples_1m")

    deleted = three_days.prune(now, Retention())

    assert _count(db_path, "program_samples", before=now - DAY) == 0
    assert _count(db_path, "system_samples", before=now - DAY) == 0
    assert _count(db_path, "program_samples") == DAY / 30
    assert deleted == raw_before - _count(db_path, "program_samples") - _count(db_path, "system_samples")
    assert _count(db_path, "program_samples_1m") == minutes_before  # 30 days of minutes are kept
    assert three_days.series(1, "cpu_percent", T0, T0 + 3600, 60, now=now).points, "history is still there"


def test_prune_never_deletes_raw_rows_that_are_not_rolled_up(three_days: Storage, db_path: Path) -> None:
    now = T0 + 3 * DAY
    assert three_days.prune(now, Retention()) == 0  # nothing rolled up yet

    three_days.rollup(
        T0 + DAY / 2 + ALLOWANCE
    )  # the rollup fell behind: only the first half day is aggregated
    deleted = three_days.prune(now, Retention())

    assert deleted == 2 * (DAY / 2) / 30  # program and system rows of the first half day
    assert _count(db_path, "program_samples", before=T0 + DAY / 2) == 0
    assert _count(db_path, "program_samples") == (2.5 * DAY) / 30


def test_prune_applies_to_every_tier(three_days: Storage, db_path: Path) -> None:
    now = T0 + 3 * DAY
    three_days.rollup(now)
    retention = Retention(raw=3600, minute=DAY, hour=2 * DAY)

    three_days.prune(now, retention)

    for table, kept_for in (
        ("program_samples", 3600),
        ("system_samples", 3600),
        ("program_samples_1m", DAY),
        ("system_samples_1m", DAY),
        ("program_samples_1h", 2 * DAY),
        ("system_samples_1h", 2 * DAY),
    ):
        assert _count(db_path, table, before=now - kept_for) == 0, table
        assert _count(db_path, table) > 0, table


def test_prune_twice_deletes_nothing_more(three_days: Storage) -> None:
    now = T0 + 3 * DAY
    three_days.rollup(now)
    assert three_days.prune(now, Retention()) > 0

    assert three_days.prune(now, Retention()) == 0
