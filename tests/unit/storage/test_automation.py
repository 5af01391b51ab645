"""Jobs, webhook deliveries and automation records in the database: round trips, pruning, ids never reused."""

from pathlib import Path

import pytest

from monitor_app.core.jobs import Job, JobProgress, JobState
from monitor_app.core.notifications import DeliveryRecord
from monitor_app.storage import Storage, WriteBatch
from monitor_app.storage.automation import (
    DELIVERIES_KEPT_PER_ENDPOINT,
    FINISHED_JOB_RETENTION_S,
    RecordChange,
)
from monitor_app.storage.meta import SCHEDULES_SEEN_UNTIL
from monitor_app.storage.retention import Retention
from tests.unit.storage.builders import T0


def job(job_id: int, state: JobState = JobState.QUEUED, **changes: object) -> Job:
    values: dict[str, object] = {"kind": "webhook.deliver", "payload": {"endpoint_id": 1, "n": [1, 2]}}
    values.update(changes)
    return Job(id=job_id, state=state, created_at=T0, updated_at=T0, **values)  # type: ignore[arg-type]


def test_jobs_round_trip_with_latest_state(storage: Storage) -> None:
    storage.write(WriteBatch(jobs=(job(1), job(2, title="two", program_id=5, run_after=T0 + 9))))
    storage.write(WriteBatch(jobs=(job(1, JobState.DONE, attempts=1, finished_at=T0 + 1, result={"status": 200}),)))
    loaded = storage.load_jobs()
    assert [j.id for j in loaded] == [1, 2]
    assert loaded[0].state is JobState.DONE and loaded[0].result == {"status": 200}
    assert loaded[1] == job(2, title="two", program_id=5, run_after=T0 + 9)
    assert [j.id for j in storage.load_jobs(unfinished_only=True)] == [2]
    assert storage.last_job_id() == 2


def test_jobs_survive_reopening(db_path: Path) -> None:
    first = Storage.open(db_path)
    first.write(WriteBatch(jobs=(job(3, JobState.RUNNING, attempts=1),)))
    first.close()
    again = Storage.open(db_path)
    try:
        assert again.load_jobs(unfinished_only=True) == (job(3, JobState.RUNNING, attempts=1),)
    finally:
        again.close()


def test_records_upsert_delete_and_ids_are_never_reused(storage: Storage) -> None:
    storage.write(
        WriteBatch(
            records=(
                RecordChange("webhooks", 1, {"url": "http://127.0.0.1:1/a"}),
                RecordChange("webhooks", 2, {"url": "http://127.0.0.1:1/b"}),
                RecordChange("alert_rules", 1, {"kind": "cpu_above"}),
            )
        )
    )
    storage.write(WriteBatch(records=(RecordChange("webhooks", 2, None), RecordChange("webhooks", 1, {"url": "x"}))))
    assert storage.load_records("webhooks") == ((1, {"url": "x"}),)
    assert storage.load_records("alert_rules") == ((1, {"kind": "cpu_above"}),)
    assert storage.load_records("schedules") == ()
    assert storage.last_record_id("webhooks") == 2
    with pytest.raises(ValueError):
        RecordChange("users", 1, {})


def test_deliveries_newest_first_and_removed_with_their_endpoint(storage: Storage) -> None:
    records = tuple(
        DeliveryRecord(endpoint_id=1, time=T0 + i, event="program.exited", status=500 if i else None,
                       latency_ms=3.5, error="boom" if i else "refused", attempt=i + 1, final=False, job_id=4)
        for i in range(3)
    )
    storage.write(WriteBatch(deliveries=records))
    got = storage.deliveries(1, limit=2)
    assert [d.attempt for d in got] == [3, 2] and got[0].status == 500 and not got[0].final
    storage.write(WriteBatch(records=(RecordChange("webhooks", 1, None),)))
    assert storage.deliveries(1) == ()


def test_prune_drops_old_finished_jobs_and_excess_deliveries(storage: Storage) -> None:
    now = T0 + FINISHED_JOB_RETENTION_S + 100
    storage.write(
        WriteBatch(
            jobs=(job(1, JobState.DONE, finished_at=T0), job(2, JobState.FAILED, finished_at=now - 10), job(3)),
            deliveries=tuple(
                DeliveryRecord(endpoint_id=9, time=T0, event="e", status=200, latency_ms=1.0)
                for _ in range(DELIVERIES_KEPT_PER_ENDPOINT + 5)
            ),
        )
    )
    storage.prune(now, Retention())
    assert [j.id for j in storage.load_jobs()] == [2, 3]
    assert len(storage.deliveries(9, limit=10_000)) == DELIVERIES_KEPT_PER_ENDPOINT


def test_meta_ints(storage: Storage) -> None:
    assert storage.meta_int(SCHEDULES_SEEN_UNTIL) is None
    storage.write(WriteBatch(meta_ints=((SCHEDULES_SEEN_UNTIL, 123),)))
    storage.write(WriteBatch(meta_ints=((SCHEDULES_SEEN_UNTIL, 99),)))
    assert storage.meta_int(SCHEDULES_SEEN_UNTIL) == 99


def test_job_progress_is_stored_and_read_back(db_path: Path) -> None:
    first = Storage.open(db_path)
    progress = JobProgress(done=42, total=100, text="42 of 100 files")
    first.write(WriteBatch(jobs=(job(4, JobState.RUNNING, attempts=1, progress=progress), job(5))))
    first.close()
    again = Storage.open(db_path)
    try:
        loaded = {j.id: j for j in again.load_jobs()}
        assert loaded[4].progress == progress and loaded[4].progress.percent == 42
        assert loaded[5].progress is None
    finally:
        again.close()
