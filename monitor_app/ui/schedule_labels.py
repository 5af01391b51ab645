"""Words for schedules in the UI: "Mon–Fri at 04:00", "Every 6 h", "10, 5, 1 min before", "in 3 h 12 min".

Shared by the Schedules page and its dialog. Every text goes through ``QCoreApplication.translate`` (context
``Schedules``) with its literal spelled out, so lupdate finds it. Units are composed ("3 h 12 min" from "%1 h"
and "%1 min") so Korean can write "3시간 12분" without plural forms.
"""

import time
from collections.abc import Iterable, Sequence

from PySide6.QtCore import QCoreApplication

from monitor_app.core.schedules import Schedule, ScheduleAction, ScheduleKind, WhenPlayersOnline
from monitor_app.ui.program_commands import verb_label

#: Days in Python's numbering (0 = Monday … 6 = Sunday).
ALL_DAYS = tuple(range(7))
WORKDAYS = (0, 1, 2, 3, 4)
WEEKEND = (5, 6)
#: A run of at least this many consecutive days is written as a range ("Mon–Fri").
RANGE_FROM = 3


def weekday_name(day: int) -> str:
    """The short name of a weekday (0 = Monday)."""
    names = (
        QCoreApplication.translate("Schedules", "Mon"),
        QCoreApplication.translate("Schedules", "Tue"),
        QCoreApplication.translate("Schedules", "Wed"),
        QCoreApplication.translate("Schedules", "Thu"),
        QCoreApplication.translate("Schedules", "Fri"),
        QCoreApplication.translate("Schedules", "Sat"),
        QCoreApplication.translate("Schedules", "Sun"),
    )
    return names[day]


def days_text(weekdays: Iterable[int]) -> str:
    """``Mon–Fri``, ``Sat, Sun``, ``Mon, Wed, Fri``; empty for every day."""
    days = sorted(set(weekdays))
    if not days or days == list(ALL_DAYS):
        return ""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        if len(run) >= RANGE_FROM:
            parts.append(f"{weekday_name(run[0])}–{weekday_name(run[-1])}")
        else:
            parts.extend(weekday_name(day) for day in run)
    return ", ".join(parts)


def span_text(seconds: float) -> str:
    """A length of time in at most two units: ``42 s``, ``12 min``, ``3 h 12 min``, ``2 d 5 h``."""
    whole = max(0, int(seconds))
    if whole < 60:
        return QCoreApplication.translate("Schedules", "%1 s").replace("%1", str(whole))
    minutes = whole // 60
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        pairs = [(days, QCoreApplication.translate("Schedules", "%1 d")), (hours, _hours_unit())]
    elif hours:
        pairs = [(hours, _hours_unit()), (minutes, _minutes_unit())]
    else:
        pairs = [(minutes, _minutes_unit())]
    return " ".join(unit.replace("%1", str(value)) for value, unit in pairs if value)


def _hours_unit() -> str:
    return QCoreApplication.translate("Schedules", "%1 h")


def _minutes_unit() -> str:
    return QCoreApplication.translate("Schedules", "%1 min")


def countdown_text(seconds: float) -> str:
    """``in 3 h 12 min``; ``now`` when the time has come (or passed, e.g. while waiting for players)."""
    if seconds < 1:
        return QCoreApplication.translate("Schedules", "now")
    return QCoreApplication.translate("Schedules", "in %1").replace("%1", span_text(seconds))


def moment_text(timestamp: float, *, now: float | None = None, with_date: bool = True) -> str:
    """A local date and time: ``Tue 05-14 04:00``; without the date when ``with_date`` is false and the day is
    within the coming week (``Tue 04:00``)."""
    local = time.localtime(timestamp)
    clock = time.strftime("%H:%M", local)
    day = weekday_name(local.tm_wday)
    reference = time.time() if now is None else now
    if not with_date and 0 <= timestamp - reference < 6.5 * 86400:
        return f"{day} {clock}"
    if local.tm_year != time.localtime(reference).tm_year:
        return f"{day} {time.strftime('%Y-%m-%d', local)} {clock}"
    return f"{day} {time.strftime('%m-%d', local)} {clock}"


