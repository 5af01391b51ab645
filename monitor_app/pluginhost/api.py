"""The plugin API: everything a plugin may use from monitor_app (plugins import nothing else from it).

A plugin is a folder with ``plugin.toml`` naming a class that subclasses ``Plugin``. The host makes one
instance per program the plugin is attached to, with that attachment's settings, and calls it only on the
instance's own worker thread — so a plugin may block on network I/O (bounded by its own timeouts) without
ever freezing the window or the engine. Everything a plugin raises is caught: ``PluginError`` messages are
shown to the user as they are; anything else is logged, and repeated failures disable the instance.

Version ``API_VERSION``: a plugin names the version it was written for in its manifest; the host loads it if
it is between ``MIN_API_VERSION`` and ``API_VERSION``.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

API_VERSION = 1
MIN_API_VERSION = 1

SETTING_KINDS = ("text", "int", "float", "bool", "choice", "secret")


_RCON_NAMES = ("RconAuthError", "RconClient", "RconConnectionError", "RconError", "RconReply", "RconTimeout")


def __getattr__(name: str) -> Any:
    """The RCON client, for game-server plugins: imported when a plugin first asks for it."""
    if name in _RCON_NAMES:
        import monitor_app.rcon

        return getattr(monitor_app.rcon, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class PluginError(Exception):
    """A failure to show the user as it is ("the server refused the admin password")."""


@dataclass(frozen=True, slots=True)
class Setting:
    """One field of a plugin's settings form (and of an action's parameters).

    Attributes:
        key: Name in the settings object (a contract: scripts set it through the REST API).
        label: Shown next to the field.
        kind: ``text``, ``int``, ``float``, ``bool``, ``choice`` or ``secret`` (stored apart from the other
            settings and never returned by the API or shown back).
        default: Used when the user gives nothing (None: required unless the kind is secret or text).
        choices: The allowed values of a ``choice``.
        minimum / maximum: Limits of a number.
        help: One line under the field.
    """

    key: str
    label: str
    kind: str = "text"
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    required: bool = False


@dataclass(frozen=True, slots=True)
class Action:
    """Something the user (or a rule, a schedule, a script) can ask a plugin instance to do.

    Attributes:
        name: Identifier used by ``POST /api/plugins/{id}/action`` (``{"action": name, "params": {…}}``).
        label: Button text.
        params: Parameters, validated like settings before the plugin sees them.
        admin: Only admins may run it (reads such as ``players`` are open to guests).
        confirm: A question to confirm in the window before running (None: no confirmation).
        long_running: Runs as a job of the monitor's job queue (listed in the Jobs view with its progress,
            cancellable) instead of being waited for: for work of minutes such as a backup. The plugin reports
            progress with ``context.progress`` and may stop early when ``context.cancelled()`` says so.
    """

    name: str
    label: str
    params: tuple[Setting, ...] = ()
    admin: bool = True
    confirm: str | None = None
    long_running: bool = False


@dataclass(frozen=True, slots=True)
class MetricSeries:
    """An extra series a plugin measures (charted and stored with the program's history)."""

    key: str
    label: str
    unit: str = ""


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    """What a plugin knows about the program it is attached to."""

    id: int
    name: str
    path: str
    cwd: str | None


@dataclass(frozen=True, slots=True)
class PanelTable:
    """A table in the plugin's panel: rows of cells, with per-row actions (e.g. kick a player)."""

    key: str
    title: str
    columns: tuple[tuple[str, str], ...]  # (key in each row, header)
    rows: tuple[Mapping[str, Any], ...] = ()
    row_actions: tuple[tuple[str, str, str], ...] = ()  # (action name, label, the row key passed as its param)


@dataclass(frozen=True, slots=True)
class PanelLog:
    """A live text log in the panel (e.g. a log file's tail): the window follows it, filters it as the user
    types and can pause it.

    Attributes:
        key: Identifies the log within the panel.
        title: Shown above it.
        lines: The latest lines, oldest first (bounded by the plugin; a few hundred is plenty).
        first: Sequence number of ``lines[0]`` among every line the log ever had (counts up, never reused while
            the plugin runs), so the window appends only what is new.
    """

    key: str
    title: str
    lines: tuple[str, ...] = ()
    first: int = 0


@dataclass(frozen=True, slots=True)
class Panel:
    """What the program detail view shows for a plugin instance (rendered by the window, no Qt in plugins)."""

    facts: tuple[tuple[str, str], ...] = ()  # (label, value)
    tables: tuple[PanelTable, ...] = ()
    status: str = ""  # one line, e.g. "connected over REST" or the last error
    logs: tuple[PanelLog, ...] = ()


@dataclass(frozen=True, slots=True)
class RestartCheck:
    """A plugin's answer to "may the monitor restart the program now, on its own initiative?".

    Attributes:
        safe: False holds back scheduled and alert-rule restarts (a user's own restart is never held back).
        reason: Why not, for the event log: "3 players online", "a backup is running".
    """

    safe: bool
    reason: str = ""


@dataclass
class PluginContext:
    """Handed to each plugin instance: who it serves and how it talks back to the monitor.

    Attributes:
        program: The program the instance is attached to.
        data_dir: A folder of its own for files (created on first use by the plugin).
        log: A logger named after the plugin and the program.
        emit: ``emit(event, details)`` sends ``plugin.<plugin id>.<event>`` to webhooks and the event log.
        record_metrics: ``record_metrics({"fps": 59.8, …})`` adds a point to the plugin's extra series.
        is_running: Whether the program has a live process now (e.g. refuse a restore while it runs).
        progress: ``progress(done, total, text)`` during a ``long_running`` action: shown with its job
            (``total`` None when unknown). Outside such an action it does nothing. Cheap to call often.
        cancelled: During a ``long_running`` action, whether the user cancelled its job (stop early, clean up,
            raise PluginError). Always False otherwise.
        queue_action: ``queue_action(name, params)`` runs one of the plugin's own actions as a job (e.g. a
            backup before a scheduled restart) and returns the job id (None when there is no job queue).
    """

    program: ProgramInfo
    data_dir: Path
    log: logging.Logger
    emit: Callable[[str, Mapping[str, Any]], None]
    record_metrics: Callable[[Mapping[str, float]], None]
    is_running: Callable[[], bool] = lambda: False
    progress: Callable[[float, float | None, str], None] = lambda done, total=None, text="": None
    cancelled: Callable[[], bool] = lambda: False
    queue_action: Callable[[str, Mapping[str, Any]], int | None] = lambda name, params: None
    extra: dict[str, Any] = field(default_factory=dict)


class Plugin:
    """Base class of every plugin; override what the plugin offers. Every method runs on the instance's
    worker thread, except ``graceful_stop_wait``, ``players_online`` and ``restart_check`` (called from the
    engine: no I/O)."""

    #: The settings form; a ``secret`` setting is stored apart and never shown back.
    settings_schema: ClassVar[tuple[Setting, ...]] = ()
    #: Buttons and API actions.
    actions: ClassVar[tuple[Action, ...]] = ()
    #: Extra series (charted with the program's history).
    metric_series: ClassVar[tuple[MetricSeries, ...]] = ()
    #: Seconds between two ``poll`` calls (None: never polled).
    poll_interval_s: ClassVar[float | None] = None

    def __init__(self, context: PluginContext, settings: Mapping[str, Any]) -> None:
        self.context = context
        self.settings = dict(settings)

    # -- actions and polling ------------------------------------------------------------------------------

    def run_action(self, name: str, params: Mapping[str, Any]) -> Any:
        """Do ``name``; return something JSON-able. Raise PluginError for a failure the user should read."""
        raise PluginError(f"unknown action {name!r}")

    def poll(self) -> None:
        """Called every ``poll_interval_s`` (read metrics, notice players joining…)."""

    def panel(self) -> Panel:
        """What the detail view shows now (called after each poll and action; cheap, no I/O)."""
        return Panel()

    # -- hooks ----------------------------------------------------------------------------------------------

    def after_start(self) -> None:
        """The program was started (and is past ``startsecs``)."""

    def graceful_stop_wait(self) -> float | None:
        """Seconds the stop ladder should wait for ``graceful_stop`` to end the program (None: no graceful
        step). Called on the supervision thread: must not do I/O."""
        return None

    def graceful_stop(self) -> None:
        """Ask the program to end itself (e.g. announce, save, shut down); the ladder kills it if it does not."""

    def on_unexpected_exit(self, details: Mapping[str, Any]) -> None:
        """The program died without being asked to."""

    def before_scheduled_action(self, action: str, minutes_left: int) -> None:
        """A scheduled ``action`` happens in ``minutes_left`` minutes (e.g. broadcast a warning to players)."""

    def players_online(self) -> int | None:
        """How many people are using the program now (None: unknown). From state kept by ``poll``: no I/O."""
        return None

    def restart_check(self) -> RestartCheck | None:
        """Whether a scheduled or alert-rule restart may happen now (None: no opinion). From state kept by
        ``poll`` or by a running action: no I/O. The default says no while ``players_online`` counts anyone."""
        players = self.players_online()
        if players:
            return RestartCheck(False, f"{players} player{'s' if players != 1 else ''} online")
        return None

    def settings_changed(self, settings: Mapping[str, Any]) -> None:
        """The user changed the settings; the default keeps them for the next call."""
        self.settings = dict(settings)

    def close(self) -> None:
        """The instance is detached or the monitor quits: close connections."""


__all__ = [
    "API_VERSION",
    "MIN_API_VERSION",
    "Action",
    "MetricSeries",
    "Panel",
    "PanelLog",
    "PanelTable",
    "Plugin",
    "PluginContext",
    "PluginError",
    "ProgramInfo",
    "RestartCheck",
    "Setting",
]
# The RCON names (``_RCON_NAMES``) are part of the API too, resolved on first use by ``__getattr__``.
