"""Start/stop/restart requests from the window or the tray, turned into engine commands.

One place decides which programs a verb applies to (a running program is not started again), names the
acting user and refuses guests, so the table, its context menu and the tray behave the same, and a control
that forgot to be disabled for a guest still cannot change anything.
"""

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from monitor_app.core.errors import MonitorError
from monitor_app.core.states import STARTABLE_STATES, STOPPABLE_STATES, Cause, ProgramState
from monitor_app.engine.facade import EngineFacade
from monitor_app.ui.session import GuiSession

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
    """Sends user commands to the engine on behalf of the session's user.

    Args:
        session: The window's session (read at each command), or a user name for an admin session of that name.
    """

    def __init__(self, engine: EngineFacade, session: GuiSession | str) -> None:
        self._engine = engine
        self.session = session if isinstance(session, GuiSession) else GuiSession(session)

    @property
    def actor(self) -> str:
        """Who acts, for the event log: the session's user at this moment."""
        return self.session.username

    def require_change(self) -> None:
        """Raises ForbiddenError (with the reason) unless the session may change things."""
        self.session.require_change()

    def run(self, verb: str, program_ids: Iterable[int]) -> list[str]:
        """Apply ``verb`` to each program it applies to; return the messages of those that failed.

        A guest (or a locked window) gets one message saying why, and nothing is sent to the engine.
        """
        if verb not in VERBS:
            raise ValueError(verb)
        if not self.session.can_change:
            return [self.session.refusal()]
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
