"""The in-process engine: the program registry plus the supervision, sampling and storage threads.

Commands validate synchronously on the caller's thread (so a dialog or an HTTP handler gets its error at
once), update the in-memory registry, and hand the work to the worker threads as queued signals; results come
back as snapshots. The registry in memory is authoritative and written behind to SQLite by the storage
thread, so no caller ever waits on the disk.
"""

import logging
import threading
from collections.abc import Mapping
from dataclasses import fields

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, Signal, Slot

from monitor_app.auth.service import AccountService
from monitor_app.core.clock import Clock, SystemClock
from monitor_app.core.errors import ConflictError, FieldError, NotFoundError, ValidationError
from monitor_app.core.model import (
    PROGRAM_METRICS,
    SYSTEM_METRICS,
    Event,
    MetricsTick,
    ProgramSpec,
    ProgramStatus,
    Series,
)
from monitor_app.core.secrets import SecretStore
from monitor_app.core.states import (
    PROCESS_STATES,
    REST_STATES,
    STARTABLE_STATES,
    STOPPABLE_STATES,
    Cause,
    EventKind,
    ProgramState,
)
from monitor_app.core.validation import validate_program
from monitor_app.engine.automation import Automation, EngineLinks
from monitor_app.engine.config import EngineConfig
from monitor_app.engine.facade import EngineFacade
from monitor_app.engine.plugins import PLUGIN_ACTION_JOB, PluginService
from monitor_app.engine.secret_records import stored_plugins
from monitor_app.secretstore import LazySecretStore, choose_secret_store
from monitor_app.settings.schema import MAX_INTERVAL_S, MIN_INTERVAL_S
from monitor_app.storage.repository import Retention, Storage
from monitor_app.supervision import platform as platforms
from monitor_app.supervision.logfiles import LogFiles
from monitor_app.supervision.machine import GracefulStop
from monitor_app.supervision.platform import Platform
from monitor_app.workers.sampling import SamplingWorker
from monitor_app.workers.storage import StorageWorker
from monitor_app.workers.supervision import SupervisionWorker
from monitor_app.workers.threads import stop_thread, thread_for

log = logging.getLogger(__name__)

MAX_EVENTS_PER_QUERY = 10_000
MAX_SERIES_POINTS = 10_000


