"""The supervision thread: owns every program's state machine, launches and stops, and hears exits at once.

Exits are events, not polls: each live root process has a pidfd (Linux) or process HANDLE (Windows) watched
by a ``QSocketNotifier`` / ``QWinEventNotifier`` in this thread, so an exit reaches its machine within
milliseconds whoever killed it. One single-shot timer is armed for the earliest deadline of all machines
(start-success window, backoff, stop ladder), so an idle monitor does no work at all here.
"""

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QSocketNotifier, Qt, QTimer, Signal, Slot

from monitor_app.core.clock import Clock
from monitor_app.core.errors import MonitorError, NotFoundError
from monitor_app.core.model import (
    Event,
    MetricsTick,
    ProcessIdentity,
    ProgramRuntime,
    ProgramSample,
    ProgramSpec,
)
from monitor_app.core.states import REST_STATES, Cause, EventKind
from monitor_app.supervision.launcher import LaunchedProcess, ProcessLauncher
from monitor_app.supervision.logfiles import LogFiles
from monitor_app.supervision.machine import GracefulStop, ProgramSupervisor
from monitor_app.supervision.platform import ExitWaitable, Platform

log = logging.getLogger(__name__)

#: Where no exit waitable exists (macOS, old kernels), how often a live process is checked.
POLL_INTERVAL_MS = 50
#: How often output logs are checked for rotation.
HOUSEKEEPING_INTERVAL_MS = 30_000

try:  # Windows only
    from PySide6.QtCore import QWinEventNotifier  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on the OS
    QWinEventNotifier = None


@dataclass(eq=False)
class _Watch:
    ref: LaunchedProcess
    waitable: ExitWaitable | None
    notifier: Any  # QSocketNotifier | QWinEventNotifier | None (polled)


