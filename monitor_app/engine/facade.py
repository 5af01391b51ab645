"""The engine facade's signals, shared by the in-process engine and (later) a remote one.

Commands and queries are described by ``core.ports.Engine``; this QObject adds the live side: every signal
carries an immutable snapshot and is emitted in the thread that owns the facade (the GUI thread).
"""

from PySide6.QtCore import QObject, Signal


class EngineFacade(QObject):
    """Base class of engine implementations.

    Signals:
        program_added(ProgramSpec), program_updated(ProgramSpec), program_removed(int): the registry changed.
        status_changed(ProgramStatus): a program's supervision state changed.
        event_recorded(Event): an event row was recorded (transitions, registry changes, rejections…).
        metrics_ready(MetricsTick): one sampling round.
        command_failed(int, str, str): program id, error code, message of a command that could not be done.
        storage_failed(str): the database cannot be written (data is kept in memory and retried).
        storage_recovered(): writes work again.
        ready(): re-attach and autostart are done.
    """

    program_added = Signal(object)
    program_updated = Signal(object)
    program_removed = Signal(int)
    status_changed = Signal(object)
    event_recorded = Signal(object)
    metrics_ready = Signal(object)
    command_failed = Signal(int, str, str)
    storage_failed = Signal(str)
    storage_recovered = Signal()
    ready = Signal()
