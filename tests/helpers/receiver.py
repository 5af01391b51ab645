"""A real HTTP receiver on 127.0.0.1 for webhook tests: records every request, answers from a script.

    with WebhookReceiver() as receiver:
        receiver.respond(429, {"Retry-After": "2"})   # first request
        receiver.hang(5)                              # second: read it, never answer
        ...                                           # then the default (200)
        deliver(receiver.url, payload)
        [request] = receiver.wait_for(1)

It binds 127.0.0.1 only, on a port the OS picks. ``close()`` returns promptly even while a handler hangs:
hanging and trickling handlers wait on an event that ``close()`` sets.
"""

import json
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from requests.structures import CaseInsensitiveDict

HOST = "127.0.0.1"
DEFAULT_PATH = "/webhook"


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as it arrived.

    Attributes:
        headers: Case-insensitive (``headers["x-monitor-signature"]`` works).
        arrived: ``time.monotonic()`` when its headers had been read.
    """

    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes
    arrived: float

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass(frozen=True)
class _Answer:
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class _Hang:
    seconds: float


@dataclass(frozen=True)
class _Trickle:
    status: int
    seconds: float
    interval: float
    headers: Mapping[str, str]


class WebhookReceiver:
    """A threaded HTTP server for one test; use as a context manager (or ``start()`` / ``close()``).

    Args:
        default_status: The answer once the script of ``respond``/``hang``/``trickle`` calls is used up.
        path: The path of ``url``.
    """

    def __init__(self, *, default_status: int = 200, path: str = DEFAULT_PATH) -> None:
        self._default = _Answer(default_status)
        self._path = path
        self._script: deque[_Answer | _Hang | _Trickle] = deque()
        self._requests: list[ReceivedRequest] = []
        self._changed = threading.Condition()
        self._closing = threading.Event()
        handler = type("Handler", (_Handler,), {"receiver": self})
        self._server = _Server((HOST, 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="webhook-receiver",
            daemon=True,
        )
        self._started = False

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> Self:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and wake any hanging handler; safe to call twice."""
        self._closing.set()
        if self._started and self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()
        if self._started:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- addresses -------------------------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return self.url_for(self._path)

    def url_for(self, path: str) -> str:
        """A URL on this receiver with another path (and query), e.g. a Discord-like ``/api/webhooks/1/TOKEN``."""
        return f"http://{HOST}:{self.port}{path}"

    # -- the script ------------------------------------------------------------------------------------------

    def respond(self, status: int, headers: Mapping[str, str] | None = None, body: bytes = b"") -> None:
        """Queue one answer (answers are used in order, one per request)."""
        self._queue(_Answer(status, dict(headers or {}), body))

    def hang(self, seconds: float) -> None:
        """Queue one request that is read and never answered; the connection closes after ``seconds``."""
        self._queue(_Hang(seconds))

    def trickle(
        self,
        seconds: float,
        *,
        status: int = 200,
        interval: float = 0.05,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Queue a status line and headers promising a large body, then one body byte every ``interval``."""
        self._queue(_Trickle(status, seconds, interval, dict(headers or {})))

    def _queue(self, action: _Answer | _Hang | _Trickle) -> None:
        with self._changed:
            self._script.append(action)

    def _next_action(self) -> _Answer | _Hang | _Trickle:
        with self._changed:
            return self._script.popleft() if self._script else self._default

    # -- what arrived ----------------------------------------------------------------------------------------

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Every request so far, in order of arrival (a copy)."""
        with self._changed:
            return list(self._requests)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[ReceivedRequest]:
        """The first ``count`` requests, waiting up to ``timeout`` s for them; AssertionError if they don't come."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._requests) >= count, timeout):
                raise AssertionError(
                    f"expected {count} request(s) within {timeout} s, got {len(self._requests)}"
                )
            return self._requests[:count]

    def _record(self, request: ReceivedRequest) -> None:
        with self._changed:
            self._requests.append(request)
            self._changed.notify_all()


def refused_url(path: str = DEFAULT_PATH) -> str:
    """A URL on 127.0.0.1 whose port refuses connections (it was free a moment ago and nobody listens)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    return f"http://{HOST}:{port}{path}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            return  # the client gave up first: that is what several tests are about
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class _Handler(BaseHTTPRequestHandler):
    receiver: WebhookReceiver

    def do_POST(self) -> None:
        self._handle()

    do_GET = do_PUT = do_PATCH = do_DELETE = do_POST

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def _handle(self) -> None:
        arrived = time.monotonic()
        body = self._read_body()
        receiver = self.receiver
        receiver._record(
            ReceivedRequest(self.command, self.path, CaseInsensitiveDict(self.headers.items()), body, arrived)
        )
        action = receiver._next_action()
        self.close_connection = True
        if isinstance(action, _Hang):
            receiver._closing.wait(action.seconds)
        elif isinstance(action, _Trickle):
            self._trickle(action)
        else:
            self.send_response(action.status)
            for name, value in action.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(action.body)))
            self.end_headers()
            self.wfile.write(action.body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _trickle(self, action: _Trickle) -> None:
        self.send_response(action.status)
        for name, value in action.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(10_000_000))
        self.end_headers()
        self.wfile.flush()
        deadline = time.monotonic() + action.seconds
        while time.monotonic() < deadline and not self.receiver._closing.wait(action.interval):
            self.wfile.write(b" ")
            self.wfile.flush()