class LocalEngine(EngineFacade):
    """Supervises, samples and remembers programs in this process.

    Args:
        config: Data dir, sampling interval, retention.
        clock: Time source (tests may slow or speed it).
        platform: OS specifics (tests may inject the Windows twin with fakes).
        graceful_stop: First rung of every stop ladder (the plugin host provides it later).
        secrets: Where webhook URLs and secrets and plugin passwords are kept (default: chosen for the data
            dir by ``config.secret_store``; ``self.secrets.description`` says which).

    Raises:
        StorageError: the database cannot be opened or migrated (nothing is started then).
    """

    # Internal hand-offs to the worker threads (queued: the workers live elsewhere).
    _supervise_add = Signal(object)
    _supervise_update = Signal(object)
    _supervise_remove = Signal(int)
    _supervise_command = Signal(int, str, str, str)
    _store_program = Signal(object)
    _store_removal = Signal(int)
    _store_event = Signal(object)
    _sampling_interval = Signal(float)
    _store_accounts = Signal(object)
    _store_job = Signal(object)
    _store_record = Signal(object)
    _store_delivery = Signal(object)
    _store_meta = Signal(str, object)  # epoch milliseconds overflow a C int
    _store_plugin_samples = Signal(object)

    def __init__(
        self,
        config: EngineConfig,
        *,
        clock: Clock | None = None,
        platform: Platform | None = None,
        graceful_stop: GracefulStop | None = None,
        secrets: SecretStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.config = config
        self._clock = clock or SystemClock()
        config.data_dir.mkdir(parents=True, exist_ok=True)
        self.secrets = secrets or LazySecretStore(
            lambda: choose_secret_store(config.data_dir, mode=config.secret_store)
        )
        self._storage = Storage.open(config.database_file, retention=config.retention, secrets=self.secrets)
        self._logs = LogFiles(
            config.output_log_dir, max_bytes=config.output_log_max_bytes, backups=config.output_log_backups
        )
        self._lock = threading.Lock()  # guards the registry against concurrent commands (GUI + HTTP)
        self._programs: dict[int, ProgramSpec] = {p.id: p for p in self._storage.load_programs()}
        self._next_id = max([self._storage.last_program_id(), *self._programs]) + 1
        runtimes = self._storage.load_runtimes()
        now = self._clock.time()
        self._statuses: dict[int, ProgramStatus] = {
            pid: ProgramStatus(
                pid,
                ProgramState.STOPPED,
                now,
                restarts=runtimes[pid].restarts if pid in runtimes else 0,
                exit_code=runtimes[pid].last_exit_code if pid in runtimes else None,
            )
            for pid in self._programs
        }
        self._latest: MetricsTick | None = None
        # Bumped on every change a client can see (registry, status, sample): lets readers reuse a rendering.
        self.state_version = 0
        self._interval_s = config.interval_s
        self._running = False

        # Users, sessions and API keys: authoritative in memory, written behind by the storage thread.
        self.accounts = AccountService(
            self._storage.load_accounts(),
            persist=self._store_accounts.emit,
            clock=self._clock,
            bcrypt_rounds=config.bcrypt_rounds,
        )
        self._storage_worker = StorageWorker(self._storage, clock=self._clock, secrets=self.secrets)
        # Plugins (one thread per attached instance); their graceful stop is the first rung of the stop ladder.
        self.plugins = PluginService(
            stored_plugins(self._storage.load_records("plugin_instances"), self.secrets),
            last_id=self._storage.last_record_id("plugin_instances"),
            roots=(*config.plugin_dirs, config.data_dir / "plugins"),
            data_dir=config.data_dir,
            clock=self._clock,
            persist_record=self._store_record.emit,
            record_event=self.record_event,
            notify=lambda notification: self.automation.notify(notification),
            program=lambda pid: self._programs.get(pid),
            is_running=lambda pid: (status := self._statuses.get(pid)) is not None and status.state in PROCESS_STATES,
            persist_samples=self._store_plugin_samples.emit,
            # Long actions (backups) run as jobs: queued, progress reported and cancels seen through automation.
            enqueue=lambda kind, payload, **options: self.automation.enqueue(kind, payload, **options),
            job_progress=lambda job_id, progress: self.automation.report_progress(job_id, progress),
            job_cancelled=lambda job_id: self.automation.job_cancelled(job_id),
            parent=self,
        )
        self._supervision = SupervisionWorker(
            specs=self._programs.values(),
            runtimes=runtimes,
            clock=self._clock,
            platform=platform or platforms.current(),
            logs=self._logs,
            graceful_stop=graceful_stop or self.plugins.graceful_stop,
        )
        self._sampling = SamplingWorker(interval_s=config.interval_s, clock=self._clock)
        # Webhooks, jobs, alert rules and schedules: fed by this engine's own signals.
        self.automation = Automation(
            self._storage,
            EngineLinks(
                persist_job=self._store_job.emit,
                persist_record=self._store_record.emit,
                persist_delivery=self._store_delivery.emit,
                persist_meta=self._store_meta.emit,
                record_event=self.record_event,
                program_name=lambda pid: spec.name if (spec := self._programs.get(pid)) else None,
                status_of=lambda pid: self._statuses.get(pid),
                command=self._automated_command,
                plugin_action=self.plugins.plugin_action,
                players_online=self.plugins.players_online,
                unsafe_reason=self.plugins.unsafe_reason,
                warn=self.plugins.warn,
                run_plugin_action=self.plugins.run_named_action,
            ),
            clock=self._clock,
            config=config.automation,
            secrets=self.secrets,
            parent=self,
        )
        self._threads: list[QThread] = [
            thread_for(self._storage_worker, "storage"),
            thread_for(self._supervision, "supervision"),
            thread_for(self._sampling, "sampling"),
        ]
        self._wire()

    def _wire(self) -> None:
        sup, smp, sto = self._supervision, self._sampling, self._storage_worker
        # worker -> worker (stay off the GUI thread)
        sup.event_recorded.connect(sto.add_event)
        sup.runtime_changed.connect(sto.save_runtime)
        sup.targets_changed.connect(smp.set_targets)
        smp.tick_ready.connect(sto.add_tick)
        smp.tick_ready.connect(sup.on_metrics)
        # worker -> facade (queued into the facade's thread)
        sup.status_changed.connect(self._on_status_changed)
        sup.event_recorded.connect(self._on_event)
        sup.command_failed.connect(self.command_failed)
        sup.ready.connect(self.ready)
        smp.tick_ready.connect(self._on_tick)
        sto.write_failed.connect(self.storage_failed)
        sto.write_recovered.connect(self.storage_recovered)
        # facade -> workers
        self._supervise_add.connect(sup.add_program)
        self._supervise_update.connect(sup.update_program)
        self._supervise_remove.connect(sup.remove_program)
        self._supervise_command.connect(sup.command)
        self._store_program.connect(sto.save_program)
        self._store_removal.connect(sto.remove_program)
        self._store_event.connect(sto.add_event)
        self._sampling_interval.connect(smp.set_interval)
        self._store_accounts.connect(sto.add_accounts)
        self._store_job.connect(sto.save_job)
        self._store_record.connect(sto.save_record)
        self._store_delivery.connect(sto.add_delivery)
        self._store_meta.connect(sto.set_meta_int)
        self._store_plugin_samples.connect(sto.add_plugin_samples)
        # facade -> automation (same thread)
        self.event_recorded.connect(self.automation.on_event)
        self.event_recorded.connect(self.plugins.on_event)
        self.status_changed.connect(self.automation.on_status)
        self.metrics_ready.connect(self.automation.on_tick)
        # plugins <-> job queue: long plugin actions are jobs; their waiters learn when they finish
        self.automation.register_handler(PLUGIN_ACTION_JOB, self.plugins.run_job)
        self.automation.job_changed.connect(self.plugins.on_job_changed)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the threads; supervision then re-attaches running programs and autostarts the rest."""
        if self._running:
            return
        self._running = True
        for thread in self._threads:
            thread.start()
        self.automation.start()
        self.plugins.start()

    def shutdown(self) -> None:
        """Stop watching and write what is pending; managed programs keep running."""
        if not self._running:
            self._storage.close()  # never started: the workers ran nothing, the threads never ran
            return
        self._running = False
        self.plugins.shutdown()
        self.automation.shutdown()  # before storage: the jobs' last states are written with the rest
        blocking = Qt.ConnectionType.BlockingQueuedConnection
        QMetaObject.invokeMethod(self._supervision, "shutdown", blocking)
        QMetaObject.invokeMethod(self._sampling, "shutdown", blocking)
        QMetaObject.invokeMethod(self._storage_worker, "shutdown", blocking)
        for thread in reversed(self._threads):
            if not stop_thread(thread):
                log.warning("thread %s did not stop in time", thread.objectName())
        self._storage.close()

    # ------------------------------------------------------------------ queries

    def programs(self) -> tuple[ProgramSpec, ...]:
        return tuple(sorted(self._programs.values(), key=lambda p: p.id))

    def record_audit(self, message: str, *, cause: Cause, actor: str, details: Mapping[str, object] | None = None) -> None:
        """Remember who changed something that is not a program (accounts, keys, settings) in the event log."""
        self._record(EventKind.AUDIT, None, cause, actor, message, details)

    def program(self, program_id: int) -> ProgramSpec:
        try:
            return self._programs[program_id]
        except KeyError:
            raise NotFoundError(f"no program with id {program_id}") from None

    def statuses(self) -> tuple[ProgramStatus, ...]:
        statuses, programs = self._statuses, self._programs  # snapshots: other threads replace, never mutate
        return tuple(statuses[pid] for pid in sorted(statuses) if pid in programs)

    def status(self, program_id: int) -> ProgramStatus:
        self.program(program_id)
        return self._statuses[program_id]

    def latest_metrics(self) -> MetricsTick | None:
        return self._latest

    def history(self, program_id: int | None, metric: str, start: float, end: float, max_points: int) -> Series:
        if program_id is not None:
            self.program(program_id)
        known = PROGRAM_METRICS if program_id is not None else SYSTEM_METRICS
        if metric not in known:
            raise ValidationError([FieldError("metric", f"must be one of: {', '.join(known)}")])
        if not 1 <= max_points <= MAX_SERIES_POINTS:
            raise ValidationError([FieldError("points", f"must be between 1 and {MAX_SERIES_POINTS}")])
        return self._storage.series(program_id, metric, start, end, max_points, now=self._clock.time())

    def plugin_history(self, program_id: int, series: str, start: float, end: float, max_points: int) -> Series:
        """A plugin's stored series of a program (``series`` from ``plugins.series_names``)."""
        self.program(program_id)
        known = self.plugins.series_names(program_id)
        if series not in known:
            raise ValidationError([FieldError("series", f"must be one of: {', '.join(known) or 'none'}")])
        if not 1 <= max_points <= MAX_SERIES_POINTS:
            raise ValidationError([FieldError("points", f"must be between 1 and {MAX_SERIES_POINTS}")])
        return self._storage.plugin_series(program_id, series, start, end, max_points)

    def events(
        self,
        *,
        program_id: int | None = None,
        since: float | None = None,
        until: float | None = None,
        limit: int = 100,
    ) -> tuple[Event, ...]:
        if not 1 <= limit <= MAX_EVENTS_PER_QUERY:
            raise ValidationError([FieldError("limit", f"must be between 1 and {MAX_EVENTS_PER_QUERY}")])
        return self._storage.events(program_id=program_id, since=since, until=until, limit=limit)

    def log_tail(self, program_id: int, lines: int = 100) -> tuple[str, ...]:
        self.program(program_id)
        return self._logs.tail(program_id, lines)

    def output_log_path(self, program_id: int) -> str:
        self.program(program_id)
        return str(self._logs.path(program_id))

    @property
    def sampling_interval(self) -> float:
        return self._interval_s

    @property
    def retention(self) -> Retention:
        return self._storage.retention

    # ------------------------------------------------------------------ settings

    def set_sampling_interval(self, seconds: float) -> None:
        """Measure every ``seconds`` from now on (the user changed the setting)."""
        if not MIN_INTERVAL_S <= seconds <= MAX_INTERVAL_S:
            raise ValidationError(
                [FieldError("interval_s", f"must be between {MIN_INTERVAL_S:g} and {MAX_INTERVAL_S:g} seconds")]
            )
        self._interval_s = seconds
        self._sampling_interval.emit(float(seconds))

    def set_retention(self, retention: Retention) -> None:
        """Keep history this long from now on; the next prune applies it."""
        self._storage.retention = retention

    # ------------------------------------------------------------------ commands

    def add_program(self, spec: ProgramSpec, *, cause: Cause, actor: str) -> ProgramSpec:
        with self._lock:
            validated = validate_program(spec.with_id(0), existing=self._programs.values())
            stored = validated.with_id(self._next_id)
            self._next_id += 1
            self._programs = {**self._programs, stored.id: stored}
            self._statuses = {
                **self._statuses,
                stored.id: ProgramStatus(stored.id, ProgramState.STOPPED, self._clock.time()),
            }
            self.state_version += 1
        self._store_program.emit(stored)
        self._supervise_add.emit(stored)
        self._record(EventKind.PROGRAM_ADDED, stored.id, cause, actor, f"program {stored.name!r} added")
        self.program_added.emit(stored)
        return stored

    def update_program(self, program_id: int, spec: ProgramSpec, *, cause: Cause, actor: str) -> ProgramSpec:
        with self._lock:
            old = self.program(program_id)
            others = (p for p in self._programs.values() if p.id != program_id)
            stored = validate_program(spec.with_id(program_id), existing=others)
            self._programs = {**self._programs, program_id: stored}
            self.state_version += 1
        changed = sorted(f.name for f in fields(ProgramSpec) if getattr(old, f.name) != getattr(stored, f.name))
        self._store_program.emit(stored)
        self._supervise_update.emit(stored)
        running = self._statuses[program_id].state in PROCESS_STATES
        message = f"program {stored.name!r} updated" + ("; applies at its next start" if running and changed else "")
        self._record(EventKind.PROGRAM_UPDATED, program_id, cause, actor, message, {"changed": changed})
        self.program_updated.emit(stored)
        return stored

    def remove_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        with self._lock:
            spec = self.program(program_id)
            state = self._statuses[program_id].state
            if state not in REST_STATES:
                raise ConflictError(f"{spec.name} is {state.value}; stop it before removing it")
            self._programs = {pid: p for pid, p in self._programs.items() if pid != program_id}
            self._statuses = {pid: s for pid, s in self._statuses.items() if pid != program_id}
            self.state_version += 1
        self._supervise_remove.emit(program_id)
        self._store_removal.emit(program_id)
        self._record(EventKind.PROGRAM_REMOVED, program_id, cause, actor, f"program {spec.name!r} removed")
        self.automation.forget_program(program_id)
        self.plugins.forget_program(program_id)
        self.program_removed.emit(program_id)

    def start_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        self._command(program_id, "start", STARTABLE_STATES, cause, actor)

    def stop_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        self._command(program_id, "stop", STOPPABLE_STATES | {ProgramState.STOPPING}, cause, actor)

    def restart_program(self, program_id: int, *, cause: Cause, actor: str) -> None:
        self._command(program_id, "restart", STARTABLE_STATES | PROCESS_STATES, cause, actor)

    def _command(self, program_id: int, verb: str, allowed: frozenset[ProgramState], cause: Cause, actor: str) -> None:
        spec = self.program(program_id)
        state = self._statuses[program_id].state
        if state not in allowed:
            raise ConflictError(f"cannot {verb} {spec.name}: it is {state.value}")
        self._supervise_command.emit(program_id, verb, cause.value, actor)

    def record_event(self, event: Event) -> None:
        """Store an event made elsewhere (alert rules, schedules, plugins) and tell everyone about it."""
        self._store_event.emit(event)
        self.event_recorded.emit(event)

    def _automated_command(self, verb: str, program_id: int, cause: Cause, actor: str) -> None:
        """A start, stop or restart decided by a rule or a schedule (raises MonitorError when not possible)."""
        getattr(self, f"{verb}_program")(program_id, cause=cause, actor=actor)

    def _record(
        self,
        kind: EventKind,
        program_id: int | None,
        cause: Cause,
        actor: str,
        message: str,
        details: Mapping[str, object] | None = None,
    ) -> None:
        event = Event(
            time=self._clock.time(),
            kind=kind,
            program_id=program_id,
            cause=cause,
            actor=actor,
            message=message,
            details=details or {},
        )
        self._store_event.emit(event)
        self.event_recorded.emit(event)

    # ------------------------------------------------------------------ from the workers

    @Slot(object)
    def _on_status_changed(self, status: ProgramStatus) -> None:
        if status.program_id in self._programs:
            self._statuses = {**self._statuses, status.program_id: status}
            self.state_version += 1
            self.status_changed.emit(status)

    @Slot(object)
    def _on_event(self, event: Event) -> None:
        self.event_recorded.emit(event)

    @Slot(object)
    def _on_tick(self, tick: MetricsTick) -> None:
        self._latest = tick
        self.state_version += 1
        self.metrics_ready.emit(tick)

