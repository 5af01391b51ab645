"""Automation: what the monitor does on its own — notify webhooks, evaluate alert rules, run schedules —
through the persistent job queue.

Lives in the engine's thread. Everything here is fed by the engine's own signals (events, statuses, metric
ticks); slow work (HTTP deliveries, actions) becomes jobs run by the worker pool, so nothing here blocks.
"""

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from monitor_app.core.clock import Clock
from monitor_app.core.jobs import Job, JobOutcome
from monitor_app.core.model import Event, ProgramStatus
from monitor_app.core.notifications import (
    WEBHOOK_TEST,
    DeliveryRecord,
    Notification,
    WebhookEndpoint,
    endpoint_from_dict,
    endpoint_to_dict,
    event_matches,
    notification_from_dict,
    notification_to_dict,
)
from monitor_app.jobs.queue import JobQueue
from monitor_app.jobs.retry import RetryPolicy
from monitor_app.storage.repository import RecordChange, Storage
from monitor_app.webhooks.cooldown import Cooldown
from monitor_app.webhooks.delivery import deliver, redact_url
from monitor_app.webhooks.formats import render
from monitor_app.webhooks.registry import WebhookRegistry
from monitor_app.webhooks.triggers import NotificationTrigger
from monitor_app.workers.jobs import DEFAULT_WORKERS, JobPool

log = logging.getLogger(__name__)

DELIVER = "webhook.deliver"
DELIVERY_HEADER = "X-Monitor-Delivery"
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
class Persistence:
    """Where automation hands its changes for the storage thread to write."""

    job: Callable[[Job], None]
    record: Callable[[RecordChange], None]
    delivery: Callable[[DeliveryRecord], None]


