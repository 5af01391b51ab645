"""The job queue's life cycle: attempts, backoff, Retry-After, cancellation, recovery after a crash."""

import random

import pytest

from monitor_app.core.errors import ConflictError, NotFoundError
from monitor_app.core.jobs import Job, JobOutcome, JobProgress, JobState
from monitor_app.jobs.queue import FINISHED_KEPT_IN_MEMORY, INTERRUPTED, JobQueue
from monitor_app.jobs.retry import RetryPolicy

NO_JITTER = RetryPolicy(initial_s=5.0, max_s=300.0, jitter=0.0)


def make_queue(**kwargs) -> tuple[JobQueue, list[Job]]:  # type: ignore[no-untyped-def]
    persisted: list[Job] = []
    kwargs.setdefault("retry", NO_JITTER)
    return JobQueue(persist=persisted.append, rng=random.Random(1), **kwargs), persisted


def test_a_job_runs_once_and_is_done() -> None:
    queue, persisted = make_queue()
    job = queue.enqueue("webhook.deliver", {"endpoint_id": 1}, now=100.0, title="test")
    assert job.id == 1 and job.state is JobState.QUEUED
    running = queue.take(100.0)
    assert running is not None and running.state is JobState.RUNNING and running.attempts == 1
    assert queue.take(100.0) is None  # nothing else is due
    done = queue.finish(job.id, JobOutcome(ok=True, result={"status": 204}), now=101.0)
    assert done.state is JobState.DONE and done.finished_at == 101.0 and done.result == {"status": 204}
    assert [j.state for j in persisted] == [JobState.QUEUED, JobState.RUNNING, JobState.DONE]


def test_failures_back_off_exponentially_then_give_up() -> None:
    queue, _ = make_queue()
    job = queue.enqueue("k", {}, now=0.0, max_attempts=3)
    now = 0.0
    delays = []
    for _ in range(2):
        queue.take(now)
        after = queue.finish(job.id, JobOutcome(ok=False, error="HTTP 500"), now=now)
        assert after.state is JobState.QUEUED and after.last_error == "HTTP 500"
        delays.append(after.run_after - now)
        assert queue.take(after.run_after - 0.01) is None  # not before its time
        now = after.run_after
    assert delays == [5.0, 10.0]
    queue.take(now)
    failed = queue.finish(job.id, JobOutcome(ok=False, error="HTTP 500"), now=now)
    assert failed.state is JobState.FAILED
    assert failed.attempts == 3 and "gave up after 3 attempts" in failed.last_error


def test_retry_after_from_the_receiver_is_honoured_when_longer() -> None:
    queue, _ = make_queue()
    job = queue.enqueue("k", {}, now=0.0)
    queue.take(0.0)
    after = queue.finish(job.id, JobOutcome(ok=False, error="429", retry_after=42.0), now=0.0)
    assert after.run_after == pytest.approx(42.0)


def test_a_permanent_error_fails_at_once() -> None:
    queue, _ = make_queue()
    job = queue.enqueue("k", {}, now=0.0)
    queue.take(0.0)
    failed = queue.finish(job.id, JobOutcome(ok=False, error="HTTP 404", retry=False), now=1.0)
    assert failed.state is JobState.FAILED and failed.attempts == 1 and failed.last_error == "HTTP 404"


def test_cancel_and_retry() -> None:
    queue, _ = make_queue()
    job = queue.enqueue("k", {}, now=0.0)
    cancelled = queue.cancel(job.id, now=1.0)
    assert cancelled.state is JobState.CANCELLED
    assert queue.take(2.0) is None
    with pytest.raises(ConflictError):
        queue.cancel(job.id, now=2.0)
    again = queue.retry(job.id, now=3.0)
    assert again.state is JobState.QUEUED and again.attempts == 0
    with pytest.raises(ConflictError):
        queue.retry(job.id, now=3.0)
    with pytest.raises(NotFoundError):
        queue.retry(999, now=3.0)


