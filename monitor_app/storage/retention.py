"""How long each metric tier is kept, and therefore which tier can answer a window."""

from dataclasses import dataclass

from monitor_app.storage.metric_tables import HOUR, MINUTE, RAW, Tier

DAY = 86_400.0
#: A window may start this fraction of a tier's retention before it and still be answered by that tier: a
#: "last 24 h" chart computed a moment earlier must read raw samples, not the (still empty) recent rollups.
TIER_SLACK = 0.05


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
        """The finest tier still holding data from ``start``: raw within ``raw`` of now, then 1m, then 1h.

        Each limit has a small slack (``TIER_SLACK``) so a window exactly as long as a retention uses that tier.
        """
        age = now - start
        if age <= self.raw * (1 + TIER_SLACK):
            return RAW
        if age <= self.minute * (1 + TIER_SLACK):
            return MINUTE
        return HOUR
