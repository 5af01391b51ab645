"""``JobQueue``: the authoritative, in-memory set of jobs, with every change reported for writing behind.

Thread-safe (one lock around every method): the engine's thread dispatches and records outcomes, while the
GUI and the HTTP thread may queue, retry or cancel. The worker threads never touch it: they receive a job
snapshot and send back a ``JobOutcome``. Persistence is the caller's: every changed ``Job`` is handed
to ``persist`` (the storage thread writes it in its next transaction), so a queued job survives a restart.
"""

import functools
import heapq
import logging
import random
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace

from monitor_app.core.errors import ConflictError, NotFoundError
from monitor_app.core.jobs import Job, JobOutcome, JobProgress, JobState
from monitor_app.jobs.retry import RetryPolicy

log = logging.getLogger(__name__)

def _locked[F: Callable[..., object]](method: F) -> F:
    """Run the method holding the queue's lock."""

    @functools.wraps(method)
    def run(self: "JobQueue", *args: object, **kwargs: object) -> object:
        with self._lock:
            return method(self, *args, **kwargs)

    return run  # type: ignore[return-value]

#: Finished jobs kept in memory for the Jobs view (the database keeps them for a week).
FINISHED_KEPT_IN_MEMORY = 500
#: A job interrupted while running (the monitor died) counts the attempt; this message explains it.
INTERRUPTED = "interrupted: the monitor stopped while this attempt was running"


