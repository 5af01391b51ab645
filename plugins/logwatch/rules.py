"""Regex rules over followed log lines: a match becomes an event (e.g. ``player_joined``) for alerts and
webhooks, with a per-rule token bucket so a log flood cannot become a webhook flood.

A rule allows ``max_per_minute`` hits in a burst and refills at that rate (one every ``60 / max_per_minute``
seconds). Hits beyond that are not reported but counted, and the next hit that is reported carries the count
as ``suppressed`` ("…and 57 more"). Only text lines are matched (not the follower's markers).
"""

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from .follow import LineKind, LogLine

DEFAULT_MAX_PER_MINUTE = 6.0


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


@dataclass(frozen=True, slots=True)
class LogRule:
    """A named regular expression that turns matching lines into ``event``.

    Attributes:
        name: Unique among the rules of one matcher; shown to the user.
        pattern: A Python regular expression, searched anywhere in the line. Named groups
            (``(?P<player>\\S+)``) become the hit's ``groups``.
        event: The event name hits are reported as (e.g. ``player_joined``).
        severity: ``info``, ``warning``, ``error`` or ``critical``.
        max_per_minute: Hits reported per minute at most (a burst of that many, then refilled at that rate);
            None for no limit.
        ignore_case: Match regardless of case.

    Raises:
        ValueError: naming the rule, for an invalid regular expression, an empty name or event, an unknown
            severity or a non-positive rate.
    """

    name: str
    pattern: str
    event: str
    severity: Severity = Severity.INFO
    max_per_minute: float | None = DEFAULT_MAX_PER_MINUTE
    ignore_case: bool = False
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"a log rule needs a name, not {self.name!r}")
        where = f"log rule {self.name!r}"
        if not isinstance(self.event, str) or not self.event.strip():
            raise ValueError(f"{where}: the event name must not be empty")
        try:
            object.__setattr__(self, "severity", Severity(self.severity))
        except ValueError:
            choices = ", ".join(s.value for s in Severity)
            raise ValueError(f"{where}: severity must be one of {choices}, not {self.severity!r}") from None
        rate = self.max_per_minute
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int | float) or not rate > 0):
            raise ValueError(f"{where}: max_per_minute must be a positive number or None, not {rate!r}")
        if not isinstance(self.pattern, str) or not self.pattern:
            raise ValueError(f"{where}: the pattern must be a non-empty regular expression")
        try:
            regex = re.compile(self.pattern, re.IGNORECASE if self.ignore_case else 0)
        except re.error as err:
            raise ValueError(f"{where}: invalid regular expression {self.pattern!r}: {err}") from None
        object.__setattr__(self, "regex", regex)


@dataclass(frozen=True, slots=True)
class RuleHit:
    """A line that matched a rule.

    Attributes:
        rule: The rule.
        line: The line.
        groups: Named groups by name, unnamed ones by their number as text (``"1"``); a group that did not
            take part in the match is ``""``.
        suppressed: Hits of this rule dropped by its rate limit since its previous reported hit.
    """

    rule: LogRule
    line: LogLine
    groups: Mapping[str, str]
    suppressed: int = 0

    def to_json(self) -> dict[str, Any]:
        """The event payload: ``{"rule", "event", "severity", "path", "line", "time", "groups",
        "suppressed"}``."""
        return {
            "rule": self.rule.name,
            "event": self.rule.event,
            "severity": self.rule.severity.value,
            "path": self.line.path,
            "line": self.line.text,
            "time": self.line.time,
            "groups": dict(self.groups),
            "suppressed": self.suppressed,
        }


def _groups(match: re.Match[str]) -> Mapping[str, str]:
    named = {index: name for name, index in match.re.groupindex.items()}
    values = {
        named.get(index, str(index)): value or ""
        for index, value in enumerate(match.groups(), start=1)
    }
    return MappingProxyType(values)


class _Bucket:
    __slots__ = ("capacity", "per_second", "suppressed", "tokens", "updated")

    def __init__(self, per_minute: float, now: float) -> None:
        self.capacity = per_minute
        self.per_second = per_minute / 60.0
        self.tokens = per_minute
        self.updated = now
        self.suppressed = 0

    def take(self, now: float) -> bool:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.per_second)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class RuleMatcher:
    """Matches lines against rules, rate-limited per rule.

    Args:
        rules: The rules; names must be unique.
        clock: Monotonic seconds for the token buckets (injectable for tests).

    Raises:
        ValueError: duplicate rule names.
    """

    def __init__(self, rules: Iterable[LogRule], *, clock: Callable[[], float] = time.monotonic) -> None:
        self._rules = tuple(rules)
        names = [rule.name for rule in self._rules]
        duplicates = sorted({name for name in names if names.count(name) > 1})
        if duplicates:
            raise ValueError(f"log rule names must be unique; repeated: {', '.join(duplicates)}")
        self._clock = clock
        start = clock()
        self._buckets = {
            rule.name: _Bucket(rule.max_per_minute, start)
            for rule in self._rules
            if rule.max_per_minute is not None
        }

    @property
    def rules(self) -> tuple[LogRule, ...]:
        return self._rules

    def match(self, lines: Iterable[LogLine]) -> list[RuleHit]:
        """The reported hits for ``lines``, in line order (a line matching two rules gives two hits)."""
        hits: list[RuleHit] = []
        if not self._rules:
            return hits
        now = self._clock()
        for line in lines:
            if line.kind is not LineKind.TEXT:
                continue
            for rule in self._rules:
                found = rule.regex.search(line.text)
                if found is None:
                    continue
                bucket = self._buckets.get(rule.name)
                suppressed = 0
                if bucket is not None:
                    if not bucket.take(now):
                        bucket.suppressed += 1
                        continue
                    suppressed, bucket.suppressed = bucket.suppressed, 0
                hits.append(RuleHit(rule, line, _groups(found), suppressed))
        return hits

    def suppressed(self, rule_name: str) -> int:
        """Hits of ``rule_name`` dropped since its last reported hit (for a UI counter)."""
        bucket = self._buckets.get(rule_name)
        return bucket.suppressed if bucket is not None else 0
