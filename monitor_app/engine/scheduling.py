"""Schedules in the running engine: the user's scheduled actions, a planner polled every second, and what
each step does — warn (through a plugin, later), queue the action as a job, or record why it did not run.

Lives in the engine's thread. Fires that fell into a time the monitor was not running are reported as missed
events at start-up, never run late (``schedules.SchedulePlanner`` decides; this module carries out).
"""

import logging
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from monitor_app.core.clock import Clock
from monitor_app.core.errors import MonitorError
from monitor_app.core.jobs import Job, JobOutcome
from monitor_app.core.model import Event
from monitor_app.core.schedules import Schedule, ScheduleAction, schedule_from_dict, schedule_to_dict
from monitor_app.core.states import Cause, EventKind
from monitor_app.engine.records import RecordRegistry, check_program
from monitor_app.schedules import PlannedStep, SchedulePlanner, StepKind
from monitor_app.storage.repository import RecordChange

log = logging.getLogger(__name__)

RUN = "schedule.action"
POLL_INTERVAL_MS = 1000
#: How often "the schedules were looked at until now" is written (a crash loses at most this much).
SEEN_WRITE_INTERVAL_S = 15.0
MAX_SCHEDULES = 500

#: Runs a program command: (verb, program id, cause, actor); raises MonitorError when it cannot.
ProgramCommand = Callable[[str, int, Cause, str], None]
#: Asks a plugin how many players are online (None = unknown / no plugin).
PlayersOnline = Callable[[int], int | None]
#: Why the program must not be acted on now, from its plugins ("a backup is running"); None when it may.
UnsafeReason = Callable[[int], str | None]
#: Tells players through a plugin: (program id, minutes left, schedule).
Warn = Callable[[int, int, Schedule], None]


