"""Decides, poll by poll, which scheduled steps are due: warnings, runs, deferrals, skips and missed fires.

A pure state machine: no threads, timers or sleeping. Its owner (a worker with a timer) calls ``poll(now)``
every few seconds with the wall time and carries out the returned steps (broadcast a warning through the
plugin, queue the action as a job, log a skip). Rules:

- Each fire yields exactly one outcome ("run", "skipped" or "missed"), however often or late ``poll`` is called.
- A fire is run if ``poll`` sees it at most ``grace`` seconds (60 s) late. Later than that (the PC slept, the
  monitor was down) it is reported as missed and not run: a restart hours late surprises players more than a
  missing one. ``resume(last_seen, now)`` applies the same rule to the downtime before start-up.
- Warnings: for ``warnings_min`` (10, 5, 1) a warning step at fire-10, -5 and -1 min. A mark already past when
  the fire became the next one (the schedule was created or changed, the monitor started, the previous fire
  ended late) is never announced; if one poll passes several marks only the last is announced, and only if it
  is at most ``grace`` old, so a player is never told "10 minutes" when 3 are left.
- Not safe now (asked at fire time through ``unsafe_reason(program_id)``, the plugins' "is it safe to restart
  now?" answer such as "a backup is running", and ``players_online(program_id)``; None = unknown, counts as
  safe / nobody): ``run`` does not ask; ``skip`` emits "skipped" with the reason and waits for the next fire;
  ``defer`` emits "deferred" and asks again every minute (one "deferred" step per attempt), runs as soon as
  it is safe, and runs anyway once ``defer_max_min`` minutes have passed since the fire (the "run" step then
  carries the reason).
  Fires that fall inside a deferral are absorbed by the run that ends it.
- A changed schedule starts afresh (a pending deferral is dropped); an unchanged one keeps its state.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import tzinfo
from enum import StrEnum

from monitor_app.core.schedules import Schedule, WhenPlayersOnline
from monitor_app.schedules.timing import next_fire

log = logging.getLogger(__name__)

#: How late a fire may still run; older fires are reported as missed.
GRACE_SECONDS = 60.0
#: Pause between two questions to the plugin while deferring.
DEFER_RETRY_SECONDS = 60.0
#: Missed fires listed per schedule per downtime; more are counted over, not enumerated (every-minute cron
#: and a week away would otherwise produce ten thousand entries).
MAX_MISSED_LISTED = 100

PlayersOnline = Callable[[int], int | None]
#: Why the program must not be acted on now (None: it may).
UnsafeReason = Callable[[int], str | None]


class StepKind(StrEnum):
    WARNING = "warning"  # tell the players: ``minutes_left`` until the action
    RUN = "run"  # carry out the action now
    DEFERRED = "deferred"  # players are online; asked again in a minute
    SKIPPED = "skipped"  # players are online; this fire is dropped
    MISSED = "missed"  # the fire passed while nobody polled (sleep, clock jump); not run


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One thing the owner should do (or record) now.

    Attributes:
        kind: See ``StepKind``.
        schedule: The schedule it belongs to.
        due_time: The fire this step is about (epoch seconds), also for warnings and deferrals.
        minutes_left: For warnings, the announced minutes.
        players: Players online when asked (skip/defer policies), None if not asked or unknown.
        reason: Why it was not safe to act when asked ("3 players online", "a backup is running"), else None.
    """

    kind: StepKind
    schedule: Schedule
    due_time: float
    minutes_left: int | None = None
    players: int | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class MissedRun:
    """A fire that fell into the downtime before start-up; reported, never run late."""

    schedule: Schedule
    due_time: float


@dataclass(slots=True)
class _Track:
    """Mutable per-schedule state; never leaves the planner."""

    schedule: Schedule
    due: float | None = None  # the next fire; None until initialised or when it cannot be computed
    marks: tuple[int, ...] = ()  # warning minutes not yet announced or dropped, descending
    defer_until: float | None = None  # set while deferring: the run happens at the latest then
    retry_at: float = 0.0
    ready: bool = False
    problem: str | None = None  # why no fire can be computed (e.g. a zone unknown on this machine)


