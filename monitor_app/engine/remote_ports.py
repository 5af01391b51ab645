"""Accounts, automation and plugins of a remote engine, behind the same ports as the in-process ones.

Lists the window reads on the GUI thread (webhooks, alert rules, schedules, jobs, firing alerts) are cached
and refreshed without waiting when the engine says they changed (``automation`` messages on the live stream);
changes the user makes in a dialog wait for the engine's answer, bounded by a short timeout, because its
validation messages belong in the dialog. Account calls and plugin actions are made from background threads
(the views route them through ``BackgroundTasks``), so they simply block there.
"""

import logging
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from monitor_app.core.accounts import ApiKey, Role, Session, User
from monitor_app.core.alerts import AlertRule, AlertState, AlertTransition, rule_from_dict
from monitor_app.core.errors import NotFoundError
from monitor_app.core.jobs import Job, JobProgress, JobState
from monitor_app.core.notifications import DeliveryRecord, WebhookEndpoint, endpoint_from_dict
from monitor_app.core.plugins import PluginInstance
from monitor_app.core.schedules import Schedule, schedule_from_dict
from monitor_app.engine.plugins import settle_action_future
from monitor_app.pluginhost.api import MetricSeries, Panel, PanelLog, PanelTable

if TYPE_CHECKING:
    from monitor_app.engine.remote import RemoteEngine

log = logging.getLogger(__name__)

#: A change made in a dialog waits at most this long for the engine.
DIALOG_TIMEOUT_S = 5.0
#: Plugin actions may take a while (a save on a big world); the plugin's own timeout answers first.
ACTION_TIMEOUT_S = 60.0
#: Stands for a secret that is set on the engine (its value never leaves the engine).
SECRET_PLACEHOLDER = "********"
#: How often the shown program's plugin panels are read again.
PANEL_POLL_MS = 2000


# ---------------------------------------------------------------------------------------------------- accounts


class RemoteAccounts:
    """``/api/users`` and ``/api/keys`` (admin only on the engine); call from background threads."""

    def __init__(self, engine: "RemoteEngine") -> None:
        self._engine = engine

    def has_users(self) -> bool:
        return True  # an engine that answers signed-in calls has accounts

    def ensure_admin(self, password: str) -> User:
        raise NotImplementedError("the first administrator is created on the engine's PC")

    def users(self) -> tuple[User, ...]:
        return tuple(_user(item) for item in self._engine.client.get("/api/users"))

    def user(self, user_id: int) -> User:
        for user in self.users():
            if user.id == user_id:
                return user
        raise NotFoundError(f"no user with id {user_id}")

    def create_user(self, username: str, password: str, role: Role | str = Role.GUEST) -> User:
        body = {"username": username, "password": password, "role": str(Role(role).value)}
        return _user(self._engine.client.call("POST", "/api/users", body, timeout_s=DIALOG_TIMEOUT_S))

    def update_user(
        self, user_id: int, *, role: Role | str | None = None, password: str | None = None
    ) -> User:
        body: dict[str, Any] = {}
        if role is not None:
            body["role"] = str(Role(role).value)
        if password is not None:
            body["password"] = password
        return _user(
            self._engine.client.call("PUT", f"/api/users/{user_id}", body, timeout_s=DIALOG_TIMEOUT_S)
        )

    def delete_user(self, user_id: int) -> None:
        self._engine.client.call("DELETE", f"/api/users/{user_id}", timeout_s=DIALOG_TIMEOUT_S)

    def api_keys(self) -> tuple[ApiKey, ...]:
        ids = {user.username: user.id for user in self.users()}
        return tuple(_key(item, ids) for item in self._engine.client.get("/api/keys"))

    def create_api_key(self, name: str, *, user_id: int) -> tuple[str, ApiKey]:
        data = self._engine.client.call(
            "POST", "/api/keys", {"name": name, "user_id": user_id}, timeout_s=DIALOG_TIMEOUT_S
        )
        return str(data["key"]), _key(data, {str(data.get("user", "")): user_id})

    def revoke_api_key(self, key_id: int) -> None:
        self._engine.client.call("DELETE", f"/api/keys/{key_id}", timeout_s=DIALOG_TIMEOUT_S)

    def login(self, username: str, password: str, *, client: str = "") -> tuple[str, Session, User]:
        """Sign in at the engine; the token is the caller's to use (e.g. ``RemoteEngine.use_credentials``)."""
        anonymous = self._engine.client.with_token("")
        try:
            data = anonymous.call(
                "POST",
                "/api/auth/login",
                {"username": username, "password": password},
                timeout_s=DIALOG_TIMEOUT_S,
            )
        finally:
            anonymous.close()
        user = User(
            id=0, username=username, role=Role(data["role"]), password_hash="", created_at=0.0, updated_at=0.0
        )
        session = Session(
            token_hash="", user_id=0, created_at=0.0, expires_at=float(data["expires_at"]), client=client
        )
        return str(data["token"]), session, user


