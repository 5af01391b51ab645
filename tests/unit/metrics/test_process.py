"""ProcessTreeSampler against real processes: CPU normalisation, tree sums, pid-reuse guards, failures."""

import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from types import SimpleNamespace

import psutil
import pytest

from monitor_app.core.model import ProcessIdentity, ProgramSample
from monitor_app.metrics import process as process_module
from monitor_app.metrics.process import ProcessTreeSampler
from tests.unit.metrics.conftest import BURNER, SLEEPER, TREE, ManualClock, Spawner, wait_until

MIB = 1024 * 1024
posix_only = pytest.mark.skipif(os.name != "posix", reason="zombies exist on POSIX only")


def by_program(samples: tuple[ProgramSample, ...]) -> dict[int, ProgramSample]:
    return {s.program_id: s for s in samples}


def test_cpu_is_normalised_to_the_whole_machine(spawn: Spawner) -> None:
    burner, sleeper = spawn(BURNER), spawn(SLEEPER)
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: burner.identity, 2: sleeper.identity})

    first = by_program(sampler.sample(time.time()))
    assert first[1].cpu_percent == 0.0  # no baseline yet
    time.sleep(0.5)  # the measuring window, not a wait for a condition
    now = time.time()
    second = by_program(sampler.sample(now))

    cores = psutil.cpu_count()
    assert second[1].time == now
    # One busy thread is at most one core's share of the machine, and clearly more than half of it.
    assert 50 / cores < second[1].cpu_percent <= min(100.0, 100 / cores * 1.2 + 1)
    assert second[2].cpu_percent < 1.0


def test_tree_sums_every_member_and_drops_a_dead_child(spawn: Spawner) -> None:
    root = spawn(TREE, TREE, "30", "2", "1")  # root -> 2 children, the first with a grandchild; 30 MiB each
    root_pid, first_child, grandchild, second_child = (int(p) for p in root.ready_line.split()[1:])
    assert psutil.Process(grandchild).ppid() == first_child
    sampler = ProcessTreeSampler(tree_refresh_s=3600)  # only the scan a new target gets
    sampler.set_targets({7: root.identity})

    (sample,) = sampler.sample(time.time())
    assert sample.program_id == 7
    assert sample.processes == 4
    assert sample.memory_rss >= 4 * 30 * MIB
    if sample.memory_private is not None:
        assert 4 * 30 * MIB <= sample.memory_private <= sample.memory_rss
    assert sample.threads >= 4
    assert sample.handles >= 4 * 3  # stdin, stdout, stderr at least

    victim = psutil.Process(second_child)
    victim.kill()  # a zombie until the root reaps it: must not count either
    wait_until(lambda: not victim.is_running() or victim.status() == psutil.STATUS_ZOMBIE)
    (after,) = sampler.sample(time.time())
    assert after.processes == 3
    assert after.memory_rss <= sample.memory_rss - 25 * MIB


def test_new_descendants_are_found_at_the_next_refresh(spawn: Spawner, clock: ManualClock) -> None:
    root = spawn(TREE, TREE, "1", "1", "0")
    sampler = ProcessTreeSampler(tree_refresh_s=5, clock=clock)
    sampler.set_targets({1: root.identity})
    assert sampler.sample(time.time())[0].processes == 2

    answer = root.send("spawn")
    assert answer.startswith("spawned")
    clock.advance(4)
    assert sampler.sample(time.time())[0].processes == 2  # not scanned yet
    clock.advance(1)
    assert sampler.sample(time.time())[0].processes == 3


def test_a_pid_owned_by_another_process_yields_no_sample(spawn: Spawner) -> None:
    sleeper = spawn(SLEEPER)
    sampler = ProcessTreeSampler()
    stale = replace(sleeper.identity, create_time=sleeper.identity.create_time - 5.0)
    sampler.set_targets({1: stale, 2: sleeper.identity})

    assert [s.program_id for s in sampler.sample(time.time())] == [2]
    assert [s.program_id for s in sampler.sample(time.time())] == [2]


@pytest.fixture
def shifted_probe(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[int, float]]:
    """Makes chosen pids look restarted: their start-time probe reads ``shift[pid]`` seconds later."""
    shift: dict[int, float] = {}
    real = process_module._START_PROBE
    if real is None:
        pytest.skip("no start-time probe on this platform")

    def probe(process: psutil.Process) -> float:
        return real(process) + shift.get(process.pid, 0.0)

    monkeypatch.setattr(process_module, "_START_PROBE", probe)
    yield shift


def test_a_pid_reused_between_ticks_stops_counting(spawn: Spawner, shifted_probe: dict[int, float]) -> None:
    root, other = spawn(TREE, TREE, "1", "2", "0"), spawn(SLEEPER)
    child = int(root.ready_line.split()[2])
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: root.identity, 2: other.identity})
    assert by_program(sampler.sample(time.time()))[1].processes == 3

    shifted_probe[child] = 1.0  # that child's pid now names a newer process
    assert by_program(sampler.sample(time.time()))[1].processes == 2
    shifted_probe[root.pid] = 1.0  # and now the root's
    assert [s.program_id for s in sampler.sample(time.time())] == [2]


