"""Log-watcher figures: lag, loss and memory of ``LogFollower`` following a file written at 1,000 lines/s.

Run (prints figures; it is not a test):

    python bench/bench_logwatch.py [--seconds 20] [--rate 1000] [--modes hold,reopen,wake] [--flood-seconds 5]

For each mode a writer thread appends ``--rate`` lines/s for ``--seconds`` to a real file in a temporary
folder (one ``os.write`` per line, like an unbuffered logger, ~110 bytes with some Korean), with one rotation
in the middle (close, rename to ``.1``, create the name again); the follower is polled every 100 ms from the
main thread and its lines go through three ``RuleMatcher`` rules, as the plugin's worker will do.

- ``hold``: files kept open between polls (the POSIX default);
- ``reopen``: files opened at each poll and a renamed file found again by identity (the Windows default);
- ``wake``: ``hold`` plus ``wake_on_change`` (watchdog) polling as soon as the file changes, 100 ms at most.

Lag is write time (``perf_counter`` written into the line just before ``os.write``) to the return of the poll
that delivered it. Lost = sequence numbers never delivered (must be 0); duplicates and reorderings are
counted too. RSS is the whole process's (writer included): after the 5,000-line ring has filled (5 s), at
the end, and the most seen; "growth" is end minus the 5 s figure. Targets: lag <= 200 ms, memory bounded.

The flood scenario writes as fast as the writer can for ``--flood-seconds`` while the follower polls every
100 ms (at once when ``behind``): RSS must stay bounded by ``max_read_bytes`` and the ring whatever the rate.
"""

import argparse
import math
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from plugins.logwatch.follow import LineKind, LogFollower
from plugins.logwatch.rules import LogRule, RuleMatcher

MIB = 1024 * 1024
POLL_S = 0.1
RULES = [
    LogRule("joined", r"player (?P<player>\S+) joined", "player_joined", max_per_minute=60),
    LogRule("errors", r"\b(error|fatal)\b", "error", "error", ignore_case=True),
    LogRule("saved", r"World saved in (?P<ms>\d+) ms", "world_saved"),
]


def _rss() -> float:
    return psutil.Process().memory_info().rss / MIB


class Writer(threading.Thread):
    """Appends ``rate`` numbered, time-stamped lines per second for ``seconds``; renames the file once."""

    def __init__(self, path: Path, rate: int, seconds: float) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.rate = rate
        self.count = int(rate * seconds)
        self.rotated_at = self.count // 2
        self.late = 0  # lines written more than 5 ms behind schedule (the writer itself lagging)

    def run(self) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0)
        fd = os.open(self.path, flags)
        start = time.perf_counter()
        try:
            for seq in range(self.count):
                if seq == self.rotated_at:
                    os.close(fd)
                    os.replace(self.path, self.path.with_name(self.path.name + ".1"))
                    fd = os.open(self.path, flags)
                due = start + seq / self.rate
                ahead = due - time.perf_counter()
                if ahead > 0:
                    time.sleep(ahead)
                elif ahead < -0.005:
                    self.late += 1
                kind = seq % 10
                if kind == 0:
                    text = f"player 플레이어{seq % 32} joined the server"
                elif kind == 5:
                    text = f"World saved in {seq % 900} ms"
                else:
                    text = "LogNet: tick ok, 서버 상태 정상, nothing to see here"
                now = time.perf_counter()
                os.write(fd, f"{seq:09d} {now:.6f} {text}\n".encode())
        finally:
            os.close(fd)


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def run_mode(mode: str, rate: int, seconds: float) -> bool:
    with tempfile.TemporaryDirectory(prefix="logwatch-bench-") as folder:
        path = Path(folder) / "Pal.log"
        path.touch()
        follower = LogFollower([str(path)], hold_open=mode != "reopen", encoding_fallback="cp949")
        matcher = RuleMatcher(RULES)
        woken = threading.Event()
        if mode == "wake":
            follower.wake_on_change(woken.set)
        writer = Writer(path, rate, seconds)
        # Preallocated so that the RSS figures are the follower's, not this loop's bookkeeping.
        lags = [float("nan")] * writer.count
        deliveries = bytearray(writer.count)
        polls_expected = int(seconds / POLL_S * 20) + 100
        poll_ms = [0.0] * polls_expected
        match_ms = [0.0] * polls_expected
        polls = delivered = duplicates = reordered = markers = hits = suppressed = 0
        last_seq = -1
        rss_start = _rss()
        rss_ring_full = rss_max = rss_start
        started = time.perf_counter()
        writer.start()
        next_tick = started + POLL_S
        quiet_polls = 0
        while writer.is_alive() or quiet_polls < 3:
            wait = next_tick - time.perf_counter()
            if mode == "wake":
                if woken.wait(max(0.0, wait)):
                    woken.clear()
            elif wait > 0:
                time.sleep(wait)
            before = time.perf_counter()
            lines = follower.poll()
            returned = time.perf_counter()
            found = matcher.match(lines)
            matched = time.perf_counter()
            poll_ms[polls] = (returned - before) * 1000
            match_ms[polls] = (matched - returned) * 1000
            polls += 1
            hits += len(found)
            suppressed += sum(hit.suppressed for hit in found)
            for line in lines:
                if line.kind is not LineKind.TEXT:
                    markers += 1
                    continue
                seq_text, stamp, _ = line.text.split(" ", 2)
                seq = int(seq_text)
                delivered += 1
                duplicates += deliveries[seq] > 0
                reordered += seq < last_seq
                last_seq = seq
                deliveries[seq] = 1
                lags[seq] = (returned - float(stamp)) * 1000
            quiet_polls = 0 if lines or writer.is_alive() else quiet_polls + 1
            if returned >= next_tick:
                next_tick += POLL_S * (1 + int((returned - next_tick) / POLL_S))
            rss = _rss()
            rss_max = max(rss_max, rss)
            if returned - started <= 5.0:
                rss_ring_full = rss
        elapsed = time.perf_counter() - started
        ring = len(follower.tail())
        follower.close()
        rss_end = _rss()

    lost = deliveries.count(0)
    lags = [lag for lag in lags if not math.isnan(lag)]
    poll_ms, match_ms = poll_ms[:polls], match_ms[:polls]
    print(f"\n{mode}: {writer.count:,} lines in {seconds:g} s at {rate:,}/s, rotation at line {writer.rotated_at:,}")
    print(
        f"  lag write->poll return   median {statistics.median(lags):6.1f} ms   p99 {percentile(lags, 99):6.1f} ms"
        f"   max {max(lags):6.1f} ms   (target <= 200 ms)"
    )
    print(
        f"  delivered {delivered:,}   lost {lost}   duplicates {duplicates}   reordered {reordered}"
        f"   markers {markers}   writer late lines {writer.late}"
    )
    print(
        f"  poll()  median {statistics.median(poll_ms):5.2f} ms   p99 {percentile(poll_ms, 99):5.2f} ms"
        f"   max {max(poll_ms):5.2f} ms   over {len(poll_ms)} polls in {elapsed:.1f} s"
    )
    print(
        f"  rules   median {statistics.median(match_ms):5.2f} ms/poll   hits {hits:,}   suppressed {suppressed:,}"
    )
    print(
        f"  RSS     start {rss_start:6.1f} MiB   ring full (5 s) {rss_ring_full:6.1f} MiB   max {rss_max:6.1f} MiB"
        f"   end {rss_end:6.1f} MiB   growth after 5 s {rss_max - rss_ring_full:+.1f} MiB   ring {ring:,} lines"
    )
    return lost == 0 and duplicates == 0 and max(lags) <= 200


