"""The seed's endpoints over real HTTP on 127.0.0.1: happy paths, errors, roles, caching."""

import gzip
import sys
import time

import requests

from monitor_app.core.states import Cause, ProgramState
from tests.integration.api.conftest import add_program, program_body


def error_code(response: requests.Response) -> str:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    return body["error"]["code"]


def test_api_health_needs_no_token_and_says_little(api) -> None:
    response = api.anonymous("GET", "/api/health")
    assert response.status_code == 200
    assert set(response.json()) == {"status", "version", "uptime_s"}


def test_api_every_other_call_needs_a_token(api) -> None:
    for method, path in (("GET", "/api/programs"), ("GET", "/api/programs/status"), ("POST", "/api/programs"),
                         ("GET", "/api/system"), ("GET", "/metrics"), ("GET", "/api/users")):
        response = api.anonymous(method, path)
        assert response.status_code == 401, path
        assert error_code(response) == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_api_forged_token_is_refused(api) -> None:
    response = requests.get(api.url("/api/programs"), headers={"Authorization": "Bearer mas_forged"}, timeout=5)
    assert response.status_code == 401 and "invalid or expired" in response.json()["error"]["message"]


def test_api_program_lifecycle(qtbot, api) -> None:
    created = api.admin("POST", "/api/programs", json=program_body("game"))
    assert created.status_code == 201, created.text
    program = created.json()
    assert created.headers["Location"] == f"/api/programs/{program['id']}"
    assert {"id", "name", "path", "args", "cwd", "env", "autostart", "restart_policy", "startsecs", "startretries",
            "stop_timeout"} <= set(program)
    pid = program["id"]
    assert api.guest("GET", f"/api/programs/{pid}").json()["name"] == "game"
    assert [p["id"] for p in api.guest("GET", "/api/programs").json()] == [pid]

    started = api.admin("POST", f"/api/programs/{pid}/start")
    assert started.status_code == 202 and started.json()["accepted"] == "start"
    qtbot.waitUntil(lambda: api.engine.status(pid).state is ProgramState.RUNNING, timeout=10_000)
    status = {s["id"]: s for s in api.guest("GET", "/api/programs/status").json()}[pid]
    assert status["status"] == "running" and status["pid"] == api.engine.status(pid).pid
    assert {"cpu_percent", "memory_mb", "uptime_s", "restarts", "exit_code"} <= set(status)

    assert api.admin("POST", f"/api/programs/{pid}/restart").status_code == 202
    qtbot.waitUntil(lambda: api.engine.status(pid).restarts == 1, timeout=15_000)
    conflict = api.admin("DELETE", f"/api/programs/{pid}/delete")
    assert conflict.status_code == 409 and error_code(conflict) == "conflict"
    assert api.admin("POST", f"/api/programs/{pid}/stop").status_code == 202
    qtbot.waitUntil(lambda: api.engine.status(pid).state is ProgramState.STOPPED, timeout=15_000)
    double_stop = api.admin("POST", f"/api/programs/{pid}/stop")
    assert double_stop.status_code == 409

    updated = api.admin("PUT", f"/api/programs/{pid}", json={"stop_timeout": 30, "autostart": True})
    assert updated.status_code == 200 and updated.json()["stop_timeout"] == 30 and updated.json()["name"] == "game"
    assert api.admin("DELETE", f"/api/programs/{pid}/delete").status_code == 204
    assert api.guest("GET", f"/api/programs/{pid}").status_code == 404


def test_api_delete_alias_works(api) -> None:
    spec = add_program(api.engine, "alias")
    assert api.admin("DELETE", f"/api/programs/{spec.id}").status_code == 204
    assert api.engine.programs() == ()


def test_api_actions_are_recorded_with_user_and_address(qtbot, api) -> None:
    created = api.admin("POST", "/api/programs", json=program_body("audited")).json()
    qtbot.waitUntil(lambda: bool(api.engine.events(program_id=created["id"])), timeout=5000)
    added = api.engine.events(program_id=created["id"])[-1]
    assert added.cause.value == "api" and added.actor == "admin@127.0.0.1"


