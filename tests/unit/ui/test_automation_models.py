"""The Jobs and Webhooks table models on their own: in-place updates, bounds, masking, wording."""

import time

from PySide6.QtCore import Qt

from monitor_app.core.jobs import Job, JobState
from monitor_app.core.notifications import DeliveryRecord, WebhookEndpoint, WebhookFormat
from monitor_app.ui.automation_labels import countdown, events_summary, job_title, short_time
from monitor_app.ui.jobs_view import JobColumn, JobsFilterModel, JobsModel
from monitor_app.ui.webhooks_view import DELIVERY_ROWS, DeliveriesModel, WebhookColumn, WebhooksModel


def job(job_id: int, state: JobState = JobState.QUEUED, **kw) -> Job:
    kw.setdefault("title", f"job {job_id}")
    kw.setdefault("created_at", 1000.0 + job_id)
    return Job(kind="webhook.deliver", id=job_id, state=state, **kw)


def test_jobs_model_updates_rows_in_place_newest_first(qapp) -> None:
    model = JobsModel()
    inserted, changed, resets = [], [], []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.dataChanged.connect(lambda top, bottom, _roles: changed.append((top.row(), bottom.row())))
    model.modelReset.connect(lambda: resets.append(True))
    model.upsert(job(1))
    model.upsert(job(3))
    model.upsert(job(2))  # arrives late: goes between 3 and 1
    assert [j.id for j in model.jobs()] == [3, 2, 1]
    assert inserted == [(0, 0), (0, 0), (1, 1)]
    model.upsert(job(2, JobState.RUNNING, attempts=1))
    assert changed == [(1, 1)]
    assert model.index(1, JobColumn.STATE).data() == "Running"
    assert model.index(1, JobColumn.ATTEMPTS).data() == "1 / 5"
    model.upsert(job(2, JobState.RUNNING, attempts=1))  # no change, no repaint
    assert changed == [(1, 1)] and not resets


def test_a_burst_of_new_jobs_is_one_insertion(qapp) -> None:
    model = JobsModel()
    model.upsert(job(1))
    inserted = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    burst = [job(n) for n in range(2, 1002)] + [job(5, JobState.RUNNING, attempts=1)]
    model.upsert_many(burst)
    assert inserted == [(0, 999)]
    assert [j.id for j in model.jobs()][:3] == [1001, 1000, 999] and model.jobs()[-1].id == 1
    assert model.job(5).state is JobState.RUNNING  # the later change of the same job wins


def test_jobs_model_keeps_every_unfinished_job_and_the_newest_finished_ones(qapp) -> None:
    model = JobsModel(max_finished=3)
    model.upsert(job(1))  # still queued: never dropped
    for job_id in range(2, 8):
        model.upsert(job(job_id, JobState.DONE, finished_at=2000.0))
    assert [j.id for j in model.jobs()] == [7, 6, 5, 1]
    assert model.row_of(2) is None and model.row_of(1) == 3


def test_jobs_filter_by_state_group_and_text(qapp) -> None:
    model = JobsModel()
    proxy = JobsFilterModel(model)
    model.sync([job(1, JobState.FAILED, last_error="connection refused"), job(2), job(3, JobState.DONE)])
    proxy.set_states(frozenset({JobState.QUEUED, JobState.RUNNING}))
    assert [proxy.job_at(r).id for r in range(proxy.rowCount())] == [2]
    model.upsert(job(2, JobState.DONE))  # leaves the Active filter by itself
    assert proxy.rowCount() == 0
    proxy.set_states(None)
    proxy.set_text("REFUSED")
    assert [proxy.job_at(r).id for r in range(proxy.rowCount())] == [1]


def test_jobs_next_run_and_error_tooltip(qapp) -> None:
    model = JobsModel()
    now = time.time()
    model.upsert(job(1, run_after=now + 12.2))
    model.upsert(job(2, JobState.FAILED, last_error="first line\nsecond line"))
    assert model.cell_text(model.job(1), JobColumn.NEXT_RUN, now=now) == "in 12 s"
    assert model.cell_text(model.job(2), JobColumn.NEXT_RUN, now=now) == ""
    row = model.row_of(2)
    assert model.index(row, JobColumn.LAST_ERROR).data() == "first line"
    assert (
        model.index(row, JobColumn.LAST_ERROR).data(Qt.ItemDataRole.ToolTipRole) == "first line\nsecond line"
    )


