"""Storage figures: write cost per tick, bytes per stored sample, time to read a day as a chart series.

Run with ``python bench/bench_storage.py [--hours H]``. Prints figures against the targets in DESIGN.md
(one tick of 50 programs <= 2 ms, <= 40 bytes per raw program sample, 24 h of one program read as 1,000
points <= 150 ms). Not a test: numbers depend on the machine and its disk.
"""

import argparse
import os
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from monitor_app.core.model import MetricsTick, ProgramSample, ProgramSpec, SystemSample
from monitor_app.storage import Retention, Storage, WriteBatch
from monitor_app.storage.db import PAGE_SIZE, WAL_AUTOCHECKPOINT_PAGES
from monitor_app.storage.pruning import PRUNE_CHUNK_MS
from monitor_app.storage.rollup import MINUTE_CHUNK_MS

PROGRAMS = 50
T0 = 1_700_002_800.0
DAY = 86_400


class Workload:
    """Plausible samples: CPU and memory wander, I/O is often idle, a few programs are busy."""

    def __init__(self, programs: int, seed: int = 7) -> None:
        self._random = random.Random(seed)
        self._cpu = [self._random.uniform(0.5, 20.0) for _ in range(programs)]
        self._rss = [self._random.randrange(50 << 20, 8 << 30) for _ in range(programs)]
        self._programs = programs

    def tick(self, time_s: float) -> MetricsTick:
        rnd = self._random
        samples = []
        for index in range(self._programs):
            self._cpu[index] = min(100.0, max(0.0, self._cpu[index] + rnd.gauss(0, 0.8)))
            self._rss[index] = max(1 << 20, self._rss[index] + rnd.randrange(-(1 << 20), 1 << 20))
            samples.append(
                ProgramSample(
                    program_id=index + 1,
                    time=time_s,
                    cpu_percent=self._cpu[index],
                    memory_rss=self._rss[index],
                    memory_private=int(self._rss[index] * 0.8),
                    threads=20 + index % 60,
                    handles=200 + index * 7,
                    io_read_bps=rnd.choice((0.0, 0.0, 0.0, rnd.uniform(0, 2e6))),
                    io_write_bps=rnd.choice((0.0, 0.0, rnd.uniform(0, 5e5))),
                )
            )
        system = SystemSample(
            time=time_s,
            cpu_percent=rnd.uniform(5, 60),
            cpu_per_core=tuple(rnd.uniform(0, 100) for _ in range(16)),
            memory_total=32 << 30,
            memory_used=rnd.randrange(8 << 30, 24 << 30),
            memory_percent=rnd.uniform(25, 75),
            swap_total=8 << 30,
            swap_used=rnd.randrange(0, 2 << 30),
            swap_percent=rnd.uniform(0, 25),
            disks=(),
            net_sent_bps=rnd.uniform(0, 1e6),
            net_recv_bps=rnd.uniform(0, 1e6),
            boot_time=T0 - DAY,
            uptime_s=DAY,
        )
        return MetricsTick(time=time_s, system=system, programs=tuple(samples))


def open_with_programs(path: Path, programs: int) -> Storage:
    storage = Storage.open(path)
    specs = tuple(
        ProgramSpec(name=f"server-{i}", path=f"C:/servers/{i}/server.exe", id=i)
        for i in range(1, programs + 1)
    )
    storage.write(WriteBatch(programs=specs))
    return storage


