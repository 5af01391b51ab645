"""HMAC signatures of generic payloads, so a receiver can tell our posts from anyone else's.

The header value is ``sha256=<hex HMAC-SHA256 of the exact body bytes>`` (GitHub's scheme, which many receivers
already know how to check). The body carries the event time, so a receiver can also refuse stale replays.
"""

import hashlib
import hmac

SIGNATURE_HEADER = "X-Monitor-Signature"
EVENT_HEADER = "X-Monitor-Event"
_PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    """The ``X-Monitor-Signature`` value for ``body``: ``sha256=`` and the hex HMAC-SHA256 keyed by ``secret``."""
    return _PREFIX + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify_signature(secret: str, body: bytes, header: str | None) -> bool:
    """Whether ``header`` is the signature of ``body`` under ``secret`` (compared in constant time)."""
    if not header:
        return False
    expected = sign(secret, body).encode("ascii")
    return hmac.compare_digest(expected, header.strip().encode("utf-8", "replace"))
