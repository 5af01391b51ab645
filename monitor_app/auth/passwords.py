"""Password hashing (bcrypt) and the rules a new password must follow.

bcrypt only looks at the first 72 bytes of a password; bcrypt 5 refuses longer ones instead of silently
truncating them, and so does the policy here, with a message that says why.
"""

import re

import bcrypt

from monitor_app.core.errors import FieldError, ValidationError

#: Work factor of new hashes: 2^12 rounds, about 0.2 s on a 2024 desktop core.
DEFAULT_ROUNDS = 12
#: bcrypt's minimum work factor (used by tests for speed).
MIN_ROUNDS = 4
MIN_LENGTH = 8
#: bcrypt ignores (bcrypt 5 refuses) everything past this many bytes.
MAX_BYTES = 72

_COST = re.compile(r"^\$2[abxy]?\$(\d\d)\$")


def hash_password(plain: str, rounds: int = DEFAULT_ROUNDS) -> str:
    """A salted bcrypt hash of ``plain`` (``$2b$<rounds>$...``).

    Raises:
        ValueError: ``plain`` is longer than 72 bytes in UTF-8 (check the policy first).
    """
    return bcrypt.hashpw(plain.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(plain: str, hashed: str) -> bool:
    """Whether ``plain`` matches ``hashed``, in constant time; ``False`` (never an error) for a malformed
    hash or a password bcrypt cannot take (too long)."""
    try:
        return bcrypt.checkpw(plain.encode("utf-8"), hashed.encode("ascii"))
    except (ValueError, TypeError, UnicodeError):
        return False


def hash_rounds(hashed: str) -> int | None:
    """The work factor recorded in a bcrypt hash, ``None`` if it is not one."""
    match = _COST.match(hashed)
    return int(match.group(1)) if match else None


def needs_rehash(hashed: str, rounds: int) -> bool:
    """Whether a hash was made with fewer rounds than ``rounds`` now asks for (rehash at the next login)."""
    current = hash_rounds(hashed)
    return current is not None and current < rounds


def password_problems(plain: str, *, username: str = "") -> list[FieldError]:
    """Every rule ``plain`` breaks, as errors of the ``password`` field (empty: acceptable)."""
    problems: list[str] = []
    if len(plain) < MIN_LENGTH:
        problems.append(f"must be at least {MIN_LENGTH} characters long")
    elif plain.isdigit():
        problems.append("must not be only digits")
    if username and plain.casefold() == username.casefold():
        problems.append("must not be the same as the username")
    size = len(plain.encode("utf-8"))
    if size > MAX_BYTES:
        problems.append(
            f"must be at most {MAX_BYTES} bytes in UTF-8 (bcrypt's limit; this one has {size}; "
            "a Korean character takes 3 bytes)"
        )
    return [FieldError("password", problem) for problem in problems]


def check_password_policy(plain: str, *, username: str = "") -> None:
    """Accept ``plain`` as a new password or say what is wrong with it.

    Rules: at least 8 characters, not only digits, not the username (ignoring case), at most 72 bytes in
    UTF-8 (bcrypt's limit).

    Raises:
        ValidationError: one ``FieldError("password", ...)`` per broken rule.
    """
    problems = password_problems(plain, username=username)
    if problems:
        raise ValidationError(problems)
