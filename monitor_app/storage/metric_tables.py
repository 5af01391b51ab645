"""Where metric history lives (the raw, 1-minute and 1-hour tiers) and how values are encoded in it.

Values are stored as small integers to keep a raw row near 37 bytes: CPU and percentages in hundredths,
memory in KiB, rates in whole bytes per second, times in epoch milliseconds. This module is the one place
that knows those scales, both ways.
"""

import math
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from monitor_app.core.model import ProgramSample, SystemSample

#: Stored units per percent (hundredths of a percent).
PERCENT_SCALE = 100
#: Bytes per stored memory unit (KiB).
MEMORY_UNIT = 1024
#: Stored per-core units per percent (one byte, 0..200).
PER_CORE_SCALE = 2
#: Milliseconds per second: stored times are epoch milliseconds.
MS_PER_SECOND = 1000


@dataclass(frozen=True, slots=True)
class Tier:
    """One resolution of the history.

    Attributes:
        name: As reported in ``Series.tier``.
        step_ms: Bucket width of a stored row; 0 for raw samples (one per sampling interval).
        program_table / system_table: Where its rows are.
    """

    name: str
    step_ms: int
    program_table: str
    system_table: str

    @property
    def is_rollup(self) -> bool:
        return self.step_ms > 0


RAW = Tier("raw", 0, "program_samples", "system_samples")
MINUTE = Tier("1m", 60_000, "program_samples_1m", "system_samples_1m")
HOUR = Tier("1h", 3_600_000, "program_samples_1h", "system_samples_1h")
TIERS: tuple[Tier, ...] = (RAW, MINUTE, HOUR)


@dataclass(frozen=True, slots=True)
class MetricColumn:
    """A core metric's stored column: raw tables name it ``column``, rollups ``column_avg`` / ``column_max``.

    Attributes:
        scale: Core units per stored unit (decoded value = stored * scale).
    """

    metric: str
    column: str
    scale: float

    def decode(self, stored: float) -> float:
        return float(stored) * self.scale


PROGRAM_COLUMNS: Mapping[str, MetricColumn] = MappingProxyType(
    {
        "cpu_percent": MetricColumn("cpu_percent", "cpu", 1 / PERCENT_SCALE),
        "memory_rss": MetricColumn("memory_rss", "rss", MEMORY_UNIT),
        "memory_private": MetricColumn("memory_private", "private", MEMORY_UNIT),
        "threads": MetricColumn("threads", "threads", 1),
        "handles": MetricColumn("handles", "handles", 1),
        "io_read_bps": MetricColumn("io_read_bps", "io_read", 1),
        "io_write_bps": MetricColumn("io_write_bps", "io_write", 1),
    }
)

SYSTEM_COLUMNS: Mapping[str, MetricColumn] = MappingProxyType(
    {
        "cpu_percent": MetricColumn("cpu_percent", "cpu", 1 / PERCENT_SCALE),
        "memory_used": MetricColumn("memory_used", "memory_used", MEMORY_UNIT),
        "memory_percent": MetricColumn("memory_percent", "memory_percent", 1 / PERCENT_SCALE),
        "swap_used": MetricColumn("swap_used", "swap_used", MEMORY_UNIT),
        "net_sent_bps": MetricColumn("net_sent_bps", "net_sent", 1),
        "net_recv_bps": MetricColumn("net_recv_bps", "net_recv", 1),
    }
)

#: Column lists in table order, as the INSERT statements and rollups use them.
PROGRAM_VALUE_COLUMNS: tuple[str, ...] = tuple(c.column for c in PROGRAM_COLUMNS.values())
SYSTEM_VALUE_COLUMNS: tuple[str, ...] = tuple(c.column for c in SYSTEM_COLUMNS.values())

INSERT_PROGRAM_SAMPLE = (
    f"INSERT OR REPLACE INTO {RAW.program_table} (program_id, t, {', '.join(PROGRAM_VALUE_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (2 + len(PROGRAM_VALUE_COLUMNS)))})"
)
INSERT_SYSTEM_SAMPLE = (
    f"INSERT OR REPLACE INTO {RAW.system_table} (t, {', '.join(SYSTEM_VALUE_COLUMNS)}, per_core) "
    f"VALUES ({', '.join('?' * (2 + len(SYSTEM_VALUE_COLUMNS)))})"
)

