"""A process killed in the middle of writing loses nothing it reported as committed and stays consistent."""

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from monitor_app.storage import Storage

WRITER = Path(__file__).resolve().parents[1] / "helpers" / "storage_crash_writer.py"
PROGRAMS = 50
COMMITS_BEFORE_KILL = 25


def test_storage_survives_kill_mid_batch_with_every_reported_commit(tmp_path: Path) -> None:
    db_path = tmp_path / "monitor.db"
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(db_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    try:
        reported = 0
        for line in writer.stdout:
            if line.startswith("committed "):
                reported = int(line.split()[1])
                if reported >= COMMITS_BEFORE_KILL:
                    break
        writer.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no cleanup runs
        for line in writer.stdout:  # commits reported between our last read and the kill
            if line.startswith("committed "):
                reported = int(line.split()[1])
        writer.wait(timeout=30)
        assert reported >= COMMITS_BEFORE_KILL, writer.stderr.read() if writer.stderr else ""
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait(timeout=30)
        for stream in (writer.stdout, writer.stderr):
            if stream is not None:
                stream.close()

    storage = Storage.open(db_path)
    try:
        assert storage.integrity_check() == "ok"
        assert len(storage.load_programs()) == PROGRAMS
        start = 1_700_002_800.0  # the writer's first tick
        ticks = len(
            storage.series(None, "cpu_percent", start, start + 3600, 100_000, now=start + 3600).points
        )
    finally:
        storage.close()
    with closing(sqlite3.connect(db_path)) as connection:
        (program_rows,) = connection.execute("SELECT count(*) FROM program_samples").fetchone()
        (system_rows,) = connection.execute("SELECT count(*) FROM system_samples").fetchone()
        (events,) = connection.execute("SELECT count(*) FROM events").fetchone()
        (threads_rows,) = connection.execute(
            "SELECT count(*) FROM program_samples WHERE threads = program_id"
        ).fetchone()
    # Every reported commit is there; at most the one being written when killed may also be there.
    assert reported <= system_rows <= reported + 1
    assert ticks == system_rows
    # Batches are all-or-nothing: each tick has all 50 programs, the system and its event.
    assert program_rows == PROGRAMS * system_rows == threads_rows
    assert events == system_rows
