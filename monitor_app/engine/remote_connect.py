"""Reaching another PC's engine before a window attaches to it: its address, its certificate, a sign-in.

The steps of "Connect to another PC…" without any widget, so the dialog only asks and shows. Every call here
blocks on the network (run it on a background thread). A certificate is trusted on first use: ``probe``
reports the SHA-256 it saw for the user to confirm, and refuses (``CertificateMismatchError``) a certificate
that differs from the pinned one. The password only travels to ``/api/auth/login``; what comes back is an
``Endpoint`` holding a session token (or the API key itself), which is never written anywhere.
"""

import hashlib
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from monitor_app.core.errors import FieldError, ValidationError
from monitor_app.engine.remote_http import (
    DEFAULT_TIMEOUT_S,
    CertificateMismatchError,
    ConnectionFailedError,
    Endpoint,
    RemoteClient,
)

#: The engine's API port unless the address names another one.
DEFAULT_PORT = 8080

PASSWORD = "password"
API_KEY = "key"


@dataclass(frozen=True, slots=True)
class Probe:
    """An engine that answered its health check.

    Attributes:
        base_url: ``scheme://host:port``.
        certificate_sha256: For https, the SHA-256 (hex) of the certificate it presented; empty for http.
        version: The engine's version.
    """

    base_url: str
    certificate_sha256: str
    version: str


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A credential the engine accepted.

    Attributes:
        endpoint: Address, bearer token (a session token or the API key) and certificate pin.
        username: The account the engine says it belongs to ("" if it did not say).
        role: ``admin`` or ``guest``.
        session: True when the token is a session from a password sign-in (signed out when the window closes);
            False for an API key (which must outlive the window).
    """

    endpoint: Endpoint
    username: str
    role: str
    session: bool


def parse_address(text: str) -> str:
    """``host``, ``host:port`` or ``http(s)://host[:port]`` as ``scheme://host:port`` (http and 8080 by default).

    Raises:
        ValidationError: on the ``address`` field, saying what is wrong.
    """
    raw = text.strip()
    if not raw:
        raise _invalid("enter the other PC's address, e.g. 192.168.0.10 or https://server:8080")
    if any(ch.isspace() for ch in raw):
        raise _invalid("an address has no spaces")
    if "://" not in raw:
        raw = "http://" + raw
    parts = urlsplit(raw)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise _invalid(f"{parts.scheme}:// is not supported: use http:// or https://")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise _invalid("give only the host and port, without a path")
    if parts.username or parts.password:
        raise _invalid("put the username in its own field, not in the address")
    try:
        port = DEFAULT_PORT if parts.port is None else parts.port
    except ValueError:
        raise _invalid("the port must be a number from 1 to 65535") from None
    host = parts.hostname or ""
    if not host:
        raise _invalid("the address has no host name")
    if port == 0:
        raise _invalid("the port must be a number from 1 to 65535")
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


def format_fingerprint(sha256_hex: str) -> str:
    """``ab12cd…`` as ``AB:12:CD:…``, the way browsers and ``openssl -fingerprint`` show it."""
    digits = sha256_hex.strip().upper()
    return ":".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def probe(base_url: str, pinned_sha256: str = "", *, timeout_s: float = DEFAULT_TIMEOUT_S) -> Probe:
    """Check that a monitor_app engine answers at ``base_url`` (``/api/health``) and what certificate it shows.

    Raises:
        ConnectionFailedError: nothing answers, or not like an engine.
        CertificateMismatchError: https with a pin, and the certificate is another one.
    """
    client = RemoteClient(Endpoint(base_url, "", pinned_sha256), timeout_s=timeout_s)
    try:
        health = client.get("/api/health")
    except ConnectionFailedError as exc:
        if (
            base_url.startswith("http://")
            and "refused" not in exc.message
            and _speaks_tls(base_url, timeout_s)
        ):
            https = "https://" + base_url.removeprefix("http://")
            raise ConnectionFailedError(f"{base_url} answers with https: connect to {https}") from exc
        raise
    finally:
        client.close()
    if not isinstance(health, dict) or health.get("status") != "ok":
        raise ConnectionFailedError(f"{base_url} answers, but not like a monitor_app engine")
    seen = ""
    if base_url.startswith("https://"):
        seen = certificate_sha256(base_url, timeout_s=timeout_s)
        if pinned_sha256 and seen != pinned_sha256.lower():
            raise CertificateMismatchError(
                f"{base_url} changed its certificate between two connections", seen
            )
    return Probe(base_url, seen, str(health.get("version", "")))


def certificate_sha256(base_url: str, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> str:
    """The SHA-256 (hex) of the certificate an https server presents (not verified: the user decides).

    Raises:
        ConnectionFailedError: no TLS handshake.
    """
    parts = urlsplit(base_url)
    try:
        pem = ssl.get_server_certificate(
            (parts.hostname or "", parts.port or DEFAULT_PORT), timeout=timeout_s
        )
    except (OSError, ssl.SSLError) as exc:
        raise ConnectionFailedError(f"cannot read the certificate of {base_url}: {exc}") from exc
    return hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem)).hexdigest()


def sign_in_with_password(
    base_url: str, pinned_sha256: str, username: str, password: str, *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> SignedIn:
    """Log in as ``username``; the engine's lock-out and rate limits apply.

    Raises:
        UnauthorizedError: wrong username or password.
        MonitorError: e.g. ``locked`` / ``rate_limited`` with the engine's "try again in N s".
        ConnectionFailedError, CertificateMismatchError: as for ``probe``.
    """
    client = RemoteClient(Endpoint(base_url, "", pinned_sha256), timeout_s=timeout_s)
    try:
        data = client.call("POST", "/api/auth/login", {"username": username, "password": password})
    finally:
        client.close()
    endpoint = Endpoint(base_url, str(data["token"]), pinned_sha256)
    return SignedIn(endpoint, username, str(data.get("role", "guest")), session=True)


def sign_in_with_key(
    base_url: str, pinned_sha256: str, api_key: str, *, timeout_s: float = DEFAULT_TIMEOUT_S
) -> SignedIn:
    """Check an API key by asking the engine whose it is (``/api/auth/me``).

    Raises:
        UnauthorizedError: unknown, revoked or expired key.
        ConnectionFailedError, CertificateMismatchError: as for ``probe``.
    """
    endpoint = Endpoint(base_url, api_key, pinned_sha256)
    client = RemoteClient(endpoint, timeout_s=timeout_s)
    try:
        data = client.get("/api/auth/me")
    finally:
        client.close()
    return SignedIn(endpoint, str(data.get("username", "")), str(data.get("role", "guest")), session=False)


def sign_out(signed_in: SignedIn, *, timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
    """End a password sign-in's session on the engine (an API key is left alone: it outlives the window)."""
    if not signed_in.session:
        return
    client = RemoteClient(signed_in.endpoint, timeout_s=timeout_s)
    try:
        client.call("POST", "/api/auth/logout")
    finally:
        client.close()


def _speaks_tls(base_url: str, timeout_s: float) -> bool:
    try:
        certificate_sha256("https://" + base_url.removeprefix("http://"), timeout_s=timeout_s)
    except ConnectionFailedError:
        return False
    return True


def _invalid(message: str) -> ValidationError:
    return ValidationError([FieldError("address", message)])
