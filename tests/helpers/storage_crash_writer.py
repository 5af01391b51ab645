"""Writes one batch per tick (50 programs, the system, one event) in a tight loop until killed.

Prints ``ready`` once the programs are stored, then ``committed N`` after the N-th tick's commit returned,
so a test can kill it at an arbitrary moment and check that every reported commit survived.
Run as ``python storage_crash_writer.py DB_PATH``.
"""

import sys

from monitor_app.core.model import Event, MetricsTick, ProgramSample, ProgramSpec, SystemSample
from monitor_app.core.states import EventKind
from monitor_app.storage import Storage, WriteBatch

PROGRAMS = 50
T0 = 1_700_002_800.0


def main(path: str) -> None:
    storage = Storage.open(path)
    storage.write(
        WriteBatch(
            programs=tuple(ProgramSpec(name=f"p{i}", path=f"/srv/{i}", id=i) for i in range(1, PROGRAMS + 1))
        )
    )
    print("ready", flush=True)
    committed = 0
    while True:
        time = T0 + committed
        system = SystemSample(
            time, 10.0, (10.0, 20.0), 8 << 30, 4 << 30, 50.0, 0, 0, 0.0, (), 0.0, 0.0, T0, 0.0
        )
        samples = tuple(ProgramSample(i, time, 1.5, 100 << 20, threads=i) for i in range(1, PROGRAMS + 1))
        storage.write(
            WriteBatch(
                ticks=(MetricsTick(time, system, samples),),
                events=(Event(time, EventKind.STATE, program_id=1 + committed % PROGRAMS),),
            )
        )
        committed += 1
        print(f"committed {committed}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
