"""Exit detection latency: kill -9 of a managed program -> its EXITED event, over 50 kills.

Run: ``python bench/bench_exit_latency.py [--kills 50] [--programs 10]``. Prints figures; it is not a test.

A full in-process engine (supervision, sampling and storage threads, a temporary data dir) runs ``--programs``
sleeping programs with restart policy ``always``. Each round SIGKILLs one of them (a different one each time)
and waits for the RUNNING -> EXITED event. Two latencies are reported:

- detection: kill -> the event's timestamp, taken in the supervision thread when the exit reached its machine;
- delivery: kill -> the facade's ``event_recorded`` signal in the main thread (what the GUI or API sees).
"""

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor_app.core.model import ProgramSpec  # noqa: E402
from monitor_app.core.states import Cause, ProgramState  # noqa: E402
from monitor_app.engine.config import EngineConfig  # noqa: E402
from monitor_app.engine.local import LocalEngine  # noqa: E402

CHILD = str(ROOT / "tests" / "helpers" / "child.py")


def spin_until(app: QCoreApplication, condition, timeout: float) -> bool:
    """Run the event loop (blocking in it, not busy-polling) until ``condition`` holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        loop = QEventLoop()
        QTimer.singleShot(5, loop.quit)
        loop.exec()
    return True


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--programs", type=int, default=10)
    args = parser.parse_args()
    app = QCoreApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        engine = LocalEngine(EngineConfig(data_dir=Path(tmp), interval_s=1.0))
        exits: dict[int, tuple[float, float]] = {}  # pid -> (event wall time, delivery perf time)

        def on_event(event) -> None:
            if event.to_state is ProgramState.EXITED and event.details.get("pid") is None:
                exits[event.program_id] = (event.time, time.perf_counter())

        engine.event_recorded.connect(on_event)
        ready = []
        engine.ready.connect(lambda: ready.append(True))
        engine.start()
        spin_until(app, lambda: ready, 10)
        for i in range(args.programs):
            spec = engine.add_program(
                ProgramSpec(name=f"p{i}", path=sys.executable, args=(CHILD, "--sleep", "3600"), startsecs=0.2,
                            backoff_initial=0.1, backoff_max=0.1),
                cause=Cause.USER,
                actor="bench",
            )
            engine.start_program(spec.id, cause=Cause.USER, actor="bench")
        ids = [p.id for p in engine.programs()]
        detection, delivery = [], []
        try:
            for round_ in range(args.kills):
                program_id = ids[round_ % len(ids)]
                if not spin_until(app, lambda: engine.status(program_id).state is ProgramState.RUNNING, 10):
                    print(f"program {program_id} did not come back; stopping early")
                    break
                exits.pop(program_id, None)
                pid = engine.status(program_id).pid
                wall_kill, perf_kill = time.time(), time.perf_counter()
                os.kill(pid, signal.SIGKILL)
                if not spin_until(app, lambda: program_id in exits, 5):
                    print(f"no exit event for pid {pid}")
                    continue
                event_wall, delivered = exits[program_id]
                detection.append((event_wall - wall_kill) * 1000)
                delivery.append((delivered - perf_kill) * 1000)
        finally:
            for program_id in ids:
                status = engine.status(program_id)
                if status.pid:
                    try:
                        os.kill(status.pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            engine.shutdown()
    QTimer.singleShot(0, app.quit)
    print(f"exit detection over {len(detection)} kills of {args.programs} programs (kill -9 -> event):")
    for name, values in (("detection (supervision thread)", detection), ("delivery (main thread signal)", delivery)):
        print(
            f"  {name:32s} median {statistics.median(values):6.2f} ms   p99 {percentile(values, 0.99):6.2f} ms"
            f"   max {max(values):6.2f} ms"
        )
    print("  targets: median <= 100 ms, p99 <= 250 ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
