"""The state machine with a fake runner and a fake clock: every edge, backoff, FATAL, the stop ladder."""

from dataclasses import dataclass, field

import pytest

from monitor_app.core.errors import ConflictError, LaunchError
from monitor_app.core.model import (
    Event,
    ProcessIdentity,
    ProgramRuntime,
    ProgramSample,
    ProgramSpec,
    ProgramStatus,
)
from monitor_app.core.states import Cause, EventKind, ProgramState, RestartPolicy
from monitor_app.supervision.machine import KILL_CONFIRM_SECONDS, ProgramSupervisor
from tests.helpers.fakes import FakeClock

S = ProgramState


@dataclass(eq=False)
class FakeRef:
    identity: ProcessIdentity


@dataclass
class FakeRunner:
    clock: FakeClock
    next_pid: int = 100
    fail_spawn: str | None = None
    leftover_count: int = 0
    adoptable: FakeRef | None = None
    calls: list[tuple[str, int]] = field(default_factory=list)

    def spawn(self, spec: ProgramSpec) -> FakeRef:
        if self.fail_spawn:
            raise LaunchError(self.fail_spawn)
        self.next_pid += 1
        self.calls.append(("spawn", self.next_pid))
        return FakeRef(ProcessIdentity(self.next_pid, self.clock.time(), spec.path))

    def find_adoptable(self, spec: ProgramSpec) -> FakeRef | None:
        return self.adoptable

    def request_stop(self, ref: FakeRef) -> None:
        self.calls.append(("request_stop", ref.identity.pid))

    def kill_tree(self, ref: FakeRef) -> int:
        self.calls.append(("kill_tree", ref.identity.pid))
        killed, self.leftover_count = self.leftover_count, 0
        return max(killed, 1)

    def leftovers(self, ref: FakeRef) -> int:
        return self.leftover_count

    def output_tail(self, spec: ProgramSpec, lines: int) -> tuple[str, ...]:
        return ("last words",)


class Harness:
    def __init__(self, **spec_args) -> None:
        self.clock = FakeClock()
        self.runner = FakeRunner(self.clock)
        self.events: list[Event] = []
        self.statuses: list[ProgramStatus] = []
        self.runtimes: list[ProgramRuntime] = []
        self.graceful_wait: float | None = None
        spec_args.setdefault("name", "game")
        spec_args.setdefault("path", "/bin/game")
        self.spec = ProgramSpec(id=7, **spec_args)
        self.machine = ProgramSupervisor(
            self.spec,
            clock=self.clock,
            runner=self.runner,
            emit=self.events.append,
            publish=self.statuses.append,
            persist=self.runtimes.append,
            graceful_stop=lambda spec, identity: self.graceful_wait,
            last_sample=lambda pid: ProgramSample(pid, self.clock.time(), 12.5, 1024),
        )

    def run_until(self, seconds: float) -> None:
        """Advance time, calling tick() at every deadline on the way (as the worker's timer does)."""
        end = self.clock.monotonic() + seconds
        while True:
            deadline = self.machine.next_deadline()
            if deadline is None or deadline > end:
                break
            self.clock.advance(max(0.0, deadline - self.clock.monotonic()))
            self.machine.tick()
        self.clock.advance(max(0.0, end - self.clock.monotonic()))

    def transitions(self) -> list[tuple[ProgramState, ProgramState]]:
        return [(e.from_state, e.to_state) for e in self.events if e.kind is EventKind.STATE]

    @property
    def state(self) -> ProgramState:
        return self.machine.state


def test_machine_start_becomes_running_after_startsecs() -> None:
    h = Harness(startsecs=1.0)
    h.machine.start(cause=Cause.USER, actor="alice")
    assert h.state is S.STARTING
    h.run_until(0.9)
    assert h.state is S.STARTING
    h.run_until(0.2)
    assert h.state is S.RUNNING
    assert h.transitions() == [(S.STOPPED, S.STARTING), (S.STARTING, S.RUNNING)]
    first = h.events[0]
    assert first.cause is Cause.USER and first.actor == "alice" and first.details["pid"] == 101
    assert h.statuses[-1].pid == 101


def test_machine_startsecs_zero_is_running_at_once() -> None:
    h = Harness(startsecs=0)
    h.machine.start(cause=Cause.API, actor="x")
    assert h.transitions() == [(S.STOPPED, S.RUNNING)]


def test_machine_start_when_running_is_a_conflict() -> None:
    h = Harness()
    h.machine.start(cause=Cause.USER, actor="")
    with pytest.raises(ConflictError):
        h.machine.start(cause=Cause.USER, actor="")