def checkpointed_size(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return path.stat().st_size


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def bench_writes_and_size(folder: Path, hours: float) -> None:
    path = folder / "ticks.db"
    storage = open_with_programs(path, PROGRAMS)
    workload = Workload(PROGRAMS)
    empty_size = checkpointed_size(path)
    ticks = int(hours * 3600)
    durations: list[float] = []
    wal_path = Path(f"{path}-wal")
    for second in range(ticks):
        batch = WriteBatch(ticks=(workload.tick(T0 + second),))
        started = time.perf_counter()
        storage.write(batch)
        durations.append(time.perf_counter() - started)
    wal_bytes = wal_path.stat().st_size if wal_path.exists() else 0
    measured = durations
    print(f"write(): one tick of {PROGRAMS} programs + system, one transaction each, over {ticks} ticks")
    print(
        f"  median {statistics.median(measured) * 1000:.3f} ms"
        f"   p95 {percentile(measured, 0.95) * 1000:.3f} ms"
        f"   p99 {percentile(measured, 0.99) * 1000:.3f} ms   mean {statistics.fmean(measured) * 1000:.3f} ms"
        "   (target <= 2 ms)"
    )
    print(
        "  the slow tail is SQLite's WAL checkpoint, run by the commit that fills "
        f"{WAL_AUTOCHECKPOINT_PAGES} pages of WAL; WAL file now {wal_bytes / 1024:.0f} KiB"
    )

    rollup_started = time.perf_counter()
    storage.rollup(T0 + ticks + 60)
    rollup_seconds = time.perf_counter() - rollup_started
    storage.close()
    size = checkpointed_size(path)
    rows = ticks * PROGRAMS
    with sqlite3.connect(path) as connection:
        table_bytes = connection.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name = 'program_samples'"
        ).fetchone()[0]
        system_bytes = connection.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name = 'system_samples'"
        ).fetchone()[0]
        rollup_bytes = connection.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name IN ('program_samples_1m', 'program_samples_1h', "
            "'system_samples_1m', 'system_samples_1h')"
        ).fetchone()[0]
    connection.close()
    raw_growth = size - empty_size - rollup_bytes
    print(
        f"size: {hours:g} h of {PROGRAMS} interleaved programs at 1 s = {rows:,} raw program rows"
        f" (page size {PAGE_SIZE})"
    )
    print(
        f"  file growth without rollups / program rows: {raw_growth / rows:.2f} bytes   (target <= 40; "
        f"includes the {system_bytes / 1024:.0f} KiB of system rows with 16 per-core bytes each)"
    )
    print(f"  program_samples table alone: {table_bytes / rows:.2f} bytes per row")
    print(
        f"  rollup of {hours:g} h (1m + 1h tiers, chunks of 15 min): {rollup_seconds * 1000:.0f} ms; "
        f"rollup tables {rollup_bytes / 1024:.0f} KiB"
    )


def day_of_ticks(workload: Workload, batch_ticks: int) -> Iterator[WriteBatch]:
    for first in range(0, DAY, batch_ticks):
        yield WriteBatch(
            ticks=tuple(workload.tick(T0 + s) for s in range(first, min(DAY, first + batch_ticks)))
        )


def bench_day_read(folder: Path, programs: int) -> None:
    path = folder / "day.db"
    storage = open_with_programs(path, programs)
    started = time.perf_counter()
    for batch in day_of_ticks(Workload(programs, seed=11), batch_ticks=600):
        storage.write(batch)
    build_seconds = time.perf_counter() - started
    runs: list[float] = []
    points = 0
    for _ in range(9):
        started = time.perf_counter()
        series = storage.series(1, "cpu_percent", T0, T0 + DAY, 1000, now=T0 + DAY)
        runs.append(time.perf_counter() - started)
        points = len(series.points)
    system_runs: list[float] = []
    for _ in range(5):
        started = time.perf_counter()
        storage.series(None, "memory_used", T0, T0 + DAY, 1000, now=T0 + DAY)
        system_runs.append(time.perf_counter() - started)
    started = time.perf_counter()
    storage.rollup(T0 + DAY + 60)
    rollup_seconds = time.perf_counter() - started
    started = time.perf_counter()
    deleted = storage.prune(T0 + 2 * DAY + 60, Retention())
    prune_seconds = time.perf_counter() - started
    storage.close()
    print(
        f"read: 24 h of one program ({DAY:,} raw rows among {programs} programs' {programs * DAY:,};"
        f" built in {build_seconds:.0f} s)"
    )
    print(
        f"  series(..., max_points=1000) -> {points} points: median {statistics.median(runs) * 1000:.1f} ms, "
        f"first {runs[0] * 1000:.1f} ms, max {max(runs) * 1000:.1f} ms   (target <= 150 ms)"
    )
    print(f"  system memory_used, same window: median {statistics.median(system_runs) * 1000:.1f} ms")
    raw_chunks = DAY * 1000 // MINUTE_CHUNK_MS
    print(
        f"maintenance of that day: rollup {rollup_seconds:.2f} s in {raw_chunks} raw chunks + 1 hour chunk "
        f"(~{rollup_seconds / raw_chunks * 1000:.0f} ms of write lock each); prune of {deleted:,} raw rows "
        f"{prune_seconds:.2f} s in {DAY * 1000 // PRUNE_CHUNK_MS['raw']} chunks"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--hours", type=float, default=3.0, help="hours of 1 s ticks for the size figure (default 3)"
    )
    parser.add_argument(
        "--read-programs", type=int, default=PROGRAMS, help="programs sharing the 24 h read database"
    )
    args = parser.parse_args()
    print(f"SQLite {sqlite3.sqlite_version}, Python sqlite3 module, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench_storage_") as folder:
        bench_writes_and_size(Path(folder), args.hours)
        bench_day_read(Path(folder), args.read_programs)


if __name__ == "__main__":
    main()
