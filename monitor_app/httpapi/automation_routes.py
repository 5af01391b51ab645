"""REST endpoints for automation: webhooks and their delivery log, alert rules, schedules, the job queue.

Webhook URLs are secrets (Discord and Slack put the token in the path), so every webhook endpoint is for
admins only, and secrets are never returned.
"""

from typing import Any

from monitor_app.core.alerts import rule_to_dict
from monitor_app.core.jobs import JobState
from monitor_app.core.ports import Engine
from monitor_app.core.schedules import Schedule, schedule_to_dict
from monitor_app.core.states import Cause
from monitor_app.httpapi import schemas
from monitor_app.httpapi.dispatch import Context, Reply, Route
from monitor_app.httpapi.query import int_query, invalid

MAX_JOBS = 1000
MAX_DELIVERIES = 1000


def build_automation_routes(engine: Engine) -> list[Route]:
    auto = engine.automation

    # ---------------------------------------------------------------- webhooks

    def list_webhooks(_c: Context) -> Any:
        return [schemas.webhook_json(endpoint) for endpoint in auto.webhooks()]

    def get_webhook(c: Context) -> Any:
        return schemas.webhook_json(auto.webhook(c.params["id"]))

    def create_webhook(c: Context) -> Reply:
        endpoint = auto.add_webhook(c.json)
        engine.record_audit(f"webhook {endpoint.id} added", cause=Cause.API, actor=c.actor)
        return Reply(schemas.webhook_json(endpoint), status=201, headers={"Location": f"/api/webhooks/{endpoint.id}"})

    def update_webhook(c: Context) -> Any:
        endpoint = auto.update_webhook(c.params["id"], c.json)
        engine.record_audit(f"webhook {endpoint.id} changed", cause=Cause.API, actor=c.actor)
        return schemas.webhook_json(endpoint)

    def delete_webhook(c: Context) -> Reply:
        endpoint = auto.remove_webhook(c.params["id"])
        engine.record_audit(f"webhook {endpoint.id} removed", cause=Cause.API, actor=c.actor)
        return Reply(status=204)

    def test_webhook(c: Context) -> Reply:
        job = auto.test_webhook(c.params["id"], actor=c.actor)
        return Reply({"job_id": job.id, "job": schemas.job_json(job)}, status=202,
                     headers={"Location": f"/api/jobs/{job.id}"})

    def deliveries(c: Context) -> Any:
        limit = int_query(c, "limit", 100, 1, MAX_DELIVERIES)
        return [schemas.delivery_json(d) for d in auto.deliveries(c.params["id"], limit)]

    # ---------------------------------------------------------------- alert rules

    def list_rules(_c: Context) -> Any:
        return [rule_to_dict(rule) for rule in auto.alert_rules()]

    def get_rule(c: Context) -> Any:
        return rule_to_dict(auto.alert_rule(c.params["id"]))

    def create_rule(c: Context) -> Reply:
        rule = auto.add_alert_rule(c.json)
        engine.record_audit(f"alert rule {rule.name!r} added", cause=Cause.API, actor=c.actor)
        return Reply(rule_to_dict(rule), status=201, headers={"Location": f"/api/alerts/rules/{rule.id}"})

    def update_rule(c: Context) -> Any:
        rule = auto.update_alert_rule(c.params["id"], c.json)
        engine.record_audit(f"alert rule {rule.name!r} changed", cause=Cause.API, actor=c.actor)
        return rule_to_dict(rule)

    def delete_rule(c: Context) -> Reply:
        rule = auto.remove_alert_rule(c.params["id"])
        engine.record_audit(f"alert rule {rule.name!r} removed", cause=Cause.API, actor=c.actor)
        return Reply(status=204)

    def firing(_c: Context) -> Any:
        rules = {rule.id: rule for rule in auto.alert_rules()}
        return [
            {
                "rule_id": state.rule_id,
                "rule_name": rules[state.rule_id].name if state.rule_id in rules else "",
                "program_id": state.program_id,
                "subject": state.subject,
                "since": state.since,
                "value": state.value,
            }
            for state in auto.alerts_firing()
        ]

    # ---------------------------------------------------------------- schedules

    def schedule_json(schedule: Schedule) -> dict[str, Any]:
        return {**schedule_to_dict(schedule), "next_fire": auto.next_fire(schedule.id)}

    def list_schedules(c: Context) -> Any:
        program_id = int_query(c, "program_id", None, 1, 10**12)
        return [schedule_json(s) for s in auto.schedules() if program_id is None or s.program_id == program_id]

    def get_schedule(c: Context) -> Any:
        return schedule_json(auto.schedule(c.params["id"]))

    def create_schedule(c: Context) -> Reply:
        schedule = auto.add_schedule(c.json)
        engine.record_audit(f"schedule {schedule.id} added", cause=Cause.API, actor=c.actor)
        return Reply(schedule_json(schedule), status=201, headers={"Location": f"/api/schedules/{schedule.id}"})

    def update_schedule(c: Context) -> Any:
        schedule = auto.update_schedule(c.params["id"], c.json)
        engine.record_audit(f"schedule {schedule.id} changed", cause=Cause.API, actor=c.actor)
        return schedule_json(schedule)

    def delete_schedule(c: Context) -> Reply:
        schedule = auto.remove_schedule(c.params["id"])
        engine.record_audit(f"schedule {schedule.id} removed", cause=Cause.API, actor=c.actor)
        return Reply(status=204)

    # ---------------------------------------------------------------- jobs

    def list_jobs(c: Context) -> Any:
        state = c.request.query.get("state") or None
        if state is not None and state not in {s.value for s in JobState}:
            raise invalid("state", "must be one of: " + ", ".join(s.value for s in JobState))
        kind = c.request.query.get("kind") or None
        program_id = int_query(c, "program_id", None, 1, 10**12)
        limit = int_query(c, "limit", 100, 1, MAX_JOBS)
        found = [
            job for job in auto.jobs()
            if (state is None or job.state.value == state)
            and (kind is None or job.kind == kind)
            and (program_id is None or job.program_id == program_id)
        ]
        return [schemas.job_json(job) for job in found[:limit]]

    def get_job(c: Context) -> Any:
        return schemas.job_json(auto.job(c.params["id"]), with_payload=True)

    def retry_job(c: Context) -> Any:
        job = auto.retry_job(c.params["id"])
        engine.record_audit(f"job {job.id} retried", cause=Cause.API, actor=c.actor)
        return schemas.job_json(job)

    def cancel_job(c: Context) -> Any:
        job = auto.cancel_job(c.params["id"])
        engine.record_audit(f"job {job.id} cancelled", cause=Cause.API, actor=c.actor)
        return schemas.job_json(job)

    return [
        Route("GET", "/api/webhooks", list_webhooks, "admin", "Webhook endpoints (secrets are never shown)",
              response="Webhook", response_array=True, tag="webhooks"),
        Route("POST", "/api/webhooks", create_webhook, "admin", "Add a webhook endpoint", limit="manage",
              body="WebhookInput", response="Webhook", status=201, tag="webhooks"),
        Route("GET", "/api/webhooks/{id}", get_webhook, "admin", "One webhook endpoint", response="Webhook",
              tag="webhooks"),
        Route("PUT", "/api/webhooks/{id}", update_webhook, "admin", "Change a webhook (fields given only)",
              limit="manage", body="WebhookUpdate", response="Webhook", tag="webhooks"),
        Route("DELETE", "/api/webhooks/{id}", delete_webhook, "admin",
              "Remove a webhook; its pending deliveries are cancelled", limit="manage", status=204, tag="webhooks"),
        Route("POST", "/api/webhooks/{id}/test", test_webhook, "admin", "Send a test message (as a job)",
              limit="action", status=202, tag="webhooks"),
        Route("GET", "/api/webhooks/{id}/deliveries", deliveries, "admin", "Delivery log, newest first",
              response="Delivery", response_array=True, query={"limit": f"1-{MAX_DELIVERIES} (default 100)"},
              tag="webhooks"),
        Route("GET", "/api/alerts", firing, "guest", "Alerts firing now (per rule and program or disk)",
              response="AlertFiring", response_array=True, tag="alerts"),
        Route("GET", "/api/alerts/rules", list_rules, "guest", "Alert rules", response="AlertRule",
              response_array=True, tag="alerts"),
        Route("POST", "/api/alerts/rules", create_rule, "admin", "Add an alert rule", limit="manage",
              body="AlertRuleInput", response="AlertRule", status=201, tag="alerts"),
        Route("GET", "/api/alerts/rules/{id}", get_rule, "guest", "One alert rule", response="AlertRule",
              tag="alerts"),
        Route("PUT", "/api/alerts/rules/{id}", update_rule, "admin", "Change an alert rule (fields given only)",
              limit="manage", body="AlertRuleUpdate", response="AlertRule", tag="alerts"),
        Route("DELETE", "/api/alerts/rules/{id}", delete_rule, "admin", "Remove an alert rule", limit="manage",
              status=204, tag="alerts"),
        Route("GET", "/api/schedules", list_schedules, "guest", "Scheduled actions with their next fire time",
              response="Schedule", response_array=True, query={"program_id": "the program's id"}, tag="schedules"),
        Route("POST", "/api/schedules", create_schedule, "admin", "Add a scheduled action", limit="manage",
              body="ScheduleInput", response="Schedule", status=201, tag="schedules"),
        Route("GET", "/api/schedules/{id}", get_schedule, "guest", "One scheduled action", response="Schedule",
              tag="schedules"),
        Route("PUT", "/api/schedules/{id}", update_schedule, "admin", "Change a schedule (fields given only)",
              limit="manage", body="ScheduleUpdate", response="Schedule", tag="schedules"),
        Route("DELETE", "/api/schedules/{id}", delete_schedule, "admin", "Remove a schedule", limit="manage",
              status=204, tag="schedules"),
        Route("GET", "/api/jobs", list_jobs, "guest", "Queued, running and recent jobs, newest first",
              response="Job", response_array=True,
              query={"state": "queued, running, done, failed or cancelled", "kind": "e.g. webhook.deliver",
                     "program_id": "the program's id", "limit": f"1-{MAX_JOBS} (default 100)"}, tag="jobs"),
        Route("GET", "/api/jobs/{id}", get_job, "guest", "One job with its payload", response="Job", tag="jobs"),
        Route("POST", "/api/jobs/{id}/retry", retry_job, "admin", "Run a failed or cancelled job again",
              limit="action", response="Job", tag="jobs"),
        Route("POST", "/api/jobs/{id}/cancel", cancel_job, "admin", "Cancel a queued job", limit="action",
              response="Job", tag="jobs"),
    ]
