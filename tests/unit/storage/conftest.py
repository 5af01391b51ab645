"""A fresh database file per test."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor_app.storage import Storage


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "monitor.db"


@pytest.fixture
def storage(db_path: Path) -> Iterator[Storage]:
    opened = Storage.open(db_path)
    yield opened
    opened.close()
