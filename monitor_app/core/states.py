"""Program states (supervisord's meaning), restart policies and the causes of a transition."""

from enum import StrEnum


class ProgramState(StrEnum):
    """Where a managed program is in its life.

    STOPPED: not running, and nobody expects it to (never started, or stopped on request).
    STARTING: launched; counts as started once alive for ``startsecs``.
    RUNNING: alive past ``startsecs`` (or re-attached after a monitor restart).
    BACKOFF: failed to start or exited; a restart is scheduled after a growing delay.
    STOPPING: a stop was requested; walking the stop ladder.
    EXITED: ended on its own from RUNNING and the restart policy does not bring it back.
    FATAL: could not be started after ``startretries`` retries; needs a manual start.
    """

    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    BACKOFF = "backoff"
    STOPPING = "stopping"
    EXITED = "exited"
    FATAL = "fatal"


#: States in which the program has a live process.
PROCESS_STATES = frozenset({ProgramState.STARTING, ProgramState.RUNNING, ProgramState.STOPPING})
#: States from which a start request is accepted.
STARTABLE_STATES = frozenset(
    {ProgramState.STOPPED, ProgramState.EXITED, ProgramState.FATAL, ProgramState.BACKOFF}
)
#: States from which a stop request is accepted.
STOPPABLE_STATES = frozenset({ProgramState.STARTING, ProgramState.RUNNING, ProgramState.BACKOFF})
#: States in which the program is at rest and may be removed.
REST_STATES = frozenset({ProgramState.STOPPED, ProgramState.EXITED, ProgramState.FATAL})


class RestartPolicy(StrEnum):
    """What happens when a program that was running ends without being asked to."""

    NEVER = "never"
    ON_FAILURE = "on-failure"  # restart unless the exit code is one of the program's success codes
    ALWAYS = "always"


class Cause(StrEnum):
    """Who or what set a transition in motion."""

    USER = "user"  # the desktop window
    API = "api"  # the REST API
    POLICY = "policy"  # restart policy, backoff, start-success window
    SCHEDULE = "schedule"
    RULE = "rule"  # an alert rule's action
    PLUGIN = "plugin"
    SYSTEM = "system"  # the monitor itself: autostart, re-attach, its own shutdown


class EventKind(StrEnum):
    """What an event row records."""

    STATE = "state"  # a state transition
    PROGRAM_ADDED = "program_added"
    PROGRAM_UPDATED = "program_updated"
    PROGRAM_REMOVED = "program_removed"
    REATTACHED = "reattached"  # found running after a monitor restart
    REATTACH_FAILED = "reattach_failed"  # the recorded process is gone or is not ours (pid reuse)
    LEFTOVERS_KILLED = "leftovers_killed"  # processes of the tree that outlived their root
    COMMAND_REJECTED = "command_rejected"
    AUDIT = "audit"  # a change that is not a program's: accounts, API keys, settings
    ALERT_FIRED = "alert_fired"  # an alert rule's condition started to hold
    ALERT_RESOLVED = "alert_resolved"
    SCHEDULE = "schedule"  # a scheduled action ran, warned, was skipped or deferred
    SCHEDULE_MISSED = "schedule_missed"  # a fire time passed while the monitor was not running
    PLUGIN = "plugin"  # something a plugin reported (player joined, server saved…)
    ERROR = "error"
