"""The engine facade over the REST API: a window attached to an engine running in another process or on another PC.

What the window reads often (programs, statuses, the latest tick) is mirrored here and kept current by the live
stream (``/api/stream``), so those queries answer from memory like the in-process engine. The GUI thread never
waits on the network for them: the stream and the start/stop/restart commands go through Qt's asynchronous
network manager, and the stored-history queries (called on background threads) use a blocking client there.
Registering, changing or deleting a program waits for the engine's answer (its validation messages belong in
the dialog), bounded by a short timeout; on the GUI thread that wait keeps the window painting and the stream
flowing (``ResponsiveClient``).

When the stream breaks, the window keeps showing the last state, says so (``connection_changed``), and
reconnects with backoff (1 s doubling to 30 s); on reconnect it re-reads everything and reports the differences
as ordinary signals. A refused credential stops the retries: ``refresh`` (e.g. re-reading the local engine's
advertisement, which holds a new token after the engine restarted) may supply a new endpoint first.
"""

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QByteArray, QCryptographicHash, QObject, QTimer, QUrl, Signal, Slot
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest

from monitor_app.core.errors import NotFoundError
from monitor_app.core.model import Event, MetricsTick, ProgramSpec, ProgramStatus, Series
from monitor_app.core.states import Cause, EventKind
from monitor_app.engine.facade import EngineFacade
from monitor_app.engine.remote_http import Endpoint
from monitor_app.engine.remote_ports import RemoteAccounts, RemoteAutomation, RemotePlugins
from monitor_app.engine.remote_wire import (
    event_from_json,
    series_from_json,
    spec_from_json,
    spec_to_json,
    status_from_json,
    tick_from_json,
)
from monitor_app.engine.responsive_client import ResponsiveClient

log = logging.getLogger(__name__)

#: Reconnect delays grow from the first to the last (seconds).
BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0
#: No byte from the stream for this long (the server sends a keep-alive every 15 s): the connection is dead.
STREAM_SILENCE_MS = 40_000
COMMAND_TIMEOUT_MS = 10_000
#: Program registration waits at most this long for the engine (on the GUI thread).
DIALOG_TIMEOUT_S = 5.0

CONNECTING = "connecting"
CONNECTED = "connected"
RECONNECTING = "reconnecting"
UNAUTHORIZED = "unauthorized"


