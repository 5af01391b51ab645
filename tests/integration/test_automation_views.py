"""The Automation tab over a real engine and a real receiver: webhooks added through the dialog, test sends,
the delivery log, and jobs that fail, are retried and are cancelled."""

import time

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMessageBox

from monitor_app.core.jobs import JobState
from monitor_app.core.notifications import WEBHOOK_TEST, Notification, WebhookFormat, notification_to_dict
from monitor_app.engine.automation import DELIVER, AutomationConfig
from monitor_app.jobs.retry import RetryPolicy
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.jobs_view import JOB_ROLE, JobColumn, JobsView, StateFilter
from monitor_app.ui.main_window import MainWindow
from monitor_app.ui.program_commands import ProgramCommands
from monitor_app.ui.webhook_dialog import WebhookDialog
from monitor_app.ui.webhooks_view import DeliveryColumn, WebhookColumn, WebhooksView
from tests.helpers.receiver import WebhookReceiver, refused_url

FAST = AutomationConfig(retry=RetryPolicy(initial_s=0.05, max_s=0.2, jitter=0.0), webhook_timeout_s=2.0)
TOKEN = "Zq9-secret-token"


@pytest.fixture
def engine(engines):
    return engines(automation=FAST)


@pytest.fixture
def window(qtbot, engine):
    tasks = BackgroundTasks()
    win = MainWindow(engine, tasks=tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.tabs.setCurrentWidget(win.automation)
    yield win
    tasks.wait_for_done()


@pytest.fixture
def receiver():
    with WebhookReceiver() as receiver:
        yield receiver


def webhooks_page(win: MainWindow) -> WebhooksView:
    win.automation.show_page(win.webhooks)
    return win.webhooks


def jobs_page(win: MainWindow) -> JobsView:
    win.automation.show_page(win.jobs)
    return win.jobs


def press_ok(dialog: WebhookDialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def job_cell(view: JobsView, job_id: int, column: JobColumn) -> str:
    row = view.model.row_of(job_id)
    return view.model.index(row, column).data() if row is not None else ""


def every_text(model, roles=(Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)) -> str:
    return "\n".join(
        str(model.index(row, column).data(role) or "")
        for row in range(model.rowCount())
        for column in range(model.columnCount())
        for role in roles
    )


def later_job(engine, endpoint_id: int, *, in_s: float = 600.0, title: str = "later"):
    """A delivery queued to run in ``in_s`` seconds (as a retry backoff would leave it)."""
    notification = Notification(event=WEBHOOK_TEST, time=time.time(), details={"message": "later"})
    return engine.automation.enqueue(
        DELIVER,
        {"endpoint_id": endpoint_id, "notification": notification_to_dict(notification)},
        title=title,
        max_attempts=3,
        run_after=time.time() + in_s,
    )


def test_automation_tab_holds_its_pages_and_takes_more(qtbot, window) -> None:
    assert window.tabs.tabText(window.tabs.indexOf(window.automation)) == "Automation"
    tabs = window.automation.tabs
    pages = ["Webhooks", "Alert rules", "Schedules", "Jobs"]
    assert [tabs.tabText(i) for i in range(tabs.count())] == pages
    extra = QLabel("more goes here")
    extra.setWindowTitle("Backups")
    index = window.automation.add_page(extra)
    assert tabs.tabText(index) == "Backups"
    extra.setWindowTitle("Saves")  # the tab follows the page's (translated) title
    assert tabs.tabText(index) == "Saves"
    assert window.automation.add_page(QLabel(), "Plugins", index=1) == 1
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["Webhooks", "Plugins", *pages[1:], "Saves"]


def test_webhook_added_through_the_dialog_after_an_inline_error(qtbot, engine, window, receiver) -> None:
    view = webhooks_page(window)
    view.add_action.trigger()
    dialog = view.dialog
    assert isinstance(dialog, WebhookDialog) and dialog.isVisible()
    dialog.name.setText("Discord #status")
    dialog.format.setCurrentIndex(dialog.format.findData("discord"))
    assert "Integrations" in dialog.url_hint.text()
    dialog.url.setText("discord.com/api/webhooks/1/abc")  # no scheme
    press_ok(dialog)
    assert dialog.isVisible()
    assert "http" in dialog.error_text("url")
    assert dialog.error_text("name") == ""
    assert engine.automation.webhooks() == ()

    dialog.url.setText(receiver.url_for(f"/api/webhooks/42/{TOKEN}"))
    dialog.all_events.setChecked(False)
    dialog.event_boxes["program.exited"].setChecked(True)
    dialog.event_boxes["program.fatal"].setChecked(True)
    dialog.plugin_events.setText("plugin.palworld.*")
    dialog.cooldown.setValue(120)
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    assert not dialog.isVisible()
    (stored,) = engine.automation.webhooks()
    assert stored.name == "Discord #status" and stored.format is WebhookFormat.DISCORD
    assert stored.events == ("program.exited", "program.fatal", "plugin.palworld.*")
    assert stored.cooldown_s == 120 and stored.enabled and stored.secret is None
    assert view.selected_id() == stored.id
    row = view.model.row_of(stored.id)
    assert view.model.index(row, WebhookColumn.URL).data() == f"http://127.0.0.1:{receiver.port}/…"
    assert view.model.index(row, WebhookColumn.EVENTS).data() == "3 event(s)"
    assert view.model.index(row, WebhookColumn.LAST_DELIVERY).data() == "never"
    assert TOKEN not in every_text(view.model)
    assert TOKEN not in view.log_title.text()


def test_send_test_shows_the_delivery_and_the_job_done(qtbot, engine, window, receiver) -> None:
    endpoint = engine.automation.add_webhook({"url": receiver.url_for(f"/hooks/{TOKEN}"), "name": "home"})
    view = webhooks_page(window)
    view.select_endpoint(endpoint.id)
    assert view.test_action.isEnabled()
    resets: list[bool] = []
    window.jobs.model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(engine.automation.job_changed, timeout=5000) as queued:
        view.test_action.trigger()
    job = queued.args[0]
    assert job.state is JobState.QUEUED
    qtbot.waitUntil(lambda: view.deliveries.rowCount() == 1, timeout=10_000)
    assert view.deliveries.index(0, DeliveryColumn.STATUS).data() == "HTTP 200"
    assert view.deliveries.index(0, DeliveryColumn.EVENT).data() == "Test message"
    assert view.deliveries.index(0, DeliveryColumn.ERROR).data() == ""
    assert view.deliveries.index(0, DeliveryColumn.LATENCY).data().endswith(" ms")
    qtbot.waitUntil(lambda: view.test_result.text().startswith("Test delivered (HTTP 200, "), timeout=5000)
    assert window.statusBar().currentMessage() == view.test_result.text()
    qtbot.waitUntil(lambda: job_cell(window.jobs, job.id, JobColumn.STATE) == "Done", timeout=1000)
    assert job_cell(window.jobs, job.id, JobColumn.ATTEMPTS) == "1 / 1"
    assert job_cell(window.jobs, job.id, JobColumn.KIND) == "Webhook delivery"
    assert view.model.index(0, WebhookColumn.LAST_DELIVERY).data().startswith("HTTP 200 · ")
    assert [r.json()["event"] for r in receiver.requests] == ["webhook.test"]
    assert not resets  # rows were updated in place
    assert TOKEN not in every_text(window.jobs.model) + every_text(view.deliveries)

    # the log comes back from storage when the endpoint is selected again
    view.table.clearSelection()
    assert view.deliveries.rowCount() == 0
    view.select_endpoint(endpoint.id)
    qtbot.waitUntil(lambda: view.deliveries.rowCount() == 1, timeout=5000)
    assert view.deliveries.records()[0].id > 0  # read from the database, not the live signal


def test_a_failing_job_shows_failed_and_retry_requeues_it(qtbot, engine, window, receiver) -> None:
    endpoint = engine.automation.add_webhook({"url": refused_url(), "name": "nobody"})
    hooks = webhooks_page(window)
    hooks.select_endpoint(endpoint.id)
    hooks.test_action.trigger()
    qtbot.waitUntil(lambda: hooks.test_result.text() == "Test failed: connection refused", timeout=10_000)
    assert hooks.deliveries.index(0, DeliveryColumn.STATUS).data() == "no answer"
    assert hooks.deliveries.index(0, DeliveryColumn.ERROR).data() == "connection refused"
    assert hooks.model.index(0, WebhookColumn.LAST_DELIVERY).data().startswith("connection refused · ")

    view = jobs_page(window)
    (job,) = engine.automation.jobs()
    assert job.state is JobState.FAILED
    view.set_state_filter(StateFilter.FAILED)
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1, timeout=1000)  # changes are applied in batches
    assert view.select_job(job.id)
    assert job_cell(view, job.id, JobColumn.STATE) == "Failed"
    assert "connection refused" in job_cell(view, job.id, JobColumn.LAST_ERROR)
    assert "connection refused" in view.detail.toPlainText()
    assert view.retry_action.isEnabled() and not view.cancel_action.isEnabled()

    engine.automation.update_webhook(endpoint.id, {"url": receiver.url})  # the receiver is up now
    states: list[JobState] = []
    engine.automation.job_changed.connect(lambda j: j.id == job.id and states.append(j.state))
    view.set_state_filter(StateFilter.ALL)
    assert view.select_job(job.id)
    view.retry_button.click()
    assert states[0] is JobState.QUEUED  # re-queued at once, with fresh attempts
    qtbot.waitUntil(lambda: job_cell(view, job.id, JobColumn.STATE) == "Done", timeout=10_000)
    assert job_cell(view, job.id, JobColumn.ATTEMPTS) == "1 / 1"
    assert len(receiver.requests) == 1
    assert view.selected_jobs()[0].id == job.id  # the selection followed the row
    assert not view.retry_action.isEnabled() and not view.cancel_action.isEnabled()


def test_cancel_a_queued_job(qtbot, engine, window) -> None:
    endpoint = engine.automation.add_webhook({"url": refused_url()})
    view = jobs_page(window)
    job = later_job(engine, endpoint.id)
    view.set_state_filter(StateFilter.ACTIVE)
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 1)
    assert job_cell(view, job.id, JobColumn.STATE) == "Queued"
    assert job_cell(view, job.id, JobColumn.NEXT_RUN) in ("in 10 min", "in 9 min")
    assert view.select_job(job.id)
    assert view.cancel_action.isEnabled() and not view.retry_action.isEnabled()
    view.cancel_button.click()
    assert engine.automation.job(job.id).state is JobState.CANCELLED
    qtbot.waitUntil(lambda: job_cell(view, job.id, JobColumn.STATE) == "Cancelled", timeout=1000)
    assert job_cell(view, job.id, JobColumn.NEXT_RUN) == ""
    assert view.proxy.rowCount() == 0  # no longer active
    view.set_state_filter(StateFilter.CANCELLED)
    assert view.select_job(job.id)
    assert view.retry_action.isEnabled() and not view.cancel_action.isEnabled()


