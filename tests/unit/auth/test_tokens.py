"""Bearer secrets and their stored hash."""

import hashlib
import re

from monitor_app.auth.tokens import API_KEY_PREFIX, SESSION_PREFIX, new_secret, secret_hash


def test_secrets_have_a_readable_prefix_and_256_random_bits() -> None:
    token = new_secret(SESSION_PREFIX)
    key = new_secret(API_KEY_PREFIX)

    assert re.fullmatch(r"mas_[A-Za-z0-9_-]{43}", token)
    assert re.fullmatch(r"mak_[A-Za-z0-9_-]{43}", key)


def test_secrets_are_unique() -> None:
    assert len({new_secret(SESSION_PREFIX) for _ in range(1000)}) == 1000


def test_hash_is_sha256_hex_and_deterministic() -> None:
    token = new_secret(SESSION_PREFIX)

    assert secret_hash(token) == hashlib.sha256(token.encode()).hexdigest()
    assert secret_hash(token) == secret_hash(token)
    assert secret_hash(token) != secret_hash(token + "x")
    assert re.fullmatch(r"[0-9a-f]{64}", secret_hash(token))


def test_hash_takes_any_string() -> None:
    assert len(secret_hash("\ud800 lone surrogate from a broken header")) == 64
