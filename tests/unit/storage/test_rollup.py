"""Rollups: averages and peaks per minute and hour, only complete buckets, idempotent and resumable."""

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from monitor_app.core.model import MetricsTick
from monitor_app.storage import Storage, WriteBatch
from monitor_app.storage.rollup import LATE_SAMPLE_ALLOWANCE_MS
from tests.unit.storage.builders import T0, program_sample, spec, system_sample, tick

ALLOWANCE = LATE_SAMPLE_ALLOWANCE_MS / 1000


def _rows(path: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(sql, params).fetchall()


def _dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    tables = ("program_samples_1m", "program_samples_1h", "system_samples_1m", "system_samples_1h", "meta")
    return {table: _rows(path, f"SELECT * FROM {table} ORDER BY 1, 2") for table in tables}


@pytest.fixture
def program(storage: Storage) -> Storage:
    storage.write(WriteBatch(programs=(spec(1), spec(2))))
    return storage


def test_rollup_averages_and_peaks_each_minute(program: Storage, db_path: Path) -> None:
    program.write(
        WriteBatch(
            ticks=tuple(
                MetricsTick(
                    T0 + s,
                    system_sample(T0 + s, memory_used=(s + 1) * 1024**2),
                    (program_sample(1, T0 + s, cpu_percent=float(s), threads=10 + s % 3, io_read_bps=0.0),),
                )
                for s in range(120)
            )
        )
    )

    program.rollup(T0 + 120 + ALLOWANCE)

    rows = _rows(
        db_path,
        "SELECT t, n, cpu_avg, cpu_max, threads_avg, threads_max, io_read_avg, io_read_max "
        "FROM program_samples_1m WHERE program_id = 1 ORDER BY t",
    )
    # cpu 0..59 -> mean 29.5 %, stored in hundredths; threads cycle 10, 11, 12 -> mean 11.
    assert rows == [
        (T0 * 1000, 60, 2950, 5900, 11, 12, 0, 0),
        ((T0 + 60) * 1000, 60, 8950, 11900, 11, 12, 0, 0),
    ]
    system = _rows(db_path, "SELECT t, n, memory_used_avg, memory_used_max FROM system_samples_1m ORDER BY t")
    assert system == [(T0 * 1000, 60, 31232, 61440), ((T0 + 60) * 1000, 60, 92672, 122880)]  # KiB


def test_rollup_leaves_the_current_minute_and_late_samples_alone(program: Storage, db_path: Path) -> None:
    program.write(WriteBatch(ticks=tuple(tick(T0 + s) for s in range(90))))

    program.rollup(T0 + 60 + ALLOWANCE - 1)  # the first minute ended, but samples may still be arriving
    assert _rows(db_path, "SELECT count(*) FROM program_samples_1m") == [(0,)]

    program.rollup(T0 + 60 + ALLOWANCE)
    assert _rows(db_path, "SELECT t, n FROM program_samples_1m") == [(T0 * 1000, 60)]
    assert _rows(db_path, "SELECT count(*) FROM program_samples_1h") == [(0,)]


def test_rollup_hours_weigh_minutes_by_their_sample_counts(program: Storage, db_path: Path) -> None:
    busy_minute = tuple(tick(T0 + s, (1,), cpu_percent=10.0) for s in range(60))
    late_start = tuple(tick(T0 + 60 + s, (1,), cpu_percent=70.0) for s in range(0, 60, 10))
    program.write(WriteBatch(ticks=busy_minute + late_start))

    program.rollup(T0 + 3600 + ALLOWANCE)

    ((t, n, cpu_avg, cpu_max),) = _rows(db_path, "SELECT t, n, cpu_avg, cpu_max FROM program_samples_1h")
    assert (t, n, cpu_max) == (T0 * 1000, 66, 7000)
    assert cpu_avg == round((60 * 1000 + 6 * 7000) / 66)
    series = program.series(1, "cpu_percent", T0, T0 + 3599, 10, now=T0 + 365 * 86_400)
    assert series.tier == "1h"
    (point,) = series.points
    assert point.avg == pytest.approx((60 * 10 + 6 * 70) / 66, abs=0.01)
    assert point.max == pytest.approx(70.0)


def test_rollup_keeps_null_values_out_of_averages(program: Storage, db_path: Path) -> None:
    samples = [program_sample(1, T0 + s, memory_private=None if s % 2 else 4096 * 1024) for s in range(60)]
    program.write(WriteBatch(ticks=tuple(MetricsTick(s.time, None, (s,)) for s in samples)))

    program.rollup(T0 + 60 + ALLOWANCE)

    assert _rows(db_path, "SELECT private_avg, private_max FROM program_samples_1m") == [(4096, 4096)]


def test_rollup_twice_changes_nothing(program: Storage, db_path: Path) -> None:
    program.write(WriteBatch(ticks=tuple(tick(T0 + s, (1, 2)) for s in range(0, 3 * 3600, 7))))
    program.rollup(T0 + 4 * 3600)
    first = _dump(db_path)

    program.rollup(T0 + 4 * 3600)

    assert _dump(db_path) == first
    assert len(first["program_samples_1m"]) == 2 * 180
    assert len(first["program_samples_1h"]) == 2 * 3


def test_rollup_resumes_after_a_crash_with_the_same_result(program: Storage, db_path: Path) -> None:
    program.write(WriteBatch(ticks=tuple(tick(T0 + s, (1, 2)) for s in range(0, 2 * 3600, 5))))
    program.rollup(T0 + 3 * 3600)
    finished = _dump(db_path)
    # As if the process died after the first chunk: later chunks and the hour rollup never committed.
    with closing(sqlite3.connect(db_path)) as connection:
        connection.execute("DELETE FROM program_samples_1m WHERE t >= ?", ((T0 + 900) * 1000,))
        connection.execute("DELETE FROM system_samples_1m WHERE t >= ?", ((T0 + 900) * 1000,))
        connection.execute("DELETE FROM program_samples_1h")
        connection.execute("DELETE FROM system_samples_1h")
        connection.execute(
            "UPDATE meta SET value = ? WHERE key = 'rollup_1m_until_ms'", (str(int((T0 + 900) * 1000)),)
        )
        connection.execute("DELETE FROM meta WHERE key = 'rollup_1h_until_ms'")
        connection.commit()

    program.rollup(T0 + 3 * 3600)

    assert _dump(db_path) == finished


def test_rollup_catches_up_across_long_gaps_in_bounded_chunks(program: Storage, db_path: Path) -> None:
    first_hour = tuple(tick(T0 + s, (1,)) for s in range(0, 3600, 1))
    ten_days_later = tuple(tick(T0 + 10 * 86_400 + s, (1,)) for s in range(0, 120, 1))
    program.write(WriteBatch(ticks=first_hour + ten_days_later))

    program.rollup(T0 + 10 * 86_400 + 3600 + ALLOWANCE)

    minutes = _rows(db_path, "SELECT t, n FROM program_samples_1m WHERE program_id = 1 ORDER BY t")
    assert len(minutes) == 62
    assert all(n == 60 for _, n in minutes)
    assert _rows(db_path, "SELECT t, n FROM program_samples_1h ORDER BY t") == [
        (T0 * 1000, 3600),
        ((T0 + 10 * 86_400) * 1000, 120),
    ]


def test_rollup_with_no_samples_does_nothing(program: Storage, db_path: Path) -> None:
    program.rollup(T0)

    assert _rows(db_path, "SELECT key FROM meta WHERE key LIKE 'rollup%'") == []