class Automation(QObject):
    """Notifications, webhooks and the job queue (alert rules and schedules are added on top).

    Signals:
        job_changed(Job): a job was queued, started, finished, retried or cancelled.
        webhooks_changed(): an endpoint was added, edited or removed.
        delivery_recorded(DeliveryRecord): one delivery attempt ended.
    """

    job_changed = Signal(object)
    webhooks_changed = Signal()
    delivery_recorded = Signal(object)
    _delivered = Signal(object)  # from the job workers, queued into this thread

    def __init__(
        self,
        storage: Storage,
        persistence: Persistence,
        *,
        clock: Clock,
        program_name: Callable[[int], str | None],
        status_of: Callable[[int], ProgramStatus | None],
        config: AutomationConfig | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._storage = storage
        self._persist = persistence
        self._clock = clock
        self.config = config or AutomationConfig()
        self._language = self.config.language
        self.webhook_registry = WebhookRegistry(
            tuple(_stored_endpoint(record_id, spec) for record_id, spec in storage.load_records("webhooks")),
            last_id=storage.last_record_id("webhooks"),
            persist=self._persist_endpoint,
        )
        self._trigger = NotificationTrigger(program_name, status_of)
        self._cooldown = Cooldown()
        self.queue = JobQueue(
            storage.load_jobs(unfinished_only=True),
            last_id=storage.last_job_id(),
            persist=persistence.job,
            retry=self.config.retry,
        )
        self._pool = JobPool(
            self.queue, {DELIVER: self._run_delivery}, clock=clock, workers=self.config.workers, parent=self
        )
        self._pool.job_changed.connect(self.job_changed)
        self._delivered.connect(self._on_delivered)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._pool.start()

    def shutdown(self) -> None:
        self._pool.shutdown()

    def set_language(self, language: str) -> None:
        """Human text of later payloads ("en" or "ko")."""
        self._language = language

    # ------------------------------------------------------------------ inputs from the engine

    @Slot(object)
    def on_event(self, event: Event) -> None:
        for notification in self._trigger.on_event(event):
            self.notify(notification)

    def forget_program(self, program_id: int) -> None:
        self._trigger.forget(program_id)

    def notify(self, notification: Notification) -> list[Job]:
        """Queue one delivery per enabled endpoint that wants this event and is not cooling down."""
        jobs = []
        now = self._clock.time()
        for endpoint in self.webhook_registry.all():
            if not endpoint.enabled or not event_matches(endpoint.events, notification.event):
                continue
            held_back = self._cooldown.admit(
                endpoint.id, notification.event, notification.key, now=now, cooldown_s=endpoint.cooldown_s
            )
            if held_back is None:
                log.debug("%s for endpoint %d held back (cooldown)", notification.key, endpoint.id)
                continue
            jobs.append(self._enqueue_delivery(endpoint, notification, held_back=held_back))
        return jobs

    # ------------------------------------------------------------------ webhooks (commands and queries)

    def webhooks(self) -> tuple[WebhookEndpoint, ...]:
        return self.webhook_registry.all()

    def webhook(self, endpoint_id: int) -> WebhookEndpoint:
        return self.webhook_registry.get(endpoint_id)

    def add_webhook(self, data: Mapping[str, object]) -> WebhookEndpoint:
        """Raises ValidationError (bad fields) or ConflictError (too many endpoints)."""
        endpoint = self.webhook_registry.add(data, now=self._clock.time())
        self.webhooks_changed.emit()
        return endpoint

    def update_webhook(self, endpoint_id: int, data: Mapping[str, object]) -> WebhookEndpoint:
        endpoint = self.webhook_registry.update(endpoint_id, data)
        self.webhooks_changed.emit()
        return endpoint

    def remove_webhook(self, endpoint_id: int) -> WebhookEndpoint:
        """Remove an endpoint, cancel its pending deliveries and forget its delivery log."""
        endpoint = self.webhook_registry.remove(endpoint_id)
        self._cooldown.forget_endpoint(endpoint_id)
        self.queue.cancel_where(
            lambda job: job.kind == DELIVER and job.payload.get("endpoint_id") == endpoint_id,
            now=self._clock.time(),
            reason="webhook removed",
        )
        self.webhooks_changed.emit()
        return endpoint

    def test_webhook(self, endpoint_id: int, *, actor: str = "") -> Job:
        """Queue a test message to one endpoint (also when it is switched off)."""
        endpoint = self.webhook_registry.get(endpoint_id)
        by = f" by {actor}" if actor else ""
        notification = Notification(
            event=WEBHOOK_TEST,
            time=self._clock.time(),
            details={"message": f"Test message from monitor_app{by}: this webhook works."},
        )
        return self._enqueue_delivery(endpoint, notification, held_back=0)

    def deliveries(self, endpoint_id: int, limit: int = 100) -> tuple[DeliveryRecord, ...]:
        """The endpoint's delivery log, newest first (from storage: written a few ms after each attempt)."""
        self.webhook_registry.get(endpoint_id)
        return self._storage.deliveries(endpoint_id, max(1, min(limit, MAX_DELIVERIES_PER_QUERY)))

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

    def enqueue(self, kind: str, payload: dict[str, object], **options: object) -> Job:
        job = self.queue.enqueue(kind, payload, now=self._clock.time(), **options)  # type: ignore[arg-type]
        self._pool.notify(job)
        return job

    # ------------------------------------------------------------------ internals

    def _enqueue_delivery(self, endpoint: WebhookEndpoint, notification: Notification, *, held_back: int) -> Job:
        if held_back:
            notification = Notification(
                event=notification.event,
                time=notification.time,
                program_id=notification.program_id,
                program_name=notification.program_name,
                details={**notification.details, "held_back": held_back},
                key=notification.key,
            )
        label = endpoint.name or redact_url(endpoint.url)
        subject = f" ({notification.program_name})" if notification.program_name else ""
        return self.enqueue(
            DELIVER,
            {"endpoint_id": endpoint.id, "notification": notification_to_dict(notification)},
            title=f"{notification.event}{subject} → {label}",
            max_attempts=1 if notification.event == WEBHOOK_TEST else self.config.webhook_attempts,
            program_id=notification.program_id,
        )

    def _persist_endpoint(self, endpoint_id: int, endpoint: WebhookEndpoint | None) -> None:
        spec = None if endpoint is None else endpoint_to_dict(endpoint, with_secret=True)
        self._persist.record(RecordChange("webhooks", endpoint_id, spec))

    def _run_delivery(self, job: Job) -> JobOutcome:
        """One attempt, on a job worker thread."""
        endpoint_id = int(job.payload["endpoint_id"])  # type: ignore[call-overload]
        endpoint = self.webhook_registry.find(endpoint_id)
        if endpoint is None:
            return JobOutcome(ok=False, error="the webhook was removed", retry=False)
        notification = notification_from_dict(job.payload["notification"])  # type: ignore[arg-type]
        payload = render(endpoint, notification, language=self._language)
        payload = type(payload)(payload.body, {**payload.headers, DELIVERY_HEADER: str(job.id)})
        result = deliver(endpoint.url, payload, timeout=self.config.webhook_timeout_s)
        final = result.ok or not result.retry or job.attempts >= job.max_attempts
        self._delivered.emit(
            DeliveryRecord(
                endpoint_id=endpoint_id,
                time=self._clock.time(),
                event=notification.event,
                status=result.status,
                latency_ms=round(result.latency_ms, 1),
                error=result.error,
                attempt=job.attempts,
                final=final,
                job_id=job.id,
            )
        )
        return result.as_job_outcome()

    @Slot(object)
    def _on_delivered(self, record: DeliveryRecord) -> None:
        self._persist.delivery(record)
        self.delivery_recorded.emit(record)


def _stored_endpoint(record_id: int, spec: Mapping[str, object]) -> WebhookEndpoint:
    created = spec.get("created_at", 0.0)
    base = WebhookEndpoint(url="", id=record_id, created_at=float(created) if isinstance(created, int | float) else 0.0)
    return endpoint_from_dict(spec, existing=base)
