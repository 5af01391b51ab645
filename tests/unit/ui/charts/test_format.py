"""Number formatting and axis ticks: values, units, translation of unit words."""

import math
import subprocess
import sys
from typing import ClassVar

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from pytestqt.qtbot import QtBot

from monitor_app.ui.charts.format import (
    NOT_A_NUMBER,
    format_bytes,
    format_count,
    format_duration,
    format_percent,
    format_rate,
    format_value,
)

GIB = 1024.0**3
MIB = 1024.0**2


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 B"),
        (512, "512 B"),
        (1023, "1023 B"),
        (1024, "1 KiB"),
        (1536, "1.5 KiB"),
        (512 * MIB, "512 MiB"),
        (12.34 * MIB, "12 MiB"),
        (1.5 * GIB, "1.5 GiB"),
        (GIB, "1 GiB"),
        (1023.7 * MIB, "1 GiB"),  # would round to "1024 MiB"
        (3 * 1024 * GIB, "3 TiB"),
        (-2 * MIB, "-2 MiB"),
    ],
)
def test_format_bytes_uses_binary_units(n: float, text: str) -> None:
    assert format_bytes(n) == text


def test_format_bytes_decimals_keep_axis_ticks_exact() -> None:
    assert format_bytes(1.25 * GIB, decimals=3) == "1.25 GiB"
    assert format_bytes(768 * MIB, decimals=3) == "768 MiB"


def test_format_rate_appends_per_second() -> None:
    assert format_rate(1.5 * MIB) == "1.5 MiB/s"
    assert format_rate(0) == "0 B/s"


@pytest.mark.parametrize(
    ("x", "decimals", "text"), [(12.345, 1, "12.3%"), (100, 1, "100.0%"), (50, 0, "50%")]
)
def test_format_percent(x: float, decimals: int, text: str) -> None:
    assert format_percent(x, decimals=decimals) == text


def test_format_count_groups_thousands() -> None:
    assert format_count(1234) == "1,234"
    assert format_count(2.5) == "2.5"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (0.9, "0 s"),
        (42, "42 s"),
        (5 * 60 + 2, "5 min 2 s"),
        (2 * 3600, "2 h 0 min"),
        (3 * 86400 + 4 * 3600 + 59 * 60, "3 d 4 h"),
        (-5, "0 s"),
    ],
)
def test_format_duration_shows_two_largest_units(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize("func", [format_bytes, format_rate, format_percent, format_count, format_duration])
def test_format_helpers_show_a_dash_for_non_numbers(func) -> None:
    assert func(math.nan) == NOT_A_NUMBER
    assert func(math.inf) == NOT_A_NUMBER


def test_format_value_dispatches_on_unit() -> None:
    assert format_value(1.5 * GIB, "bytes") == "1.5 GiB"
    assert format_value(1024, "rate") == "1 KiB/s"
    assert format_value(7.25, "percent") == "7.2%"
    assert format_value(12, "count") == "12"
    with pytest.raises(ValueError):
        format_value(1, "parsecs")  # type: ignore[arg-type]


class _KoreanUnits(QTranslator):
    """A translator that rewords two templates of the "Format" context, as the Korean .qm will."""

    WORDS: ClassVar[dict[str, str]] = {"{days} d {hours} h": "{days}일 {hours}시간", "GiB": "기비바이트"}

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        # None (a null QString) means "not translated here", so Qt falls back to the source text.
        return self.WORDS.get(source) if context == "Format" else None

    def isEmpty(self) -> bool:
        return False


def test_format_units_go_through_qt_translation(qtbot: QtBot) -> None:
    translator = _KoreanUnits()
    QCoreApplication.installTranslator(translator)
    try:
        assert format_duration(3 * 86400 + 4 * 3600) == "3일 4시간"
        assert format_bytes(2 * GIB) == "2 기비바이트"
    finally:
        QCoreApplication.removeTranslator(translator)
    assert format_duration(3 * 86400 + 4 * 3600) == "3 d 4 h"


def test_format_and_ring_buffer_do_not_import_pyqtgraph() -> None:
    # A table needs format_bytes at start-up; it must not pay for pyqtgraph (DESIGN.md fact 4).
    code = (
        "import sys\n"
        "import monitor_app.ui.charts.format, monitor_app.ui.charts.ring_buffer, monitor_app.ui.charts.redraw\n"
        "import monitor_app.ui.charts as charts\n"
        "assert 'pyqtgraph' not in sys.modules, 'pyqtgraph imported too early'\n"
        "charts.LiveChart\n"
        "assert 'pyqtgraph' in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
