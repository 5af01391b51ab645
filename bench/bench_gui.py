"""Desktop figures: cold start, RSS with programs charted, event-loop stalls, and a long soak.

Run (offscreen by default; prints figures, not a test):

    python bench/bench_gui.py startup [--programs 20] [--runs 5]   process start -> first painted main window
    python bench/bench_gui.py rss     [--programs 20] [--seconds 60] peak RSS, window open, every program charted
    python bench/bench_gui.py stall   [--programs 50] [--seconds 30] max gap of a 5 ms timer, 24 h chart open
    python bench/bench_gui.py soak    [--programs 20] [--minutes 30] 10 Hz sampling, charts visible: RSS growth

Each mode runs the real desktop app (``monitor_app.desktop.DesktopApp``) on a temporary data dir with
``--programs`` sleeping programs registered (autostart). ``startup`` runs the app as a fresh process each time
and measures from the OS creation time of that process to the first Paint event of the main window.
"""

import argparse
from dataclasses import replace
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
CHILD = str(ROOT / "tests" / "helpers" / "child.py")

# Runs inside the measured process: the app exactly as a user starts it, plus a probe for the first paint.
STARTUP_PROBE = r"""
import sys, time, psutil
created = psutil.Process().create_time()
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication
import monitor_app.desktop as desktop

class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched is self.window:
            print(f"FIRST_PAINT {time.time() - created:.4f} RSS {psutil.Process().memory_info().rss}", flush=True)
            QApplication.instance().quit()
        return False

original = desktop.DesktopApp.start
def start(self):
    probe = FirstPaint(self.window)
    probe.window = self.window
    self.window.installEventFilter(probe)
    self._probe = probe
    original(self)
desktop.DesktopApp.start = start
from monitor_app.app import main
sys.exit(main(sys.argv[1:]))
"""


def register_programs(data_dir: Path, count: int, *, autostart: bool = True) -> None:
    from monitor_app.core.model import ProgramSpec
    from monitor_app.storage import Storage, WriteBatch

    storage = Storage.open(data_dir / "monitor.db")
    specs = tuple(
        ProgramSpec(name=f"server {i + 1:02d}", path=sys.executable, args=(CHILD, "--sleep", "7200"), autostart=autostart, id=i + 1)
        for i in range(count)
    )
    storage.write(WriteBatch(programs=specs))
    storage.close()


def kill_children() -> None:
    import psutil

    for child in psutil.Process().children(recursive=True):
        try:
            child.kill()
        except psutil.Error:
            pass


def kill_programs(data_dir: Path) -> None:
    import psutil

    from monitor_app.storage import Storage

    storage = Storage.open(data_dir / "monitor.db")
    runtimes = storage.load_runtimes()
    storage.close()
    for runtime in runtimes.values():
        if runtime.identity:
            try:
                psutil.Process(runtime.identity.pid).kill()
            except psutil.Error:
                pass


def compile_bytecode() -> None:
    """Write the app's bytecode cache, as every real launch has it (the bundle ships bytecode; a source checkout
    writes ``__pycache__`` on its first launch).

    With ``PYTHONDONTWRITEBYTECODE`` set (as on the build machine) nothing writes it, and every measured launch
    would compile all ~300 modules of the app again: about a fifth of the start-up time, which no user's launch
    pays after the first.
    """
    import compileall

    for folder in ("monitor_app", "plugins"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    print("  (bytecode cache written for monitor_app/ and plugins/, as a real launch has it)")


def bench_startup(args: argparse.Namespace) -> None:
    compile_bytecode()
    times, rss = [], []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp)
            register_programs(data, args.programs, autostart=False)
            out = subprocess.run(
                [sys.executable, "-c", STARTUP_PROBE, "--data-dir", str(data), "--log-level", "WARNING"],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=ROOT,
            )
            line = next((row for row in out.stdout.splitlines() if row.startswith("FIRST_PAINT")), None)
            if line is None:
                print(out.stdout, out.stderr)
                raise SystemExit("no first paint")
            parts = line.split()
            times.append(float(parts[1]))
            rss.append(int(parts[3]))
            print(f"  run {run + 1}: first paint after {float(parts[1]) * 1000:.0f} ms, RSS {int(parts[3]) / 2**20:.0f} MiB")
    print(f"cold start, {args.programs} programs registered, {args.runs} runs (process creation -> first paint):")
    print(f"  median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms   (target <= 1200 ms)")
    print(f"  RSS at first paint: median {statistics.median(rss) / 2**20:.0f} MiB (charts not built yet)")