def _user(data: Mapping[str, Any]) -> User:
    created = float(data.get("created_at") or 0.0)
    return User(
        id=int(data["id"]),
        username=str(data["username"]),
        role=Role(data["role"]),
        password_hash="",
        created_at=created,
        updated_at=created,
    )


def _key(data: Mapping[str, Any], ids: Mapping[str, int]) -> ApiKey:
    last = data.get("last_used_at")
    return ApiKey(
        id=int(data["id"]),
        name=str(data["name"]),
        key_hash="",
        user_id=ids.get(str(data.get("user")), 0),
        created_at=float(data.get("created_at") or 0.0),
        last_used_at=float(last) if last else None,
    )


# ---------------------------------------------------------------------------------------------------- automation


def job_from_json(data: Mapping[str, Any]) -> Job:
    progress = data.get("progress")
    finished = data.get("finished_at")
    return Job(
        id=int(data["id"]),
        kind=str(data.get("kind", "")),
        title=str(data.get("title", "")),
        state=JobState(data.get("state", "queued")),
        attempts=int(data.get("attempts") or 0),
        max_attempts=int(data.get("max_attempts") or 1),
        created_at=float(data.get("created_at") or 0.0),
        updated_at=float(data.get("updated_at") or 0.0),
        run_after=float(data.get("run_after") or 0.0),
        finished_at=float(finished) if finished is not None else None,
        last_error=str(data.get("last_error") or ""),
        result=dict(data.get("result") or {}),
        program_id=data.get("program_id"),
        progress=JobProgress(
            done=progress.get("done", 0), total=progress.get("total"), text=progress.get("text", "")
        )
        if isinstance(progress, Mapping)
        else None,
    )


def delivery_from_json(data: Mapping[str, Any]) -> DeliveryRecord:
    return DeliveryRecord(
        endpoint_id=int(data["endpoint_id"]),
        time=float(data["time"]),
        event=str(data.get("event", "")),
        status=data.get("status"),
        latency_ms=float(data.get("latency_ms") or 0.0),
        error=str(data.get("error") or ""),
        attempt=int(data.get("attempt") or 1),
        final=bool(data.get("final", True)),
        job_id=int(data.get("job_id") or 0),
        id=int(data.get("id") or 0),
    )


def _endpoint(data: Mapping[str, Any]) -> WebhookEndpoint:
    plain = {k: v for k, v in data.items() if k not in ("id", "created_at", "has_secret")}
    endpoint = endpoint_from_dict(plain)
    return replace(endpoint, id=int(data["id"]), created_at=float(data.get("created_at") or 0.0))


def _rule(data: Mapping[str, Any]) -> AlertRule:
    return rule_from_dict({k: v for k, v in data.items() if k != "id"}, existing_id=int(data["id"]))


def _schedule(data: Mapping[str, Any]) -> Schedule:
    return schedule_from_dict(
        {k: v for k, v in data.items() if k not in ("id", "next_fire")}, existing_id=int(data["id"])
    )