def test_cancel_refused_by_the_engine_is_reported(qtbot, engine, window) -> None:
    endpoint = engine.automation.add_webhook({"url": refused_url()})
    view = jobs_page(window)
    job = later_job(engine, endpoint.id)
    assert view.select_job(job.id)
    assert view.cancel_action.isEnabled()
    selected = view.selected_jobs()
    engine.automation.cancel_job(job.id)  # someone else (the REST API) was faster
    qtbot.waitUntil(lambda: not view.cancel_action.isEnabled(), timeout=1000)  # the view follows
    view._apply("cancel_job", selected)  # a click that raced the other cancel
    assert window.statusBar().currentMessage() == f"job {job.id} is already cancelled"


def test_deleting_a_webhook_asks_and_cancels_its_waiting_jobs(qtbot, engine, window, monkeypatch) -> None:
    endpoint = engine.automation.add_webhook({"url": refused_url(), "name": "old"})
    job = later_job(engine, endpoint.id)
    view = webhooks_page(window)
    view.select_endpoint(endpoint.id)
    texts: list[str] = []

    def cancel(box: QMessageBox) -> int:
        texts.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", cancel)
    view.delete_action.trigger()
    assert texts == ["Delete the webhook “old”?"]
    assert len(engine.automation.webhooks()) == 1

    def confirm(box: QMessageBox) -> int:
        next(b for b in box.buttons() if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", confirm)
    view.delete_action.trigger()
    assert engine.automation.webhooks() == ()
    assert view.model.rowCount() == 0 and view.deliveries.endpoint_id is None
    assert not view.test_action.isEnabled()
    # the engine cancels the endpoint's pending deliveries without a job signal: the Jobs view catches up
    qtbot.waitUntil(lambda: job_cell(window.jobs, job.id, JobColumn.STATE) == "Cancelled")


def test_enable_toggle_and_checkbox(qtbot, engine, window) -> None:
    endpoint = engine.automation.add_webhook({"url": refused_url()})
    view = webhooks_page(window)
    view.select_endpoint(endpoint.id)
    assert view.toggle_action.text() == "Disable"
    view.toggle_action.trigger()
    assert engine.automation.webhook(endpoint.id).enabled is False
    assert view.toggle_action.text() == "Enable"
    index = view.model.index(0, WebhookColumn.ENABLED)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert view.model.flags(index) & Qt.ItemFlag.ItemIsUserCheckable
    view.model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert engine.automation.webhook(endpoint.id).enabled is True
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert view.selected_id() == endpoint.id  # the edit kept the selection


def test_edit_keeps_the_secret_unless_removed(qtbot, engine, window) -> None:
    endpoint = engine.automation.add_webhook({"url": refused_url(), "secret": "s3cret", "name": "signed"})
    view = webhooks_page(window)
    view.select_endpoint(endpoint.id)
    view.edit_action.trigger()
    dialog = view.dialog
    assert dialog.windowTitle() == "Edit webhook"
    assert dialog.secret.text() == "" and "keep the current secret" in dialog.secret.placeholderText()
    assert dialog.remove_secret.isVisibleTo(dialog)
    assert dialog.all_events.isChecked() and not dialog.event_boxes["program.started"].isEnabled()
    dialog.name.setText("signed, renamed")
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    kept = engine.automation.webhook(endpoint.id)
    assert (kept.name, kept.secret) == ("signed, renamed", "s3cret")

    view.edit_action.trigger()
    dialog = view.dialog
    dialog.remove_secret.setChecked(True)
    assert not dialog.secret.isEnabled()
    press_ok(dialog)
    qtbot.waitUntil(lambda: view.dialog is None)
    assert engine.automation.webhook(endpoint.id).secret is None


def test_dialog_needs_an_event_when_not_all_and_reports_engine_errors_per_field(
    qtbot, engine, window
) -> None:
    view = webhooks_page(window)
    view.add_action.trigger()
    dialog = view.dialog
    dialog.url.setText(refused_url())
    dialog.all_events.setChecked(False)
    press_ok(dialog)
    assert "at least one event" in dialog.error_text("events")
    dialog.plugin_events.setText("plugin.Bad Name")
    press_ok(dialog)
    assert "unknown event" in dialog.error_text("events")
    assert dialog.isVisible() and engine.automation.webhooks() == ()
    dialog.reject()
    qtbot.waitUntil(lambda: view.dialog is None)
    assert engine.automation.webhooks() == ()


def test_jobs_filter_by_text_and_countdown(qtbot, engine, window) -> None:
    endpoint = engine.automation.add_webhook({"url": refused_url()})
    view = jobs_page(window)
    soon = later_job(engine, endpoint.id, in_s=30, title="soon")
    later_job(engine, endpoint.id, in_s=7200, title="nightly backup")
    qtbot.waitUntil(lambda: view.proxy.rowCount() == 2, timeout=1000)
    assert job_cell(view, soon.id, JobColumn.NEXT_RUN) in ("in 30 s", "in 29 s")
    view.search.setText("NIGHTLY")
    assert view.proxy.rowCount() == 1
    assert view.proxy.index(0, JobColumn.NEXT_RUN).data() == "in 2 h"
    view.search.setText("")
    before = job_cell(view, soon.id, JobColumn.NEXT_RUN)
    with qtbot.waitSignal(view.model.dataChanged, timeout=3000):
        pass  # the countdown repaints while the page is visible
    qtbot.waitUntil(lambda: job_cell(view, soon.id, JobColumn.NEXT_RUN) != before, timeout=5000)
    assert view.proxy.index(0, 0).data(JOB_ROLE).id > view.proxy.index(1, 0).data(JOB_ROLE).id  # newest first


def test_automation_layout_is_saved_and_restored(qtbot, engine, window, tmp_path) -> None:
    settings = QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat)
    jobs_page(window)
    window.jobs.set_state_filter(StateFilter.FAILED)
    window.webhooks.table.horizontalHeader().resizeSection(WebhookColumn.NAME, 321)
    window.save_state(settings)
    settings.sync()

    other = MainWindow(engine, tasks=window.tasks, commands=ProgramCommands(engine, "tester"))
    qtbot.addWidget(other)
    other.restore_state(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))
    assert other.automation.tabs.currentWidget() is other.jobs
    assert other.jobs.state_filter.currentData() == StateFilter.FAILED
    assert other.webhooks.table.horizontalHeader().sectionSize(WebhookColumn.NAME) == 321


