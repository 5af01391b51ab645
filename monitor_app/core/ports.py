"""The engine's public face as Protocols: what the GUI, the REST API and plugins may ask of it.

Two implementations stand behind these: the in-process engine (``monitor_app.engine``) and, later, a remote
one speaking the REST API. Layers below the engine (e.g. ``httpapi``) depend on these Protocols only.
Commands validate synchronously (raising ``core.errors``) and act asynchronously; the outcome arrives as
status and event snapshots.
"""

from collections.abc import Mapping
from typing import Any, Protocol

from monitor_app.core.accounts import ApiKey, Role, Session, User
from monitor_app.core.alerts import AlertRule, AlertState
from monitor_app.core.jobs import Job
from monitor_app.core.model import Event, MetricsTick, ProgramSpec, ProgramStatus, Series
from monitor_app.core.notifications import DeliveryRecord, WebhookEndpoint
from monitor_app.core.plugins import PluginInstance
from monitor_app.core.schedules import Schedule
from monitor_app.core.states import Cause


class EngineQueries(Protocol):
    def programs(self) -> tuple[ProgramSpec, ...]: ...

    def program(self, program_id: int) -> ProgramSpec:
        """Raises NotFoundError."""
        ...

    def statuses(self) -> tuple[ProgramStatus, ...]: ...

    def status(self, program_id: int) -> ProgramStatus:
        """Raises NotFoundError."""
        ...

    def latest_metrics(self) -> MetricsTick | None: ...

    def history(
        self, program_id: int | None, metric: str, start: float, end: float, max_points: int
    ) -> Series:
        """A stored series; ``program_id=None`` reads a whole-system metric. Raises ValidationError."""
        ...

    def events(
        self,
        *,
        program_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = 100,
    ) -> tuple[Event, ...]:
        """Newest first."""
        ...

    def plugin_history(self, program_id: int, series: str, start: float, end: float, max_points: int) -> Series:
        """A plugin's stored series (e.g. ``palworld.fps``). Raises ValidationError for an unknown series."""
        ...

    def log_tail(self, program_id: int, lines: int = 100) -> tuple[str, ...]:
        """The last lines a program wrote to stdout/stderr."""
        ...

    def output_log_path(self, program_id: int) -> str:
        """Where the program's captured output is written (for "open log")."""
        ...


class EngineCommands(Protocol):
    def add_program(self, spec: ProgramSpec, *, cause: Cause, actor: str) -> ProgramSpec:
        """Validate and register; returns the stored spec with its id. Raises ValidationError."""
        ...

    def update_program(self, program_id: int, spec: ProgramSpec, *, cause: Cause, actor: str) -> ProgramSpec:
        """Replace a program's settings; a running program picks them up at its next start."""
        ...

    def remove_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        """Raises ConflictError unless the program is at rest (stopped, exited or fatal)."""
        ...

    def start_program(self, program_id: int, *, cause: Cause, actor: str) -> None: ...

    def stop_program(self, program_id: int, *, cause: Cause, actor: str) -> None: ...

    def restart_program(self, program_id: int, *, cause: Cause, actor: str) -> None: ...

    def record_audit(
        self, message: str, *, cause: Cause, actor: str, details: Mapping[str, object] | None = None
    ) -> None:
        """Record who changed something that is not a program (accounts, keys, settings)."""
        ...


