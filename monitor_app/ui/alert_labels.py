"""Words for alert rules in the UI: what a rule watches, what it does, its measured values and durations.

The engine's ``describe_rule`` and transition messages are English log lines; the UI builds its own text
from a rule's fields so that every word is translated. Every text goes through
``QCoreApplication.translate`` with its literal spelled out, so lupdate finds it.
"""

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from monitor_app.core.alerts import AlertRule, RuleAction, RuleKind

FIRING_COLOR = "#c9362c"
OK_COLOR = "#2e9d4f"
OFF_COLOR = "#8a8f96"

#: Kinds whose ``duration_s`` is how long the condition must hold (the others use it as a window or horizon).
HELD_KINDS = frozenset(
    {RuleKind.CPU_ABOVE, RuleKind.MEMORY_ABOVE, RuleKind.DISK_FREE_BELOW, RuleKind.DOWN_FOR}
)


def number(value: float) -> str:
    """A threshold or value without a pointless ".0" (90, 92.5)."""
    value = float(value)
    return f"{value:.0f}" if value.is_integer() else f"{value:.1f}"


def duration_text(seconds: float) -> str:
    """A duration as people say it: ``45 s``, ``90 s``, ``1 min``, ``90 min``, ``2 h``, ``2.5 h``."""
    seconds = max(0.0, float(seconds))
    if (seconds >= 3600 and seconds % 3600 == 0) or (seconds >= 7200 and seconds % 360 == 0):
        return QCoreApplication.translate("AlertRules", "%1 h").replace("%1", number(seconds / 3600))
    if seconds >= 60 and seconds % 60 == 0:
        return QCoreApplication.translate("AlertRules", "%1 min").replace("%1", number(seconds / 60))
    if seconds < 120:
        return QCoreApplication.translate("AlertRules", "%1 s").replace("%1", number(seconds))
    if seconds < 7200:
        return QCoreApplication.translate("AlertRules", "%1 min").replace(
            "%1", number(round(seconds / 60, 1))
        )
    return QCoreApplication.translate("AlertRules", "%1 h").replace("%1", number(round(seconds / 3600, 1)))


def kind_label(kind: RuleKind) -> str:
    """A kind as offered in the rule dialog."""
    labels = {
        RuleKind.CPU_ABOVE: QCoreApplication.translate("AlertRules", "CPU use too high"),
        RuleKind.MEMORY_ABOVE: QCoreApplication.translate("AlertRules", "Memory use too high"),
        RuleKind.MEMORY_TREND: QCoreApplication.translate(
            "AlertRules", "Memory growing toward a limit (leak)"
        ),
        RuleKind.DOWN_FOR: QCoreApplication.translate("AlertRules", "Program down"),
        RuleKind.RESTARTS_OVER: QCoreApplication.translate("AlertRules", "Crash loop (too many restarts)"),
        RuleKind.DISK_FREE_BELOW: QCoreApplication.translate("AlertRules", "Disk space low"),
    }
    return labels[kind]


def kind_hint(kind: RuleKind) -> str:
    """Two sentences on when a rule of this kind fires."""
    hints = {
        RuleKind.CPU_ABOVE: QCoreApplication.translate(
            "AlertRules",
            "Fires when the program's CPU use (all its processes, as Task Manager counts it) stays at or "
            "above the limit for the whole time given.",
        ),
        RuleKind.MEMORY_ABOVE: QCoreApplication.translate(
            "AlertRules",
            "Fires when the program's memory (all its processes) stays at or above the limit for the whole "
            "time given. With “Restart the program” it keeps a leaking server in check.",
        ),
        RuleKind.MEMORY_TREND: QCoreApplication.translate(
            "AlertRules",
            "Fires when memory keeps rising and, at its current pace, would reach the limit within the time "
            "given: a warning before a leak hurts. It needs 5 minutes of samples first.",
        ),
        RuleKind.DOWN_FOR: QCoreApplication.translate(
            "AlertRules",
            "Fires when a program that should run has been down (crashed, waiting to retry, or given up) for "
            "the time given. Stopping it yourself does not count.",
        ),
        RuleKind.RESTARTS_OVER: QCoreApplication.translate(
            "AlertRules",
            "Fires when a program had to be restarted after unexpected exits more often than the number "
            "given within the time window: a crash loop.",
        ),
        RuleKind.DISK_FREE_BELOW: QCoreApplication.translate(
            "AlertRules",
            "Fires when a disk's free space stays below the percentage given. It watches the whole machine, "
            "not a program.",
        ),
    }
    return hints[kind]


