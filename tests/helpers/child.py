"""A configurable program for supervision tests: sleeps, exits with a code, crashes, spawns a tree,
ignores SIGTERM, prints a lot. Run as ``python child.py [options]``.

Options:
  --sleep S          stay alive S seconds (default 3600)
  --exit CODE        exit with CODE after --after seconds (default 0 s)
  --after S          delay for --exit
  --crash            die at once with SIGABRT-like failure (exit code 3 on Windows)
  --ignore-term      ignore SIGTERM (and SIGBREAK on Windows)
  --children N       spawn N child processes (sleepers that ignore SIGTERM if --ignore-term)
  --grandchild       each child spawns one grandchild too
  --escape           children leave the process group (setsid) as daemons do
  --print N          print N lines to stdout and N/10 to stderr first
  --pidfile PATH     write "pid create-marker" lines of the whole tree (one per line) to PATH
  --echo TEXT        print TEXT once (after --print)
"""

import os
import signal
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    opts = _parse(argv)
    if "ignore-term" in opts:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        if hasattr(signal, "SIGBREAK"):
            signal.signal(signal.SIGBREAK, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if "crash" in opts:
        os._exit(3)
    lines = int(opts.get("print", 0))
    for i in range(lines):
        print(f"line {i} of {lines}: the quick brown fox jumps over the lazy dog")
        if i % 10 == 0:
            print(f"error line {i}", file=sys.stderr)
    if "echo" in opts:
        print(opts["echo"])
    sys.stdout.flush()
    pids = [os.getpid()]
    kids = []
    for _ in range(int(opts.get("children", 0))):
        child_args = [sys.executable, __file__, "--sleep", opts.get("sleep", "3600")]
        if "ignore-term" in opts:
            child_args.append("--ignore-term")
        if "grandchild" in opts:
            child_args += ["--children", "1"]
        if "pidfile" in opts:
            child_args += ["--pidfile", opts["pidfile"] + f".{len(kids)}"]
        kids.append(subprocess.Popen(child_args, start_new_session="escape" in opts))
        pids.append(kids[-1].pid)
    if "pidfile" in opts:
        tmp = opts["pidfile"] + ".tmp"
        with open(tmp, "w") as f:
            f.write("\n".join(str(p) for p in pids) + "\n")
        os.replace(tmp, opts["pidfile"])
    if "exit" in opts:
        time.sleep(float(opts.get("after", 0)))
        return int(opts["exit"])
    time.sleep(float(opts.get("sleep", 3600)))
    return 0


def _parse(argv: list[str]) -> dict[str, str]:
    flags = {"crash", "ignore-term", "grandchild", "escape"}
    opts: dict[str, str] = {}
    i = 0
    while i < len(argv):
        key = argv[i].removeprefix("--")
        if key in flags:
            opts[key] = "1"
            i += 1
        else:
            opts[key] = argv[i + 1]
            i += 2
    return opts


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