class AutomationPort(Protocol):
    """Webhooks, jobs, alert rules and schedules. Commands may be called from any thread."""

    def webhooks(self) -> tuple[WebhookEndpoint, ...]: ...

    def webhook(self, endpoint_id: int) -> WebhookEndpoint:
        """Raises NotFoundError."""
        ...

    def add_webhook(self, data: Mapping[str, object]) -> WebhookEndpoint:
        """Validate and register an endpoint (the JSON shape of the REST API). Raises ValidationError."""
        ...

    def update_webhook(self, endpoint_id: int, data: Mapping[str, object]) -> WebhookEndpoint: ...

    def remove_webhook(self, endpoint_id: int) -> WebhookEndpoint: ...

    def test_webhook(self, endpoint_id: int, *, actor: str = "") -> Job:
        """Queue a test message; the returned job tells how it went."""
        ...

    def deliveries(self, endpoint_id: int, limit: int = 100) -> tuple[DeliveryRecord, ...]:
        """Newest first."""
        ...

    def alert_rules(self) -> tuple[AlertRule, ...]: ...

    def alert_rule(self, rule_id: int) -> AlertRule:
        """Raises NotFoundError."""
        ...

    def add_alert_rule(self, data: Mapping[str, object]) -> AlertRule:
        """Validate (the REST JSON shape) and add. Raises ValidationError."""
        ...

    def update_alert_rule(self, rule_id: int, data: Mapping[str, object]) -> AlertRule: ...

    def remove_alert_rule(self, rule_id: int) -> AlertRule: ...

    def alerts_firing(self) -> list[AlertState]: ...

    def schedules(self) -> tuple[Schedule, ...]: ...

    def schedule(self, schedule_id: int) -> Schedule:
        """Raises NotFoundError."""
        ...

    def add_schedule(self, data: Mapping[str, object]) -> Schedule:
        """Validate (the REST JSON shape; the program must exist) and add. Raises ValidationError."""
        ...

    def update_schedule(self, schedule_id: int, data: Mapping[str, object]) -> Schedule: ...

    def remove_schedule(self, schedule_id: int) -> Schedule: ...

    def next_fire(self, schedule_id: int) -> float | None:
        """Epoch seconds of the next fire; None when disabled or it cannot be planned."""
        ...

    def jobs(self) -> tuple[Job, ...]:
        """Queued, running and recently finished jobs, newest first."""
        ...

    def job(self, job_id: int) -> Job: ...

    def retry_job(self, job_id: int) -> Job:
        """Raises ConflictError unless the job failed or was cancelled."""
        ...

    def cancel_job(self, job_id: int) -> Job:
        """Raises ConflictError if the job already finished."""
        ...


class PluginsPort(Protocol):
    """Plugins attached to programs (JSON-shaped answers: the plugin types live above ``core``)."""

    def catalog_json(self) -> list[dict[str, Any]]: ...

    def instances(self, program_id: int | None = None) -> tuple[PluginInstance, ...]: ...

    def instance(self, instance_id: int) -> PluginInstance:
        """Raises NotFoundError."""
        ...

    def describe(self, instance: PluginInstance) -> dict[str, Any]:
        """Settings (no secrets), actions, status."""
        ...

    def attach(self, program_id: int, plugin_id: str, settings: Mapping[str, Any]) -> PluginInstance: ...

    def update(self, instance_id: int, data: Mapping[str, Any]) -> PluginInstance: ...

    def detach(self, instance_id: int) -> PluginInstance: ...

    def action_requires_admin(self, instance_id: int, action: str) -> bool: ...

    def is_long_running(self, instance_id: int, action: str) -> bool:
        """Whether the action runs as a job (``queue_action``) instead of being waited for."""
        ...

    def queue_action(
        self, instance_id: int, action: str, params: Mapping[str, Any], *, actor: str = "", title: str = ""
    ) -> Job:
        """Validate and queue the action as a job (progress and outcome on the job). Raises MonitorError."""
        ...

    def run_action(self, instance_id: int, action: str, params: Mapping[str, Any], *, timeout: float = ...) -> Any:
        """Blocks until the plugin answers (not on the GUI thread). Raises MonitorError subclasses."""
        ...

    def panel_json(self, instance_id: int) -> dict[str, Any]: ...

    def series_names(self, program_id: int) -> list[str]:
        """``<plugin id>.<key>`` of the extra series the program's plugins measure."""
        ...


class AccountsPort(Protocol):
    """Users and API keys (``auth.AccountService`` in-process; a remote engine answers over HTTP).

    Every call may block (bcrypt, or a request to another PC): the GUI makes them off its thread.
    Changes raise ValidationError (every problem listed), ConflictError (a taken name, the last admin)
    or NotFoundError; sign-in raises ``auth`` errors (wrong password, locked username).
    """

    def has_users(self) -> bool: ...

    def ensure_admin(self, password: str) -> User:
        """Create the first administrator, ``admin`` (only while no account exists)."""
        ...

    def login(self, username: str, password: str, *, client: str) -> tuple[str, Session, User]:
        """Check a password; returns the bearer token (shown once), its session and the user."""
        ...

    def users(self) -> tuple[User, ...]: ...

    def create_user(self, username: str, password: str, role: Role | str = ...) -> User: ...

    def update_user(self, user_id: int, *, role: Role | str | None = None, password: str | None = None) -> User:
        """A new password signs the user out everywhere."""
        ...

    def delete_user(self, user_id: int) -> None: ...

    def api_keys(self) -> tuple[ApiKey, ...]: ...

    def create_api_key(self, name: str, *, user_id: int) -> tuple[str, ApiKey]:
        """Returns the key itself (shown once, never stored) and its record."""
        ...

    def revoke_api_key(self, key_id: int) -> None: ...


class Engine(EngineQueries, EngineCommands, Protocol):
    """Everything above the engine talks to this."""

    automation: AutomationPort
    plugins: PluginsPort
