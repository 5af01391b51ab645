"""Human-readable numbers with units, shared by chart axes, read-outs and tables.

Kept free of pyqtgraph so a table can use it without paying for the plotting library. Unit words go
through ``QCoreApplication.translate("Format", ...)`` so the Korean translation can reword them
("{days} d {hours} h" -> "{days}일 {hours}시간"); every call spells out its literal text so lupdate finds
it. Numbers use ``.`` as the decimal point, as both shipped languages do.

Comments on constants are plain ``#`` here, not ``#:``: lupdate would attach ``#:`` comments to the next
translatable message as a note for translators.
"""

import math
from typing import Literal, get_args

from PySide6.QtCore import QCoreApplication

# What a chart's values measure; decides axis ticks and read-out formatting.
Unit = Literal["percent", "bytes", "rate", "count"]
UNITS: tuple[str, ...] = get_args(Unit)

# Shown instead of a number that is not one (NaN, infinity).
NOT_A_NUMBER = "–"

_BINARY_STEP = 1024.0


def _binary_unit_names() -> tuple[str, ...]:
    return (
        QCoreApplication.translate("Format", "B"),
        QCoreApplication.translate("Format", "KiB"),
        QCoreApplication.translate("Format", "MiB"),
        QCoreApplication.translate("Format", "GiB"),
        QCoreApplication.translate("Format", "TiB"),
        QCoreApplication.translate("Format", "PiB"),
    )


def _trimmed(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def format_bytes(n: float, *, decimals: int | None = None) -> str:
    """Bytes in binary units, e.g. ``512 B``, ``512 MiB``, ``1.5 GiB``.

    Args:
        n: A byte count.
        decimals: Most decimals shown (trailing zeros are dropped). ``None``: one below 10 units, none
            above, which keeps about three significant digits for tables and read-outs.
    """
    if not math.isfinite(n):
        return NOT_A_NUMBER
    names = _binary_unit_names()
    scaled = abs(float(n))
    index = 0
    while scaled >= _BINARY_STEP and index < len(names) - 1:
        scaled /= _BINARY_STEP
        index += 1
    places = decimals if decimals is not None else (1 if index > 0 and scaled < 10 else 0)
    if round(scaled, places) >= _BINARY_STEP and index < len(names) - 1:
        # 1023.7 MiB would print as "1024 MiB": say "1 GiB" instead.
        scaled /= _BINARY_STEP
        index += 1
    number = _trimmed(-scaled if n < 0 else scaled, places if index > 0 else 0)
    return QCoreApplication.translate("Format", "{number} {unit}").format(number=number, unit=names[index])


def format_rate(bytes_per_s: float, *, decimals: int | None = None) -> str:
    """A transfer rate, e.g. ``1.5 MiB/s``."""
    if not math.isfinite(bytes_per_s):
        return NOT_A_NUMBER
    size = format_bytes(bytes_per_s, decimals=decimals)
    return QCoreApplication.translate("Format", "{size}/s").format(size=size)


def format_percent(x: float, *, decimals: int = 1) -> str:
    """A percentage, e.g. ``12.5%`` (one decimal, as Task Manager shows CPU)."""
    if not math.isfinite(x):
        return NOT_A_NUMBER
    return QCoreApplication.translate("Format", "{value}%").format(value=f"{x:.{decimals}f}")


def format_count(n: float) -> str:
    """A count (threads, handles), e.g. ``1,234``; fractions (averages) keep one decimal."""
    if not math.isfinite(n):
        return NOT_A_NUMBER
    if float(n).is_integer():
        return f"{int(n):,}"
    return f"{n:,.1f}"


def format_duration(seconds: float) -> str:
    """A duration as its two largest units, e.g. ``3 d 4 h``, ``5 min 2 s``, ``42 s``.

    Two units are precise enough for an uptime and keep the text short; the rest is truncated, not
    rounded, so an uptime never shows more than has elapsed.
    """
    if not math.isfinite(seconds):
        return NOT_A_NUMBER
    total = max(0, int(seconds))
    days, rest = divmod(total, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return QCoreApplication.translate("Format", "{days} d {hours} h").format(days=days, hours=hours)
    if hours:
        return QCoreApplication.translate("Format", "{hours} h {minutes} min").format(
            hours=hours, minutes=minutes
        )
    if minutes:
        text = QCoreApplication.translate("Format", "{minutes} min {seconds} s")
        return text.format(minutes=minutes, seconds=secs)
    return QCoreApplication.translate("Format", "{seconds} s").format(seconds=secs)


def format_value(value: float, unit: Unit) -> str:
    """Format ``value`` as its unit says (read-outs that show several kinds of series)."""
    if unit == "percent":
        return format_percent(value)
    if unit == "bytes":
        return format_bytes(value)
    if unit == "rate":
        return format_rate(value)
    if unit == "count":
        return format_count(value)
    raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
