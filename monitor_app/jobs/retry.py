"""When a failed attempt is tried again: capped exponential backoff with jitter, or what the other side asked."""

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Delays between attempts.

    Attempt n (1-based) failed → wait ``initial_s * 2**(n-1)``, capped at ``max_s``, spread by ±``jitter``
    (a fraction) so many jobs failing together do not retry together. A ``Retry-After`` from the receiver wins
    when it is longer, capped at ``max_retry_after_s`` (a receiver asking for an hour is not waited for).
    """

    initial_s: float = 5.0
    max_s: float = 300.0
    jitter: float = 0.2
    max_retry_after_s: float = 3600.0

    def delay(self, attempt: int, *, retry_after: float | None = None, rng: random.Random | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1 for the first)."""
        base = min(self.max_s, self.initial_s * 2 ** max(0, attempt - 1))
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        delay = max(0.0, base * (1.0 + spread))
        if retry_after is not None and retry_after > 0:
            delay = max(delay, min(retry_after, self.max_retry_after_s))
        return delay
