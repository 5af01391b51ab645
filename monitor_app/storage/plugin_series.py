"""Extra series measured by plugins (a game server's FPS, players, in-game days…): one narrow table keyed
(program, series, time), thinned to a point per minute by the engine and pruned with the 1-minute tier."""

import math
import sqlite3
from collections.abc import Iterable

from monitor_app.core.model import PluginSample, Series, SeriesPoint
from monitor_app.storage.metric_tables import to_ms, to_seconds


def append_plugin_samples(connection: sqlite3.Connection, samples: Iterable[PluginSample]) -> None:
    connection.executemany(
        "INSERT OR REPLACE INTO plugin_samples (program_id, series, t, value) VALUES (?, ?, ?, ?)",
        [(s.program_id, s.series, to_ms(s.time), s.value) for s in samples],
    )


def read_plugin_series(
    connection: sqlite3.Connection, program_id: int, series: str, start: float, end: float, max_points: int
) -> Series:
    """``series`` of a program over ``[start, end]``, averaged (and peaked) into at most ``max_points`` buckets."""
    start_ms, end_ms = to_ms(start), to_ms(end)
    width = max(1, math.ceil((end_ms - start_ms) / max(1, max_points)))
    rows = connection.execute(
        "SELECT (t - ?) / ? AS bucket, min(t), avg(value), max(value) FROM plugin_samples "
        "WHERE program_id = ? AND series = ? AND t BETWEEN ? AND ? GROUP BY bucket ORDER BY bucket",
        (start_ms, width, program_id, series, start_ms, end_ms),
    ).fetchall()
    points = tuple(SeriesPoint(to_seconds(t), avg, peak) for _bucket, t, avg, peak in rows)
    return Series(program_id, series, start, end, "plugin", to_seconds(width), points)


def plugin_series_names(connection: sqlite3.Connection, program_id: int) -> list[str]:
    return [row[0] for row in connection.execute(
        "SELECT DISTINCT series FROM plugin_samples WHERE program_id = ? ORDER BY series", (program_id,))]


def prune_plugin_samples(connection: sqlite3.Connection, before: float) -> int:
    return connection.execute("DELETE FROM plugin_samples WHERE t < ?", (to_ms(before),)).rowcount


def remove_program_samples(connection: sqlite3.Connection, program_ids: Iterable[int]) -> None:
    connection.executemany("DELETE FROM plugin_samples WHERE program_id = ?", [(pid,) for pid in program_ids])
