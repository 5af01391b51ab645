"""The whole machine: CPU (total and per core), memory, swap, disks, network rates, boot time and uptime.

Definitions chosen to match what a Windows user sees in Task Manager:

- CPU total is the mean of the cores, each 0-100.
- "Used" memory is ``total - available``: Task Manager's "In use", and psutil's own ``percent``. psutil's
  ``used`` field means different things per platform (on Linux it counts caches differently); not used here.
- Network rates leave out loopback interfaces by default: traffic between local programs (an RCON poller
  talking to a game server on 127.0.0.1) is not network traffic, and Windows does not count it either.
- Disks are real filesystems only: pseudo, in-memory, overlay and snap loop mounts are skipped, one entry per
  device (its shortest mount point, so bind mounts do not repeat a disk).
"""

import ipaddress
import logging
import math
import statistics
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NamedTuple

import psutil

from monitor_app.core.model import DiskUsage, SystemSample

log = logging.getLogger(__name__)

#: Filesystems that are not disks: kernel pseudo filesystems, memory-backed ones, container overlays, snap
#: images, and network mounts (a hung server would block the sampling thread in statvfs).
SKIPPED_FSTYPES = frozenset(
    {
        "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts", "devtmpfs",
        "efivarfs", "fusectl", "hugetlbfs", "mqueue", "nsfs", "overlay", "overlayfs", "proc", "pstore",
        "ramfs", "rpc_pipefs", "securityfs", "squashfs", "sysfs", "tmpfs", "tracefs", "fuse.lxcfs",
        "fuse.snapfuse", "fuse.sshfs", "nfs", "nfs4", "cifs", "smbfs", "smb3", "9p",
    }
)
#: Devices whose mounts are images rather than disks (snap packages are squashfs files on loop devices).
SKIPPED_DEVICE_PREFIXES = ("/dev/loop",)


class Mount(NamedTuple):
    """A mounted filesystem worth reporting."""

    device: str
    mountpoint: str
    fstype: str


def usable_mounts(partitions: Iterable[Any]) -> tuple[Mount, ...]:
    """The mounts worth showing as disks, one per device (its shortest mount point), in the given order.

    Args:
        partitions: ``psutil.disk_partitions()`` entries (anything with device, mountpoint and fstype).
    """
    chosen: dict[str, Mount] = {}
    for part in partitions:
        fstype = (part.fstype or "").lower()
        device = part.device or ""
        if not part.mountpoint or fstype in SKIPPED_FSTYPES or device.startswith(SKIPPED_DEVICE_PREFIXES):
            continue
        key = device or part.mountpoint
        mount = Mount(device, part.mountpoint, part.fstype)
        seen = chosen.get(key)
        if seen is None or len(mount.mountpoint) < len(seen.mountpoint):
            chosen[key] = mount
    return tuple(chosen.values())


def loopback_interfaces(addresses: Mapping[str, Iterable[Any]]) -> frozenset[str]:
    """Names of the interfaces that carry a loopback address (``lo``, ``lo0``, "Loopback Pseudo-Interface 1").

    Args:
        addresses: ``psutil.net_if_addrs()``.
    """
    names = set()
    for name, addrs in addresses.items():
        for addr in addrs:
            try:
                if ipaddress.ip_address(str(addr.address).split("%", 1)[0]).is_loopback:
                    names.add(name)
                    break
            except ValueError:
                continue  # MAC or other non-IP address
    return frozenset(names)


