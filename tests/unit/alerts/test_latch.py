"""The shared latch: edges strictly alternate, and each one needs its condition held for the whole time."""

from hypothesis import given
from hypothesis import strategies as st

from monitor_app.alerts.latch import Edge, Latch

# One observation: seconds since the previous one, and whether it breaches, is clear, or sits in the band.
_observations = st.lists(
    st.tuples(st.sampled_from([0.5, 1.0, 5.0, 30.0]), st.sampled_from(["breach", "clear", "band"])),
    max_size=300,
)


@given(_observations, st.sampled_from([0.0, 1.0, 10.0, 60.0]))
def test_edges_alternate_and_respect_hold_times(observations, hold: float) -> None:
    latch = Latch(hold, hold)
    now, edges = 0.0, []
    run_start: float | None = None  # start of the current run of identical conditions
    previous = None
    for dt, condition in observations:
        now += dt
        if condition != previous:
            run_start, previous = now, condition
        edge = latch.update(now, 1.0, breach=condition == "breach", clear=condition == "clear")
        if edge is not None:
            assert run_start is not None and now - run_start >= hold - 1e-6
            assert edge is (Edge.FIRED if condition == "breach" else Edge.RESOLVED)
            edges.append(edge)
            run_start = now  # the next edge needs its own run
        assert latch.firing == (bool(edges) and edges[-1] is Edge.FIRED)
    assert all(e is (Edge.FIRED if i % 2 == 0 else Edge.RESOLVED) for i, e in enumerate(edges))


def test_interrupt_reports_a_firing_latch_and_forgets_timers() -> None:
    latch = Latch(10, 10)
    assert latch.update(0, 1, breach=True, clear=False) is None
    assert latch.interrupt() is False
    assert latch.update(5, 1, breach=True, clear=False) is None  # the hold restarted at 5
    assert latch.update(14, 1, breach=True, clear=False) is None
    assert latch.update(15, 1, breach=True, clear=False) is Edge.FIRED
    assert latch.interrupt() is True and not latch.firing
