"""What a sampling tick costs: ProcessTreeSampler over 50 programs against a bare psutil loop; SystemSampler.

Run: ``python bench/bench_sampling.py [--programs 50] [--rounds 200]``. Prints figures; it is not a test.

Both sides sample the SAME processes: 50 sleeping programs, 10 of them with one or two children (the bare loop
is given the children too). The bare loop is DESIGN.md's reference: long-lived ``psutil.Process`` objects,
``with p.oneshot(): p.cpu_percent(); p.memory_info()``. Rounds alternate A/B so drift hits both alike.

The sampler runs on a simulated clock that advances one sampling interval (1 s) per round, so its periodic
work lands as often as in the app: the tree scan every ``tree_refresh_s`` (5) rounds and each process's slow
fields every ``slow_every`` (5) rounds. The median round is a tick without a scan; the mean includes scans.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import psutil

from monitor_app.core.model import ProcessIdentity
from monitor_app.metrics.process import ProcessTreeSampler, _ppid_map
from monitor_app.metrics.system import SystemSampler

LIFETIME_S = 300  # children end by themselves if this script is killed without cleaning up

LEAF = f"import time\nprint('ready', flush=True)\ntime.sleep({LIFETIME_S})"
ROOT = f"""
import subprocess, sys, time
leaf = sys.argv[1]
kids = [subprocess.Popen([sys.executable, "-c", leaf], stdout=subprocess.PIPE, text=True)
        for _ in range(int(sys.argv[2]))]
for kid in kids:
    kid.stdout.readline()
