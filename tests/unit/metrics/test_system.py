"""SystemSampler on the real machine, plus its disk and loopback filters on made-up inputs."""

import socket
import threading
import time
from types import SimpleNamespace

import psutil
import pytest

from monitor_app.metrics import system as system_module
from monitor_app.metrics.system import Mount, SystemSampler, loopback_interfaces, usable_mounts
from tests.unit.metrics.conftest import ManualClock

MIB = 1024 * 1024


def test_fields_are_sane() -> None:
    sampler = SystemSampler()
    now = time.time()
    sample = sampler.sample(now)

    assert sample.time == now
    assert len(sample.cpu_per_core) == psutil.cpu_count()
    assert all(0.0 <= core <= 100.0 for core in sample.cpu_per_core)
    assert 0.0 <= sample.cpu_percent <= 100.0
    assert 0 < sample.memory_used <= sample.memory_total
    assert 0.0 < sample.memory_percent <= 100.0
    assert 0 <= sample.swap_used <= max(sample.swap_total, sample.swap_used)
    assert 0.0 <= sample.swap_percent <= 100.0
    assert sample.disks, "at least one disk"
    for disk in sample.disks:
        assert disk.total > 0 and 0 <= disk.used <= disk.total and 0.0 <= disk.percent <= 100.0
    assert len({disk.device for disk in sample.disks}) == len(sample.disks)
    assert sample.net_sent_bps >= 0.0 and sample.net_recv_bps >= 0.0
    assert sample.boot_time < now
    assert sample.uptime_s == pytest.approx(now - sample.boot_time)
    assert sample.uptime_s > 0


def test_used_memory_is_total_minus_available() -> None:
    sample = SystemSampler().sample(time.time())
    available = psutil.virtual_memory().available
    assert sample.memory_used == pytest.approx(sample.memory_total - available, abs=64 * MIB)


def test_cpu_shows_a_busy_thread() -> None:
    sampler = SystemSampler()
    end = time.monotonic() + 0.3
    while time.monotonic() < end:  # keep one core busy for the measuring window
        pass
    sample = sampler.sample(time.time())
    assert sample.cpu_percent > 50.0 / psutil.cpu_count()


def _push_over_loopback(nbytes: int) -> None:
    """Send ``nbytes`` through a TCP connection on 127.0.0.1 and read them back."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        received = 0

        def drain() -> None:
            nonlocal received
            conn, _ = server.accept()
            with conn:
                while chunk := conn.recv(1 << 20):
                    received += len(chunk)

        reader = threading.Thread(target=drain)
        reader.start()
        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(b"\0" * nbytes)
        reader.join(timeout=5)
    assert received == nbytes


def _loopback_counted() -> bool:
    counters = psutil.net_io_counters(pernic=True)
    return any(name in counters for name in loopback_interfaces(psutil.net_if_addrs()))


def test_network_rates_count_loopback_only_when_asked(clock: ManualClock) -> None:
    if not _loopback_counted():
        pytest.skip("psutil reports no loopback interface counters here")
    with_loopback = SystemSampler(clock=clock, include_loopback=True)
    without = SystemSampler(clock=clock)
    _push_over_loopback(8 * MIB)
    clock.advance(1.0)

    counted = with_loopback.sample(time.time())
    assert counted.net_sent_bps >= 8 * MIB * 0.9
    assert counted.net_recv_bps >= 8 * MIB * 0.9
    default = without.sample(time.time())
    assert default.net_sent_bps < 4 * MIB  # whatever real traffic there was, not the 8 MiB on loopback
    assert default.net_recv_bps < 4 * MIB


def test_network_rate_is_zero_when_the_clock_did_not_move(clock: ManualClock) -> None:
    sampler = SystemSampler(clock=clock, include_loopback=True)
    sample = sampler.sample(time.time())
    assert sample.net_sent_bps == 0.0 and sample.net_recv_bps == 0.0


def test_a_failing_disk_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    sampler = SystemSampler()
    good = sampler.sample(time.time()).disks
    real = psutil.disk_usage
    broken = good[0].mountpoint

    def disk_usage(path: str) -> object:
        if path == broken:
            raise OSError("device went away")
        return real(path)

    monkeypatch.setattr(system_module.psutil, "disk_usage", disk_usage)
    disks = sampler.sample(time.time()).disks
    assert broken not in [d.mountpoint for d in disks]
    assert len(disks) == len(good) - 1


def test_disk_list_is_refreshed_on_its_own_schedule(
    monkeypatch: pytest.MonkeyPatch, clock: ManualClock
) -> None:
    calls = []
    real = psutil.disk_partitions

    def disk_partitions(all: bool = False) -> object:  # noqa: A002 - psutil's name
        calls.append(all)
        return real(all)

    monkeypatch.setattr(system_module.psutil, "disk_partitions", disk_partitions)
    sampler = SystemSampler(clock=clock, layout_refresh_s=60)
    for _ in range(3):
        clock.advance(20)
        sampler.sample(time.time())
    assert calls == [False, False]  # at construction and 60 s later


def part(device: str, mountpoint: str, fstype: str) -> SimpleNamespace:
    return SimpleNamespace(device=device, mountpoint=mountpoint, fstype=fstype, opts="rw")


def test_usable_mounts_skip_pseudo_filesystems_and_repeat_devices() -> None:
    partitions = [
        part("/dev/sda2", "/etc/hosts", "ext4"),  # a container bind mount of the same disk
        part("/dev/sda2", "/", "ext4"),
        part("overlay", "/", "overlay"),
        part("tmpfs", "/run", "tmpfs"),
        part("/dev/loop3", "/snap/core/1", "squashfs"),
        part("/dev/loop4", "/mnt/image", "ext4"),
        part("proc", "/proc", "proc"),
        part("cgroup2", "/sys/fs/cgroup", "cgroup2"),
        part("server:/export", "/mnt/nfs", "nfs4"),
        part("/dev/sdb1", "/data", "xfs"),
        part("C:\\", "C:\\", "NTFS"),
    ]
    assert usable_mounts(partitions) == (
        Mount("/dev/sda2", "/", "ext4"),
        Mount("/dev/sdb1", "/data", "xfs"),
        Mount("C:\\", "C:\\", "NTFS"),
    )


def test_loopback_interfaces_are_found_by_address() -> None:
    def addr(address: str) -> SimpleNamespace:
        return SimpleNamespace(address=address)

    addresses = {
        "lo": [addr("127.0.0.1"), addr("::1"), addr("00:00:00:00:00:00")],
        "Loopback Pseudo-Interface 1": [addr("::1")],
        "eth0": [addr("192.0.2.2"), addr("fe80::1%eth0"), addr("02:fc:00:00:00:01")],
        "wg0": [],
    }
    assert loopback_interfaces(addresses) == {"lo", "Loopback Pseudo-Interface 1"}