def run_app(data: Path, interval: float):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from monitor_app.desktop import DesktopApp
    from monitor_app.options import parse_options
    from monitor_app.settings import SystemdUserBootService, XdgAutostart

    app = QApplication.instance() or QApplication([])
    options = parse_options(["--interval", str(interval), "--data-dir", str(data)], {})
    desktop = DesktopApp(
        app,
        replace(options, api_port=0),
        data,
        tray=False,
        autostart=XdgAutostart(data / "xdg"),
        boot_service=SystemdUserBootService(config_home=data / "xdg"),
        first_run_prompt=False,
    )
    return app, desktop


def spin(app, seconds: float) -> None:  # type: ignore[no-untyped-def]
    """Run the event loop for ``seconds`` (blocking in it, as the app does; not a busy processEvents loop)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(max(0, int(seconds * 1000)), loop.quit)
    loop.exec()


def wait_running(app, desktop, count: int, timeout: float = 60) -> None:  # type: ignore[no-untyped-def]
    from monitor_app.core.states import ProgramState

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        running = sum(1 for s in desktop.engine.statuses() if s.state is ProgramState.RUNNING)
        if running >= count:
            return
        spin(app, 0.2)
    raise SystemExit(f"only {running} of {count} programs running")


def bench_rss(args: argparse.Namespace) -> None:
    import psutil

    me = psutil.Process()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        register_programs(data, args.programs)
        app, desktop = run_app(data, 1.0)
        try:
            desktop.start()
            wait_running(app, desktop, args.programs)
            peak = 0
            end = time.monotonic() + args.seconds
            ids = [p.id for p in desktop.engine.programs()]
            step = 0
            while time.monotonic() < end:
                desktop.window.select_program(ids[step % len(ids)])  # every program gets charted in turn
                step += 1
                spin(app, args.seconds / max(len(ids), 1) / 2)
                peak = max(peak, me.memory_info().rss)
        finally:
            desktop.shutdown()
            kill_programs(data)
    print(f"RSS with the window open, {args.programs} programs running and charted, over {args.seconds:g} s:")
    print(f"  peak {peak / 2**20:.0f} MiB   (target <= 160 MiB)")


def fill_24h(data: Path, program_id: int) -> None:
    """24 h of one-second samples for one program, as the storage would hold after a day."""
    from monitor_app.core.model import MetricsTick, ProgramSample
    from monitor_app.storage import Storage, WriteBatch

    storage = Storage.open(data / "monitor.db")
    now = time.time()
    batch = []
    for i in range(86_400):
        t = now - 86_400 + i
        batch.append(MetricsTick(time=t, system=None, programs=(ProgramSample(program_id, t, 5.0 + (i % 600) / 60, 200 * 2**20 + i * 100),)))
        if len(batch) == 3600:
            storage.write(WriteBatch(ticks=tuple(batch)))
            batch = []
    storage.close()


def bench_stall(args: argparse.Namespace) -> None:
    from PySide6.QtCore import Qt, QTimer

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        register_programs(data, args.programs)
        fill_24h(data, 1)
        app, desktop = run_app(data, 1.0)
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        try:
            desktop.start()
            wait_running(app, desktop, args.programs)
            desktop.window.select_program(1)
            spin(app, 1.0)
            timer = QTimer()
            timer.setTimerType(Qt.TimerType.PreciseTimer)
            timer.timeout.connect(tick)
            timer.start(5)
            last[0] = time.perf_counter()
            shown: list[str] = []
            desktop.window.detail.history_shown.connect(shown.append)
            desktop.window.detail.set_range("24h")  # open the 24 h chart while the timer watches
            while not shown:
                spin(app, 0.1)
            load_gap = max(gaps)
            spin(app, args.seconds)  # and keep it open while 50 programs are sampled
            timer.stop()
        finally:
            desktop.shutdown()
            kill_programs(data)
    gaps_ms = sorted(g * 1000 for g in gaps)
    print(f"GUI event loop, {args.programs} programs sampled at 1 Hz, a 24 h chart opened then kept open {args.seconds:g} s:")
    print(
        f"  5 ms timer gaps: median {statistics.median(gaps_ms):.1f} ms, p99 {gaps_ms[int(len(gaps_ms) * 0.99)]:.1f} ms,"
        f" max {gaps_ms[-1]:.1f} ms   (target: max stall <= 50 ms); while the chart loaded: max {load_gap * 1000:.1f} ms"
    )


def rss_by_mapping() -> dict[str, int]:
    """RSS of this process by kind of mapping (Linux): where growth comes from, if it grows."""
    kinds: dict[str, int] = {}
    current = "?"
    try:
        with open("/proc/self/smaps") as f:
            for line in f:
                parts = line.split()
                if "-" in parts[0] and len(parts) >= 5:
                    name = parts[5] if len(parts) >= 6 else ""
                    current = (
                        "heap" if name == "[heap]" else "anon" if not name else "stack" if name.startswith("[stack")
                        else "shared-lib" if ".so" in name else "file" if name.startswith("/") else name
                    )
                elif parts[0] == "Rss:":
                    kinds[current] = kinds.get(current, 0) + int(parts[1]) * 1024
    except OSError:
        pass
    return kinds


def bench_soak(args: argparse.Namespace) -> None:
    import psutil

    me = psutil.Process()
    samples: list[tuple[float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        register_programs(data, args.programs)
        app, desktop = run_app(data, 0.1)
        try:
            desktop.start()
            wait_running(app, desktop, args.programs)
            ids = [p.id for p in desktop.engine.programs()]
            start = time.monotonic()
            end = start + args.minutes * 60
            step = 0
            while time.monotonic() < end:
                desktop.window.select_program(ids[step % len(ids)])
                desktop.window.tabs.setCurrentIndex(0 if step % 4 else 1)  # programs tab, now and then system
                if step % 6 == 0:
                    desktop.window.detail.set_range("1h")
                elif step % 6 == 1:
                    desktop.window.detail.set_range("live")
                step += 1
                spin(app, 10.0)
                samples.append((time.monotonic() - start, me.memory_info().rss))
                if step % 6 == 0:
                    kinds = ", ".join(f"{k} {v / 2**20:.1f}" for k, v in sorted(rss_by_mapping().items()) if v > 2**20)
                    print(f"  {samples[-1][0] / 60:5.1f} min  RSS {samples[-1][1] / 2**20:.1f} MiB  ({kinds})", flush=True)
        finally:
            desktop.shutdown()
            kill_programs(data)
    warm = args.warmup * 60
    after = [rss for t, rss in samples if t >= warm]
    base = after[0]
    end_rss = statistics.mean(after[-3:])
    growth = (end_rss - base) / base * 100
    print(f"soak: {args.minutes:g} min at 10 Hz sampling, {args.programs} programs, charts visible, offscreen")
    print(
        f"  RSS after {args.warmup:g} min warm-up {base / 2**20:.1f} MiB -> end {end_rss / 2**20:.1f} MiB:"
        f" growth {growth:+.1f} %   (target <= 5 %); peak {max(r for _, r in samples) / 2**20:.1f} MiB; no crash"
    )
    # The figure above compares single 10 s samples, and the window's RSS swings by a few MiB while a history
    # range loads; the medians of the first and last minute show the trend without those swings.
    first_minute = [rss for t, rss in samples if warm <= t < warm + 60]
    last_minute = [rss for t, rss in samples if t >= samples[-1][0] - 60]
    if first_minute and last_minute:
        start_median, end_median = statistics.median(first_minute), statistics.median(last_minute)
        print(
            f"  median of the first minute after warm-up {start_median / 2**20:.1f} MiB -> of the last minute"
            f" {end_median / 2**20:.1f} MiB: growth {(end_median - start_median) / start_median * 100:+.1f} %"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("startup")
    p.add_argument("--programs", type=int, default=20)
    p.add_argument("--runs", type=int, default=5)
    p = sub.add_parser("rss")
    p.add_argument("--programs", type=int, default=20)
    p.add_argument("--seconds", type=float, default=60)
    p = sub.add_parser("stall")
    p.add_argument("--programs", type=int, default=50)
    p.add_argument("--seconds", type=float, default=30)
    p = sub.add_parser("soak")
    p.add_argument("--programs", type=int, default=20)
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--warmup", type=float, default=5)
    args = parser.parse_args()
    try:
        {"startup": bench_startup, "rss": bench_rss, "stall": bench_stall, "soak": bench_soak}[args.mode](args)
    finally:
        kill_children()
    return 0


if __name__ == "__main__":
    sys.exit(main())
