"""The Palworld plugin: the server's REST API first, RCON as a fallback (or by choice).

Settings keys are a contract scripts rely on: ``host``, ``transport`` (auto|rest|rcon), ``rest_port``,
``rcon_port``, ``admin_password``. Without a password the one in the server's ``PalWorldSettings.ini`` (found
from the program's path) is used. Every 5 s the plugin reads players (and metrics over REST): joins and leaves
become ``plugin.palworld.player_joined`` / ``player_left`` events; the counts answer "players online?" for
schedules. Stopping the program goes announce → save → ``Shutdown`` with a countdown, and the stop ladder waits
for the server to exit before it would kill anything.
"""

import os
from typing import Any

from monitor_app.pluginhost.api import Action, MetricSeries, Panel, PanelTable, Plugin, PluginError, Setting

from .ini import find_settings_file, read_server_settings, suggest
from .models import Player, ServerInfo, ServerMetrics
from .transport import RconTransport, RestTransport, TransportError

DEFAULT_SHUTDOWN_WAIT_S = 30
#: Extra time the stop ladder grants after the announced countdown (saving a big world takes a while).
SHUTDOWN_MARGIN_S = 30
USERID = Setting("userid", "User id", required=True, help="as shown in the players list (e.g. steam_7656…)")
MESSAGE = Setting("message", "Message")


def _shutdown_wait_default() -> int:
    try:
        return max(0, int(os.environ.get("PALWORLD_SHUTDOWN_WAIT_TIME", DEFAULT_SHUTDOWN_WAIT_S)))
    except ValueError:
        return DEFAULT_SHUTDOWN_WAIT_S


