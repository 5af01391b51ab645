"""Real child processes for the metrics tests, and a clock tests move by hand.

Every child prints ``ready`` once it has finished setting up (allocating, spawning its children), so a test
measures a settled process, not Python's start-up. Children also end by themselves after a minute in case a
crashed test run leaves them behind; the fixture kills whole trees (and process groups on POSIX) at teardown.
"""

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import psutil
import pytest

from monitor_app.core.model import ProcessIdentity
from tests.helpers.processes import wait_for

#: Lifetime cap of every child, in case a test run dies without tearing down.
CHILD_LIFETIME_S = 60

SLEEPER = f"import time\nprint('ready', flush=True)\ntime.sleep({CHILD_LIFETIME_S})"

BURNER = f"""
import time
print('ready', flush=True)
end = time.monotonic() + {CHILD_LIFETIME_S}
while time.monotonic() < end:
    pass
"""

#: argv: <this code> <MiB to hold> <children> <grandchildren per child>. The first child gets the
#: grandchildren, the others none. Prints "ready <pid> <pid>..." (the tree) once all hold their memory.
#: Then each line "spawn" on stdin starts one more sleeping child and answers "spawned <pid>".
TREE = f"""
import os, subprocess, sys, time
code, mib, kids, grand = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
blob = bytearray(b"\\x01") * (mib * 1024 * 1024)
procs = []
pids = []
for i in range(kids):
    p = subprocess.Popen([sys.executable, "-c", code, code, str(mib), str(grand if i == 0 else 0), "0"],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    procs.append(p)
    pids += p.stdout.readline().split()[1:]
print("ready", os.getpid(), *pids, flush=True)
for line in sys.stdin:
    if line.strip() == "spawn":
        leaf = "import time; print('ready', flush=True); time.sleep({CHILD_LIFETIME_S})"
        p = subprocess.Popen([sys.executable, "-c", leaf], stdout=subprocess.PIPE, text=True)
        p.stdout.readline()
        procs.append(p)
        print("spawned", p.pid, flush=True)
time.sleep({CHILD_LIFETIME_S})
"""


@dataclass
class Child:
    """A spawned child: its Popen, its identity as supervision would record it, and its 'ready' line."""

    popen: subprocess.Popen[str]
    identity: ProcessIdentity
    ready_line: str

    @property
    def pid(self) -> int:
        return self.popen.pid

    def send(self, line: str) -> str:
        """Write one line to its stdin and return its one-line answer."""
        assert self.popen.stdin is not None and self.popen.stdout is not None
        self.popen.stdin.write(line + "\n")
        self.popen.stdin.flush()
        return self.popen.stdout.readline().strip()


@dataclass
class Spawner:
    """Starts ``python -c CODE ARGS...`` children and waits for each one's ``ready`` line."""

    children: list[Child] = field(default_factory=list)

    def __call__(self, code: str, *args: str) -> Child:
        popen = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            start_new_session=os.name == "posix",  # its own process group: teardown kills the whole group
        )
        process = psutil.Process(popen.pid)
        child = Child(popen, ProcessIdentity(popen.pid, process.create_time(), sys.executable), "")
        self.children.append(child)
        assert popen.stdout is not None
        child.ready_line = popen.stdout.readline().strip()
        assert child.ready_line.startswith("ready"), f"child failed to start: {child.ready_line!r}"
        return child

    def kill_all(self) -> None:
        victims: list[psutil.Process] = []
        for child in self.children:
            try:
                root = psutil.Process(child.pid)
                victims += [root, *root.children(recursive=True)]
            except psutil.Error:
                pass
            if os.name == "posix":
                try:
                    os.killpg(child.pid, signal.SIGKILL)
                except OSError:
                    pass
        for process in victims:
            try:
                process.kill()
            except psutil.Error:
                pass
        for child in self.children:
            child.popen.kill()
            child.popen.wait(timeout=10)
            for stream in (child.popen.stdin, child.popen.stdout):
                if stream is not None:
                    stream.close()
        # Killed descendants are reaped by init (or the subreaper); SIGKILL cannot be ignored, so no waiting.


@pytest.fixture
def spawn() -> Iterator[Spawner]:
    spawner = Spawner()
    try:
        yield spawner
    finally:
        spawner.kill_all()


def wait_until(condition: Callable[[], object], timeout: float = 3.0, interval: float = 0.02) -> object:
    """Poll ``condition`` until it returns something truthy (returned) or fail after ``timeout`` seconds."""
    return wait_for(condition, timeout=timeout, interval=interval)


class ManualClock:
    """A monotonic clock a test advances by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
