"""Fires land at the right local time, across DST changes in both directions, and intervals ignore DST."""

import itertools
import os
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor_app.core.schedules import Schedule
from monitor_app.schedules.timing import SYSTEM_LOCAL_ZONE, next_fire, wall_to_instant, zone_of

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SEOUL = ZoneInfo("Asia/Seoul")


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def local(instant: float, zone: ZoneInfo) -> datetime:
    return datetime.fromtimestamp(instant, zone)


def daily(at: str, zone: str | None = None, weekdays: tuple[int, ...] = ()) -> Schedule:
    return Schedule(
        program_id=1, action="restart", kind="daily", time_of_day=at, timezone=zone, weekdays=weekdays
    )


def fires(schedule: Schedule, start: float, end: float, **kw) -> list[float]:
    out, t = [], start
    while (t := next_fire(schedule, t, **kw)) < end:
        out.append(t)
    return out


def test_daily_0400_in_seoul_is_1900_utc_the_day_before() -> None:
    fire = next_fire(daily("04:00", "Asia/Seoul"), utc(2025, 6, 1, 12, 0))
    assert fire == utc(2025, 6, 1, 19, 0)
    assert local(fire, SEOUL).strftime("%Y-%m-%d %H:%M") == "2025-06-02 04:00"


def test_schedule_zone_wins_over_local_zone() -> None:
    fire = next_fire(daily("04:00", "Asia/Seoul"), utc(2025, 6, 1, 12, 0), local_zone=BERLIN)
    assert fire == utc(2025, 6, 1, 19, 0)
    assert next_fire(daily("04:00"), utc(2025, 6, 1, 12, 0), local_zone=SEOUL) == fire


def test_weekdays_filter() -> None:
    weekdays = daily("04:00", "UTC", weekdays=(0, 1, 2, 3, 4))
    friday_noon = utc(2025, 5, 2, 12, 0)
    assert next_fire(weekdays, friday_noon) == utc(2025, 5, 5, 4, 0)  # Monday
    sundays = daily("04:00", "UTC", weekdays=(6,))
    days = fires(sundays, utc(2025, 5, 1), utc(2025, 6, 1))
    assert [datetime.fromtimestamp(t, UTC).day for t in days] == [4, 11, 18, 25]


def test_strictly_after() -> None:
    schedule = daily("04:00", "UTC")
    assert next_fire(schedule, utc(2025, 5, 1, 4, 0)) == utc(2025, 5, 2, 4, 0)
    assert next_fire(schedule, utc(2025, 5, 1, 4, 0) - 0.001) == utc(2025, 5, 1, 4, 0)


# ------------------------------------------------------------------------------------------ spring forward


@pytest.mark.parametrize(
    ("zone", "day", "gap_end_utc"),
    [
        ("Europe/Berlin", (2025, 3, 30), (2025, 3, 30, 1, 0)),  # 02:00 CET -> 03:00 CEST
        ("America/New_York", (2025, 3, 9), (2025, 3, 9, 7, 0)),  # 02:00 EST -> 03:00 EDT
    ],
)
def test_spring_forward_skipped_time_fires_once_at_the_end_of_the_gap(zone, day, gap_end_utc) -> None:
    schedule = daily("02:30", zone)
    start = datetime(*day, tzinfo=ZoneInfo(zone)) - timedelta(days=1)
    got = fires(schedule, start.timestamp(), start.timestamp() + 3 * 86400)
    assert len(got) == 3  # one per day, the DST day included
    assert got[1] == utc(*gap_end_utc)
    assert local(got[1], ZoneInfo(zone)).strftime("%H:%M") == "03:00"
    assert [local(t, ZoneInfo(zone)).strftime("%H:%M") for t in (got[0], got[2])] == ["02:30", "02:30"]


def test_spring_forward_poll_just_before_and_inside_the_gap() -> None:
    schedule = daily("02:30", "Europe/Berlin")
    assert next_fire(schedule, utc(2025, 3, 30, 0, 59, 59)) == utc(2025, 3, 30, 1, 0)
    assert next_fire(schedule, utc(2025, 3, 30, 1, 0)) == utc(2025, 3, 31, 0, 30)  # not twice


# ------------------------------------------------------------------------------------------------ fall back


@pytest.mark.parametrize(
    ("zone", "at", "day", "first_utc"),
    [
        ("Europe/Berlin", "02:30", (2025, 10, 26), (2025, 10, 26, 0, 30)),  # 02:30 CEST, not 02:30 CET
        ("America/New_York", "01:30", (2025, 11, 2), (2025, 11, 2, 5, 30)),  # 01:30 EDT, not 01:30 EST
    ],
)
def test_fall_back_repeated_time_fires_exactly_once_at_the_first_occurrence(zone, at, day, first_utc) -> None:
    tz = ZoneInfo(zone)
    schedule = daily(at, zone)
    midnight = datetime(*day, tzinfo=tz).timestamp()
    got = fires(schedule, midnight - 1, midnight + 86400 - 1)  # the whole (25-hour) local day
    assert got == [utc(*first_utc)]
    assert local(got[0], tz).fold == 0 and local(got[0], tz).strftime("%H:%M") == at
    # Asked from inside the repeated hour (second pass), the next fire is the next day.
    second_pass = got[0] + 3600 + 60
    assert local(second_pass, tz).fold == 1
    assert local(next_fire(schedule, second_pass), tz).date() == datetime(*day).date() + timedelta(days=1)


