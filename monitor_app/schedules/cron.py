"""Cron expressions: parse (the grammar lives in ``core.schedules`` so the codec can validate) and find the
next matching wall-clock minute.

``next_after`` works on wall-clock fields only (year … minute) and knows nothing about time zones or DST;
``timing.next_fire`` turns the wall time it returns into an instant with the DST rules.
"""

from datetime import date, datetime, timedelta

from monitor_app.core.schedules import CronSpec, parse_cron

__all__ = ["CronSpec", "day_matches", "next_after", "parse_cron"]

#: How far ahead to look before giving up. Feb 29 on a given weekday can be 40 years away; beyond that the
#: expression is for practical purposes impossible, and a bounded search must never hang the planner.
SEARCH_YEARS = 50


def day_matches(spec: CronSpec, day: date) -> bool:
    """Whether cron would run on ``day`` at all (month and the day-of-month / day-of-week rule)."""
    if day.month not in spec.months:
        return False
    dom = day.day in spec.days
    dow = day.weekday() in spec.weekdays
    return (dom or dow) if spec.day_or else (dom and dow)


def next_after(expr: str | CronSpec, after: datetime) -> datetime:
    """The first wall-clock minute strictly after ``after`` that the expression matches.

    ``after`` may be naive or aware; only its wall-clock fields are used and the result carries the same
    ``tzinfo`` (with ``fold=0``): resolving a wall time that is skipped or repeated by DST is the caller's job.

    Raises:
        ValueError: the expression is invalid, or nothing matches within ``SEARCH_YEARS`` years.
    """
    spec = parse_cron(expr) if isinstance(expr, str) else expr
    try:
        start = after.replace(second=0, microsecond=0, fold=0, tzinfo=None) + timedelta(minutes=1)
    except OverflowError:
        raise ValueError("no time after the end of the calendar") from None
    hours = sorted(spec.hours)
    minutes = sorted(spec.minutes)
    day = start.date()
    try:
        limit = day.replace(year=day.year + SEARCH_YEARS, day=min(day.day, 28))
    except ValueError:
        limit = date.max
    while day <= limit:
        if day.month not in spec.months:
            if day.year == date.max.year and day.month == 12:
                break
            day = _first_of_next_month(day)
            continue
        if day_matches(spec, day):
            floor = (start.hour, start.minute) if day == start.date() else (0, 0)
            for hour in hours:
                if hour < floor[0]:
                    continue
                for minute in minutes:
                    if (hour, minute) >= floor:
                        found = datetime(day.year, day.month, day.day, hour, minute)
                        return found.replace(tzinfo=after.tzinfo)
        if day == date.max:
            break
        day += timedelta(days=1)
    raise ValueError(f"{spec.text!r} does not match any time within {SEARCH_YEARS} years")


def _first_of_next_month(day: date) -> date:
    if day.month == 12:
        return date(day.year + 1, 1, 1)
    return date(day.year, day.month + 1, 1)
