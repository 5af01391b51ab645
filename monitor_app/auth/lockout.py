"""Login lock-out: too many failed sign-ins for one username lock it for a while.

Counted per username (ignoring case), known or not, so the answer "locked" does not reveal which usernames
exist. The lock is on the username rather than on the client address because a password guesser can change
address; the price is that someone can keep a username locked by failing on purpose, which is why the lock
is short and the GUI at the PC never needs to sign in.

Memory is bounded: entries whose failures are older than the window (and whose lock has ended) are dropped,
and at most ``max_entries`` usernames are tracked (the least recently failed are forgotten first).
"""

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW_S = 300.0
DEFAULT_LOCK_S = 300.0
DEFAULT_MAX_ENTRIES = 10_000
_MAX_KEY_CHARS = 64


@dataclass(slots=True)
class _Entry:
    failures: deque[float] = field(default_factory=deque)  # times of recent failures, oldest first
    locked_until: float = 0.0
    last_failure: float = 0.0


class LoginThrottle:
    """Counts failed sign-ins per username and locks a username that fails too often.

    Args:
        max_failures: Failures within ``window_s`` that lock the username.
        window_s: How far back failures count.
        lock_s: How long a lock lasts; failures before it are forgotten when it starts.
        clock: Monotonic seconds, used when a method is not given ``now``.
        max_entries: Usernames tracked at most.

    Thread-safe.
    """

    def __init__(
        self,
        max_failures: int = DEFAULT_MAX_FAILURES,
        window_s: float = DEFAULT_WINDOW_S,
        lock_s: float = DEFAULT_LOCK_S,
        clock: Callable[[], float] = time.monotonic,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        if max_failures < 1 or window_s <= 0 or lock_s <= 0 or max_entries < 1:
            raise ValueError("max_failures, window_s, lock_s and max_entries must be positive")
        self.max_failures = max_failures
        self.window_s = float(window_s)
        self.lock_s = float(lock_s)
        self._clock = clock
        self._max_entries = max_entries
        # Ordered by last failure, oldest first: expired entries are always at the front.
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, username: str, now: float | None = None) -> float | None:
        """Seconds until ``username`` may try again, or ``None`` if it is not locked."""
        now = self._now(now)
        with self._lock:
            entry = self._entries.get(_key(username))
            if entry is not None and entry.locked_until > now:
                return entry.locked_until - now
            return None

    def record_failure(self, username: str, now: float | None = None) -> float | None:
        """Count a failed sign-in; return the lock's duration if this failure locked the username."""
        now = self._now(now)
        key = _key(username)
        with self._lock:
            entry = self._entries.pop(key, None) or _Entry()
            self._entries[key] = entry  # (re)inserted at the end: the most recent failure
            entry.last_failure = now
            if entry.locked_until > now:
                return None  # already locked: a failure while locked neither extends nor counts
            while entry.failures and entry.failures[0] <= now - self.window_s:
                entry.failures.popleft()
            entry.failures.append(now)
            locked = None
            if len(entry.failures) >= self.max_failures:
                entry.failures.clear()
                entry.locked_until = now + self.lock_s
                locked = self.lock_s
            self._evict(now)
            return locked

    def record_success(self, username: str) -> None:
        """A correct password: forget the username's failures."""
        with self._lock:
            self._entries.pop(_key(username), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def _evict(self, now: float) -> None:
        entries = self._entries
        while entries:
            entry = next(iter(entries.values()))
            expired = entry.last_failure <= now - self.window_s and entry.locked_until <= now
            if not expired and len(entries) <= self._max_entries:
                break
            entries.popitem(last=False)

    def _now(self, now: float | None) -> float:
        return self._clock() if now is None else now


def _key(username: str) -> str:
    # Truncated: usernames are at most 32 characters, and a megabyte of "username" must not be kept.
    return username[:_MAX_KEY_CHARS].casefold()
