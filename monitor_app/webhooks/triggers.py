"""Which events become notifications: the event log turned into messages a person wants to receive.

A crash loop is one episode: the first failure sends one message ("exited unexpectedly" or "crashing,
retrying"), later failures of the same episode send nothing, and the episode ends with one "gave up"
(``program.fatal``), one "back up" (``program.restarted``) or the user's stop. Re-attaching after a monitor
restart is not a start anybody needs to hear about.
"""

from collections.abc import Callable
from dataclasses import dataclass

from monitor_app.core.model import Event, ProgramStatus
from monitor_app.core.notifications import (
    PROGRAM_EXITED,
    PROGRAM_FATAL,
    PROGRAM_RESTARTED,
    PROGRAM_STARTED,
    PROGRAM_STOPPED,
    Notification,
)
from monitor_app.core.states import Cause, EventKind, ProgramState

_MB = 1024 * 1024


@dataclass(slots=True)
class _Launch:
    """How the current start of a program came about (the RUNNING transition itself is the policy's)."""

    restart: bool
    cause: str
    actor: str


class NotificationTrigger:
    """Reads events in order and returns the notifications they call for.

    Args:
        program_name: Name of a program by id (None once it is removed).
        status_of: Current status of a program (restart counts), None if unknown.
    """

    def __init__(
        self,
        program_name: Callable[[int], str | None],
        status_of: Callable[[int], ProgramStatus | None] = lambda program_id: None,
    ) -> None:
        self._name = program_name
        self._status = status_of
        self._troubled: set[int] = set()  # programs in a failure episode that has been reported
        self._down_since: dict[int, float] = {}
        self._launch: dict[int, _Launch] = {}

    def forget(self, program_id: int) -> None:
        """The program was removed."""
        self._troubled.discard(program_id)
        self._down_since.pop(program_id, None)
        self._launch.pop(program_id, None)

    def on_event(self, event: Event) -> list[Notification]:
        if event.kind is not EventKind.STATE or event.program_id is None or event.to_state is None:
            return []
        pid, to, came_from = event.program_id, event.to_state, event.from_state
        if to is ProgramState.STARTING:
            self._launch[pid] = _Launch(came_from is ProgramState.BACKOFF, event.cause.value, event.actor)
            return []
        if to is ProgramState.RUNNING:
            return self._on_running(event)
        if to is ProgramState.EXITED and event.unexpected:
            self._down_since.setdefault(pid, event.time)
            return self._on_failure(event, crash_loop=False)
        if to is ProgramState.BACKOFF and came_from is ProgramState.STARTING and event.unexpected:
            self._down_since.setdefault(pid, event.time)
            return self._on_failure(event, crash_loop=True)
        if to is ProgramState.FATAL:
            self._troubled.discard(pid)
            self._down_since.pop(pid, None)
            return [self._notification(PROGRAM_FATAL, event, self._fatal_details(event))]
        if to is ProgramState.STOPPED and event.cause is not Cause.POLICY:
            self._troubled.discard(pid)
            self._down_since.pop(pid, None)
            details = {"cause": event.cause.value, "actor": event.actor, "exit_code": event.exit_code}
            return [self._notification(PROGRAM_STOPPED, event, details)]
        return []

    # ------------------------------------------------------------------ cases

    def _on_running(self, event: Event) -> list[Notification]:
        pid = event.program_id
        assert pid is not None
        if event.details.get("reattached"):
            return []
        if event.from_state is ProgramState.STARTING:
            launch = self._launch.pop(pid, None)
        else:  # straight to RUNNING (startsecs 0 or adopted): this transition is the launch
            launch = _Launch(event.from_state is ProgramState.BACKOFF, event.cause.value, event.actor)
        troubled = pid in self._troubled
        self._troubled.discard(pid)
        down_since = self._down_since.pop(pid, None)
        if (launch is not None and launch.restart) or troubled:
            status = self._status(pid)
            details: dict[str, object] = {"restarts": status.restarts if status else None}
            if down_since is not None:
                details["downtime_s"] = round(event.time - down_since, 1)
            return [self._notification(PROGRAM_RESTARTED, event, details)]
        details = {
            "pid": event.details.get("pid"),
            "cause": launch.cause if launch else event.cause.value,
            "actor": launch.actor if launch else event.actor,
        }
        return [self._notification(PROGRAM_STARTED, event, details)]

    def _on_failure(self, event: Event, *, crash_loop: bool) -> list[Notification]:
        pid = event.program_id
        assert pid is not None
        if pid in self._troubled:
            return []  # the episode was reported; its end will be too
        self._troubled.add(pid)
        details: dict[str, object] = {
            "exit_code": event.exit_code,
            "uptime_s": event.details.get("uptime_s"),
            "restarts": event.details.get("restarts", self._restarts(pid)),
            "last_output": list(event.details.get("last_output", ()) or ()),  # type: ignore[call-overload]
            "crash_loop": crash_loop,
        }
        if "cpu_percent" in event.details:
            details["cpu_percent"] = event.details["cpu_percent"]
        rss = event.details.get("memory_rss")
        if isinstance(rss, int | float):
            details["memory_mb"] = round(rss / _MB, 1)
        if crash_loop:
            retry_in = event.details.get("retry_in_s")
            attempt = event.details.get("attempt")
            details["next_action"] = (
                f"retry {attempt} in {retry_in:g} s" if isinstance(retry_in, int | float) else "retry"
            )
        else:
            details["next_action"] = str(event.details.get("next", ""))
        return [self._notification(PROGRAM_EXITED, event, details)]

    def _fatal_details(self, event: Event) -> dict[str, object]:
        return {
            "exit_code": event.exit_code,
            "attempts": event.details.get("attempt"),
            "last_output": list(event.details.get("last_output", ()) or ()),  # type: ignore[call-overload]
            "message": event.message,
        }

    def _restarts(self, program_id: int) -> int | None:
        status = self._status(program_id)
        return status.restarts if status else None

    def _notification(self, name: str, event: Event, details: dict[str, object]) -> Notification:
        pid = event.program_id
        return Notification(
            event=name,
            time=event.time,
            program_id=pid,
            program_name=self._name(pid) if pid is not None else None,
            details=details,
            key=f"{name}:{pid}",
        )