def condition_text(rule: AlertRule) -> str:
    """What a rule watches, in words: "CPU above 90 % for 1 min"."""
    threshold, duration = number(rule.threshold), duration_text(rule.duration_s)
    match rule.kind:
        case RuleKind.CPU_ABOVE:
            text = QCoreApplication.translate("AlertRules", "CPU above %1 %").replace("%1", threshold)
        case RuleKind.MEMORY_ABOVE:
            text = QCoreApplication.translate("AlertRules", "Memory above %1 MB").replace("%1", threshold)
        case RuleKind.MEMORY_TREND:
            return (
                QCoreApplication.translate("AlertRules", "Memory heading for %1 MB within %2")
                .replace("%1", threshold)
                .replace("%2", duration)
            )
        case RuleKind.DOWN_FOR:
            if rule.duration_s <= 0:
                return QCoreApplication.translate("AlertRules", "Down")
            return QCoreApplication.translate("AlertRules", "Down for %1").replace("%1", duration)
        case RuleKind.RESTARTS_OVER:
            return QCoreApplication.translate(
                "AlertRules", "More than %n restart(s) within %1", "", round(rule.threshold)
            ).replace("%1", duration)
        case _:
            if rule.mountpoint:
                text = (
                    QCoreApplication.translate("AlertRules", "Free space on %2 below %1 %")
                    .replace("%1", threshold)
                    .replace("%2", rule.mountpoint)
                )
            else:
                text = QCoreApplication.translate("AlertRules", "Free space below %1 % on any disk").replace(
                    "%1", threshold
                )
    if rule.duration_s <= 0:
        return text
    return QCoreApplication.translate("AlertRules", "%1 for %2").replace("%1", text).replace("%2", duration)


def value_text(kind: RuleKind, value: float) -> str:
    """A measured value of a firing alert, in the kind's unit: "93 %", "5123 MB", "7.5 % free"."""
    match kind:
        case RuleKind.CPU_ABOVE:
            return f"{value:.0f} %"
        case RuleKind.MEMORY_ABOVE:
            return f"{value:.0f} MB"
        case RuleKind.MEMORY_TREND:
            return QCoreApplication.translate("AlertRules", "%1 MB projected").replace("%1", f"{value:.0f}")
        case RuleKind.DOWN_FOR:
            return QCoreApplication.translate("AlertRules", "down %1").replace(
                "%1", duration_text(round(value))
            )
        case RuleKind.RESTARTS_OVER:
            return QCoreApplication.translate("AlertRules", "%n restart(s)", "", round(value))
        case _:
            return QCoreApplication.translate("AlertRules", "%1 % free").replace("%1", f"{value:.1f}")


def action_text(rule: AlertRule) -> str:
    """What a firing does besides the event-log row: "Notify", "Notify + Restart", "Event log only"."""
    parts = []
    if rule.notify:
        parts.append(QCoreApplication.translate("AlertRules", "Notify"))
    if rule.action is RuleAction.RESTART:
        parts.append(QCoreApplication.translate("AlertRules", "Restart"))
    elif rule.action is RuleAction.PLUGIN_ACTION:
        parts.append(
            QCoreApplication.translate("AlertRules", "Plugin action %1").replace(
                "%1", rule.plugin_action or ""
            )
        )
    if not parts:
        return QCoreApplication.translate("AlertRules", "Event log only")
    return " + ".join(parts)


def target_text(rule: AlertRule, name_of: Callable[[int], str | None]) -> str:
    """Whom a rule watches: a program's name, "All programs", or "Whole machine" for a disk rule."""
    if rule.kind is RuleKind.DISK_FREE_BELOW:
        return QCoreApplication.translate("AlertRules", "Whole machine")
    if rule.program_id is None:
        return QCoreApplication.translate("AlertRules", "All programs")
    return program_name(rule.program_id, name_of)


def program_name(program_id: int, name_of: Callable[[int], str | None]) -> str:
    """A program's name, or "#5 (removed)" when it is gone."""
    name = name_of(program_id)
    if name is not None:
        return name
    return QCoreApplication.translate("AlertRules", "#%1 (removed)").replace("%1", str(program_id))


def since_text(timestamp: float, *, now: float | None = None) -> str:
    """When an alert fired: ``11:40`` today, ``03-18 11:40`` another day."""
    local = time.localtime(timestamp)
    today = time.localtime(time.time() if now is None else now)
    if local[:3] == today[:3]:
        return time.strftime("%H:%M", local)
    return time.strftime("%m-%d %H:%M", local)
