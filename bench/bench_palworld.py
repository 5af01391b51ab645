"""Palworld plugin figures: action round trip and the cost of the panel's player polling.

Run: ``python bench/bench_palworld.py [--calls 300]``. Prints figures; it is not a test.

A real engine with the bundled Palworld plugin attached to a program, talking to the fake Palworld REST server
(the one the tests use) on 127.0.0.1, and to the Palworld-quirks RCON peer:

- round trip: ``info`` through the plugin host (API thread → plugin thread → HTTP or RCON → back), median and p99
  over ``--calls`` calls, for REST and for RCON (target ≤ 20 ms median);
- polling cost: the plugin's 5 s poll (players + metrics over REST) measured in CPU time of the plugin thread,
  scaled to CPU-seconds per minute (target ≤ 0.05).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402

from monitor_app.core.model import ProgramSpec  # noqa: E402
from monitor_app.core.states import Cause  # noqa: E402
from monitor_app.engine.config import EngineConfig  # noqa: E402
from monitor_app.engine.local import LocalEngine  # noqa: E402
from monitor_app.resources import bundled_plugins_dir  # noqa: E402
from tests.helpers.palworld_rest import FakePalworldRest  # noqa: E402
from tests.helpers.rcon_peer import PalworldPeer  # noqa: E402


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def round_trips(engine: LocalEngine, instance_id: int, calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        engine.plugins.run_action(instance_id, "info", {})
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    app = QCoreApplication([])  # noqa: F841
    with tempfile.TemporaryDirectory() as tmp, FakePalworldRest() as fake, PalworldPeer(password=fake.password) as peer:
        engine = LocalEngine(EngineConfig(data_dir=Path(tmp), plugin_dirs=(bundled_plugins_dir(),)))
        engine.start()
        spin(0.5)
        spec = engine.add_program(ProgramSpec(name="pal", path=sys.executable, args=("-c", "pass")),
                                  cause=Cause.USER, actor="bench")
        base = {"rest_port": fake.port, "rcon_port": peer.port, "admin_password": fake.password}
        rest = engine.plugins.attach(spec.id, "palworld", {**base, "transport": "rest"})
        rcon = engine.plugins.attach(spec.id, "palworld", {**base, "transport": "rcon"})
        spin(1.0)
        try:
            figures = {name: round_trips(engine, instance.id, args.calls) for name, instance in
                       (("REST", rest), ("RCON", rcon))}
            runner = engine.plugins._runners[rest.id]
            polls = 60
            cpu = runner.submit(lambda plugin: _poll_cpu(plugin, polls)).result(60)
        finally:
            engine.shutdown()
    print(f"Palworld plugin action round trip (info), {args.calls} calls each, local peers:")
    for name, values in figures.items():
        print(f"  {name:4s} median {statistics.median(values):.2f} ms   p99 {percentile(values, 0.99):.2f} ms"
              f"   (target: median <= 20 ms)")
    per_minute = cpu / polls * 12  # one poll every 5 s
    print(f"player polling (players + metrics over REST): {cpu / polls * 1000:.2f} ms CPU per poll ->"
          f" {per_minute:.4f} CPU-s per minute at one poll per 5 s   (target <= 0.05)")
    return 0


def _poll_cpu(plugin, polls: int) -> float:  # type: ignore[no-untyped-def]
    start = time.thread_time()
    for _ in range(polls):
        plugin.poll()
    return time.thread_time() - start


if __name__ == "__main__":
    sys.exit(main())
