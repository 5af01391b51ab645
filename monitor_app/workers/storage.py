"""The storage thread: the only SQLite writer. Whatever arrives between two event-loop turns is written in
one transaction (in practice one per sampling tick); rollups and pruning run on timers in the same thread.
It is also the secret store's writer: a record's secret values are stored before the record, and deleted only
after the record's removal was committed, so a crash never leaves a record whose secrets are gone.
"""

import logging
from collections import deque
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from monitor_app.core.accounts import AccountChanges
from monitor_app.core.clock import Clock
from monitor_app.core.errors import StorageError
from monitor_app.core.jobs import Job
from monitor_app.core.model import Event, MetricsTick, PluginSample, ProgramRuntime, ProgramSpec
from monitor_app.core.notifications import DeliveryRecord
from monitor_app.core.secrets import SecretStore, SecretStoreError
from monitor_app.storage.repository import RecordChange, Storage, WriteBatch

log = logging.getLogger(__name__)

ROLLUP_INTERVAL_MS = 60_000
PRUNE_INTERVAL_MS = 10 * 60_000
RETRY_INTERVAL_MS = 5_000
#: While writes fail (disk full…), metric ticks kept in memory for a retry; older ones are dropped first.
MAX_PENDING_TICKS = 3600
#: Events and settings are never dropped silently; past this many a warning is logged for each overflow.
MAX_PENDING_RECORDS = 100_000


