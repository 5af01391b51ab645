"""How long each metric tier is kept, and therefore which tier can answer a window."""

from dataclasses import dataclass

from monitor_app.storage.metric_tables import HOUR, MINUTE, RAW, Tier

DAY = 86_400.0


@dataclass(frozen=True, slots=True)
class Retention:
    """Age in seconds beyond which rows of a tier are pruned.

    The defaults keep a year of 50 programs within a few hundred MB: raw samples for a day, 1-minute rollups
    for 30 days, hourly rollups for a year.
    """

    raw: float = 1 * DAY
    minute: float = 30 * DAY
    hour: float = 365 * DAY

    def tier_for(self, start: float, now: float) -> Tier:
        """The finest tier still holding data from ``start``: raw within ``raw`` of now, then 1m, then 1h."""
        age = now - start
        if age <= self.raw:
            return RAW
        if age <= self.minute:
            return MINUTE
        return HOUR