def next_run_text(timestamp: float | None, *, now: float | None = None) -> str:
    """``Tue 05-14 04:00 · in 3 h 12 min``; empty when nothing is planned."""
    if timestamp is None:
        return ""
    reference = time.time() if now is None else now
    return f"{moment_text(timestamp, now=reference)} · {countdown_text(timestamp - reference)}"


def action_label(action: ScheduleAction, plugin_action: str | None = None) -> str:
    """What the schedule does, as on the program's buttons ("Restart"), or the plugin action's name."""
    if action is ScheduleAction.PLUGIN_ACTION:
        return QCoreApplication.translate("Schedules", "Plugin: %1").replace("%1", plugin_action or "?")
    return verb_label(action.value)


def interval_text(minutes: int) -> str:
    return span_text(minutes * 60)


def when_text(schedule: Schedule) -> str:
    """When it fires, in words: "Every day at 04:00", "Mon–Fri at 04:00", "Every 6 h", "cron: 0 */6 * * *",
    followed by the time zone when the schedule names one."""
    if schedule.kind is ScheduleKind.DAILY:
        at = schedule.time_of_day or "00:00"
        days = days_text(schedule.weekdays)
        if not days:
            text = QCoreApplication.translate("Schedules", "Every day at %1").replace("%1", at)
        else:
            text = QCoreApplication.translate("Schedules", "%1 at %2").replace("%1", days).replace("%2", at)
    elif schedule.kind is ScheduleKind.INTERVAL:
        every = interval_text(schedule.interval_minutes or 0)
        if schedule.time_of_day and schedule.time_of_day != "00:00":
            text = (
                QCoreApplication.translate("Schedules", "Every %1 (aligned to %2)")
                .replace("%1", every)
                .replace("%2", schedule.time_of_day)
            )
        else:
            text = QCoreApplication.translate("Schedules", "Every %1").replace("%1", every)
    else:
        text = QCoreApplication.translate("Schedules", "cron: %1").replace("%1", schedule.cron or "")
    if schedule.timezone:
        text += f" ({schedule.timezone})"
    return text


def warnings_text(warnings: Sequence[int]) -> str:
    """``10, 5, 1 min before``; ``None`` without warnings."""
    if not warnings:
        return QCoreApplication.translate("Schedules", "None")
    minutes = ", ".join(str(m) for m in sorted(set(warnings), reverse=True))
    return QCoreApplication.translate("Schedules", "%1 min before").replace("%1", minutes)


def players_policy_text(policy: WhenPlayersOnline, defer_max_min: int) -> str:
    """What happens when players are online at the time, in a few words."""
    if policy is WhenPlayersOnline.RUN:
        return QCoreApplication.translate("Schedules", "Run anyway")
    if policy is WhenPlayersOnline.SKIP:
        return QCoreApplication.translate("Schedules", "Skip this time")
    return QCoreApplication.translate("Schedules", "Wait up to %1 min").replace("%1", str(defer_max_min))


def players_policy_hint(policy: WhenPlayersOnline) -> str:
    """One sentence on a players-online policy (tooltips)."""
    hints = {
        WhenPlayersOnline.RUN: QCoreApplication.translate(
            "Schedules", "The action runs at its time whether or not players are online."
        ),
        WhenPlayersOnline.SKIP: QCoreApplication.translate(
            "Schedules", "If players are online at the time, this run is skipped; the next one is kept."
        ),
        WhenPlayersOnline.DEFER: QCoreApplication.translate(
            "Schedules",
            "If players are online, the action waits until they have left (checked every minute), and runs "
            "anyway once the longest wait is over.",
        ),
    }
    return hints[policy]


def players_needs_plugin_hint() -> str:
    return QCoreApplication.translate(
        "Schedules",
        "Players are counted by the game-server plugin (e.g. Palworld). Without one, nobody counts as "
        "online and the action runs at its time.",
    )


def warnings_hint() -> str:
    return QCoreApplication.translate(
        "Schedules",
        "Minutes before the action at which players are warned. The game-server plugin (e.g. a Palworld "
        "broadcast) tells them; without a plugin the warnings are only written to the event log.",
    )