class StorageWorker(QObject):
    """Batches writes and keeps the database tidy.

    Signals:
        write_failed(str): a write did not happen; the data is kept and retried.
        write_recovered(): writes succeed again after a failure.
    """

    write_failed = Signal(str)
    write_recovered = Signal()

    def __init__(
        self,
        storage: Storage,
        *,
        clock: Clock,
        secrets: SecretStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._storage = storage
        self._secrets = secrets
        self._pending_secrets: dict[str, str | None] = {}  # ref -> value to store, or None to delete
        self._secrets_failing = False
        self._clock = clock
        self._ticks: deque[MetricsTick] = deque(maxlen=MAX_PENDING_TICKS)
        self._events: list[Event] = []
        self._programs: dict[int, ProgramSpec] = {}
        self._removed: list[int] = []
        self._runtimes: dict[int, ProgramRuntime] = {}
        self._accounts: list[AccountChanges] = []
        self._last_program_id: int | None = None
        self._jobs: dict[int, Job] = {}
        self._deliveries: list[DeliveryRecord] = []
        self._records: list[RecordChange] = []
        self._meta_ints: dict[str, int] = {}
        self._plugin_samples: list[PluginSample] = []
        self._flush_scheduled = False
        self._failing = False
        self._timers: list[QTimer] = []

    @Slot()
    def start(self) -> None:
        for interval, slot in (
            (ROLLUP_INTERVAL_MS, self._on_rollup),
            (PRUNE_INTERVAL_MS, self._on_prune),
        ):
            timer = QTimer(self)
            timer.timeout.connect(slot)
            timer.start(interval)
            self._timers.append(timer)
        self._on_rollup()

    @Slot()
    def shutdown(self) -> None:
        """Write what is pending and close this thread's connection (called before the thread quits)."""
        for timer in self._timers:
            timer.stop()
        self.flush()
        self._storage.close()

    # ---------------------------------------------------------------- queued inputs

    @Slot(object)
    def add_tick(self, tick: MetricsTick) -> None:
        self._ticks.append(tick)
        self._schedule()

    @Slot(object)
    def add_event(self, event: Event) -> None:
        self._events.append(event)
        if len(self._events) > MAX_PENDING_RECORDS:
            log.warning("%d events waiting to be written", len(self._events))
        self._schedule()

    @Slot(object)
    def save_program(self, spec: ProgramSpec) -> None:
        self._programs[spec.id] = spec
        self._last_program_id = max(self._last_program_id or 0, spec.id)
        self._schedule()

    @Slot(int)
    def remove_program(self, program_id: int) -> None:
        self._programs.pop(program_id, None)
        self._runtimes.pop(program_id, None)
        self._removed.append(program_id)
        self._schedule()

    @Slot(object)
    def add_accounts(self, changes: AccountChanges) -> None:
        self._accounts.append(changes)
        self._schedule()

    @Slot(object)
    def save_runtime(self, runtime: ProgramRuntime) -> None:
        self._runtimes[runtime.program_id] = runtime
        self._schedule()

    @Slot(object)
    def save_job(self, job: Job) -> None:
        """Latest state of a job wins: a job queued and finished between two commits is written once."""
        self._jobs[job.id] = job
        self._schedule()

    @Slot(object)
    def add_delivery(self, delivery: DeliveryRecord) -> None:
        self._deliveries.append(delivery)
        self._schedule()

    @Slot(object)
    def save_record(self, change: RecordChange) -> None:
        self._pending_secrets.update(change.secrets)
        self._records.append(replace(change, secrets=()) if change.secrets else change)
        self._schedule()

    @Slot(object)
    def add_plugin_samples(self, samples: tuple[PluginSample, ...]) -> None:
        self._plugin_samples.extend(samples)
        if len(self._plugin_samples) > MAX_PENDING_RECORDS:
            del self._plugin_samples[: len(self._plugin_samples) - MAX_PENDING_RECORDS]  # oldest first
        self._schedule()

    @Slot(str, object)
    def set_meta_int(self, key: str, value: int) -> None:
        self._meta_ints[key] = value
        self._schedule()

    # ---------------------------------------------------------------- writing

    def _schedule(self) -> None:
        if not self._flush_scheduled:
            self._flush_scheduled = True
            QTimer.singleShot(0, self, self.flush)

    @Slot()
    def flush(self) -> bool:
        """One transaction with everything pending; on failure keep it all for the retry."""
        self._flush_scheduled = False
        self._write_secrets(deletions=False)
        batch = WriteBatch(
            ticks=tuple(self._ticks),
            events=tuple(self._events),
            programs=tuple(self._programs.values()),
            removed_programs=tuple(self._removed),
            runtimes=tuple(self._runtimes.values()),
            last_program_id=self._last_program_id,
            accounts=tuple(self._accounts),
            jobs=tuple(self._jobs.values()),
            deliveries=tuple(self._deliveries),
            records=tuple(self._records),
            meta_ints=tuple(self._meta_ints.items()),
            plugin_samples=tuple(self._plugin_samples),
        )
        if batch.is_empty():
            self._write_secrets(deletions=True)
            return True
        try:
            self._storage.write(batch)
        except StorageError as exc:
            if not self._failing:
                log.error("cannot write to the database, will retry: %s", exc.message)
                self.write_failed.emit(exc.message)
            self._failing = True
            QTimer.singleShot(RETRY_INTERVAL_MS, self, self._retry)
            return False
        self._ticks.clear()
        self._events.clear()
        self._programs.clear()
        self._removed.clear()
        self._runtimes.clear()
        self._accounts.clear()
        self._jobs.clear()
        self._deliveries.clear()
        self._records.clear()
        self._meta_ints.clear()
        self._plugin_samples.clear()
        self._last_program_id = None
        self._write_secrets(deletions=True)
        if self._failing:
            self._failing = False
            log.info("database writes work again")
            self.write_recovered.emit()
        return True

    def _write_secrets(self, *, deletions: bool) -> None:
        """Store the pending secret values (or, after a commit, the pending deletions); failures are kept."""
        due = [(ref, value) for ref, value in self._pending_secrets.items() if (value is None) == deletions]
        if not due or self._secrets is None:
            return
        try:
            for ref, value in due:
                if value is None:
                    self._secrets.delete(ref)
                else:
                    self._secrets.set(ref, value)
                if self._pending_secrets.get(ref, "") == value:
                    del self._pending_secrets[ref]
        except SecretStoreError as exc:
            if not self._secrets_failing:
                log.error("cannot save a secret, will retry: %s", exc.message)
                self.write_failed.emit(exc.message)
            self._secrets_failing = True
            QTimer.singleShot(RETRY_INTERVAL_MS, self, self._retry)
            return
        if self._secrets_failing and not self._pending_secrets:
            self._secrets_failing = False
            log.info("secrets are saved again")
            if not self._failing:
                self.write_recovered.emit()

    @Slot()
    def _retry(self) -> None:
        if self._failing or self._secrets_failing:
            self.flush()

    @Slot()
    def _on_rollup(self) -> None:
        try:
            self._storage.rollup(self._clock.time())
        except StorageError as exc:
            log.warning("rollup postponed: %s", exc.message)

    @Slot()
    def _on_prune(self) -> None:
        try:
            removed = self._storage.prune(self._clock.time(), self._storage.retention)
        except StorageError as exc:
            log.warning("pruning postponed: %s", exc.message)
            return
        if removed:
            log.debug("pruned %d old samples", removed)