print("ready", *[kid.pid for kid in kids], flush=True)
time.sleep({LIFETIME_S})
"""


class Fleet:
    """The programs under measurement, each a root process and maybe children."""

    def __init__(self) -> None:
        self.roots: list[subprocess.Popen[str]] = []
        self.children: list[int] = []

    def spawn(self, programs: int, with_children: int) -> None:
        for i in range(programs):
            kids = (1 + i % 2) if i < with_children else 0
            popen = subprocess.Popen(
                [sys.executable, "-c", ROOT, LEAF, str(kids)],
                stdout=subprocess.PIPE,
                text=True,
                start_new_session=os.name == "posix",
            )
            self.roots.append(popen)
        for popen in self.roots:  # all start in parallel; collect their ready lines afterwards
            assert popen.stdout is not None
            line = popen.stdout.readline().split()
            if not line or line[0] != "ready":
                raise RuntimeError(f"program {popen.pid} failed to start")
            self.children += [int(pid) for pid in line[1:]]

    def identities(self) -> dict[int, ProcessIdentity]:
        targets = {}
        for program_id, popen in enumerate(self.roots, start=1):
            process = psutil.Process(popen.pid)
            targets[program_id] = ProcessIdentity(popen.pid, process.create_time(), sys.executable)
        return targets

    def all_pids(self) -> list[int]:
        return [p.pid for p in self.roots] + self.children

    def kill(self) -> None:
        for pid in self.children:
            try:
                psutil.Process(pid).kill()
            except psutil.Error:
                pass
        for popen in self.roots:
            if os.name == "posix":
                try:
                    os.killpg(popen.pid, signal.SIGKILL)
                except OSError:
                    pass
            popen.kill()
            popen.wait(timeout=10)
            if popen.stdout is not None:
                popen.stdout.close()


def bare_loop(processes: list[psutil.Process]) -> Callable[[], None]:
    def run() -> None:
        for p in processes:
            with p.oneshot():
                p.cpu_percent()
                p.memory_info()

    return run


def sampler_round(sampler: ProcessTreeSampler, clock: list[float]) -> Callable[[], None]:
    def run() -> None:
        clock[0] += 1.0  # one sampling interval per round
        sampler.sample(time.time())

    return run


def interleaved(
    a: Callable[[], None], b: Callable[[], None], rounds: int, warmup: int
) -> tuple[list[int], list[int]]:
    for _ in range(warmup):
        a()
        b()
    times_a: list[int] = []
    times_b: list[int] = []
    for i in range(rounds):
        for run, times in ((a, times_a), (b, times_b)) if i % 2 == 0 else ((b, times_b), (a, times_a)):
            start = time.perf_counter_ns()
            run()
            times.append(time.perf_counter_ns() - start)
    return times_a, times_b


def timed(run: Callable[[], None], rounds: int, warmup: int) -> list[int]:
    for _ in range(warmup):
        run()
    times = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        run()
        times.append(time.perf_counter_ns() - start)
    return times


def us(ns: float) -> float:
    return ns / 1000.0


def report(label: str, ours: list[int], bare: list[int], nproc: int) -> None:
    ours_med, bare_med = statistics.median(ours), statistics.median(bare)
    ours_mean, bare_mean = statistics.fmean(ours), statistics.fmean(bare)
    print(f"\n{label}")
    print(f"  {'':22s} {'median/round':>13s} {'mean/round':>11s} {'median/proc':>12s} {'mean/proc':>10s}")
    rows = (("bare psutil loop", bare_med, bare_mean), ("ProcessTreeSampler", ours_med, ours_mean))
    for name, med, mean in rows:
        print(
            f"  {name:22s} {us(med):10.0f} µs {us(mean):8.0f} µs"
            f" {us(med) / nproc:9.1f} µs {us(mean) / nproc:7.1f} µs"
        )
    print(
        f"  ratio ours/bare: median {ours_med / bare_med:.2f}, mean {ours_mean / bare_mean:.2f}"
        "  (target <= 1.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=50)
    parser.add_argument("--with-children", type=int, default=10, help="programs that have 1-2 children")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()

    fleet = Fleet()
    try:
        started = time.perf_counter()
        fleet.spawn(args.programs, args.with_children)
        pids = fleet.all_pids()
        print(f"psutil {psutil.__version__}, Python {sys.version.split()[0]}, {sys.platform}, "
              f"{psutil.cpu_count()} logical CPUs, {len(psutil.pids())} processes on the machine")
        print(f"{args.programs} programs, {len(pids)} processes sampled "
              f"({len(fleet.children)} children); spawned in {time.perf_counter() - started:.1f} s")
        time.sleep(0.5)  # let the children's interpreters settle after start-up

        bare = bare_loop([psutil.Process(pid) for pid in pids])
        targets = fleet.identities()
        for slow_every in (5, 1):
            clock = [0.0]
            sampler = ProcessTreeSampler(tree_refresh_s=5.0, slow_every=slow_every, clock=lambda: clock[0])
            sampler.set_targets(targets)
            counted = sum(s.processes for s in sampler.sample(time.time()))
            assert counted == len(pids), f"sampler sees {counted} processes, expected {len(pids)}"
            ours, base = interleaved(sampler_round(sampler, clock), bare, args.rounds, args.warmup)
            label = (f"slow_every={slow_every}, tree_refresh_s=5, one round = one 1 s tick"
                     + (" (the default)" if slow_every == 5 else " (every field every tick, for reference)"))
            report(label, ours, base, len(pids))

        scan = timed(lambda: _ppid_map(), 50, 5)
        print(f"\n  one parent-map scan (ppid_map, {len(psutil.pids())} processes): "
              f"median {us(statistics.median(scan)):.0f} µs, paid once per tree_refresh_s")

        system = SystemSampler()
        sys_times = timed(lambda: system.sample(time.time()), args.rounds, args.warmup)
        print(f"\nSystemSampler.sample(): median {us(statistics.median(sys_times)):.0f} µs, "
              f"mean {us(statistics.fmean(sys_times)):.0f} µs "
              f"({len(system.sample(time.time()).disks)} disk(s))")
        print(f"\ntotal run time {time.perf_counter() - started:.1f} s")
    except KeyboardInterrupt:
        print("\ninterrupted; cleaning up", file=sys.stderr)
    finally:
        fleet.kill()


if __name__ == "__main__":
    main()