class Scheduling(QObject):
    """The user's schedules and their planner.

    Signals:
        schedules_changed(): a schedule was added, edited or removed.
    """

    schedules_changed = Signal()

    def __init__(
        self,
        schedules: tuple[tuple[int, Mapping[str, object]], ...],
        *,
        last_id: int,
        last_seen: float | None,
        clock: Clock,
        persist_record: Callable[[RecordChange], None],
        persist_seen: Callable[[float], None],
        record_event: Callable[[Event], None],
        enqueue: Callable[..., Job],
        command: ProgramCommand,
        program_name: Callable[[int], str | None],
        players_online: PlayersOnline | None = None,
        unsafe_reason: UnsafeReason | None = None,
        warn: Warn | None = None,
        run_plugin_action: Callable[[str, int, str, int], object] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._persist_record = persist_record
        self._persist_seen = persist_seen
        self._record_event = record_event
        self._enqueue = enqueue
        self._command = command
        self._program_name = program_name
        self._warn = warn
        self._run_plugin_action = run_plugin_action
        self._last_seen = last_seen
        self._seen_written = 0.0
        self.registry: RecordRegistry[Schedule] = RecordRegistry(
            (_stored(record_id, spec) for record_id, spec in schedules),
            last_id=last_id,
            parse=_parse,
            persist=self._persist,
            noun="schedule",
            limit=MAX_SCHEDULES,
        )
        self._planner = SchedulePlanner(players_online, unsafe_reason=unsafe_reason)
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.poll)
        self._running = False

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Plan every schedule, report the fires missed while the monitor was not running, start polling."""
        now = self._clock.time()
        self._planner.set_schedules(self.registry.all())
        if self._last_seen is not None:
            for missed in self._planner.resume(self._last_seen, now):
                self._on_missed(missed.schedule, missed.due_time)
        self._write_seen(now, force=True)
        self._running = True
        self._apply_schedules()

    def shutdown(self) -> None:
        self._running = False
        self._timer.stop()
        self._write_seen(self._clock.time(), force=True)

    # ------------------------------------------------------------------ commands and queries

    def schedules(self) -> tuple[Schedule, ...]:
        return self.registry.all()

    def add(self, data: Mapping[str, object]) -> Schedule:
        """Raises ValidationError (bad fields, unknown program)."""
        check_program(data, self._program_name)
        schedule = self.registry.add(data, now=self._clock.time())
        self._edited()
        return schedule

    def update(self, schedule_id: int, data: Mapping[str, object]) -> Schedule:
        check_program(data, self._program_name)
        schedule = self.registry.update(schedule_id, data)
        self._edited()
        return schedule

    def remove(self, schedule_id: int) -> Schedule:
        schedule = self.registry.remove(schedule_id)
        self._edited()
        return schedule

    def forget_program(self, program_id: int) -> None:
        """The program was removed: its schedules go with it."""
        for schedule in self.registry.all():
            if schedule.program_id == program_id:
                self.registry.remove(schedule.id)
        self._edited()

    def next_fire(self, schedule_id: int) -> float | None:
        """When the schedule fires next (None if disabled or it cannot be planned)."""
        return self._planner.next_due(schedule_id)

    def problems(self) -> Mapping[int, str]:
        """Schedules that cannot be planned, with the reason (e.g. an unknown time zone)."""
        return self._planner.problems()

    # ------------------------------------------------------------------ polling

    @Slot()
    def poll(self) -> None:
        now = self._clock.time()
        for step in self._planner.poll(now):
            try:
                self._carry_out(step)
            except Exception:  # one schedule's trouble must not stop the others
                log.exception("schedule %d step %s failed", step.schedule.id, step.kind)
        self._write_seen(now)

    def run_job(self, job: Job) -> JobOutcome:
        """One scheduled action (on a job worker thread): the engine's command, with the schedule as cause."""
        verb = str(job.payload["action"])
        program_id = int(job.payload["program_id"])  # type: ignore[call-overload]
        actor = str(job.payload.get("actor", "schedule"))
        try:
            if verb == ScheduleAction.PLUGIN_ACTION:
                if self._run_plugin_action is None:
                    return JobOutcome(ok=False, error="no plugin system is loaded", retry=False)
                # The job's id: a long action (a backup) reports its progress on this job and stops if it is cancelled.
                result = self._run_plugin_action(str(job.payload["plugin_action"]), program_id, actor, job.id)
                return JobOutcome(ok=True, result={"action": job.payload["plugin_action"], "result": result})
            self._command(verb, program_id, Cause.SCHEDULE, actor)
        except MonitorError as exc:
            return JobOutcome(ok=False, error=exc.message, retry=False)
        return JobOutcome(ok=True, result={"action": verb})

    # ------------------------------------------------------------------ internals

    def _carry_out(self, step: PlannedStep) -> None:
        schedule = step.schedule
        if step.kind is StepKind.RUN:
            label = self._label(schedule)
            self._enqueue(
                RUN,
                {
                    "schedule_id": schedule.id,
                    "program_id": schedule.program_id,
                    "action": schedule.action.value,
                    "plugin_action": schedule.plugin_action,
                    "due": step.due_time,
                    "actor": f"schedule {label!r}",
                },
                title=f"{schedule.action.value} {self._program(schedule)} (schedule {label})",
                max_attempts=1,  # a late restart surprises players more than a missing one
                program_id=schedule.program_id,
            )
            held = f" ({step.reason}; waited long enough)" if step.reason else ""
            self._event(schedule, f"schedule {label!r}: {schedule.action.value} now{held}", step)
        elif step.kind is StepKind.WARNING:
            minutes = step.minutes_left or 0
            if self._warn is not None:
                self._warn(schedule.program_id, minutes, schedule)
            self._event(schedule, f"schedule {self._label(schedule)!r}: {schedule.action.value} in {minutes} min", step)
        elif step.kind is StepKind.DEFERRED:
            self._event(schedule, f"schedule {self._label(schedule)!r} deferred: {step.reason}", step)
        elif step.kind is StepKind.SKIPPED:
            self._event(schedule, f"schedule {self._label(schedule)!r} skipped: {step.reason}", step)
        elif step.kind is StepKind.MISSED:
            self._on_missed(schedule, step.due_time)

    def _on_missed(self, schedule: Schedule, due: float) -> None:
        self._record_event(
            Event(
                time=self._clock.time(),
                kind=EventKind.SCHEDULE_MISSED,
                program_id=schedule.program_id,
                cause=Cause.SCHEDULE,
                actor=self._label(schedule),
                message=f"schedule {self._label(schedule)!r} missed its {schedule.action.value} due at "
                f"{_local(due)}: the monitor was not running; it was not run late",
                details={"schedule_id": schedule.id, "due": due},
            )
        )

    def _event(self, schedule: Schedule, message: str, step: PlannedStep) -> None:
        self._record_event(
            Event(
                time=self._clock.time(),
                kind=EventKind.SCHEDULE,
                program_id=schedule.program_id,
                cause=Cause.SCHEDULE,
                actor=self._label(schedule),
                message=message,
                details={"schedule_id": schedule.id, "step": step.kind.value, "due": step.due_time,
                         "minutes_left": step.minutes_left, "players": step.players, "reason": step.reason},
            )
        )

    def _edited(self) -> None:
        # Commands come from the GUI or the HTTP thread; the planner and the timer belong to this thread.
        QTimer.singleShot(0, self, self._apply_schedules)
        self.schedules_changed.emit()

    def _apply_schedules(self) -> None:
        """Plan the schedules; poll every second only while there are some (an idle monitor with none wakes
        nobody; "seen until" is written at start and shutdown, which is all the missed-fire check needs then)."""
        schedules = self.registry.all()
        self._planner.set_schedules(schedules)
        if self._running and schedules:
            if not self._timer.isActive():
                self._timer.start()
                self.poll()
        else:
            self._timer.stop()

    def _persist(self, schedule_id: int, schedule: Schedule | None) -> None:
        spec = None if schedule is None else schedule_to_dict(schedule)
        self._persist_record(RecordChange("schedules", schedule_id, spec))

    def _write_seen(self, now: float, *, force: bool = False) -> None:
        if force or now - self._seen_written >= SEEN_WRITE_INTERVAL_S:
            self._seen_written = now
            self._persist_seen(now)

    def _label(self, schedule: Schedule) -> str:
        return schedule.name or f"#{schedule.id}"

    def _program(self, schedule: Schedule) -> str:
        return self._program_name(schedule.program_id) or f"program {schedule.program_id}"


def _local(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(epoch))


def _stored(record_id: int, spec: Mapping[str, object]) -> Schedule:
    return schedule_from_dict(spec, existing_id=record_id)


#: Fields that belong to one kind of schedule; a change of kind drops the old kind's values.
_WHEN_FIELDS = ("time_of_day", "weekdays", "interval_minutes", "cron")


def _parse(data: Mapping[str, object], existing: Schedule | None) -> Schedule:
    if existing is None:
        return schedule_from_dict(data)
    base = schedule_to_dict(existing)
    if "kind" in data and data["kind"] != existing.kind.value:
        base = {key: value for key, value in base.items() if key not in _WHEN_FIELDS}
    return schedule_from_dict({**base, **data}, existing_id=existing.id)

