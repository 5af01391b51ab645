"""Schedule wording and the schedules table model on their own: days, spans, countdowns, in-place updates."""

import time

import pytest
from PySide6.QtCore import Qt

from monitor_app.core.schedules import Schedule, ScheduleAction, WhenPlayersOnline
from monitor_app.ui.schedule_dialog import parse_warnings
from monitor_app.ui.schedule_labels import (
    action_label,
    countdown_text,
    days_text,
    moment_text,
    next_run_text,
    players_policy_text,
    span_text,
    warnings_text,
    when_text,
)
from monitor_app.ui.schedules_view import NextRun, ScheduleColumn, SchedulesModel, expected_next_run


def daily(**kw) -> Schedule:
    kw.setdefault("id", 1)
    kw.setdefault("program_id", 1)
    kw.setdefault("time_of_day", "04:00")
    return Schedule(action=ScheduleAction.RESTART, kind="daily", **kw)


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ((), ""),
        (range(7), ""),
        ((0, 1, 2, 3, 4), "Mon–Fri"),
        ((5, 6), "Sat, Sun"),
        ((0, 2, 4), "Mon, Wed, Fri"),
        ((0, 1, 2, 4, 5, 6), "Mon–Wed, Fri–Sun"),
        ((3,), "Thu"),
    ],
)
def test_days_text_joins_runs_into_ranges(qapp, days, text) -> None:
    assert days_text(days) == text


@pytest.mark.parametrize(
    ("seconds", "span", "countdown"),
    [
        (0.4, "0 s", "now"),
        (42, "42 s", "in 42 s"),
        (12 * 60 + 59, "12 min", "in 12 min"),
        (3 * 3600 + 12 * 60 + 5, "3 h 12 min", "in 3 h 12 min"),
        (6 * 3600, "6 h", "in 6 h"),
        (2 * 86400 + 5 * 3600 + 59 * 60, "2 d 5 h", "in 2 d 5 h"),
        (86400 + 30 * 60, "1 d", "in 1 d"),
    ],
)
def test_spans_and_countdowns_use_at_most_two_units(qapp, seconds, span, countdown) -> None:
    assert span_text(seconds) == span
    assert countdown_text(seconds) == countdown


def test_when_text_for_each_kind(qapp) -> None:
    assert when_text(daily()) == "Every day at 04:00"
    assert when_text(daily(weekdays=(0, 1, 2, 3, 4))) == "Mon–Fri at 04:00"
    assert when_text(daily(timezone="Asia/Seoul")) == "Every day at 04:00 (Asia/Seoul)"
    every = Schedule(program_id=1, action="restart", kind="interval", interval_minutes=360)
    assert when_text(every) == "Every 6 h"
    aligned = Schedule(program_id=1, action="stop", kind="interval", interval_minutes=90, time_of_day="04:15")
    assert when_text(aligned) == "Every 1 h 30 min (aligned to 04:15)"
    cron = Schedule(program_id=1, action="start", kind="cron", cron="0 */6 * * *")
    assert when_text(cron) == "cron: 0 */6 * * *"


def test_other_columns_in_words(qapp) -> None:
    assert warnings_text((1, 10, 5)) == "10, 5, 1 min before"
    assert warnings_text(()) == "None"
    assert players_policy_text(WhenPlayersOnline.DEFER, 45) == "Wait up to 45 min"
    assert players_policy_text(WhenPlayersOnline.SKIP, 45) == "Skip this time"
    assert action_label(ScheduleAction.RESTART) == "Restart"
    assert action_label(ScheduleAction.PLUGIN_ACTION, "palworld:save") == "Plugin: palworld:save"


def test_moments_are_local_with_weekday_and_date(qapp) -> None:
    now = time.mktime((2024, 5, 13, 22, 0, 0, 0, 0, -1))  # Monday 22:00 local
    soon = time.mktime((2024, 5, 14, 4, 0, 0, 0, 0, -1))
    assert moment_text(soon, now=now) == "Tue 05-14 04:00"
    assert moment_text(soon, now=now, with_date=False) == "Tue 04:00"
    assert moment_text(time.mktime((2025, 1, 2, 4, 0, 0, 0, 0, -1)), now=now) == "Thu 2025-01-02 04:00"
    assert next_run_text(soon, now=now) == "Tue 05-14 04:00 · in 6 h"
    assert next_run_text(None, now=now) == ""


def test_parse_warnings_accepts_any_separator() -> None:
    assert parse_warnings(" 10, 5 ;1 ") == [10, 5, 1]
    assert parse_warnings("") == []
    with pytest.raises(ValueError):
        parse_warnings("10, -5")


def test_expected_next_run_prefers_the_planner_and_explains_what_cannot_be_planned() -> None:
    now = time.mktime((2024, 5, 13, 22, 0, 0, 0, 0, -1))
    assert expected_next_run(daily(enabled=False), 123.0, now) == NextRun()
    assert expected_next_run(daily(), 123.0, now) == NextRun(123.0)
    assert expected_next_run(daily(), None, now) == NextRun(time.mktime((2024, 5, 14, 4, 0, 0, 0, 0, -1)))
    unknown = expected_next_run(daily(timezone="Nowhere/Atlantis"), None, now)
    assert unknown.time is None and "unknown time zone" in unknown.problem


def test_model_updates_rows_in_place_and_repaints_only_changed_next_runs(qapp) -> None:
    model = SchedulesModel(clock=lambda: 1000.0)
    inserted, removed, changed, resets = [], [], [], []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda top, bottom, _roles: changed.append((top.row(), bottom.column())))
    model.modelReset.connect(lambda: resets.append(True))
    model.set_program_names({1: "Palworld"})
    model.set_schedules([daily(id=2, name="b"), daily(id=1, name="a")])
    assert [s.id for s in model.schedules()] == [1, 2] and inserted == [(0, 0), (1, 1)]
    assert model.index(0, ScheduleColumn.PROGRAM).data() == "Palworld"
    model.set_next_runs({1: NextRun(1000.0 + 3 * 3600 + 12 * 60), 2: NextRun(problem="unknown time zone")})
    assert model.index(0, ScheduleColumn.NEXT_RUN).data().endswith(" · in 3 h 12 min")
    assert model.index(1, ScheduleColumn.NEXT_RUN).data() == "Cannot plan: unknown time zone"
    assert (
        model.index(1, ScheduleColumn.NEXT_RUN).data(Qt.ItemDataRole.ForegroundRole).color().name()
        == "#c9362c"
    )
    changed.clear()
    model.set_next_runs({1: NextRun(1000.0 + 3 * 3600 + 12 * 60), 2: NextRun(5000.0)})
    assert changed == [(1, ScheduleColumn.NEXT_RUN)]  # only the row whose time changed
    model.set_schedules([daily(id=2, name="b", enabled=False)])
    assert removed == [(0, 0)] and not resets
    assert (
        model.index(0, ScheduleColumn.ENABLED).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    )
    assert (
        model.index(0, ScheduleColumn.NAME).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#8a8f96"
    )
    requests = []
    model.enabled_change_requested.connect(lambda sid, on: requests.append((sid, on)))
    model.setData(
        model.index(0, ScheduleColumn.ENABLED), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert requests == [(2, True)]
    model.set_program_names({})  # the program is gone
    assert model.index(0, ScheduleColumn.PROGRAM).data() == "#1"
