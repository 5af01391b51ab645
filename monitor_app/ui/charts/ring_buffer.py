"""A fixed-size store of (time, value) samples whose newest samples are always one contiguous numpy slice."""

import numpy as np


class RingBuffer:
    """Keeps the last ``capacity`` samples in fixed memory and hands them out without copying.

    Each sample is written twice, at ``i`` and ``i + capacity`` of arrays twice the capacity long, so the
    last ``len(self)`` samples always sit in one contiguous slice in chronological order: ``view()`` is a
    pair of numpy views, never a copy, and appending is O(1). A view is a snapshot only until the next
    append or clear writes into the same memory; copy it if it must outlive that.
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self._capacity = capacity
        self._times = np.zeros(2 * capacity, dtype=np.float64)
        self._values = np.zeros(2 * capacity, dtype=np.float64)
        self._head = 0  # where the next sample goes, in [0, capacity)
        self._count = 0

    @property
    def capacity(self) -> int:
        return self._capacity

    def __len__(self) -> int:
        return self._count

    def append(self, time: float, value: float) -> None:
        """Add one sample; once full, the oldest sample is dropped."""
        head = self._head
        self._times[head] = self._times[head + self._capacity] = time
        self._values[head] = self._values[head + self._capacity] = value
        self._head = (head + 1) % self._capacity
        if self._count < self._capacity:
            self._count += 1

    def extend(self, times: np.ndarray, values: np.ndarray) -> None:
        """Add many samples at once (in chronological order); only the last ``capacity`` are kept.

        Raises:
            ValueError: ``times`` and ``values`` differ in length.
        """
        times = np.asarray(times, dtype=np.float64).ravel()
        values = np.asarray(values, dtype=np.float64).ravel()
        if times.shape != values.shape:
            raise ValueError(f"{times.size} times but {values.size} values")
        if times.size > self._capacity:
            times = times[-self._capacity :]
            values = values[-self._capacity :]
        n = times.size
        if n == 0:
            return
        # Split at the physical end of the first half so each piece is one slice assignment.
        first = min(n, self._capacity - self._head)
        for start, length, src in ((self._head, first, 0), (0, n - first, first)):
            if length == 0:
                continue
            for buffer, data in ((self._times, times), (self._values, values)):
                buffer[start : start + length] = data[src : src + length]
                buffer[start + self._capacity : start + self._capacity + length] = data[src : src + length]
        self._head = (self._head + n) % self._capacity
        self._count = min(self._capacity, self._count + n)

    def clear(self) -> None:
        """Forget every sample (the memory is kept for reuse)."""
        self._head = 0
        self._count = 0

    def view(self) -> tuple[np.ndarray, np.ndarray]:
        """The stored (times, values), oldest first, as views into the buffer (no copy)."""
        end = self._head + self._capacity
        start = end - self._count
        return self._times[start:end], self._values[start:end]

    def last(self) -> tuple[float, float] | None:
        """The newest (time, value), or ``None`` when empty."""
        if self._count == 0:
            return None
        index = self._head - 1 + self._capacity
        return float(self._times[index]), float(self._values[index])