class SupervisionWorker(QObject):
    """Runs in the supervision thread; everything reaches it through queued slots.

    Signals:
        status_changed(ProgramStatus): after every change of one program.
        event_recorded(Event): every transition and other supervision fact, in order.
        runtime_changed(ProgramRuntime): what must survive a monitor restart changed.
        targets_changed(dict): program id -> root ProcessIdentity of every live program (for sampling).
        command_failed(int, str, str): program id, error code, message of a rejected command.
        ready(): re-attach and autostart are done.
    """

    status_changed = Signal(object)
    event_recorded = Signal(object)
    runtime_changed = Signal(object)
    targets_changed = Signal(object)
    command_failed = Signal(int, str, str)
    ready = Signal()

    def __init__(
        self,
        *,
        specs: Iterable[ProgramSpec],
        runtimes: Mapping[int, ProgramRuntime],
        clock: Clock,
        platform: Platform,
        logs: LogFiles,
        graceful_stop: GracefulStop | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._initial_specs = tuple(specs)
        self._initial_runtimes = dict(runtimes)
        self._clock = clock
        self._platform = platform
        self._logs = logs
        self._graceful_stop = graceful_stop
        self._launcher: ProcessLauncher | None = None
        self._machines: dict[int, ProgramSupervisor] = {}
        self._watches: dict[int, _Watch] = {}
        self._last_samples: dict[int, ProgramSample] = {}
        self._targets: dict[int, ProcessIdentity] = {}
        self._pending_removal: set[int] = set()
        self._retired: list[Any] = []
        self._deadline_timer: QTimer | None = None
        self._poll_timer: QTimer | None = None
        self._housekeeping_timer: QTimer | None = None

    # ------------------------------------------------------------------ lifecycle (in the thread)

    @Slot()
    def start(self) -> None:
        """Connected to ``QThread.started``: re-attach what still runs, then autostart the rest."""
        self._launcher = ProcessLauncher(self._platform, self._logs)
        self._deadline_timer = QTimer(self)
        self._deadline_timer.setSingleShot(True)
        self._deadline_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._deadline_timer.timeout.connect(self._on_deadline)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(POLL_INTERVAL_MS)
        self._poll_timer.timeout.connect(self._on_poll)
        self._housekeeping_timer = QTimer(self)
        self._housekeeping_timer.setInterval(HOUSEKEEPING_INTERVAL_MS)
        self._housekeeping_timer.timeout.connect(self._on_housekeeping)
        self._housekeeping_timer.start()

        for spec in self._initial_specs:
            self._machines[spec.id] = self._new_machine(spec, self._initial_runtimes.get(spec.id))
        for spec in self._initial_specs:
            self._reattach(spec.id)
        for spec in self._initial_specs:
            machine = self._machines[spec.id]
            if spec.autostart and machine.process is None:
                self._run(spec.id, lambda m: m.start(cause=Cause.SYSTEM, actor="autostart"))
        for machine in self._machines.values():
            self.status_changed.emit(machine.status())
        self._after_change()
        self.ready.emit()

    @Slot()
    def shutdown(self) -> None:
        """The monitor is quitting: stop watching, leave every program running."""
        for timer in (self._deadline_timer, self._poll_timer, self._housekeeping_timer):
            if timer is not None:
                timer.stop()
        for machine in self._machines.values():
            machine.shutdown_monitor()
        for program_id in list(self._watches):
            self._unwatch(program_id)

    # ------------------------------------------------------------------ commands (queued slots)

    @Slot(object)
    def add_program(self, spec: ProgramSpec) -> None:
        self._machines[spec.id] = self._new_machine(spec, None)
        self.status_changed.emit(self._machines[spec.id].status())
        if spec.autostart:
            self._run(spec.id, lambda m: m.start(cause=Cause.SYSTEM, actor="autostart"))
            self._after_change()

    @Slot(object)
    def update_program(self, spec: ProgramSpec) -> None:
        machine = self._machines.get(spec.id)
        if machine is not None:
            machine.update_spec(spec)

    @Slot(int)
    def remove_program(self, program_id: int) -> None:
        """Forget a program. The engine only asks for programs at rest; one that started in the meantime is
        stopped first, so a removed program never keeps running unsupervised."""
        machine = self._machines.get(program_id)
        if machine is None:
            return
        if machine.state not in REST_STATES:
            self._pending_removal.add(program_id)
            self._run(program_id, lambda m: m.stop(cause=Cause.SYSTEM, actor="program removed"))
            self._after_change()
            return
        self._forget(program_id)

    def _forget(self, program_id: int) -> None:
        self._pending_removal.discard(program_id)
        del self._machines[program_id]
        self._unwatch(program_id)
        self._logs.remove(program_id)
        self._last_samples.pop(program_id, None)

    @Slot(int, str, str, str)
    def command(self, program_id: int, verb: str, cause: str, actor: str) -> None:
        """``verb`` is start, stop or restart."""
        why = Cause(cause)
        actions: dict[str, Callable[[ProgramSupervisor], None]] = {
            "start": lambda m: m.start(cause=why, actor=actor),
            "stop": lambda m: m.stop(cause=why, actor=actor),
            "restart": lambda m: m.restart(cause=why, actor=actor),
        }
        self._run(program_id, actions[verb], report=True)
        self._after_change()

    @Slot(object)
    def on_metrics(self, tick: MetricsTick) -> None:
        """Keep each program's latest sample, to attach resources-at-death to an unexpected exit."""
        for sample in tick.programs:
            self._last_samples[sample.program_id] = sample

    # ------------------------------------------------------------------ internals

    def _new_machine(self, spec: ProgramSpec, runtime: ProgramRuntime | None) -> ProgramSupervisor:
        assert self._launcher is not None
        return ProgramSupervisor(
            spec,
            clock=self._clock,
            runner=self._launcher,
            emit=self.event_recorded.emit,
            publish=self.status_changed.emit,
            persist=self.runtime_changed.emit,
            runtime=runtime,
            graceful_stop=self._graceful_stop,
            last_sample=self._last_samples.get,
        )

    def _run(self, program_id: int, action: Callable[[ProgramSupervisor], None], *, report: bool = False) -> None:
        machine = self._machines.get(program_id)
        try:
            if machine is None:
                raise NotFoundError(f"no program with id {program_id}")
            action(machine)
        except MonitorError as exc:
            log.info("command on program %d rejected: %s", program_id, exc.message)
            if report:
                self.command_failed.emit(program_id, exc.code, exc.message)
                self.event_recorded.emit(
                    Event(
                        time=self._clock.time(),
                        kind=EventKind.COMMAND_REJECTED,
                        program_id=program_id,
                        message=exc.message,
                    )
                )
        except Exception:  # noqa: BLE001 - one program's bug must not stop the others' supervision
            log.exception("supervising program %d failed", program_id)

    def _reattach(self, program_id: int) -> None:
        assert self._launcher is not None
        runtime = self._initial_runtimes.get(program_id)
        if runtime is None or runtime.identity is None:
            return
        machine = self._machines[program_id]
        ref, reason = self._launcher.attach(runtime.identity)
        if ref is not None:
            self._run(program_id, lambda m: m.attach(ref, cause=Cause.SYSTEM, actor="monitor start"))
            return
        self.event_recorded.emit(
            Event(
                time=self._clock.time(),
                kind=EventKind.REATTACH_FAILED,
                program_id=program_id,
                cause=Cause.SYSTEM,
                actor="monitor start",
                message=reason,
                details={"pid": runtime.identity.pid, "create_time": runtime.identity.create_time},
            )
        )
        self.runtime_changed.emit(
            ProgramRuntime(program_id, None, runtime.restarts, runtime.last_exit_code)
        )
        log.info("%s: %s", machine.spec.name, reason)

    def _after_change(self) -> None:
        """Bring exit watches and the deadline timer in line with the machines."""
        for program_id in list(self._pending_removal):
            if self._machines[program_id].state in REST_STATES:
                self._forget(program_id)
        self._sync_watches()
        self._arm_deadline()

    def _sync_watches(self) -> None:
        targets: dict[int, ProcessIdentity] = {}
        for program_id, machine in self._machines.items():
            ref = machine.process
            watch = self._watches.get(program_id)
            if watch is not None and watch.ref is not ref:
                self._unwatch(program_id)
                watch = None
            if ref is not None:
                targets[program_id] = ref.identity
                if watch is None:
                    self._watch(program_id, ref)  # type: ignore[arg-type]
        for program_id in list(self._watches):
            if program_id not in self._machines:
                self._unwatch(program_id)
        if targets != self._targets:
            self._targets = targets
            self.targets_changed.emit(dict(targets))

    def _watch(self, program_id: int, ref: LaunchedProcess) -> None:
        assert self._launcher is not None
        try:
            waitable = self._platform.open_exit_waitable(ref.identity.pid)
        except (ProcessLookupError, OSError):
            waitable = None
            QTimer.singleShot(0, self, lambda: self._on_exit_ready(program_id, ref))
        notifier: Any = None
        if waitable is not None:
            if waitable.kind == "fd":
                notifier = QSocketNotifier(waitable.value(), QSocketNotifier.Type.Read)
            elif QWinEventNotifier is not None:
                notifier = QWinEventNotifier(waitable.value())
            if notifier is not None:
                notifier.activated.connect(lambda *_: self._on_exit_ready(program_id, ref))
                notifier.setEnabled(True)
        self._watches[program_id] = _Watch(ref, waitable, notifier)
        if notifier is None:
            self._poll_timer.start()  # type: ignore[union-attr]
        elif not self._launcher.is_ours(ref):
            # It ended (or its pid was reused) between launch and the waitable: report the exit now.
            QTimer.singleShot(0, self, lambda: self._on_exit_ready(program_id, ref))

    def _unwatch(self, program_id: int) -> None:
        watch = self._watches.pop(program_id, None)
        if watch is None:
            return
        if watch.notifier is not None:
            watch.notifier.setEnabled(False)
            # Not deleted here: this may run inside the notifier's own signal. Dropping the last reference
            # on the next loop turn deletes it safely (it has no Qt parent, Python owns it).
            self._retired.append(watch.notifier)
            QTimer.singleShot(0, self, self._retired.clear)
        if watch.waitable is not None:
            watch.waitable.close()
        if self._poll_timer is not None and all(w.notifier is not None for w in self._watches.values()):
            self._poll_timer.stop()

    def _on_exit_ready(self, program_id: int, ref: LaunchedProcess) -> None:
        assert self._launcher is not None
        watch = self._watches.get(program_id)
        if watch is None or watch.ref is not ref:
            return  # already handled
        self._unwatch(program_id)
        exit_code = self._launcher.reap(ref)
        machine = self._machines.get(program_id)
        if machine is not None and machine.process is ref:
            self._run(program_id, lambda m: m.on_exit(exit_code))
        self._after_change()

    @Slot()
    def _on_poll(self) -> None:
        assert self._launcher is not None
        for program_id, watch in list(self._watches.items()):
            if watch.notifier is None and not self._launcher.is_ours(watch.ref):
                self._on_exit_ready(program_id, watch.ref)

    @Slot()
    def _on_deadline(self) -> None:
        now = self._clock.monotonic()
        for program_id, machine in list(self._machines.items()):
            deadline = machine.next_deadline()
            if deadline is not None and deadline <= now:
                self._run(program_id, lambda m: m.tick())
        self._after_change()

    def _arm_deadline(self) -> None:
        assert self._deadline_timer is not None
        deadlines = [d for m in self._machines.values() if (d := m.next_deadline()) is not None]
        if not deadlines:
            self._deadline_timer.stop()
            return
        delay_ms = max(0, int((min(deadlines) - self._clock.monotonic()) * 1000) + 1)
        self._deadline_timer.start(delay_ms)

    @Slot()
    def _on_housekeeping(self) -> None:
        for program_id, machine in self._machines.items():
            if machine.process is not None:
                self._logs.rotate_if_needed(program_id)
