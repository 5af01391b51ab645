"""The log-watcher plugin: ``LogFollower`` and ``RuleMatcher`` polled on the instance's thread every 0.2 s.

Rules are one per line in the settings: ``name | regular expression | event``, e.g.
``joined | (?P<player>\\w+) joined the server | player_joined``; each hit becomes a
``plugin.logwatch.<event>`` notification (at most ``max_per_minute`` per rule; the rest are counted).
The panel is a live tail (the window filters it as the user types and can pause it).
"""

from pathlib import Path

from monitor_app.pluginhost.api import Action, Panel, PanelLog, Plugin, PluginError, Setting

from .follow import LineKind, LogFollower
from .rules import LogRule, RuleMatcher

#: Lines the panel's live tail carries (the window keeps and filters more as they arrive).
PANEL_LINES = 500


def parse_rules(text: str, per_minute: float) -> list[LogRule]:
    """``name | regex | event`` per line; blank lines and ``#`` comments ignored. Raises ValueError."""
    rules = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) < 3:
            raise ValueError(f"rule line {number}: write it as name | regular expression | event")
        name, pattern, event = parts[0], "|".join(parts[1:-1]), parts[-1]
        rules.append(LogRule(name, pattern, event, max_per_minute=per_minute))
    return rules


class LogWatchPlugin(Plugin):
    settings_schema = (
        Setting("patterns", "Files to follow", required=False,
                help="Files, globs or folders, separated by ';' (a folder means its *.log files). "
                     "Empty: the program's working folder."),
        Setting("encoding", "Fallback encoding", default="",
                help="Used when a line is not UTF-8; empty: the system's code page (e.g. cp949)."),
        Setting("rules", "Rules", default="", help="One per line: name | regular expression | event"),
        Setting("max_per_minute", "Rule hits per minute", kind="float", default=6.0, minimum=0.1, maximum=6000),
    )
    actions = (
        Action("tail", "Last lines", params=(Setting("lines", "Lines", kind="int", default=100, minimum=1,
                                                     maximum=5000),), admin=False),
        Action("search", "Search", params=(Setting("query", "Text", required=True),), admin=False),
        Action("clear", "Clear"),
    )
    poll_interval_s = 0.2

    def __init__(self, context, settings):
        super().__init__(context, settings)
        try:
            self._rules = RuleMatcher(parse_rules(self.settings.get("rules") or "",
                                                  float(self.settings.get("max_per_minute") or 6)))
        except ValueError as exc:
            raise PluginError(str(exc)) from None
        self._follower = LogFollower(self._patterns(), encoding_fallback=self.settings.get("encoding") or None)
        self._hits = 0
        self._seen = 0  # lines read since start: numbers the panel's lines so the window appends only new ones

    def poll(self) -> None:
        for _ in range(10):  # catch up when far behind, a bounded amount per tick
            lines = self._follower.poll()
            self._seen += len(lines)
            for hit in self._rules.match(lines):
                self._hits += 1
                details = hit.to_json()
                details["message"] = f"{hit.rule.name}: {hit.line.text[:300]}"
                self.context.emit(hit.rule.event, details)
            if not self._follower.behind:
                break

    def run_action(self, name, params):
        if name == "tail":
            return [_line_json(line) for line in self._follower.tail(int(params.get("lines") or 100))]
        if name == "search":
            return [_line_json(line) for line in self._follower.search(str(params["query"]))]
        if name == "clear":
            self._follower.clear()
            return "ok"
        return super().run_action(name, params)

    def panel(self) -> Panel:
        files = self._follower.followed()
        tail = self._follower.tail(PANEL_LINES)
        several = len(files) > 1
        lines = tuple(f"{Path(line.path).name}: {_text(line)}" if several else _text(line) for line in tail)
        return Panel(
            facts=(("Following", ", ".join(Path(f).name for f in files) or "no file yet"),
                   ("Rule hits", str(self._hits))),
            logs=(PanelLog("tail", "Live tail", lines, first=max(0, self._seen - len(lines))),),
            status="" if files else f"no file matches {'; '.join(self._patterns())}",
        )

    def close(self) -> None:
        self._follower.close()

    def _patterns(self) -> list[str]:
        given = [p.strip() for p in (self.settings.get("patterns") or "").split(";") if p.strip()]
        if given:
            return given
        return [str(Path(self.context.program.cwd or Path(self.context.program.path).parent))]


def _text(line) -> str:  # type: ignore[no-untyped-def]
    if line.kind is LineKind.ROTATED:
        return "— the file was rotated —"
    if line.kind is LineKind.TRUNCATED:
        return "— the file was truncated —"
    return line.text


def _line_json(line) -> dict:  # type: ignore[no-untyped-def]
    return {"path": line.path, "time": line.time, "text": _text(line), "kind": str(line.kind)}
