"""The settings dialog's line about the background engine: installed at boot? running? at which address?

Two sources, read together off the GUI thread: the operating system's entry (``BootService.status``, which runs
schtasks or systemctl) and the advertisement a running engine leaves in the data dir (``engine.discovery``),
which knows the engine's pid and API address whoever started it.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from monitor_app.core.errors import MonitorError
from monitor_app.engine.discovery import Advertisement, read_advertisement
from monitor_app.settings import BootService, BootServiceStatus

AdvertisementReader = Callable[[Path], Advertisement | None]
_PLACEHOLDER = re.compile(r"%([1-9])")


@dataclass(frozen=True, slots=True)
class BootEngineReport:
    """What the status line shows.

    Attributes:
        status: The operating system's entry, or ``None`` if it could not be read.
        error: Why it could not be read (empty otherwise).
        advertisement: The engine running for this data dir, if one advertises itself.
    """

    status: BootServiceStatus | None
    error: str = ""
    advertisement: Advertisement | None = None


def read_boot_engine_report(
    service: BootService, data_dir: Path, read: AdvertisementReader = read_advertisement
) -> BootEngineReport:
    """Ask the service manager and read the advertisement. Blocks on a process: call it off the GUI thread."""
    advertisement = read(data_dir)
    try:
        return BootEngineReport(service.status(), "", advertisement)
    except MonitorError as exc:
        return BootEngineReport(None, exc.message, advertisement)


def describe_report(report: BootEngineReport) -> str:
    """The status line: installed or not, running or not (and as what), the address, what to fix."""
    lines = [_installed_line(report)]
    running = _running_line(report)
    if running:
        lines.append(running)
    if report.status is not None and report.status.without_secrets:
        lines.append(
            _tr(
                QT_TRANSLATE_NOOP(
                    "BootEngineStatus",
                    "The background engine cannot read your saved secrets: it was registered without your Windows "
                    "password, so webhook URLs and plugin passwords stay off while it runs. Register it again with "
                    "your password to fix this.",
                )
            )
        )
    if report.status is not None and report.status.warning:
        lines.append(_tr(QT_TRANSLATE_NOOP("BootEngineStatus", "Note: %1"), report.status.warning))
    return "\n".join(lines)


def _installed_line(report: BootEngineReport) -> str:
    status = report.status
    if status is None:
        return _tr(
            QT_TRANSLATE_NOOP(
                "BootEngineStatus", "Cannot tell whether the background engine is installed: %1"
            ),
            report.error,
        )
    if status.installed:
        return _tr(
            QT_TRANSLATE_NOOP("BootEngineStatus", "Background engine: installed (%1; %2)."),
            status.where,
            status.detail,
        )
    return _tr(QT_TRANSLATE_NOOP("BootEngineStatus", "Background engine: not installed (%1)."), status.detail)


def _running_line(report: BootEngineReport) -> str:
    ad = report.advertisement
    if ad is not None:
        address = ad.api_url or _tr(QT_TRANSLATE_NOOP("BootEngineStatus", "no API address"))
        if ad.headless:
            return _tr(
                QT_TRANSLATE_NOOP("BootEngineStatus", "Running in the background (process %1) at %2."),
                str(ad.pid),
                address,
            )
        return _tr(
            QT_TRANSLATE_NOOP(
                "BootEngineStatus", "The engine runs in a window (process %1) at %2, not in the background."
            ),
            str(ad.pid),
            address,
        )
    status = report.status
    if status is None or not status.installed:
        return ""
    if status.running is True:
        return _tr(
            QT_TRANSLATE_NOOP("BootEngineStatus", "Running in the background; its address is not known yet.")
        )
    if status.running is False:
        return _tr(QT_TRANSLATE_NOOP("BootEngineStatus", "Not running now."))
    return _tr(QT_TRANSLATE_NOOP("BootEngineStatus", "Whether it runs now is not known."))


def _tr(text: str, *values: str) -> str:
    """``text`` (marked with ``QT_TRANSLATE_NOOP("BootEngineStatus", ...)`` so lupdate finds it) translated, with ``%1``, ``%2``… filled in one pass (a value holding "%2" stays as it is)."""
    translated = QCoreApplication.translate("BootEngineStatus", text)
    return _PLACEHOLDER.sub(
        lambda m: values[int(m.group(1)) - 1] if int(m.group(1)) <= len(values) else m.group(0), translated
    )
