"""The per-program state machine: supervisord's states, PM2's capped exponential backoff, a stop ladder.

Plain Python with no threads or timers: the supervision worker calls the commands (``start``, ``stop``,
``restart``), reports exits (``on_exit``) and calls ``tick()`` at ``next_deadline()``. Side effects on real
processes go through the :class:`ProcessRunner` port, so tests drive the machine with a fake runner and a
fake clock. Every edge emits exactly one event and is commented ``# FROM -> TO``.
"""

import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from monitor_app.core.clock import Clock
from monitor_app.core.errors import ConflictError, LaunchError
from monitor_app.core.model import (
    Event,
    ProcessIdentity,
    ProgramRuntime,
    ProgramSample,
    ProgramSpec,
    ProgramStatus,
)
from monitor_app.core.states import (
    STARTABLE_STATES,
    Cause,
    EventKind,
    ProgramState,
    RestartPolicy,
)

log = logging.getLogger(__name__)

#: After the kill, how long to wait for the OS to confirm the exit before trying again.
KILL_CONFIRM_SECONDS = 5.0
#: While the root is gone but other members of the tree linger during a stop, how often to look again.
LEFTOVER_POLL_SECONDS = 0.1
#: Lines of captured output attached to an unexpected-exit event.
EXIT_TAIL_LINES = 20


class ProcessRef(Protocol):
    """A runner's handle on one launched or attached process."""

    @property
    def identity(self) -> ProcessIdentity: ...


class ProcessRunner(Protocol):
    """What the machine asks of the operating system (implemented by ``launcher.ProcessLauncher``)."""

    def spawn(self, spec: ProgramSpec) -> ProcessRef:
        """Launch detached; raises LaunchError."""
        ...

    def find_adoptable(self, spec: ProgramSpec) -> ProcessRef | None:
        """An already running process of the same executable that nobody manages, if any."""
        ...

    def request_stop(self, ref: ProcessRef) -> None:
        """The polite step: console Ctrl+Break / SIGTERM to the program's process group and tree."""
        ...

    def kill_tree(self, ref: ProcessRef) -> int:
        """Kill the root and every descendant; returns how many were signalled."""
        ...

    def leftovers(self, ref: ProcessRef) -> int:
        """How many processes of the tree are still alive (the root included)."""
        ...

    def output_tail(self, spec: ProgramSpec, lines: int) -> tuple[str, ...]:
        """The last lines the program wrote."""
        ...


#: Optional graceful step before the stop signal (e.g. a game plugin saving and shutting down the server).
#: Must return at once; returns how many seconds to wait for a clean exit, or None if it does not apply.
GracefulStop = Callable[[ProgramSpec, ProcessIdentity], float | None]


class StopPhase(Enum):
    GRACEFUL = "graceful"  # a plugin asked the program to shut down
    SIGNALLED = "signalled"  # Ctrl+Break / SIGTERM sent
    KILLED = "killed"  # the tree was killed; waiting for the OS to confirm


@dataclass(frozen=True, slots=True)
class _Request:
    cause: Cause
    actor: str


