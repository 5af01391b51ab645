"""Per-client rate limits: a sliding window of ``count`` requests per ``per_s`` seconds."""

import pytest

from monitor_app.auth.ratelimit import DEFAULT_LIMITS, Limit, RateLimiter


def test_default_limits_are_the_seeds() -> None:
    assert dict(DEFAULT_LIMITS) == {
        "auth": Limit(5, 60.0),
        "manage": Limit(30, 60.0),
        "action": Limit(10, 60.0),
        "metrics": Limit(100, 60.0),
    }


def test_allows_count_per_window_then_says_how_long_to_wait() -> None:
    limiter = RateLimiter({"auth": Limit(5, 60)})

    assert [limiter.hit("auth", "10.0.0.2", now=t) for t in (0, 1, 2, 3, 4)] == [None] * 5
    assert limiter.hit("auth", "10.0.0.2", now=10) == 50  # the request at t=0 leaves the window at 60
    assert limiter.hit("auth", "10.0.0.2", now=59.2) == 1  # 0.8 s rounded up
    assert limiter.hit("auth", "10.0.0.2", now=60) is None
    assert limiter.hit("auth", "10.0.0.2", now=60.5) == 1  # t=1 leaves at 61


def test_the_window_slides() -> None:
    limiter = RateLimiter({"b": Limit(2, 10)})
    limiter.hit("b", "c", now=0)
    limiter.hit("b", "c", now=9)

    assert limiter.hit("b", "c", now=9.5) == 1
    assert limiter.hit("b", "c", now=10) is None
    assert limiter.hit("b", "c", now=11) == 8  # t=9 leaves at 19


def test_refused_requests_are_not_counted() -> None:
    limiter = RateLimiter({"b": Limit(1, 10)})
    limiter.hit("b", "c", now=0)
    for t in range(1, 10):
        assert limiter.hit("b", "c", now=t) is not None

    assert limiter.hit("b", "c", now=10) is None


def test_clients_and_buckets_are_independent() -> None:
    limiter = RateLimiter({"auth": Limit(1, 60), "action": Limit(1, 60)})

    assert limiter.hit("auth", "a", now=0) is None
    assert limiter.hit("auth", "b", now=0) is None
    assert limiter.hit("action", "a", now=0) is None
    assert limiter.hit("auth", "a", now=1) == 59
    assert limiter.hit("action", "b", now=1) is None


def test_an_unknown_bucket_is_not_limited() -> None:
    limiter = RateLimiter({"auth": Limit(1, 60)})

    assert all(limiter.hit("live", "a", now=0) is None for _ in range(1000))
    assert len(limiter) == 0


def test_memory_is_bounded() -> None:
    limiter = RateLimiter({"b": Limit(3, 10)}, max_entries=50)

    for i in range(1000):
        limiter.hit("b", f"10.0.{i // 256}.{i % 256}", now=0)
    assert len(limiter) == 50

    limiter.hit("b", "late", now=10)
    assert len(limiter) == 1, "clients whose window is empty are dropped"


def test_limits_can_be_configured_and_reset() -> None:
    limiter = RateLimiter({**DEFAULT_LIMITS, "auth": Limit(1, 5)})
    limiter.hit("auth", "a", now=0)

    assert limiter.limits["auth"] == Limit(1, 5)
    assert limiter.hit("auth", "a", now=1) == 4
    limiter.reset()
    assert limiter.hit("auth", "a", now=1) is None


@pytest.mark.parametrize(("count", "per_s"), [(0, 60), (5, 0), (5, -1), (5, float("inf"))])
def test_a_limit_must_make_sense(count: int, per_s: float) -> None:
    with pytest.raises(ValueError):
        Limit(count, per_s)
