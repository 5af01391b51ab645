"""The HTTP transport (the one Qt module of ``httpapi``): QHttpServer, TCP_NODELAY, the live stream, TLS.

Measured facts it follows (DESIGN.md): from Python, QHttpServer routes cannot bind arguments and can only
return ``str``, so one catch-all route hands every request to an after-request handler that dispatches to
``Dispatcher`` and swaps in the real response; both callables are kept referenced for the server's lifetime.
Every accepted socket gets ``LowDelayOption`` (without it each response waits ~40 ms for the client's delayed
ACK). The listener also peeks at each connection's first line: ``GET /api/stream`` is answered here as a
long-lived ``text/event-stream``, which QHttpServer cannot do; everything else goes to QHttpServer.

``ApiServer`` lives in its own thread (the app moves it there), so a busy API never delays the window.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtHttpServer import QHttpServer, QHttpServerRequest, QHttpServerResponder, QHttpServerResponse
from PySide6.QtNetwork import (
    QAbstractSocket,
    QHostAddress,
    QHttpHeaders,
    QSsl,
    QSslCertificate,
    QSslConfiguration,
    QSslKey,
    QSslServer,
    QSslSocket,
    QTcpServer,
    QTcpSocket,
)

from monitor_app.core.model import Event, MetricsTick, ProgramStatus
from monitor_app.httpapi import stream
from monitor_app.httpapi.dispatch import MAX_BODY_BYTES, ApiRequest, Dispatcher, error_response

log = logging.getLogger(__name__)

STREAM_PREFIX = b"GET /api/stream"
#: The request head (line and headers) is read before deciding where a connection goes; longer heads are
#: handed to QHttpServer as they are.
MAX_HEAD_BYTES = 8192
MAX_STREAM_CLIENTS = 64
MAX_STREAM_HEAD_BYTES = 16 * 1024
KEEPALIVE_MS = 15_000


@dataclass(frozen=True, slots=True)
class ApiConfig:
    host: str = "127.0.0.1"
    port: int = 8080
    tls_certificate: Path | None = None
    tls_key: Path | None = None

    @property
    def tls(self) -> bool:
        return self.tls_certificate is not None and self.tls_key is not None


def _low_delay(socket: QTcpSocket) -> None:
    socket.setSocketOption(QAbstractSocket.SocketOption.LowDelayOption, 1)


class _Router:
    """Decides per connection: the live stream (kept here) or plain HTTP (handed to QHttpServer)."""

    def __init__(self, server: QTcpServer, on_stream: Callable[[QTcpSocket], None]) -> None:
        self._server = server
        self._on_stream = on_stream

    def route(self, socket: QTcpSocket) -> None:
        handed_over = False

        def first_bytes() -> None:
            nonlocal handed_over
            if handed_over:
                # Our own readyRead below lands here again when the disconnect has not taken effect (seen with
                # PySide6 in a worker thread); handing the socket over twice made QHttpServer answer twice.
                return
            head = bytes(socket.peek(MAX_HEAD_BYTES).data())
            if b"\r\n\r\n" not in head and b"\n\n" not in head and len(head) < MAX_HEAD_BYTES:
                return  # wait for the whole request head
            handed_over = True
            QObject.disconnect(connection)
            if head.startswith(STREAM_PREFIX):
                self._on_stream(socket)
                return
            if declared_length(head) > MAX_BODY_BYTES:
                # Refused before QHttpServer reads the body into memory (it has no limit of its own).
                socket.write(stream.refusal(413, "body_too_large", f"the request body is larger than {MAX_BODY_BYTES} bytes"))
                socket.disconnectFromHost()
                return
            self._server.addPendingConnection(socket)
            self._server.newConnection.emit()
            socket.readyRead.emit()  # QHttpServer listens now; let it read what has already arrived

        connection = socket.readyRead.connect(first_bytes)
        if socket.bytesAvailable():
            first_bytes()


class _PlainListener(QTcpServer):
    def __init__(self, on_stream: Callable[[QTcpSocket], None]) -> None:
        super().__init__()
        self._router = _Router(self, on_stream)

    def incomingConnection(self, handle: int) -> None:
        socket = QTcpSocket(self)
        if not socket.setSocketDescriptor(handle):
            socket.deleteLater()
            return
        _low_delay(socket)
        self._router.route(socket)


class _TlsListener(QSslServer):
    def __init__(self, configuration: QSslConfiguration, on_stream: Callable[[QTcpSocket], None]) -> None:
        super().__init__()
        self.setSslConfiguration(configuration)
        self._configuration = configuration
        self._router = _Router(self, on_stream)

    def incomingConnection(self, handle: int) -> None:
        socket = QSslSocket(self)
        if not socket.setSocketDescriptor(handle):
            socket.deleteLater()
            return
        _low_delay(socket)
        socket.setSslConfiguration(self._configuration)
        socket.encrypted.connect(lambda: self._router.route(socket))
        socket.errorOccurred.connect(lambda _error: socket.deleteLater())
        socket.startServerEncryption()


def tls_configuration(certificate: Path, key: Path) -> QSslConfiguration:
    """The server side of TLS from PEM files; raises ValueError with what is wrong."""
    try:
        cert_data = certificate.read_bytes()
        key_data = key.read_bytes()
    except OSError as exc:
        raise ValueError(f"cannot read the TLS certificate or key: {exc}") from None
    certs = QSslCertificate.fromData(cert_data, QSsl.EncodingFormat.Pem)
    private = QSslKey(key_data, QSsl.KeyAlgorithm.Rsa, QSsl.EncodingFormat.Pem)
    if private.isNull():
        private = QSslKey(key_data, QSsl.KeyAlgorithm.Ec, QSsl.EncodingFormat.Pem)
    if not certs or private.isNull():
        raise ValueError(f"{certificate} / {key} is not a PEM certificate and private key")
    configuration = QSslConfiguration.defaultConfiguration()
    configuration.setLocalCertificateChain(certs)
    configuration.setPrivateKey(private)
    configuration.setPeerVerifyMode(QSslSocket.PeerVerifyMode.VerifyNone)
    return configuration


class ApiServer(QObject):
    """Serves the REST API and the live stream; create it, move it to its thread, start it there.

    Signals:
        listening(str): the address it serves, e.g. "http://127.0.0.1:8080".
        failed(str): why it could not serve (port in use, bad certificate…); the app keeps running.
    """

    listening = Signal(str)
    failed = Signal(str)

    def __init__(
        self,
        dispatcher: Dispatcher,
        config: ApiConfig,
        *,
        authorize_stream: Callable[[ApiRequest], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._dispatcher = dispatcher
        self._config = config
        self._authorize_stream = authorize_stream
        self._http: QHttpServer | None = None
        self._listener: QTcpServer | None = None
        self._route_handler = self._on_route  # referenced for the server's lifetime (see the module doc)
        self._after_handler = self._on_after_request
        self._streams: list[QTcpSocket] = []
        self._keepalive: QTimer | None = None
        self.address = ""
        #: Set once ``start`` has finished, listening or not (see ``RestApi.start``: why the caller waits).
        self.start_done = threading.Event()

    # ------------------------------------------------------------------ lifecycle (in the thread)

    @Slot()
    def start(self) -> None:
        try:
            self._start()
        finally:
            self.start_done.set()

    def _start(self) -> None:
        config = self._config
        try:
            if config.tls:
                assert config.tls_certificate is not None and config.tls_key is not None
                listener: QTcpServer = _TlsListener(tls_configuration(config.tls_certificate, config.tls_key), self._on_stream)
            else:
                listener = _PlainListener(self._on_stream)
        except ValueError as exc:
            self._fail(str(exc))
            return
        listener.setParent(self)
        address = QHostAddress(config.host)
        if address.isNull():
            self._fail(f"{config.host!r} is not an IP address to listen on")
            return
        if not listener.listen(address, config.port):
            self._fail(f"cannot listen on {config.host}:{config.port}: {listener.errorString()}")
            return
        http = QHttpServer(self)
        http.route("/.*", self._route_handler)
        http.addAfterRequestHandler(self, self._after_handler)
        if not http.bind(listener):
            self._fail("cannot attach the HTTP server to its socket")
            return
        self._http, self._listener = http, listener
        self._keepalive = QTimer(self)
        self._keepalive.timeout.connect(self._on_keepalive)
        self._keepalive.start(KEEPALIVE_MS)
        scheme = "https" if config.tls else "http"
        host = f"[{config.host}]" if ":" in config.host else config.host
        self.address = f"{scheme}://{host}:{listener.serverPort()}"
        log.info("REST API at %s", self.address)
        self.listening.emit(self.address)

    @Slot()
    def shutdown(self) -> None:
        """Close everything, in this thread: Qt objects with timers must die in the thread that owns them."""
        if self._keepalive is not None:
            self._keepalive.stop()
        for socket in self._streams:
            socket.abort()
        self._streams.clear()
        if self._listener is not None:
            self._listener.close()
        for child in (self._http, self._listener, self._keepalive):
            if child is not None and shiboken6.isValid(child):
                shiboken6.delete(child)
        self._http = self._listener = self._keepalive = None

    def _fail(self, reason: str) -> None:
        log.warning("REST API not started: %s", reason)
        self.failed.emit(reason)

    @property
    def port(self) -> int:
        return self._listener.serverPort() if self._listener is not None else 0

    # ------------------------------------------------------------------ HTTP

    def _on_route(self, _request: QHttpServerRequest) -> str:
        return ""  # the after-request handler writes the real response

    def _on_after_request(self, request: QHttpServerRequest, response: QHttpServerResponse) -> None:
        try:
            api_response = self._dispatcher.dispatch(to_api_request(request))
        except Exception:
            log.exception("cannot read the request")
            api_response = error_response(500, "internal_error", "internal error; see the monitor's log")
        status = _STATUS.get(api_response.status) or QHttpServerResponder.StatusCode(api_response.status)
        replacement = QHttpServerResponse(api_response.content_type.encode(), api_response.body, status)
        if api_response.headers:
            headers = QHttpHeaders()
            headers.append("Content-Type", api_response.content_type)
            for name, value in api_response.headers.items():
                headers.append(name, value)
            replacement.setHeaders(headers)
        response.swap(replacement)

    # ------------------------------------------------------------------ live stream

    def _on_stream(self, socket: QTcpSocket) -> None:
        """A ``GET /api/stream`` connection: read its head, check the token, then keep it to push events."""
        buffer = bytearray()

        def read_head() -> None:
            buffer.extend(bytes(socket.readAll().data()))
            if b"\r\n\r\n" not in buffer and b"\n\n" not in buffer:
                if len(buffer) > MAX_STREAM_HEAD_BYTES:
                    socket.write(stream.refusal(400, "bad_request", "request head too large"))
                    socket.disconnectFromHost()
                return
            socket.readyRead.disconnect(read_head)
            self._accept_stream(socket, parse_head(bytes(buffer), socket.peerAddress().toString()))

        socket.readyRead.connect(read_head)
        socket.disconnected.connect(lambda: self._drop_stream(socket))
        read_head()

    def _accept_stream(self, socket: QTcpSocket, request: ApiRequest) -> None:
        if not self._authorize_stream(request):
            socket.write(stream.refusal(401, "unauthorized", "sign in first (Authorization: Bearer or ?token=)"))
            socket.disconnectFromHost()
            return
        if len(self._streams) >= MAX_STREAM_CLIENTS:
            socket.write(stream.refusal(503, "too_many_streams", "too many live streams are open"))
            socket.disconnectFromHost()
            return
        socket.write(stream.HEADERS)
        socket.write(stream.message("hello", {"time": time.time()}))
        self._streams.append(socket)

    def _drop_stream(self, socket: QTcpSocket) -> None:
        if socket in self._streams:
            self._streams.remove(socket)
        socket.deleteLater()

    def _broadcast(self, payload: bytes) -> None:
        for socket in list(self._streams):
            if socket.state() != QAbstractSocket.SocketState.ConnectedState:
                self._drop_stream(socket)
                continue
            socket.write(payload)

    @Slot(object)
    def on_status(self, status: ProgramStatus) -> None:
        if self._streams:
            self._broadcast(stream.status_message(status, time.time()))

    @Slot(object)
    def on_event(self, event: Event) -> None:
        if self._streams:
            self._broadcast(stream.event_message(event))

    @Slot(object)
    def on_tick(self, tick: MetricsTick) -> None:
        if self._streams:
            self._broadcast(stream.tick_message(tick))

    @Slot(object)
    def on_automation(self, data: object) -> None:
        """A change of webhooks, alert rules, schedules or jobs (already JSON-shaped): attached windows refresh."""
        if self._streams:
            self._broadcast(stream.message("automation", data))

    @Slot()
    def _on_keepalive(self) -> None:
        self._broadcast(stream.KEEPALIVE)

    @property
    def stream_count(self) -> int:
        return len(self._streams)


#: The only request headers the dispatcher reads; fetching just these keeps the per-request cost down.
USED_HEADERS = (b"authorization", b"content-type", b"accept-encoding", b"if-none-match")
_METHODS = {method: method.name.upper() for method in QHttpServerRequest.Method}
_STATUS = {int(code.value): code for code in QHttpServerResponder.StatusCode}


def to_api_request(request: QHttpServerRequest) -> ApiRequest:
    url = request.url()
    query = dict(parse_qsl(url.query(), keep_blank_values=True)) if url.hasQuery() else {}
    headers = {}
    for name in USED_HEADERS:
        value = request.value(name)
        if not value.isEmpty():
            headers[name.decode()] = bytes(value.data()).decode("latin-1")
    method = _METHODS.get(request.method(), "GET")
    return ApiRequest(
        method=method,
        path=url.path(),
        query=query,
        headers=headers,
        body=bytes(request.body().data()) if method in ("POST", "PUT", "PATCH", "DELETE") else b"",
        client=request.remoteAddress().toString(),
    )


def declared_length(head: bytes) -> int:
    """The Content-Length a request head declares (0 if none or unreadable)."""
    for line in head.split(b"\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return int(value.strip())
            except ValueError:
                return 0
        if not line.strip():
            break
    return 0


def parse_head(head: bytes, client: str) -> ApiRequest:
    """The request line and headers of a raw HTTP request (the stream bypasses QHttpServer)."""
    text = head.decode("latin-1")
    lines = text.replace("\r\n", "\n").split("\n")
    method, _, rest = lines[0].partition(" ")
    target = rest.rsplit(" ", 1)[0] if " " in rest else rest
    parts = urlsplit(target)
    headers = {}
    for line in lines[1:]:
        if not line:
            break
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    query = {k: v for k, v in parse_qsl(parts.query, keep_blank_values=True)}
    return ApiRequest(method=method.upper(), path=parts.path, query=query, headers=headers, client=client)
