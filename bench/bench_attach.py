"""Attaching the window to a running engine: time to the first painted table, and how fast a change shows.

Run (offscreen by default; prints figures, not a test):

    python bench/bench_attach.py [--programs 20] [--runs 5] [--changes 40]

A headless engine (``python -m monitor_app --headless``) runs on a temporary data dir with ``--programs``
sleeping programs. ``first table``: the app is launched as a user launches it (``python -m monitor_app``), finds
the engine through its advertisement and attaches; measured from the OS creation time of that process to the
first paint of the programs table showing every program (target <= 1.5 s). ``change``: a window attached in
this process; each program is stopped and started through the API, and each state change is timed from the
moment the engine made it (its ``state_since``, same clock) to the moment the window's facade has it
(target <= 200 ms).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_gui import compile_bytecode, kill_children, kill_programs, register_programs

PASSWORD = "bench attach password 1"

# Runs inside the measured process: the app as a user starts it, plus a probe for the first full table paint.
FIRST_TABLE_PROBE = r"""
import sys, time, psutil
created = psutil.Process().create_time()
expected = int(sys.argv.pop(1))
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
import monitor_app.desktop as desktop

class FirstTable(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self.window.model.rowCount() >= expected:
            print(f"FIRST_TABLE {time.time() - created:.4f} RSS {psutil.Process().memory_info().rss}", flush=True)
            QApplication.instance().quit()
        return False

original = desktop.DesktopApp.start
def start(self):
    assert self.remote is not None, "the window did not attach"
    probe = FirstTable(self.window)
    probe.window = self.window
    self.window.table.viewport().installEventFilter(probe)
    self._probe = probe
    original(self)
desktop.DesktopApp.start = start
from monitor_app.app import main
sys.exit(main(sys.argv[1:]))
"""


def start_engine(data: Path) -> subprocess.Popen[bytes]:
    engine = subprocess.Popen(
        [sys.executable, "-m", "monitor_app", "--headless", "--data-dir", str(data), "--log-level", "WARNING"],
        env={**os.environ, "MONITOR_ADMIN_PASSWORD": PASSWORD},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if json.loads((data / "engine.json").read_text())["pid"] == engine.pid:
                return engine
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.05)
    raise SystemExit("the headless engine did not advertise itself")


def bench_first_table(data: Path, programs: int, runs: int) -> None:
    compile_bytecode()
    times, rss = [], []
    for run in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", FIRST_TABLE_PROBE, str(programs), "--data-dir", str(data), "--log-level", "WARNING"],
            capture_output=True, text=True, timeout=120, cwd=ROOT, check=False,
        )
        line = next((row for row in out.stdout.splitlines() if row.startswith("FIRST_TABLE")), None)
        if line is None:
            print(out.stdout, out.stderr)
            raise SystemExit("no table painted")
        parts = line.split()
        times.append(float(parts[1]))
        rss.append(int(parts[3]))
        print(f"  run {run + 1}: table with {programs} programs painted after {float(parts[1]) * 1000:.0f} ms")
    print(f"attach, first painted table ({runs} runs, process creation -> paint with every program):")
    print(f"  median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms   (target <= 1500 ms);"
          f" window RSS {statistics.median(rss) / 2**20:.0f} MiB")


def bench_changes(data: Path, changes: int) -> None:
    import requests
    from PySide6.QtWidgets import QApplication

    from monitor_app.engine.attach import attach_local

    app = QApplication.instance() or QApplication([])
    engine = attach_local(data)
    assert engine is not None
    latencies: list[float] = []
    engine.status_changed.connect(lambda status: latencies.append(time.time() - status.state_since))
    engine.start()
    deadline = time.monotonic() + 30
    while not engine.connected and time.monotonic() < deadline:
        app.processEvents()
    headers = {"Authorization": f"Bearer {engine.endpoint.token}"}
    ids = [spec.id for spec in engine.programs()]
    latencies.clear()
    done = 0
    while done < changes:
        for verb in ("stop", "start"):
            program_id = ids[done % len(ids)]
            requests.post(f"{engine.endpoint.base_url}/api/programs/{program_id}/{verb}", headers=headers, timeout=10)
            until = time.monotonic() + 3
            while time.monotonic() < until:  # the stop ladder or start window ends within ~1 s
                app.processEvents()
                state = engine.status(program_id).state.value
                if (verb == "stop" and state == "stopped") or (verb == "start" and state == "running"):
                    break
        done += 1
    engine.shutdown()
    ms = sorted(value * 1000 for value in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(f"engine state change -> attached window ({len(ms)} changes over {changes} stop/start cycles):")
    print(f"  median {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms   (target <= 200 ms)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--programs", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--changes", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        register_programs(data, args.programs)
        # The seed's rate limit on program commands (per minute) would throttle this many stop/start cycles.
        from monitor_app.settings import SETTINGS_FILE_NAME, Settings, SettingsStore

        SettingsStore(data / SETTINGS_FILE_NAME).save(Settings().replace(api_limit_action=100_000))
        engine = start_engine(data)
        try:
            bench_first_table(data, args.programs, args.runs)
            bench_changes(data, args.changes)
        finally:
            engine.terminate()
            engine.wait(timeout=30)
            kill_programs(data)
            kill_children()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