def test_machine_fast_exit_is_failed_start_with_backoff_then_fatal() -> None:
    h = Harness(startsecs=1.0, startretries=3, backoff_initial=1.0, backoff_max=60.0)
    h.machine.start(cause=Cause.USER, actor="")
    delays = []
    for _ in range(3):
        h.clock.advance(0.2)
        h.machine.on_exit(1)
        assert h.state is S.BACKOFF
        delays.append(h.events[-1].details["retry_in_s"])
        h.run_until(delays[-1])
        assert h.state is S.STARTING
    h.clock.advance(0.2)
    h.machine.on_exit(1)
    assert h.state is S.FATAL
    assert delays == [1.0, 2.0, 4.0]
    assert h.transitions() == [
        (S.STOPPED, S.STARTING),
        (S.STARTING, S.BACKOFF),
        (S.BACKOFF, S.STARTING),
        (S.STARTING, S.BACKOFF),
        (S.BACKOFF, S.STARTING),
        (S.STARTING, S.BACKOFF),
        (S.BACKOFF, S.STARTING),
        (S.STARTING, S.FATAL),
    ]
    fatal = h.events[-1]
    assert fatal.unexpected and "gave up after 4 failed starts" in fatal.message
    # FATAL is final until someone starts it again: no more deadlines, no more spawns.
    assert h.machine.next_deadline() is None
    spawns = len([c for c in h.runner.calls if c[0] == "spawn"])
    h.run_until(3600)
    assert len([c for c in h.runner.calls if c[0] == "spawn"]) == spawns == 4
    # A manual start from FATAL is a fresh chance.
    h.machine.start(cause=Cause.USER, actor="")
    assert h.state is S.STARTING and h.machine.status().start_failures == 0


def test_machine_launch_error_goes_to_backoff_and_fatal() -> None:
    h = Harness(startretries=1)
    h.runner.fail_spawn = "/bin/game does not exist"
    h.machine.start(cause=Cause.USER, actor="")
    assert h.state is S.BACKOFF
    assert "could not be launched: /bin/game does not exist" in h.events[-1].message
    h.run_until(1.0)
    assert h.state is S.FATAL
    assert h.transitions() == [(S.STOPPED, S.BACKOFF), (S.BACKOFF, S.FATAL)]
    assert h.machine.status().message.startswith("gave up after 2 failed starts")


def test_machine_unexpected_exit_restarts_with_doubling_capped_backoff() -> None:
    h = Harness(startsecs=1.0, backoff_initial=1.0, backoff_max=4.0, backoff_reset=30.0)
    h.machine.start(cause=Cause.USER, actor="")
    delays = []
    for _ in range(5):
        h.run_until(5.0)  # past startsecs, below backoff_reset: an unhealthy run
        assert h.state is S.RUNNING
        h.machine.on_exit(2)
        assert h.state is S.BACKOFF
        delays.append(h.events[-1].details["retry_in_s"])
        h.run_until(delays[-1])
    assert delays == [1.0, 2.0, 4.0, 4.0, 4.0]
    exited = [e for e in h.events if e.to_state is S.EXITED]
    assert len(exited) == 5 and all(e.unexpected and e.exit_code == 2 for e in exited)
    assert exited[0].details["last_output"] == ["last words"]
    assert exited[0].details["cpu_percent"] == 12.5
    assert exited[0].details["next"] == "restart in 1 s"
    assert h.machine.status().restarts == 5


def test_machine_healthy_run_resets_backoff() -> None:
    h = Harness(backoff_initial=1.0, backoff_reset=30.0)
    h.machine.start(cause=Cause.USER, actor="")
    for _ in range(3):
        h.run_until(5.0)
        h.machine.on_exit(1)
        h.run_until(h.events[-1].details["retry_in_s"])
    h.run_until(31.0)
    h.machine.on_exit(1)
    assert h.events[-1].details["retry_in_s"] == 1.0


@pytest.mark.parametrize(
    ("policy", "code", "restarts"),
    [
        (RestartPolicy.NEVER, 1, False),
        (RestartPolicy.ON_FAILURE, 0, False),
        (RestartPolicy.ON_FAILURE, 1, True),
        (RestartPolicy.ON_FAILURE, None, True),
        (RestartPolicy.ALWAYS, 0, True),
    ],
)
def test_machine_restart_policy_decides_after_exit(policy, code, restarts) -> None:
    h = Harness(restart_policy=policy, success_exit_codes=(0,))
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.on_exit(code)
    assert h.state is (S.BACKOFF if restarts else S.EXITED)
    exited = next(e for e in h.events if e.to_state is S.EXITED)
    assert exited.unexpected and exited.cause is Cause.POLICY
    assert exited.details["next"].startswith("restart in" if restarts else "no restart")


def test_machine_stop_signals_then_stops_on_exit() -> None:
    h = Harness()
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.stop(cause=Cause.API, actor="bob")
    assert h.state is S.STOPPING
    assert h.runner.calls[-1] == ("request_stop", 101)
    h.machine.on_exit(143)
    assert h.state is S.STOPPED
    stopped = h.events[-1]
    assert (stopped.from_state, stopped.to_state) == (S.STOPPING, S.STOPPED)
    assert stopped.cause is Cause.API and stopped.actor == "bob" and not stopped.unexpected
    assert h.runtimes[-1].identity is None and h.runtimes[-1].last_exit_code == 143


