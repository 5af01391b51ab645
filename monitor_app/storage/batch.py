"""The unit of work the storage thread commits: everything that happened since its last commit."""

from dataclasses import dataclass

from monitor_app.core.accounts import AccountChanges
from monitor_app.core.jobs import Job
from monitor_app.core.model import Event, MetricsTick, PluginSample, ProgramRuntime, ProgramSpec
from monitor_app.core.notifications import DeliveryRecord
from monitor_app.storage.automation import RecordChange


@dataclass(frozen=True, slots=True)
class WriteBatch:
    """Changes written together in one transaction, so a crash keeps all of them or none.

    Attributes:
        ticks: Metric samples (program samples of unknown programs are dropped).
        events: Event log entries to append; their ids come back from ``Storage.write``.
        programs: Specs to insert or replace, matched by ``id`` (which must be set).
        removed_programs: Program ids to delete, with their runtime and every stored sample (events stay).
        runtimes: Per-program state to insert or replace (runtimes of unknown programs are dropped).
        last_program_id: Highest program id handed out so far, kept so ids are never reused.
        accounts: Changes of users, sessions and API keys, applied in order.
        jobs: Jobs to insert or replace (their latest state).
        deliveries: Webhook delivery attempts to append to the delivery log.
        records: Webhooks, alert rules and schedules to upsert or delete, in order.
        meta_ints: Named integers to set (e.g. how far the schedules have been looked at).
        plugin_samples: Points of plugins' extra series.
    """

    ticks: tuple[MetricsTick, ...] = ()
    events: tuple[Event, ...] = ()
    programs: tuple[ProgramSpec, ...] = ()
    removed_programs: tuple[int, ...] = ()
    runtimes: tuple[ProgramRuntime, ...] = ()
    last_program_id: int | None = None
    accounts: tuple[AccountChanges, ...] = ()
    jobs: tuple[Job, ...] = ()
    deliveries: tuple[DeliveryRecord, ...] = ()
    records: tuple[RecordChange, ...] = ()
    meta_ints: tuple[tuple[str, int], ...] = ()
    plugin_samples: tuple[PluginSample, ...] = ()

    def is_empty(self) -> bool:
        return not (
            self.ticks
            or self.events
            or self.programs
            or self.removed_programs
            or self.runtimes
            or self.last_program_id is not None
            or any(not changes.is_empty() for changes in self.accounts)
            or self.jobs
            or self.deliveries
            or self.records
            or self.meta_ints
            or self.plugin_samples
        )
