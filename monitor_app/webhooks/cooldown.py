"""Per endpoint and per program quiet time: a slow crash loop must not flood a Discord channel.

Keys name the program (``program.exited:7``), so one program's storm never mutes another program. What is
held back is counted and reported with the next message that goes out.
"""

from dataclasses import dataclass

from monitor_app.core.notifications import PROGRAM_EXITED, PROGRAM_FATAL, PROGRAM_RESTARTED

#: Events subject to the cooldown. Starts and stops are someone's deliberate action; alerts have their own
#: hysteresis (a resolve must never be held back while its firing went out).
COOLED_EVENTS = frozenset({PROGRAM_EXITED, PROGRAM_RESTARTED, PROGRAM_FATAL})


@dataclass(slots=True)
class _Entry:
    sent_at: float
    held_back: int = 0


class Cooldown:
    """Remembers when each (endpoint, key) last went out."""

    def __init__(self) -> None:
        self._entries: dict[tuple[int, str], _Entry] = {}

    def admit(self, endpoint_id: int, event: str, key: str, *, now: float, cooldown_s: float) -> int | None:
        """None to hold the notification back; otherwise how many were held back since the last one sent."""
        if event not in COOLED_EVENTS or not key or cooldown_s <= 0:
            return 0
        entry = self._entries.get((endpoint_id, key))
        if entry is not None and now - entry.sent_at < cooldown_s:
            entry.held_back += 1
            return None
        held = entry.held_back if entry is not None else 0
        self._entries[(endpoint_id, key)] = _Entry(now)
        if len(self._entries) > 10_000:
            self._expire(now, cooldown_s)
        return held

    def forget_endpoint(self, endpoint_id: int) -> None:
        for key in [k for k in self._entries if k[0] == endpoint_id]:
            del self._entries[key]

    def _expire(self, now: float, cooldown_s: float) -> None:
        for key in [k for k, e in self._entries.items() if now - e.sent_at >= cooldown_s and not e.held_back]:
            del self._entries[key]
