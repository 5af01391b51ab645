"""Turns metrics, statuses and events into alert transitions: a pure state machine.

No threads, no Qt, no clock of its own: every method takes "now" from its argument (a tick's time, an event's
time, the caller's wall clock), so tests drive it with plain numbers and a worker can own it on any thread.

State is bounded by rules × programs: one ``Latch`` per (rule, program or disk), one downsampled memory history
per program, at most ``MAX_RESTARTS + 1`` exit times per program.

Rule-set changes (``set_rules``): a rule whose evaluated definition (kind, program, threshold, duration,
mountpoint) is unchanged keeps its state, so renaming a rule or changing its action does not re-fire it. A rule
that is removed, disabled or redefined while firing resolves *silently*: no transition is emitted, because the
user changed the rule, the watched thing did not recover.
"""

import statistics
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from monitor_app.alerts import messages
from monitor_app.alerts.latch import EPSILON, Edge, Latch
from monitor_app.alerts.trend import DownsampledHistory, LineFit, fit_line
from monitor_app.core.alerts import (
    MAX_RESTARTS,
    RULE_UNITS,
    AlertRule,
    AlertState,
    AlertTransition,
    RuleKind,
    format_duration,
)
from monitor_app.core.model import DiskUsage, Event, MetricsTick, ProgramSample, ProgramStatus
from monitor_app.core.states import PROCESS_STATES, EventKind, ProgramState

#: States in which a program is down: it should run and does not. STOPPED is the user's choice, not down.
DOWN_STATES = frozenset({ProgramState.BACKOFF, ProgramState.EXITED, ProgramState.FATAL})
#: Fraction of the threshold a value must move back past before a level alert resolves (90 % → 85.5 %).
RESOLVE_MARGIN = 0.05
#: A program without a sample for this many typical intervals is considered stopped.
GAP_FACTOR = 3.0
#: Tick intervals remembered to estimate the typical one (their median shrugs off one late tick).
INTERVALS_KEPT = 5
#: The memory trend is fitted over max(this, 2 × sampling interval) …
TREND_WINDOW_S = 600.0
#: … and needs at least this much data before it may fire.
TREND_MIN_DATA_S = 300.0
#: A firing trend resolves once the projection stayed under the limit this long.
TREND_RELEASE_S = 60.0
#: The slope must exceed this many standard errors: noise around a flat line is not a trend.
TREND_MIN_T = 2.0

_BYTES_PER_MB = 1024 * 1024
_LEVEL_KINDS = (RuleKind.CPU_ABOVE, RuleKind.MEMORY_ABOVE, RuleKind.DISK_FREE_BELOW)
_SAMPLE_KINDS = (RuleKind.CPU_ABOVE, RuleKind.MEMORY_ABOVE, RuleKind.MEMORY_TREND)

#: Per rule: (program id or None, subject) → latch.
_Latches = dict[tuple[int | None, str], Latch]


@dataclass(slots=True)
class _DownStreak:
    since: float
    state: ProgramState


def program_subject(program_id: int) -> str:
    """The ``subject`` of a program alert (notifiers replace it with the program's name)."""
    return f"program {program_id}"