def run_flood(seconds: float) -> bool:
    """A writer as fast as it goes: memory must stay bounded, nothing lost once the follower catches up."""
    with tempfile.TemporaryDirectory(prefix="logwatch-flood-") as folder:
        path = Path(folder) / "flood.log"
        path.touch()
        follower = LogFollower([str(path)], encoding_fallback="cp949")
        stop = threading.Event()
        written = [0]

        def flood() -> None:
            block_lines = 500
            with open(path, "ab", buffering=0) as fh:
                seq = 0
                while not stop.is_set():
                    fh.write(b"".join(b"%09d flood line, some padding to make it realistic 0123456789\n" % (seq + i)
                                      for i in range(block_lines)))
                    seq += block_lines
                written[0] = seq

        writer = threading.Thread(target=flood, daemon=True)
        rss_start = rss_max = _rss()
        count = 0
        last = -1
        in_order = True
        started = time.perf_counter()
        writer.start()
        polls = behind_polls = 0
        while True:
            if time.perf_counter() - started >= seconds:
                stop.set()
            lines = follower.poll()
            polls += 1
            for line in lines:
                seq = int(line.text[:9])
                in_order &= seq == last + 1
                last = seq
                count += 1
            rss_max = max(rss_max, _rss())
            if follower.behind:
                behind_polls += 1
                continue
            if stop.is_set() and not writer.is_alive() and not lines:
                break
            time.sleep(POLL_S)
        elapsed = time.perf_counter() - started
        size = path.stat().st_size
        follower.close()
    print(f"\nflood: {written[0]:,} lines ({size / MIB:,.0f} MiB) written in {seconds:g} s by an unthrottled writer")
    print(
        f"  delivered {count:,} in order: {in_order}   lost {written[0] - count:,}   polls {polls} "
        f"({behind_polls} behind)   {count / elapsed:,.0f} lines/s through the follower"
    )
    print(f"  RSS     start {rss_start:6.1f} MiB   max {rss_max:6.1f} MiB   growth {rss_max - rss_start:+.1f} MiB")
    return written[0] == count and in_order


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--modes", default="hold,reopen,wake")
    parser.add_argument("--flood-seconds", type=float, default=5.0, help="0 to skip the flood")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {sys.platform}, {os.cpu_count()} CPUs; poll every {POLL_S * 1000:.0f} ms")
    ok = True
    for mode in args.modes.split(","):
        ok &= run_mode(mode.strip(), args.rate, args.seconds)
    if args.flood_seconds > 0:
        ok &= run_flood(args.flood_seconds)
    print(f"\n{'all targets met' if ok else 'TARGET MISSED'}")


if __name__ == "__main__":
    main()
