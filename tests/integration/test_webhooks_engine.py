"""Webhooks from a real engine to a real receiver on 127.0.0.1: crashes, crash loops, the queue across a
restart, endpoint management."""

import os
import signal
import sys

import pytest

from monitor_app.core.errors import NotFoundError, ValidationError
from monitor_app.core.jobs import JobState
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import Cause, ProgramState, RestartPolicy
from monitor_app.engine.automation import AutomationConfig
from monitor_app.jobs.retry import RetryPolicy
from monitor_app.webhooks.signing import verify_signature
from tests.helpers.processes import child_args
from tests.helpers.receiver import WebhookReceiver, refused_url

S = ProgramState
FAST = AutomationConfig(retry=RetryPolicy(initial_s=0.05, max_s=0.2, jitter=0.0), webhook_timeout_s=2.0)


def program(name: str, *options: str, **kw) -> ProgramSpec:
    kw.setdefault("startsecs", 0.3)
    return ProgramSpec(name=name, path=sys.executable, args=child_args(*options), **kw)


@pytest.mark.posix_only
def test_kill_of_a_running_program_sends_one_exited_then_one_restarted(qtbot, engines) -> None:
    engine = engines(automation=FAST)
    with WebhookReceiver() as receiver:
        engine.automation.add_webhook({"url": receiver.url, "format": "generic", "secret": "s3cret",
                                       "events": ["program.exited", "program.restarted"]})
        spec = engine.add_program(program("game", "--sleep", "60", "--echo", "hello from game",
                                          backoff_initial=0.2), cause=Cause.USER, actor="t")
        engine.start_program(spec.id, cause=Cause.USER, actor="t")
        qtbot.waitUntil(lambda: engine.status(spec.id).state is S.RUNNING, timeout=10_000)
        qtbot.wait(300)  # let a sample and the output land
        os.kill(engine.status(spec.id).pid, signal.SIGKILL)
        qtbot.waitUntil(lambda: len(receiver.requests) >= 2, timeout=10_000)
        first, second = receiver.requests[:2]
        body = first.json()
        assert body["event"] == "program.exited"
        assert body["program"] == {"id": spec.id, "name": "game"}
        assert body["details"]["exit_code"] == -signal.SIGKILL
        assert "restart in" in body["details"]["next_action"]
        assert body["details"]["last_output"][-1] == "hello from game"
        assert verify_signature("s3cret", first.body, first.headers["X-Monitor-Signature"])
        assert second.json()["event"] == "program.restarted"
        assert "s3cret" not in first.body.decode()


def test_crash_loop_sends_exactly_crashing_and_gave_up(qtbot, engines) -> None:
    engine = engines(automation=FAST)
    with WebhookReceiver() as receiver:
        engine.automation.add_webhook({"url": receiver.url, "format": "discord"})
        spec = engine.add_program(
            program("loop", "--exit", "7", startsecs=1.0, startretries=2, backoff_initial=0.05,
                    restart_policy=RestartPolicy.ALWAYS),
            cause=Cause.USER, actor="t",
        )
        engine.start_program(spec.id, cause=Cause.USER, actor="t")
        qtbot.waitUntil(lambda: engine.status(spec.id).state is S.FATAL, timeout=15_000)
        qtbot.waitUntil(lambda: not any(not j.finished for j in engine.automation.jobs()), timeout=5000)
        qtbot.wait(200)
        titles = [r.json()["embeds"][0]["title"] for r in receiver.requests]
        assert len(titles) == 2, titles
        assert "loop" in titles[0] and "loop" in titles[1]
        events = [j.payload["notification"]["event"] for j in reversed(engine.automation.jobs())]
        assert events == ["program.exited", "program.fatal"]


def test_pending_deliveries_survive_an_engine_restart(qtbot, engines) -> None:
    engine = engines(automation=AutomationConfig(retry=RetryPolicy(initial_s=60.0, jitter=0.0)))
    endpoint = engine.automation.add_webhook({"url": refused_url(), "format": "generic"})
    job = engine.automation.test_webhook(endpoint.id)
    job = engine.automation.enqueue("webhook.deliver", dict(job.payload), title="again", max_attempts=5)
    qtbot.waitUntil(lambda: engine.automation.job(job.id).attempts == 1
                    and engine.automation.job(job.id).state is JobState.QUEUED, timeout=5000)
    assert "refused" in engine.automation.job(job.id).last_error
    engine.shutdown()

    with WebhookReceiver() as receiver:
        restarted = engines(automation=FAST)
        restarted.automation.update_webhook(endpoint.id, {"url": receiver.url})
        pending = restarted.automation.job(job.id)
        assert pending.state is JobState.QUEUED and pending.attempts == 1
        restarted.automation.cancel_job(job.id)  # it waits a minute for its backoff: run it now instead
        restarted.automation.retry_job(job.id)
        qtbot.waitUntil(lambda: restarted.automation.job(job.id).state is JobState.DONE, timeout=5000)
        assert [r.json()["event"] for r in receiver.requests] == ["webhook.test"]
        qtbot.waitUntil(lambda: len(restarted.automation.deliveries(endpoint.id)) >= 2, timeout=5000)
        log = restarted.automation.deliveries(endpoint.id)
        assert log[0].status == 200 and log[0].final and log[-1].status is None


def test_webhook_management_validates_and_cancels_on_removal(qtbot, engine) -> None:
    with pytest.raises(ValidationError) as exc:
        engine.automation.add_webhook({"url": "ftp://x", "format": "teams", "events": ["program.exploded"]})
    assert set(exc.value.by_field()) == {"url", "format", "events"}
    assert engine.automation.webhooks() == ()
    endpoint = engine.automation.add_webhook({"url": refused_url(), "events": ["plugin.palworld.*"]})
    assert endpoint.id == 1 and endpoint.events == ("plugin.palworld.*",)
    updated = engine.automation.update_webhook(1, {"enabled": False})
    assert updated.enabled is False and updated.url == endpoint.url
    engine.automation.remove_webhook(1)
    with pytest.raises(NotFoundError):
        engine.automation.webhook(1)
    assert engine.automation.add_webhook({"url": refused_url()}).id == 2  # ids are never reused


def test_a_500_then_200_is_retried_and_a_429_waits_as_told(qtbot, engines) -> None:
    engine = engines(automation=FAST)
    with WebhookReceiver() as receiver:
        receiver.respond(500)
        receiver.respond(429, headers={"Retry-After": "1"})
        endpoint = engine.automation.add_webhook({"url": receiver.url})
        from monitor_app.core.notifications import Notification

        [job] = engine.automation.notify(Notification(event="plugin.demo.ping", time=0.0, details={"message": "hi"}))
        qtbot.waitUntil(lambda: engine.automation.job(job.id).state is JobState.DONE, timeout=10_000)
        arrivals = [r.arrived for r in receiver.requests]
        assert len(arrivals) == 3 and engine.automation.job(job.id).attempts == 3
        assert arrivals[2] - arrivals[1] >= 0.95  # Retry-After: 1 wins over the 0.1 s backoff
        qtbot.waitUntil(lambda: len(engine.automation.deliveries(endpoint.id)) == 3, timeout=5000)
        statuses = [d.status for d in reversed(engine.automation.deliveries(endpoint.id))]
        assert statuses == [500, 429, 200]
        assert {r.headers["X-Monitor-Delivery"] for r in receiver.requests} == {str(job.id)}