def test_api_guest_may_read_but_not_change(api) -> None:
    spec = add_program(api.engine)
    assert api.guest("GET", "/api/programs").status_code == 200
    for method, path, body in (("POST", "/api/programs", program_body()), ("PUT", f"/api/programs/{spec.id}", {"autostart": True}),
                               ("POST", f"/api/programs/{spec.id}/start", None), ("DELETE", f"/api/programs/{spec.id}/delete", None),
                               ("GET", "/api/users", None), ("POST", "/api/keys", {"name": "x"})):
        response = api.guest(method, path, json=body) if body is not None else api.guest(method, path)
        assert response.status_code == 403, (method, path)
        assert error_code(response) == "forbidden"


def test_api_validation_errors_name_the_fields(api) -> None:
    response = api.admin("POST", "/api/programs", json={"name": "", "path": "/no/such/exe", "stop_timeout": -1})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert {"name", "path", "stop_timeout"} <= fields


def test_api_wrong_types_and_unknown_fields_are_422(api) -> None:
    response = api.admin("POST", "/api/programs", json={"name": 5, "path": sys.executable, "args": "-a -b", "colour": "red"})
    assert response.status_code == 422
    details = {d["field"]: d["message"] for d in response.json()["error"]["details"]}
    assert "colour" in details and "args" in details and "name" in details