class JobQueue:
    """Queued, running and recently finished jobs.

    Args:
        jobs: Unfinished jobs loaded from storage (any left RUNNING were interrupted and are queued again).
        last_id: Highest job id ever handed out.
        persist: Called with each changed job.
        retry: Backoff between attempts.
        rng: Jitter source (tests pass a seeded one).
    """

    def __init__(
        self,
        jobs: Iterable[Job] = (),
        *,
        last_id: int = 0,
        persist: Callable[[Job], None] = lambda job: None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._persist = persist
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._jobs: dict[int, Job] = {}
        self._due: list[tuple[float, int]] = []  # heap of (run_after, id) of queued jobs; stale entries skipped
        self._lock = threading.RLock()
        self._next_id = last_id + 1
        for job in jobs:
            self._next_id = max(self._next_id, job.id + 1)
            if job.state is JobState.RUNNING:
                job = replace(job, state=JobState.QUEUED, last_error=INTERRUPTED)
                self._persist(job)
            self._jobs[job.id] = job
            if job.state is JobState.QUEUED:
                heapq.heappush(self._due, (job.run_after, job.id))

    # ------------------------------------------------------------------ queries

    @_locked
    def get(self, job_id: int) -> Job:
        try:
            return self._jobs[job_id]
        except KeyError:
            raise NotFoundError(f"no job with id {job_id}") from None

    @_locked
    def jobs(self) -> tuple[Job, ...]:
        """Every job known in memory, newest first."""
        return tuple(sorted(self._jobs.values(), key=lambda job: job.id, reverse=True))

    @_locked
    def pending(self) -> int:
        """Jobs not finished (queued or running)."""
        return sum(1 for job in self._jobs.values() if not job.finished)

    @_locked
    def next_due(self) -> float | None:
        """The earliest ``run_after`` of a queued job, or None when nothing is queued."""
        self._drop_stale()
        return self._due[0][0] if self._due else None

    # ------------------------------------------------------------------ producing

    @_locked
    def enqueue(
        self,
        kind: str,
        payload: dict[str, object],
        *,
        now: float,
        title: str = "",
        max_attempts: int = 5,
        program_id: int | None = None,
        run_after: float | None = None,
    ) -> Job:
        """A new queued job, due at ``run_after`` (default now)."""
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        job = Job(
            id=self._next_id,
            kind=kind,
            payload=payload,
            title=title,
            max_attempts=max_attempts,
            program_id=program_id,
            created_at=now,
            updated_at=now,
            run_after=now if run_after is None else run_after,
        )
        self._next_id += 1
        self._store(job)
        return job

    # ------------------------------------------------------------------ running

    @_locked
    def take(self, now: float) -> Job | None:
        """The oldest queued job that is due, marked RUNNING with its attempt counted; None if none is due."""
        self._drop_stale()
        if not self._due or self._due[0][0] > now:
            return None
        _, job_id = heapq.heappop(self._due)
        job = self._jobs[job_id]
        running = replace(job, state=JobState.RUNNING, attempts=job.attempts + 1, updated_at=now, progress=None)
        self._store(running)
        return running

    @_locked
    def finish(self, job_id: int, outcome: JobOutcome, *, now: float) -> Job:
        """Record an attempt's outcome: DONE, queued again after a backoff, or FAILED when out of attempts.

        A job cancelled while its attempt ran stays cancelled (the outcome is kept as its result).
        """
        job = self.get(job_id)
        if job.state is JobState.CANCELLED:
            return job
        if job.state is not JobState.RUNNING:
            log.warning("outcome for job %d which is %s; ignored", job_id, job.state)
            return job
        if outcome.ok:
            done = replace(
                job, state=JobState.DONE, updated_at=now, finished_at=now, last_error="", result=outcome.result
            )
        elif outcome.retry and job.attempts < job.max_attempts:
            delay = self._retry.delay(job.attempts, retry_after=outcome.retry_after, rng=self._rng)
            done = replace(
                job,
                state=JobState.QUEUED,
                updated_at=now,
                run_after=now + delay,
                last_error=outcome.error,
                result=outcome.result,
            )
        else:
            gave_up = outcome.retry and job.max_attempts > 1
            why = f"{outcome.error} (gave up after {job.attempts} attempts)" if gave_up else outcome.error
            done = replace(
                job,
                state=JobState.FAILED,
                updated_at=now,
                finished_at=now,
                last_error=why,
                result=outcome.result,
            )
        self._store(done)
        return done

    @_locked
    def report_progress(self, job_id: int, progress: JobProgress, *, now: float) -> Job | None:
        """Record how far a running attempt is (from its handler's thread); None if the job is not running
        (cancelled meanwhile, or unknown), so the caller has nothing to show."""
        job = self._jobs.get(job_id)
        if job is None or job.state is not JobState.RUNNING:
            return None
        updated = replace(job, progress=progress, updated_at=now)
        self._store(updated)
        return updated

    @_locked
    def is_cancelled(self, job_id: int) -> bool:
        """Whether a job was cancelled (a running handler polls this to stop early)."""
        job = self._jobs.get(job_id)
        return job is not None and job.state is JobState.CANCELLED

    # ------------------------------------------------------------------ admin actions

    @_locked
    def retry(self, job_id: int, *, now: float) -> Job:
        """Run a failed or cancelled job again now, with a fresh set of attempts."""
        job = self.get(job_id)
        if job.state not in (JobState.FAILED, JobState.CANCELLED):
            raise ConflictError(f"job {job_id} is {job.state.value}; only failed or cancelled jobs can be retried")
        again = replace(
            job, state=JobState.QUEUED, attempts=0, run_after=now, updated_at=now, finished_at=None
        )
        self._store(again)
        return again

    @_locked
    def cancel(self, job_id: int, *, now: float) -> Job:
        """Stop a job from running (again). A running attempt finishes, but nothing follows it."""
        job = self.get(job_id)
        if job.finished:
            raise ConflictError(f"job {job_id} is already {job.state.value}")
        cancelled = replace(job, state=JobState.CANCELLED, updated_at=now, finished_at=now)
        self._store(cancelled)
        return cancelled

    @_locked
    def cancel_where(self, predicate: Callable[[Job], bool], *, now: float, reason: str) -> list[Job]:
        """Cancel every unfinished job matching ``predicate`` (e.g. deliveries to a deleted endpoint)."""
        cancelled = []
        for job in list(self._jobs.values()):
            if not job.finished and predicate(job):
                done = replace(job, state=JobState.CANCELLED, updated_at=now, finished_at=now, last_error=reason)
                self._store(done)
                cancelled.append(done)
        return cancelled

    # ------------------------------------------------------------------ internals

    def _drop_stale(self) -> None:
        """Pop heap entries whose job is no longer queued at that time (cancelled, rescheduled, finished)."""
        while self._due:
            run_after, job_id = self._due[0]
            job = self._jobs.get(job_id)
            if job is not None and job.state is JobState.QUEUED and job.run_after == run_after:
                return
            heapq.heappop(self._due)

    def _store(self, job: Job) -> None:
        self._jobs[job.id] = job
        if job.state is JobState.QUEUED:
            heapq.heappush(self._due, (job.run_after, job.id))
        self._persist(job)
        if job.finished:
            self._forget_old_finished()

    def _forget_old_finished(self) -> None:
        finished = [job.id for job in self._jobs.values() if job.finished]
        if len(finished) > FINISHED_KEPT_IN_MEMORY:
            for job_id in sorted(finished)[: len(finished) - FINISHED_KEPT_IN_MEMORY]:
                del self._jobs[job_id]
