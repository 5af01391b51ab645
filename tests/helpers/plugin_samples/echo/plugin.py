"""A test plugin: it imports only the plugin API, as real plugins must."""

import threading

from monitor_app.pluginhost.api import Action, MetricSeries, Panel, PanelTable, Plugin, PluginError, Setting


class EchoPlugin(Plugin):
    settings_schema = (
        Setting("host", "Host", default="127.0.0.1"),
        Setting("port", "Port", kind="int", default=1234, minimum=1, maximum=65535),
        Setting("mode", "Mode", kind="choice", default="a", choices=("a", "b")),
        Setting("stop_wait", "Graceful stop wait", kind="float", default=0.0, minimum=0),
        Setting("password", "Password", kind="secret"),
    )
    actions = (
        Action("echo", "Echo", params=(Setting("message", "Message", required=True),)),
        Action("players", "Players", admin=False),
        Action("fail", "Fail"),
        Action("crash", "Crash"),
        Action("whoami", "Thread", admin=False),
        Action("announce", "Announce", params=(Setting("message", "Message", default="hi"),)),
        Action("block", "Block", params=(Setting("seconds", "Seconds", kind="float", default=1.0),)),
    )
    metric_series = (MetricSeries("polls", "Polls"),)
    poll_interval_s = 0.05

    def __init__(self, context, settings):
        super().__init__(context, settings)
        self.polls = 0
        self.hooks: list[str] = []

    def run_action(self, name, params):
        if name == "echo":
            return {"echo": params["message"], "password_known": bool(self.settings.get("password"))}
        if name == "players":
            return [{"name": "Alice", "userid": "steam_1"}]
        if name == "fail":
            raise PluginError("the server said no")
        if name == "crash":
            raise RuntimeError("bug in the plugin")
        if name == "whoami":
            return {"thread": threading.current_thread().name, "polls": self.polls, "hooks": self.hooks}
        if name == "block":  # a game server that does not answer
            import time

            time.sleep(params["seconds"])
            return "unblocked"
        if name == "announce":
            self.context.emit("announced", {"message": params["message"]})
            return "ok"
        return super().run_action(name, params)

    def poll(self):
        self.polls += 1
        self.context.record_metrics({"polls": self.polls})

    def panel(self):
        return Panel(facts=(("Polls", str(self.polls)),),
                     tables=(PanelTable("players", "Players", (("name", "Name"),), ({"name": "Alice"},),
                                        (("kick", "Kick", "name"),)),),
                     status="connected")

    def graceful_stop_wait(self):
        return self.settings.get("stop_wait") or None

    def graceful_stop(self):
        self.hooks.append("graceful_stop")

    def after_start(self):
        self.hooks.append("after_start")

    def before_scheduled_action(self, action, minutes_left):
        self.hooks.append(f"warn {action} {minutes_left}")

    def players_online(self):
        return 1
