"""/api/webhooks and /api/jobs over real HTTP, with a real receiver on 127.0.0.1."""

from monitor_app.core.jobs import JobState
from tests.helpers.receiver import WebhookReceiver, refused_url


def test_webhook_crud_test_send_and_delivery_log(qtbot, api) -> None:
    with WebhookReceiver() as receiver:
        created = api.admin("POST", "/api/webhooks", json={
            "url": receiver.url, "format": "slack", "events": ["program.exited"], "secret": "hush", "name": "ops"})
        assert created.status_code == 201, created.text
        hook = created.json()
        assert hook["has_secret"] is True and "secret" not in hook and hook["events"] == ["program.exited"]
        assert created.headers["Location"] == f"/api/webhooks/{hook['id']}"

        listed = api.admin("GET", "/api/webhooks").json()
        assert [h["id"] for h in listed] == [hook["id"]] and "hush" not in str(listed)

        sent = api.admin("POST", f"/api/webhooks/{hook['id']}/test")
        assert sent.status_code == 202
        job_id = sent.json()["job_id"]
        qtbot.waitUntil(lambda: api.engine.automation.job(job_id).state is JobState.DONE, timeout=5000)
        assert "text" in receiver.requests[0].json()  # slack shape

        job = api.guest("GET", f"/api/jobs/{job_id}").json()
        assert job["state"] == "done" and job["result"]["status"] == 200 and job["kind"] == "webhook.deliver"
        qtbot.waitUntil(lambda: api.admin("GET", f"/api/webhooks/{hook['id']}/deliveries").json() != [], timeout=5000)
        log = api.admin("GET", f"/api/webhooks/{hook['id']}/deliveries").json()
        assert log[0]["status"] == 200 and log[0]["ok"] and log[0]["event"] == "webhook.test"

        changed = api.admin("PUT", f"/api/webhooks/{hook['id']}", json={"enabled": False, "secret": None})
        assert changed.status_code == 200 and changed.json()["enabled"] is False
        assert changed.json()["has_secret"] is False
        assert api.admin("DELETE", f"/api/webhooks/{hook['id']}").status_code == 204
        assert api.admin("GET", f"/api/webhooks/{hook['id']}").status_code == 404


def test_webhook_input_errors_and_roles(api) -> None:
    for body, field in (({"url": "not a url"}, "url"), ({"url": "http://127.0.0.1:9/", "format": "teams"}, "format"),
                        ({"url": "http://127.0.0.1:9/", "events": ["program.exploded"]}, "events")):
        bad = api.admin("POST", "/api/webhooks", json=body)
        assert bad.status_code == 422
        assert {d["field"] for d in bad.json()["error"]["details"]} == {field}
    assert api.admin("GET", "/api/webhooks").json() == []  # nothing half-saved
    assert api.admin("POST", "/api/webhooks", json={"url": "http://127.0.0.1:9/x", "colour": "red"}).status_code == 422
    assert api.guest("GET", "/api/webhooks").status_code == 403  # URLs are secrets
    assert api.guest("POST", "/api/webhooks", json={"url": "http://127.0.0.1:9/x"}).status_code == 403
    assert api.anonymous("GET", "/api/jobs").status_code == 401


def test_jobs_list_filter_retry_and_cancel(qtbot, api) -> None:
    hook = api.admin("POST", "/api/webhooks", json={"url": refused_url()}).json()
    job_id = api.admin("POST", f"/api/webhooks/{hook['id']}/test").json()["job_id"]
    qtbot.waitUntil(lambda: api.engine.automation.job(job_id).state is JobState.FAILED, timeout=5000)
    failed = api.guest("GET", "/api/jobs?state=failed").json()
    assert [j["id"] for j in failed] == [job_id] and "refused" in failed[0]["last_error"]
    assert api.guest("GET", "/api/jobs?state=queued").json() == []
    assert api.guest("GET", "/api/jobs?state=bogus").status_code == 422
    assert api.guest("POST", f"/api/jobs/{job_id}/retry").status_code == 403
    retried = api.admin("POST", f"/api/jobs/{job_id}/retry")
    assert retried.status_code == 200 and retried.json()["state"] in ("queued", "running", "failed")
    qtbot.waitUntil(lambda: api.engine.automation.job(job_id).state is JobState.FAILED, timeout=5000)
    assert api.admin("POST", f"/api/jobs/{job_id}/cancel").status_code == 409  # already finished
    assert api.admin("POST", "/api/jobs/999/cancel").status_code == 404


def test_alert_rules_over_the_api(api) -> None:
    created = api.admin("POST", "/api/alerts/rules", json={"name": "hot", "kind": "cpu_above", "threshold": 90,
                                                           "duration_s": 60})
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["kind"] == "cpu_above" and rule["program_id"] is None and rule["notify"] is True
    assert api.guest("GET", "/api/alerts/rules").json() == [rule]
    assert api.guest("POST", "/api/alerts/rules", json=rule).status_code == 403
    bad = api.admin("POST", "/api/alerts/rules", json={"name": "x", "kind": "cpu_above", "threshold": 120,
                                                       "duration_s": 5})
    assert bad.status_code == 422 and {d["field"] for d in bad.json()["error"]["details"]} == {"threshold"}
    changed = api.admin("PUT", f"/api/alerts/rules/{rule['id']}", json={"threshold": 80, "action": "restart"})
    assert changed.status_code == 200 and changed.json()["threshold"] == 80 and changed.json()["action"] == "restart"
    assert api.guest("GET", "/api/alerts").json() == []
    assert api.admin("DELETE", f"/api/alerts/rules/{rule['id']}").status_code == 204
    assert api.guest("GET", f"/api/alerts/rules/{rule['id']}").status_code == 404


def test_schedules_over_the_api(qtbot, api) -> None:
    from tests.integration.api.conftest import add_program

    spec = add_program(api.engine)
    created = api.admin("POST", "/api/schedules", json={
        "program_id": spec.id, "name": "nightly", "action": "restart", "kind": "daily", "time_of_day": "04:00",
        "weekdays": [0, 1, 2, 3, 4], "warnings_min": [10, 5, 1], "when_players_online": "defer",
        "timezone": "Asia/Seoul"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kind"] == "daily" and body["weekdays"] == [0, 1, 2, 3, 4] and body["timezone"] == "Asia/Seoul"
    import time

    qtbot.waitUntil(lambda: api.engine.automation.next_fire(body["id"]) is not None, timeout=5000)  # planned
    body = api.guest("GET", f"/api/schedules/{body['id']}").json()
    assert time.time() < body["next_fire"] <= time.time() + 3 * 86_400  # a weekday 04:00 in Seoul
    assert [s["id"] for s in api.guest("GET", f"/api/schedules?program_id={spec.id}").json()] == [body["id"]]
    bad = api.admin("POST", "/api/schedules", json={"program_id": spec.id, "action": "restart", "kind": "daily",
                                                    "time_of_day": "25:99"})
    assert bad.status_code == 422 and "time_of_day" in {d["field"] for d in bad.json()["error"]["details"]}
    bad = api.admin("POST", "/api/schedules", json={"program_id": 999, "action": "start", "kind": "cron",
                                                    "cron": "0 4 * * *"})
    assert bad.status_code == 422
    assert api.guest("DELETE", f"/api/schedules/{body['id']}").status_code == 403
    changed = api.admin("PUT", f"/api/schedules/{body['id']}", json={"enabled": False})
    assert changed.status_code == 200 and changed.json()["enabled"] is False and changed.json()["name"] == "nightly"
    assert api.admin("DELETE", f"/api/schedules/{body['id']}").status_code == 204
