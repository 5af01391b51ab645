"""The job workers: a small pool of threads (2 by default, the seed's setting) that run queued jobs.

The queue itself stays in the engine's thread (``jobs.JobQueue``); ``JobPool`` hands each due job to an idle
worker as a snapshot and takes the outcome back as a queued signal, so no lock guards the queue and a slow
job (a webhook receiver that hangs for its 5 s timeout) never delays the GUI or another worker.
"""

import logging
import time
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from monitor_app.core.clock import Clock
from monitor_app.core.jobs import Job, JobOutcome
from monitor_app.jobs.queue import JobQueue
from monitor_app.workers.threads import stop_thread, thread_for

log = logging.getLogger(__name__)

#: A handler runs one attempt of a job on a worker thread and reports how it went; it must not raise.
JobHandler = Callable[[Job], JobOutcome]

DEFAULT_WORKERS = 2
MAX_WORKERS = 16


class JobRunner(QObject):
    """Lives in one worker thread; runs the attempts it is given, one at a time."""

    finished = Signal(int, object)  # job id, JobOutcome
    _run = Signal(object)

    def __init__(self, handlers: Mapping[str, JobHandler]) -> None:
        super().__init__()
        self._handlers = handlers
        self._run.connect(self.run)

    @Slot()
    def start(self) -> None:
        """Nothing to set up; present for ``thread_for``."""

    @Slot(object)
    def run(self, job: Job) -> None:
        handler = self._handlers.get(job.kind)
        if handler is None:
            outcome = JobOutcome(ok=False, error=f"no handler for jobs of kind {job.kind!r}", retry=False)
        else:
            try:
                outcome = handler(job)
            except Exception as exc:  # a handler bug must not kill the worker; the job records it
                log.exception("job %d (%s) raised", job.id, job.kind)
                outcome = JobOutcome(ok=False, error=f"internal error: {exc}", retry=True)
        self.finished.emit(job.id, outcome)


class JobPool(QObject):
    """Dispatches due jobs of a ``JobQueue`` to worker threads.

    Signals:
        job_changed(Job): a job was queued, started, finished, retried or cancelled.
    """

    job_changed = Signal(object)
    _wake = Signal()

    def __init__(
        self,
        queue: JobQueue,
        handlers: Mapping[str, JobHandler],
        *,
        clock: Clock,
        workers: int = DEFAULT_WORKERS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        if not 1 <= workers <= MAX_WORKERS:
            raise ValueError(f"workers must be between 1 and {MAX_WORKERS}")
        self._queue = queue
        self._clock = clock
        self._handlers: dict[str, JobHandler] = dict(handlers)  # shared with the runners
        self._runners = [JobRunner(self._handlers) for _ in range(workers)]
        self._threads: list[QThread] = []
        self._idle: list[JobRunner] = []
        self._busy: dict[int, JobRunner] = {}  # job id -> runner
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dispatch)
        self._wake.connect(self.dispatch, Qt.ConnectionType.QueuedConnection)
        self._running = False
        self._wake_pending = False

    @property
    def queue(self) -> JobQueue:
        return self._queue

    def add_handler(self, kind: str, handler: JobHandler) -> None:
        """Let jobs of ``kind`` run; call before ``start`` (the runners read the table without a lock)."""
        self._handlers[kind] = handler

    def start(self) -> None:
        if self._running:
            return
        self._running = True
        for index, runner in enumerate(self._runners):
            runner.finished.connect(self._on_finished)
            thread = thread_for(runner, f"jobs-{index + 1}")
            thread.start()
            self._threads.append(thread)
        self._idle = list(self._runners)
        self.dispatch()

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        """Stop handing out jobs and let the running attempts finish (each is bounded by its own timeout).

        An attempt cut short by quitting the process runs again at the next start: its job is still RUNNING in
        storage, which the queue treats as interrupted.
        """
        if not self._running:
            return
        self._running = False
        self._timer.stop()
        deadline = time.monotonic() + timeout_ms / 1000
        for thread in self._threads:
            thread.quit()
        for thread in self._threads:
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            if not stop_thread(thread, remaining):
                log.warning("job worker %s still busy at shutdown", thread.objectName())

    @Slot()
    def dispatch(self) -> None:
        """Give every idle worker a due job; arm the timer for the next one that is not yet due."""
        self._wake_pending = False
        if not self._running:
            return
        now = self._clock.time()
        while self._idle:
            job = self._queue.take(now)
            if job is None:
                break
            runner = self._idle.pop()
            self._busy[job.id] = runner
            self.job_changed.emit(job)
            runner._run.emit(job)
        self._arm(now)

    def notify(self, job: Job) -> None:
        """A job was queued, retried or cancelled (from any thread): show it and run it if a worker is free."""
        self.job_changed.emit(job)
        if not self._wake_pending:  # a burst of 1,000 new jobs is one dispatch, not 1,000
            self._wake_pending = True
            self._wake.emit()

    def _arm(self, now: float) -> None:
        due = self._queue.next_due()
        if due is None or not self._idle:
            self._timer.stop()
            return
        self._timer.start(max(0, min(int((due - now) * 1000) + 1, 2**31 - 1)))

    @Slot(int, object)
    def _on_finished(self, job_id: int, outcome: JobOutcome) -> None:
        runner = self._busy.pop(job_id, None)
        if runner is not None:
            self._idle.append(runner)
        job = self._queue.finish(job_id, outcome, now=self._clock.time())
        self.job_changed.emit(job)
        self.dispatch()
