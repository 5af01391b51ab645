"""Words for automation in the UI: notification events, job states and kinds, times and countdowns.

Shared by the Webhooks and Jobs views (and the alert-rule and schedule pages added next to them). Every text
goes through ``QCoreApplication.translate`` with its literal spelled out, so lupdate finds it.
"""

import time
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFontMetrics

from monitor_app.core.jobs import Job, JobState
from monitor_app.core.notifications import (
    ALERT_FIRED,
    ALERT_RESOLVED,
    PROGRAM_EXITED,
    PROGRAM_FATAL,
    PROGRAM_RESTARTED,
    PROGRAM_STARTED,
    PROGRAM_STOPPED,
    WEBHOOK_TEST,
)

# Colours of job states (the same palette as program states: blue works, green done, red failed, grey idle).
JOB_STATE_COLORS: dict[JobState, str] = {
    JobState.QUEUED: "#d08a1f",
    JobState.RUNNING: "#2f7fd1",
    JobState.DONE: "#2e9d4f",
    JobState.FAILED: "#c9362c",
    JobState.CANCELLED: "#8a8f96",
}
OK_COLOR = "#2e9d4f"
ERROR_COLOR = "#c9362c"


def event_label(event: str) -> str:
    """A notification event as a person reads it (plugin events keep their name)."""
    labels = {
        PROGRAM_STARTED: QCoreApplication.translate("Notifications", "Program started"),
        PROGRAM_STOPPED: QCoreApplication.translate("Notifications", "Program stopped"),
        PROGRAM_EXITED: QCoreApplication.translate("Notifications", "Program crashed"),
        PROGRAM_RESTARTED: QCoreApplication.translate("Notifications", "Program restarted after a crash"),
        PROGRAM_FATAL: QCoreApplication.translate("Notifications", "Program gave up restarting"),
        ALERT_FIRED: QCoreApplication.translate("Notifications", "Alert fired"),
        ALERT_RESOLVED: QCoreApplication.translate("Notifications", "Alert resolved"),
        WEBHOOK_TEST: QCoreApplication.translate("Notifications", "Test message"),
    }
    return labels.get(event, event)


def event_hint(event: str) -> str:
    """One sentence on when an event is sent (tooltips of the event checkboxes)."""
    hints = {
        PROGRAM_STARTED: QCoreApplication.translate(
            "Notifications", "Someone or a schedule started a program."
        ),
        PROGRAM_STOPPED: QCoreApplication.translate("Notifications", "A program was stopped on purpose."),
        PROGRAM_EXITED: QCoreApplication.translate(
            "Notifications", "A program exited when nobody asked it to (once per crash episode)."
        ),
        PROGRAM_RESTARTED: QCoreApplication.translate(
            "Notifications", "A crashed program is running again thanks to its restart policy."
        ),
        PROGRAM_FATAL: QCoreApplication.translate(
            "Notifications", "A program kept failing to start and monitor_app stopped trying."
        ),
        ALERT_FIRED: QCoreApplication.translate("Notifications", "An alert rule's condition became true."),
        ALERT_RESOLVED: QCoreApplication.translate("Notifications", "A fired alert's condition is over."),
    }
    return hints.get(event, "")


def events_summary(events: tuple[str, ...]) -> str:
    """What an endpoint subscribes to, in a few words ("All events", two names, or a count)."""
    if not events:
        return QCoreApplication.translate("Notifications", "All events")
    if len(events) <= 2:
        return ", ".join(event_label(e) for e in events)
    return QCoreApplication.translate("Notifications", "%n event(s)", "", len(events))


def job_state_label(state: JobState) -> str:
    labels = {
        JobState.QUEUED: QCoreApplication.translate("JobState", "Queued"),
        JobState.RUNNING: QCoreApplication.translate("JobState", "Running"),
        JobState.DONE: QCoreApplication.translate("JobState", "Done"),
        JobState.FAILED: QCoreApplication.translate("JobState", "Failed"),
        JobState.CANCELLED: QCoreApplication.translate("JobState", "Cancelled"),
    }
    return labels[state]


def job_title(job: Job) -> str:
    """A job's one-line description in the UI language where the job says enough, else the engine's title.

    A webhook delivery reads "Program crashed (Palworld) → Discord #status"; the target is the tail of the
    engine's title (the endpoint's name or its redacted address), which stays right after the endpoint is gone.
    """
    notification = job.payload.get("notification")
    if job.kind == "webhook.deliver" and isinstance(notification, Mapping) and " → " in job.title:
        event = event_label(str(notification.get("event", "")))
        program = notification.get("program_name")
        subject = f" ({program})" if program else ""
        return f"{event}{subject} → {job.title.rpartition(' → ')[2]}"
    return job.title or job.kind


def job_kind_label(kind: str) -> str:
    """What a job does (unknown kinds, e.g. from a newer engine or a plugin, keep their name)."""
    labels = {
        "webhook.deliver": QCoreApplication.translate("JobKind", "Webhook delivery"),
        "schedule.action": QCoreApplication.translate("JobKind", "Scheduled action"),
        "alert.action": QCoreApplication.translate("JobKind", "Alert action"),
        "plugin.action": QCoreApplication.translate("JobKind", "Plugin action"),
    }
    return labels.get(kind, kind)


def short_time(timestamp: float | None, *, now: float | None = None) -> str:
    """``14:03:12`` for today, ``03-18 14:03`` for another day of this year, else the full date."""
    if timestamp is None or timestamp <= 0:
        return ""
    local = time.localtime(timestamp)
    today = time.localtime(time.time() if now is None else now)
    if local[:3] == today[:3]:
        return time.strftime("%H:%M:%S", local)
    if local.tm_year == today.tm_year:
        return time.strftime("%m-%d %H:%M", local)
    return time.strftime("%Y-%m-%d %H:%M", local)


def full_time(timestamp: float | None) -> str:
    if timestamp is None or timestamp <= 0:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(timestamp))


def countdown(seconds: float) -> str:
    """Time until something happens: ``now``, ``in 12 s``, ``in 5 min``, ``in 2 h``."""
    whole = round(seconds)
    if whole < 1:
        return QCoreApplication.translate("Automation", "now")
    if whole < 60:
        return QCoreApplication.translate("Automation", "in %n s", "", whole)
    minutes = round(seconds / 60)
    if minutes < 60:
        return QCoreApplication.translate("Automation", "in %n min", "", minutes)
    return QCoreApplication.translate("Automation", "in %n h", "", round(seconds / 3600))


def delivery_status(status: int | None) -> str:
    """An HTTP status as shown in the delivery log; ``no answer`` when none came."""
    if status is None:
        return QCoreApplication.translate("Automation", "no answer")
    return QCoreApplication.translate("Automation", "HTTP %1").replace("%1", str(status))


def column_width(metrics: QFontMetrics, *samples: str, icon: bool = False) -> int:
    """Pixels a table column needs to show the widest of ``samples`` (plus padding and a state dot)."""
    return max(metrics.horizontalAdvance(sample) for sample in samples) + 18 + (22 if icon else 0)