def test_without_the_private_probe_the_public_check_guards(
    spawn: Spawner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(process_module, "_START_PROBE", None)
    root = spawn(TREE, TREE, "1", "1", "0")
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: root.identity})
    assert sampler.sample(time.time())[0].processes == 2
    root.popen.kill()
    root.popen.wait()
    assert sampler.sample(time.time()) == ()


def test_a_broken_private_probe_falls_back_to_the_public_check(
    spawn: Spawner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(process: psutil.Process) -> float:
        raise AttributeError("psutil internals moved")

    monkeypatch.setattr(process_module, "_START_PROBE", broken)
    sleeper = spawn(SLEEPER)
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: sleeper.identity})
    assert sampler.sample(time.time())[0].processes == 1
    assert sampler.sample(time.time())[0].processes == 1


def test_a_vanished_root_yields_no_sample(spawn: Spawner) -> None:
    gone, dying, alive = spawn(SLEEPER), spawn(SLEEPER), spawn(SLEEPER)
    gone.popen.kill()
    gone.popen.wait()
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: gone.identity, 2: dying.identity, 3: alive.identity})
    assert [s.program_id for s in sampler.sample(time.time())] == [2, 3]

    dying.popen.kill()
    dying.popen.wait()
    assert [s.program_id for s in sampler.sample(time.time())] == [3]


@posix_only
def test_an_unreaped_root_yields_no_sample(spawn: Spawner) -> None:
    zombie = spawn(SLEEPER)
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: zombie.identity})
    assert len(sampler.sample(time.time())) == 1
    os.kill(zombie.pid, signal.SIGKILL)
    wait_until(lambda: psutil.Process(zombie.pid).status() == psutil.STATUS_ZOMBIE)
    assert sampler.sample(time.time()) == ()


def test_a_pid_that_never_existed_yields_no_sample() -> None:
    pid = max(psutil.pids()) + 100_000
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: ProcessIdentity(pid, time.time(), sys.executable)})
    assert sampler.sample(time.time()) == ()


def _deny_for(monkeypatch: pytest.MonkeyPatch, method: str, pids: set[int]) -> None:
    """Make ``psutil.Process.<method>`` raise AccessDenied for ``pids``, keeping oneshot()'s cache hooks."""
    real = getattr(psutil.Process, method)

    def denied(self: psutil.Process, *args: object, **kwargs: object) -> object:
        if self.pid in pids:
            raise psutil.AccessDenied(self.pid)
        return real(self, *args, **kwargs)

    for hook in ("cache_activate", "cache_deactivate"):
        if hasattr(real, hook):
            setattr(denied, hook, getattr(real, hook))
    monkeypatch.setattr(psutil.Process, method, denied)


def test_an_access_denied_member_counts_as_zero(spawn: Spawner, monkeypatch: pytest.MonkeyPatch) -> None:
    root = spawn(TREE, TREE, "20", "1", "0")
    child = int(root.ready_line.split()[2])
    sampler = ProcessTreeSampler(slow_every=1)
    sampler.set_targets({1: root.identity})
    (full,) = sampler.sample(time.time())

    methods = ["cpu_times", "memory_info", "num_threads", "io_counters", "status", "num_fds", "num_handles"]
    for method in methods:
        if hasattr(psutil.Process, method):
            _deny_for(monkeypatch, method, {child})
    (denied,) = sampler.sample(time.time())
    assert denied.processes == 2
    assert denied.cpu_percent >= 0.0
    assert 15 * MIB < denied.memory_rss <= full.memory_rss - 15 * MIB  # only the root's memory is left
    assert 0 < denied.threads < full.threads
    assert denied.io_read_bps == 0.0 and denied.io_write_bps == 0.0


def test_an_access_denied_root_is_retried_at_the_next_refresh(
    spawn: Spawner, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    sleeper = spawn(SLEEPER)
    _deny_for(monkeypatch, "create_time", {sleeper.pid})
    sampler = ProcessTreeSampler(tree_refresh_s=5, clock=clock)
    sampler.set_targets({1: sleeper.identity})
    assert sampler.sample(time.time()) == ()

    monkeypatch.undo()
    clock.advance(5)
    assert len(sampler.sample(time.time())) == 1


def test_set_targets_keeps_replaces_and_forgets_trees(spawn: Spawner) -> None:
    burner, single, tree = spawn(BURNER), spawn(SLEEPER), spawn(TREE, TREE, "1", "2", "0")
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: burner.identity, 2: single.identity})
    sampler.sample(time.time())

    # The same targets again keep their baselines: the burner's CPU shows on the very next tick.
    sampler.set_targets({1: burner.identity, 2: single.identity})
    time.sleep(0.2)  # a measuring window
    samples = by_program(sampler.sample(time.time()))
    assert samples[1].cpu_percent > 0.0
    assert samples[2].processes == 1

    # Program 2 restarted as another tree; program 1 is no longer watched.
    sampler.set_targets({2: tree.identity})
    samples = by_program(sampler.sample(time.time()))
    assert list(samples) == [2]
    assert samples[2].processes == 3
    assert samples[2].cpu_percent == 0.0  # a new tree starts without baselines

    sampler.set_targets({})
    assert sampler.sample(time.time()) == ()


