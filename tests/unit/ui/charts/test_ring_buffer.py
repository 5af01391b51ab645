"""RingBuffer: chronological views without copies, bounded memory."""

import numpy as np
import pytest

from monitor_app.ui.charts.ring_buffer import RingBuffer


def _filled(capacity: int, count: int) -> RingBuffer:
    ring = RingBuffer(capacity)
    for i in range(count):
        ring.append(float(i), float(i) * 10)
    return ring


def test_ring_buffer_keeps_samples_in_order() -> None:
    ring = _filled(5, 3)
    times, values = ring.view()
    assert len(ring) == 3
    assert times.tolist() == [0.0, 1.0, 2.0]
    assert values.tolist() == [0.0, 10.0, 20.0]


def test_ring_buffer_empty_view_and_last() -> None:
    ring = RingBuffer(4)
    times, values = ring.view()
    assert times.size == values.size == 0
    assert ring.last() is None


@pytest.mark.parametrize("count", [5, 6, 9, 10, 13, 100])
def test_ring_buffer_wraps_around_keeping_the_newest(count: int) -> None:
    ring = _filled(5, count)
    times, values = ring.view()
    expected = [float(i) for i in range(count - 5, count)]
    assert times.tolist() == expected
    assert values.tolist() == [t * 10 for t in expected]


def test_ring_buffer_never_grows_past_capacity() -> None:
    ring = RingBuffer(8)
    before = (ring._times.nbytes, ring._values.nbytes)
    for i in range(1000):
        ring.append(float(i), 1.0)
    assert len(ring) == 8
    assert (ring._times.nbytes, ring._values.nbytes) == before
    assert ring.view()[0].size == 8


@pytest.mark.parametrize(("prefill", "batch"), [(0, 3), (3, 4), (4, 5), (2, 12), (5, 5), (0, 0)])
def test_ring_buffer_extend_across_wrap_equals_appends(prefill: int, batch: int) -> None:
    extended = _filled(5, prefill)
    appended = _filled(5, prefill)
    times = np.arange(prefill, prefill + batch, dtype=float)
    extended.extend(times, times * 10)
    for t in times:
        appended.append(float(t), float(t) * 10)
    assert len(extended) == len(appended)
    for got, want in zip(extended.view(), appended.view(), strict=True):
        assert got.tolist() == want.tolist()
    assert extended.last() == appended.last()


def test_ring_buffer_extend_rejects_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="3 times but 2 values"):
        RingBuffer(4).extend(np.zeros(3), np.zeros(2))


def test_ring_buffer_view_is_contiguous_and_not_a_copy() -> None:
    ring = _filled(6, 15)  # wrapped twice and a half
    times, values = ring.view()
    assert times.flags.c_contiguous and values.flags.c_contiguous
    assert np.shares_memory(times, ring._times) and np.shares_memory(values, ring._values)
    assert times.base is ring._times and values.base is ring._values
    # A second call is another view of the same memory, not a fresh allocation.
    again, _ = ring.view()
    assert np.shares_memory(again, times)


def test_ring_buffer_last_is_the_newest_sample() -> None:
    ring = _filled(3, 7)
    assert ring.last() == (6.0, 60.0)


def test_ring_buffer_clear_forgets_samples() -> None:
    ring = _filled(3, 7)
    ring.clear()
    assert len(ring) == 0
    assert ring.last() is None
    ring.append(42.0, 1.0)
    assert ring.view()[0].tolist() == [42.0]


def test_ring_buffer_rejects_zero_capacity() -> None:
    with pytest.raises(ValueError):
        RingBuffer(0)


def test_ring_buffer_capacity_one() -> None:
    ring = _filled(1, 4)
    assert ring.view()[0].tolist() == [3.0]
