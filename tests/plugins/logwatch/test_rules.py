"""RuleMatcher: regex rules to events, groups, markers skipped, and per-rule token-bucket rate limits."""

import pytest

from plugins.logwatch.follow import LineKind, LogLine
from plugins.logwatch.rules import LogRule, RuleHit, RuleMatcher, Severity


class FakeClock:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def line(text: str, kind: LineKind = LineKind.TEXT) -> LogLine:
    return LogLine("/logs/Pal.log", text, 1_700_000_000.0, kind)


JOINED = LogRule(
    "joined", r"\[(?P<time>[^\]]+)\] (?P<player>\S+) joined", "player_joined", max_per_minute=None
)
ERROR = LogRule("errors", r"error", "error", Severity.ERROR, ignore_case=True, max_per_minute=None)


def test_named_groups_become_the_hit_groups() -> None:
    matcher = RuleMatcher([JOINED])
    [hit] = matcher.match([line("[12:00:01] 홍길동 joined the server"), line("nothing")])
    assert hit.rule is JOINED and hit.line.text.startswith("[12:00:01]")
    assert dict(hit.groups) == {"time": "12:00:01", "player": "홍길동"}
    assert hit.suppressed == 0


def test_unnamed_and_unmatched_groups() -> None:
    rule = LogRule("kick", r"kicked (\w+)(?: for (?P<reason>.+))?", "player_kicked", max_per_minute=None)
    [plain, reasoned] = RuleMatcher([rule]).match([line("kicked bob"), line("kicked eve for spam")])
    assert dict(plain.groups) == {"1": "bob", "reason": ""}
    assert dict(reasoned.groups) == {"1": "eve", "reason": "spam"}


def test_a_line_can_match_several_rules_in_rule_order() -> None:
    hits = RuleMatcher([JOINED, ERROR]).match([line("[t] error joined"), line("ERROR: disk")])
    assert [(hit.rule.name, hit.line.text) for hit in hits] == [
        ("joined", "[t] error joined"),
        ("errors", "[t] error joined"),
        ("errors", "ERROR: disk"),
    ]


def test_markers_are_not_matched() -> None:
    hits = RuleMatcher([ERROR]).match([line("error", LineKind.TRUNCATED), line("error", LineKind.ROTATED)])
    assert hits == []


def test_rate_limit_counts_the_excess_and_reports_it_with_the_next_hit() -> None:
    clock = FakeClock()
    rule = LogRule("errors", "error", "error", "error", max_per_minute=2)  # a burst of 2, then 1 per 30 s
    matcher = RuleMatcher([rule], clock=clock)
    hits = matcher.match([line(f"error {i}") for i in range(5)])
    assert [hit.line.text for hit in hits] == ["error 0", "error 1"]
    assert matcher.suppressed("errors") == 3
    clock.now += 29.0
    assert matcher.match([line("error 5")]) == []
    assert matcher.suppressed("errors") == 4
    clock.now += 1.0
    [hit] = matcher.match([line("error 6")])
    assert (hit.line.text, hit.suppressed) == ("error 6", 4)
    assert matcher.suppressed("errors") == 0
    clock.now += 30.0
    [hit] = matcher.match([line("error 7")])
    assert hit.suppressed == 0


def test_bucket_refills_up_to_its_burst_only() -> None:
    clock = FakeClock()
    matcher = RuleMatcher([LogRule("e", "e", "error", max_per_minute=3)], clock=clock)
    clock.now += 3600  # an idle hour does not bank 180 hits
    assert len(matcher.match([line("e")] * 10)) == 3


def test_rate_limits_are_per_rule() -> None:
    clock = FakeClock()
    a = LogRule("a", "x", "ev_a", max_per_minute=1)
    b = LogRule("b", "x", "ev_b", max_per_minute=1)
    matcher = RuleMatcher([a, b], clock=clock)
    hits = matcher.match([line("x"), line("x")])
    assert [hit.rule.name for hit in hits] == ["a", "b"]
    assert (matcher.suppressed("a"), matcher.suppressed("b")) == (1, 1)


def test_default_limit_is_six_per_minute() -> None:
    rule = LogRule("e", "e", "error")
    assert rule.max_per_minute == 6
    assert len(RuleMatcher([rule], clock=FakeClock()).match([line("e")] * 20)) == 6


def test_invalid_regex_is_rejected_naming_the_rule() -> None:
    with pytest.raises(ValueError, match=r"log rule 'player joined'.*invalid regular expression"):
        LogRule("player joined", r"(?P<player>\S+ joined", "player_joined")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": ""}, "needs a name"),
        ({"event": " "}, "event name"),
        ({"severity": "loud"}, "severity must be one of"),
        ({"max_per_minute": 0}, "max_per_minute"),
        ({"max_per_minute": -1.5}, "max_per_minute"),
        ({"max_per_minute": True}, "max_per_minute"),
        ({"pattern": ""}, "pattern"),
    ],
)
def test_bad_rules_are_rejected(kwargs: dict, message: str) -> None:
    fields = {"name": "r", "pattern": "x", "event": "ev"} | kwargs
    with pytest.raises(ValueError, match=message):
        LogRule(**fields)


def test_severity_from_text() -> None:
    assert LogRule("r", "x", "ev", "warning").severity is Severity.WARNING


def test_duplicate_rule_names_are_rejected() -> None:
    with pytest.raises(ValueError, match="repeated: errors"):
        RuleMatcher([ERROR, ERROR])


def test_hit_payload() -> None:
    [hit] = RuleMatcher([JOINED]).match([line("[12:00] bob joined")])
    assert isinstance(hit, RuleHit)
    assert hit.to_json() == {
        "rule": "joined",
        "event": "player_joined",
        "severity": "info",
        "path": "/logs/Pal.log",
        "line": "[12:00] bob joined",
        "time": 1_700_000_000.0,
        "groups": {"time": "12:00", "player": "bob"},
        "suppressed": 0,
    }


def test_no_rules_no_hits() -> None:
    assert RuleMatcher([]).match([line("anything")]) == []