ProgramSampleRow = tuple[
    int, int, int | None, int | None, int | None, int | None, int | None, int | None, int | None
]
SystemSampleRow = tuple[int, int | None, int | None, int | None, int | None, int | None, int | None, bytes]


def to_ms(seconds: float) -> int:
    """Epoch seconds as the stored integer milliseconds."""
    return round(seconds * MS_PER_SECOND)


def to_seconds(ms: int) -> float:
    return ms / MS_PER_SECOND


def program_sample_row(sample: ProgramSample) -> ProgramSampleRow:
    """The raw row of one program sample, in ``INSERT_PROGRAM_SAMPLE`` order."""
    return (
        sample.program_id,
        to_ms(sample.time),
        _stored(sample.cpu_percent, PERCENT_SCALE),
        _stored(sample.memory_rss, 1 / MEMORY_UNIT),
        None if sample.memory_private is None else _stored(sample.memory_private, 1 / MEMORY_UNIT),
        _stored(sample.threads, 1),
        _stored(sample.handles, 1),
        _stored(sample.io_read_bps, 1),
        _stored(sample.io_write_bps, 1),
    )


def system_sample_row(sample: SystemSample) -> SystemSampleRow:
    """The raw row of one system sample, in ``INSERT_SYSTEM_SAMPLE`` order."""
    return (
        to_ms(sample.time),
        _stored(sample.cpu_percent, PERCENT_SCALE),
        _stored(sample.memory_used, 1 / MEMORY_UNIT),
        _stored(sample.memory_percent, PERCENT_SCALE),
        _stored(sample.swap_used, 1 / MEMORY_UNIT),
        _stored(sample.net_sent_bps, 1),
        _stored(sample.net_recv_bps, 1),
        encode_per_core(sample.cpu_per_core),
    )


def encode_per_core(percents: Iterable[float]) -> bytes:
    """One byte per core: percent * 2, clamped to 0..200 (a NaN reads as 0)."""
    return bytes(
        min(100 * PER_CORE_SCALE, max(0, round(p * PER_CORE_SCALE))) if math.isfinite(p) else 0
        for p in percents
    )


def decode_per_core(blob: bytes) -> tuple[float, ...]:
    return tuple(b / PER_CORE_SCALE for b in blob)


def program_ids_in(connection: sqlite3.Connection, table: str) -> Iterator[int]:
    """Yield the distinct program ids of a ``(program_id, t)`` table, one index seek per id.

    ``SELECT DISTINCT`` would read every row; stepping with ``MIN(program_id) > previous`` touches only the
    first key of each program, which keeps rollup and pruning cheap on millions of rows.
    """
    statement = f"SELECT MIN(program_id) FROM {table} WHERE program_id > ?"
    previous = -(2**63)
    while True:
        (found,) = connection.execute(statement, (previous,)).fetchone()
        if found is None:
            return
        yield found
        previous = found


def earliest_time(connection: sqlite3.Connection, tier: Tier, since_ms: int | None) -> int | None:
    """The first row time of ``tier`` at or after ``since_ms`` (any if ``None``), programs and system."""
    bound = -(2**63) if since_ms is None else since_ms
    times = [
        connection.execute(
            f"SELECT MIN(t) FROM {tier.program_table} WHERE program_id = ? AND t >= ?", (program_id, bound)
        ).fetchone()[0]
        for program_id in list(program_ids_in(connection, tier.program_table))
    ]
    times.append(
        connection.execute(f"SELECT MIN(t) FROM {tier.system_table} WHERE t >= ?", (bound,)).fetchone()[0]
    )
    present = [t for t in times if t is not None]
    return min(present) if present else None


def _stored(value: float, scale: float) -> int | None:
    """``value * scale`` rounded; a non-finite reading is stored as NULL rather than failing the batch."""
    scaled = value * scale
    return round(scaled) if math.isfinite(scaled) else None
