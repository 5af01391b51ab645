"""Plugins in the running engine: which plugins exist, which program each serves, their threads, and the
hooks through which they take part in supervision (graceful stop), schedules (warnings, "is it safe to
restart now?"), alert rules (plugin actions), the job queue (long actions such as backups run as jobs with
progress) and notifications (``plugin.<id>.<event>``).
"""

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from monitor_app.core.clock import Clock
from monitor_app.core.errors import ConflictError, FieldError, MonitorError, NotFoundError, ValidationError
from monitor_app.core.jobs import Job, JobOutcome, JobProgress, JobState
from monitor_app.core.model import Event, PluginSample, ProcessIdentity, ProgramSpec
from monitor_app.core.notifications import Notification
from monitor_app.core.plugins import PluginInstance, instance_from_stored, instance_to_dict
from monitor_app.core.states import Cause, EventKind, ProgramState
from monitor_app.engine.records import RecordRegistry
from monitor_app.engine.secret_records import plugin_change
from monitor_app.pluginhost.api import Action, Panel, Plugin, PluginContext, PluginError, ProgramInfo
from monitor_app.pluginhost.loader import PluginInfo, discover
from monitor_app.pluginhost.settings import validate_params, validate_settings
from monitor_app.storage.repository import RecordChange
from monitor_app.workers.plugins import PluginRunner

log = logging.getLogger(__name__)

ACTION_TIMEOUT_S = 15.0
#: Job kind of a plugin action run through the job queue (``Action.long_running``, or queued by the plugin).
PLUGIN_ACTION_JOB = "plugin.action"
#: How long a job waits for a long action (a backup of many GB) before giving up on it.
LONG_ACTION_TIMEOUT_S = 6 * 3600.0
#: A job's progress is passed on when its percentage changes (at most 101 times), else at most this often (a zip
#: of 10,000 small files reports 10,000 times; most of them only move the text).
PROGRESS_INTERVAL_S = 0.25
#: How often a job waiting for its plugin checks that the instance still runs and the job is not cancelled.
WAIT_STEP_S = 0.5
#: Plugin series are stored at most once per this many seconds per series (the live value is kept always).
SERIES_STORE_INTERVAL_S = 60.0
MAX_INSTANCES = 200


class PluginActionError(MonitorError):
    """A plugin could not do what it was asked (its own message)."""

    code = "plugin_error"


