"""Readers on other threads see committed batches while the single writer keeps writing on its own thread."""

import threading
from pathlib import Path

from monitor_app.core.model import Event
from monitor_app.core.states import EventKind
from monitor_app.storage import Storage, WriteBatch
from tests.unit.storage.builders import T0, spec, tick

TICKS = 300


def test_storage_readers_on_other_threads_see_commits_while_writing(tmp_path: Path) -> None:
    storage = Storage.open(tmp_path / "monitor.db")
    storage.write(WriteBatch(programs=tuple(spec(i) for i in range(1, 11))))
    failures: list[BaseException] = []
    written = threading.Event()

    def write_ticks() -> None:
        try:
            for n in range(TICKS):
                batch = WriteBatch(
                    ticks=(tick(T0 + n, tuple(range(1, 11))),), events=(Event(T0 + n, EventKind.STATE),)
                )
                storage.write(batch)
        except BaseException as exc:  # reported to the test thread below
            failures.append(exc)
        finally:
            storage.close()  # the writer thread's own connection
            written.set()

    writer = threading.Thread(target=write_ticks, name="storage")
    writer.start()
    seen: list[int] = []
    while not written.is_set():
        points = storage.series(10, "cpu_percent", T0, T0 + TICKS, TICKS, now=T0 + TICKS).points
        events_after = storage.events(limit=TICKS)
        # The writer may commit more between the two reads, never less.
        assert len(events_after) >= len(points)
        seen.append(len(points))
    writer.join()

    assert not failures, failures
    assert seen == sorted(seen), "a reader never sees history disappear"
    assert len(storage.series(10, "cpu_percent", T0, T0 + TICKS, TICKS, now=T0 + TICKS).points) == TICKS
    storage.close()
