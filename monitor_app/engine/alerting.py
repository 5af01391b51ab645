"""Alert rules in the running engine: the user's rules, the evaluator fed by every tick, status and event, and
what a firing does — an event row, a notification, and optionally an action on the program.

Lives in the engine's thread. The evaluator is a pure state machine (``alerts.AlertEvaluator``); a one-second
timer drives its time-based checks (a program down for N seconds with nothing else happening).
"""

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from monitor_app.alerts import AlertEvaluator
from monitor_app.core.alerts import (
    AlertRule,
    AlertState,
    AlertTransition,
    RuleAction,
    rule_from_dict,
    rule_to_dict,
)
from monitor_app.core.clock import Clock
from monitor_app.core.errors import MonitorError
from monitor_app.core.model import Event, MetricsTick, ProgramStatus
from monitor_app.core.notifications import ALERT_FIRED, ALERT_RESOLVED, Notification
from monitor_app.core.states import Cause, EventKind
from monitor_app.engine.records import RecordRegistry, check_program
from monitor_app.storage.repository import RecordChange

log = logging.getLogger(__name__)

POLL_INTERVAL_MS = 1000
MAX_RULES = 500
#: A rule restarts the same program at most once per this many seconds (or its duration, if longer): a
#: threshold below the program's normal footprint must not become a restart loop.
MIN_RESTART_SPACING_S = 60.0

#: Runs a program command on the engine: (verb, program id, cause, actor); raises MonitorError when it cannot.
ProgramCommand = Callable[[str, int, Cause, str], None]
#: Runs a plugin action "<plugin id>:<action>" for a program: (action, program id, actor).
PluginAction = Callable[[str, int | None, str], None]
#: Why the program must not be restarted now, from its plugins ("3 players online"); None when it may.
UnsafeReason = Callable[[int], str | None]


