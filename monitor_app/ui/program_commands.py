"""Start/stop/restart requests from the window or the tray, turned into engine commands.

One place decides which programs a verb applies to (a running program is not started again) and names the
acting user, so the table, its context menu and the tray behave the same.
"""

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from monitor_app.core.errors import MonitorError
from monitor_app.core.states import STARTABLE_STATES, STOPPABLE_STATES, Cause, ProgramState
from monitor_app.engine.facade import EngineFacade

VERBS = ("start", "stop", "restart")


def verb_applies(verb: str, state: ProgramState) -> bool:
    """Whether ``verb`` makes sense for a program in ``state`` (used to enable buttons and menu items)."""
    if verb == "start":
        return state in STARTABLE_STATES
    if verb == "stop":
        return state in STOPPABLE_STATES
    if verb == "restart":
        return state is not ProgramState.STOPPING
    raise ValueError(verb)


class ProgramCommands:
    """Sends user commands to the engine on behalf of ``actor`` (the signed-in OS user)."""

    def __init__(self, engine: EngineFacade, actor: str) -> None:
        self._engine = engine
        self.actor = actor

    def run(self, verb: str, program_ids: Iterable[int]) -> list[str]:
        """Apply ``verb`` to each program it applies to; return the messages of those that failed."""
        if verb not in VERBS:
            raise ValueError(verb)
        problems: list[str] = []
        for program_id in program_ids:
            try:
                state = self._engine.status(program_id).state  # type: ignore[attr-defined]
                if not verb_applies(verb, state):
                    continue
                command = getattr(self._engine, f"{verb}_program")
                command(program_id, cause=Cause.USER, actor=self.actor)
            except MonitorError as exc:
                problems.append(exc.message)
        return problems


def verb_label(verb: str) -> str:
    return {
        "start": QCoreApplication.translate("Commands", "Start"),
        "stop": QCoreApplication.translate("Commands", "Stop"),
        "restart": QCoreApplication.translate("Commands", "Restart"),
    }[verb]