def test_automation_speaks_korean(qtbot, qapp, engine, window, receiver) -> None:
    from monitor_app.resources import translations_dir
    from monitor_app.ui.i18n import Translations

    endpoint = engine.automation.add_webhook({"url": receiver.url, "name": "home"})
    view = webhooks_page(window)
    view.select_endpoint(endpoint.id)
    translations = Translations(qapp, translations_dir())
    try:
        assert translations.apply("ko") == "ko"
        tabs = window.automation.tabs
        qtbot.waitUntil(lambda: window.tabs.tabText(window.tabs.indexOf(window.automation)) == "자동화")
        assert [tabs.tabText(i) for i in range(tabs.count())] == ["웹훅", "알림 규칙", "예약 작업", "작업"]
        assert view.test_action.text() == "테스트 전송"
        assert window.jobs.retry_action.text() == "재시도" and window.jobs.cancel_action.text() == "취소"
        assert view.model.index(0, WebhookColumn.EVENTS).data() == "모든 이벤트"
        assert "전달 기록" in view.log_title.text()
        view.test_action.trigger()
        qtbot.waitUntil(
            lambda: view.test_result.text().startswith("테스트 전달 성공 (HTTP 200, "), timeout=10_000
        )
        (job,) = engine.automation.jobs()
        qtbot.waitUntil(lambda: job_cell(window.jobs, job.id, JobColumn.STATE) == "완료", timeout=1000)
        assert job_cell(window.jobs, job.id, JobColumn.TITLE) == "테스트 메시지 → home"
    finally:
        translations.apply("en")
    qtbot.waitUntil(lambda: tabs.tabText(0) == "Webhooks")
