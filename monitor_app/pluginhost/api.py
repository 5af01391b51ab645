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
    """

    name: str
    label: str
    params: tuple[Setting, ...] = ()
    admin: bool = True
    confirm: str | None = None


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
class Panel:
    """What the program detail view shows for a plugin instance (rendered by the window, no Qt in plugins)."""

    facts: tuple[tuple[str, str], ...] = ()  # (label, value)
    tables: tuple[PanelTable, ...] = ()
    status: str = ""  # one line, e.g. "connected over REST" or the last error


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
    """

    program: ProgramInfo
    data_dir: Path
    log: logging.Logger
    emit: Callable[[str, Mapping[str, Any]], None]
    record_metrics: Callable[[Mapping[str, float]], None]
    is_running: Callable[[], bool] = lambda: False
    extra: dict[str, Any] = field(default_factory=dict)


class Plugin:
    """Base class of every plugin; override what the plugin offers. Every method runs on the instance's
    worker thread, except ``graceful_stop_wait`` and ``players_online`` (called from the engine: no I/O)."""

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
    "PanelTable",
    "Plugin",
    "PluginContext",
    "PluginError",
    "ProgramInfo",
    "Setting",
]
# The RCON names (``_RCON_NAMES``) are part of the API too, resolved on first use by ``__getattr__``.
