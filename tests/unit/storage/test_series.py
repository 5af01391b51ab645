"""Reading history: units decoded, the right tier for the window's age, downsampling that keeps peaks."""

from pathlib import Path

import pytest

from monitor_app.core.errors import ValidationError
from monitor_app.core.model import PROGRAM_METRICS, SYSTEM_METRICS, MetricsTick
from monitor_app.storage import Retention, Storage, WriteBatch
from tests.unit.storage.builders import T0, program_sample, spec, system_sample, tick

DAY = 86_400.0

PROGRAM_VALUES = {
    "cpu_percent": 12.34,
    "memory_rss": 512 * 1024 * 1024,
    "memory_private": 400 * 1024 * 1024,
    "threads": 42,
    "handles": 310,
    "io_read_bps": 1500.0,
    "io_write_bps": 700.0,
}
SYSTEM_VALUES = {
    "cpu_percent": 23.45,
    "memory_used": 6 * 1024**3,
    "memory_percent": 37.5,
    "swap_used": 1024**3,
    "net_sent_bps": 12_000.0,
    "net_recv_bps": 34_000.0,
}


@pytest.fixture
def program(storage: Storage) -> Storage:
    storage.write(WriteBatch(programs=(spec(1), spec(2))))
    return storage


def test_series_returns_every_program_metric_in_core_units(program: Storage) -> None:
    assert set(PROGRAM_VALUES) == set(PROGRAM_METRICS)
    program.write(WriteBatch(ticks=tuple(tick(T0 + s, (1, 2)) for s in range(3))))

    for metric, value in PROGRAM_VALUES.items():
        series = program.series(1, metric, T0, T0 + 2, 100, now=T0 + 3)
        assert (series.program_id, series.metric, series.tier, series.step) == (1, metric, "raw", 0.0)
        assert [p.time for p in series.points] == [T0, T0 + 1, T0 + 2]
        for point in series.points:
            assert point.avg == point.max == pytest.approx(value), metric


def test_series_returns_every_system_metric_in_core_units(program: Storage) -> None:
    assert set(SYSTEM_VALUES) == set(SYSTEM_METRICS)
    program.write(WriteBatch(ticks=tuple(tick(T0 + s, ()) for s in range(3))))

    for metric, value in SYSTEM_VALUES.items():
        series = program.series(None, metric, T0, T0 + 2, 100, now=T0 + 3)
        assert (series.program_id, series.tier, len(series.points)) == (None, "raw", 3)
        assert all(p.avg == p.max == pytest.approx(value) for p in series.points), metric


def test_series_rounds_to_the_stored_resolution(program: Storage) -> None:
    program.write(
        WriteBatch(
            ticks=(
                MetricsTick(T0, None, (program_sample(1, T0, cpu_percent=3.14159, memory_rss=1_000_000),)),
            )
        )
    )

    (cpu,) = program.series(1, "cpu_percent", T0 - 1, T0 + 1, 10, now=T0).points
    (rss,) = program.series(1, "memory_rss", T0 - 1, T0 + 1, 10, now=T0).points

    assert cpu.avg == pytest.approx(3.14)  # hundredths of a percent
    assert rss.avg == 977 * 1024  # whole KiB
    assert abs(rss.avg - 1_000_000) <= 512


def test_series_skips_samples_without_a_value(program: Storage) -> None:
    program.write(
        WriteBatch(
            ticks=(
                MetricsTick(T0, None, (program_sample(1, T0, memory_private=None),)),
                MetricsTick(T0 + 1, None, (program_sample(1, T0 + 1, memory_private=2048),)),
            )
        )
    )

    series = program.series(1, "memory_private", T0, T0 + 1, 10, now=T0 + 2)

    assert [(p.time, p.avg) for p in series.points] == [(T0 + 1, 2048.0)]


def test_series_is_empty_for_a_program_without_samples(program: Storage) -> None:
    assert program.series(2, "cpu_percent", T0, T0 + 60, 10, now=T0 + 60).points == ()


def test_series_downsamples_to_at_most_max_points_and_keeps_the_peak(program: Storage) -> None:
    spike_at = T0 + 40_000
    program.write(
        WriteBatch(
            ticks=tuple(
                MetricsTick(
                    T0 + s,
                    None,
                    (program_sample(1, T0 + s, cpu_percent=99.0 if T0 + s == spike_at else 5.0),),
                )
                for s in range(86_400)
            )
        )
    )

    series = program.series(1, "cpu_percent", T0, T0 + 86_400, 1000, now=T0 + 86_400)

    assert series.tier == "raw"
    assert len(series.points) == 1000
    assert series.step == 86.4
    peaks = [p for p in series.points if p.max > 5.0]
    assert len(peaks) == 1
    (peak,) = peaks
    assert peak.max == pytest.approx(99.0)
    assert peak.time <= spike_at < peak.time + series.step
    assert 5.0 < peak.avg < 6.2  # the spike is averaged into its bucket, the peak is kept
    assert all(p.avg == pytest.approx(5.0) for p in series.points if p is not peak)
    assert series.points[0].time == T0
    assert [p.time for p in series.points] == sorted(p.time for p in series.points)


@pytest.mark.parametrize("max_points", [1, 2, 7, 59, 60, 61, 1000])
def test_series_never_exceeds_max_points(program: Storage, max_points: int) -> None:
    program.write(WriteBatch(ticks=tuple(tick(T0 + s) for s in range(0, 3600, 5))))

    for start, end in ((T0, T0 + 3595), (T0 - 10, T0 + 3600), (T0 + 1.5, T0 + 1000.25)):
        series = program.series(1, "cpu_percent", start, end, max_points, now=T0 + 3600)
        assert 1 <= len(series.points) <= max_points
        assert all(start - series.step <= p.time <= end for p in series.points)


