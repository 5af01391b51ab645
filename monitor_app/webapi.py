"""The REST API put together (composition, like app.py): dispatcher, metrics, OpenAPI and the server, running
in its own thread and fed by the engine's signals."""

import logging
import time
from typing import Any

from PySide6.QtCore import QMetaObject, QObject, Qt, Signal

from monitor_app.auth.ratelimit import DEFAULT_LIMITS, Limit, RateLimiter
from monitor_app.auth.service import AccountService
from monitor_app.core.alerts import rule_to_dict
from monitor_app.engine.local import LocalEngine
from monitor_app.httpapi import schemas
from monitor_app.httpapi.dispatch import ApiRequest, Dispatcher, bearer_token
from monitor_app.httpapi.openapi import openapi_document
from monitor_app.httpapi.perf import PerformanceStats
from monitor_app.httpapi.prometheus import ApiMetrics
from monitor_app.httpapi.routes import ApiServices, build_routes
from monitor_app.httpapi.server import ApiConfig, ApiServer
from monitor_app.workers.threads import stop_thread, thread_for

log = logging.getLogger(__name__)

#: How long ``RestApi.start`` waits for the server to set itself up (normally a few milliseconds).
START_WAIT_S = 5.0


class AutomationRelay(QObject):
    """Turns the automation's signals into the stream's ``automation`` messages (JSON-shaped, no secrets)."""

    changed = Signal(object)

    def __init__(self, automation: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        automation.job_changed.connect(lambda job: self.changed.emit({"what": "job", "job": schemas.job_json(job)}))
        automation.delivery_recorded.connect(
            lambda record: self.changed.emit({"what": "delivery", "delivery": schemas.delivery_json(record)})
        )
        automation.webhooks_changed.connect(lambda: self.changed.emit({"what": "webhooks"}))
        automation.rules_changed.connect(lambda: self.changed.emit({"what": "rules"}))
        automation.schedules_changed.connect(lambda: self.changed.emit({"what": "schedules"}))
        automation.alert_transition.connect(self._on_transition)

    def _on_transition(self, transition: Any) -> None:
        self.changed.emit({
            "what": "alert", "rule": rule_to_dict(transition.rule), "program_id": transition.program_id,
            "subject": transition.subject, "fired": transition.fired, "time": transition.time,
            "value": transition.value, "message": transition.message, "unit": transition.unit,
        })


class RestApi(QObject):
    """Owns the API server and its thread.

    Signals:
        listening(str): the address it serves at.
        failed(str): it could not start (the rest of the app runs on).
    """

    listening = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        engine: LocalEngine,
        accounts: AccountService,
        config: ApiConfig,
        *,
        limits: dict[str, Limit] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self.perf = PerformanceStats()
        self.metrics = ApiMetrics(engine)
        services = ApiServices(engine=engine, accounts=accounts, perf=self.perf, metrics_text=self.metrics.text, started_at=time.time())
        routes = build_routes(services)
        document = openapi_document(routes)
        services.openapi = lambda: document
        self.dispatcher = Dispatcher(
            routes,
            authenticate=accounts.resolve,
            limiter=RateLimiter(limits or DEFAULT_LIMITS),
            perf=self.perf,
            observe=self.metrics.observe,
        )

        def authorize_stream(request: ApiRequest) -> bool:
            token = bearer_token(request) or request.query.get("token", "")
            return bool(token) and accounts.resolve(token) is not None

        self.server = ApiServer(self.dispatcher, config, authorize_stream=authorize_stream)
        self.server.listening.connect(self._on_listening)
        self.server.failed.connect(self.failed)
        engine.status_changed.connect(self.server.on_status)
        engine.event_recorded.connect(self.server.on_event)
        engine.metrics_ready.connect(self.server.on_tick)
        self._relay = AutomationRelay(engine.automation, self)
        self._relay.changed.connect(self.server.on_automation)
        self.address = ""
        self._thread = thread_for(self.server, "http")

    def start(self) -> None:
        """Start the server's thread and wait (at most ``START_WAIT_S``) until the server has set itself up.

        Setting up creates and connects Qt objects from Python in the API thread, holding the GIL, and Qt's
        connect takes a lock shared (by address) with other objects. If the GUI thread meanwhile destroys an
        object, it holds such a lock and may need the GIL for a Python override (``disconnectNotify``): both
        threads would wait for ever (seen once in the test suite). Waiting here, without the GIL, keeps the
        GUI thread out of the way for those few milliseconds.
        """
        self._thread.start()
        if not self.server.start_done.wait(START_WAIT_S):
            log.warning("the REST API thread has not finished starting after %.0f s", START_WAIT_S)

    def stop(self) -> None:
        if self._thread.isRunning():
            QMetaObject.invokeMethod(self.server, "shutdown", Qt.ConnectionType.BlockingQueuedConnection)
        stop_thread(self._thread)

    def _on_listening(self, address: str) -> None:
        self.address = address
        self.listening.emit(address)