class RemoteEngine(EngineFacade):
    """An engine reached through its REST API.

    Args:
        endpoint: The API address and credential.
        refresh: Called when the credential is refused or the engine is gone: a new endpoint to try, or None.

    Signals (besides the facade's):
        connection_changed(str, str): ``connecting``/``connected``/``reconnecting``/``unauthorized`` and a detail.
        signed_in(str, str): the engine's name for this credential's user and its role (``admin``/``guest``).
    """

    connection_changed = Signal(str, str)
    signed_in = Signal(str, str)

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        refresh: Callable[[], Endpoint | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.endpoint = endpoint
        self.client = ResponsiveClient(endpoint)
        self._refresh = refresh
        self._network = QNetworkAccessManager(self)
        # The stream gets its own manager, so its own connection: the server recognises a stream by the first
        # request on a connection, and a connection kept alive from an earlier call would be handed to plain HTTP.
        self._stream_network = QNetworkAccessManager(self)
        self._programs: dict[int, ProgramSpec] = {}
        self._statuses: dict[int, ProgramStatus] = {}
        self._latest: MetricsTick | None = None
        self._stream: QNetworkReply | None = None
        self._buffer = b""
        self._backoff = BACKOFF_FIRST_S
        self._ready_sent = False
        self._closing = False
        self._attempt = 0
        self._failed_attempt = 0  # the latest attempt that failed (its other requests then fail silently)
        self.state = CONNECTING
        self.state_detail = ""
        self.username = ""
        self.role = ""
        self.sampling_interval = 1.0
        self._silence = QTimer(self)
        self._silence.setSingleShot(True)
        self._silence.setInterval(STREAM_SILENCE_MS)
        self._silence.timeout.connect(self._on_silence)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.timeout.connect(self._connect)
        self.accounts = RemoteAccounts(self)
        self.automation = RemoteAutomation(self)
        self.plugins = RemotePlugins(self)
        self.automation.job_changed.connect(self.plugins.on_job_changed)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Connect (once; later calls do nothing). Answers arrive through the event loop."""
        if self._attempt == 0:
            self._connect()

    def shutdown(self) -> None:
        """Close the stream; the engine and its programs carry on."""
        self._closing = True
        self._retry.stop()
        self._silence.stop()
        if self._stream is not None:
            stream, self._stream = self._stream, None
            stream.abort()
            stream.deleteLater()
        self.automation.shutdown()
        self.plugins.shutdown()
        self.client.close()

    @property
    def connected(self) -> bool:
        return self.state == CONNECTED

    def _set_state(self, state: str, detail: str = "") -> None:
        if (state, detail) != (self.state, self.state_detail):
            self.state, self.state_detail = state, detail
            self.connection_changed.emit(state, detail)

    @Slot()
    def _connect(self) -> None:
        if self._closing:
            return
        # All at once (one round trip, not four): who am I, the live stream, and every program and status.
        self._attempt += 1
        attempt = self._attempt
        self._request("GET", "/api/auth/me", on_done=self._on_whoami,
                      on_error=lambda status, code, message: self._on_connect_failed(status, code, message, attempt))
        self._open_stream()
        self._resync(attempt)

    def _on_whoami(self, data: Any) -> None:
        self.username, self.role = str(data.get("username", "")), str(data.get("role", "guest"))
        if data.get("interval_s"):
            self.sampling_interval = float(data["interval_s"])
        self.signed_in.emit(self.username, self.role)

    def _on_connect_failed(self, status: int, code: str, message: str, attempt: int | None = None) -> None:
        """One connection attempt failed (each attempt reports once: its requests fail together)."""
        attempt = self._attempt if attempt is None else attempt
        if attempt != self._attempt or attempt == self._failed_attempt:
            return
        self._failed_attempt = attempt
        if self._stream is not None:
            stream, self._stream = self._stream, None
            stream.abort()
        if status == 401:
            fresh = self._refresh() if self._refresh is not None else None
            if fresh is not None and fresh != self.endpoint:
                self._use(fresh)
                self._schedule_retry(0)
                return
            self._set_state(UNAUTHORIZED, message)
            return
        if self._refresh is not None and code == "connection_failed":
            fresh = self._refresh()
            if fresh is not None and fresh != self.endpoint:
                self._use(fresh)
        self._set_state(RECONNECTING, message)
        self._schedule_retry(self._backoff)
        self._backoff = min(BACKOFF_MAX_S, self._backoff * 2)

    def _use(self, endpoint: Endpoint) -> None:
        log.info("engine endpoint is now %s", endpoint.base_url)
        self.endpoint = endpoint
        self.client.close()
        self.client = ResponsiveClient(endpoint)

    def use_credentials(self, token: str) -> None:
        """Sign in again with another token (e.g. after the user entered the password again) and reconnect."""
        self._use(Endpoint(self.endpoint.base_url, token, self.endpoint.tls_sha256))
        self._backoff = BACKOFF_FIRST_S
        self._schedule_retry(0)

    def _schedule_retry(self, delay_s: float) -> None:
        if not self._closing:
            self._retry.start(int(delay_s * 1000))

    # ------------------------------------------------------------------ the live stream

    def _open_stream(self) -> None:
        old, self._stream = self._stream, None
        if old is not None:
            old.abort()  # its end is not a failure of this attempt (it is no longer the stream)
        request = self._network_request("/api/stream")
        request.setRawHeader(b"Accept", b"text/event-stream")
        self._buffer = b""
        reply = self._stream_network.get(request)
        self._watch_tls(reply)
        reply.readyRead.connect(lambda r=reply: self._on_stream_data(r))
        reply.finished.connect(lambda r=reply: self._on_stream_end(r))
        self._stream = reply
        self._silence.start()

    def _on_stream_data(self, reply: QNetworkReply) -> None:
        if reply is not self._stream:
            return
        self._silence.start()
        self._buffer += bytes(reply.readAll().data())
        while b"\n\n" in self._buffer:
            block, self._buffer = self._buffer.split(b"\n\n", 1)
            kind, data = "message", []
            for line in block.decode("utf-8", "replace").splitlines():
                if line.startswith("event:"):
                    kind = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].lstrip())
            if data:
                try:
                    self._on_message(kind, json.loads("\n".join(data)))
                except (ValueError, KeyError, TypeError) as exc:
                    log.warning("ignored a malformed %s message from the engine: %s", kind, exc)

    def _on_stream_end(self, reply: QNetworkReply) -> None:
        reply.deleteLater()
        if reply is not self._stream or self._closing:
            return
        self._stream = None
        self._silence.stop()
        status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute)
        if status == 401:
            self._on_connect_failed(401, "unauthorized", self.tr("the engine no longer accepts this sign-in"))
            return
        detail = reply.errorString() if reply.error() != QNetworkReply.NetworkError.NoError else ""
        self._on_connect_failed(0, "connection_failed", detail or self.tr("the engine closed the connection"))

    @Slot()
    def _on_silence(self) -> None:
        if self._stream is not None:
            log.warning("no data from the engine for %d s; reconnecting", STREAM_SILENCE_MS // 1000)
            self._stream.abort()  # finished → _on_stream_end → reconnect

    def _on_message(self, kind: str, data: Any) -> None:
        if kind == "status":
            status = status_from_json(data, time.time())
            if status.program_id in self._programs or not self._ready_sent:
                self._statuses[status.program_id] = status
                self.status_changed.emit(status)
        elif kind == "tick":
            self._latest = tick_from_json(data)
            self.metrics_ready.emit(self._latest)
        elif kind == "event":
            event = event_from_json(data)
            self._on_event(event)
            self.event_recorded.emit(event)
        elif kind == "automation":
            self.automation.on_stream(data)

    def _on_event(self, event: Event) -> None:
        if event.program_id is None:
            return
        if event.kind is EventKind.PLUGIN:
            self.plugins.on_event(event.program_id)
        if event.kind in (EventKind.PROGRAM_ADDED, EventKind.PROGRAM_UPDATED):
            self._request("GET", f"/api/programs/{event.program_id}", on_done=self._on_program)
        elif event.kind is EventKind.PROGRAM_REMOVED and event.program_id in self._programs:
            del self._programs[event.program_id]
            self._statuses.pop(event.program_id, None)
            self.program_removed.emit(event.program_id)

    def _on_program(self, data: Any) -> None:
        spec = spec_from_json(data)
        known = spec.id in self._programs
        if known and self._programs[spec.id] == spec:
            return
        self._programs[spec.id] = spec
        if known:
            self.program_updated.emit(spec)
        else:
            self._statuses.setdefault(
                spec.id, status_from_json({"id": spec.id, "status": "stopped", "state_since": 0.0}, time.time())
            )
            self.program_added.emit(spec)

    def _resync(self, attempt: int) -> None:
        """On (re)connecting: read every program and status, report what changed, then we are connected."""
        answers: dict[str, Any] = {}

        def got(kind: str, data: Any) -> None:
            answers[kind] = data
            if len(answers) == 2 and attempt == self._attempt != self._failed_attempt:
                apply(answers["programs"], answers["statuses"])

        def failed(status: int, code: str, message: str) -> None:
            self._on_connect_failed(status, code, message, attempt)

        def apply(programs: Any, statuses: Any) -> None:
            now = time.time()
            fresh = {spec.id: spec for spec in (spec_from_json(p) for p in programs)}
            for program_id in [pid for pid in self._programs if pid not in fresh]:
                del self._programs[program_id]
                self._statuses.pop(program_id, None)
                self.program_removed.emit(program_id)
            for spec in fresh.values():
                old = self._programs.get(spec.id)
                self._programs[spec.id] = spec
                if old is None:
                    self._statuses.setdefault(
                        spec.id, status_from_json({"id": spec.id, "status": "stopped", "state_since": 0.0}, now)
                    )
                    self.program_added.emit(spec)
                elif old != spec:
                    self.program_updated.emit(spec)
            for raw in statuses:
                status = status_from_json(raw, now)
                known = self._statuses.get(status.program_id)
                if known is not None and known.state_since > status.state_since:
                    continue  # the stream already brought a newer state than this snapshot
                if status.program_id in self._programs and known != status:
                    self._statuses[status.program_id] = status
                    self.status_changed.emit(status)
            self._backoff = BACKOFF_FIRST_S
            self._set_state(CONNECTED, self.endpoint.base_url)
            self.automation.refresh_all()
            self.plugins.refresh_catalog()
            if self.plugins._program_id is not None:
                self.plugins.set_program(self.plugins._program_id)
            if not self._ready_sent:
                self._ready_sent = True
                self.ready.emit()

        self._request("GET", "/api/programs", on_done=lambda data: got("programs", data), on_error=failed)
        self._request("GET", "/api/programs/status", on_done=lambda data: got("statuses", data), on_error=failed)

    # ------------------------------------------------------------------ asynchronous requests

    def _network_request(self, path: str) -> QNetworkRequest:
        request = QNetworkRequest(QUrl(self.endpoint.base_url + path))
        request.setAttribute(QNetworkRequest.Attribute.Http2AllowedAttribute, False)
        request.setAttribute(
            QNetworkRequest.Attribute.CacheLoadControlAttribute,
            QNetworkRequest.CacheLoadControl.AlwaysNetwork,
        )
        if self.endpoint.token:
            request.setRawHeader(b"Authorization", f"Bearer {self.endpoint.token}".encode())
        return request

    def _watch_tls(self, reply: QNetworkReply) -> None:
        pinned = self.endpoint.tls_sha256.lower()

        def on_errors(_errors: object) -> None:
            certificate = reply.sslConfiguration().peerCertificate()
            seen = bytes(certificate.digest(QCryptographicHash.Algorithm.Sha256).toHex().data()).decode()
            if pinned and seen == pinned:
                reply.ignoreSslErrors()

        reply.sslErrors.connect(on_errors)

    def _request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[int, str, str], None] | None = None,
    ) -> None:
        """Send without waiting; ``on_done(json)`` or ``on_error(http status, code, message)`` later (GUI thread)."""
        request = self._network_request(path)
        request.setTransferTimeout(COMMAND_TIMEOUT_MS)
        payload = QByteArray(json.dumps(body).encode() if body is not None else b"")
        if body is not None:
            request.setHeader(QNetworkRequest.KnownHeaders.ContentTypeHeader, "application/json")
        reply = self._network.sendCustomRequest(request, method.encode(), payload)
        self._watch_tls(reply)

        def finished() -> None:
            reply.deleteLater()
            status = reply.attribute(QNetworkRequest.Attribute.HttpStatusCodeAttribute) or 0
            data = bytes(reply.readAll().data())
            if reply.error() == QNetworkReply.NetworkError.NoError and status < 400:
                if on_done is not None:
                    try:
                        on_done(json.loads(data) if data else None)
                    except (ValueError, KeyError, TypeError) as exc:
                        log.warning("unexpected answer to %s %s: %s", method, path, exc)
                return
            code, message = _error_of(status, data, reply.errorString())
            if status == 0:
                code = "connection_failed"
            if on_error is not None:
                on_error(int(status), code, message)
            else:
                log.warning("%s %s failed: %s", method, path, message)

        reply.finished.connect(finished)

    # ------------------------------------------------------------------ queries (from the mirror)

    def programs(self) -> tuple[ProgramSpec, ...]:
        return tuple(self._programs[k] for k in sorted(self._programs))

    def program(self, program_id: int) -> ProgramSpec:
        try:
            return self._programs[program_id]
        except KeyError:
            raise NotFoundError(f"no program with id {program_id}") from None

    def statuses(self) -> tuple[ProgramStatus, ...]:
        return tuple(self._statuses[k] for k in sorted(self._statuses) if k in self._programs)

    def status(self, program_id: int) -> ProgramStatus:
        try:
            return self._statuses[program_id]
        except KeyError:
            raise NotFoundError(f"no program with id {program_id}") from None

    def latest_metrics(self) -> MetricsTick | None:
        return self._latest

    # ------------------------------------------------------------------ queries (blocking: background threads)

    def history(
        self, program_id: int | None, metric: str, start: float, end: float, max_points: int
    ) -> Series:
        data = self.client.get(
            "/api/history",
            {"program_id": program_id, "metric": metric, "start": start, "end": end, "points": max_points},
        )
        return series_from_json(data, program_id, metric, start, end)

    def plugin_history(
        self, program_id: int, series: str, start: float, end: float, max_points: int
    ) -> Series:
        return self.history(program_id, series, start, end, max_points)

    def events(
        self,
        *,
        program_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = 100,
    ) -> tuple[Event, ...]:
        data = self.client.get(
            "/api/events",
            {"program_id": program_id, "since": since, "until": until, "limit": min(limit, 1000)},
        )
        return tuple(event_from_json(item) for item in data)

    def log_tail(self, program_id: int, lines: int = 100) -> tuple[str, ...]:
        data = self.client.get(f"/api/programs/{program_id}/output", {"lines": lines})
        return tuple(data.get("lines") or ())

    def output_log_path(self, program_id: int) -> str:
        """Where the engine writes the output (a path on the engine's PC; openable when that is this PC)."""
        data = self.client.get(f"/api/programs/{program_id}/output", {"lines": 1})
        return str(data.get("path") or "")

    # ------------------------------------------------------------------ commands

    def add_program(self, spec: ProgramSpec, *, cause: Cause, actor: str) -> ProgramSpec:
        data = self.client.call("POST", "/api/programs", spec_to_json(spec), timeout_s=DIALOG_TIMEOUT_S)
        stored = spec_from_json(data)
        self._on_program(data)
        return stored

    def update_program(self, program_id: int, spec: ProgramSpec, *, cause: Cause, actor: str) -> ProgramSpec:
        data = self.client.call(
            "PUT", f"/api/programs/{program_id}", spec_to_json(spec), timeout_s=DIALOG_TIMEOUT_S
        )
        self._on_program(data)
        return spec_from_json(data)

    def remove_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        self.client.call("DELETE", f"/api/programs/{program_id}", timeout_s=DIALOG_TIMEOUT_S)

    def start_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        self._command(program_id, "start")

    def stop_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        self._command(program_id, "stop")

    def restart_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        self._command(program_id, "restart")

    def _command(self, program_id: int, verb: str) -> None:
        self.program(program_id)  # NotFoundError at once, as in-process
        self._request(
            "POST",
            f"/api/programs/{program_id}/{verb}",
            on_error=lambda _status, code, message: self.command_failed.emit(program_id, code, message),
        )

    def record_audit(
        self, message: str, *, cause: Cause, actor: str, details: Mapping[str, object] | None = None
    ) -> None:
        """Nothing to do here: the engine records every change made through its API, with who and from where."""


def _error_of(status: int, data: bytes, fallback: str) -> tuple[str, str]:
    try:
        error = json.loads(data).get("error", {})
        return str(error.get("code") or f"http_{status}"), str(error.get("message") or fallback)
    except (ValueError, AttributeError):
        return f"http_{status}", fallback or f"HTTP {status}"