class ProgramSupervisor:
    """Keeps one program in the state its user and its restart policy ask for.

    Args:
        spec: The program.
        clock: Monotonic time for deadlines, wall time for records.
        runner: Side effects on real processes.
        emit: Receives every event (transitions and other facts).
        publish: Receives the status after every change.
        persist: Receives what must survive a monitor restart, whenever it changes.
        runtime: What the previous monitor run left (restart counter, last exit code).
        graceful_stop: Optional first rung of the stop ladder.
        last_sample: Latest resource sample of the program, attached to unexpected-exit events.
    """

    def __init__(
        self,
        spec: ProgramSpec,
        *,
        clock: Clock,
        runner: ProcessRunner,
        emit: Callable[[Event], None],
        publish: Callable[[ProgramStatus], None],
        persist: Callable[[ProgramRuntime], None],
        runtime: ProgramRuntime | None = None,
        graceful_stop: GracefulStop | None = None,
        last_sample: Callable[[int], ProgramSample | None] | None = None,
    ) -> None:
        self.spec = spec
        self._clock = clock
        self._runner = runner
        self._emit = emit
        self._publish = publish
        self._persist = persist
        self._graceful_stop = graceful_stop
        self._last_sample = last_sample or (lambda _program_id: None)

        self.state = ProgramState.STOPPED
        self._state_since = clock.time()
        self.process: ProcessRef | None = None
        self._started_mono = 0.0
        self._exit_code = runtime.last_exit_code if runtime else None
        self._restarts = runtime.restarts if runtime else 0
        self._start_failures = 0  # consecutive failed starts, towards startretries
        self._failures = 0  # consecutive unhealthy runs, drives the backoff delay
        self._next_start_mono: float | None = None
        self._message = ""
        # Stop ladder
        self._stop_phase: StopPhase | None = None
        self._stop_deadline = 0.0
        self._stop_request: _Request | None = None
        self._stop_note = ""  # why the stop needed the kill, reported with STOPPED
        self._restart_request: _Request | None = None
        self._lingering: ProcessRef | None = None  # root exited during a stop, other members remain

    # ----------------------------------------------------------------- queries

    def status(self) -> ProgramStatus:
        next_start = None
        if self.state is ProgramState.BACKOFF and self._next_start_mono is not None:
            next_start = self._clock.time() + max(0.0, self._next_start_mono - self._clock.monotonic())
        return ProgramStatus(
            program_id=self.spec.id,
            state=self.state,
            state_since=self._state_since,
            identity=self.process.identity if self.process else None,
            exit_code=self._exit_code,
            restarts=self._restarts,
            start_failures=self._start_failures,
            next_start_at=next_start,
            message=self._message,
        )

    def next_deadline(self) -> float | None:
        """Monotonic time at which ``tick()`` has something to do, or None."""
        if self.state is ProgramState.STARTING and self.process is not None:
            return self._started_mono + self.spec.startsecs
        if self.state is ProgramState.BACKOFF:
            return self._next_start_mono
        if self.state is ProgramState.STOPPING:
            if self.process is None and self._lingering is not None:
                return min(self._stop_deadline, self._clock.monotonic() + LEFTOVER_POLL_SECONDS)
            return self._stop_deadline
        return None

    # ----------------------------------------------------------------- commands

    def update_spec(self, spec: ProgramSpec) -> None:
        """New settings; a running process keeps going and the next start uses them."""
        self.spec = spec

    def attach(self, ref: ProcessRef, *, cause: Cause, actor: str, adopted: bool = False) -> None:
        """Take over a process that is already running (re-attach after a monitor restart, or adopt)."""
        if self.state not in STARTABLE_STATES:
            raise ConflictError(f"{self.spec.name} is {self.state.value}")
        self._set_process(ref)
        age = max(0.0, self._clock.time() - ref.identity.create_time)
        self._started_mono = self._clock.monotonic() - age
        what = "adopted" if adopted else "re-attached to"
        target = ProgramState.RUNNING if age >= self.spec.startsecs else ProgramState.STARTING
        # STOPPED -> RUNNING (or STARTING if it is younger than startsecs)
        self._transition(
            target,
            cause,
            actor,
            message=f"{what} running process {ref.identity.pid}",
            details={"reattached": not adopted, "adopted": adopted, "pid": ref.identity.pid, "uptime_s": age},
        )
        if target is ProgramState.RUNNING:
            self._start_failures = 0

    def start(self, *, cause: Cause, actor: str) -> None:
        """Start on request; resets the retry counters (a manual start is a fresh chance)."""
        if self.state not in STARTABLE_STATES:
            raise ConflictError(f"{self.spec.name} is already {self.state.value}")
        self._start_failures = 0
        self._failures = 0
        self._restart_request = None
        self._launch(cause, actor)

    def stop(self, *, cause: Cause, actor: str) -> None:
        """Stop on request: graceful step, then the stop signal, then kill the whole tree."""
        self._restart_request = None
        if self.state is ProgramState.BACKOFF:
            # BACKOFF -> STOPPED: cancel the scheduled restart
            self._next_start_mono = None
            self._transition(ProgramState.STOPPED, cause, actor, message="scheduled restart cancelled")
            return
        if self.state is ProgramState.STOPPING:
            return  # already on its way down
        if self.state not in (ProgramState.STARTING, ProgramState.RUNNING) or self.process is None:
            raise ConflictError(f"{self.spec.name} is not running")
        self._begin_stop(cause, actor)

    def restart(self, *, cause: Cause, actor: str) -> None:
        """Stop (if running) then start again; counts as a restart."""
        if self.state in (ProgramState.STARTING, ProgramState.RUNNING):
            self._begin_stop(cause, actor)
            self._restart_request = _Request(cause, actor)
        elif self.state is ProgramState.STOPPING:
            self._restart_request = _Request(cause, actor)
        else:
            self.start(cause=cause, actor=actor)

    def shutdown_monitor(self) -> None:
        """The monitor is quitting: leave the process running, forget pending restarts."""
        self._next_start_mono = None
        self._restart_request = None

    # ----------------------------------------------------------------- inputs from the OS

    def on_exit(self, exit_code: int | None) -> None:
        """The root process ended (reported by the exit watcher within milliseconds of its death)."""
        ref = self.process
        if ref is None:
            log.debug("exit of %s reported with no process", self.spec.name)
            return
        uptime = max(0.0, self._clock.monotonic() - self._started_mono)
        self._exit_code = exit_code
        self._set_process(None)
        if self.state is ProgramState.STOPPING:
            if self._runner.leftovers(ref) > 0:
                self._lingering = ref
                self._notify()
                return
            self._finish_stop()
        elif self.state is ProgramState.STARTING:
            self._kill_leftovers(ref)
            self._on_failed_start(uptime, exit_code)
        elif self.state is ProgramState.RUNNING:
            self._kill_leftovers(ref)
            self._on_unexpected_exit(uptime, exit_code)
        else:  # pragma: no cover - a process exists only in the states above
            log.warning("exit of %s in unexpected state %s", self.spec.name, self.state)
            self._notify()

    def tick(self) -> None:
        """Timed edges: start-success window, backoff expiry, stop-ladder escalation."""
        now = self._clock.monotonic()
        if self.state is ProgramState.STARTING and self.process is not None:
            if now - self._started_mono >= self.spec.startsecs:
                self._start_failures = 0
                # STARTING -> RUNNING
                self._transition(ProgramState.RUNNING, Cause.POLICY, "startsecs", message="")
        elif self.state is ProgramState.BACKOFF:
            if self._next_start_mono is not None and now >= self._next_start_mono:
                self._next_start_mono = None
                self._restarts += 1
                # BACKOFF -> STARTING
                self._launch(Cause.POLICY, "restart policy")
        elif self.state is ProgramState.STOPPING:
            self._advance_stop(now)

    # ----------------------------------------------------------------- internals

    def _launch(self, cause: Cause, actor: str) -> None:
        if self.spec.adopt:
            ref = self._runner.find_adoptable(self.spec)
            if ref is not None:
                self.attach(ref, cause=cause, actor=actor, adopted=True)
                return
        try:
            ref = self._runner.spawn(self.spec)
        except LaunchError as exc:
            self._on_failed_start(0.0, None, launch_error=exc.message, cause=cause, actor=actor)
            return
        self._set_process(ref)
        self._started_mono = self._clock.monotonic()
        details = {"pid": ref.identity.pid}
        if self.spec.startsecs <= 0:
            self._start_failures = 0
            # STOPPED/EXITED/FATAL/BACKOFF -> RUNNING (startsecs = 0: started as soon as launched)
            self._transition(ProgramState.RUNNING, cause, actor, message="", details=details)
        else:
            # STOPPED/EXITED/FATAL/BACKOFF -> STARTING
            self._transition(ProgramState.STARTING, cause, actor, message="", details=details)

    def _on_failed_start(
        self,
        uptime: float,
        exit_code: int | None,
        *,
        launch_error: str | None = None,
        cause: Cause = Cause.POLICY,
        actor: str = "startsecs",
    ) -> None:
        self._start_failures += 1
        self._failures += 1
        what = f"could not be launched: {launch_error}" if launch_error else (
            f"exited {_describe_exit(exit_code)} after {uptime:.1f} s, before startsecs "
            f"({self.spec.startsecs:g} s)"
        )
        details: dict[str, object] = {"uptime_s": round(uptime, 3), "attempt": self._start_failures}
        if launch_error is None:
            details["last_output"] = list(self._runner.output_tail(self.spec, EXIT_TAIL_LINES))
        if self._start_failures > self.spec.startretries:
            # STARTING -> FATAL: the crash loop ends here, with one event
            self._transition(
                ProgramState.FATAL,
                cause,
                actor,
                message=f"gave up after {self._start_failures} failed starts; last one {what}",
                exit_code=exit_code,
                unexpected=launch_error is None,
                details=details,
            )
            return
        delay = self._backoff_delay()
        self._next_start_mono = self._clock.monotonic() + delay
        details["retry_in_s"] = delay
        # STARTING -> BACKOFF
        self._transition(
            ProgramState.BACKOFF,
            cause,
            actor,
            message=f"start failed ({what}); retry {self._start_failures} of "
            f"{self.spec.startretries} in {delay:g} s",
            exit_code=exit_code,
            unexpected=launch_error is None,
            details=details,
        )

    def _on_unexpected_exit(self, uptime: float, exit_code: int | None) -> None:
        restart = self._policy_restarts(exit_code)
        self._failures = 1 if uptime >= self.spec.backoff_reset else self._failures + 1
        delay = self._backoff_delay() if restart else None
        details: dict[str, object] = {
            "uptime_s": round(uptime, 3),
            "restarts": self._restarts,
            "last_output": list(self._runner.output_tail(self.spec, EXIT_TAIL_LINES)),
            "next": f"restart in {delay:g} s" if restart else f"no restart (policy {self.spec.restart_policy})",
        }
        sample = self._last_sample(self.spec.id)
        if sample is not None:
            details["cpu_percent"] = sample.cpu_percent
            details["memory_rss"] = sample.memory_rss
        # RUNNING -> EXITED: nobody asked for this exit
        self._transition(
            ProgramState.EXITED,
            Cause.POLICY,
            "exit watcher",
            message=f"exited unexpectedly {_describe_exit(exit_code)} after {_duration(uptime)}",
            exit_code=exit_code,
            unexpected=True,
            details=details,
        )
        if delay is not None:
            self._next_start_mono = self._clock.monotonic() + delay
            # EXITED -> BACKOFF: the restart policy brings it back after the delay
            self._transition(
                ProgramState.BACKOFF,
                Cause.POLICY,
                "restart policy",
                message=f"restarting in {delay:g} s",
                details={"retry_in_s": delay},
            )

    def _policy_restarts(self, exit_code: int | None) -> bool:
        policy = self.spec.restart_policy
        if policy is RestartPolicy.ALWAYS:
            return True
        if policy is RestartPolicy.ON_FAILURE:
            # An unknown exit code (a re-attached process on POSIX) counts as a failure: better up than down.
            return exit_code is None or exit_code not in self.spec.success_exit_codes
        return False

    def _backoff_delay(self) -> float:
        exponent = max(0, self._failures - 1)
        return min(self.spec.backoff_max, self.spec.backoff_initial * (2 ** min(exponent, 30)))

    def _begin_stop(self, cause: Cause, actor: str) -> None:
        assert self.process is not None
        self._stop_request = _Request(cause, actor)
        self._lingering = None
        wait = None
        if self._graceful_stop is not None:
            try:
                wait = self._graceful_stop(self.spec, self.process.identity)
            except Exception:  # a plugin must never block a stop
                log.exception("graceful stop hook failed for %s", self.spec.name)
                wait = None
        # STARTING/RUNNING -> STOPPING
        self._transition(ProgramState.STOPPING, cause, actor, message="stopping")
        if wait is not None and wait > 0:
            self._stop_phase = StopPhase.GRACEFUL
            self._stop_deadline = self._clock.monotonic() + wait
        else:
            self._signal_stop()

    def _signal_stop(self) -> None:
        assert self.process is not None
        self._runner.request_stop(self.process)
        self._stop_phase = StopPhase.SIGNALLED
        self._stop_deadline = self._clock.monotonic() + self.spec.stop_timeout

    def _advance_stop(self, now: float) -> None:
        if self.process is None and self._lingering is not None:
            if self._runner.leftovers(self._lingering) == 0:
                self._finish_stop()
                return
            if now >= self._stop_deadline:
                killed = self._runner.kill_tree(self._lingering)
                self._stop_phase = StopPhase.KILLED
                self._stop_deadline = now + KILL_CONFIRM_SECONDS
                self._record(EventKind.LEFTOVERS_KILLED, f"killed {killed} process(es) left after the stop")
            return
        if self.process is None or now < self._stop_deadline:
            return
        if self._stop_phase is StopPhase.GRACEFUL:
            self._signal_stop()
        elif self._stop_phase is StopPhase.SIGNALLED:
            killed = self._runner.kill_tree(self.process)
            self._stop_phase = StopPhase.KILLED
            self._stop_deadline = now + KILL_CONFIRM_SECONDS
            self._stop_note = f"did not stop within {self.spec.stop_timeout:g} s; killed {killed} process(es)"
        else:
            killed = self._runner.kill_tree(self.process)
            self._stop_deadline = now + KILL_CONFIRM_SECONDS
            self._record(EventKind.ERROR, f"process {self.process.identity.pid} survives kill ({killed} signalled)")

    def _finish_stop(self) -> None:
        request = self._stop_request or _Request(Cause.SYSTEM, "")
        self._stop_phase = None
        self._stop_request = None
        self._lingering = None
        # STOPPING -> STOPPED
        self._transition(
            ProgramState.STOPPED,
            request.cause,
            request.actor,
            message=self._stop_note,
            exit_code=self._exit_code,
        )
        self._stop_note = ""
        restart = self._restart_request
        if restart is not None:
            self._restart_request = None
            self._restarts += 1
            self._start_failures = 0
            self._failures = 0
            # STOPPED -> STARTING: second half of a restart
            self._launch(restart.cause, restart.actor)

    def _kill_leftovers(self, ref: ProcessRef) -> None:
        if self._runner.leftovers(ref) > 0:
            killed = self._runner.kill_tree(ref)
            if killed:
                self._record(
                    EventKind.LEFTOVERS_KILLED,
                    f"killed {killed} process(es) its exit left behind",
                    details={"count": killed},
                )

    def _set_process(self, ref: ProcessRef | None) -> None:
        self.process = ref
        self._persist(
            ProgramRuntime(
                program_id=self.spec.id,
                identity=ref.identity if ref else None,
                restarts=self._restarts,
                last_exit_code=self._exit_code,
            )
        )

    def _transition(
        self,
        target: ProgramState,
        cause: Cause,
        actor: str,
        *,
        message: str,
        exit_code: int | None = None,
        unexpected: bool = False,
        details: dict[str, object] | None = None,
    ) -> None:
        source = self.state
        self.state = target
        self._state_since = self._clock.time()
        self._message = message
        self._emit(
            Event(
                time=self._state_since,
                kind=EventKind.STATE,
                program_id=self.spec.id,
                from_state=source,
                to_state=target,
                cause=cause,
                actor=actor,
                exit_code=exit_code,
                unexpected=unexpected,
                message=message,
                details=details or {},
            )
        )
        self._notify()

    def _record(self, kind: EventKind, message: str, *, details: dict[str, object] | None = None) -> None:
        self._emit(
            Event(
                time=self._clock.time(),
                kind=kind,
                program_id=self.spec.id,
                cause=Cause.POLICY,
                actor="supervisor",
                message=message,
                details=details or {},
            )
        )

    def _notify(self) -> None:
        self._publish(self.status())


def _describe_exit(exit_code: int | None) -> str:
    if exit_code is None:
        return "(exit code unknown)"
    if exit_code < 0:
        try:
            return f"(killed by {signal.Signals(-exit_code).name})"
        except ValueError:
            return f"(killed by signal {-exit_code})"
    return f"with code {exit_code}"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"
