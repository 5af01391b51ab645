"""Live and history charts (pyqtgraph), their ring buffer, redraw clock and number formatting.

The chart classes are exported lazily (PEP 562): ``from monitor_app.ui.charts import LiveChart`` imports
pyqtgraph (~58 MiB, ~240 ms) at that moment, while ``monitor_app.ui.charts.format``, ``.ring_buffer`` and
``.redraw`` stay cheap for code that needs no chart, such as a table formatting bytes.
"""

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor_app.ui.charts.axes import UnitAxisItem
    from monitor_app.ui.charts.format import (
        Unit,
        format_bytes,
        format_count,
        format_duration,
        format_percent,
        format_rate,
        format_value,
    )
    from monitor_app.ui.charts.history_chart import HistoryChart, Marker, MarkerKind
    from monitor_app.ui.charts.live_chart import LiveChart
    from monitor_app.ui.charts.redraw import RedrawClock
    from monitor_app.ui.charts.ring_buffer import RingBuffer

_EXPORTS: dict[str, str] = {
    "RingBuffer": "ring_buffer",
    "RedrawClock": "redraw",
    "Unit": "format",
    "format_bytes": "format",
    "format_count": "format",
    "format_duration": "format",
    "format_percent": "format",
    "format_rate": "format",
    "format_value": "format",
    "UnitAxisItem": "axes",
    "LiveChart": "live_chart",
    "HistoryChart": "history_chart",
    "Marker": "history_chart",
    "MarkerKind": "history_chart",
}

__all__ = [
    "HistoryChart",
    "LiveChart",
    "Marker",
    "MarkerKind",
    "RedrawClock",
    "RingBuffer",
    "Unit",
    "UnitAxisItem",
    "format_bytes",
    "format_count",
    "format_duration",
    "format_percent",
    "format_rate",
    "format_value",
]


def __getattr__(name: str) -> object:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module_name}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
