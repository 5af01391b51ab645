"""/api/plugins over real HTTP: catalog, attach with secrets kept out of answers, guest vs admin actions."""

from pathlib import Path

import pytest

from tests.integration.api.conftest import add_program

SAMPLES = Path(__file__).resolve().parents[2] / "helpers" / "plugin_samples"


@pytest.fixture
def engine(engines):  # type: ignore[no-untyped-def]  # the api fixture builds on this one
    return engines(plugin_dirs=(SAMPLES,))


@pytest.mark.allow_error_log
def test_plugins_over_the_api(qtbot, api) -> None:
    catalog = {p["id"]: p for p in api.guest("GET", "/api/plugins").json()}
    assert catalog["echo"]["loaded"] and not catalog["broken"]["loaded"]
    spec = add_program(api.engine)
    assert api.guest("GET", f"/api/plugins/program/{spec.id}").json() == []
    assert api.guest("POST", f"/api/plugins/program/{spec.id}", json={"plugin": "echo"}).status_code == 403
    bad = api.admin("POST", f"/api/plugins/program/{spec.id}", json={"plugin": "echo", "settings": {"port": 0}})
    assert bad.status_code == 422 and {d["field"] for d in bad.json()["error"]["details"]} == {"port"}
    created = api.admin("POST", f"/api/plugins/program/{spec.id}",
                        json={"plugin": "echo", "settings": {"host": "127.0.0.1", "password": "s3cret"}})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["plugin"] == "echo" and body["secrets_set"] == ["password"] and "s3cret" not in created.text
    assert {a["name"] for a in body["actions"]} >= {"echo", "players"}
    instance_id = body["id"]
    qtbot.waitUntil(lambda: api.engine.plugins.describe(api.engine.plugins.instance(instance_id))["status"] == "running",
                    timeout=5000)

    players = api.guest("POST", f"/api/plugins/{instance_id}/action", json={"action": "players"})
    assert players.status_code == 200 and players.json()["result"] == [{"name": "Alice", "userid": "steam_1"}]
    assert api.guest("POST", f"/api/plugins/{instance_id}/action",
                     json={"action": "echo", "params": {"message": "x"}}).status_code == 403
    echoed = api.admin("POST", f"/api/plugins/{instance_id}/action", json={"action": "echo", "params": {"message": "hi"}})
    assert echoed.json()["result"]["echo"] == "hi"
    failed = api.admin("POST", f"/api/plugins/{instance_id}/action", json={"action": "fail"})
    assert failed.status_code == 502 and "the server said no" in failed.json()["error"]["message"]
    assert api.admin("POST", f"/api/plugins/{instance_id}/action", json={"action": "dance"}).status_code == 404
    panel = api.guest("GET", f"/api/plugins/{instance_id}/panel").json()
    assert panel["status"] == "connected"

    changed = api.admin("PUT", f"/api/plugins/{instance_id}", json={"settings": {"mode": "b"}})
    assert changed.status_code == 200 and changed.json()["settings"]["mode"] == "b"
    assert changed.json()["secrets_set"] == ["password"]
    assert api.admin("DELETE", f"/api/plugins/{instance_id}").status_code == 204
    assert api.guest("GET", f"/api/plugins/{instance_id}").status_code == 404


def test_a_long_action_is_answered_with_202_and_its_job(qtbot, api, tmp_path) -> None:
    spec = add_program(api.engine)
    gate = tmp_path / "gate"
    gate.mkdir()
    created = api.admin("POST", f"/api/plugins/program/{spec.id}", json={"plugin": "steps", "settings": {"gate": str(gate)}})
    instance_id = created.json()["id"]
    qtbot.waitUntil(lambda: api.engine.plugins.describe(api.engine.plugins.instance(instance_id))["status"] == "running",
                    timeout=5000)
    actions = {a["name"]: a for a in created.json()["actions"]}
    assert actions["work"]["long_running"] and not actions["quick"]["long_running"]
    quick = api.guest("POST", f"/api/plugins/{instance_id}/action", json={"action": "quick"})
    assert quick.status_code == 200 and quick.json()["result"] == "quick"  # short actions still answer at once
    assert api.guest("POST", f"/api/plugins/{instance_id}/action", json={"action": "work"}).status_code == 403
    bad = api.admin("POST", f"/api/plugins/{instance_id}/action", json={"action": "work", "params": {"steps": 0}})
    assert bad.status_code == 422  # validated before anything is queued
    queued = api.admin("POST", f"/api/plugins/{instance_id}/action", json={"action": "work", "params": {"steps": 2}})
    assert queued.status_code == 202, queued.text
    job_id = queued.json()["job_id"]
    assert queued.headers["Location"] == f"/api/jobs/{job_id}" and queued.json()["job"]["kind"] == "plugin.action"
    (gate / "0").touch()

    def job():  # type: ignore[no-untyped-def]
        return api.admin("GET", f"/api/jobs/{job_id}").json()

    qtbot.waitUntil(lambda: job()["progress"] is not None, timeout=5000)
    assert job()["progress"] == {"done": 1.0, "total": 2.0, "percent": 50, "text": "1 of 2 steps"}
    (gate / "1").touch()
    qtbot.waitUntil(lambda: job()["state"] == "done", timeout=5000)
    listed = next(j for j in api.admin("GET", "/api/jobs").json() if j["id"] == job_id)
    assert listed["progress"]["percent"] == 100 and listed["result"]["result"]["steps"] == 2