def test_slow_fields_are_read_every_n_ticks_and_io_rates_span_that_window(
    spawn: Spawner, monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    sleeper = spawn(SLEEPER)
    calls = []

    def num_threads(self: psutil.Process) -> int:
        calls.append(clock.now)
        return 3

    def io_counters(self: psutil.Process) -> SimpleNamespace:
        # 1000 B/s read and 250 B/s written, on the test's clock.
        return SimpleNamespace(read_bytes=int(1000 * clock.now), write_bytes=int(250 * clock.now))

    monkeypatch.setattr(psutil.Process, "num_threads", num_threads)
    monkeypatch.setattr(psutil.Process, "io_counters", io_counters)
    sampler = ProcessTreeSampler(slow_every=3, clock=clock)
    sampler.set_targets({1: sleeper.identity})

    samples = []
    for _ in range(7):
        samples.append(sampler.sample(time.time())[0])
        clock.advance(1.0)
    assert calls == [1000.0, 1003.0, 1006.0]
    assert all(s.threads == 3 for s in samples)
    assert [s.io_read_bps for s in samples] == [0.0] * 3 + [1000.0] * 4
    assert [s.io_write_bps for s in samples] == [0.0] * 3 + [250.0] * 4


def test_real_disk_writes_show_as_io_rate(spawn: Spawner, tmp_path: os.PathLike[str]) -> None:
    if not hasattr(psutil.Process, "io_counters"):
        pytest.skip("no per-process I/O counters on this platform")
    writer = spawn(
        "import os, sys\nprint('ready', flush=True)\n"
        "for line in sys.stdin:\n"
        "    with open(sys.argv[1], 'ab') as f:\n"
        "        f.write(os.urandom(4 << 20)); f.flush(); os.fsync(f.fileno())\n"
        "    print('written', flush=True)\n",
        str(os.path.join(tmp_path, "out.bin")),
    )
    sampler = ProcessTreeSampler(slow_every=1)
    sampler.set_targets({1: writer.identity})
    sampler.sample(time.time())
    assert writer.send("write") == "written"
    if psutil.Process(writer.pid).io_counters().write_bytes == 0:
        pytest.skip("this filesystem does not account written bytes per process")
    (sample,) = sampler.sample(time.time())
    assert sample.io_write_bps > 0


def test_threads_and_handles_are_summed(spawn: Spawner) -> None:
    busy = spawn(
        "import threading, time, sys\n"
        "files = [open(sys.executable, 'rb') for _ in range(40)]\n"
        "for _ in range(5): threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
        "print('ready', flush=True)\ntime.sleep(60)\n"
    )
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: busy.identity})
    (sample,) = sampler.sample(time.time())
    assert sample.threads >= 6
    assert sample.handles >= 40


def test_constructor_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        ProcessTreeSampler(slow_every=0)
    with pytest.raises(ValueError):
        ProcessTreeSampler(tree_refresh_s=-1)


def test_a_child_older_than_its_parent_is_not_counted(
    spawn: Spawner, monkeypatch: pytest.MonkeyPatch
) -> None:
    older = spawn(SLEEPER)
    time.sleep(0.1)  # creation times must differ by more than the tolerance
    root = spawn(SLEEPER)
    younger = spawn(SLEEPER)
    real = process_module._ppid_map

    def ppid_map() -> dict[int, int]:
        # Both claim the root as parent, as a reused parent pid would make it look.
        return {**real(), older.pid: root.pid, younger.pid: root.pid}

    monkeypatch.setattr(process_module, "_ppid_map", ppid_map)
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: root.identity})
    assert sampler.sample(time.time())[0].processes == 2  # root + the younger one only


def test_without_psutils_fast_parent_map_process_iter_finds_the_tree(
    spawn: Spawner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken() -> dict[int, int]:
        raise OSError("no fast path here")

    monkeypatch.setattr(psutil._psplatform, "ppid_map", broken, raising=False)
    root = spawn(TREE, TREE, "1", "2", "1")
    sampler = ProcessTreeSampler()
    sampler.set_targets({1: root.identity})
    assert sampler.sample(time.time())[0].processes == 4
