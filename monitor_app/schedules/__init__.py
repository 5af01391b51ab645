"""Scheduled actions without Qt: cron parsing, next-fire arithmetic with exact DST rules, and the planner.

Layering: the data (``Schedule``) and its codec live in ``monitor_app.core.schedules``; this package adds time.
``timing.next_fire`` answers "when next?", ``planner.SchedulePlanner`` answers "what now?" when polled with the
wall time, so the owner (a worker with a QTimer, or a test with plain numbers) only carries out the steps.
"""

from monitor_app.schedules.cron import CronSpec, day_matches, next_after, parse_cron
from monitor_app.schedules.planner import (
    GRACE_SECONDS,
    MissedRun,
    PlannedStep,
    PlayersOnline,
    SchedulePlanner,
    StepKind,
)
from monitor_app.schedules.timing import (
    SYSTEM_LOCAL_ZONE,
    SystemLocalZone,
    next_fire,
    wall_to_instant,
    zone_of,
)

__all__ = [
    "GRACE_SECONDS",
    "SYSTEM_LOCAL_ZONE",
    "CronSpec",
    "MissedRun",
    "PlannedStep",
    "PlayersOnline",
    "SchedulePlanner",
    "StepKind",
    "SystemLocalZone",
    "day_matches",
    "next_after",
    "next_fire",
    "parse_cron",
    "wall_to_instant",
    "zone_of",
]
