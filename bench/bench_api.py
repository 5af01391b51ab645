"""GET /api/programs/status under load: our QHttpServer API against Flask + Waitress (the original stack).

Run: ``python bench/bench_api.py [--programs 20] [--seconds 10]`` (needs ``wrk`` on PATH, and ``flask`` and
``waitress`` installed: ``pip install flask waitress``). Prints figures; it is not a test.

Both servers answer the same request (bearer token, 20 programs' status as JSON) on 127.0.0.1 and are driven
by ``wrk -t2 -c16 -d10s --latency`` one after the other in the same run. The reference does what the web
version did on a cache hit: check the token, return the cached JSON (2 s TTL). Ours runs the real app: an
engine supervising 20 running programs, the API in its own thread, and the main window open (offscreen) while a
5 ms timer on the GUI thread measures how long the window's event loop is held up under the load.
"""

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

FLASK_APP = r"""
import json, sys, time
from flask import Flask, Response, request
from waitress import serve
token, port, body = sys.argv[1], int(sys.argv[2]), open(sys.argv[3], "rb").read()
app = Flask(__name__)
cache = {"at": 0.0, "body": b""}

@app.get("/api/programs/status")
def status():
    if request.headers.get("Authorization") != f"Bearer {token}":
        return Response(b'{"error": "unauthorized"}', 401, mimetype="application/json")
    now = time.monotonic()
    if now - cache["at"] > 2.0:  # the web version's 2 s TTL cache
        cache["body"], cache["at"] = json.dumps(json.loads(body)).encode(), now
    return Response(cache["body"], mimetype="application/json")

serve(app, host="127.0.0.1", port=port, threads=4, _quiet=True)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, token: str, seconds: float) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{int(seconds)}s", "--latency", "-H", f"Authorization: Bearer {token}", url],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    return {"rps": rps, "p99_ms": float(p99.group(1)) * scale, "errors": int(non2xx.group(1)) if non2xx else 0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--programs", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    import bench_gui
    from PySide6.QtCore import QEventLoop, Qt, QThread, QTimer
    from PySide6.QtWidgets import QApplication

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        bench_gui.register_programs(data, args.programs)
        app, desktop = bench_gui.run_app(data, 1.0)
        engine = desktop.engine
        engine.accounts.ensure_admin("bench password 1")
        token, _session, _user = engine.accounts.login("admin", "bench password 1", client="bench")
        desktop.start()  # the app's own API, on a free port, in its own thread
        bench_gui.wait_running(app, desktop, args.programs)
        rest = desktop.rest
        while not rest.address:
            bench_gui.spin(app, 0.05)
        url = rest.address + "/api/programs/status"
        import requests

        body = requests.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=5).content
        assert len(json.loads(body)) == args.programs

        # Ours, with the window open and the GUI event loop watched.
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.timeout.connect(tick)
        result: dict[str, dict[str, float]] = {}

        class Load(QThread):
            def run(self) -> None:
                result["ours"] = wrk(url, token, args.seconds)

        load = Load()
        timer.start(int(os.environ.get("WATCH_MS", "5")))
        last[0] = time.perf_counter()
        loop = QEventLoop()
        load.finished.connect(loop.quit)
        load.start()
        loop.exec()  # the GUI thread idles in its event loop, as the app does, while wrk runs
        timer.stop()
        desktop.shutdown()
        bench_gui.kill_programs(data)

        # The reference, alone on the machine.
        body_file = data / "status.json"
        body_file.write_bytes(body)
        port = free_port()
        flask = subprocess.Popen([sys.executable, "-c", FLASK_APP, token, str(port), str(body_file)])
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/api/programs/status",
                                    headers={"Authorization": f"Bearer {token}"}, timeout=1).ok:
                        break
                except requests.ConnectionError:
                    time.sleep(0.1)
            result["flask"] = wrk(f"http://127.0.0.1:{port}/api/programs/status", token, args.seconds)
        finally:
            flask.terminate()
            flask.wait(10)

    ours, ref = result["ours"], result["flask"]
    stall = max(gaps) * 1000
    print(f"GET /api/programs/status, {args.programs} programs, wrk -t2 -c16 -d{int(args.seconds)}s, keep-alive, 127.0.0.1:")
    print(f"  monitor_app (QHttpServer)  {ours['rps']:9.0f} req/s   p99 {ours['p99_ms']:6.2f} ms   non-2xx {ours['errors']}")
    print(f"  Flask + Waitress           {ref['rps']:9.0f} req/s   p99 {ref['p99_ms']:6.2f} ms   non-2xx {ref['errors']}")
    print(f"  ratio {ours['rps'] / ref['rps']:.1f}x   (targets: >= 3x, our p99 <= 5 ms)")
    print(f"  GUI event loop during our run: max stall {stall:.1f} ms, median tick {statistics.median(gaps) * 1000:.1f} ms"
          "   (target <= 50 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
