"""Cron grammar and the wall-clock search, against hand-checked dates and a brute-force minute scan."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor_app.schedules import cron
from monitor_app.schedules.cron import day_matches, next_after, parse_cron


def _run(expr: str, start: datetime, count: int) -> list[datetime]:
    out = []
    for _ in range(count):
        start = next_after(expr, start)
        out.append(start)
    return out


def test_every_15_minutes() -> None:
    assert next_after("*/15 * * * *", datetime(2025, 5, 1, 10, 7)) == datetime(2025, 5, 1, 10, 15)
    assert next_after("*/15 * * * *", datetime(2025, 5, 1, 10, 45)) == datetime(2025, 5, 1, 11, 0)
    assert next_after("*/15 * * * *", datetime(2025, 5, 1, 23, 59, 59)) == datetime(2025, 5, 2, 0, 0)


def test_strictly_after_even_within_the_same_minute() -> None:
    assert next_after("*/15 * * * *", datetime(2025, 5, 1, 10, 15)) == datetime(2025, 5, 1, 10, 30)
    assert next_after("*/15 * * * *", datetime(2025, 5, 1, 10, 14, 59, 999999)) == datetime(
        2025, 5, 1, 10, 15
    )


def test_weekday_names_range() -> None:
    friday = datetime(2025, 5, 2, 5, 0)
    assert friday.weekday() == 4
    assert next_after("0 4 * * mon-fri", friday) == datetime(2025, 5, 5, 4, 0)  # Monday
    assert next_after("0 4 * * MON-FRI", datetime(2025, 5, 5, 3, 0)) == datetime(2025, 5, 5, 4, 0)
    assert [d.weekday() for d in _run("0 4 * * mon-fri", friday, 6)] == [0, 1, 2, 3, 4, 0]


def test_first_of_month_and_year_end() -> None:
    assert next_after("0 0 1 * *", datetime(2025, 1, 15, 12, 0)) == datetime(2025, 2, 1)
    assert next_after("0 0 1 * *", datetime(2025, 12, 31, 23, 59)) == datetime(2026, 1, 1)
    assert next_after("@monthly", datetime(2025, 2, 1, 0, 0)) == datetime(2025, 3, 1)


def test_both_day_fields_restricted_means_either_matches() -> None:
    # Vixie cron: "the 13th, and every Friday"; June 2025 starts on a Sunday, June 13 is a Friday.
    days = [d.date() for d in _run("0 0 13 * fri", datetime(2025, 6, 1), 8)]
    assert days == [
        date(2025, 6, 6),
        date(2025, 6, 13),
        date(2025, 6, 20),
        date(2025, 6, 27),
        date(2025, 7, 4),
        date(2025, 7, 11),
        date(2025, 7, 13),  # a Sunday: matched by day-of-month alone
        date(2025, 7, 18),
    ]


def test_a_star_day_field_means_both_must_match() -> None:
    assert all(d.weekday() == 0 for d in _run("0 0 * * 1", datetime(2025, 6, 1), 5))
    # "*/2" counts as unrestricted (starts with *), so it is ANDed with Monday: odd days that are Mondays.
    days = _run("0 0 */2 * mon", datetime(2025, 6, 1), 4)
    assert all(d.weekday() == 0 and d.day % 2 == 1 for d in days)
    assert days[0].date() == date(2025, 6, 9)


def test_sunday_is_0_and_7() -> None:
    assert parse_cron("0 0 * * 0").weekdays == parse_cron("0 0 * * 7").weekdays == frozenset({6})
    assert parse_cron("0 0 * * sun").weekdays == frozenset({6})
    assert parse_cron("0 0 * * fri-sun").weekdays == frozenset({4, 5, 6})
    assert parse_cron("0 0 * * 1-7").weekdays == frozenset(range(7))


def test_lists_ranges_steps_and_month_names() -> None:
    spec = parse_cron("1-5/2,30 0,12 1,15 jan-mar,DEC *")
    assert spec.minutes == frozenset({1, 3, 5, 30})
    assert spec.hours == frozenset({0, 12})
    assert spec.days == frozenset({1, 15})
    assert spec.months == frozenset({1, 2, 3, 12})
    assert parse_cron("10/20 * * * *").minutes == frozenset({10, 30, 50})
    assert parse_cron("*/25 * * * *").minutes == frozenset({0, 25, 50})


def test_shortcuts() -> None:
    assert next_after("@daily", datetime(2025, 5, 1, 10, 0)) == datetime(2025, 5, 2, 0, 0)
    assert next_after("@hourly", datetime(2025, 5, 1, 10, 0)) == datetime(2025, 5, 1, 11, 0)
    weekly = next_after("@weekly", datetime(2025, 5, 1, 10, 0))
    assert weekly == datetime(2025, 5, 4, 0, 0) and weekly.weekday() == 6
    assert next_after("@yearly", datetime(2025, 5, 1)) == datetime(2026, 1, 1)


@pytest.mark.parametrize(
    ("expr", "reason"),
    [
        ("", "empty"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
        ("0 0 * * * 2025", "seconds and years are not supported"),
        ("60 * * * *", "minute value 60 is out of range 0-59"),
        ("0 24 * * *", "hour value 24 is out of range 0-23"),
        ("0 0 0 * *", "day-of-month value 0 is out of range 1-31"),
        ("0 0 1 13 *", "month value 13 is out of range 1-12"),
        ("0 0 * * 8", "day-of-week value 8 is out of range 0-7"),
        ("*/0 * * * *", "minute step in '*/0' must be a positive number"),
        ("*/ * * * *", "minute step"),
        ("5-1 * * * *", "minute range '5-1' goes backwards"),
        ("abc * * * *", "minute value 'abc' is not a number"),
        ("0 0 * foo *", "month value 'foo' is not a number or a name (jan"),
        ("1,,2 * * * *", "empty list item"),
        ("0 0 31 2 *", "never"),
        ("0 0 30,31 2 *", "never"),
        ("0 0 31 4,6,9,11 *", "never"),
        ("@reboot", "unknown shortcut '@reboot'"),
    ],
)
def test_invalid_expressions_explain_why(expr: str, reason: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_cron(expr)
    assert reason in str(exc.value)


def test_possible_rare_dates_are_found() -> None:
    assert next_after("0 0 29 2 *", datetime(2025, 3, 1)) == datetime(2028, 2, 29)
    assert next_after("0 0 29 2 *", datetime(2096, 3, 1)) == datetime(2104, 2, 29)  # 2100 is not a leap year
    # 31 Feb never exists but Fridays in February do: with both fields restricted either matches.
    assert next_after("0 0 31 2 fri", datetime(2025, 1, 1)) == datetime(2025, 2, 7)


def test_search_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cron, "SEARCH_YEARS", 1)
    with pytest.raises(ValueError, match="does not match any time within 1 years"):
        next_after("0 0 29 2 *", datetime(2025, 3, 1))
    with pytest.raises(ValueError):
        next_after("0 0 1 1 *", datetime(9999, 6, 1))


def test_result_keeps_tzinfo_and_clears_seconds() -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Seoul")
    found = next_after("*/5 * * * *", datetime(2025, 5, 1, 10, 1, 30, tzinfo=zone))
    assert found == datetime(2025, 5, 1, 10, 5, tzinfo=zone) and found.tzinfo is zone


def test_day_matches() -> None:
    spec = parse_cron("0 0 13 * fri")
    assert day_matches(spec, date(2025, 6, 6)) and day_matches(spec, date(2025, 7, 13))
    assert not day_matches(spec, date(2025, 6, 7))


# ---------------------------------------------------------------------------------- brute-force comparison

_FIELD = st.one_of(
    st.just("*"),
    st.builds("*/{}".format, st.integers(1, 20)),
    st.builds("{}-{}/{}".format, st.integers(0, 5), st.integers(6, 23), st.integers(1, 7)),
    st.lists(st.integers(0, 23), min_size=1, max_size=4).map(lambda xs: ",".join(map(str, xs))),
)


def _brute(spec_text: str, after: datetime, window_days: int) -> datetime | None:
    """Scan minute by minute, with the day rule written out independently of the module."""
    spec = parse_cron(spec_text)
    dom_field, dow_field = spec_text.split()[2], spec_text.split()[4]
    either = not dom_field.startswith("*") and not dow_field.startswith("*")
    t = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    end = after + timedelta(days=window_days)
    while t <= end:
        dom, dow = t.day in spec.days, t.weekday() in spec.weekdays
        day_ok = t.month in spec.months and ((dom or dow) if either else (dom and dow))
        if day_ok and t.hour in spec.hours and t.minute in spec.minutes:
            return t
        t += timedelta(minutes=1)
    return None


@settings(max_examples=60, deadline=None)
@given(
    minute=_FIELD,
    hour=_FIELD,
    dom=st.sampled_from(["*", "1", "13", "*/2", "28-31", "1,15"]),
    dow=st.sampled_from(["*", "0", "mon-fri", "*/3", "6,7"]),
    after=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31)),
)
def test_next_after_matches_a_brute_force_scan(
    minute: str, hour: str, dom: str, dow: str, after: datetime
) -> None:
    expr = f"{minute} {hour} {dom} * {dow}"
    try:
        parse_cron(expr)
    except ValueError:
        return  # e.g. an hour list containing 23+ is fine, but a generated minute range can be out of range
    expected = _brute(expr, after, window_days=40)
    found = next_after(expr, after)
    if expected is not None:
        assert found == expected
    else:
        assert found > after + timedelta(days=40)