class RemoteAutomation(QObject):
    """``AutomationPort`` of a remote engine, with the in-process ``Automation``'s signals."""

    job_changed = Signal(object)
    webhooks_changed = Signal()
    delivery_recorded = Signal(object)
    rules_changed = Signal()
    alert_transition = Signal(object)
    schedules_changed = Signal()

    def __init__(self, engine: "RemoteEngine") -> None:
        super().__init__(engine)
        self._engine = engine
        self._webhooks: dict[int, WebhookEndpoint] = {}
        self._rules: dict[int, AlertRule] = {}
        self._schedules: dict[int, Schedule] = {}
        self._next_fire: dict[int, float | None] = {}
        self._jobs: dict[int, Job] = {}
        self._firing: list[AlertState] = []
        self._local_changes: dict[str, int] = {}
        self._admin = True

    def shutdown(self) -> None:
        """Nothing runs here: the engine's own automation carries on."""

    def set_language(self, _language: str) -> None:
        """Payload language is the engine's setting (its own UI language)."""

    # ------------------------------------------------------------------ refreshing the caches

    def refresh_all(self) -> None:
        self._admin = self._engine.role == Role.ADMIN.value
        if self._admin:  # webhook URLs are secrets: guests may not list them
            self.refresh("webhooks")
        for what in ("rules", "schedules", "jobs", "firing"):
            self.refresh(what)

    def refresh(self, what: str) -> None:
        paths = {
            "webhooks": "/api/webhooks",
            "rules": "/api/alerts/rules",
            "schedules": "/api/schedules",
            "jobs": "/api/jobs?limit=500",
            "firing": "/api/alerts",
        }
        asked_at = self._local_changes.get(what, 0)

        def done(data: Any) -> None:
            # A list read before this window changed it is older than the cache: read it again (it may also
            # carry another client's change, which the cache must not miss).
            if self._local_changes.get(what, 0) == asked_at:
                self._apply(what, data)
            else:
                self.refresh(what)

        self._engine._request("GET", paths[what], on_done=done)

    def _changed_here(self, what: str) -> None:
        """This window changed ``what`` (the cache holds the engine's answer): reads already sent are stale."""
        self._local_changes[what] = self._local_changes.get(what, 0) + 1

    def _apply(self, what: str, data: Any) -> None:
        if what == "webhooks":
            self._webhooks = {e.id: e for e in (_endpoint(item) for item in data)}
            self.webhooks_changed.emit()
        elif what == "rules":
            self._rules = {r.id: r for r in (_rule(item) for item in data)}
            self.rules_changed.emit()
        elif what == "schedules":
            self._schedules = {s.id: s for s in (_schedule(item) for item in data)}
            self._next_fire = {int(item["id"]): item.get("next_fire") for item in data}
            self.schedules_changed.emit()
        elif what == "jobs":
            for job in (job_from_json(item) for item in data):
                self._note_job(job)
        elif what == "firing":
            self._firing = [
                AlertState(
                    rule_id=int(i["rule_id"]),
                    program_id=i.get("program_id"),
                    subject=str(i.get("subject", "")),
                    since=float(i.get("since") or 0.0),
                    value=float(i.get("value") or 0.0),
                )
                for i in data
            ]
            self.rules_changed.emit()

    def _note_job(self, job: Job) -> None:
        if self._jobs.get(job.id) != job:
            self._jobs[job.id] = job
            self.job_changed.emit(job)

    def on_stream(self, data: Mapping[str, Any]) -> None:
        """An ``automation`` message of the live stream: what changed on the engine."""
        what = data.get("what")
        if what == "job":
            self._note_job(job_from_json(data["job"]))
        elif what == "delivery":
            self.delivery_recorded.emit(delivery_from_json(data["delivery"]))
        elif what == "alert":
            transition = AlertTransition(
                rule=_rule(data["rule"]),
                program_id=data.get("program_id"),
                subject=str(data.get("subject", "")),
                fired=bool(data.get("fired")),
                time=float(data.get("time") or 0.0),
                value=float(data.get("value") or 0.0),
                message=str(data.get("message") or ""),
                unit=str(data.get("unit") or ""),
            )
            self.refresh("firing")
            self.alert_transition.emit(transition)
        elif what in ("webhooks", "rules", "schedules") and (what != "webhooks" or self._admin):
            self.refresh(what)

    # ------------------------------------------------------------------ queries (from the caches)

    def webhooks(self) -> tuple[WebhookEndpoint, ...]:
        return tuple(self._webhooks[k] for k in sorted(self._webhooks))

    def webhook(self, endpoint_id: int) -> WebhookEndpoint:
        try:
            return self._webhooks[endpoint_id]
        except KeyError:
            raise NotFoundError(f"no webhook with id {endpoint_id}") from None

    def deliveries(self, endpoint_id: int, limit: int = 100) -> tuple[DeliveryRecord, ...]:
        """Blocking (the view reads them in the background)."""
        data = self._engine.client.get(f"/api/webhooks/{endpoint_id}/deliveries", {"limit": limit})
        return tuple(delivery_from_json(item) for item in data)

    def alert_rules(self) -> tuple[AlertRule, ...]:
        return tuple(self._rules[k] for k in sorted(self._rules))

    def alert_rule(self, rule_id: int) -> AlertRule:
        try:
            return self._rules[rule_id]
        except KeyError:
            raise NotFoundError(f"no alert rule with id {rule_id}") from None

    def alerts_firing(self) -> list[AlertState]:
        return list(self._firing)

    def schedules(self) -> tuple[Schedule, ...]:
        return tuple(self._schedules[k] for k in sorted(self._schedules))

    def schedule(self, schedule_id: int) -> Schedule:
        try:
            return self._schedules[schedule_id]
        except KeyError:
            raise NotFoundError(f"no schedule with id {schedule_id}") from None

    def next_fire(self, schedule_id: int) -> float | None:
        return self._next_fire.get(schedule_id)

    def jobs(self) -> tuple[Job, ...]:
        return tuple(sorted(self._jobs.values(), key=lambda job: job.id, reverse=True))

    def job(self, job_id: int) -> Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise NotFoundError(f"no job with id {job_id}") from None

    # ------------------------------------------------------------------ commands (wait for the engine)

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        return self._engine.client.call(method, path, body, timeout_s=DIALOG_TIMEOUT_S)

    def add_webhook(self, data: Mapping[str, object]) -> WebhookEndpoint:
        endpoint = _endpoint(self._call("POST", "/api/webhooks", dict(data)))
        self._webhooks[endpoint.id] = endpoint
        self._changed_here("webhooks")
        self.webhooks_changed.emit()
        return endpoint

    def update_webhook(self, endpoint_id: int, data: Mapping[str, object]) -> WebhookEndpoint:
        endpoint = _endpoint(self._call("PUT", f"/api/webhooks/{endpoint_id}", dict(data)))
        self._webhooks[endpoint.id] = endpoint
        self._changed_here("webhooks")
        self.webhooks_changed.emit()
        return endpoint

    def remove_webhook(self, endpoint_id: int) -> WebhookEndpoint:
        endpoint = self.webhook(endpoint_id)
        self._call("DELETE", f"/api/webhooks/{endpoint_id}")
        self._webhooks.pop(endpoint_id, None)
        self._changed_here("webhooks")
        self.webhooks_changed.emit()
        return endpoint

    def test_webhook(self, endpoint_id: int, *, actor: str = "") -> Job:
        job = job_from_json(self._call("POST", f"/api/webhooks/{endpoint_id}/test")["job"])
        self._note_job(job)
        return job

    def add_alert_rule(self, data: Mapping[str, object]) -> AlertRule:
        rule = _rule(self._call("POST", "/api/alerts/rules", dict(data)))
        self._rules[rule.id] = rule
        self._changed_here("rules")
        self.rules_changed.emit()
        return rule

    def update_alert_rule(self, rule_id: int, data: Mapping[str, object]) -> AlertRule:
        rule = _rule(self._call("PUT", f"/api/alerts/rules/{rule_id}", dict(data)))
        self._rules[rule.id] = rule
        self._changed_here("rules")
        self.rules_changed.emit()
        return rule

    def remove_alert_rule(self, rule_id: int) -> AlertRule:
        rule = self.alert_rule(rule_id)
        self._call("DELETE", f"/api/alerts/rules/{rule_id}")
        self._rules.pop(rule_id, None)
        self._changed_here("rules")
        self.rules_changed.emit()
        return rule

    def add_schedule(self, data: Mapping[str, object]) -> Schedule:
        raw = self._call("POST", "/api/schedules", dict(data))
        return self._store_schedule(raw)

    def update_schedule(self, schedule_id: int, data: Mapping[str, object]) -> Schedule:
        return self._store_schedule(self._call("PUT", f"/api/schedules/{schedule_id}", dict(data)))

    def _store_schedule(self, raw: Mapping[str, Any]) -> Schedule:
        schedule = _schedule(raw)
        self._schedules[schedule.id] = schedule
        self._next_fire[schedule.id] = raw.get("next_fire")
        self._changed_here("schedules")
        self.schedules_changed.emit()
        return schedule

    def remove_schedule(self, schedule_id: int) -> Schedule:
        schedule = self.schedule(schedule_id)
        self._call("DELETE", f"/api/schedules/{schedule_id}")
        self._schedules.pop(schedule_id, None)
        self._changed_here("schedules")
        self.schedules_changed.emit()
        return schedule

    def retry_job(self, job_id: int) -> Job:
        job = job_from_json(self._call("POST", f"/api/jobs/{job_id}/retry"))
        self._note_job(job)
        return job

    def cancel_job(self, job_id: int) -> Job:
        job = job_from_json(self._call("POST", f"/api/jobs/{job_id}/cancel"))
        self._note_job(job)
        return job


