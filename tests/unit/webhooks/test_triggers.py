"""Events in, notifications out: one message per crash-loop episode, none for a re-attach."""

from monitor_app.core.model import Event, ProgramStatus
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.webhooks.cooldown import Cooldown
from monitor_app.webhooks.triggers import NotificationTrigger

S = ProgramState


def transition(
    t: float, a: ProgramState | None, b: ProgramState, cause: Cause = Cause.POLICY, **kw: object
) -> Event:
    return Event(
        time=t,
        kind=EventKind.STATE,
        program_id=kw.pop("pid", 1),
        from_state=a,
        to_state=b,  # type: ignore[arg-type]
        cause=cause,
        **kw,
    )  # type: ignore[arg-type]


def trigger() -> NotificationTrigger:
    return NotificationTrigger(
        lambda pid: f"prog{pid}", lambda pid: ProgramStatus(pid, S.RUNNING, 0.0, restarts=4)
    )


def names(trig: NotificationTrigger, events: list[Event]) -> list[str]:
    return [n.event for e in events for n in trig.on_event(e)]


def test_user_start_and_stop() -> None:
    trig = trigger()
    got = [
        n
        for e in (
            transition(0, S.STOPPED, S.STARTING, Cause.USER, actor="gui", details={"pid": 42}),
            transition(1, S.STARTING, S.RUNNING, actor="startsecs"),
            transition(5, S.RUNNING, S.STOPPING, Cause.API, actor="admin"),
            transition(6, S.STOPPING, S.STOPPED, Cause.API, actor="admin", exit_code=0),
        )
        for n in trig.on_event(e)
    ]
    assert [n.event for n in got] == ["program.started", "program.stopped"]
    assert got[0].details["cause"] == "user" and got[0].details["actor"] == "gui"
    assert got[0].program_name == "prog1" and got[0].key == "program.started:1"
    assert got[1].details == {"cause": "api", "actor": "admin", "exit_code": 0}


def test_crash_of_a_running_program_then_back() -> None:
    trig = trigger()
    exited = transition(
        10,
        S.RUNNING,
        S.EXITED,
        exit_code=1,
        unexpected=True,
        details={
            "uptime_s": 3600.0,
            "restarts": 2,
            "last_output": ["boom"],
            "next": "restart in 1 s",
            "cpu_percent": 12.5,
            "memory_rss": 512 * 1024 * 1024,
        },
    )
    got = [
        n
        for e in (
            exited,
            transition(10, S.EXITED, S.BACKOFF),
            transition(11, S.BACKOFF, S.STARTING),
            transition(12, S.STARTING, S.RUNNING),
        )
        for n in trig.on_event(e)
    ]
    assert [n.event for n in got] == ["program.exited", "program.restarted"]
    d = got[0].details
    assert d["exit_code"] == 1 and d["memory_mb"] == 512.0 and d["next_action"] == "restart in 1 s"
    assert d["last_output"] == ["boom"] and d["crash_loop"] is False and d["uptime_s"] == 3600.0
    assert got[1].details == {"restarts": 4, "downtime_s": 2.0}


def test_crash_loop_is_one_message_then_gave_up() -> None:
    trig = trigger()
    events = [transition(0, S.STOPPED, S.STARTING, Cause.USER)]
    for attempt in (1, 2, 3):
        events.append(
            transition(
                attempt,
                S.STARTING,
                S.BACKOFF,
                exit_code=3,
                unexpected=True,
                details={"attempt": attempt, "retry_in_s": 1.0},
            )
        )
        events.append(transition(attempt + 0.5, S.BACKOFF, S.STARTING))
    events.append(
        transition(
            9,
            S.STARTING,
            S.FATAL,
            exit_code=3,
            unexpected=True,
            details={"attempt": 4},
            message="gave up after 4 failed starts",
        )
    )
    got = [n for e in events for n in trig.on_event(e)]
    assert [n.event for n in got] == ["program.exited", "program.fatal"]
    assert got[0].details["crash_loop"] is True and got[0].details["next_action"] == "retry 1 in 1 s"
    assert got[1].details["attempts"] == 4 and got[1].details["message"] == "gave up after 4 failed starts"
    # a manual start after FATAL begins a new episode
    again = names(
        trig,
        [
            transition(20, S.FATAL, S.STARTING, Cause.USER),
            transition(21, S.STARTING, S.BACKOFF, exit_code=3, unexpected=True),
        ],
    )
    assert again == ["program.exited"]


def test_reattach_is_silent_and_programs_are_independent() -> None:
    trig = trigger()
    assert (
        names(trig, [transition(0, S.STOPPED, S.RUNNING, Cause.SYSTEM, details={"reattached": True})]) == []
    )
    crash = [transition(1, S.RUNNING, S.EXITED, unexpected=True, pid=p) for p in (1, 2)]
    assert names(trig, crash) == ["program.exited", "program.exited"]


def test_cooldown_holds_back_repeats_per_endpoint_and_program() -> None:
    cool = Cooldown()
    assert cool.admit(1, "program.exited", "program.exited:7", now=0, cooldown_s=300) == 0
    assert cool.admit(1, "program.exited", "program.exited:7", now=10, cooldown_s=300) is None
    assert cool.admit(1, "program.exited", "program.exited:8", now=10, cooldown_s=300) == 0  # other program
    assert cool.admit(2, "program.exited", "program.exited:7", now=10, cooldown_s=300) == 0  # other endpoint
    assert cool.admit(1, "program.started", "program.started:7", now=11, cooldown_s=300) == 0
    assert cool.admit(1, "program.started", "program.started:7", now=12, cooldown_s=300) == 0  # not cooled
    assert cool.admit(1, "program.exited", "program.exited:7", now=20, cooldown_s=300) is None
    assert cool.admit(1, "program.exited", "program.exited:7", now=301, cooldown_s=300) == 2
