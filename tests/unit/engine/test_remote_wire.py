"""The API's JSON turns back into the same snapshots the in-process engine hands the window."""

import json
import time

from monitor_app.core.model import (
    DiskUsage,
    Event,
    MetricsTick,
    ProcessIdentity,
    ProgramSample,
    ProgramSpec,
    ProgramStatus,
    SystemSample,
)
from monitor_app.core.states import Cause, EventKind, ProgramState, RestartPolicy
from monitor_app.engine.discovery import (
    Advertisement,
    read_advertisement,
    remove_advertisement,
    write_advertisement,
)
from monitor_app.engine.remote_wire import (
    event_from_json,
    spec_from_json,
    spec_to_json,
    status_from_json,
    tick_from_json,
)
from monitor_app.httpapi import schemas, stream


def test_program_round_trip() -> None:
    spec = ProgramSpec(name="pal", path="/srv/pal", args=("-port", "8211"), cwd="/srv", env={"A": "1"}, autostart=True,
                       restart_policy=RestartPolicy.ON_FAILURE, success_exit_codes=(0, 3), startsecs=2, startretries=5,
                       backoff_initial=2, backoff_max=90, backoff_reset=60, stop_timeout=45, adopt=True, hide_window=True,
                       id=7)
    assert spec_from_json(schemas.program_json(spec)) == spec
    assert spec_from_json({**spec_to_json(spec), "id": 7}) == spec


def test_status_from_the_stream_keeps_uptime_on_this_clock() -> None:
    now = time.time()
    status = ProgramStatus(3, ProgramState.BACKOFF, now - 5, ProcessIdentity(42, now - 100, "/x"), exit_code=1,
                           restarts=2, start_failures=1, next_start_at=now + 4, message="retrying")
    data = json.loads(stream.status_message(status, now).split(b"data: ", 1)[1])
    # Another PC's clock is 1 h off: the uptime still reads 100 s.
    back = status_from_json(data, now + 3600)
    assert back.uptime(now + 3600) == 100
    assert (back.state, back.pid, back.restarts, back.start_failures, back.exit_code, back.message) == (
        ProgramState.BACKOFF, 42, 2, 1, 1, "retrying")


def test_event_and_tick_round_trip() -> None:
    event = Event(time=1.5, kind=EventKind.STATE, program_id=2, from_state=ProgramState.RUNNING,
                  to_state=ProgramState.EXITED, cause=Cause.POLICY, actor="x", exit_code=3, unexpected=True,
                  message="crashed", details={"tail": ["a"]}, id=9)
    assert event_from_json(schemas.event_json(event)) == event
    system = SystemSample(time=2.0, cpu_percent=12.5, cpu_per_core=(10.0, 15.0), memory_total=100, memory_used=50,
                          memory_percent=50.0, swap_total=10, swap_used=1, swap_percent=10.0,
                          disks=(DiskUsage("/", "sda", "ext4", 100, 40, 60, 40.0),), net_sent_bps=1.5,
                          net_recv_bps=2.5, boot_time=1.0, uptime_s=1.0)
    tick = MetricsTick(time=2.0, system=system, programs=(ProgramSample(2, 2.0, 3.25, 123456789, 1000, 4, 5, 6.5, 7.5, 2),))
    data = json.loads(stream.tick_message(tick).split(b"data: ", 1)[1])
    assert tick_from_json(data) == tick


def test_advertisement_is_owner_only_and_only_its_owner_removes_it(tmp_path) -> None:
    advert = Advertisement(pid=123, api_url="http://127.0.0.1:1", headless=True, started_at=1.0, token="t")
    write_advertisement(tmp_path, advert)
    assert (tmp_path / "engine.json").stat().st_mode & 0o777 == 0o600
    assert read_advertisement(tmp_path) == advert
    remove_advertisement(tmp_path, pid=456)  # another engine's: kept
    assert read_advertisement(tmp_path) == advert
    remove_advertisement(tmp_path, pid=123)
    assert read_advertisement(tmp_path) is None
    (tmp_path / "engine.json").write_text("{not json")
    assert read_advertisement(tmp_path) is None
