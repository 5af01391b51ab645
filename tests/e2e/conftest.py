"""Fixtures of the end-to-end tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.headless import Headless, engine_with_a_program


@pytest.fixture
def engine_process(tmp_path: Path) -> Iterator[Headless]:
    """A headless engine in its own process with one registered, stopped program."""
    yield from engine_with_a_program(tmp_path)