class PalworldPlugin(Plugin):
    settings_schema = (
        Setting("host", "Server address", default="127.0.0.1"),
        Setting("transport", "Talk through", kind="choice", default="auto", choices=("auto", "rest", "rcon"),
                help="auto: the REST API, RCON if REST cannot be reached"),
        Setting("rest_port", "REST API port", kind="int", default=8212, minimum=1, maximum=65535),
        Setting("rcon_port", "RCON port", kind="int", default=25575, minimum=1, maximum=65535),
        Setting("admin_password", "Admin password", kind="secret",
                help="AdminPassword of PalWorldSettings.ini; empty: read from that file"),
        Setting("shutdown_wait", "Shutdown countdown (s)", kind="int", default=_shutdown_wait_default(),
                minimum=0, maximum=3600),
        Setting("shutdown_message", "Shutdown message", default="Server restarting - back in a minute"),
    )
    actions = (
        Action("suggest", "Read PalWorldSettings.ini", admin=False),
        Action("info", "Server info", admin=False),
        Action("players", "Players", admin=False),
        Action("metrics", "Metrics", admin=False),
        Action("broadcast", "Broadcast", params=(Setting("message", "Message", required=True),)),
        Action("save", "Save now"),
        Action("kick", "Kick", params=(USERID, MESSAGE)),
        Action("ban", "Ban", params=(USERID, MESSAGE), confirm="Ban this player?"),
        Action("unban", "Unban", params=(USERID,)),
        Action("shutdown", "Shut down", params=(Setting("seconds", "In seconds", kind="int", default=60, minimum=0,
                                                        maximum=3600), MESSAGE),
               confirm="Shut the server down?"),
    )
    metric_series = (
        MetricSeries("fps", "Server FPS"),
        MetricSeries("frame_time_ms", "Frame time", "ms"),
        MetricSeries("players", "Players"),
        MetricSeries("uptime_s", "Server uptime", "s"),
        MetricSeries("days", "In-game days"),
    )
    poll_interval_s = 5.0

    def __init__(self, context, settings):
        super().__init__(context, settings)
        self._transport: RestTransport | RconTransport | None = None
        self._info: ServerInfo | None = None
        self._metrics: ServerMetrics | None = None
        self._players: dict[str, Player] | None = None  # by user id (or name while logging in)
        self._error = ""
        self._reachable = False

    # ------------------------------------------------------------------ actions

    def run_action(self, name: str, params: dict[str, Any]) -> Any:
        if name == "suggest":
            path = find_settings_file(self.context.program.path)
            if path is None:
                raise PluginError("PalWorldSettings.ini was not found next to the program (Pal/Saved/Config/…)")
            return {"file": str(path), **suggest(read_server_settings(path))}
        if name == "info":
            self._info = self._do(lambda t: t.info())
            return self._info.to_json()
        if name == "players":
            players = self._do(lambda t: t.players())
            self._remember_players(players, announce=False)
            return [p.to_json() for p in players]
        if name == "metrics":
            metrics = self._do(lambda t: t.metrics())
            if metrics is None:
                raise PluginError("metrics need the REST API (RESTAPIEnabled=True); RCON has none")
            self._metrics = metrics
            return metrics.to_json()
        if name == "broadcast":
            self._do(lambda t: t.broadcast(str(params["message"])))
            return "ok"
        if name == "save":
            self._do(lambda t: t.save())
            return "ok"
        if name in ("kick", "ban"):
            userid, message = str(params["userid"]), params.get("message") or None
            self._do(lambda t: getattr(t, name)(userid, message))
            return "ok"
        if name == "unban":
            self._do(lambda t: t.unban(str(params["userid"])))
            return "ok"
        if name == "shutdown":
            seconds = int(params.get("seconds") or 0)
            message = params.get("message") or self.settings.get("shutdown_message")
            self._do(lambda t: t.shutdown(seconds, message))
            return "ok"
        return super().run_action(name, params)

    # ------------------------------------------------------------------ polling and hooks

    def poll(self) -> None:
        try:
            transport = self._connected()
            players = transport.players()
            metrics = transport.metrics()
        except (TransportError, ValueError) as exc:
            self._reachable = False
            self._error = str(exc)
            return
        self._reachable, self._error = True, ""
        self._metrics = metrics
        self._remember_players(players, announce=True)
        if metrics is not None:
            self.context.record_metrics({k: v for k, v in metrics.to_json().items() if isinstance(v, int | float)})

    def players_online(self) -> int | None:
        players = self._players
        return None if players is None or not self._reachable else len(players)

    def graceful_stop_wait(self) -> float | None:
        if not self._reachable:
            return None  # nobody answers: go straight to the signal
        return float(self.settings.get("shutdown_wait") or 0) + SHUTDOWN_MARGIN_S

    def graceful_stop(self) -> None:
        wait = int(self.settings.get("shutdown_wait") or 0)
        message = str(self.settings.get("shutdown_message") or "")
        try:
            transport = self._connected()
            if message:
                transport.broadcast(f"{message} ({wait} s)")
            transport.save()
            transport.shutdown(wait, message or None)
        except (TransportError, ValueError) as exc:
            self.context.log.warning("graceful shutdown of %s failed: %s", self.context.program.name, exc)
            self._error = f"graceful shutdown failed: {exc}"

    def before_scheduled_action(self, action: str, minutes_left: int) -> None:
        text = {"restart": "restart", "stop": "shutdown"}.get(action, action)
        try:
            self._connected().broadcast(f"Server {text} in {minutes_left} min")
        except (TransportError, ValueError) as exc:
            self.context.log.warning("warning players failed: %s", exc)

    def panel(self) -> Panel:
        facts: list[tuple[str, str]] = []
        if self._info is not None:
            facts += [("Server", self._info.name or "?"), ("Version", self._info.version or "?")]
        if self._transport is not None:
            facts.append(("Connected over", self._transport.name))
        metrics = self._metrics
        players = self._players or {}
        count = f"{len(players)}" + (f" / {metrics.max_players}" if metrics and metrics.max_players else "")
        facts.append(("Players", count))
        if metrics is not None:
            facts += [("FPS", f"{metrics.fps}"), ("Frame time", f"{metrics.frame_time_ms} ms"),
                      ("Uptime", _duration(metrics.uptime_s)), ("Days", f"{metrics.days}")]
        rows = tuple(
            {"name": p.name or "?", "userid": p.user_id or "", "level": p.level, "ping": p.ping}
            for p in players.values()
        )
        table = PanelTable(
            "players", "Players online",
            (("name", "Name"), ("userid", "User id"), ("level", "Level"), ("ping", "Ping")),
            rows,
            (("kick", "Kick", "userid"), ("ban", "Ban", "userid")),
        )
        status = self._error or ("" if self._reachable else "waiting for the server")
        return Panel(facts=tuple(facts), tables=(table,), status=status)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def settings_changed(self, settings):
        super().settings_changed(settings)
        self.close()

    # ------------------------------------------------------------------ internals

    def _do(self, call):  # type: ignore[no-untyped-def]
        try:
            return call(self._connected())
        except (TransportError, ValueError) as exc:
            raise PluginError(str(exc)) from None

    def _connected(self) -> RestTransport | RconTransport:
        """The transport in use, chosen on first need: REST, or RCON when REST cannot be reached (auto)."""
        if self._transport is not None:
            return self._transport
        host = str(self.settings.get("host") or "127.0.0.1")
        password = self._password()
        choice = self.settings.get("transport", "auto")
        if choice == "rcon":
            self._transport = RconTransport(host, int(self.settings["rcon_port"]), password)
            return self._transport
        rest = RestTransport(host, int(self.settings["rest_port"]), password)
        if choice == "rest":
            self._transport = rest
            return rest
        try:
            self._info = rest.info()
            self._transport = rest
        except TransportError as rest_error:
            try:
                rcon = RconTransport(host, int(self.settings["rcon_port"]), password)
                self._info = rcon.info()
            except TransportError as rcon_error:
                raise TransportError(f"REST: {rest_error}; RCON: {rcon_error}") from None
            self._transport = rcon
        return self._transport

    def _password(self) -> str:
        given = self.settings.get("admin_password")
        if given:
            return str(given)
        path = find_settings_file(self.context.program.path)
        if path is not None:
            found = read_server_settings(path).admin_password
            if found:
                return found
        return ""

    def _remember_players(self, players: list[Player], *, announce: bool) -> None:
        now = {p.user_id or f"name:{p.name}": p for p in players}
        before = self._players
        self._players = now
        if before is None or not announce:
            return  # the first look is the baseline, not a wave of joins
        for key in now.keys() - before.keys():
            p = now[key]
            self.context.emit("player_joined", {"message": f"{p.name} joined", "name": p.name, "userid": p.user_id})
        for key in before.keys() - now.keys():
            p = before[key]
            self.context.emit("player_left", {"message": f"{p.name} left", "name": p.name, "userid": p.user_id})


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    minutes = int(seconds) // 60
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"

