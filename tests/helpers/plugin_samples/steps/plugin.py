"""A test plugin with a long-running action the test drives step by step: step ``n`` ends when the file
``<gate>/<n>`` exists, so progress, cancel and "not safe to restart while working" are seen at known points."""

import time
from pathlib import Path

from monitor_app.pluginhost.api import Action, Panel, PanelLog, Plugin, PluginError, RestartCheck, Setting

#: Seconds between two looks at the gate folder.
GATE_POLL_S = 0.01


class StepsPlugin(Plugin):
    settings_schema = (Setting("gate", "Gate folder", required=True),)
    actions = (
        Action("work", "Work", params=(Setting("steps", "Steps", kind="int", default=3, minimum=1, maximum=100),),
               long_running=True),
        Action("quick", "Quick", admin=False),
        Action("log", "Log lines", params=(Setting("text", "Lines", required=True),)),
    )

    def __init__(self, context, settings):
        super().__init__(context, settings)
        self.step: tuple[int, int] | None = None  # (step, of) while working
        self.lines: list[str] = []
        self.dropped = 0

    def run_action(self, name, params):
        if name == "work":
            return self._work(int(params["steps"]))
        if name == "quick":
            return "quick"
        if name == "log":  # "a;b;c" -> three lines of the panel's log, the oldest dropped beyond 50
            self.lines.extend(str(params["text"]).split(";"))
            while len(self.lines) > 50:
                self.lines.pop(0)
                self.dropped += 1
            return len(self.lines)
        return super().run_action(name, params)

    def _work(self, steps):
        gate = Path(self.settings["gate"])
        try:
            for step in range(steps):
                self.step = (step + 1, steps)
                while not (gate / str(step)).exists():
                    if self.context.cancelled():
                        raise PluginError(f"stopped at step {step + 1} of {steps}")
                    time.sleep(GATE_POLL_S)
                self.context.progress(step + 1, steps, f"{step + 1} of {steps} steps")
        finally:
            self.step = None
        return {"steps": steps, "archive": str(gate / "result.zip")}

    def restart_check(self):
        if self.step is not None:
            return RestartCheck(False, f"working: step {self.step[0]} of {self.step[1]}")
        return None

    def panel(self):
        return Panel(logs=(PanelLog("log", "Log", tuple(self.lines), first=self.dropped),))
