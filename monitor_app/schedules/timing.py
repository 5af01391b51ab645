"""When a schedule fires next, as an instant (epoch seconds), with exact DST semantics.

Daily and cron schedules follow the local wall clock of the schedule's zone (``Schedule.timezone``, else the
``local_zone`` argument, else the machine's zone):

- a wall time that does not exist (spring forward, e.g. 02:30 in Europe/Berlin on the last Sunday of March)
  fires at the first instant after the gap (03:00 local); several skipped times collapse into that one fire;
- a wall time that happens twice (fall back, e.g. 02:30 in Berlin on the last Sunday of October) fires once,
  at its first occurrence (``fold=0``); the repeated hour does not fire again. A cron ``*/15`` therefore pauses
  during the repeated hour: use an interval schedule for "every N minutes of real time";
- a daily 04:00 stays at 04:00 local on both sides of a change (its UTC offset changes).

Interval schedules run in absolute time: fires are ``anchor + k * interval`` for every integer ``k``, where the
anchor is ``time_of_day`` (default 00:00) on the local date the schedule was created (1 January 2024 when
``created_at`` is unset). The anchor fixes the phase, not a start; DST shifts the local clock reading of the
fires but never the real time between them.

Only ``zoneinfo`` and the C library's local time are used; no third-party packages.
"""

import math
import time
import zoneinfo
from datetime import date, datetime, timedelta, tzinfo
from datetime import time as clock_time

from monitor_app.core.schedules import Schedule, ScheduleKind, parse_cron, parse_time_of_day
from monitor_app.schedules.cron import next_after

_EPOCH = datetime(1970, 1, 1)
#: Anchor date of an interval schedule without ``created_at``.
REFERENCE_DATE = date(2024, 1, 1)
#: Cron candidates tried before giving up; a repeated DST hour of an every-minute expression needs 60.
_MAX_CRON_STEPS = 5000


class SystemLocalZone(tzinfo):
    """The machine's own zone with its DST rules, read through the C library (``time.localtime``).

    ``datetime.now().astimezone().tzinfo`` is a fixed offset and would be wrong on the other side of a DST
    change; Windows has no IANA name to hand to ``zoneinfo``. Naive local datetimes already honour ``fold``
    (PEP 495) in ``timestamp()`` and ``fromtimestamp()``, so this wraps them as a proper tzinfo.
    """

    def utcoffset(self, dt: datetime | None) -> timedelta | None:
        if dt is None:
            return None
        wall = dt.replace(tzinfo=None)
        utc = _EPOCH + timedelta(seconds=wall.timestamp())
        return wall.replace(fold=0) - utc

    def dst(self, dt: datetime | None) -> timedelta | None:
        return None  # the C library says whether DST is in force, not by how much

    def tzname(self, dt: datetime | None) -> str | None:
        if dt is None:
            return time.tzname[0]
        return time.localtime(dt.replace(tzinfo=None).timestamp()).tm_zone

    def fromutc(self, dt: datetime) -> datetime:
        seconds = (dt.replace(tzinfo=None) - _EPOCH).total_seconds()
        return datetime.fromtimestamp(seconds).replace(tzinfo=self)  # keeps the fold fromtimestamp set

    def __repr__(self) -> str:
        return "SystemLocalZone()"


SYSTEM_LOCAL_ZONE = SystemLocalZone()


def zone_of(schedule: Schedule, local_zone: tzinfo | None = None) -> tzinfo:
    """The zone whose wall clock the schedule follows.

    Raises:
        ValueError: the schedule names a zone this machine does not know (on Windows: install ``tzdata``).
    """
    if schedule.timezone:
        try:
            return zoneinfo.ZoneInfo(schedule.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {schedule.timezone!r}") from None
    return local_zone if local_zone is not None else SYSTEM_LOCAL_ZONE


def wall_to_instant(wall: datetime, zone: tzinfo) -> float:
    """Epoch seconds of a naive wall time in ``zone``: the first occurrence if repeated, the end of the gap if
    skipped."""
    wall = wall.replace(tzinfo=None, fold=0)
    first = wall.replace(tzinfo=zone).timestamp()
    if datetime.fromtimestamp(first, zone).replace(tzinfo=None) == wall:
        return first  # exists (for a repeated time, fold=0 is the first occurrence)
    # Skipped: fold=0 and fold=1 map through the offsets before and after the transition, which lies between.
    other = wall.replace(tzinfo=zone, fold=1).timestamp()
    lo, hi = math.floor(min(first, other)), math.ceil(max(first, other))
    offset_after = _offset_at(hi, zone)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset_at(mid, zone) == offset_after:
            hi = mid
        else:
            lo = mid
    return float(hi)


def _offset_at(instant: float, zone: tzinfo) -> timedelta | None:
    return datetime.fromtimestamp(instant, zone).utcoffset()


def next_fire(schedule: Schedule, after: float, *, local_zone: tzinfo | None = None) -> float:
    """The schedule's first fire strictly after ``after`` (epoch seconds), see the module notes on DST.

    Raises:
        ValueError: unknown zone, invalid cron, or an expression with no fire in the search window.
    """
    zone = zone_of(schedule, local_zone)
    if schedule.kind is ScheduleKind.INTERVAL:
        return _next_interval(schedule, after, zone)
    if schedule.kind is ScheduleKind.DAILY:
        return _next_daily(schedule, after, zone)
    return _next_cron(schedule, after, zone)


def _local_wall(instant: float, zone: tzinfo) -> datetime:
    return datetime.fromtimestamp(instant, zone).replace(tzinfo=None, fold=0)


def _next_daily(schedule: Schedule, after: float, zone: tzinfo) -> float:
    if schedule.time_of_day is None:
        raise ValueError("a daily schedule needs time_of_day")
    at = clock_time(*parse_time_of_day(schedule.time_of_day))
    today = _local_wall(after, zone).date()
    for days in range(9):  # a week covers any weekday set; one more day for a time already passed
        day = today + timedelta(days=days)
        if schedule.weekdays and day.weekday() not in schedule.weekdays:
            continue
        fire = wall_to_instant(datetime.combine(day, at), zone)
        if fire > after:
            return fire
    raise ValueError("the daily schedule has no weekday to fire on")


def _next_interval(schedule: Schedule, after: float, zone: tzinfo) -> float:
    if not schedule.interval_minutes or schedule.interval_minutes < 1:
        raise ValueError("an interval schedule needs interval_minutes >= 1")
    hour, minute = parse_time_of_day(schedule.time_of_day) if schedule.time_of_day else (0, 0)
    anchor_day = _local_wall(schedule.created_at, zone).date() if schedule.created_at > 0 else REFERENCE_DATE
    anchor = wall_to_instant(datetime.combine(anchor_day, clock_time(hour, minute)), zone)
    period = schedule.interval_minutes * 60.0
    fire = anchor + (math.floor((after - anchor) / period) + 1) * period
    return fire if fire > after else fire + period


def _next_cron(schedule: Schedule, after: float, zone: tzinfo) -> float:
    if not schedule.cron:
        raise ValueError("a cron schedule needs a cron expression")
    spec = parse_cron(schedule.cron)
    wall = _local_wall(after, zone)
    for _ in range(_MAX_CRON_STEPS):
        wall = next_after(spec, wall)
        fire = wall_to_instant(wall, zone)
        if fire > after:  # a wall time seen already in the first pass of a repeated hour is skipped
            return fire
    raise ValueError(f"no fire found for {schedule.cron!r}")
