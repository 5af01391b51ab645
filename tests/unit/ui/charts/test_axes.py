"""Axis ticks in the series' unit and the y-range rule."""

import math

import pytest
from pytestqt.qtbot import QtBot

from monitor_app.ui.charts.axes import MIN_Y_SPAN, UnitAxisItem, nice_upper_bound, y_upper_limit

MIB = 1024.0**2
GIB = 1024.0**3


def test_unit_axis_item_puts_byte_ticks_on_powers_of_two(qtbot: QtBot) -> None:
    axis = UnitAxisItem("bytes")
    levels = axis.tickValues(0, 1.5 * GIB, 200)
    spacing, values = levels[0]
    assert math.log2(spacing).is_integer()
    assert (spacing / MIB) in (128, 256, 512)
    strings = axis.tickStrings(values, 1.0, spacing)
    assert "1 GiB" in strings
    assert strings[0] == "0 B"


def test_unit_axis_item_labels_rates_percent_and_counts(qtbot: QtBot) -> None:
    axis = UnitAxisItem("rate")
    assert axis.tickStrings([2048.0], 1.0, 1024.0) == ["2 KiB/s"]
    axis.set_unit("percent")
    assert axis.tickStrings([0.0, 50.0], 1.0, 10.0) == ["0%", "50%"]
    axis.set_unit("count")
    assert all(spacing >= 1 for spacing, _ in axis.tickValues(0, 3, 300))


def test_unit_axis_item_rejects_unknown_units(qtbot: QtBot) -> None:
    with pytest.raises(ValueError):
        UnitAxisItem("furlongs")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "unit", "bound"),
    [
        (37.0, "percent", 40.0),
        (99.75, "percent", 100.0),
        (600 * MIB, "bytes", 640 * MIB),
        (GIB, "bytes", GIB),
    ],
)
def test_nice_upper_bound_rounds_up_to_round_numbers(value: float, unit: str, bound: float) -> None:
    assert nice_upper_bound(value, unit) == bound  # type: ignore[arg-type]


def test_y_upper_limit_has_a_floor_per_unit() -> None:
    assert y_upper_limit(0.2, "percent") == MIN_Y_SPAN["percent"]
    assert y_upper_limit(0.0, "bytes") == MIN_Y_SPAN["bytes"]
    assert y_upper_limit(95.0, "percent") == 100.0


def test_y_upper_limit_keeps_percent_within_100() -> None:
    assert y_upper_limit(99.5, "percent") == 100.0
    assert y_upper_limit(60.0, "percent") <= 100.0
    assert y_upper_limit(99.5, "count") > 100.0  # counts are not capped
