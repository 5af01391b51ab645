"""Garbage is collected on the main thread only, by the collector's timer."""

import gc
import threading

from monitor_app.workers.collector import install_collector


class Cycle:
    collected_on: list[str] = []

    def __init__(self) -> None:
        self.me = self

    def __del__(self) -> None:
        Cycle.collected_on.append(threading.current_thread().name)


def test_cycles_made_on_a_worker_are_collected_on_the_main_thread(qtbot, qapp) -> None:
    install_collector(qapp)
    assert not gc.isenabled()

    def make_garbage() -> None:
        for _ in range(5000):  # far past generation 0's threshold: automatic collection would run here
            Cycle()

    worker = threading.Thread(target=make_garbage, name="worker")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(Cycle.collected_on) >= 5000, timeout=5000)
    assert set(Cycle.collected_on) == {"MainThread"}
