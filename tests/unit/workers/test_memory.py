"""The memory trim runs on its timer where the C library has one, and is a no-op elsewhere."""

import sys

import pytest

from monitor_app.workers.memory import MemoryTrimmer, _malloc_trim


def test_trim_runs_on_its_timer(qtbot) -> None:
    calls = []
    trimmer = MemoryTrimmer(interval_ms=20, trim=lambda: calls.append(1))
    qtbot.waitUntil(lambda: len(calls) >= 2, timeout=2000)
    assert trimmer.active


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_glibc_trim_is_found_and_callable() -> None:
    trim = _malloc_trim()
    assert trim is not None
    assert trim() in (0, 1)