class Alerting(QObject):
    """The user's alert rules and their evaluation.

    Signals:
        rules_changed(): a rule was added, edited or removed.
        transition(AlertTransition): a rule fired or resolved (after its event and notification went out).
    """

    rules_changed = Signal()
    transition = Signal(object)

    def __init__(
        self,
        rules: tuple[tuple[int, Mapping[str, object]], ...],
        *,
        last_id: int,
        clock: Clock,
        persist_record: Callable[[RecordChange], None],
        record_event: Callable[[Event], None],
        notify: Callable[[Notification], object],
        command: ProgramCommand,
        plugin_action: PluginAction | None = None,
        program_name: Callable[[int], str | None],
        unsafe_reason: UnsafeReason | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._persist_record = persist_record
        self._record_event = record_event
        self._notify = notify
        self._command = command
        self._plugin_action = plugin_action
        self._program_name = program_name
        self._unsafe_reason = unsafe_reason
        self.registry: RecordRegistry[AlertRule] = RecordRegistry(
            (rule_from_dict(spec, existing_id=record_id) for record_id, spec in rules),
            last_id=last_id,
            parse=_parse,
            persist=self._persist,
            noun="alert rule",
            limit=MAX_RULES,
        )
        self._last_restart: dict[tuple[int, int], float] = {}  # (rule id, program id) -> wall time
        self._evaluator = AlertEvaluator()
        self._evaluator.set_rules(self.registry.all())
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_INTERVAL_MS)
        self._timer.timeout.connect(self.poll)
        self._running = False

    def start(self) -> None:
        self._running = True
        self._apply_rules()

    def shutdown(self) -> None:
        self._running = False
        self._timer.stop()

    # ------------------------------------------------------------------ commands and queries

    def rules(self) -> tuple[AlertRule, ...]:
        return self.registry.all()

    def add(self, data: Mapping[str, object]) -> AlertRule:
        check_program(data, self._program_name)
        rule = self.registry.add(data, now=self._clock.time())
        self._rules_edited()
        return rule

    def update(self, rule_id: int, data: Mapping[str, object]) -> AlertRule:
        check_program(data, self._program_name)
        rule = self.registry.update(rule_id, data)
        self._rules_edited()
        return rule

    def remove(self, rule_id: int) -> AlertRule:
        rule = self.registry.remove(rule_id)
        self._rules_edited()
        return rule

    def firing(self) -> list[AlertState]:
        return self._evaluator.firing()

    # ------------------------------------------------------------------ inputs from the engine

    @Slot(object)
    def on_tick(self, tick: MetricsTick) -> None:
        self._handle(self._evaluator.observe_tick(tick))

    @Slot(object)
    def on_status(self, status: ProgramStatus) -> None:
        self._handle(self._evaluator.observe_status(status, self._clock.time()))

    @Slot(object)
    def on_event(self, event: Event) -> None:
        if event.kind not in (EventKind.ALERT_FIRED, EventKind.ALERT_RESOLVED):
            self._handle(self._evaluator.observe_event(event))

    def forget_program(self, program_id: int) -> None:
        """The program was removed: its own rules go with it (rules for every program stay)."""
        self._evaluator.forget_program(program_id)
        for rule in self.registry.all():
            if rule.program_id == program_id:
                self.registry.remove(rule.id)
                self._rules_edited()

    @Slot()
    def poll(self) -> None:
        self._handle(self._evaluator.poll(self._clock.time()))

    # ------------------------------------------------------------------ internals

    def _rules_edited(self) -> None:
        # Called from the GUI or the HTTP thread; the evaluator and the timer belong to this thread.
        QTimer.singleShot(0, self, self._apply_rules)
        self.rules_changed.emit()

    def _apply_rules(self) -> None:
        """Hand the rules to the evaluator; the time-driven checks tick only while there are rules (an idle
        monitor with none wakes nobody)."""
        rules = self.registry.all()
        self._evaluator.set_rules(rules)
        if self._running and rules:
            if not self._timer.isActive():
                self._timer.start()
        else:
            self._timer.stop()

    def _persist(self, rule_id: int, rule: AlertRule | None) -> None:
        self._persist_record(RecordChange("alert_rules", rule_id, None if rule is None else rule_to_dict(rule)))

    def _handle(self, transitions: list[AlertTransition]) -> None:
        for change in transitions:
            try:
                self._announce(change)
                if change.fired:
                    self._act(change)
            except Exception:  # one bad transition must not stop the others or the engine
                log.exception("handling alert %s failed", change.rule.name)
            self.transition.emit(change)

    def _announce(self, change: AlertTransition) -> None:
        rule = change.rule
        name = self._program_name(change.program_id) if change.program_id is not None else None
        where = f" ({name})" if name else (f" ({change.subject})" if change.program_id is None and change.subject else "")
        verb = "fired" if change.fired else "resolved"
        details: dict[str, object] = {
            "rule_id": rule.id,
            "rule_name": rule.name,
            "rule_kind": rule.kind.value,
            "value": round(change.value, 2),
            "threshold": rule.threshold,
            "unit": change.unit,
            "message": change.message,
            "subject": change.subject,
            "notify": rule.notify,
        }
        if rule.action is not None:
            details["action"] = rule.action.value if rule.action is not RuleAction.PLUGIN_ACTION else rule.plugin_action
        self._record_event(
            Event(
                time=change.time,
                kind=EventKind.ALERT_FIRED if change.fired else EventKind.ALERT_RESOLVED,
                program_id=change.program_id,
                cause=Cause.RULE,
                actor=rule.name,
                message=f"alert {rule.name!r} {verb}{where}: {change.message}",
                details=details,
            )
        )
        if rule.notify:
            self._notify(
                Notification(
                    event=ALERT_FIRED if change.fired else ALERT_RESOLVED,
                    time=change.time,
                    program_id=change.program_id,
                    program_name=name,
                    details=details,
                    key=f"alert:{rule.id}:{change.subject}",
                )
            )

    def _act(self, change: AlertTransition) -> None:
        rule = change.rule
        try:
            if rule.action is RuleAction.RESTART and change.program_id is not None:
                key = (rule.id, change.program_id)
                spacing = max(MIN_RESTART_SPACING_S, rule.duration_s)
                last = self._last_restart.get(key)
                if last is not None and change.time - last < spacing:
                    raise MonitorError(
                        f"not restarted again: this rule restarted the program {change.time - last:.0f} s ago "
                        f"(at most once per {spacing:g} s); is the threshold below its normal use?"
                    )
                reason = self._unsafe_reason(change.program_id) if self._unsafe_reason is not None else None
                if reason:  # the rule fires again in a later episode; a user's own restart is never held back
                    raise MonitorError(f"not restarted: it is not safe now ({reason})")
                self._last_restart[key] = change.time
                self._command("restart", change.program_id, Cause.RULE, f"alert rule {rule.name!r}")
            elif rule.action is RuleAction.PLUGIN_ACTION and rule.plugin_action:
                if self._plugin_action is None:
                    raise MonitorError(f"plugin action {rule.plugin_action} cannot run: no plugin system is loaded")
                self._plugin_action(rule.plugin_action, change.program_id, f"alert rule {rule.name!r}")
        except MonitorError as exc:
            self._record_event(
                Event(
                    time=self._clock.time(),
                    kind=EventKind.ERROR,
                    program_id=change.program_id,
                    cause=Cause.RULE,
                    actor=rule.name,
                    message=f"alert {rule.name!r} could not act: {exc.message}",
                )
            )


def _parse(data: Mapping[str, object], existing: AlertRule | None) -> AlertRule:
    if existing is None:
        return rule_from_dict(data)
    return rule_from_dict({**rule_to_dict(existing), **data}, existing_id=existing.id)
