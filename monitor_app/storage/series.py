"""Reads a metric's history for a time window, downsampled in SQL to at most the points asked for.

The finest tier that still holds the window's start answers. Buckets keep both the mean and the peak, so a
one-second spike in a day of samples still shows as its bucket's maximum.
"""

import math
import sqlite3

from monitor_app.core.errors import FieldError, ValidationError
from monitor_app.core.model import PROGRAM_METRICS, SYSTEM_METRICS, Series, SeriesPoint
from monitor_app.storage.metric_tables import (
    PROGRAM_COLUMNS,
    RAW,
    SYSTEM_COLUMNS,
    MetricColumn,
    Tier,
    to_ms,
    to_seconds,
)
from monitor_app.storage.retention import Retention

#: Latest time a window may reach, in epoch seconds (keeps milliseconds inside SQLite's 64-bit integers).
MAX_TIME = 1e11


def read_series(
    connection: sqlite3.Connection,
    *,
    program_id: int | None,
    metric: str,
    start: float,
    end: float,
    max_points: int,
    now: float,
    retention: Retention,
) -> Series:
    """``metric`` over ``[start, end]`` for a program, or for the system when ``program_id`` is None.

    Raises:
        ValidationError: unknown metric, a window that is not a finite ``start < end``, ``max_points < 1``.
    """
    column = _validate(program_id, metric, start, end, max_points)
    tier = retention.tier_for(start, now)
    query = _WindowQuery(connection, tier, program_id, column)
    start_ms, end_ms = to_ms(start), to_ms(end)
    if tier is RAW:
        raw = query.raw_points(start_ms, end_ms, limit=max_points + 1)
        if len(raw) <= max_points:
            return Series(program_id, metric, start, end, tier.name, 0.0, raw)
        origin = start_ms
        width = max(1, math.ceil((end_ms - origin) / max_points))
    else:
        # Rollup rows are whole buckets: align to the tier's grid and use a whole number of its steps.
        origin = start_ms - start_ms % tier.step_ms
        width = max(tier.step_ms, math.ceil((end_ms - origin) / max_points))
        width = math.ceil(width / tier.step_ms) * tier.step_ms
    points = query.bucketed_points(origin, end_ms, width, max_points)
    return Series(program_id, metric, start, end, tier.name, to_seconds(width), points)


class _WindowQuery:
    """SQL for one metric column of one tier, for a program or the system."""

    def __init__(
        self, connection: sqlite3.Connection, tier: Tier, program_id: int | None, column: MetricColumn
    ):
        self._connection = connection
        self._tier = tier
        self._column = column
        self._key_params: tuple[int, ...]
        if program_id is None:
            self._table, self._key, self._key_params = tier.system_table, "", ()
        else:
            self._table, self._key, self._key_params = (
                tier.program_table,
                "program_id = ? AND ",
                (program_id,),
            )

    def raw_points(self, start_ms: int, end_ms: int, *, limit: int) -> tuple[SeriesPoint, ...]:
        """Up to ``limit`` raw samples in the window, oldest first (the value is both mean and peak)."""
        name = self._column.column
        rows = self._connection.execute(
            f"SELECT t, {name} FROM {self._table} WHERE {self._key}t BETWEEN ? AND ? AND {name} IS NOT NULL "
            "ORDER BY t LIMIT ?",
            (*self._key_params, start_ms, end_ms, limit),
        ).fetchall()
        decode = self._column.decode
        return tuple(SeriesPoint(to_seconds(t), decode(value), decode(value)) for t, value in rows)

    def bucketed_points(
        self, origin_ms: int, end_ms: int, width_ms: int, max_buckets: int
    ) -> tuple[SeriesPoint, ...]:
        """One point per non-empty bucket of ``width_ms`` from ``origin_ms``: its start, mean and peak.

        A row exactly at ``end_ms`` joins the last bucket instead of opening one more.
        """
        name = self._column.column
        if self._tier.is_rollup:
            mean = f"SUM({name}_avg * n) * 1.0 / SUM(CASE WHEN {name}_avg IS NOT NULL THEN n END)"
            peak = f"MAX({name}_max)"
        else:
            mean, peak = f"AVG({name})", f"MAX({name})"
        rows = self._connection.execute(
            f"SELECT MIN((t - ?) / ?, ?) AS bucket, {mean}, {peak} FROM {self._table} "
            f"WHERE {self._key}t BETWEEN ? AND ? GROUP BY bucket ORDER BY bucket",
            (origin_ms, width_ms, max_buckets - 1, *self._key_params, origin_ms, end_ms),
        ).fetchall()
        decode = self._column.decode
        return tuple(
            SeriesPoint(to_seconds(origin_ms + bucket * width_ms), decode(mean_value), decode(peak_value))
            for bucket, mean_value, peak_value in rows
            if mean_value is not None and peak_value is not None
        )


def _validate(program_id: int | None, metric: str, start: float, end: float, max_points: int) -> MetricColumn:
    errors: list[FieldError] = []
    metrics, columns = (
        (SYSTEM_METRICS, SYSTEM_COLUMNS) if program_id is None else (PROGRAM_METRICS, PROGRAM_COLUMNS)
    )
    if metric not in metrics:
        scope = "system" if program_id is None else "program"
        errors.append(
            FieldError("metric", f"unknown {scope} metric {metric!r}; expected one of: {', '.join(metrics)}")
        )
    for name, value in (("start", start), ("end", end)):
        if not (math.isfinite(value) and 0 <= value <= MAX_TIME):
            errors.append(FieldError(name, "must be a time in seconds since the epoch"))
    if not errors and end <= start:
        errors.append(FieldError("end", "must be after start"))
    if isinstance(max_points, bool) or not isinstance(max_points, int) or max_points < 1:
        errors.append(FieldError("max_points", "must be a whole number of at least 1"))
    if errors:
        raise ValidationError(errors)
    return columns[metric]