class SystemSampler:
    """Measures the whole machine once per ``sample()`` call; a plain synchronous object for one thread.

    CPU uses psutil's ``cpu_percent(interval=None)``, whose baseline psutil keeps per calling thread: the
    constructor primes it, so the first sample taken in the same thread is already a real figure; in another
    thread the first one is zeros. Keep one instance per thread.

    Args:
        clock: Monotonic seconds, the time base of the network rates (injectable for tests).
        layout_refresh_s: Seconds between re-reading the list of disks and network interfaces.
        include_loopback: Count loopback interfaces in the network rates.
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        layout_refresh_s: float = 60.0,
        include_loopback: bool = False,
    ) -> None:
        self._clock = clock
        self._layout_refresh_s = layout_refresh_s
        self._include_loopback = include_loopback
        self._mounts: tuple[Mount, ...] = ()
        self._loopback: frozenset[str] = frozenset()
        self._boot_time = 0.0
        self._next_layout = -math.inf
        psutil.cpu_percent(percpu=True, interval=None)  # prime: psutil's first call returns zeros
        self._refresh_layout(self._clock())
        self._net_prev = self._net_counters()
        self._net_prev_at = self._clock()

    def sample(self, now: float) -> SystemSample:
        """The machine now; network rates are averaged since the previous call (or construction).

        Args:
            now: Wall time stamped on the sample and the base of the uptime.
        """
        at = self._clock()
        if at >= self._next_layout:
            self._refresh_layout(at)
        cores = tuple(float(c) for c in psutil.cpu_percent(percpu=True, interval=None))
        memory = psutil.virtual_memory()
        used = max(0, memory.total - memory.available)
        swap = psutil.swap_memory()
        sent_bps, recv_bps = self._net_rates(at)
        return SystemSample(
            time=now,
            cpu_percent=statistics.fmean(cores) if cores else 0.0,
            cpu_per_core=cores,
            memory_total=memory.total,
            memory_used=used,
            memory_percent=used * 100.0 / memory.total if memory.total else 0.0,
            swap_total=swap.total,
            swap_used=swap.used,
            swap_percent=float(swap.percent),
            disks=self._disks(),
            net_sent_bps=sent_bps,
            net_recv_bps=recv_bps,
            boot_time=self._boot_time,
            uptime_s=max(0.0, now - self._boot_time),
        )

    def _refresh_layout(self, at: float) -> None:
        """Re-read what rarely changes: mounted disks, loopback interface names, boot time."""
        self._next_layout = at + self._layout_refresh_s
        try:
            self._mounts = usable_mounts(psutil.disk_partitions(all=False))
        except (OSError, psutil.Error) as exc:
            log.debug("cannot list disk partitions (%r); keeping the previous list", exc)
        try:
            self._loopback = loopback_interfaces(psutil.net_if_addrs())
        except (OSError, psutil.Error) as exc:
            log.debug("cannot list network interfaces (%r); keeping the previous list", exc)
        self._boot_time = psutil.boot_time()

    def _disks(self) -> tuple[DiskUsage, ...]:
        disks = []
        for mount in self._mounts:
            try:
                usage = psutil.disk_usage(mount.mountpoint)
            except (OSError, psutil.Error) as exc:  # unmounted since the last refresh, no media, no access
                log.debug("skipping disk %s: %r", mount.mountpoint, exc)
                continue
            disks.append(
                DiskUsage(
                    mountpoint=mount.mountpoint,
                    device=mount.device,
                    fstype=mount.fstype,
                    total=usage.total,
                    used=usage.used,
                    free=usage.free,
                    percent=float(usage.percent),
                )
            )
        return tuple(disks)

    def _net_counters(self) -> dict[str, tuple[int, int]]:
        """Bytes sent and received per interface (loopback left out unless asked for)."""
        try:
            counters = psutil.net_io_counters(pernic=True)
        except (OSError, psutil.Error) as exc:
            log.debug("cannot read network counters (%r)", exc)
            return {}
        return {
            name: (c.bytes_sent, c.bytes_recv)
            for name, c in counters.items()
            if self._include_loopback or name not in self._loopback
        }

    def _net_rates(self, at: float) -> tuple[float, float]:
        """Bytes per second since the last call, summed per interface so one coming or going can't skew it."""
        current = self._net_counters()
        elapsed = at - self._net_prev_at
        if elapsed <= 0:
            return 0.0, 0.0
        sent = recv = 0
        for name, (now_sent, now_recv) in current.items():
            before = self._net_prev.get(name)
            if before is not None:
                sent += max(0, now_sent - before[0])
                recv += max(0, now_recv - before[1])
        self._net_prev = current
        self._net_prev_at = at
        return sent / elapsed, recv / elapsed