class PluginService(QObject):
    """Signals:
    instances_changed(): an instance was attached, changed or detached.
    panel_changed(int, Panel): what an instance's panel shows now.
    status_changed(int, str, str): instance id, running / failed / disabled / stopped, reason.
    """

    instances_changed = Signal()
    panel_changed = Signal(int, object)
    status_changed = Signal(int, str, str)

    def __init__(
        self,
        stored: tuple[tuple[int, Mapping[str, object]], ...],
        *,
        last_id: int,
        roots: Iterable[Path],
        data_dir: Path,
        clock: Clock,
        persist_record: Callable[[RecordChange], None],
        record_event: Callable[[Event], None],
        notify: Callable[[Notification], object],
        program: Callable[[int], ProgramSpec | None],
        is_running: Callable[[int], bool] = lambda program_id: False,
        persist_samples: Callable[[tuple[PluginSample, ...]], None] = lambda samples: None,
        enqueue: Callable[..., Job] | None = None,
        job_progress: Callable[[int, JobProgress], None] = lambda job_id, progress: None,
        job_cancelled: Callable[[int], bool] = lambda job_id: False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._data_dir = data_dir
        self._persist_record = persist_record
        self._record_event = record_event
        self._notify = notify
        self._program = program
        self._is_running = is_running
        self._persist_samples = persist_samples
        self._enqueue = enqueue
        self._job_progress = job_progress
        self._job_cancelled = job_cancelled
        self._current_job: dict[int, int] = {}  # instance id -> job id of the action running on its thread
        self._progress_at: dict[int, tuple[float, int | None]] = {}  # job id -> (monotonic time, percent) last passed on
        self._job_futures: dict[int, Future[Any]] = {}  # job id -> completed when the job finishes
        self._futures_lock = threading.Lock()
        self._stored_at: dict[tuple[int, str], float] = {}  # (program id, series) -> wall time last stored
        self.latest: dict[tuple[int, str], tuple[float, float]] = {}  # (program id, series) -> (time, value)
        self.catalog: dict[str, PluginInfo] = {info.id: info for info in discover(roots)}
        self.registry: RecordRegistry[PluginInstance] = RecordRegistry(
            (instance_from_stored(record_id, spec) for record_id, spec in stored),
            last_id=last_id,
            parse=self._parse,
            persist=self._persist,
            noun="plugin instance",
            limit=MAX_INSTANCES,
        )
        # Secret keys last handed to storage per instance: those no longer set are deleted from the store.
        self._secret_keys = {instance.id: frozenset(instance.secrets) for instance in self.registry.all()}
        self._runners: dict[int, PluginRunner] = {}
        self._stopping: set[PluginRunner] = set()  # detached or changed, their thread still finishing
        self._running = False

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self._running = True
        for instance in self.registry.all():
            self._launch(instance)

    def shutdown(self) -> None:
        self._running = False
        for runner in [*self._runners.values(), *self._stopping]:
            runner.end()
        self._runners.clear()
        self._stopping.clear()

    # ------------------------------------------------------------------ queries

    def plugins(self) -> list[PluginInfo]:
        return sorted(self.catalog.values(), key=lambda info: info.id)

    def catalog_json(self) -> list[dict[str, Any]]:
        """Every plugin found, loaded or not (with the reason), with its settings form and actions."""
        out = []
        for info in self.plugins():
            manifest, cls = info.manifest, info.cls
            out.append({
                "id": info.id,
                "name": manifest.name if manifest else info.id,
                "version": manifest.version if manifest else "",
                "description": manifest.description if manifest else "",
                "loaded": cls is not None,
                "error": info.error,
                "settings": [_setting_json(s) for s in (cls.settings_schema if cls else ())],
                "actions": [_action_json(a) for a in (cls.actions if cls else ())],
                "series": [{"key": m.key, "label": m.label, "unit": m.unit} for m in (cls.metric_series if cls else ())],
            })
        return out

    def action_requires_admin(self, instance_id: int, action: str) -> bool:
        """Whether only an admin may run ``action`` (unknown actions: True, the run reports them)."""
        spec = self._action_spec(self.registry.get(instance_id), action)
        return True if spec is None else spec.admin

    def is_long_running(self, instance_id: int, action: str) -> bool:
        """Whether ``action`` runs as a job (``queue_action``) rather than being waited for."""
        spec = self._action_spec(self.registry.get(instance_id), action)
        return spec is not None and spec.long_running

    def panel_json(self, instance_id: int) -> dict[str, Any]:
        self.registry.get(instance_id)
        runner = self._runners.get(instance_id)
        panel = runner.panel if runner is not None else Panel(status="not running")
        return {
            "status": panel.status,
            "facts": [{"label": label, "value": value} for label, value in panel.facts],
            "tables": [
                {"key": t.key, "title": t.title, "columns": [{"key": k, "title": h} for k, h in t.columns],
                 "rows": [dict(row) for row in t.rows],
                 "row_actions": [{"action": a, "label": lbl, "param": p} for a, lbl, p in t.row_actions]}
                for t in panel.tables
            ],
            "logs": [{"key": log_.key, "title": log_.title, "first": log_.first, "lines": list(log_.lines)}
                     for log_ in panel.logs],
            "values": self._live_values(instance_id),
        }

    def _live_values(self, instance_id: int) -> dict[str, list[float]]:
        """The latest value of each series the instance measures: ``{"palworld.fps": [time, value]}``."""
        instance = self.registry.get(instance_id)
        prefix = f"{instance.plugin_id}."
        return {name: [at, value] for (program_id, name), (at, value) in list(self.latest.items())
                if program_id == instance.program_id and name.startswith(prefix)}

    def instances(self, program_id: int | None = None) -> tuple[PluginInstance, ...]:
        return tuple(i for i in self.registry.all() if program_id is None or i.program_id == program_id)

    def show_panels(self, shown: bool) -> None:
        """Whether a window shows plugin panels now. In-process, panels are pushed as they change; an
        attached window's port reads them only while they are shown."""

    def instance(self, instance_id: int) -> PluginInstance:
        return self.registry.get(instance_id)

    def describe(self, instance: PluginInstance) -> dict[str, Any]:
        """The API's view of an instance: settings without secrets, the plugin's actions, its status."""
        info = self.catalog.get(instance.plugin_id)
        runner = self._runners.get(instance.id)
        cls = info.cls if info else None
        return {
            **instance_to_dict(instance),
            "name": info.manifest.name if info and info.manifest else instance.plugin_id,
            "status": runner.status if runner else ("off" if not instance.enabled else "not loaded"),
            "reason": runner.reason if runner else (
                "switched off" if not instance.enabled else (info.error if info else "the plugin is not installed")
            ),
            "actions": [_action_json(a) for a in (cls.actions if cls else ())],
        }

    def panel(self, instance_id: int) -> Panel | None:
        runner = self._runners.get(instance_id)
        return runner.panel if runner is not None else None

    # ------------------------------------------------------------------ commands

    def attach(self, program_id: int, plugin_id: str, settings: Mapping[str, Any]) -> PluginInstance:
        """Raises NotFoundError (program), ValidationError (unknown or broken plugin, bad settings)."""
        if self._program(program_id) is None:
            raise NotFoundError(f"no program with id {program_id}")
        instance = self.registry.add({"program_id": program_id, "plugin": plugin_id, "settings": settings},
                                     now=self._clock.time())
        self._launch(instance)
        self.instances_changed.emit()
        return instance

    def update(self, instance_id: int, data: Mapping[str, Any]) -> PluginInstance:
        """``data``: ``{"settings": {…}, "enabled": bool}`` (either)."""
        instance = self.registry.update(instance_id, data)
        self._stop(instance_id)
        self._launch(instance)
        self.instances_changed.emit()
        return instance

    def detach(self, instance_id: int) -> PluginInstance:
        instance = self.registry.remove(instance_id)
        self._stop(instance_id)
        self.instances_changed.emit()
        return instance

    def forget_program(self, program_id: int) -> None:
        for instance in self.instances(program_id):
            self.detach(instance.id)

    def submit_action(self, instance_id: int, action: str, params: Mapping[str, Any]) -> "Future[Any]":
        """Validate and start an action; the Future holds its JSON-able result or a PluginError."""
        instance = self.registry.get(instance_id)
        spec = self._known_action(instance, action)
        values = validate_params(spec.params, params)
        runner = self._runner_of(instance)
        return runner.submit(lambda plugin: plugin.run_action(action, values))

    def queue_action(self, instance_id: int, action: str, params: Mapping[str, Any], *, actor: str = "",
                     title: str = "") -> Job:
        """Validate an action and queue it as a job (listed in the Jobs view with its progress, cancellable).

        Raises:
            NotFoundError: no such instance or action. ValidationError: bad parameters.
            ConflictError: the instance is not running, or there is no job queue.
        """
        instance = self.registry.get(instance_id)
        spec = self._known_action(instance, action)
        values = validate_params(spec.params, params)
        self._runner_of(instance)  # refuse now rather than fail in the Jobs view a moment later
        if self._enqueue is None:
            raise ConflictError("there is no job queue to run this action")
        program = self._program(instance.program_id)
        info = self.catalog.get(instance.plugin_id)
        plugin_name = info.manifest.name if info and info.manifest else instance.plugin_id
        future: Future[Any] = Future()
        with self._futures_lock:  # registered before the job can finish (it may run at once on a worker)
            job = self._enqueue(
                PLUGIN_ACTION_JOB,
                {"instance_id": instance.id, "action": action, "params": dict(values), "actor": actor},
                title=title or f"{spec.label}: {program.name if program else instance.program_id} ({plugin_name})",
                max_attempts=1,  # a backup that failed half-way is looked at, not silently run again
                program_id=instance.program_id,
            )
            self._job_futures[job.id] = future
        return job

    def job_future(self, job_id: int) -> "Future[Any] | None":
        """Completed when a job from ``queue_action`` finishes: the action's result, or a PluginError saying why
        not (failed, cancelled). None for a job this service did not queue or that already finished."""
        with self._futures_lock:
            return self._job_futures.get(job_id)

    @Slot(object)
    def on_job_changed(self, job: Job) -> None:
        """Complete the waiters of plugin jobs that finished (connected to the job queue's changes)."""
        if job.kind != PLUGIN_ACTION_JOB or not job.finished:
            return
        with self._futures_lock:
            future = self._job_futures.pop(job.id, None)
        if future is not None:
            settle_action_future(future, job)

    def run_job(self, job: Job) -> JobOutcome:
        """The handler of ``plugin.action`` jobs (on a job worker thread): run the action on the instance's
        thread, its progress reported on the job, and wait for it."""
        try:
            instance_id = int(job.payload["instance_id"])  # type: ignore[call-overload]
            action = str(job.payload["action"])
            params = job.payload.get("params") or {}
            instance = self.registry.get(instance_id)
            spec = self._known_action(instance, action)
            values = validate_params(spec.params, params)  # type: ignore[arg-type]
            result = self._run_in_job(instance, action, values, job.id, timeout=LONG_ACTION_TIMEOUT_S)
        except MonitorError as exc:
            return JobOutcome(ok=False, error=exc.message, retry=False)
        return JobOutcome(ok=True, result={"action": action, "result": result})

    def run_action(self, instance_id: int, action: str, params: Mapping[str, Any], *, timeout: float = ACTION_TIMEOUT_S) -> Any:
        """``submit_action`` and wait (for the HTTP thread; never call it on the GUI thread).

        Raises:
            PluginActionError: the plugin failed or did not answer within ``timeout``.
        """
        future = self.submit_action(instance_id, action, params)
        try:
            return future.result(timeout)
        except FutureTimeout:
            raise PluginActionError(f"{action} did not finish within {timeout:g} s") from None
        except PluginError as exc:
            raise PluginActionError(str(exc)) from None

    # ------------------------------------------------------------------ hooks for the engine

    def graceful_stop(self, spec: ProgramSpec, _identity: ProcessIdentity) -> float | None:
        """The stop ladder's first rung (called on the supervision thread): the first running instance that
        offers a graceful stop gets it, on its own thread; the ladder waits the seconds it names."""
        for instance in self.instances(spec.id):
            runner = self._runners.get(instance.id)
            plugin = runner.plugin if runner else None
            if plugin is None or runner is None or runner.status == "disabled":
                continue
            try:
                wait = plugin.graceful_stop_wait()
            except Exception:
                log.exception("plugin %s: graceful_stop_wait failed", runner.name)
                continue
            if wait:
                runner.submit(lambda p: p.graceful_stop())
                return wait
        return None

    def players_online(self, program_id: int) -> int | None:
        """What the program's plugins know (no I/O; None when no plugin can tell)."""
        counts = []
        for instance in self.instances(program_id):
            runner = self._runners.get(instance.id)
            if runner and runner.plugin is not None:
                try:
                    count = runner.plugin.players_online()
                except Exception:
                    log.exception("plugin %s: players_online failed", runner.name)
                    continue
                if count is not None:
                    counts.append(count)
        return max(counts) if counts else None

    def warn(self, program_id: int, minutes: int, schedule: object) -> None:
        action = getattr(getattr(schedule, "action", None), "value", "restart")
        self._each(program_id, lambda p: p.before_scheduled_action(action, minutes))

    def unsafe_reason(self, program_id: int) -> str | None:
        """Why the program's plugins say it must not be restarted now ("3 players online; a backup is
        running"), or None when none objects. Called from the engine's thread: the plugins answer without I/O."""
        reasons = []
        for instance in self.instances(program_id):
            runner = self._runners.get(instance.id)
            plugin = runner.plugin if runner else None
            if plugin is None or runner is None or runner.status == "disabled":
                continue
            try:
                check = plugin.restart_check()
            except Exception:
                log.exception("plugin %s: restart_check failed", runner.name)
                continue
            if check is not None and not check.safe:
                reasons.append(check.reason or f"{runner.name} says not now")
        return "; ".join(reasons) or None

    def plugin_action(self, action: str, program_id: int | None, actor: str) -> None:
        """``"<plugin id>:<action>"`` for a program (from an alert rule); raises MonitorError if impossible.
        A long action is queued as a job."""
        plugin_id, _, name = action.partition(":")
        for instance in self.instances(program_id):
            if instance.plugin_id == plugin_id:
                spec = self._action_spec(instance, name)
                if spec is not None and spec.long_running and self._enqueue is not None:
                    self.queue_action(instance.id, name, {}, actor=actor)
                else:
                    self.submit_action(instance.id, name, {})
                return
        raise MonitorError(f"no {plugin_id} plugin is attached to this program")

    def run_named_action(self, action: str, program_id: int, actor: str, job_id: int | None = None) -> Any:
        """``"<plugin id>:<action>"`` for a program, waiting for the result (job worker threads only). Within
        the job ``job_id`` (a schedule's), the action reports its progress on that job and sees its cancel."""
        plugin_id, _, name = action.partition(":")
        for instance in self.instances(program_id):
            if instance.plugin_id == plugin_id:
                if job_id is None:
                    return self.run_action(instance.id, name, {})
                spec = self._known_action(instance, name)
                values = validate_params(spec.params, {})
                timeout = LONG_ACTION_TIMEOUT_S if spec.long_running else ACTION_TIMEOUT_S
                return self._run_in_job(instance, name, values, job_id, timeout=timeout)
        raise MonitorError(f"no {plugin_id} plugin is attached to this program")

    @Slot(object)
    def on_event(self, event: Event) -> None:
        """Start / unexpected-exit hooks from the engine's event stream."""
        if event.kind is not EventKind.STATE or event.program_id is None:
            return
        if event.to_state is ProgramState.RUNNING and not event.details.get("reattached"):
            self._each(event.program_id, lambda p: p.after_start())
        elif event.to_state is ProgramState.EXITED and event.unexpected:
            details = dict(event.details)
            self._each(event.program_id, lambda p: p.on_unexpected_exit(details))

    # ------------------------------------------------------------------ internals

    def _action_spec(self, instance: PluginInstance, action: str) -> Action | None:
        info = self.catalog.get(instance.plugin_id)
        return next((a for a in (info.cls.actions if info and info.cls else ()) if a.name == action), None)

    def _known_action(self, instance: PluginInstance, action: str) -> Action:
        spec = self._action_spec(instance, action)
        if spec is None:
            raise NotFoundError(f"{instance.plugin_id} has no action {action!r}")
        return spec

    def _runner_of(self, instance: PluginInstance) -> PluginRunner:
        runner = self._runners.get(instance.id)
        if runner is None:
            raise ConflictError(f"{instance.plugin_id} for this program is not running (switched off?)")
        return runner

    def _run_in_job(self, instance: PluginInstance, action: str, values: Mapping[str, Any], job_id: int, *,
                    timeout: float) -> Any:
        """Run an action on the instance's thread as part of job ``job_id`` and wait (job worker threads only).

        Raises:
            PluginActionError: the plugin failed, was stopped before it ran the action, the job was cancelled
                before it started, or it did not finish within ``timeout``.
        """
        runner = self._runner_of(instance)
        instance_id = instance.id

        def call(plugin: Plugin) -> Any:  # on the plugin's thread: its progress and cancel go to this job
            self._current_job[instance_id] = job_id
            try:
                return plugin.run_action(action, values)
            finally:
                self._current_job.pop(instance_id, None)
                self._progress_at.pop(job_id, None)

        future = runner.submit(call)
        deadline = time.monotonic() + timeout
        while True:
            try:
                return future.result(min(WAIT_STEP_S, max(0.0, deadline - time.monotonic())))
            except FutureTimeout:
                pass
            except CancelledError:
                raise PluginActionError(f"{action} did not run: the plugin was stopped or the job cancelled") from None
            except PluginError as exc:
                raise PluginActionError(str(exc)) from None
            # Not started yet and it never will (the instance was stopped), or nobody wants it any more: drop it.
            if (self._runners.get(instance_id) is not runner or self._job_cancelled(job_id)) and future.cancel():
                continue  # the next round reports the cancel
            if time.monotonic() >= deadline:
                raise PluginActionError(f"{action} did not finish within {timeout:g} s")

    def _report_progress(self, instance_id: int, done: float, total: float | None, text: str) -> None:
        """From the plugin's thread: pass the progress of the action it runs to that action's job (throttled)."""
        job_id = self._current_job.get(instance_id)
        if job_id is None:
            return
        try:
            progress = JobProgress(done=float(done), total=None if total is None else float(total), text=str(text))
        except (TypeError, ValueError):
            log.warning("plugin instance %d reported progress that is not a number: %r of %r", instance_id, done,
                        total)
            return
        now = time.monotonic()
        last_at, last_percent = self._progress_at.get(job_id, (float("-inf"), None))
        if progress.percent == last_percent and now - last_at < PROGRESS_INTERVAL_S:
            return
        self._progress_at[job_id] = (now, progress.percent)
        self._job_progress(job_id, progress)

    def _is_cancelled(self, instance_id: int) -> bool:
        """From the plugin's thread: whether the job of the action it runs was cancelled."""
        job_id = self._current_job.get(instance_id)
        return job_id is not None and self._job_cancelled(job_id)

    def _queue_from_plugin(self, instance_id: int, action: str, params: Mapping[str, Any]) -> int | None:
        """From the plugin's thread: run one of its own actions as a job (None when there is no job queue)."""
        if self._enqueue is None:
            return None
        try:
            return self.queue_action(instance_id, action, params, actor="plugin").id
        except MonitorError as exc:
            raise PluginError(exc.message) from None

    def _each(self, program_id: int, call: Callable[[Plugin], object]) -> None:
        for instance in self.instances(program_id):
            runner = self._runners.get(instance.id)
            if runner is not None:
                runner.submit(call)

    def _launch(self, instance: PluginInstance) -> None:
        if not self._running or not instance.enabled or instance.id in self._runners:
            return
        info = self.catalog.get(instance.plugin_id)
        if info is None or info.cls is None:
            self.status_changed.emit(instance.id, "failed", info.error if info else "the plugin is not installed")
            return
        spec = self._program(instance.program_id)
        if spec is None:
            return
        cls = info.cls
        context = PluginContext(
            program=ProgramInfo(spec.id, spec.name, spec.path, spec.cwd),
            data_dir=self._data_dir / "plugins-data" / f"{instance.plugin_id}-{instance.id}",
            log=logging.getLogger(f"plugin.{instance.plugin_id}.{spec.id}"),
            emit=lambda event, details: self._emit(instance, event, details),
            record_metrics=lambda values: self._record_metrics(instance, values),
            is_running=lambda: self._is_running(instance.program_id),
            progress=lambda done, total=None, text="": self._report_progress(instance.id, done, total, text),
            cancelled=lambda: self._is_cancelled(instance.id),
            queue_action=lambda name, params: self._queue_from_plugin(instance.id, name, params),
        )
        settings = {**instance.settings, **instance.secrets}
        runner = PluginRunner(instance.id, lambda: cls(context, settings), name=f"{instance.plugin_id} ({spec.name})")
        runner.panel_changed.connect(self.panel_changed)
        runner.status_changed.connect(self.status_changed)
        self._runners[instance.id] = runner
        runner.begin()

    def _stop(self, instance_id: int) -> None:
        """Stop an instance without waiting for it (a plugin stuck in I/O must not freeze the caller)."""
        runner = self._runners.pop(instance_id, None)
        if runner is not None:
            self._stopping.add(runner)
            runner.thread_.finished.connect(lambda: self._stopping.discard(runner))
            runner.end(wait=False)
            instance = self.registry.find(instance_id)
            self.status_changed.emit(instance_id, "off" if instance and not instance.enabled else "stopped", "")

    def _emit(self, instance: PluginInstance, event: str, details: Mapping[str, Any]) -> None:
        """From the plugin's thread: its event goes to webhooks and the event log (both take any thread)."""
        spec = self._program(instance.program_id)
        name = f"plugin.{instance.plugin_id}.{event}"
        message = str(details.get("message", "")) or name
        self._record_event(
            Event(time=self._clock.time(), kind=EventKind.PLUGIN, program_id=instance.program_id,
                  cause=Cause.PLUGIN, actor=instance.plugin_id, message=message, details={**details, "event": name})
        )
        self._notify(Notification(event=name, time=self._clock.time(), program_id=instance.program_id,
                                  program_name=spec.name if spec else None, details=details,
                                  key=f"{name}:{instance.program_id}"))

    def series_names(self, program_id: int) -> list[str]:
        """``<plugin id>.<key>`` of every series the program's plugins declare."""
        names = []
        for instance in self.instances(program_id):
            info = self.catalog.get(instance.plugin_id)
            for series in (info.cls.metric_series if info and info.cls else ()):
                names.append(f"{instance.plugin_id}.{series.key}")
        return names

    def _record_metrics(self, instance: PluginInstance, values: Mapping[str, float]) -> None:
        """From the plugin's thread: keep the live values; store one point per series per minute."""
        now = self._clock.time()
        declared = set(self.series_names(instance.program_id))
        due = []
        for key, value in values.items():
            name = f"{instance.plugin_id}.{key}"
            if name not in declared or not isinstance(value, int | float) or isinstance(value, bool):
                continue
            self.latest[(instance.program_id, name)] = (now, float(value))
            if now - self._stored_at.get((instance.program_id, name), 0.0) >= SERIES_STORE_INTERVAL_S:
                self._stored_at[(instance.program_id, name)] = now
                due.append(PluginSample(instance.program_id, name, now, float(value)))
        if due:
            self._persist_samples(tuple(due))

    def _parse(self, data: Mapping[str, Any], existing: PluginInstance | None) -> PluginInstance:
        plugin_id = existing.plugin_id if existing else data.get("plugin")
        info = self.catalog.get(plugin_id) if isinstance(plugin_id, str) else None
        if info is None:
            known = ", ".join(sorted(self.catalog)) or "none installed"
            raise ValidationError([FieldError("plugin", f"unknown plugin {plugin_id!r} (known: {known})")])
        if info.cls is None:
            raise ValidationError([FieldError("plugin", f"{plugin_id} cannot be used: {info.error}")])
        enabled = data.get("enabled", existing.enabled if existing else True)
        if not isinstance(enabled, bool):
            raise ValidationError([FieldError("enabled", "must be true or false")])
        settings, secrets = validate_settings(
            info.cls.settings_schema,
            data.get("settings") or {},
            current=existing.settings if existing else None,
            secrets=existing.secrets if existing else None,
        )
        program_id = existing.program_id if existing else int(data["program_id"])  # type: ignore[call-overload]
        base = existing or PluginInstance(program_id=program_id, plugin_id=plugin_id)
        return replace(base, settings=settings, secrets=secrets, enabled=enabled)

    def _persist(self, instance_id: int, instance: PluginInstance | None) -> None:
        previous = self._secret_keys.pop(instance_id, frozenset())
        if instance is not None:
            self._secret_keys[instance_id] = frozenset(instance.secrets)
        self._persist_record(plugin_change(instance_id, instance, previous))  # secrets to the secret store


def settle_action_future(future: "Future[Any]", job: Job) -> None:
    """Complete the waiter of a plugin action run as ``job`` (finished): its result, or a PluginError why not."""
    if future.done():
        return
    if job.state is JobState.DONE:
        future.set_result(job.result.get("result"))
    elif job.state is JobState.CANCELLED:
        future.set_exception(PluginError("cancelled"))
    else:
        future.set_exception(PluginError(job.last_error or "failed"))


def _action_json(action: Any) -> dict[str, Any]:
    return {"name": action.name, "label": action.label, "admin": action.admin, "confirm": action.confirm,
            "long_running": action.long_running, "params": [_setting_json(p) for p in action.params]}


def _setting_json(setting: Any) -> dict[str, Any]:
    return {
        "key": setting.key, "label": setting.label, "kind": setting.kind, "default": setting.default,
        "choices": list(setting.choices), "minimum": setting.minimum, "maximum": setting.maximum,
        "help": setting.help, "required": setting.required,
    }
