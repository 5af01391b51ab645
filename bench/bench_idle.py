"""Headless idle cost: CPU-seconds per minute and RSS of ``monitor_app --headless`` running 20 programs.

Run: ``python bench/bench_idle.py [--programs 20] [--seconds 60] [--warmup 15]``. Prints figures; not a test.

The monitor runs as a subprocess on a temporary data dir with ``--programs`` sleeping programs registered
(autostart) and the default 1 s sampling interval. After a warm-up, the monitor process's own CPU time
(user + system, its children excluded) is measured over ``--seconds``; RSS is read at the end (and the peak
over the run is printed).
"""

import argparse
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor_app.core.model import ProgramSpec  # noqa: E402
from monitor_app.storage import Storage, WriteBatch  # noqa: E402

CHILD = str(ROOT / "tests" / "helpers" / "child.py")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=15.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        storage = Storage.open(data / "monitor.db")
        storage.write(
            WriteBatch(
                programs=tuple(
                    ProgramSpec(name=f"p{i}", path=sys.executable, args=(CHILD, "--sleep", "3600"), autostart=True, id=i + 1)
                    for i in range(args.programs)
                )
            )
        )
        storage.close()
        monitor = subprocess.Popen(
            [sys.executable, "-m", "monitor_app", "--headless", "--data-dir", str(data), "--log-level", "WARNING"],
            cwd=ROOT,
        )
        process = psutil.Process(monitor.pid)
        try:
            deadline = time.monotonic() + 30
            while len(process.children()) < args.programs and time.monotonic() < deadline:
                time.sleep(0.2)
            print(f"monitor pid {monitor.pid} runs {len(process.children())} programs; warming up {args.warmup:g} s")
            time.sleep(args.warmup)
            before = process.cpu_times()
            peak = 0
            start = time.monotonic()
            while time.monotonic() - start < args.seconds:
                time.sleep(1.0)
                peak = max(peak, process.memory_info().rss)
            elapsed = time.monotonic() - start
            after = process.cpu_times()
            rss = process.memory_info().rss
            cpu = (after.user - before.user) + (after.system - before.system)
        finally:
            children = process.children(recursive=True)
            monitor.send_signal(signal.SIGTERM)
            monitor.wait(30)
            for child in children:
                try:
                    child.kill()
                except psutil.Error:
                    pass
    per_minute = cpu / elapsed * 60
    print(f"headless idle, {args.programs} programs, 1 s sampling, measured {elapsed:.0f} s:")
    print(f"  CPU  {per_minute:.3f} CPU-seconds per minute ({cpu / elapsed * 100:.2f} % of one core)   target <= 0.3")
    print(f"  RSS  {rss / 2**20:.1f} MiB at the end, peak {peak / 2**20:.1f} MiB                          target <= 80")
    return 0


if __name__ == "__main__":
    sys.exit(main())
