"""Shared pieces of the chart tests: a paused redraw clock the test ticks by hand, and a shown-widget helper."""

from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from monitor_app.ui.charts.redraw import RedrawClock

#: A fixed wall time for sample data (2023-11-14 22:13:20 UTC).
T0 = 1_700_000_000.0


@pytest.fixture
def redraw_clock(qtbot: QtBot) -> Iterator[RedrawClock]:
    """A clock whose timer never fires by itself: tests call ``tick()`` so frame counts are exact."""
    clock = RedrawClock()
    clock.set_paused(True)
    yield clock
    clock.set_paused(True)


def show(qtbot: QtBot, widget: QWidget, width: int = 640, height: int = 240) -> None:
    """Show ``widget`` at a known size and wait until it is on screen."""
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
