"""Encoding of metric values: every core metric has a column, values shrink to small integers."""

import sqlite3

from monitor_app.core.model import PROGRAM_METRICS, SYSTEM_METRICS
from monitor_app.storage.metric_tables import (
    PROGRAM_COLUMNS,
    SYSTEM_COLUMNS,
    decode_per_core,
    encode_per_core,
    program_ids_in,
    program_sample_row,
    system_sample_row,
)
from tests.unit.storage.builders import T0, program_sample, system_sample


def test_metric_tables_cover_every_core_metric() -> None:
    assert set(PROGRAM_COLUMNS) == set(PROGRAM_METRICS)
    assert set(SYSTEM_COLUMNS) == set(SYSTEM_METRICS)


def test_metric_tables_encode_program_samples_as_small_integers() -> None:
    row = program_sample_row(
        program_sample(7, T0 + 0.4567, cpu_percent=12.345, memory_rss=10 * 1024**2 + 600, memory_private=None)
    )

    assert row == (7, round((T0 + 0.4567) * 1000), 1234, 10 * 1024 + 1, None, 42, 310, 1500, 700)


def test_metric_tables_store_a_non_finite_reading_as_null() -> None:
    row = program_sample_row(program_sample(1, T0, cpu_percent=float("nan"), io_read_bps=float("inf")))

    assert row[2] is None and row[7] is None


def test_metric_tables_encode_system_samples_and_per_core_bytes() -> None:
    row = system_sample_row(system_sample(T0, cpu_per_core=(0.0, 33.3, 100.0, -5.0, float("nan"))))

    assert row == (
        round(T0 * 1000),
        2345,
        6 * 1024**2,
        3750,
        1024**2,
        12000,
        34000,
        bytes([0, 67, 200, 0, 0]),
    )
    assert decode_per_core(encode_per_core((50.0, 12.3))) == (50.0, 12.5)


def test_program_ids_in_lists_each_program_once() -> None:
    connection = sqlite3.connect(":memory:")
    connection.execute(
        "CREATE TABLE s (program_id INTEGER, t INTEGER, PRIMARY KEY (program_id, t)) WITHOUT ROWID"
    )
    connection.executemany("INSERT INTO s VALUES (?, ?)", [(p, t) for p in (3, 1, 20) for t in range(5)])

    assert list(program_ids_in(connection, "s")) == [1, 3, 20]