class SchedulePlanner:
    """Turns schedules and the passing of wall time into ``PlannedStep`` s (see the module notes)."""

    def __init__(
        self,
        players_online: PlayersOnline | None = None,
        *,
        unsafe_reason: UnsafeReason | None = None,
        local_zone: tzinfo | None = None,
        grace: float = GRACE_SECONDS,
    ) -> None:
        self._players_online = players_online
        self._unsafe_reason = unsafe_reason
        self._local_zone = local_zone
        self._grace = grace
        self._tracks: dict[int, _Track] = {}
        self._last_seen: float | None = None

    # ------------------------------------------------------------------------------------------- commands

    def set_schedules(self, schedules: Iterable[Schedule]) -> None:
        """Replace the set of schedules; unchanged ones keep their next fire, warnings and deferral.

        Disabled schedules are dropped. New or changed ones are planned at the next ``poll``, from the previous
        poll's time when that was recent, so a fire between the change and the poll is not lost.

        Raises:
            ValueError: two schedules share an id.
        """
        tracks: dict[int, _Track] = {}
        for schedule in schedules:
            if schedule.id in tracks:
                raise ValueError(f"duplicate schedule id {schedule.id}")
            if not schedule.enabled:
                continue
            old = self._tracks.get(schedule.id)
            tracks[schedule.id] = old if old is not None and old.schedule == schedule else _Track(schedule)
        self._tracks = tracks

    def resume(self, last_seen: float, now: float) -> list[MissedRun]:
        """Plan every schedule after start-up; the fires of the downtime are returned, not run.

        ``last_seen`` is the time the previous session last polled (``self.last_seen``, persisted by the
        caller). Fires in ``(last_seen, now - grace)`` are missed; a fire within the grace still runs at the next
        ``poll``. Warnings already past at ``now`` are not announced. Call it once, after ``set_schedules``.
        """
        start = min(last_seen, now)
        missed: list[MissedRun] = []
        for track in self._sorted_tracks():
            due = self._next(track, max(start, track.schedule.created_at))
            listed = 0
            while due is not None and now - due > self._grace:
                if listed < MAX_MISSED_LISTED:
                    missed.append(MissedRun(track.schedule, due))
                    listed += 1
                    due = self._next(track, due)
                else:
                    due = self._next(track, now - self._grace)
            self._arm(track, due, now)
        self._last_seen = now
        return missed

    def poll(self, now: float) -> list[PlannedStep]:
        """Everything due at ``now``; calling it again with the same ``now`` returns nothing new."""
        reference = now
        if self._last_seen is not None and 0 <= now - self._last_seen <= self._grace:
            reference = self._last_seen
        steps: list[PlannedStep] = []
        for track in self._sorted_tracks():
            if not track.ready:
                self._arm(track, self._next(track, max(reference, track.schedule.created_at)), reference)
            self._advance(track, now, steps)
        self._last_seen = now
        return steps

    # -------------------------------------------------------------------------------------------- queries

    @property
    def last_seen(self) -> float | None:
        """Wall time of the latest poll (or resume): persist it, and hand it to ``resume`` on the next start."""
        return self._last_seen

    def next_due(self, schedule_id: int) -> float | None:
        """The next fire of a schedule (its original time while deferring), None if not planned."""
        track = self._tracks.get(schedule_id)
        return None if track is None else track.due

    def upcoming(self) -> list[tuple[Schedule, float]]:
        """Planned schedules with their next fire, soonest first (for the GUI's "next restart in 2 h")."""
        pairs = [(t.schedule, t.due) for t in self._tracks.values() if t.due is not None]
        return sorted(pairs, key=lambda pair: (pair[1], pair[0].id))

    def problems(self) -> Mapping[int, str]:
        """Schedules that cannot be planned on this machine (e.g. a zone unknown here), by id."""
        return {sid: t.problem for sid, t in self._tracks.items() if t.problem is not None}

    # ------------------------------------------------------------------------------------------- internals

    def _sorted_tracks(self) -> list[_Track]:
        return [self._tracks[sid] for sid in sorted(self._tracks)]

    def _next(self, track: _Track, after: float) -> float | None:
        try:
            fire = next_fire(track.schedule, after, local_zone=self._local_zone)
            if not fire > after:  # never loop on a fire that does not move forward
                raise ValueError(f"next fire {fire} is not after {after}")
            return fire
        except ValueError as exc:
            if track.problem is None:
                log.warning(
                    "schedule %s (%s) cannot be planned: %s", track.schedule.id, track.schedule.name, exc
                )
            track.problem = str(exc)
            return None

    def _arm(self, track: _Track, due: float | None, since: float) -> None:
        """Make ``due`` the next fire; warning marks already past at ``since`` are dropped."""
        track.ready = True
        track.due = due
        track.defer_until = None
        track.marks = (
            () if due is None else tuple(m for m in track.schedule.warnings_min if due - m * 60 >= since)
        )

    def _advance(self, track: _Track, now: float, steps: list[PlannedStep]) -> None:
        listed = 0
        while track.due is not None:
            due, schedule = track.due, track.schedule
            if track.defer_until is not None:
                self._retry_deferred(track, now, steps)
                return
            if now < due:
                self._warn(track, now, steps)
                return
            if now - due > self._grace:
                if listed < MAX_MISSED_LISTED:
                    steps.append(PlannedStep(StepKind.MISSED, schedule, due))
                    listed += 1
                    self._arm(track, self._next(track, due), now)
                else:
                    self._arm(track, self._next(track, now - self._grace), now)
                continue
            self._fire(track, now, steps)
            return

    def _warn(self, track: _Track, now: float, steps: list[PlannedStep]) -> None:
        assert track.due is not None
        passed = [m for m in track.marks if now >= track.due - m * 60]
        if not passed:
            return
        track.marks = tuple(m for m in track.marks if m not in passed)
        latest = min(passed)
        if now - (track.due - latest * 60) <= self._grace:
            steps.append(PlannedStep(StepKind.WARNING, track.schedule, track.due, minutes_left=latest))

    def _fire(self, track: _Track, now: float, steps: list[PlannedStep]) -> None:
        assert track.due is not None
        due, schedule = track.due, track.schedule
        policy = schedule.when_players_online
        players, reason = (None, None) if policy is WhenPlayersOnline.RUN else self._ask(schedule)
        if reason:
            if policy is WhenPlayersOnline.SKIP:
                steps.append(PlannedStep(StepKind.SKIPPED, schedule, due, players=players, reason=reason))
                self._arm(track, self._next(track, max(due, now)), now)
                return
            steps.append(PlannedStep(StepKind.DEFERRED, schedule, due, players=players, reason=reason))
            track.defer_until = due + schedule.defer_max_min * 60
            track.retry_at = min(now + DEFER_RETRY_SECONDS, track.defer_until)
            track.marks = ()
            return
        steps.append(PlannedStep(StepKind.RUN, schedule, due, players=players, reason=reason))
        self._arm(track, self._next(track, max(due, now)), now)

    def _retry_deferred(self, track: _Track, now: float, steps: list[PlannedStep]) -> None:
        assert track.due is not None and track.defer_until is not None
        due, schedule, deadline = track.due, track.schedule, track.defer_until
        if now < track.retry_at:
            return
        if now - deadline > self._grace:  # slept through the rest of the deferral
            steps.append(PlannedStep(StepKind.MISSED, schedule, due))
            self._arm(track, self._next(track, now - self._grace), now)
            return
        players, reason = self._ask(schedule)
        if reason and now < deadline:
            steps.append(PlannedStep(StepKind.DEFERRED, schedule, due, players=players, reason=reason))
            track.retry_at = min(now + DEFER_RETRY_SECONDS, deadline)
            return
        steps.append(PlannedStep(StepKind.RUN, schedule, due, players=players, reason=reason))
        self._arm(track, self._next(track, max(due, now)), now)

    def _ask(self, schedule: Schedule) -> tuple[int | None, str | None]:
        """(players online, why it is not safe to act now); the reason names the players if nothing else."""
        players = self._ask_players(schedule)
        reason = None
        if self._unsafe_reason is not None:
            try:
                reason = self._unsafe_reason(schedule.program_id)
            except Exception:  # a plugin's failure must not stop the schedule; unknown counts as safe
                log.warning("the safety check failed for program %s; treating it as safe", schedule.program_id,
                            exc_info=True)
        if not reason and players:
            reason = f"{players} players online"
        return players, reason or None

    def _ask_players(self, schedule: Schedule) -> int | None:
        if self._players_online is None:
            return None
        try:
            return self._players_online(schedule.program_id)
        except Exception:  # a plugin's failure must not stop the schedule; unknown counts as nobody online
            log.warning(
                "players_online failed for program %s; treating as unknown",
                schedule.program_id,
                exc_info=True,
            )
            return None
