"""Login lock-out per username, on a hand-moved clock."""

import pytest

from monitor_app.auth.lockout import LoginThrottle


def _throttle(**options: float) -> LoginThrottle:
    now = {"t": 0.0}
    return LoginThrottle(clock=lambda: now["t"], **options)  # type: ignore[arg-type]


def test_locks_after_max_failures_within_the_window() -> None:
    throttle = _throttle(max_failures=3, window_s=60, lock_s=120)

    assert throttle.record_failure("alice", now=0) is None
    assert throttle.record_failure("alice", now=10) is None
    assert throttle.check("alice", now=10) is None
    assert throttle.record_failure("alice", now=20) == 120

    assert throttle.check("alice", now=20) == 120
    assert throttle.check("alice", now=100) == 40
    assert throttle.check("bob", now=100) is None


def test_unlocks_after_lock_s_with_a_clean_slate() -> None:
    throttle = _throttle(max_failures=2, window_s=60, lock_s=30)
    throttle.record_failure("alice", now=0)
    throttle.record_failure("alice", now=1)

    assert throttle.check("alice", now=30.5) == pytest.approx(0.5)
    assert throttle.check("alice", now=31) is None
    assert throttle.record_failure("alice", now=32) is None, "failures before the lock no longer count"


def test_failures_outside_the_window_do_not_count() -> None:
    throttle = _throttle(max_failures=3, window_s=60, lock_s=30)

    for t in (0, 50, 100, 150, 200):
        assert throttle.record_failure("alice", now=t) is None

    assert throttle.check("alice", now=200) is None


def test_failures_while_locked_do_not_extend_the_lock() -> None:
    throttle = _throttle(max_failures=2, window_s=60, lock_s=30)
    throttle.record_failure("alice", now=0)
    throttle.record_failure("alice", now=0)

    throttle.record_failure("alice", now=20)

    assert throttle.check("alice", now=20) == 10


def test_usernames_are_compared_ignoring_case() -> None:
    throttle = _throttle(max_failures=2)
    throttle.record_failure("Admin", now=0)
    throttle.record_failure("ADMIN", now=1)

    assert throttle.check("admin", now=2) is not None


def test_success_resets_the_count() -> None:
    throttle = _throttle(max_failures=3)
    throttle.record_failure("alice", now=0)
    throttle.record_failure("alice", now=1)

    throttle.record_success("alice")
    throttle.record_failure("alice", now=2)
    throttle.record_failure("alice", now=3)

    assert throttle.check("alice", now=3) is None
    assert throttle.record_failure("alice", now=4) is not None


def test_uses_its_clock_without_now() -> None:
    now = {"t": 100.0}
    throttle = LoginThrottle(max_failures=1, window_s=10, lock_s=10, clock=lambda: now["t"])

    throttle.record_failure("alice")
    now["t"] = 105.0

    assert throttle.check("alice") == 5


def test_memory_is_bounded_by_expiry_and_by_size() -> None:
    throttle = _throttle(max_failures=5, window_s=60, lock_s=60, max_entries=100)

    for i in range(1000):
        throttle.record_failure(f"user{i}", now=0)
    assert len(throttle) == 100
    assert throttle.check("user999", now=0) is None  # kept (most recent), not locked

    throttle.record_failure("late", now=61)
    assert len(throttle) == 1, "entries past the window and not locked are dropped"


def test_an_old_lock_is_dropped_once_it_has_ended() -> None:
    throttle = _throttle(max_failures=1, window_s=10, lock_s=100)
    throttle.record_failure("alice", now=0)

    throttle.record_failure("bob", now=50)
    assert throttle.check("alice", now=50) == 50, "a running lock is kept although its failures are old"

    throttle.record_failure("carol", now=200)
    assert len(throttle) == 1


def test_rejects_nonsense_settings() -> None:
    with pytest.raises(ValueError, match="positive"):
        LoginThrottle(max_failures=0)


def test_huge_usernames_are_not_kept_whole() -> None:
    throttle = _throttle(max_failures=2)
    throttle.record_failure("x" * 1_000_000, now=0)
    throttle.record_failure("x" * 999_999, now=1)

    assert throttle.check("x" * 500_000, now=2) is not None
    assert len(throttle) == 1
