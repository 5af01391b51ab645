"""The fire-once / resolve-once latch every rule kind shares, so hysteresis is written (and tested) once."""

from enum import Enum

#: Tolerance for comparing elapsed wall times (1000.1 - 940.1 is 59.99999…).
EPSILON = 1e-6


class Edge(Enum):
    FIRED = "fired"
    RESOLVED = "resolved"


class Latch:
    """A breach must hold ``hold`` seconds to fire; a clear must hold ``release`` seconds to resolve.

    Callers decide per observation whether the value breaches (e.g. CPU ≥ 90 %) and whether it is clear (e.g.
    CPU < 85.5 %, the threshold minus a margin); a value in between is neither, which is the hysteresis band:
    it stops a pending fire and a pending resolve alike. One observation that is not a breach restarts the
    hold timer, so only a condition that held continuously fires. It never fires twice without resolving,
    and never resolves without having fired.
    """

    __slots__ = ("breach_since", "clear_since", "fired_at", "hold", "release", "value")

    def __init__(self, hold: float, release: float) -> None:
        self.hold = hold
        self.release = release
        self.breach_since: float | None = None
        self.clear_since: float | None = None
        self.fired_at: float | None = None
        self.value = 0.0

    @property
    def firing(self) -> bool:
        return self.fired_at is not None

    def update(self, now: float, value: float, *, breach: bool, clear: bool) -> Edge | None:
        """Feed one observation; returns the edge it caused, if any."""
        self.value = value
        if self.fired_at is None:
            if not breach:
                self.breach_since = None
                return None
            if self.breach_since is None:
                self.breach_since = now
            if now - self.breach_since >= self.hold - EPSILON:
                self.fired_at, self.breach_since, self.clear_since = now, None, None
                return Edge.FIRED
            return None
        if not clear:
            self.clear_since = None
            return None
        if self.clear_since is None:
            self.clear_since = now
        if now - self.clear_since >= self.release - EPSILON:
            self.fired_at, self.clear_since = None, None
            return Edge.RESOLVED
        return None

    def interrupt(self) -> bool:
        """The watched thing went away (program stopped, samples stopped): forget pending timers and any firing.

        Returns True when it was firing, so the caller reports the resolve with the reason.
        """
        was_firing = self.fired_at is not None
        self.breach_since = self.clear_since = self.fired_at = None
        return was_firing
