"""Automation: what the monitor does on its own — notify webhooks, evaluate alert rules, run schedules — with
slow work going through the persistent job queue.

``Automation`` is the one object the GUI and the REST API use for all of it (``core.ports.AutomationPort``).
It lives in the engine's thread and is fed by the engine's own signals (events, statuses, metric ticks);
commands may come from any thread (the parts they touch take their own locks).
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from monitor_app.core.alerts import AlertRule, AlertState
from monitor_app.core.clock import Clock
from monitor_app.core.jobs import Job, JobProgress
from monitor_app.core.model import Event, MetricsTick, ProgramStatus
from monitor_app.core.notifications import DeliveryRecord, Notification, WebhookEndpoint
from monitor_app.core.schedules import Schedule
from monitor_app.core.secrets import SecretStore
from monitor_app.engine.alerting import Alerting, PluginAction, ProgramCommand
from monitor_app.engine.notifier import DELIVER, Notifier
from monitor_app.engine.scheduling import RUN, Scheduling
from monitor_app.engine.secret_records import stored_webhooks
from monitor_app.jobs.queue import JobQueue
from monitor_app.jobs.retry import RetryPolicy
from monitor_app.storage.meta import SCHEDULES_SEEN_UNTIL
from monitor_app.storage.repository import RecordChange, Storage
from monitor_app.workers.jobs import DEFAULT_WORKERS, JobPool

log = logging.getLogger(__name__)

MAX_DELIVERIES_PER_QUERY = 1000


@dataclass(frozen=True, slots=True)
class AutomationConfig:
    """Attributes:
    workers: Job worker threads (the seed's 2).
    webhook_attempts: Attempts per delivery before it is marked failed.
    webhook_timeout_s: Per attempt.
    retry: Backoff between attempts.
    language: Language of the human text in payloads ("en" or "ko").
    """

    workers: int = DEFAULT_WORKERS
    webhook_attempts: int = 5
    webhook_timeout_s: float = 5.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    language: str = "en"


@dataclass(frozen=True, slots=True)
class EngineLinks:
    """What automation needs from the engine that owns it."""

    persist_job: Callable[[Job], None]
    persist_record: Callable[[RecordChange], None]
    persist_delivery: Callable[[DeliveryRecord], None]
    persist_meta: Callable[[str, int], None]
    record_event: Callable[[Event], None]
    program_name: Callable[[int], str | None]
    status_of: Callable[[int], ProgramStatus | None]
    command: ProgramCommand
    plugin_action: PluginAction | None = None
    players_online: Callable[[int], int | None] | None = None
    unsafe_reason: Callable[[int], str | None] | None = None
    warn: Callable[[int, int, Schedule], None] | None = None
    run_plugin_action: Callable[[str, int, str, int], object] | None = None


class Automation(QObject):
    """Webhooks, alert rules, schedules and the job queue behind one face.

    Signals:
        job_changed(Job): a job was queued, started, finished, retried or cancelled.
        webhooks_changed(): an endpoint was added, edited or removed.
        delivery_recorded(DeliveryRecord): one delivery attempt ended.
        rules_changed(): an alert rule was added, edited or removed.
        alert_transition(AlertTransition): a rule fired or resolved.
        schedules_changed(): a schedule was added, edited or removed.
    """

    job_changed = Signal(object)
    webhooks_changed = Signal()
    delivery_recorded = Signal(object)
    rules_changed = Signal()
    alert_transition = Signal(object)
    schedules_changed = Signal()

    def __init__(
        self,
        storage: Storage,
        links: EngineLinks,
        *,
        clock: Clock,
        config: AutomationConfig | None = None,
        secrets: SecretStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._storage = storage
        self._clock = clock
        self.config = config or AutomationConfig()
        self.queue = JobQueue(
            storage.load_jobs(unfinished_only=True),
            last_id=storage.last_job_id(),
            persist=links.persist_job,
            retry=self.config.retry,
        )
        self.notifier = Notifier(
            stored_webhooks(storage.load_records("webhooks"), secrets),
            last_id=storage.last_record_id("webhooks"),
            clock=clock,
            enqueue=self.enqueue,
            persist_record=links.persist_record,
            persist_delivery=links.persist_delivery,
            program_name=links.program_name,
            status_of=links.status_of,
            attempts=self.config.webhook_attempts,
            timeout_s=self.config.webhook_timeout_s,
            language=self.config.language,
            parent=self,
        )
        self.alerting = Alerting(
            storage.load_records("alert_rules"),
            last_id=storage.last_record_id("alert_rules"),
            clock=clock,
            persist_record=links.persist_record,
            record_event=links.record_event,
            notify=self.notifier.notify,
            command=links.command,
            plugin_action=links.plugin_action,
            program_name=links.program_name,
            unsafe_reason=links.unsafe_reason,
            parent=self,
        )
        seen_ms = storage.meta_int(SCHEDULES_SEEN_UNTIL)
        self.scheduling = Scheduling(
            storage.load_records("schedules"),
            last_id=storage.last_record_id("schedules"),
            last_seen=None if seen_ms is None else seen_ms / 1000.0,
            clock=clock,
            persist_record=links.persist_record,
            persist_seen=lambda now: links.persist_meta(SCHEDULES_SEEN_UNTIL, int(now * 1000)),
            record_event=links.record_event,
            enqueue=self.enqueue,
            command=links.command,
            program_name=links.program_name,
            players_online=links.players_online,
            unsafe_reason=links.unsafe_reason,
            warn=links.warn,
            run_plugin_action=links.run_plugin_action,
            parent=self,
        )
        handlers = {DELIVER: self.notifier.run_delivery, RUN: self.scheduling.run_job}
        self._pool = JobPool(self.queue, handlers, clock=clock, workers=self.config.workers, parent=self)
        self._pool.job_changed.connect(self.job_changed)
        self.notifier.webhooks_changed.connect(self.webhooks_changed)
        self.notifier.delivery_recorded.connect(self.delivery_recorded)
        self.alerting.rules_changed.connect(self.rules_changed)
        self.alerting.transition.connect(self.alert_transition)
        self.scheduling.schedules_changed.connect(self.schedules_changed)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._pool.start()
        self.alerting.start()
        self.scheduling.start()

    def shutdown(self) -> None:
        self.scheduling.shutdown()
        self.alerting.shutdown()
        self._pool.shutdown()

    def set_language(self, language: str) -> None:
        """Human text of later payloads ("en" or "ko")."""
        self.notifier.language = language

    # ------------------------------------------------------------------ inputs from the engine

    @Slot(object)
    def on_event(self, event: Event) -> None:
        self.notifier.on_event(event)
        self.alerting.on_event(event)

    @Slot(object)
    def on_status(self, status: ProgramStatus) -> None:
        self.alerting.on_status(status)

    @Slot(object)
    def on_tick(self, tick: MetricsTick) -> None:
        self.alerting.on_tick(tick)

    def forget_program(self, program_id: int) -> None:
        """The program was removed: forget its crash episode, drop its own alert rules and schedules."""
        self.notifier.forget_program(program_id)
        self.alerting.forget_program(program_id)
        self.scheduling.forget_program(program_id)

    def notify(self, notification: Notification) -> list[Job]:
        """Send a notification to every interested webhook (plugins use this for their events)."""
        return self.notifier.notify(notification)

    # ------------------------------------------------------------------ webhooks

    def webhooks(self) -> tuple[WebhookEndpoint, ...]:
        return self.notifier.registry.all()

    def webhook(self, endpoint_id: int) -> WebhookEndpoint:
        return self.notifier.registry.get(endpoint_id)

    def add_webhook(self, data: Mapping[str, object]) -> WebhookEndpoint:
        """Raises ValidationError (bad fields) or ConflictError (too many endpoints)."""
        return self.notifier.add(data)

    def update_webhook(self, endpoint_id: int, data: Mapping[str, object]) -> WebhookEndpoint:
        return self.notifier.update(endpoint_id, data)

    def remove_webhook(self, endpoint_id: int) -> WebhookEndpoint:
        """Remove an endpoint, cancel its pending deliveries and forget its delivery log."""
        self.notifier.registry.get(endpoint_id)  # NotFoundError before anything is cancelled
        cancelled = self.queue.cancel_where(
            lambda job: job.kind == DELIVER and job.payload.get("endpoint_id") == endpoint_id,
            now=self._clock.time(),
            reason="webhook removed",
        )
        for job in cancelled:
            self.job_changed.emit(job)
        return self.notifier.remove(endpoint_id)

    def test_webhook(self, endpoint_id: int, *, actor: str = "") -> Job:
        """Queue a test message to one endpoint (also when it is switched off)."""
        return self.notifier.send_test(endpoint_id, actor=actor)

    def deliveries(self, endpoint_id: int, limit: int = 100) -> tuple[DeliveryRecord, ...]:
        """The endpoint's delivery log, newest first (from storage: written a few ms after each attempt)."""
        self.notifier.registry.get(endpoint_id)
        return self._storage.deliveries(endpoint_id, max(1, min(limit, MAX_DELIVERIES_PER_QUERY)))

    # ------------------------------------------------------------------ alert rules

    def alert_rules(self) -> tuple[AlertRule, ...]:
        return self.alerting.rules()

    def alert_rule(self, rule_id: int) -> AlertRule:
        return self.alerting.registry.get(rule_id)

    def add_alert_rule(self, data: Mapping[str, object]) -> AlertRule:
        """Raises ValidationError."""
        return self.alerting.add(data)

    def update_alert_rule(self, rule_id: int, data: Mapping[str, object]) -> AlertRule:
        return self.alerting.update(rule_id, data)

    def remove_alert_rule(self, rule_id: int) -> AlertRule:
        return self.alerting.remove(rule_id)

    def alerts_firing(self) -> list[AlertState]:
        """Rules whose condition holds right now, per program or disk."""
        return self.alerting.firing()

    # ------------------------------------------------------------------ schedules

    def schedules(self) -> tuple[Schedule, ...]:
        return self.scheduling.schedules()

    def schedule(self, schedule_id: int) -> Schedule:
        return self.scheduling.registry.get(schedule_id)

    def add_schedule(self, data: Mapping[str, object]) -> Schedule:
        """Raises ValidationError (bad fields, unknown program, invalid cron or time zone)."""
        return self.scheduling.add(data)

    def update_schedule(self, schedule_id: int, data: Mapping[str, object]) -> Schedule:
        return self.scheduling.update(schedule_id, data)

    def remove_schedule(self, schedule_id: int) -> Schedule:
        return self.scheduling.remove(schedule_id)

    def next_fire(self, schedule_id: int) -> float | None:
        """When a schedule fires next (None when disabled or it cannot be planned)."""
        return self.scheduling.next_fire(schedule_id)

    def schedule_problems(self) -> Mapping[int, str]:
        """Schedules that cannot be planned, with the reason (e.g. an unknown time zone)."""
        return self.scheduling.problems()

    # ------------------------------------------------------------------ jobs

    def jobs(self) -> tuple[Job, ...]:
        """Queued, running and recently finished jobs, newest first."""
        return self.queue.jobs()

    def job(self, job_id: int) -> Job:
        return self.queue.get(job_id)

    def retry_job(self, job_id: int) -> Job:
        job = self.queue.retry(job_id, now=self._clock.time())
        self._pool.notify(job)
        return job

    def cancel_job(self, job_id: int) -> Job:
        job = self.queue.cancel(job_id, now=self._clock.time())
        self._pool.notify(job)
        return job

    def report_progress(self, job_id: int, progress: JobProgress) -> None:
        """How far a running job is (from its handler's thread); shown in the Jobs view and ``GET /api/jobs``."""
        job = self.queue.report_progress(job_id, progress, now=self._clock.time())
        if job is not None:
            self.job_changed.emit(job)

    def job_cancelled(self, job_id: int) -> bool:
        """Whether a job was cancelled (a long handler polls this to stop early)."""
        return self.queue.is_cancelled(job_id)

    def enqueue(self, kind: str, payload: dict[str, object], **options: object) -> Job:
        """Queue a job (``title``, ``max_attempts``, ``program_id``, ``run_after``)."""
        job = self.queue.enqueue(kind, payload, now=self._clock.time(), **options)  # type: ignore[arg-type]
        self._pool.notify(job)
        return job

    def register_handler(self, kind: str, handler: Callable[[Job], object]) -> None:
        """Let jobs of ``kind`` run (a plugin or the scheduler); call before ``start``."""
        self._pool.add_handler(kind, handler)  # type: ignore[arg-type]
