"""The event log's filter: program, "problems only" and free text over every column."""

from monitor_app.core.model import Event
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.ui.events_view import EventsFilterModel, EventsModel


def test_events_filter_by_program_problems_and_text(qtbot) -> None:
    model = EventsModel(lambda program_id: {1: "Palworld", 2: "Minecraft"}.get(program_id, ""))
    crash = Event(time=1.0, kind=EventKind.STATE, program_id=1, from_state=ProgramState.RUNNING,
                  to_state=ProgramState.EXITED, cause=Cause.POLICY, unexpected=True, message="exited with code 3")
    start = Event(time=2.0, kind=EventKind.STATE, program_id=2, from_state=ProgramState.STOPPED,
                  to_state=ProgramState.STARTING, cause=Cause.USER, actor="alice", message="start")
    model.load([start, crash])
    proxy = EventsFilterModel(model)
    assert len(proxy.visible_events()) == 2
    proxy.set_text("MINECRAFT")  # the program column counts, case does not
    assert proxy.visible_events() == [start]
    proxy.set_text("")
    proxy.set_problems_only(True)
    assert proxy.visible_events() == [crash]
    proxy.set_problems_only(False)
    proxy.set_program(1)
    assert proxy.visible_events() == [crash]
    proxy.set_text("alice")
    assert proxy.visible_events() == []
