"""Jobs: work that must not block anyone and must survive a monitor restart (webhook deliveries, scheduled
actions, plugin actions, backups)."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

_EMPTY: Mapping[str, object] = MappingProxyType({})


class JobState(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"  # waiting for a worker (possibly until ``run_after``)
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"  # attempts exhausted or a permanent error
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class JobProgress:
    """How far a running job is, as its handler last reported it.

    Attributes:
        done: Units done (bytes, files…), never more than ``total``.
        total: Units in all (None: unknown, only ``done`` and ``text`` are shown).
        text: One line, e.g. "120 of 480 files".
    """

    done: float = 0
    total: float | None = None
    text: str = ""

    @property
    def percent(self) -> int | None:
        """0–100, or None when the total is unknown."""
        if not self.total or self.total <= 0:
            return None
        return max(0, min(100, int(self.done * 100 // self.total)))

    def to_json(self) -> dict[str, object]:
        return {"done": self.done, "total": self.total, "percent": self.percent, "text": self.text}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> "JobProgress":
        total = data.get("total")
        return cls(
            done=float(data.get("done") or 0),  # type: ignore[arg-type]
            total=None if total is None else float(total),  # type: ignore[arg-type]
            text=str(data.get("text") or ""),
        )


#: States a job never leaves on its own.
FINISHED_JOB_STATES = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})


@dataclass(frozen=True, slots=True)
class Job:
    """One unit of queued work.

    Attributes:
        kind: Which handler runs it (``webhook.deliver``, ``schedule.action``…).
        payload: JSON-able input for the handler; everything it needs, so it runs after a restart.
        title: One human-readable line for the Jobs view.
        attempts: Attempts started so far.
        max_attempts: Give up (FAILED) after this many.
        run_after: Wall time before which it does not run (retry backoff, Retry-After).
        last_error: Why the last attempt failed.
        result: JSON-able output of the successful attempt.
        program_id: The program it concerns, if any (for filtering).
        progress: How far the running attempt is (None: its handler does not say); kept when it ends.
    """

    kind: str
    payload: Mapping[str, object] = field(default=_EMPTY)
    title: str = ""
    state: JobState = JobState.QUEUED
    attempts: int = 0
    max_attempts: int = 5
    created_at: float = 0.0
    updated_at: float = 0.0
    run_after: float = 0.0
    finished_at: float | None = None
    last_error: str = ""
    result: Mapping[str, object] = field(default=_EMPTY)
    program_id: int | None = None
    progress: JobProgress | None = None
    id: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "payload", MappingProxyType(dict(self.payload)))
        object.__setattr__(self, "result", MappingProxyType(dict(self.result)))

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_JOB_STATES


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What a handler reports after one attempt.

    Attributes:
        ok: The work is done.
        error: Why not, when not ok.
        retry: Whether another attempt may succeed (False: a permanent error such as 404 Not Found).
        retry_after: Seconds the other side asked us to wait (HTTP Retry-After, Discord's 429 body), if any.
        result: JSON-able facts to keep with the job.
    """

    ok: bool
    error: str = ""
    retry: bool = True
    retry_after: float | None = None
    result: Mapping[str, object] = field(default=_EMPTY)
