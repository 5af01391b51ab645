"""Engines on a temporary data dir, shut down at the end with every program they launched killed."""

from pathlib import Path

import psutil
import pytest

from monitor_app.engine.config import EngineConfig
from monitor_app.engine.local import LocalEngine


@pytest.fixture
def engines(qtbot, tmp_path: Path):
    """Builds started engines on one data dir (call it again to "restart the monitor")."""
    made: list[LocalEngine] = []
    pids: set[int] = set()

    def make(*, start: bool = True, interval_s: float = 0.1, **config: object) -> LocalEngine:
        engine = LocalEngine(
            EngineConfig(data_dir=tmp_path / "data", interval_s=interval_s, bcrypt_rounds=4, **config)  # type: ignore[arg-type]
        )
        engine.status_changed.connect(lambda s: s.pid and pids.add(s.pid))
        made.append(engine)
        if start:
            with qtbot.waitSignal(engine.ready, timeout=10_000):
                engine.start()
        return engine

    yield make
    for engine in made:
        engine.shutdown()
    for pid in pids:
        try:
            root = psutil.Process(pid)
            for process in [*root.children(recursive=True), root]:
                process.kill()
        except psutil.Error:
            pass


@pytest.fixture
def engine(engines) -> LocalEngine:
    return engines()
