"""Launching the helper child and waiting for conditions without fixed sleeps."""

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

CHILD = str(Path(__file__).with_name("child.py"))


def child_args(*options: str) -> tuple[str, ...]:
    """Arguments that run tests/helpers/child.py with ``options`` under this Python."""
    return (CHILD, *options)


def wait_for(condition: Callable[[], object], timeout: float = 10.0, interval: float = 0.01) -> object:
    """Poll ``condition`` until it is truthy; fail the test with a clear message on timeout."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s: {condition}")
        time.sleep(interval)


def read_pids(pidfile: Path, timeout: float = 10.0) -> list[int]:
    wait_for(pidfile.exists, timeout)
    return [int(line) for line in pidfile.read_text().split()]


def alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def kill_quietly(pids: list[int]) -> None:
    for pid in pids:
        try:
            psutil.Process(pid).kill()
        except psutil.Error:
            pass


PYTHON = sys.executable
IS_POSIX = os.name != "nt"