# ---------------------------------------------------------------------------------------------------- plugins


@dataclass(frozen=True, slots=True)
class RemotePluginInfo:
    """What the window needs of an installed plugin (the in-process catalog holds the class itself)."""

    id: str
    cls: Any  # has ``metric_series`` (key, label, unit), like a plugin class


class RemoteCatalog:
    def __init__(self) -> None:
        self._infos: dict[str, RemotePluginInfo] = {}

    def load(self, catalog: list[dict[str, Any]]) -> None:
        self._infos = {
            str(item["id"]): RemotePluginInfo(
                id=str(item["id"]),
                cls=SimpleNamespace(metric_series=tuple(
                    MetricSeries(str(s["key"]), str(s.get("label") or s["key"]), str(s.get("unit") or ""))
                    for s in item.get("series") or ()
                )),
            )
            for item in catalog
        }

    def get(self, plugin_id: str) -> RemotePluginInfo | None:
        return self._infos.get(plugin_id)


class RemotePlugins(QObject):
    """``PluginsPort`` of a remote engine, with the in-process service's signals.

    The shown program's instances and their panels are read in the background (panels every
    ``PANEL_POLL_MS`` while a program's panels are on screen) and served from memory; changes wait for the
    engine.
    """

    instances_changed = Signal()
    panel_changed = Signal(int, object)
    status_changed = Signal(int, str, str)
    status_message = Signal(int, str)

    def __init__(self, engine: "RemoteEngine") -> None:
        super().__init__(engine)
        self._engine = engine
        self.catalog = RemoteCatalog()
        self._catalog_json: list[dict[str, Any]] = []
        self._described: dict[int, dict[str, Any]] = {}
        self._panels: dict[int, Panel] = {}
        self.latest: dict[tuple[int, str], tuple[float, float]] = {}
        self._program_id: int | None = None
        self._panels_shown = True  # until a view says otherwise (callers without a view want panels)
        self._job_futures: dict[int, Future[Any]] = {}
        self._local_changes = 0  # changes this window made: instance reads sent before one are stale
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="remote-plugin")
        self._poll = QTimer(self)
        self._poll.setInterval(PANEL_POLL_MS)
        self._poll.timeout.connect(self._poll_panels)

    def shutdown(self) -> None:
        self._poll.stop()
        self._executor.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------ background refresh

    def refresh_catalog(self) -> None:
        def done(data: Any) -> None:
            self._catalog_json = list(data)
            self.catalog.load(self._catalog_json)
            self.instances_changed.emit()

        self._engine._request("GET", "/api/plugins", on_done=done)

    def _refresh_program(self, program_id: int) -> None:
        asked_at = self._local_changes

        def done(data: Any) -> None:
            if self._local_changes != asked_at:  # read before this window attached, changed or detached one
                if program_id == self._program_id:
                    self._refresh_program(program_id)  # the cache is newer: read again, for others' changes
                return
            fresh = {int(item["id"]): item for item in data}
            stale = [i for i, d in self._described.items() if d.get("program_id") == program_id and i not in fresh]
            for instance_id in stale:
                del self._described[instance_id]
                self._panels.pop(instance_id, None)
            for instance_id, item in fresh.items():
                old = self._described.get(instance_id)
                self._described[instance_id] = item
                if old is not None and (old.get("status"), old.get("reason")) != (item.get("status"), item.get("reason")):
                    self.status_changed.emit(instance_id, str(item.get("status", "")), str(item.get("reason", "")))
            self.instances_changed.emit()

        self._engine._request("GET", f"/api/plugins/program/{program_id}", on_done=done)

    def on_event(self, program_id: int | None) -> None:
        """A plugin event on the engine (attach, detach, a crash…): re-read that program's instances."""
        if program_id is not None and program_id == self._program_id:
            self._refresh_program(program_id)

    def set_program(self, program_id: int | None) -> None:
        """The window shows ``program_id``: follow its instances and panels."""
        self._program_id = program_id
        if program_id is not None:
            self._refresh_program(program_id)
        self._follow_panels()

    def show_panels(self, shown: bool) -> None:
        """Read panels only while a window shows them; shown again, they are read at once."""
        if shown == self._panels_shown:
            return
        self._panels_shown = shown
        self._follow_panels()
        if shown:
            self._poll_panels()

    def _follow_panels(self) -> None:
        if self._panels_shown and self._program_id is not None:
            if not self._poll.isActive():
                self._poll.start()
        else:
            self._poll.stop()

    @Slot()
    def _poll_panels(self) -> None:
        for instance_id, item in list(self._described.items()):
            if item.get("program_id") != self._program_id:
                continue

            def done(data: Any, instance_id: int = instance_id) -> None:
                panel = panel_from_json(data)
                for name, (at, value) in (data.get("values") or {}).items():
                    self.latest[(int(self._described.get(instance_id, {}).get("program_id", 0)), name)] = (at, value)
                if self._panels.get(instance_id) != panel:
                    self._panels[instance_id] = panel
                    self.panel_changed.emit(instance_id, panel)

            self._engine._request("GET", f"/api/plugins/{instance_id}/panel", on_done=done)

    # ------------------------------------------------------------------ queries (from memory)

    def catalog_json(self) -> list[dict[str, Any]]:
        return list(self._catalog_json)

    def instances(self, program_id: int | None = None) -> tuple[PluginInstance, ...]:
        """From memory; asking for another program starts following it (its instances arrive with
        ``instances_changed``, its panels with ``panel_changed``)."""
        if program_id is not None and program_id != self._program_id:
            self.set_program(program_id)
        return tuple(
            _instance(item) for _id, item in sorted(self._described.items())
            if program_id is None or item.get("program_id") == program_id
        )

    def instance(self, instance_id: int) -> PluginInstance:
        try:
            return _instance(self._described[instance_id])
        except KeyError:
            raise NotFoundError(f"no plugin instance with id {instance_id}") from None

    def describe(self, instance: PluginInstance) -> dict[str, Any]:
        try:
            return dict(self._described[instance.id])
        except KeyError:
            raise NotFoundError(f"no plugin instance with id {instance.id}") from None

    def panel(self, instance_id: int) -> Panel | None:
        return self._panels.get(instance_id)

    def panel_json(self, instance_id: int) -> dict[str, Any]:
        return dict(self._engine.client.get(f"/api/plugins/{instance_id}/panel"))

    def action_requires_admin(self, instance_id: int, action: str) -> bool:
        for item in self._described.get(instance_id, {}).get("actions", ()):
            if item.get("name") == action:
                return bool(item.get("admin", True))
        return True

    def is_long_running(self, instance_id: int, action: str) -> bool:
        for item in self._described.get(instance_id, {}).get("actions", ()):
            if item.get("name") == action:
                return bool(item.get("long_running", False))
        return False

    def series_names(self, program_id: int) -> list[str]:
        names = []
        for instance in self.instances(program_id):
            info = self.catalog.get(instance.plugin_id)
            names.extend(f"{instance.plugin_id}.{s.key}" for s in (info.cls.metric_series if info else ()))
        return names

    # ------------------------------------------------------------------ commands

    def submit_action(self, instance_id: int, action: str, params: Mapping[str, Any]) -> "Future[Any]":
        """Run the action at the engine on a worker thread; the Future holds its result (or the job it queued)."""

        def call() -> Any:
            data = self._engine.client.call("POST", f"/api/plugins/{instance_id}/action",
                                            {"action": action, "params": dict(params)}, timeout_s=ACTION_TIMEOUT_S)
            return data.get("result", data) if isinstance(data, dict) else data

        return self._executor.submit(call)

    def queue_action(self, instance_id: int, action: str, params: Mapping[str, Any], *, actor: str = "",
                     title: str = "") -> Job:
        """A long action: the engine queues it as a job (202) whose progress arrives with the stream's job changes."""
        data = self._engine.client.call("POST", f"/api/plugins/{instance_id}/action",
                                        {"action": action, "params": dict(params)}, timeout_s=DIALOG_TIMEOUT_S)
        job = job_from_json(data["job"])
        self._job_futures[job.id] = Future()
        return job

    def job_future(self, job_id: int) -> "Future[Any] | None":
        return self._job_futures.get(job_id)

    def on_job_changed(self, job: Job) -> None:
        """Complete the waiter of a queued action when its job ends (job changes come from the stream)."""
        if not job.finished or job.id not in self._job_futures:
            return
        settle_action_future(self._job_futures.pop(job.id), job)

    def run_action(self, instance_id: int, action: str, params: Mapping[str, Any], *, timeout: float = 30.0) -> Any:
        return self.submit_action(instance_id, action, params).result(timeout=max(timeout, ACTION_TIMEOUT_S))

    def _changed(self, item: Mapping[str, Any]) -> PluginInstance:
        self._described[int(item["id"])] = dict(item)
        self._local_changes += 1
        self.instances_changed.emit()
        return _instance(item)

    def attach(self, program_id: int, plugin_id: str, settings: Mapping[str, Any]) -> PluginInstance:
        return self._changed(self._engine.client.call(
            "POST", f"/api/plugins/program/{program_id}", {"plugin": plugin_id, "settings": dict(settings)},
            timeout_s=DIALOG_TIMEOUT_S,
        ))

    def update(self, instance_id: int, data: Mapping[str, Any]) -> PluginInstance:
        return self._changed(
            self._engine.client.call("PUT", f"/api/plugins/{instance_id}", dict(data), timeout_s=DIALOG_TIMEOUT_S)
        )

    def detach(self, instance_id: int) -> PluginInstance:
        instance = self.instance(instance_id)
        self._engine.client.call("DELETE", f"/api/plugins/{instance_id}", timeout_s=DIALOG_TIMEOUT_S)
        self._described.pop(instance_id, None)
        self._local_changes += 1
        self._panels.pop(instance_id, None)
        self.instances_changed.emit()
        return instance


