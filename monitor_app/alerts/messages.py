"""The one English line each transition carries, kept apart so wording changes never touch the state machine.

Lines name no program: notifiers and the event log add the program's name from ``program_id``.
"""

from monitor_app.core.alerts import AlertRule, RuleKind, format_duration

_LABELS = {
    RuleKind.CPU_ABOVE: "CPU",
    RuleKind.MEMORY_ABOVE: "Memory",
    RuleKind.MEMORY_TREND: "Memory trend",
    RuleKind.DOWN_FOR: "Down",
    RuleKind.RESTARTS_OVER: "Restarts",
    RuleKind.DISK_FREE_BELOW: "Disk",
}


def _n(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _held(seconds: float) -> str:
    return f" for {format_duration(seconds)}" if seconds > 0 else ""


def level_fired(rule: AlertRule, subject: str, value: float) -> str:
    """cpu_above, memory_above, disk_free_below crossing their threshold."""
    held = _held(rule.duration_s)
    match rule.kind:
        case RuleKind.CPU_ABOVE:
            return f"CPU {value:.1f} % ≥ {_n(rule.threshold)} %{held}"
        case RuleKind.MEMORY_ABOVE:
            return f"Memory {value:.0f} MB ≥ {_n(rule.threshold)} MB{held}"
        case _:
            return f"Disk {subject} free {value:.1f} % < {_n(rule.threshold)} %{held}"


def level_resolved(rule: AlertRule, subject: str, value: float, clear_level: float) -> str:
    held = _held(rule.duration_s)
    match rule.kind:
        case RuleKind.CPU_ABOVE:
            return f"CPU back to {value:.1f} % (below {_n(clear_level)} %{held})"
        case RuleKind.MEMORY_ABOVE:
            return f"Memory back to {value:.0f} MB (below {_n(clear_level)} MB{held})"
        case _:
            return f"Disk {subject} free back to {value:.1f} % (above {_n(clear_level)} %{held})"


def trend_fired(rule: AlertRule, current_mb: float, slope_mb_s: float, projected_mb: float) -> str:
    return (
        f"Memory {current_mb:.0f} MB rising {slope_mb_s * 60:.1f} MB/min: projected {projected_mb:.0f} MB "
        f"≥ {_n(rule.threshold)} MB within {format_duration(rule.duration_s)}"
    )


def trend_resolved(rule: AlertRule, projected_mb: float, release_s: float) -> str:
    return (
        f"Memory growth eased: projected {projected_mb:.0f} MB within {format_duration(rule.duration_s)} "
        f"(below {_n(rule.threshold)} MB for {format_duration(release_s)})"
    )


def down_fired(rule: AlertRule, seconds: float, state: str) -> str:
    return f"Down ({state}) for {format_duration(seconds)} (≥ {format_duration(rule.duration_s)})"


def down_resolved(seconds: float, state: str) -> str:
    if state == "running":
        return f"Running again after {format_duration(seconds)} down"
    return f"No longer down ({state} on request) after {format_duration(seconds)}"


def restarts_fired(rule: AlertRule, count: int) -> str:
    return (
        f"{count} unexpected restarts in the last {format_duration(rule.duration_s)} "
        f"(more than {_n(rule.threshold)})"
    )


def restarts_resolved(rule: AlertRule, count: int) -> str:
    return (
        f"Restarts calmed down: {count} in the last {format_duration(rule.duration_s)} "
        f"(at most {_n(rule.threshold)})"
    )


def ended(rule: AlertRule, reason: str) -> str:
    """A firing alert whose subject went away (program stopped, disk unmounted)."""
    return f"{_LABELS[rule.kind]} alert ended: {reason}"
