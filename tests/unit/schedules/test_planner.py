"""The planner, driven with plain numbers as its clock: warnings, runs, players online, missed fires."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from monitor_app.core.schedules import Schedule
from monitor_app.schedules.planner import MAX_MISSED_LISTED, MissedRun, PlannedStep, SchedulePlanner, StepKind

MIN = 60.0


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


FIRE = utc(2025, 5, 1, 4, 0)  # the 04:00 UTC fire most tests look at


def restart_at(at: str = "04:00", **kw) -> Schedule:
    values = {
        "id": 1,
        "program_id": 7,
        "action": "restart",
        "kind": "daily",
        "time_of_day": at,
        "timezone": "UTC",
        "created_at": utc(2025, 1, 1),
    }
    values.update(kw)
    return Schedule(**values)


@dataclass
class FakePlayers:
    """players_online with a script: counts by time (the latest entry at or before the question)."""

    clock: list[float]
    script: dict[float, int | None] = field(default_factory=dict)
    asked: list[tuple[int, float]] = field(default_factory=list)

    def __call__(self, program_id: int) -> int | None:
        now = self.clock[0]
        self.asked.append((program_id, now))
        times = [t for t in self.script if t <= now]
        return self.script[max(times)] if times else None


class Driver:
    """A planner plus the time the fake players callable sees."""

    def __init__(self, schedules: Iterable[Schedule], script: dict[float, int | None] | None = None) -> None:
        self.clock = [0.0]
        self.players = FakePlayers(self.clock, dict(script or {}))
        self.planner = SchedulePlanner(self.players)
        self.planner.set_schedules(schedules)

    def poll(self, now: float) -> list[PlannedStep]:
        self.clock[0] = now
        return self.planner.poll(now)

    def run(self, start: float, end: float, step: float = 10.0) -> list[tuple[float, PlannedStep]]:
        out, t = [], start
        while t <= end:
            out.extend((t, s) for s in self.poll(t))
            t += step
        return out


def kinds(steps: Iterable[tuple[float, PlannedStep]]) -> list[tuple[float, str, int | None]]:
    return [(t, s.kind.value, s.minutes_left) for t, s in steps]


# ------------------------------------------------------------------------------------------------- warnings


def test_warnings_at_10_5_1_minutes_then_one_run() -> None:
    d = Driver([restart_at(warnings_min=(10, 5, 1))])
    got = d.run(FIRE - 20 * MIN, FIRE + 5 * MIN, step=30.0)
    assert kinds(got) == [
        (FIRE - 10 * MIN, "warning", 10),
        (FIRE - 5 * MIN, "warning", 5),
        (FIRE - 1 * MIN, "warning", 1),
        (FIRE, "run", None),
    ]
    assert all(s.due_time == FIRE for _, s in got)
    assert d.planner.next_due(1) == FIRE + 86400


def test_warning_already_past_when_the_schedule_is_created_is_not_announced() -> None:
    d = Driver([restart_at(warnings_min=(10, 5, 1))])
    got = d.run(FIRE - 3 * MIN, FIRE + MIN, step=5.0)  # first poll (creation) at 03:57
    assert kinds(got) == [(FIRE - MIN, "warning", 1), (FIRE, "run", None)]


def test_a_late_poll_announces_only_the_latest_fresh_mark() -> None:
    d = Driver([restart_at(warnings_min=(10, 5, 1))])
    assert d.poll(FIRE - 11 * MIN) == []
    steps = d.poll(FIRE - 4.5 * MIN)  # 10 and 5 passed; 5 is 30 s old
    assert [(s.kind, s.minutes_left) for s in steps] == [(StepKind.WARNING, 5)]
    assert d.poll(FIRE - 30.0)[0].minutes_left == 1
    d2 = Driver([restart_at(warnings_min=(10,))])
    d2.poll(FIRE - 11 * MIN)
    assert d2.poll(FIRE - 8 * MIN) == []  # the 10-minute mark is 2 minutes stale: saying "10" would lie


# ------------------------------------------------------------------------------------------ run idempotence


def test_poll_twice_at_the_same_time_gives_no_duplicate() -> None:
    d = Driver([restart_at(warnings_min=(5,))])
    d.poll(FIRE - 6 * MIN)
    assert [s.kind for s in d.poll(FIRE - 5 * MIN)] == [StepKind.WARNING]
    assert d.poll(FIRE - 5 * MIN) == []
    assert [s.kind for s in d.poll(FIRE)] == [StepKind.RUN]
    assert d.poll(FIRE) == []
    assert d.poll(FIRE + 1) == []


def test_frequent_polls_yield_one_run_per_fire() -> None:
    d = Driver([restart_at()])
    got = d.run(FIRE - 2 * MIN, FIRE + 2 * 86400, step=7.0)
    assert [(s.kind, s.due_time) for _, s in got] == [(StepKind.RUN, FIRE), (StepKind.RUN, FIRE + 86400)]


def test_a_fire_seen_within_the_grace_still_runs() -> None:
    d = Driver([restart_at()])
    d.poll(FIRE - 30.0)
    steps = d.poll(FIRE + 59.0)
    assert [(s.kind, s.due_time) for s in steps] == [(StepKind.RUN, FIRE)]


def test_a_very_late_poll_reports_missed_fires_instead_of_running_them() -> None:
    d = Driver([restart_at(warnings_min=(10,))])
    d.poll(FIRE - 30.0)
    steps = d.poll(FIRE + 3600.0)  # the PC slept for an hour
    assert [(s.kind, s.due_time) for s in steps] == [(StepKind.MISSED, FIRE)]
    assert d.planner.next_due(1) == FIRE + 86400
    assert d.poll(FIRE + 3600.0) == []
    quarter = replace(restart_at(), kind="interval", time_of_day=None, interval_minutes=15)
    d2 = Driver([quarter])
    d2.poll(FIRE - 1)
    missed = d2.poll(FIRE + 3600.0 + 30)  # 04:00, 04:15, 04:30, 04:45 missed; 05:00 is 30 s late: runs
    assert [(s.kind.value, s.due_time - FIRE) for s in missed] == [
        ("missed", 0.0),
        ("missed", 900.0),
        ("missed", 1800.0),
        ("missed", 2700.0),
        ("run", 3600.0),
    ]


# ------------------------------------------------------------------------------------------- players online


def test_run_policy_does_not_ask_about_players() -> None:
    d = Driver([restart_at()], {0.0: 5})
    d.poll(FIRE - 1)
    assert [s.kind for s in d.poll(FIRE)] == [StepKind.RUN]
    assert d.players.asked == []


def test_skip_while_players_are_online() -> None:
    d = Driver([restart_at(when_players_online="skip")], {0.0: 3})
    d.poll(FIRE - 1)
    steps = d.poll(FIRE + 1)
    assert [(s.kind, s.players, s.due_time) for s in steps] == [(StepKind.SKIPPED, 3, FIRE)]
    assert d.players.asked == [(7, FIRE + 1)]
    assert d.poll(FIRE + 2) == []
    assert d.planner.next_due(1) == FIRE + 86400


@pytest.mark.parametrize("count", [0, None])
def test_skip_policy_runs_when_nobody_or_nobody_known_is_online(count: int | None) -> None:
    d = Driver([restart_at(when_players_online="skip")], {0.0: count})
    d.poll(FIRE - 1)
    assert [s.kind for s in d.poll(FIRE)] == [StepKind.RUN]


def test_defer_retries_every_minute_until_the_server_is_empty() -> None:
    d = Driver([restart_at(when_players_online="defer")], {0.0: 2, FIRE + 150.0: 0})
    got = d.run(FIRE - MIN, FIRE + 10 * MIN, step=10.0)
    assert [(t - FIRE, s.kind.value, s.players) for t, s in got] == [
        (0.0, "deferred", 2),
        (60.0, "deferred", 2),
        (120.0, "deferred", 2),
        (180.0, "run", 0),
    ]
    assert all(s.due_time == FIRE for _, s in got)
    assert d.planner.next_due(1) == FIRE + 86400


def test_defer_runs_anyway_after_defer_max_min() -> None:
    d = Driver([restart_at(when_players_online="defer", defer_max_min=5)], {0.0: 4})
    got = d.run(FIRE - MIN, FIRE + 10 * MIN, step=10.0)
    assert [(t - FIRE, s.kind.value) for t, s in got] == [
        (0.0, "deferred"),
        (60.0, "deferred"),
        (120.0, "deferred"),
        (180.0, "deferred"),
        (240.0, "deferred"),
        (300.0, "run"),
    ]
    assert got[-1][1].players == 4  # forced: the owner can say so in the log


def test_a_failing_players_callable_counts_as_unknown(caplog: pytest.LogCaptureFixture) -> None:
    def broken(program_id: int) -> int | None:
        raise RuntimeError("plugin crashed")

    planner = SchedulePlanner(broken)
    planner.set_schedules([restart_at(when_players_online="skip")])
    planner.poll(FIRE - 1)
    assert [s.kind for s in planner.poll(FIRE)] == [StepKind.RUN]
    assert any(
        r.levelno == logging.WARNING and "players_online failed" in r.getMessage() for r in caplog.records
    )


# ------------------------------------------------------------------------------------------ resume (start-up)


def test_resume_reports_the_downtime_fires_and_does_not_run_them() -> None:
    d = Driver([restart_at(), restart_at(id=2, time_of_day="05:00")])
    missed = d.planner.resume(last_seen=FIRE - 2 * 3600, now=FIRE + 2 * 3600)
    assert missed == [
        MissedRun(restart_at(), FIRE),
        MissedRun(restart_at(id=2, time_of_day="05:00"), FIRE + 3600),
    ]
    assert d.poll(FIRE + 2 * 3600) == []
    assert d.planner.next_due(1) == FIRE + 86400
    assert d.planner.last_seen == FIRE + 2 * 3600


def test_resume_lets_a_fire_within_the_grace_run() -> None:
    d = Driver([restart_at()])
    assert d.planner.resume(last_seen=FIRE - 3600, now=FIRE + 30) == []
    assert [s.kind for s in d.poll(FIRE + 30)] == [StepKind.RUN]
    d2 = Driver([restart_at()])
    assert d2.planner.resume(last_seen=FIRE - 3600, now=FIRE + 61) == [MissedRun(restart_at(), FIRE)]


def test_resume_over_several_days_lists_each_fire() -> None:
    d = Driver([restart_at()])
    missed = d.planner.resume(last_seen=FIRE - 1, now=FIRE + 3 * 86400 - 3600)
    assert [m.due_time for m in missed] == [FIRE, FIRE + 86400, FIRE + 2 * 86400]


def test_resume_caps_the_list_for_frequent_schedules() -> None:
    every_minute = restart_at(kind="cron", time_of_day=None, cron="* * * * *")
    d = Driver([every_minute])
    missed = d.planner.resume(last_seen=FIRE, now=FIRE + 7 * 86400)
    assert len(missed) == MAX_MISSED_LISTED
    assert FIRE + 7 * 86400 - 60 <= d.planner.next_due(1) <= FIRE + 7 * 86400 + 60


def test_resume_drops_warnings_already_past_at_start_up() -> None:
    d = Driver([restart_at(warnings_min=(10, 5, 1))])
    d.planner.resume(last_seen=FIRE - 3600, now=FIRE - 3 * MIN)
    got = d.run(FIRE - 3 * MIN, FIRE + MIN, step=10.0)
    assert kinds(got) == [(FIRE - MIN, "warning", 1), (FIRE, "run", None)]


def test_resume_ignores_fires_before_the_schedule_existed() -> None:
    d = Driver([restart_at(created_at=FIRE + 60)])
    assert d.planner.resume(last_seen=FIRE - 3600, now=FIRE + 3600) == []


# ----------------------------------------------------------------------------------------------- set_schedules


def test_unchanged_schedules_keep_their_state() -> None:
    schedule = restart_at(warnings_min=(5,))
    d = Driver([schedule])
    d.poll(FIRE - 6 * MIN)
    assert [s.kind for s in d.poll(FIRE - 5 * MIN)] == [StepKind.WARNING]
    d.planner.set_schedules([replace(schedule)])  # equal, not identical
    assert d.poll(FIRE - 4 * MIN) == []  # the warning is not repeated
    assert [s.kind for s in d.poll(FIRE)] == [StepKind.RUN]


def test_changed_schedule_is_planned_afresh() -> None:
    d = Driver([restart_at()])
    d.poll(FIRE - 3600)
    d.planner.set_schedules([restart_at(at="06:00")])
    assert d.poll(FIRE) == []
    assert d.planner.next_due(1) == FIRE + 2 * 3600


def test_a_schedule_added_between_polls_does_not_lose_its_fire() -> None:
    d = Driver([])
    d.poll(FIRE - 0.5)
    d.planner.set_schedules([restart_at()])
    assert [s.kind for s in d.poll(FIRE + 0.5)] == [StepKind.RUN]


def test_disabled_schedules_and_duplicate_ids() -> None:
    d = Driver([restart_at(enabled=False)])
    d.poll(FIRE - 1)
    assert d.poll(FIRE) == [] and d.planner.next_due(1) is None
    with pytest.raises(ValueError, match="duplicate schedule id 1"):
        d.planner.set_schedules([restart_at(), restart_at(time_of_day="05:00")])


def test_a_schedule_that_cannot_be_planned_is_reported_not_fatal(caplog: pytest.LogCaptureFixture) -> None:
    d = Driver([restart_at(timezone="Nowhere/Land"), restart_at(id=2)])
    d.poll(FIRE - 1)
    assert [s.schedule.id for s in d.poll(FIRE)] == [2]
    assert "unknown time zone" in d.planner.problems()[1]
    assert [sid for sid in (1, 2) if d.planner.next_due(sid) is not None] == [2]


def test_upcoming_is_soonest_first() -> None:
    d = Driver([restart_at(at="06:00"), restart_at(id=2, time_of_day="05:00")])
    d.poll(FIRE)
    assert [(s.id, t) for s, t in d.planner.upcoming()] == [(2, FIRE + 3600), (1, FIRE + 7200)]


# ------------------------------------------------------------------------------------------------------- DST


def test_planner_runs_at_local_time_across_spring_forward_and_fall_back() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    planner = SchedulePlanner(local_zone=berlin)
    planner.set_schedules([restart_at(at="02:30", timezone=None)])  # the machine's zone, here Berlin
    for start, expected in [
        (utc(2025, 3, 29, 0, 0), [utc(2025, 3, 29, 1, 30), utc(2025, 3, 30, 1, 0), utc(2025, 3, 31, 0, 30)]),
        (
            utc(2025, 10, 25, 0, 0),
            [utc(2025, 10, 25, 0, 30), utc(2025, 10, 26, 0, 30), utc(2025, 10, 27, 1, 30)],
        ),
    ]:
        planner.set_schedules([])
        planner.set_schedules([restart_at(at="02:30", timezone=None)])
        runs, t = [], start
        while t < start + 3 * 86400:
            runs.extend(s.due_time for s in planner.poll(t) if s.kind is StepKind.RUN)
            t += 30.0
        assert runs == expected
        walls = [datetime.fromtimestamp(r, berlin).strftime("%H:%M") for r in runs]
        assert walls == (["02:30", "03:00", "02:30"] if start < utc(2025, 6, 1) else ["02:30"] * 3)