class AlertEvaluator:
    """Evaluates alert rules; every ``observe_*`` / ``poll`` call returns the transitions it caused."""

    def __init__(self) -> None:
        self._rules: dict[int, AlertRule] = {}
        self._active: dict[RuleKind, list[AlertRule]] = {kind: [] for kind in RuleKind}
        self._latches: dict[int, _Latches] = {}
        self._last_tick: float | None = None
        self._tick_intervals: deque[float] = deque(maxlen=INTERVALS_KEPT)
        self._last_sample: dict[int, float] = {}
        self._history: dict[int, DownsampledHistory] = {}
        self._down: dict[int, _DownStreak] = {}
        self._exits: dict[int, deque[float]] = {}

    # ------------------------------------------------------------------------------------------ rules

    def set_rules(self, rules: Iterable[AlertRule]) -> None:
        """Replace the rule set (see the module docstring for what happens to firing rules).

        Raises:
            ValueError: two rules share an id (state is kept per rule id).
        """
        new: dict[int, AlertRule] = {}
        for rule in rules:
            if rule.id in new:
                raise ValueError(f"two alert rules share id {rule.id}")
            new[rule.id] = rule
        for rule_id in list(self._latches):
            old, rule = self._rules.get(rule_id), new.get(rule_id)
            if rule is None or old is None or not rule.enabled or _definition(old) != _definition(rule):
                del self._latches[rule_id]
        self._rules = new
        self._active = {kind: [r for r in new.values() if r.enabled and r.kind is kind] for kind in RuleKind}

    def firing(self) -> list[AlertState]:
        """Every alert firing now, oldest first."""
        states = [
            AlertState(rule_id, program_id, subject, latch.fired_at, latch.value)
            for rule_id, latches in self._latches.items()
            for (program_id, subject), latch in latches.items()
            if latch.fired_at is not None
        ]
        return sorted(states, key=lambda s: (s.since, s.rule_id, s.subject))

    def forget_program(self, program_id: int) -> None:
        """The program was removed: drop everything about it; its firing alerts end silently."""
        for latches in self._latches.values():
            for key in [k for k in latches if k[0] == program_id]:
                del latches[key]
        for table in (self._last_sample, self._history, self._down, self._exits):
            table.pop(program_id, None)

    # ------------------------------------------------------------------------------------------ metrics

    def observe_tick(self, tick: MetricsTick) -> list[AlertTransition]:
        """CPU, memory and memory trend per program sample; free space per disk. ``tick.time`` is now.

        A program missing from ticks for more than ``GAP_FACTOR`` typical intervals counts as stopped: its
        pending timers reset and its firing CPU/memory/trend alerts resolve. Disk free space is free / total,
        as Explorer shows it; a firing disk that is no longer listed resolves.
        """
        now = tick.time
        self._note_tick(now)
        gap = self._gap_limit()
        out: list[AlertTransition] = []
        seen: set[int] = set()
        for sample in tick.programs:
            program_id = sample.program_id
            seen.add(program_id)
            last = self._last_sample.get(program_id)
            if gap is not None and last is not None and now - last > gap:
                self._restart_timers(program_id)  # what happened in between is unknown
            self._last_sample[program_id] = now
            out += self._observe_sample(sample, now)
        if gap is not None:
            for program_id, last in list(self._last_sample.items()):
                if program_id not in seen and now - last > gap:
                    reason = f"program stopped (no samples for {format_duration(now - last)})"
                    out += self._program_stopped(program_id, now, reason)
        if tick.system is not None:
            out += self._observe_disks(tick.system.disks, now)
        return out

    def _note_tick(self, now: float) -> None:
        if self._last_tick is not None and now > self._last_tick:
            self._tick_intervals.append(now - self._last_tick)
        if self._last_tick is None or now > self._last_tick:
            self._last_tick = now

    def _typical_interval(self) -> float | None:
        return statistics.median(self._tick_intervals) if self._tick_intervals else None

    def _gap_limit(self) -> float | None:
        interval = self._typical_interval()
        return None if interval is None else GAP_FACTOR * interval

    def _observe_sample(self, sample: ProgramSample, now: float) -> list[AlertTransition]:
        program_id = sample.program_id
        subject = program_subject(program_id)
        memory_mb = sample.memory_rss / _BYTES_PER_MB
        history = self._history.setdefault(program_id, DownsampledHistory())
        history.add(now, memory_mb)
        history.prune(now - max(TREND_WINDOW_S, 2 * (self._typical_interval() or 0.0)))
        out: list[AlertTransition] = []
        for rule in self._applicable(RuleKind.CPU_ABOVE, program_id):
            out += self._level(rule, program_id, subject, now, sample.cpu_percent)
        for rule in self._applicable(RuleKind.MEMORY_ABOVE, program_id):
            out += self._level(rule, program_id, subject, now, memory_mb)
        trend_rules = self._applicable(RuleKind.MEMORY_TREND, program_id)
        if trend_rules and history.coverage() >= TREND_MIN_DATA_S - EPSILON:
            fit = fit_line(history.points())
            if fit is not None:
                for rule in trend_rules:
                    out += self._trend(rule, program_id, subject, now, memory_mb, fit)
        return out

    def _level(
        self, rule: AlertRule, program_id: int | None, subject: str, now: float, value: float
    ) -> list[AlertTransition]:
        """A value against a threshold with a hysteresis band (above for cpu/memory, below for disk)."""
        if rule.kind is RuleKind.DISK_FREE_BELOW:
            clear_level = rule.threshold * (1 + RESOLVE_MARGIN)
            breach, clear = value < rule.threshold, value > clear_level
        else:
            clear_level = rule.threshold * (1 - RESOLVE_MARGIN)
            breach, clear = value >= rule.threshold, value < clear_level
        edge = self._latch(rule, program_id, subject).update(now, value, breach=breach, clear=clear)
        if edge is None:
            return []
        if edge is Edge.FIRED:
            text = messages.level_fired(rule, subject, value)
        else:
            text = messages.level_resolved(rule, subject, value, clear_level)
        return [self._transition(rule, program_id, subject, edge is Edge.FIRED, now, value, text)]

    def _trend(
        self, rule: AlertRule, program_id: int, subject: str, now: float, memory_mb: float, fit: LineFit
    ) -> list[AlertTransition]:
        """Fires when the fitted line, projected ``duration_s`` ahead, reaches the limit while clearly rising."""
        projected = fit.at(now) + max(fit.slope, 0.0) * rule.duration_s
        rising = fit.slope > 0 and fit.slope > TREND_MIN_T * fit.stderr
        breach, clear = rising and projected >= rule.threshold, projected < rule.threshold
        edge = self._latch(rule, program_id, subject).update(now, projected, breach=breach, clear=clear)
        if edge is None:
            return []
        if edge is Edge.FIRED:
            text = messages.trend_fired(rule, memory_mb, fit.slope, projected)
        else:
            text = messages.trend_resolved(rule, projected, TREND_RELEASE_S)
        return [self._transition(rule, program_id, subject, edge is Edge.FIRED, now, projected, text)]

    def _observe_disks(self, disks: Iterable[DiskUsage], now: float) -> list[AlertTransition]:
        out: list[AlertTransition] = []
        for rule in self._active[RuleKind.DISK_FREE_BELOW]:
            mounted: set[str] = set()
            for disk in disks:
                if disk.total <= 0 or not _watches(rule, disk):
                    continue
                mounted.add(disk.mountpoint)
                out += self._level(rule, None, disk.mountpoint, now, disk.free / disk.total * 100)
            latches = self._latches.get(rule.id, {})
            for key in [k for k in latches if k[1] not in mounted]:
                latch = latches.pop(key)
                if latch.firing:
                    text = messages.ended(rule, f"{key[1]} is no longer mounted")
                    out.append(self._transition(rule, None, key[1], False, now, latch.value, text))
        return out

    def _restart_timers(self, program_id: int) -> None:
        for kind in _SAMPLE_KINDS:
            for rule in self._active[kind]:
                latch = self._latches.get(rule.id, {}).get((program_id, program_subject(program_id)))
                if latch is not None:
                    latch.breach_since = latch.clear_since = None
        history = self._history.get(program_id)
        if history is not None:
            history.clear()

    def _program_stopped(self, program_id: int, now: float, reason: str) -> list[AlertTransition]:
        """Its process is gone: sample-based alerts end (firing ones resolve, saying why), timers reset."""
        self._last_sample.pop(program_id, None)
        self._history.pop(program_id, None)
        out: list[AlertTransition] = []
        subject = program_subject(program_id)
        for kind in _SAMPLE_KINDS:
            for rule in self._active[kind]:
                latch = self._latches.get(rule.id, {}).pop((program_id, subject), None)
                if latch is not None and latch.firing:
                    text = messages.ended(rule, reason)
                    out.append(self._transition(rule, program_id, subject, False, now, latch.value, text))
        return out

    # ------------------------------------------------------------------------------------------ statuses

    def observe_status(self, status: ProgramStatus, now: float) -> list[AlertTransition]:
        """down_for, and the end of sample-based alerts when the program's process is gone.

        Down means BACKOFF, EXITED or FATAL. STARTING continues a down period that is already open (a retry
        is not recovery) but never opens one; RUNNING ends it, and so do STOPPING and STOPPED (the user's
        choice). A program first seen down counts from its ``state_since``.
        """
        program_id, state = status.program_id, status.state
        streak = self._down.get(program_id)
        ended: _DownStreak | None = None
        if state in DOWN_STATES or (state is ProgramState.STARTING and streak is not None):
            if streak is None:
                self._down[program_id] = _DownStreak(min(status.state_since, now), state)
            else:
                streak.state = state
        elif streak is not None:
            ended = self._down.pop(program_id)
        out = self._check_down(program_id, now, ended=ended, end_state=state)
        if state not in PROCESS_STATES:
            out += self._program_stopped(program_id, now, f"program {state}")
        return out

    def _check_down(
        self,
        program_id: int,
        now: float,
        *,
        ended: _DownStreak | None = None,
        end_state: ProgramState | None = None,
    ) -> list[AlertTransition]:
        streak = self._down.get(program_id)
        subject = program_subject(program_id)
        out: list[AlertTransition] = []
        for rule in self._applicable(RuleKind.DOWN_FOR, program_id):
            if streak is not None:
                down_s = now - streak.since
                breach = down_s >= rule.duration_s - EPSILON
            else:
                down_s = now - ended.since if ended is not None else 0.0
                breach = False
            edge = self._latch(rule, program_id, subject).update(
                now, down_s, breach=breach, clear=streak is None
            )
            if edge is Edge.FIRED and streak is not None:
                text = messages.down_fired(rule, down_s, streak.state)
                out.append(self._transition(rule, program_id, subject, True, now, down_s, text))
            elif edge is Edge.RESOLVED:
                text = messages.down_resolved(down_s, str(end_state))
                out.append(self._transition(rule, program_id, subject, False, now, down_s, text))
        return out

    # ------------------------------------------------------------------------------------------ events

    def observe_event(self, event: Event) -> list[AlertTransition]:
        """restarts_over counts unexpected exits (``event.unexpected`` on a state transition).

        A PROGRAM_REMOVED event forgets the program, like ``forget_program``.
        """
        program_id = event.program_id
        if program_id is None:
            return []
        if event.kind is EventKind.PROGRAM_REMOVED:
            self.forget_program(program_id)
            return []
        if not event.unexpected or event.to_state is None:
            return []
        self._exits.setdefault(program_id, deque(maxlen=MAX_RESTARTS + 1)).append(event.time)
        return self._check_restarts(program_id, event.time)

    def _check_restarts(self, program_id: int, now: float) -> list[AlertTransition]:
        rules = self._applicable(RuleKind.RESTARTS_OVER, program_id)
        exits = self._exits.get(program_id)
        if exits is None:
            return []
        longest = max((rule.duration_s for rule in rules), default=0.0)
        while exits and now - exits[0] >= longest:
            exits.popleft()
        subject = program_subject(program_id)
        out: list[AlertTransition] = []
        for rule in rules:
            count = sum(1 for t in exits if now - t < rule.duration_s)
            breach = count > rule.threshold
            edge = self._latch(rule, program_id, subject).update(now, count, breach=breach, clear=not breach)
            if edge is not None:
                fired = edge is Edge.FIRED
                text = (
                    messages.restarts_fired(rule, count) if fired else messages.restarts_resolved(rule, count)
                )
                out.append(self._transition(rule, program_id, subject, fired, now, count, text))
        return out

    # ------------------------------------------------------------------------------------------ time

    def poll(self, now: float) -> list[AlertTransition]:
        """Checks that depend on time passing, not on new input. Call it every second or so.

        A program staying down past ``duration_s`` with no new status fires; unexpected exits sliding out of a
        restart window resolve.
        """
        out: list[AlertTransition] = []
        for program_id in list(self._down):
            out += self._check_down(program_id, now)
        for program_id in list(self._exits):
            out += self._check_restarts(program_id, now)
        return out

    # ------------------------------------------------------------------------------------------ helpers

    def _applicable(self, kind: RuleKind, program_id: int) -> list[AlertRule]:
        return [r for r in self._active[kind] if r.program_id is None or r.program_id == program_id]

    def _latch(self, rule: AlertRule, program_id: int | None, subject: str) -> Latch:
        latches = self._latches.setdefault(rule.id, {})
        latch = latches.get((program_id, subject))
        if latch is None:
            latch = latches[(program_id, subject)] = Latch(*_hold_release(rule))
        return latch

    @staticmethod
    def _transition(
        rule: AlertRule,
        program_id: int | None,
        subject: str,
        fired: bool,
        now: float,
        value: float,
        text: str,
    ) -> AlertTransition:
        return AlertTransition(
            rule, program_id, subject, fired, now, float(value), text, RULE_UNITS[rule.kind]
        )


def _hold_release(rule: AlertRule) -> tuple[float, float]:
    """How long a breach must last to fire and a clear to resolve, per kind."""
    if rule.kind in _LEVEL_KINDS:
        return rule.duration_s, rule.duration_s
    if rule.kind is RuleKind.MEMORY_TREND:
        return 0.0, TREND_RELEASE_S
    return 0.0, 0.0  # down_for and restarts_over decide with their own clocks


def _definition(rule: AlertRule) -> tuple[object, ...]:
    """What evaluation depends on; a change here restarts the rule's state."""
    return (rule.kind, rule.program_id, rule.threshold, rule.duration_s, rule.mountpoint)


def _watches(rule: AlertRule, disk: DiskUsage) -> bool:
    """Whether a disk rule covers this disk: "C:", "c:\\" and "C:\\" are one disk; "/data/" and "/data" too."""
    if rule.mountpoint is None:
        return True

    def norm(path: str) -> str:
        return (path.rstrip("/\\") or path[:1]).casefold()

    return norm(rule.mountpoint) == norm(disk.mountpoint)
