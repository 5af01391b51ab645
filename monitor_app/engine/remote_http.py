"""Blocking JSON calls to an engine's REST API, for worker threads (the GUI thread uses ``ResponsiveClient``).

One keep-alive connection per thread and engine (a history read right after another costs a round trip, not
a TCP handshake). The API's error shape comes back as the engine's own exceptions (``ValidationError`` with
its fields, ``NotFoundError``, ``ConflictError``), so a dialog shows the same messages in both modes. With
https, the server's certificate is pinned: its SHA-256 must be the one recorded (trust on first use), and
names are not checked (a LAN PC has no certificate from a public authority).
"""

import hashlib
import http.client
import json
import socket
import ssl
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from monitor_app.core.errors import (
    ConflictError,
    FieldError,
    ForbiddenError,
    MonitorError,
    NotFoundError,
    ValidationError,
)

DEFAULT_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where an engine answers and with which credential.

    Attributes:
        base_url: ``http(s)://host:port``.
        token: Bearer token (a login token, an API key or the local token).
        tls_sha256: The pinned certificate's SHA-256 (hex) for https; empty: accept any and report it.
    """

    base_url: str
    token: str = ""
    tls_sha256: str = ""

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""


class ConnectionFailedError(MonitorError):
    """The engine cannot be reached (refused, timed out, connection lost)."""

    code = "connection_failed"


class UnauthorizedError(MonitorError):
    """The credential was refused (wrong password, expired or revoked token)."""

    code = "unauthorized"


class CertificateMismatchError(MonitorError):
    """The server's certificate is not the pinned one: maybe another machine answers at that address."""

    code = "certificate_mismatch"

    def __init__(self, message: str, seen: str) -> None:
        super().__init__(message)
        self.seen = seen


def peer_certificate_sha256(connection: http.client.HTTPConnection) -> str:
    sock = connection.sock
    der = sock.getpeercert(binary_form=True) if isinstance(sock, ssl.SSLSocket) else None
    return hashlib.sha256(der).hexdigest() if der else ""


def _unpinned_context() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the pin below is the check
    return context


class RemoteClient:
    """Thread-safe: each calling thread gets its own connection."""

    def __init__(self, endpoint: Endpoint, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.endpoint = endpoint
        self._timeout = timeout_s
        self._local = threading.local()

    def with_token(self, token: str) -> "RemoteClient":
        return type(self)(
            Endpoint(self.endpoint.base_url, token, self.endpoint.tls_sha256), timeout_s=self._timeout
        )

    def get(self, path: str, query: dict[str, Any] | None = None) -> Any:
        clean = {k: v for k, v in (query or {}).items() if v is not None}
        return self.call("GET", f"{path}?{urlencode(clean)}" if clean else path)

    def call(self, method: str, path: str, body: Any = None, *, timeout_s: float | None = None) -> Any:
        """The decoded JSON answer (None for 204). Raises the errors above or the engine's own."""
        payload = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if self.endpoint.token:
            headers["Authorization"] = f"Bearer {self.endpoint.token}"
        for attempt in (1, 2):
            connection = self._connection(timeout_s)
            try:
                connection.request(method, path, body=payload, headers=headers)
                response = connection.getresponse()
                data = response.read()
                break
            except (ConnectionError, http.client.RemoteDisconnected, http.client.BadStatusLine) as exc:
                self._drop()
                if attempt == 2 or method not in ("GET", "HEAD"):  # a command is never sent twice
                    raise ConnectionFailedError(f"{self.endpoint.base_url}: connection lost ({exc})") from exc
            except (OSError, http.client.HTTPException) as exc:
                self._drop()
                raise ConnectionFailedError(f"cannot reach {self.endpoint.base_url}: {_reason(exc)}") from exc
        if response.getheader("Connection", "").lower() == "close":
            self._drop()
        return _decode(response.status, data)

    def close(self) -> None:
        self._drop()

    def _connection(self, timeout_s: float | None) -> http.client.HTTPConnection:
        connection: http.client.HTTPConnection | None = getattr(self._local, "connection", None)
        timeout = self._timeout if timeout_s is None else timeout_s
        if connection is not None:
            connection.timeout = timeout
            if connection.sock is not None:
                connection.sock.settimeout(timeout)
            return connection
        parts = urlsplit(self.endpoint.base_url)
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port or 443, timeout=timeout, context=_unpinned_context()
            )
        else:
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=timeout)
        try:
            connection.connect()
        except (OSError, http.client.HTTPException) as exc:
            raise ConnectionFailedError(f"cannot reach {self.endpoint.base_url}: {_reason(exc)}") from exc
        if connection.sock is not None:
            connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if parts.scheme == "https":
            seen = peer_certificate_sha256(connection)
            pinned = self.endpoint.tls_sha256.lower()
            if pinned and seen != pinned:
                connection.close()
                raise CertificateMismatchError(
                    f"{self.endpoint.base_url} presented a different certificate than the one trusted before "
                    f"(SHA-256 {seen[:16]}…, expected {pinned[:16]}…)",
                    seen,
                )
        self._local.connection = connection
        return connection

    def _drop(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | socket.timeout):
        return "no answer in time"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused (is the engine running and its API enabled?)"
    return str(exc) or type(exc).__name__


def _decode(status: int, data: bytes) -> Any:
    try:
        decoded = json.loads(data) if data else None
    except ValueError:
        decoded = None
    if status < 400:
        return decoded
    error = decoded.get("error", {}) if isinstance(decoded, dict) else {}
    message = str(error.get("message") or f"HTTP {status}")
    code = str(error.get("code") or "")
    if code == "validation_error":
        details = error.get("details") or []
        fields = [FieldError(str(d.get("field", "")), str(d.get("message", ""))) for d in details if isinstance(d, dict)]
        raise ValidationError(fields or [FieldError("request", message)])
    by_status: dict[int, type[MonitorError]] = {
        401: UnauthorizedError, 403: ForbiddenError, 404: NotFoundError, 409: ConflictError,
    }
    if status in by_status and code not in ("locked",):
        raise by_status[status](message)
    failure = MonitorError(message)
    failure.code = code or f"http_{status}"
    raise failure