@pytest.mark.parametrize(
    ("zone", "days"),
    [
        ("Europe/Berlin", [(2025, 3, 29), (2025, 3, 30), (2025, 3, 31)]),
        ("Europe/Berlin", [(2025, 10, 25), (2025, 10, 26), (2025, 10, 27)]),
        ("America/New_York", [(2025, 3, 8), (2025, 3, 9), (2025, 3, 10)]),
        ("America/New_York", [(2025, 11, 1), (2025, 11, 2), (2025, 11, 3)]),
    ],
)
def test_daily_0400_stays_at_0400_local_on_both_sides(zone: str, days: list[tuple[int, int, int]]) -> None:
    tz = ZoneInfo(zone)
    got = fires(
        daily("04:00", zone),
        datetime(*days[0], tzinfo=tz).timestamp(),
        datetime(*days[2], 23, tzinfo=tz).timestamp(),
    )
    assert [local(t, tz).strftime("%Y-%m-%d %H:%M") for t in got] == [
        f"{y:04d}-{m:02d}-{d:02d} 04:00" for y, m, d in days
    ]
    offsets = {local(t, tz).utcoffset() for t in got}
    assert len(offsets) == 2  # the UTC offset changed, the local time did not
    gaps = sorted([got[1] - got[0], got[2] - got[1]])
    assert gaps in ([23 * 3600.0, 24 * 3600.0], [24 * 3600.0, 25 * 3600.0])  # one day is 23 or 25 hours


def test_berlin_daily_0400_exact_instants_across_spring_forward() -> None:
    got = fires(daily("04:00", "Europe/Berlin"), utc(2025, 3, 29), utc(2025, 4, 1))
    assert got == [utc(2025, 3, 29, 3, 0), utc(2025, 3, 30, 2, 0), utc(2025, 3, 31, 2, 0)]


# ------------------------------------------------------------------------------------------------- interval


def test_interval_every_6_hours_ignores_dst() -> None:
    created = datetime(2025, 1, 10, 9, 0, tzinfo=BERLIN).timestamp()
    schedule = Schedule(
        program_id=1,
        action="restart",
        kind="interval",
        interval_minutes=360,
        time_of_day="00:00",
        timezone="Europe/Berlin",
        created_at=created,
    )
    got = fires(schedule, utc(2025, 3, 29), utc(2025, 4, 1))
    assert {b - a for a, b in itertools.pairwise(got)} == {6 * 3600.0}  # real time, always 6 h
    assert got[0] == utc(2025, 3, 29, 5, 0)  # 06:00 CET; the anchor is 00:00 CET on 10 January = 23:00 UTC
    hours_before = {local(t, BERLIN).hour for t in got if t < utc(2025, 3, 30, 1)}
    hours_after = {local(t, BERLIN).hour for t in got if t > utc(2025, 3, 30, 1)}
    assert hours_before == {0, 6, 12, 18}
    assert hours_after == {1, 7, 13, 19}  # the local reading moves by the DST hour


def test_interval_anchor_and_strictly_after() -> None:
    schedule = Schedule(
        program_id=1,
        action="restart",
        kind="interval",
        interval_minutes=90,
        time_of_day="00:15",
        timezone="UTC",
    )  # no created_at: anchored on 2024-01-01 00:15 UTC
    assert next_fire(schedule, utc(2025, 5, 1, 0, 0)) == utc(2025, 5, 1, 0, 15)
    assert next_fire(schedule, utc(2025, 5, 1, 0, 15)) == utc(2025, 5, 1, 1, 45)
    assert next_fire(schedule, utc(2023, 12, 31, 23, 0)) == utc(2024, 1, 1, 0, 15)
    assert next_fire(schedule, utc(2023, 12, 31, 22, 0)) == utc(
        2023, 12, 31, 22, 45
    )  # the grid runs backwards


# ----------------------------------------------------------------------------------------------------- cron


def test_cron_weekdays_at_0400_in_seoul() -> None:
    schedule = Schedule(
        program_id=1, action="restart", kind="cron", cron="0 4 * * mon-fri", timezone="Asia/Seoul"
    )
    got = fires(schedule, utc(2025, 5, 1), utc(2025, 5, 8))
    assert [local(t, SEOUL).strftime("%a %H:%M") for t in got] == [
        "Fri 04:00",
        "Mon 04:00",
        "Tue 04:00",
        "Wed 04:00",
        "Thu 04:00",
    ]


