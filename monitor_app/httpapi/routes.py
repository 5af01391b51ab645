"""The REST API's endpoints: the original web version's table (a compatibility contract) plus accounts, keys,
events, system, health, OpenAPI, Prometheus and the live stream. Handlers are pure functions over the engine
facade and the account service; ``dispatch.Dispatcher`` runs them.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from monitor_app import __version__
from monitor_app.auth.service import AccountService
from monitor_app.core.accounts import Role
from monitor_app.core.errors import NotFoundError
from monitor_app.core.ports import Engine
from monitor_app.core.states import Cause
from monitor_app.core.validation import program_from_mapping
from monitor_app.httpapi import schemas
from monitor_app.httpapi.automation_routes import build_automation_routes
from monitor_app.httpapi.dispatch import ApiError, Context, Reply, Route, bearer_token, dumps, weak_etag
from monitor_app.httpapi.perf import PerformanceStats
from monitor_app.httpapi.plugin_routes import build_plugin_routes
from monitor_app.httpapi.query import float_query, int_query, invalid
from monitor_app.httpapi.window_routes import build_window_routes

RANGES = {"1h": 3600.0, "24h": 86_400.0, "7d": 7 * 86_400.0, "30d": 30 * 86_400.0}
DEFAULT_POINTS = 300
MAX_POINTS = 10_000
MAX_EVENTS = 1000


@dataclass
class ApiServices:
    """What the handlers use. ``metrics_text`` and ``openapi`` are filled in by the server once built."""

    engine: Engine
    accounts: AccountService
    perf: PerformanceStats
    metrics_text: Callable[[], bytes] = lambda: b""
    openapi: Callable[[], dict[str, Any]] = dict
    started_at: float = field(default_factory=time.time)
    clock: Callable[[], float] = time.time


def build_routes(s: ApiServices) -> list[Route]:
    """The route table (order matters: ``/api/programs/status`` before ``/api/programs/{id}``)."""
    engine, accounts = s.engine, s.accounts
    status_cache: dict[str, Any] = {"version": None, "body": b""}

    # ---------------------------------------------------------------- programs

    def list_programs(_c: Context) -> Any:
        return [schemas.program_json(spec) for spec in engine.programs()]

    def program_statuses(_c: Context) -> Reply:
        version = (getattr(engine, "state_version", None), int(s.clock()))  # uptime changes every second
        if status_cache["version"] != version or version[0] is None:
            status_cache["body"] = dumps(_statuses(engine, s.clock()))
            status_cache["etag"] = weak_etag(status_cache["body"])
            status_cache["version"] = version
        return Reply(raw=status_cache["body"], etag=status_cache["etag"])

    def get_program(c: Context) -> Any:
        return schemas.program_json(engine.program(c.params["id"]))

    def create_program(c: Context) -> Reply:
        spec = engine.add_program(program_from_mapping(c.json), cause=Cause.API, actor=c.actor)
        return Reply(schemas.program_json(spec), status=201, headers={"Location": f"/api/programs/{spec.id}"})

    def update_program(c: Context) -> Any:
        program_id = c.params["id"]
        spec = program_from_mapping(c.json, base=engine.program(program_id))
        return schemas.program_json(engine.update_program(program_id, spec, cause=Cause.API, actor=c.actor))

    def delete_program(c: Context) -> Reply:
        engine.remove_program(c.params["id"], cause=Cause.API, actor=c.actor)
        return Reply(status=204)

    def command(verb: str) -> Callable[[Context], Any]:
        def run(c: Context) -> Reply:
            program_id = c.params["id"]
            getattr(engine, f"{verb}_program")(program_id, cause=Cause.API, actor=c.actor)
            return Reply({"id": program_id, "accepted": verb, "status": engine.status(program_id).state.value}, status=202)

        return run

    # ---------------------------------------------------------------- metrics, system, events

    def metrics(c: Context) -> Any:
        program_id = c.params["id"]
        engine.program(program_id)
        window = c.request.query.get("range", "1h")
        if window not in RANGES:
            raise invalid("range", f"must be one of: {', '.join(RANGES)}")
        points = int_query(c, "points", DEFAULT_POINTS, 1, MAX_POINTS)
        end = s.clock()
        start = end - RANGES[window]
        cpu = engine.history(program_id, "cpu_percent", start, end, points)
        memory = engine.history(program_id, "memory_rss", start, end, points)
        plugin_series = {
            name: schemas.series_json(engine.plugin_history(program_id, name, start, end, points))
            for name in engine.plugins.series_names(program_id)
        }
        return {
            "program_id": program_id,
            "range": window,
            "start": start,
            "end": end,
            "metrics": {
                "cpu_percent": schemas.series_json(cpu),
                "memory_mb": schemas.series_json(memory, scale=schemas.MB),
            },
            "plugins": plugin_series,
        }

    def system(_c: Context) -> Any:
        tick = engine.latest_metrics()
        if tick is None or tick.system is None:
            raise ApiError(503, "not_ready", "no measurement yet; try again in a second", headers={"Retry-After": "1"})
        return schemas.system_json(tick.system)

    def events(c: Context) -> Any:
        program_id = int_query(c, "program_id", None, 1, 10**12)
        limit = int_query(c, "limit", 100, 1, MAX_EVENTS)
        since = float_query(c, "since")
        until = float_query(c, "until")
        found = engine.events(program_id=program_id, since=since, until=until, limit=limit)
        return [schemas.event_json(event) for event in found]

    # ---------------------------------------------------------------- accounts

    def login(c: Context) -> Any:
        username, password = _str_field(c, "username"), _str_field(c, "password")
        try:
            token, session, user = accounts.login(username, password, client=c.request.client)
        except Exception:
            engine.record_audit(
                f"failed sign-in as {username!r}", cause=Cause.API, actor=f"{username}@{c.request.client}",
                details={"kind": "login_failed"},
            )
            raise
        engine.record_audit("signed in", cause=Cause.API, actor=f"{user.username}@{c.request.client}")
        return {"token": token, "role": user.role.value, "expires_at": session.expires_at}

    def logout(c: Context) -> Reply:
        accounts.logout(bearer_token(c.request))
        return Reply(status=204)

    def list_users(_c: Context) -> Any:
        return [schemas.user_json(user) for user in accounts.users()]

    def create_user(c: Context) -> Reply:
        role = _role(c, default=Role.GUEST)
        user = accounts.create_user(_str_field(c, "username"), _str_field(c, "password"), role)
        engine.record_audit(f"user {user.username!r} created ({role.value})", cause=Cause.API, actor=c.actor)
        return Reply(schemas.user_json(user), status=201, headers={"Location": f"/api/users/{user.id}"})

    def update_user(c: Context) -> Any:
        role = _role(c, default=None)
        password = _str_field(c, "password") if "password" in c.json else None
        user = accounts.update_user(c.params["id"], role=role, password=password)
        changed = [name for name, value in (("role", role), ("password", password)) if value is not None]
        engine.record_audit(
            f"user {user.username!r} changed ({', '.join(changed) or 'nothing'})", cause=Cause.API, actor=c.actor
        )
        return schemas.user_json(user)

    def delete_user(c: Context) -> Reply:
        user = _user(accounts, c.params["id"])
        accounts.delete_user(user.id)
        engine.record_audit(f"user {user.username!r} deleted", cause=Cause.API, actor=c.actor)
        return Reply(status=204)

    def list_keys(_c: Context) -> Any:
        names = {user.id: user.username for user in accounts.users()}
        return [schemas.key_json(key, names.get(key.user_id, "?")) for key in accounts.api_keys()]

    def create_key(c: Context) -> Reply:
        assert c.principal is not None
        owner_id = c.json.get("user_id") or c.principal.user_id
        if not isinstance(owner_id, int) or isinstance(owner_id, bool) or owner_id <= 0:
            raise invalid("user_id", "name the user the key acts as (signed in with the local token, there is none)")
        owner = _user(accounts, owner_id)
        plain, key = accounts.create_api_key(_str_field(c, "name"), user_id=owner.id)
        engine.record_audit(f"API key {key.name!r} created for {owner.username!r}", cause=Cause.API, actor=c.actor)
        return Reply({**schemas.key_json(key, owner.username), "key": plain}, status=201)

    def revoke_key(c: Context) -> Reply:
        accounts.revoke_api_key(c.params["id"])
        engine.record_audit(f"API key {c.params['id']} revoked", cause=Cause.API, actor=c.actor)
        return Reply(status=204)

    # ---------------------------------------------------------------- admin, health, documents

    def performance(_c: Context) -> Any:
        return s.perf.report()

    def performance_of(c: Context) -> Any:
        name = c.request.path.removeprefix("/api/admin/performance/")
        report = s.perf.report(name)
        if not report:
            raise NotFoundError(f"no statistics for {name!r}; known: {', '.join(s.perf.endpoints())}")
        return report

    def reset_performance(c: Context) -> Reply:
        s.perf.reset()
        engine.record_audit("performance statistics reset", cause=Cause.API, actor=c.actor)
        return Reply(status=204)

    def health(_c: Context) -> Any:
        return {"status": "ok", "version": __version__, "uptime_s": round(s.clock() - s.started_at, 1)}

    def openapi(_c: Context) -> Any:
        return s.openapi()

    def prometheus(_c: Context) -> Reply:
        return Reply(raw=s.metrics_text(), content_type="text/plain; version=0.0.4; charset=utf-8")

    def stream(_c: Context) -> Any:
        # The transport answers this path itself (a long-lived text/event-stream); reaching here means a
        # client used a method or protocol that cannot stream.
        raise ApiError(400, "stream_only", "open /api/stream as an EventSource (text/event-stream)")

    ID = "the program's id"
    return [
        Route("GET", "/api/health", health, "public", "Liveness: version and uptime", response="Health", tag="meta"),
        Route("GET", "/api/openapi.json", openapi, "public", "This API described as OpenAPI 3.1", tag="meta"),
        Route("POST", "/api/auth/login", login, "public", "Sign in; returns a bearer token", limit="auth",
              body="Login", response="Session", tag="accounts"),
        Route("POST", "/api/auth/logout", logout, "guest", "Revoke the token used for this call", status=204,
              tag="accounts"),
        Route("GET", "/api/programs/status", program_statuses, "guest", "Live status of every program",
              max_age=2, response="ProgramStatus", response_array=True),
        Route("GET", "/api/programs", list_programs, "guest", "Registered programs", max_age=10,
              response="Program", response_array=True),
        Route("POST", "/api/programs", create_program, "admin", "Register a program", limit="manage",
              body="ProgramInput", response="Program", status=201),
        Route("GET", "/api/programs/{id}", get_program, "guest", "One program", max_age=30, response="Program"),
        Route("PUT", "/api/programs/{id}", update_program, "admin", "Change a program (fields given only)",
              limit="manage", body="ProgramUpdate", response="Program"),
        Route("DELETE", "/api/programs/{id}/delete", delete_program, "admin", "Remove a stopped program",
              limit="manage", status=204),
        Route("DELETE", "/api/programs/{id}", delete_program, "admin", "Remove a stopped program (alias)",
              limit="manage", status=204),
        Route("POST", "/api/programs/{id}/start", command("start"), "admin", "Start a program", limit="action",
              status=202),
        Route("POST", "/api/programs/{id}/stop", command("stop"), "admin", "Stop a program", limit="action",
              status=202),
        Route("POST", "/api/programs/{id}/restart", command("restart"), "admin", "Restart a program",
              limit="action", status=202),
        Route("GET", "/api/metrics/{id}", metrics, "guest", "CPU and memory history of a program",
              limit="metrics", max_age=300, response="Metrics",
              query={"range": "1h, 24h, 7d or 30d (default 1h)", "points": f"at most this many points (default {DEFAULT_POINTS})"},
              tag="metrics"),
        Route("GET", "/api/system", system, "guest", "Latest whole-system measurement", response="System",
              tag="metrics"),
        Route("GET", "/api/events", events, "guest", "The event log, newest first", response="Event",
              response_array=True, query={"program_id": ID, "since": "epoch seconds", "until": "epoch seconds",
                                          "limit": f"1-{MAX_EVENTS} (default 100)"}, tag="events"),
        Route("GET", "/api/stream", stream, "guest",
              "Live stream (text/event-stream): state changes at once, a snapshot each tick; token may be "
              "given as ?token= for EventSource", tag="events", query={"token": "bearer token (EventSource)"}),
        Route("GET", "/api/users", list_users, "admin", "Users", response="User", response_array=True,
              tag="accounts"),
        Route("POST", "/api/users", create_user, "admin", "Create a user", limit="manage", body="UserInput",
              response="User", status=201, tag="accounts"),
        Route("PUT", "/api/users/{id}", update_user, "admin", "Change a user's role or password", limit="manage",
              body="UserUpdate", response="User", tag="accounts"),
        Route("DELETE", "/api/users/{id}", delete_user, "admin", "Delete a user", limit="manage", status=204,
              tag="accounts"),
        Route("GET", "/api/keys", list_keys, "admin", "API keys (without their secret)", response="ApiKey",
              response_array=True, tag="accounts"),
        Route("POST", "/api/keys", create_key, "admin", "Create an API key (its secret is shown once)",
              limit="manage", body="ApiKeyInput", response="ApiKey", status=201, tag="accounts"),
        Route("DELETE", "/api/keys/{id}", revoke_key, "admin", "Revoke an API key", limit="manage", status=204,
              tag="accounts"),
        Route("GET", "/api/admin/performance", performance, "admin", "Request statistics per endpoint",
              response="Performance", tag="admin"),
        Route("GET", "/api/admin/performance/{endpoint*}", performance_of, "admin",
              "Request statistics of one endpoint, e.g. 'GET /api/programs'", response="Performance", tag="admin"),
        Route("DELETE", "/api/admin/performance", reset_performance, "admin", "Reset the request statistics",
              status=204, tag="admin"),
        Route("GET", "/metrics", prometheus, "guest", "Prometheus text exposition", tag="meta"),
        *build_automation_routes(engine),
        *build_plugin_routes(engine),
        *build_window_routes(engine, s.clock),
    ]


def _statuses(engine: Engine, now: float) -> list[dict[str, Any]]:
    tick = engine.latest_metrics()
    samples = {sample.program_id: sample for sample in tick.programs} if tick else {}
    specs = {spec.id: spec for spec in engine.programs()}
    return [
        schemas.status_json(specs[status.program_id], status, samples.get(status.program_id), now)
        for status in engine.statuses()
        if status.program_id in specs
    ]


def _str_field(c: Context, name: str) -> str:
    value = c.json.get(name)
    if not isinstance(value, str) or not value:
        raise invalid(name, "is required and must be a non-empty string")
    return value


def _role(c: Context, *, default: Role | None) -> Role | None:
    if "role" not in c.json:
        return default
    try:
        return Role(c.json["role"])
    except ValueError:
        raise invalid("role", "must be admin or guest") from None


def _user(accounts: AccountService, user_id: int):  # type: ignore[no-untyped-def]
    for user in accounts.users():
        if user.id == user_id:
            return user
    raise NotFoundError(f"no user with id {user_id}")