def test_cancelled_while_running_stays_cancelled() -> None:
    queue, _ = make_queue()
    job = queue.enqueue("k", {}, now=0.0)
    queue.take(0.0)
    queue.cancel(job.id, now=0.5)
    assert queue.finish(job.id, JobOutcome(ok=False, error="x"), now=1.0).state is JobState.CANCELLED


def test_oldest_due_job_runs_first() -> None:
    queue, _ = make_queue()
    later = queue.enqueue("k", {}, now=0.0, run_after=50.0)
    first = queue.enqueue("k", {}, now=1.0)
    second = queue.enqueue("k", {}, now=2.0)
    assert [queue.take(10.0).id, queue.take(10.0).id] == [first.id, second.id]  # type: ignore[union-attr]
    assert queue.take(10.0) is None
    assert queue.next_due() == 50.0
    assert queue.take(50.0).id == later.id  # type: ignore[union-attr]


def test_recovery_requeues_interrupted_jobs_and_keeps_ids_growing() -> None:
    stored = [
        Job(kind="k", id=7, state=JobState.RUNNING, attempts=1, max_attempts=5),
        Job(kind="k", id=8, state=JobState.QUEUED),
    ]
    queue, persisted = make_queue(jobs=stored, last_id=9)
    assert queue.get(7).state is JobState.QUEUED and queue.get(7).last_error == INTERRUPTED
    assert queue.get(7).attempts == 1  # the interrupted attempt counts
    assert [j.id for j in persisted] == [7]
    assert queue.enqueue("k", {}, now=0.0).id == 10
    assert queue.pending() == 3


def test_finished_jobs_in_memory_are_bounded() -> None:
    queue, _ = make_queue()
    for _ in range(FINISHED_KEPT_IN_MEMORY + 50):
        job = queue.enqueue("k", {}, now=0.0)
        queue.take(0.0)
        queue.finish(job.id, JobOutcome(ok=True), now=0.0)
    assert len(queue.jobs()) == FINISHED_KEPT_IN_MEMORY
    assert queue.jobs()[0].id == FINISHED_KEPT_IN_MEMORY + 50  # newest first


def test_retry_policy_caps_and_jitters() -> None:
    policy = RetryPolicy(initial_s=5.0, max_s=60.0, jitter=0.2)
    rng = random.Random(3)
    delays = [policy.delay(n, rng=rng) for n in range(1, 12)]
    assert all(0.8 * min(60.0, 5.0 * 2 ** (n - 1)) <= d <= 1.2 * min(60.0, 5.0 * 2 ** (n - 1))
               for n, d in enumerate(delays, start=1))
    assert policy.delay(1, retry_after=10_000.0) == policy.max_retry_after_s


def test_progress_is_kept_while_running_and_cleared_by_the_next_attempt() -> None:
    queue, persisted = make_queue()
    job = queue.enqueue("plugin.action", {}, now=0.0, max_attempts=2)
    assert queue.report_progress(job.id, JobProgress(1, 4, "1 of 4"), now=0.5) is None  # not running yet
    queue.take(1.0)
    reported = queue.report_progress(job.id, JobProgress(3, 4, "3 of 4"), now=2.0)
    assert reported is not None and reported.progress == JobProgress(3, 4, "3 of 4") and reported.updated_at == 2.0
    assert persisted[-1].progress is not None and persisted[-1].progress.percent == 75
    failed = queue.finish(job.id, JobOutcome(ok=False, error="disk full"), now=3.0)
    assert failed.progress == JobProgress(3, 4, "3 of 4")  # what it got to stays visible
    again = queue.take(failed.run_after)
    assert again is not None and again.progress is None


def test_a_cancelled_running_job_takes_no_more_progress() -> None:
    queue, _ = make_queue()
    job = queue.enqueue("plugin.action", {}, now=0.0)
    queue.take(0.0)
    assert not queue.is_cancelled(job.id)
    queue.cancel(job.id, now=1.0)
    assert queue.is_cancelled(job.id)
    assert queue.report_progress(job.id, JobProgress(1, 2), now=2.0) is None
    assert JobProgress(5, None).percent is None and JobProgress(7, 5).percent == 100