def test_cron_every_15_minutes_across_both_dst_changes() -> None:
    schedule = Schedule(
        program_id=1, action="restart", kind="cron", cron="*/15 * * * *", timezone="Europe/Berlin"
    )
    spring = fires(schedule, utc(2025, 3, 30, 0, 20), utc(2025, 3, 30, 1, 20))
    assert [datetime.fromtimestamp(t, UTC).strftime("%H:%M") for t in spring] == [
        "00:30",
        "00:45",
        "01:00",
        "01:15",
    ]
    autumn = fires(schedule, utc(2025, 10, 26, 0, 20), utc(2025, 10, 26, 2, 20))
    walls = [local(t, BERLIN).strftime("%H:%M") for t in autumn]
    assert len(walls) == len(set(walls))  # no local time twice
    assert walls == ["02:30", "02:45", "03:00", "03:15"]  # the repeated 02:00-02:59 (CET) does not fire again
    # Asked from inside the repeated hour (02:20 CET, second pass): the next fire is 03:00 CET, nothing earlier.
    assert local(utc(2025, 10, 26, 1, 20), BERLIN).fold == 1
    assert next_fire(schedule, utc(2025, 10, 26, 1, 20)) == utc(2025, 10, 26, 2, 0)


# ------------------------------------------------------------------------------------------------- helpers


def test_wall_to_instant_gap_and_fold() -> None:
    assert wall_to_instant(datetime(2025, 3, 30, 2, 30), BERLIN) == utc(2025, 3, 30, 1, 0)
    assert wall_to_instant(datetime(2025, 3, 30, 2, 0), BERLIN) == utc(2025, 3, 30, 1, 0)
    assert wall_to_instant(datetime(2025, 10, 26, 2, 30, fold=1), BERLIN) == utc(2025, 10, 26, 0, 30)
    assert wall_to_instant(datetime(2025, 6, 1, 12, 0), BERLIN) == utc(2025, 6, 1, 10, 0)
    # Lord Howe Island moves its clocks by 30 minutes: 02:00 -> 02:30 local.
    howe = ZoneInfo("Australia/Lord_Howe")
    assert local(wall_to_instant(datetime(2025, 10, 5, 2, 10), howe), howe).strftime("%H:%M") == "02:30"


def test_unknown_zone_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        next_fire(daily("04:00", "Nowhere/Land"), 0.0)
    with pytest.raises(ValueError, match="unknown time zone"):
        zone_of(daily("04:00", "Nowhere/Land"))


@settings(max_examples=150, deadline=None)
@given(
    zone=st.sampled_from(["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Seoul"]),
    hour=st.integers(0, 4),
    minute=st.sampled_from([0, 10, 30, 59]),
    after=st.floats(min_value=utc(2025, 1, 1), max_value=utc(2026, 1, 1)),
    frac=st.floats(min_value=0.0, max_value=1.0, exclude_min=True, exclude_max=True),
)
def test_daily_next_fire_properties(zone: str, hour: int, minute: int, after: float, frac: float) -> None:
    tz = ZoneInfo(zone)
    schedule = daily(f"{hour:02d}:{minute:02d}", zone)
    fire = next_fire(schedule, after)
    assert after < fire <= after + 2 * 86400
    # The first fire: asking from any instant in between gives the same answer.
    probe = min(after + (fire - after) * frac, fire - 0.001)
    assert next_fire(schedule, probe) == fire
    wall = local(fire, tz)
    if (wall.hour, wall.minute) != (hour, minute):  # only a skipped time moves, to the end of the gap
        assert local(fire - 1, tz).utcoffset() != wall.utcoffset()
    else:
        assert wall.fold == 0


# ----------------------------------------------------------------------------------------- system local zone


@pytest.fixture
def berlin_system_zone():
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is POSIX-only")
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Berlin"
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


def test_system_local_zone_follows_dst_like_zoneinfo(berlin_system_zone) -> None:
    for at in ("02:30", "04:00"):
        for start in (utc(2025, 3, 29), utc(2025, 10, 25)):
            expected = fires(daily(at, "Europe/Berlin"), start, start + 3 * 86400)
            assert (
                fires(daily(at), start, start + 3 * 86400) == expected
            )  # local_zone=None: the machine's zone
            assert fires(daily(at), start, start + 3 * 86400, local_zone=SYSTEM_LOCAL_ZONE) == expected
    assert datetime(2025, 7, 1, 12, tzinfo=SYSTEM_LOCAL_ZONE).utcoffset() == timedelta(hours=2)
    assert datetime(2025, 1, 1, 12, tzinfo=SYSTEM_LOCAL_ZONE).utcoffset() == timedelta(hours=1)