def panel_from_json(data: Mapping[str, Any]) -> Panel:
    return Panel(
        status=str(data.get("status") or ""),
        facts=tuple((str(f.get("label", "")), str(f.get("value", ""))) for f in data.get("facts") or ()),
        tables=tuple(
            PanelTable(
                key=str(t.get("key", "")),
                title=str(t.get("title", "")),
                columns=tuple((str(c["key"]), str(c.get("title", ""))) for c in t.get("columns") or ()),
                rows=tuple(dict(row) for row in t.get("rows") or ()),
                row_actions=tuple((str(a["action"]), str(a.get("label", "")), str(a.get("param", "")))
                                  for a in t.get("row_actions") or ()),
            )
            for t in data.get("tables") or ()
        ),
        logs=tuple(
            PanelLog(key=str(lg.get("key", "")), title=str(lg.get("title", "")),
                     lines=tuple(str(line) for line in lg.get("lines") or ()), first=int(lg.get("first") or 0))
            for lg in data.get("logs") or ()
        ),
    )


def _instance(item: Mapping[str, Any]) -> PluginInstance:
    return PluginInstance(
        id=int(item["id"]),
        program_id=int(item["program_id"]),
        plugin_id=str(item.get("plugin") or item.get("plugin_id") or ""),
        settings=dict(item.get("settings") or {}),
        # Which secrets are set, never their values (the engine does not send them): a placeholder marks them.
        secrets={str(key): SECRET_PLACEHOLDER for key in item.get("secrets_set") or ()},
        enabled=bool(item.get("enabled", True)),
        created_at=float(item.get("created_at") or 0.0),
    )