def test_machine_stop_kills_tree_after_stop_timeout() -> None:
    h = Harness(stop_timeout=10.0)
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.stop(cause=Cause.USER, actor="")
    h.run_until(9.9)
    assert ("kill_tree", 101) not in h.runner.calls
    h.run_until(0.2)
    assert ("kill_tree", 101) in h.runner.calls
    h.machine.on_exit(-9)
    assert h.state is S.STOPPED
    assert "did not stop within 10 s" in h.events[-1].message


def test_machine_graceful_hook_runs_first_and_escalates_when_ignored() -> None:
    h = Harness(stop_timeout=5.0)
    h.graceful_wait = 30.0
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.stop(cause=Cause.USER, actor="")
    assert not any(c[0] == "request_stop" for c in h.runner.calls)
    h.run_until(30.0)
    assert ("request_stop", 101) in h.runner.calls
    assert ("kill_tree", 101) not in h.runner.calls
    h.run_until(5.0)
    assert ("kill_tree", 101) in h.runner.calls


def test_machine_graceful_exit_needs_no_signal() -> None:
    h = Harness()
    h.graceful_wait = 30.0
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.stop(cause=Cause.USER, actor="")
    h.run_until(3.0)
    h.machine.on_exit(0)
    assert h.state is S.STOPPED
    assert [c[0] for c in h.runner.calls] == ["spawn"]


def test_machine_stop_waits_for_lingering_tree_members() -> None:
    h = Harness(stop_timeout=10.0)
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.stop(cause=Cause.USER, actor="")
    h.runner.leftover_count = 2
    h.machine.on_exit(0)
    assert h.state is S.STOPPING
    h.run_until(10.5)
    assert h.state is S.STOPPED
    assert any(e.kind is EventKind.LEFTOVERS_KILLED for e in h.events)


def test_machine_kill_that_does_not_take_is_retried_and_reported() -> None:
    h = Harness(stop_timeout=1.0)
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.stop(cause=Cause.USER, actor="")
    h.run_until(1.0 + KILL_CONFIRM_SECONDS + 0.1)
    assert [c[0] for c in h.runner.calls].count("kill_tree") == 2
    assert h.events[-1].kind is EventKind.ERROR


def test_machine_stop_in_backoff_cancels_restart() -> None:
    h = Harness()
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.on_exit(1)
    assert h.state is S.BACKOFF
    h.machine.stop(cause=Cause.USER, actor="")
    assert h.state is S.STOPPED
    h.run_until(120.0)
    assert h.state is S.STOPPED


def test_machine_stop_when_stopped_is_a_conflict() -> None:
    h = Harness()
    with pytest.raises(ConflictError):
        h.machine.stop(cause=Cause.USER, actor="")


def test_machine_restart_stops_then_starts_and_counts() -> None:
    h = Harness()
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.machine.restart(cause=Cause.SCHEDULE, actor="nightly")
    assert h.state is S.STOPPING
    h.machine.on_exit(0)
    assert h.state is S.STARTING
    assert h.transitions()[-2:] == [(S.STOPPING, S.STOPPED), (S.STOPPED, S.STARTING)]
    assert h.events[-1].cause is Cause.SCHEDULE
    assert h.machine.status().restarts == 1
    assert h.machine.status().pid == 102


def test_machine_unexpected_exit_kills_leftovers() -> None:
    h = Harness(restart_policy=RestartPolicy.NEVER)
    h.machine.start(cause=Cause.USER, actor="")
    h.run_until(2.0)
    h.runner.leftover_count = 3
    h.machine.on_exit(1)
    kinds = [e.kind for e in h.events]
    assert EventKind.LEFTOVERS_KILLED in kinds
    assert h.state is S.EXITED


def test_machine_attach_keeps_uptime_and_is_running() -> None:
    h = Harness(startsecs=1.0)
    identity = ProcessIdentity(555, h.clock.time() - 3600, "/bin/game")
    h.machine.attach(FakeRef(identity), cause=Cause.SYSTEM, actor="monitor start")
    assert h.state is S.RUNNING
    assert h.events[-1].details["reattached"] is True
    assert h.machine.status().uptime(h.clock.time()) == pytest.approx(3600)
    h.machine.on_exit(None)
    exited = next(e for e in h.events if e.to_state is S.EXITED)
    assert exited.details["uptime_s"] == pytest.approx(3600)


def test_machine_adopt_attaches_instead_of_launching() -> None:
    h = Harness(adopt=True)
    h.runner.adoptable = FakeRef(ProcessIdentity(900, h.clock.time() - 60, "/bin/game"))
    h.machine.start(cause=Cause.USER, actor="")
    assert h.state is S.RUNNING and h.machine.status().pid == 900
    assert not h.runner.calls
    assert h.events[-1].details["adopted"] is True


def test_machine_persists_identity_and_counters() -> None:
    h = Harness()
    h.machine.start(cause=Cause.USER, actor="")
    assert h.runtimes[-1].identity is not None and h.runtimes[-1].identity.pid == 101
    h.run_until(2.0)
    h.machine.on_exit(1)
    assert h.runtimes[-1].identity is None and h.runtimes[-1].last_exit_code == 1
    h.run_until(1.0)
    assert h.runtimes[-1].restarts == 1
