"""Bearer secrets: session tokens and API keys, and the hash they are stored and looked up by.

A secret is 32 random bytes (256 bits) in URL-safe base64 behind a readable prefix, so a leaked one is
recognisable (and secret scanners can be taught the prefix). Guessing is hopeless at that entropy, so a
fast SHA-256 is the right stored form: a lookup is one hash and one dict access, no bcrypt per request.
"""

import hashlib
import secrets

#: Prefix of session tokens returned by ``POST /api/auth/login``.
SESSION_PREFIX = "mas_"
#: Prefix of API keys.
API_KEY_PREFIX = "mak_"
#: Random bytes per secret.
SECRET_BYTES = 32


def new_secret(prefix: str) -> str:
    """A fresh random secret: ``prefix`` + 43 URL-safe characters."""
    return prefix + secrets.token_urlsafe(SECRET_BYTES)


def secret_hash(secret: str) -> str:
    """SHA-256 of the secret as 64 hex digits: what storage keeps and lookups key on."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
