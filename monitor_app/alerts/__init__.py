"""Alert rules brought to life: metrics, statuses and events in, fired/resolved transitions out.

``AlertEvaluator`` is a pure state machine (no threads, no Qt, time only from its arguments); a worker owns it,
feeds it every tick, status and event plus a ``poll`` each second, and hands the transitions to the notifiers
and to rule actions (restart, plugin action). The rules themselves are data in ``monitor_app.core.alerts``.
"""

from monitor_app.alerts.evaluator import DOWN_STATES, RESOLVE_MARGIN, AlertEvaluator, program_subject
from monitor_app.core.alerts import (
    RULE_UNITS,
    AlertRule,
    AlertState,
    AlertTransition,
    RuleAction,
    RuleKind,
    rule_from_dict,
    rule_to_dict,
    validate_rule,
)

__all__ = [
    "DOWN_STATES",
    "RESOLVE_MARGIN",
    "RULE_UNITS",
    "AlertEvaluator",
    "AlertRule",
    "AlertState",
    "AlertTransition",
    "RuleAction",
    "RuleKind",
    "program_subject",
    "rule_from_dict",
    "rule_to_dict",
    "validate_rule",
]