def test_api_malformed_json_is_400_and_wrong_media_type_415(api) -> None:
    bad = api.admin("POST", "/api/programs", data=b"{not json", headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and error_code(bad) == "malformed_json"
    nan = api.admin("POST", "/api/programs", data=b'{"name": NaN}', headers={"Content-Type": "application/json"})
    assert nan.status_code == 400
    array = api.admin("POST", "/api/programs", json=[1, 2])
    assert array.status_code == 400
    form = api.admin("POST", "/api/programs", data={"name": "x"})
    assert form.status_code == 415 and error_code(form) == "unsupported_media_type"


def test_api_a_declared_huge_body_is_refused_before_it_is_read(api) -> None:
    import socket

    host, port = api.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(b"POST /api/programs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 5000000000\r\n\r\n{")
        answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413") and b'"body_too_large"' in answer


def test_api_huge_body_is_413(api) -> None:
    response = api.admin("POST", "/api/programs", data=b"{" + b" " * (2 * 1024 * 1024) + b"}",
                         headers={"Content-Type": "application/json"})
    assert response.status_code == 413 and error_code(response) == "body_too_large"


def test_api_unknown_paths_methods_and_ids(api) -> None:
    assert api.guest("GET", "/api/nothing").status_code == 404
    assert api.guest("GET", "/api/programs/0").status_code == 404
    assert api.guest("GET", "/api/programs/abc").status_code == 404
    assert api.guest("GET", "/api/programs/99999999999999").status_code == 404
    assert api.guest("GET", "/api/programs/../users").status_code in (401, 403, 404)
    assert api.guest("GET", "/api/programs/%2e%2e/users").status_code in (403, 404)
    not_allowed = api.admin("PATCH", "/api/programs")
    assert not_allowed.status_code == 405 and "GET" in not_allowed.headers["Allow"]
    get_start = api.admin("GET", "/api/programs/1/start")
    assert get_start.status_code == 405


def test_api_status_etag_and_gzip(qtbot, api) -> None:
    for i in range(25):
        add_program(api.engine, f"server {i:02d}")
    first = api.guest("GET", "/api/programs", headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert len(first.json()) == 25  # requests decompressed it
    raw = requests.get(api.url("/api/programs"), headers={**api.headers(api.guest_token), "Accept-Encoding": "gzip"},
                       timeout=5, stream=True).raw.read()
    assert gzip.decompress(raw).startswith(b"[")
    etag = first.headers["ETag"]
    again = api.guest("GET", "/api/programs", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert "max-age=10" in first.headers["Cache-Control"]


def test_api_metrics_history_and_system(qtbot, api) -> None:
    spec = add_program(api.engine)
    api.engine.start_program(spec.id, cause=Cause.API, actor="t")
    qtbot.waitUntil(lambda: (t := api.engine.latest_metrics()) is not None and any(p.program_id == spec.id for p in t.programs), timeout=10_000)
    time.sleep(0.3)
    history = api.guest("GET", f"/api/metrics/{spec.id}?range=1h&points=50")
    assert history.status_code == 200, history.text
    body = history.json()
    assert body["range"] == "1h" and set(body["metrics"]) == {"cpu_percent", "memory_mb"}
    points = body["metrics"]["memory_mb"]["points"]
    assert points and all(len(p) == 3 for p in points) and max(p[2] for p in points) > 1
    assert api.guest("GET", f"/api/metrics/{spec.id}?range=1y").status_code == 422
    assert api.guest("GET", f"/api/metrics/{spec.id}?points=0").status_code == 422
    assert api.guest("GET", "/api/metrics/424242").status_code == 404
    system = api.guest("GET", "/api/system").json()
    assert 0 <= system["cpu_percent"] <= 100 and system["memory_total"] > 0 and system["disks"]


def test_api_events_filters(qtbot, api) -> None:
    first = add_program(api.engine, "one")
    second = add_program(api.engine, "two")
    # sign-ins are events too: wait for both programs' own rows to be stored
    qtbot.waitUntil(lambda: {e.program_id for e in api.engine.events()} >= {first.id, second.id}, timeout=5000)
    everything = api.guest("GET", "/api/events").json()
    assert {e["program_id"] for e in everything} >= {first.id, second.id}
    only_two = api.guest("GET", f"/api/events?program_id={second.id}&limit=5").json()
    assert only_two and all(e["program_id"] == second.id for e in only_two)
    assert api.guest("GET", "/api/events?limit=100000").status_code == 422
    assert api.guest("GET", "/api/events?since=yesterday").status_code == 422
    assert api.guest("GET", f"/api/events?since={time.time() + 3600}").json() == []


def test_api_plugins_answer_until_the_plugin_system_lands(api) -> None:
    spec = add_program(api.engine)
    assert api.guest("GET", f"/api/plugins/program/{spec.id}").json() == []
    assert api.guest("GET", "/api/plugins/program/999").status_code == 404
    action = api.admin("POST", "/api/plugins/1/action", json={"action": "save"})
    assert action.status_code == 404 and error_code(action) == "not_found"


def test_api_performance_statistics(api) -> None:
    for _ in range(3):
        api.guest("GET", "/api/programs")
    report = api.admin("GET", "/api/admin/performance").json()
    entry = report["GET /api/programs"]
    assert entry["count"] >= 3 and {"errors", "avg_ms", "p50_ms", "p95_ms", "max_ms"} <= set(entry)
    one = api.admin("GET", "/api/admin/performance/GET /api/programs").json()
    assert list(one) == ["GET /api/programs"]
    assert api.admin("GET", "/api/admin/performance/GET /nowhere").status_code == 404
    assert api.admin("DELETE", "/api/admin/performance").status_code == 204
    assert "GET /api/programs" not in api.admin("GET", "/api/admin/performance").json()


def test_api_every_fresh_connection_gets_its_answer(qtbot, api) -> None:
    # Each request on a new connection, while the GUI thread runs its event loop (as in the app): the transport
    # peeks at the first bytes before handing the socket to QHttpServer, and handing a socket over twice once
    # made some answers come back empty.
    import threading

    bodies: list[bytes] = []

    def client() -> None:
        for _ in range(300):
            bodies.append(requests.get(api.url("/api/health"), timeout=5).content)

    thread = threading.Thread(target=client)
    thread.start()
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=60_000)
    assert len(bodies) == 300
    assert all(body.startswith(b'{"status":"ok"') for body in bodies), sum(1 for b in bodies if not b)
