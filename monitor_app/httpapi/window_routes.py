"""Endpoints an attached window needs beyond the original table: who am I, any stored series, a program's output.

The desktop window can run against an engine in another process (the background engine at boot, or another
PC). It asks the same questions it asks an in-process engine (``core.ports.EngineQueries``); these endpoints
answer the ones the original web version had no route for.
"""

from typing import Any

from monitor_app.core.model import PROGRAM_METRICS, SYSTEM_METRICS
from monitor_app.core.ports import Engine
from monitor_app.httpapi import schemas
from monitor_app.httpapi.dispatch import Context, Route
from monitor_app.httpapi.query import float_query, int_query, invalid

MAX_POINTS = 10_000
MAX_LOG_LINES = 5_000
#: The longest window one history request may span (a year: the hourly tier's retention).
MAX_SPAN_S = 366 * 86_400.0


def build_window_routes(engine: Engine, clock: Any) -> list[Route]:
    def whoami(c: Context) -> Any:
        assert c.principal is not None  # the route's "guest" level: the dispatcher refused anonymous calls
        return {
            "username": c.principal.username,
            "role": c.principal.role.value,
            "via": c.principal.via,
            "interval_s": getattr(engine, "sampling_interval", None),
        }

    def history(c: Context) -> Any:
        program_id = int_query(c, "program_id", None, 1, 10**12)
        metric = c.request.query.get("metric", "")
        end = float_query(c, "end")
        end = clock() if end is None else end
        start = float_query(c, "start")
        start = end - 3600.0 if start is None else start
        if not 0 < end - start <= MAX_SPAN_S:
            raise invalid("start", "must be before end, at most a year earlier")
        points = int_query(c, "points", 300, 1, MAX_POINTS)
        if program_id is not None:
            engine.program(program_id)
        if "." in metric:
            if program_id is None:
                raise invalid("program_id", "is required for a plugin series")
            series = engine.plugin_history(program_id, metric, start, end, points)
        else:
            known = PROGRAM_METRICS if program_id is not None else SYSTEM_METRICS
            if metric not in known:
                raise invalid("metric", f"must be one of: {', '.join(known)} (or a plugin series)")
            series = engine.history(program_id, metric, start, end, points)
        return {
            "program_id": program_id,
            "metric": metric,
            "start": start,
            "end": end,
            **schemas.series_json(series),
        }

    def output(c: Context) -> Any:
        program_id = c.params["id"]
        engine.program(program_id)
        lines = int_query(c, "lines", 100, 1, MAX_LOG_LINES)
        return {
            "program_id": program_id,
            "path": engine.output_log_path(program_id),
            "lines": list(engine.log_tail(program_id, lines)),
        }

    return [
        Route(
            "GET",
            "/api/auth/me",
            whoami,
            "guest",
            "Who the token belongs to, and their role",
            response="Whoami",
            tag="accounts",
        ),
        Route(
            "GET",
            "/api/history",
            history,
            "guest",
            "Any stored series: a program's or the machine's metric, or a plugin series (e.g. palworld.fps)",
            limit="metrics",
            response="History",
            tag="metrics",
            query={
                "program_id": "the program (omit for a whole-system metric)",
                "metric": "e.g. cpu_percent, memory_rss, net_sent_bps, palworld.fps",
                "start": "epoch seconds (default end - 1 h)",
                "end": "epoch seconds (default now)",
                "points": f"at most this many points, 1-{MAX_POINTS} (default 300)",
            },
        ),
        Route(
            "GET",
            "/api/programs/{id}/output",
            output,
            "guest",
            "The last lines a program wrote (stdout and stderr) and where its output file is",
            response="Output",
            query={"lines": f"1-{MAX_LOG_LINES}"},
        ),
    ]
