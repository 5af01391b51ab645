"""The notifier: events become notifications, notifications become delivery jobs, one per interested webhook.

Lives in the engine's thread; the deliveries run on the job workers (``run_delivery``), which read the
endpoint registry without a lock and report each attempt back through a queued signal.
"""

import logging
from collections.abc import Callable, Mapping

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
    event_matches,
    notification_from_dict,
    notification_to_dict,
)
from monitor_app.engine.records import RecordRegistry
from monitor_app.engine.secret_records import webhook_change
from monitor_app.storage.repository import RecordChange
from monitor_app.webhooks.cooldown import Cooldown
from monitor_app.webhooks.delivery import deliver, redact_url
from monitor_app.webhooks.formats import RenderedPayload, render
from monitor_app.webhooks.triggers import NotificationTrigger

log = logging.getLogger(__name__)

DELIVER = "webhook.deliver"
#: Header naming the delivery (the job id), so a receiver can drop a retry it already processed.
DELIVERY_HEADER = "X-Monitor-Delivery"
MAX_ENDPOINTS = 100

#: Queues a job: (kind, payload, title, max_attempts, program_id) -> Job.
Enqueue = Callable[..., Job]


class Notifier(QObject):
    """Webhook endpoints, the notification trigger and the per-endpoint cooldown.

    Signals:
        webhooks_changed(): an endpoint was added, edited or removed.
        delivery_recorded(DeliveryRecord): one delivery attempt ended.
    """

    webhooks_changed = Signal()
    delivery_recorded = Signal(object)
    _delivered = Signal(object)  # from the job workers, queued into this thread

    def __init__(
        self,
        endpoints: tuple[tuple[int, Mapping[str, object]], ...],
        *,
        last_id: int,
        clock: Clock,
        enqueue: Enqueue,
        persist_record: Callable[[RecordChange], None],
        persist_delivery: Callable[[DeliveryRecord], None],
        program_name: Callable[[int], str | None],
        status_of: Callable[[int], ProgramStatus | None],
        attempts: int,
        timeout_s: float,
        language: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._enqueue = enqueue
        self._persist_record = persist_record
        self._persist_delivery = persist_delivery
        self._program_name = program_name
        self.attempts = attempts
        self.timeout_s = timeout_s
        self.language = language
        self.registry: RecordRegistry[WebhookEndpoint] = RecordRegistry(
            (_stored(record_id, spec) for record_id, spec in endpoints),
            last_id=last_id,
            parse=lambda data, existing: endpoint_from_dict(data, existing=existing),
            persist=self._persist_endpoint,
            noun="webhook",
            limit=MAX_ENDPOINTS,
        )
        self._trigger = NotificationTrigger(program_name, status_of)
        self._cooldown = Cooldown()
        self._delivered.connect(self._on_delivered)

    # ------------------------------------------------------------------ inputs

    @Slot(object)
    def on_event(self, event: Event) -> None:
        for notification in self._trigger.on_event(event):
            self.notify(notification)

    def forget_program(self, program_id: int) -> None:
        self._trigger.forget(program_id)

    def notify(self, notification: Notification) -> list[Job]:
        """Queue one delivery per enabled endpoint that wants this event and is not cooling down for it."""
        jobs = []
        now = self._clock.time()
        for endpoint in self.registry.all():
            if not endpoint.enabled or not event_matches(endpoint.events, notification.event):
                continue
            held_back = self._cooldown.admit(
                endpoint.id, notification.event, notification.key, now=now, cooldown_s=endpoint.cooldown_s
            )
            if held_back is None:
                log.debug("%s to webhook %d held back (cooldown)", notification.key, endpoint.id)
                continue
            jobs.append(self._queue_delivery(endpoint, notification, held_back=held_back))
        return jobs

    # ------------------------------------------------------------------ commands

    def add(self, data: Mapping[str, object]) -> WebhookEndpoint:
        endpoint = self.registry.add(data, now=self._clock.time())
        self.webhooks_changed.emit()
        return endpoint

    def update(self, endpoint_id: int, data: Mapping[str, object]) -> WebhookEndpoint:
        endpoint = self.registry.update(endpoint_id, data)
        self.webhooks_changed.emit()
        return endpoint

    def remove(self, endpoint_id: int) -> WebhookEndpoint:
        endpoint = self.registry.remove(endpoint_id)
        self._cooldown.forget_endpoint(endpoint_id)
        self.webhooks_changed.emit()
        return endpoint

    def send_test(self, endpoint_id: int, *, actor: str = "") -> Job:
        """Queue a test message to one endpoint (also when it is switched off); one attempt only."""
        endpoint = self.registry.get(endpoint_id)
        by = f" by {actor}" if actor else ""
        notification = Notification(
            event=WEBHOOK_TEST,
            time=self._clock.time(),
            details={"message": f"Test message from monitor_app{by}: this webhook works."},
        )
        return self._queue_delivery(endpoint, notification, held_back=0)

    # ------------------------------------------------------------------ delivery (job worker threads)

    def run_delivery(self, job: Job) -> JobOutcome:
        """One attempt of a delivery job."""
        endpoint_id = int(job.payload["endpoint_id"])  # type: ignore[call-overload]
        endpoint = self.registry.find(endpoint_id)
        if endpoint is None:
            return JobOutcome(ok=False, error="the webhook was removed", retry=False)
        notification = notification_from_dict(job.payload["notification"])  # type: ignore[arg-type]
        rendered = render(endpoint, notification, language=self.language)
        payload = RenderedPayload(rendered.body, {**rendered.headers, DELIVERY_HEADER: str(job.id)})
        result = deliver(endpoint.url, payload, timeout=self.timeout_s)
        self._delivered.emit(
            DeliveryRecord(
                endpoint_id=endpoint_id,
                time=self._clock.time(),
                event=notification.event,
                status=result.status,
                latency_ms=round(result.latency_ms, 1),
                error=result.error,
                attempt=job.attempts,
                final=result.ok or not result.retry or job.attempts >= job.max_attempts,
                job_id=job.id,
            )
        )
        return result.as_job_outcome()

    # ------------------------------------------------------------------ internals

    def _queue_delivery(self, endpoint: WebhookEndpoint, notification: Notification, *, held_back: int) -> Job:
        if held_back:
            details = {**notification.details, "held_back": held_back}
            notification = Notification(
                event=notification.event,
                time=notification.time,
                program_id=notification.program_id,
                program_name=notification.program_name,
                details=details,
                key=notification.key,
            )
        label = endpoint.name or redact_url(endpoint.url)
        subject = f" ({notification.program_name})" if notification.program_name else ""
        return self._enqueue(
            DELIVER,
            {"endpoint_id": endpoint.id, "notification": notification_to_dict(notification)},
            title=f"{notification.event}{subject} → {label}",
            max_attempts=1 if notification.event == WEBHOOK_TEST else self.attempts,
            program_id=notification.program_id,
        )

    def _persist_endpoint(self, endpoint_id: int, endpoint: WebhookEndpoint | None) -> None:
        self._persist_record(webhook_change(endpoint_id, endpoint))  # URL and secret to the secret store

    @Slot(object)
    def _on_delivered(self, record: DeliveryRecord) -> None:
        self._persist_delivery(record)
        self.delivery_recorded.emit(record)


def _stored(record_id: int, spec: Mapping[str, object]) -> WebhookEndpoint:
    created = spec.get("created_at", 0.0)
    at = float(created) if isinstance(created, int | float) else 0.0
    return endpoint_from_dict(spec, existing=WebhookEndpoint(url="", id=record_id, created_at=at))