def test_countdown_and_short_time_wording(qapp) -> None:
    assert [countdown(s) for s in (0.2, 1, 59.4, 59.6, 90, 3569, 3600 * 5)] == [
        "now",
        "in 1 s",
        "in 59 s",
        "in 1 min",
        "in 2 min",
        "in 59 min",
        "in 5 h",
    ]
    now = time.mktime((2025, 3, 18, 15, 0, 0, 0, 0, -1))
    assert short_time(now - 60, now=now) == "14:59:00"
    assert short_time(now - 86_400, now=now) == "03-17 15:00"
    assert short_time(now - 400 * 86_400, now=now).startswith("2024-")
    assert short_time(None) == ""


def test_job_title_in_words_keeps_the_engine_target(qapp) -> None:
    delivery = job(
        1,
        title="program.exited (Palworld) → https://discord.com/…",
        payload={"endpoint_id": 1, "notification": {"event": "program.exited", "program_name": "Palworld"}},
    )
    assert job_title(delivery) == "Program crashed (Palworld) → https://discord.com/…"
    assert job_title(Job(kind="backup", title="")) == "backup"


def test_webhooks_model_masks_urls_and_diffs_endpoints(qapp) -> None:
    model = WebhooksModel()
    first = WebhookEndpoint(
        url="https://discord.com/api/webhooks/1/TOKEN", format=WebhookFormat.DISCORD, id=1
    )
    second = WebhookEndpoint(
        url="http://10.0.0.2:8123/api/hook?key=K", name="HA", events=("program.fatal",), id=2
    )
    model.set_endpoints([first, second])
    resets, removed = [], []
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsRemoved.connect(lambda _p, first_row, _last: removed.append(first_row))
    assert model.index(0, WebhookColumn.URL).data() == "https://discord.com/…"
    assert model.index(1, WebhookColumn.URL).data() == "http://10.0.0.2:8123/…"
    assert model.index(0, WebhookColumn.NAME).data() == "(unnamed #1)"
    assert model.index(0, WebhookColumn.EVENTS).data() == "All events"
    assert model.index(1, WebhookColumn.EVENTS).data() == "Program gave up restarting"
    third = WebhookEndpoint(url="https://hooks.slack.com/services/A/B/C", id=3)
    model.set_endpoints([WebhookEndpoint(url=second.url, name="Home Assistant", id=2), third])
    assert removed == [0] and not resets
    assert [e.id for e in model.endpoints()] == [2, 3]
    assert model.index(0, WebhookColumn.NAME).data() == "Home Assistant"
    model.record_delivery(
        DeliveryRecord(
            endpoint_id=3,
            time=time.time(),
            event="webhook.test",
            status=None,
            latency_ms=3.0,
            error="connection refused",
        )
    )
    assert model.index(1, WebhookColumn.LAST_DELIVERY).data().startswith("connection refused · ")
    text = " ".join(
        str(model.index(r, c).data(role) or "")
        for r in range(model.rowCount())
        for c in range(model.columnCount())
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    )
    assert "TOKEN" not in text and "key=K" not in text and "/services/" not in text


def test_events_summary(qapp) -> None:
    assert events_summary(()) == "All events"
    assert events_summary(("program.exited", "plugin.palworld.*")) == "Program crashed, plugin.palworld.*"
    assert events_summary(("program.exited", "program.fatal", "alert.fired")) == "3 event(s)"


def test_deliveries_model_merges_stored_and_live_records_bounded(qapp) -> None:
    model = DeliveriesModel()
    model.show_endpoint(5)
    live = DeliveryRecord(
        endpoint_id=5, time=200.0, event="webhook.test", status=204, latency_ms=35, job_id=9
    )
    model.prepend(live)
    model.prepend(DeliveryRecord(endpoint_id=6, time=201.0, event="webhook.test", status=204, latency_ms=1))
    assert model.rowCount() == 1  # another endpoint's attempt is not shown
    stored = [
        DeliveryRecord(
            endpoint_id=5, time=200.0, event="webhook.test", status=204, latency_ms=35, job_id=9, id=77
        )
    ]
    stored += [
        DeliveryRecord(
            endpoint_id=5,
            time=100.0 - i,
            event="program.exited",
            status=500,
            latency_ms=9,
            job_id=i,
            error="HTTP 500",
        )
        for i in range(DELIVERY_ROWS + 5)
    ]
    model.load(5, stored)
    records = model.records()
    assert len(records) == DELIVERY_ROWS and records[0].id == 77  # the stored copy replaced the live one
    assert model.index(0, 2).data() == "HTTP 204" and model.index(0, 3).data() == "35 ms"
    model.load(4, stored)  # a late answer for an endpoint no longer shown is dropped
    assert model.records() == records
