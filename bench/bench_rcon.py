"""RCON round trip: ``RconClient.command("Info")`` against the Palworld-quirks peer on loopback.

Run (prints figures; it is not a test):

    python bench/bench_rcon.py [--calls 500]
        one persistent connection (target: median <= 20 ms)
    python bench/bench_rcon.py --reconnect
        the peer hangs up after every reply, as some Palworld builds do: each command connects and logs in again

The peer (``tests/helpers/rcon_peer.py``) answers like Palworld: single auth reply, replies with id 0. Its
threads run in this process, so the figures include the peer's Python work, not only the client's.
A round trip is timed around the whole ``command()`` call; ``latency_ms`` (send -> reply, as the client reports
it) is printed beside it.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor_app.rcon import RconClient
from tests.helpers.rcon_peer import PalworldPeer

WARMUP = 20


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=500)
    parser.add_argument(
        "--reconnect", action="store_true", help="the peer closes the connection after each reply"
    )
    args = parser.parse_args()

    with (
        PalworldPeer("bench", close_after_command=args.reconnect) as peer,
        RconClient(peer.host, peer.port, "bench", timeout=5.0) as rcon,
    ):
        for _ in range(WARMUP):
            rcon.command("Info")
        round_trips: list[float] = []
        reported: list[float] = []
        for _ in range(args.calls):
            started = time.perf_counter()
            reply = rcon.command("Info")
            round_trips.append((time.perf_counter() - started) * 1000.0)
            reported.append(reply.latency_ms)
            assert reply.text.startswith("Welcome to Pal Server") and not reply.partial
        connections = peer.connections
        executed = len(peer.commands())

    mode = "reconnect per command" if args.reconnect else "persistent connection"
    print(
        f"RconClient.command('Info') x {args.calls} (+{WARMUP} warm-up) on loopback, {mode}: "
        f"{connections} connections, {executed} commands run by the peer"
    )
    print(
        f"  round trip   median {statistics.median(round_trips):7.3f} ms   p99 {percentile(round_trips, 0.99):7.3f} ms"
        f"   min {min(round_trips):7.3f} ms   max {max(round_trips):7.3f} ms"
    )
    print(
        f"  latency_ms   median {statistics.median(reported):7.3f} ms   p99 {percentile(reported, 0.99):7.3f} ms"
    )
    print("  target: median <= 20 ms")


if __name__ == "__main__":
    main()