def test_series_uses_raw_points_when_they_fit(program: Storage) -> None:
    program.write(WriteBatch(ticks=tuple(tick(T0 + s) for s in range(10))))

    exact = program.series(1, "threads", T0, T0 + 9, 10, now=T0 + 10)
    squeezed = program.series(1, "threads", T0, T0 + 9, 9, now=T0 + 10)

    assert (exact.step, len(exact.points)) == (0.0, 10)
    assert squeezed.step > 0 and len(squeezed.points) <= 9


@pytest.fixture
def two_hours(program: Storage) -> Storage:
    """Two hours of samples every 10 s, rolled up, then read at various later times."""
    program.write(WriteBatch(ticks=tuple(tick(T0 + s, (1,)) for s in range(0, 7200, 10))))
    program.rollup(T0 + 3 * 3600)
    return program


@pytest.mark.parametrize(
    ("age_of_start", "tier", "step"),
    [
        (0.5 * DAY, "raw", 10.0),
        (1 * DAY, "raw", 10.0),
        (1 * DAY + 60, "raw", 10.0),  # "the last 24 h", computed a moment before the query
        (1.5 * DAY, "1m", 60.0),
        (30 * DAY, "1m", 60.0),
        (60 * DAY, "1h", 3600.0),
    ],
)
def test_series_picks_the_tier_by_the_age_of_the_window_start(
    two_hours: Storage, age_of_start: float, tier: str, step: float
) -> None:
    series = two_hours.series(1, "cpu_percent", T0, T0 + 7199, 720, now=T0 + age_of_start)

    assert series.tier == tier
    assert series.step == step or (tier == "raw" and series.step == 0.0)
    assert series.points, "every tier holds the two hours"
    assert all(p.avg == pytest.approx(12.34) for p in series.points)


def test_series_tier_follows_the_configured_retention(db_path: Path) -> None:
    storage = Storage.open(db_path, retention=Retention(raw=3600, minute=2 * 3600, hour=DAY))
    try:
        assert storage.series(1, "cpu_percent", T0, T0 + 60, 10, now=T0 + 1800).tier == "raw"
        assert storage.series(1, "cpu_percent", T0, T0 + 60, 10, now=T0 + 5400).tier == "1m"
        assert storage.series(1, "cpu_percent", T0, T0 + 60, 10, now=T0 + 9000).tier == "1h"
    finally:
        storage.close()


def test_series_from_rollups_aligns_buckets_to_whole_steps(two_hours: Storage) -> None:
    series = two_hours.series(None, "net_recv_bps", T0 + 30, T0 + 7199, 4, now=T0 + 2 * DAY)

    assert series.tier == "1m"
    assert series.step == 1800.0  # 2 h / 4 rounded up to whole minutes
    assert [p.time for p in series.points] == [T0, T0 + 1800, T0 + 3600, T0 + 5400]
    assert all(p.avg == p.max == pytest.approx(34_000.0) for p in series.points)


@pytest.mark.parametrize(
    ("program_id", "metric", "start", "end", "max_points", "field"),
    [
        (1, "gpu_percent", T0, T0 + 60, 10, "metric"),
        (1, "memory_used", T0, T0 + 60, 10, "metric"),  # a system metric asked of a program
        (None, "threads", T0, T0 + 60, 10, "metric"),  # a program metric asked of the system
        (1, "cpu_percent", T0 + 60, T0, 10, "end"),
        (1, "cpu_percent", T0, T0, 10, "end"),
        (1, "cpu_percent", float("nan"), T0, 10, "start"),
        (1, "cpu_percent", T0, float("inf"), 10, "end"),
        (1, "cpu_percent", T0, T0 + 60, 0, "max_points"),
    ],
)
def test_series_validates_its_arguments(
    program: Storage,
    program_id: int | None,
    metric: str,
    start: float,
    end: float,
    max_points: int,
    field: str,
) -> None:
    with pytest.raises(ValidationError) as raised:
        program.series(program_id, metric, start, end, max_points, now=T0)

    assert field in raised.value.by_field()


def test_series_reads_from_another_thread(program: Storage) -> None:
    from concurrent.futures import ThreadPoolExecutor

    program.write(WriteBatch(ticks=(tick(T0, (1,)),)))

    with ThreadPoolExecutor(max_workers=1) as pool:
        series = pool.submit(program.series, 1, "handles", T0 - 1, T0 + 1, 10, T0 + 1).result()

    assert [p.avg for p in series.points] == [310.0]


def test_series_per_core_values_are_stored_compactly(program: Storage, db_path: Path) -> None:
    import sqlite3
    from contextlib import closing

    from monitor_app.storage.metric_tables import decode_per_core

    program.write(
        WriteBatch(ticks=(MetricsTick(T0, system_sample(T0, cpu_per_core=(0.0, 12.3, 99.9, 100.0, 250.0))),))
    )

    with closing(sqlite3.connect(db_path)) as connection:
        (blob,) = connection.execute("SELECT per_core FROM system_samples").fetchone()
    assert blob == bytes([0, 25, 200, 200, 200])
    assert decode_per_core(blob) == (0.0, 12.5, 100.0, 100.0, 100.0)
