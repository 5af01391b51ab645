"""What never leaves the machine in a webhook body: secret-looking detail keys, the endpoint's own URL and secret.

Details come from the engine, plugins and alert rules; a plugin may well put a token or an environment dump in
them by mistake. Every format is built from the cleaned copy made here, so one filter covers all of them.
"""

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

REDACTED = "[redacted]"

#: Key fragments that mark a value as a credential (matched case-insensitively anywhere in the key).
_SENSITIVE_KEY = re.compile(r"secret|passw|token|key|authori[sz]ation|credential|cookie", re.IGNORECASE)
#: Whole keys that hold a process environment (full of credentials on a server).
_ENVIRONMENT_KEYS = frozenset({"env", "environ", "environment"})
#: Shorter needles are too likely to match innocent text to be searched for.
MIN_REDACT_LENGTH = 6
_MAX_DEPTH = 8


def is_sensitive_key(name: str) -> bool:
    """Whether a detail key names a credential or an environment (such entries are dropped, not masked)."""
    return bool(_SENSITIVE_KEY.search(name)) or name.strip().lower() in _ENVIRONMENT_KEYS


def scrub_text(text: str, needles: Iterable[str]) -> str:
    """``text`` with every occurrence of a needle (a secret, a webhook URL) replaced by ``[redacted]``."""
    for needle in needles:
        if len(needle) >= MIN_REDACT_LENGTH and needle in text:
            text = text.replace(needle, REDACTED)
    return text


def clean_details(details: Mapping[str, object], *, redact: Iterable[str] = ()) -> dict[str, Any]:
    """A JSON-safe copy of ``details`` without sensitive keys (at any depth) and with ``redact`` strings masked.

    Tuples become lists, non-finite floats become ``None``, other objects their ``str()``; nesting deeper than
    a few levels is cut (details are facts, not documents).
    """
    needles = tuple(sorted((n for n in redact if n), key=len, reverse=True))
    return _clean_mapping(details, needles, 0)


def _clean_mapping(mapping: Mapping[Any, object], needles: tuple[str, ...], depth: int) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in mapping.items():
        name = str(key)
        if is_sensitive_key(name):
            continue
        cleaned[scrub_text(name, needles)] = _clean_value(value, needles, depth + 1)
    return cleaned


def _clean_value(value: object, needles: tuple[str, ...], depth: int) -> Any:
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return scrub_text(value, needles)
    if depth >= _MAX_DEPTH:
        return "…"
    if isinstance(value, Mapping):
        return _clean_mapping(value, needles, depth)
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean_value(item, needles, depth + 1) for item in value]
    return scrub_text(str(value), needles)
