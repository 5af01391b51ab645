"""The Webhooks view: the endpoints, their last delivery, and the selected endpoint's delivery log.

Endpoints come from the engine's registry (in memory) and are diffed into the table on ``webhooks_changed``,
so selection survives edits. Webhook URLs are secrets (Discord's and Slack's carry a token in the path): the
table shows only ``scheme://host/…``; the full URL appears nowhere but the edit dialog.

The delivery log lives in SQLite: it is read in the background when the selection changes (or on Refresh),
and live attempts (``delivery_recorded``) are added on top without another read.
"""

from collections.abc import Mapping, Sequence
from enum import IntEnum

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.errors import MonitorError, NotFoundError
from monitor_app.core.jobs import Job, JobState
from monitor_app.core.notifications import DeliveryRecord, WebhookEndpoint, WebhookFormat
from monitor_app.engine.automation import Automation
from monitor_app.ui.automation_labels import (
    ERROR_COLOR,
    OK_COLOR,
    column_width,
    delivery_status,
    event_label,
    events_summary,
    full_time,
    short_time,
)
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.icons import dot_icon
from monitor_app.ui.record_page import (
    RECORD_ID_ROLE,
    ListTableModel,
    RecordPage,
    RecordTableModel,
    make_action,
    make_table,
    restore_states,
    tool_bar,
)
from monitor_app.ui.webhook_dialog import WebhookDialog
from monitor_app.webhooks.delivery import redact_url

# Rows of the delivery log read per selection (newest first), and kept while live attempts come in.
DELIVERY_ROWS = 200
# The endpoint id of a row, in any column.
ENDPOINT_ID_ROLE = RECORD_ID_ROLE


class WebhookColumn(IntEnum):
    NAME = 0
    URL = 1
    FORMAT = 2
    EVENTS = 3
    ENABLED = 4
    LAST_DELIVERY = 5


class DeliveryColumn(IntEnum):
    TIME = 0
    EVENT = 1
    STATUS = 2
    LATENCY = 3
    ATTEMPT = 4
    ERROR = 5


def masked_url(url: str) -> str:
    """``scheme://host[:port]/…``: what may be shown of a webhook URL (its path can hold a token)."""
    return redact_url(url)


def format_label(fmt: WebhookFormat) -> str:
    return {
        WebhookFormat.GENERIC: QCoreApplication.translate("WebhookDialog", "Generic JSON"),
        WebhookFormat.DISCORD: QCoreApplication.translate("WebhookDialog", "Discord"),
        WebhookFormat.SLACK: QCoreApplication.translate("WebhookDialog", "Slack"),
    }[fmt]


class WebhooksModel(RecordTableModel):
    """Endpoints by id, with the last delivery attempt of each.

    Signals:
        enabled_change_requested(int, bool): the user ticked or unticked an endpoint's Enabled box.
    """

    columns = WebhookColumn
    enabled_column = WebhookColumn.ENABLED

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last: dict[int, DeliveryRecord] = {}

    # ------------------------------------------------------------------ Qt model API

    def _titles(self) -> dict[WebhookColumn, str]:
        return {
            WebhookColumn.NAME: self.tr("Name"),
            WebhookColumn.URL: self.tr("Address"),
            WebhookColumn.FORMAT: self.tr("Format"),
            WebhookColumn.EVENTS: self.tr("Events"),
            WebhookColumn.ENABLED: self.tr("Enabled"),
            WebhookColumn.LAST_DELIVERY: self.tr("Last delivery"),
        }

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        endpoint = self._records[index.row()]
        column = WebhookColumn(index.column())
        last = self._last.get(endpoint.id)
        if role == ENDPOINT_ID_ROLE:
            return endpoint.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(endpoint, column)
        if role == Qt.ItemDataRole.CheckStateRole and column == WebhookColumn.ENABLED:
            return Qt.CheckState.Checked if endpoint.enabled else Qt.CheckState.Unchecked
        if (
            role == Qt.ItemDataRole.DecorationRole
            and column == WebhookColumn.LAST_DELIVERY
            and last is not None
        ):
            return dot_icon(OK_COLOR if last.ok else ERROR_COLOR)
        if role == Qt.ItemDataRole.ForegroundRole and column == WebhookColumn.NAME and not endpoint.enabled:
            return QBrush(QColor("#8a8f96"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == WebhookColumn.EVENTS:
                return "\n".join(f"{event_label(e)} ({e})" for e in endpoint.events) or None
            if column == WebhookColumn.LAST_DELIVERY and last is not None:
                return "\n".join(
                    part
                    for part in (
                        full_time(last.time),
                        event_label(last.event),
                        delivery_status(last.status),
                        last.error,
                    )
                    if part
                )
            if column == WebhookColumn.URL:
                return self.tr("The rest of the address is hidden: it contains the webhook's access token.")
        return None

    def cell_text(self, endpoint: WebhookEndpoint, column: WebhookColumn) -> str:
        if column == WebhookColumn.NAME:
            return endpoint.name or self.tr("(unnamed #%1)").replace("%1", str(endpoint.id))
        if column == WebhookColumn.URL:
            return masked_url(endpoint.url)
        if column == WebhookColumn.FORMAT:
            return format_label(endpoint.format)
        if column == WebhookColumn.EVENTS:
            return events_summary(endpoint.events)
        if column == WebhookColumn.ENABLED:
            return ""
        last = self._last.get(endpoint.id)
        if last is None:
            return self.tr("never")
        outcome = delivery_status(last.status) if last.ok or not last.error else last.error
        return f"{outcome} · {short_time(last.time)}"

    # ------------------------------------------------------------------ lookups and changes

    endpoint = RecordTableModel.record
    endpoints = RecordTableModel.records
    set_endpoints = RecordTableModel.set_records

    def last_delivery(self, endpoint_id: int) -> DeliveryRecord | None:
        return self._last.get(endpoint_id)

    def _forget(self, record_id: int) -> None:
        self._last.pop(record_id, None)

    def set_last_deliveries(self, records: Mapping[int, DeliveryRecord]) -> None:
        """Last attempts read from storage; a newer live one already shown wins."""
        for endpoint_id, record in records.items():
            current = self._last.get(endpoint_id)
            if current is None or current.time < record.time:
                self._record(record)

    def record_delivery(self, record: DeliveryRecord) -> None:
        self._record(record)

    def _record(self, record: DeliveryRecord) -> None:
        row = self.row_of(record.endpoint_id)
        if row is None:
            return
        self._last[record.endpoint_id] = record
        index = self.index(row, WebhookColumn.LAST_DELIVERY)
        self.dataChanged.emit(index, index)


class DeliveriesModel(ListTableModel):
    """One endpoint's delivery attempts, newest first, bounded to ``DELIVERY_ROWS``."""

    columns = DeliveryColumn

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.endpoint_id: int | None = None
        self._records: list[DeliveryRecord] = []

    def _titles(self) -> dict[DeliveryColumn, str]:
        return {
            DeliveryColumn.TIME: self.tr("Time"),
            DeliveryColumn.EVENT: self.tr("Event"),
            DeliveryColumn.STATUS: self.tr("Status"),
            DeliveryColumn.LATENCY: self.tr("Latency"),
            DeliveryColumn.ATTEMPT: self.tr("Attempt"),
            DeliveryColumn.ERROR: self.tr("Error"),
        }

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        record = self._records[index.row()]
        column = DeliveryColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.cell_text(record, column)
        if role == Qt.ItemDataRole.UserRole:
            return record
        if role == Qt.ItemDataRole.DecorationRole and column == DeliveryColumn.STATUS:
            return dot_icon(OK_COLOR if record.ok else ERROR_COLOR)
        if role == Qt.ItemDataRole.ForegroundRole and column == DeliveryColumn.ERROR and record.error:
            return QBrush(QColor(ERROR_COLOR))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == DeliveryColumn.TIME:
                return full_time(record.time)
            if column == DeliveryColumn.ERROR and record.error:
                return record.error
            if column == DeliveryColumn.ATTEMPT:
                return self.tr("Another attempt follows") if not record.final else self.tr("Last attempt")
            if column == DeliveryColumn.EVENT:
                return record.event
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            DeliveryColumn.LATENCY,
            DeliveryColumn.ATTEMPT,
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def cell_text(self, record: DeliveryRecord, column: DeliveryColumn) -> str:
        if column == DeliveryColumn.TIME:
            return short_time(record.time)
        if column == DeliveryColumn.EVENT:
            return event_label(record.event)
        if column == DeliveryColumn.STATUS:
            return delivery_status(record.status)
        if column == DeliveryColumn.LATENCY:
            return self.tr("%1 ms").replace("%1", str(round(record.latency_ms)))
        if column == DeliveryColumn.ATTEMPT:
            return str(record.attempt) if record.final else f"{record.attempt} ↻"
        return record.error

    def records(self) -> tuple[DeliveryRecord, ...]:
        return tuple(self._records)

    def show_endpoint(self, endpoint_id: int | None) -> None:
        """Start showing another endpoint (empty until its log is loaded)."""
        self.beginResetModel()
        self.endpoint_id = endpoint_id
        self._records = []
        self.endResetModel()

    def load(self, endpoint_id: int, records: Sequence[DeliveryRecord]) -> None:
        """The log read from storage, merged with live attempts that arrived meanwhile (deduplicated)."""
        if endpoint_id != self.endpoint_id:
            return
        merged = {_key(r): r for r in records}
        for record in self._records:
            merged.setdefault(_key(record), record)
        self.beginResetModel()
        self._records = sorted(merged.values(), key=lambda r: r.time, reverse=True)[:DELIVERY_ROWS]
        self.endResetModel()

    def prepend(self, record: DeliveryRecord) -> None:
        if record.endpoint_id != self.endpoint_id or any(_key(r) == _key(record) for r in self._records[:20]):
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._records.insert(0, record)
        self.endInsertRows()
        if len(self._records) > DELIVERY_ROWS:
            self.beginRemoveRows(QModelIndex(), DELIVERY_ROWS, len(self._records) - 1)
            del self._records[DELIVERY_ROWS:]
            self.endRemoveRows()


def _key(record: DeliveryRecord) -> tuple[int, int, str, float]:
    return (record.job_id, record.attempt, record.event, round(record.time, 3))


class WebhooksView(RecordPage):
    """Endpoints with Add / Edit / Delete / Send test / Enable, and the selected one's delivery log.

    Args:
        automation: The engine's automation (webhook commands and queries, ``job_changed``,
            ``delivery_recorded``).
        tasks: Pool for the delivery-log reads (SQLite).
        actor: Who is acting, for test messages ("Test message from monitor_app by …"); without it, the
            session's user (``set_session``).

    Signals:
        status_message(str): something to show in the status bar (test outcomes, refused commands).
    """

    status_message = Signal(str)
    result_attribute = "result_endpoint"
    discard_second_dialog = False

    def __init__(
        self,
        automation: Automation,
        tasks: BackgroundTasks,
        *,
        actor: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("webhooksView")
        self._automation = automation
        self._tasks = tasks
        self._actor = actor
        self._tests: dict[int, int] = {}  # test job id -> endpoint id
        self._test_records: dict[int, DeliveryRecord] = {}  # test job id -> its delivery attempt
        self.dialog: WebhookDialog | None = None

        self.model = WebhooksModel(self)
        self.model.enabled_change_requested.connect(self._on_enabled_change_requested)
        self.deliveries = DeliveriesModel(self)
        self._make_actions()

        self.table = make_table(
            "webhooksTable",
            self.model,
            self.fontMetrics().height() + 8,
            on_context_menu=self._on_context_menu,
        )
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.log_table = QTableView()
        self.log_table.setObjectName("deliveriesTable")
        self.log_table.setModel(self.deliveries)
        self.log_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.log_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.log_table.verticalHeader().hide()
        self.log_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.log_table.setWordWrap(False)
        self.log_table.horizontalHeader().setStretchLastSection(True)
        self._fit_columns()
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.reload_deliveries)
        self.log_title = QLabel()
        self.log_title.setObjectName("deliveriesTitle")
        self.log_title.setTextFormat(Qt.TextFormat.PlainText)
        title_font = self.log_title.font()
        title_font.setBold(True)
        self.log_title.setFont(title_font)
        self.log_group = QWidget()
        log_bar = QHBoxLayout()
        log_bar.addWidget(self.log_title, 1)
        log_bar.addWidget(self.refresh_button)
        log_layout = QVBoxLayout(self.log_group)
        log_layout.setContentsMargins(0, 6, 0, 0)
        log_layout.addLayout(log_bar)
        log_layout.addWidget(self.log_table)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("webhooksSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.log_group)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([220, 330])

        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar = tool_bar(
            self.add_action, self.edit_action, self.delete_action, self.test_action, self.toggle_action
        )
        bar.addSpacing(12)
        bar.addWidget(self.test_result, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        automation.webhooks_changed.connect(self._on_webhooks_changed)
        automation.delivery_recorded.connect(self._on_delivery_recorded)
        automation.job_changed.connect(self._on_job_changed)
        self.model.set_endpoints(automation.webhooks())
        self._retranslate()
        self._update_actions()
        self._load_last_deliveries()

    def _fit_columns(self) -> None:
        """Column widths for the current language and font (a restored layout overrides them)."""
        metrics = self.fontMetrics()
        model, log = self.model, self.deliveries
        slow = DeliveryRecord(endpoint_id=0, time=0.0, event="", status=None, latency_ms=99_999.0)

        def title(source, column: int) -> str:  # type: ignore[no-untyped-def]
            return str(source.headerData(column, Qt.Orientation.Horizontal))

        for column, samples, icon in (
            (WebhookColumn.NAME, ["Discord #server-status"], False),
            (WebhookColumn.URL, ["https://hooks.slack.com/…"], False),
            (WebhookColumn.FORMAT, [format_label(f) for f in WebhookFormat], False),
            (WebhookColumn.EVENTS, [events_summary(("program.exited", "program.fatal"))], False),
            (WebhookColumn.ENABLED, [], False),
        ):
            self.table.horizontalHeader().resizeSection(
                column, column_width(metrics, title(model, column), *samples, icon=icon)
            )
        for column, samples, icon in (
            (DeliveryColumn.TIME, ["00-00 00:00:00"], False),
            (DeliveryColumn.EVENT, [event_label("program.restarted"), event_label("program.fatal")], False),
            (DeliveryColumn.STATUS, [delivery_status(None), delivery_status(200)], True),
            (DeliveryColumn.LATENCY, [log.cell_text(slow, DeliveryColumn.LATENCY)], False),
            (DeliveryColumn.ATTEMPT, ["10 ↻"], False),
        ):
            self.log_table.horizontalHeader().resizeSection(
                column, column_width(metrics, title(log, column), *samples, icon=icon)
            )

    def _make_actions(self) -> None:
        self.add_action = make_action(self, "addWebhook", self.add_webhook)
        self.edit_action = make_action(self, "editWebhook", self.edit_selected)
        self.delete_action = make_action(self, "deleteWebhook", self.delete_selected)
        self.test_action = make_action(self, "testWebhook", self.test_selected)
        self.toggle_action = make_action(self, "toggleWebhook", self.toggle_selected)

    # ------------------------------------------------------------------ selection

    def selected_endpoint(self) -> WebhookEndpoint | None:
        return self._selected_record()

    def select_endpoint(self, endpoint_id: int) -> None:
        self._select_record(endpoint_id)

    # ------------------------------------------------------------------ commands

    @Slot()
    def add_webhook(self) -> None:
        self._open_dialog(WebhookDialog(self._automation.add_webhook, parent=self))

    @Slot()
    def edit_selected(self) -> None:
        endpoint = self.selected_endpoint()
        if endpoint is None:
            return

        def submit(data: dict[str, object]) -> WebhookEndpoint:
            return self._automation.update_webhook(endpoint.id, data)

        self._open_dialog(WebhookDialog(submit, endpoint, parent=self))

    @Slot()
    def delete_selected(self) -> None:
        endpoint = self.selected_endpoint()
        if endpoint is None:
            return
        if self._confirm_delete(
            self.tr("Delete webhook"),
            self.tr("Delete the webhook “%1”?").replace(
                "%1", self.model.cell_text(endpoint, WebhookColumn.NAME)
            ),
            self.tr("Deliveries still waiting for it are cancelled and its delivery log is removed."),
            self.tr("Delete"),
        ):
            self._run(self._automation.remove_webhook, endpoint.id)

    @Slot()
    def test_selected(self) -> None:
        endpoint = self.selected_endpoint()
        if endpoint is None or self._refused():
            return
        actor = self.session.username if self.session is not None and not self._actor else self._actor
        try:
            job: Job = self._automation.test_webhook(endpoint.id, actor=actor)
        except MonitorError as exc:
            self._show_test_result(exc.message, ok=False)
            return
        self._tests[job.id] = endpoint.id
        self._show_test_result(self.tr("Sending a test message…"), ok=None)

    def _set_enabled(self, endpoint_id: int, enabled: bool) -> None:
        self._run(self._automation.update_webhook, endpoint_id, {"enabled": enabled})

    @Slot()
    def reload_deliveries(self) -> None:
        """Read the selected endpoint's delivery log from storage (in the background)."""
        endpoint_id = self.deliveries.endpoint_id
        if endpoint_id is None:
            return
        automation = self._automation

        def read() -> tuple[DeliveryRecord, ...]:
            return automation.deliveries(endpoint_id, DELIVERY_ROWS)

        def failed(exc: Exception) -> None:
            if not isinstance(exc, NotFoundError):  # deleted meanwhile: its removal clears the log anyway
                self.status_message.emit(self.tr("Cannot read the delivery log: %1").replace("%1", str(exc)))

        self._tasks.run(
            read,
            lambda records: self.deliveries.load(endpoint_id, records),
            failed,
            owner=self,
            key=f"deliveries-{id(self)}",
        )

    def _load_last_deliveries(self) -> None:
        automation = self._automation
        ids = [endpoint.id for endpoint in self.model.endpoints()]
        if not ids:
            return

        def read() -> dict[int, DeliveryRecord]:
            last: dict[int, DeliveryRecord] = {}
            for endpoint_id in ids:
                try:
                    records = automation.deliveries(endpoint_id, 1)
                except NotFoundError:
                    continue
                if records:
                    last[endpoint_id] = records[0]
            return last

        self._tasks.run(
            read,
            self.model.set_last_deliveries,
            lambda exc: self.status_message.emit(
                self.tr("Cannot read the delivery log: %1").replace("%1", str(exc))
            ),
            owner=self,
        )

    # ------------------------------------------------------------------ state persisted in QSettings

    def restore_state(self, settings: QSettings) -> None:
        restore_states(
            settings,
            (
                ("automation/webhooks/splitter", self.splitter.restoreState),
                ("automation/webhooks/columns", self.table.horizontalHeader().restoreState),
                ("automation/webhooks/log_columns", self.log_table.horizontalHeader().restoreState),
            ),
        )

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("automation/webhooks/splitter", self.splitter.saveState())
        settings.setValue("automation/webhooks/columns", self.table.horizontalHeader().saveState())
        settings.setValue("automation/webhooks/log_columns", self.log_table.horizontalHeader().saveState())

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_webhooks_changed(self) -> None:
        self.model.set_endpoints(self._automation.webhooks())
        selected = self.selected_id()
        if selected != self.deliveries.endpoint_id:
            self._show_log_of(selected)
        self._update_actions()

    @Slot(object)
    def _on_delivery_recorded(self, record: DeliveryRecord) -> None:
        self.model.record_delivery(record)
        self.deliveries.prepend(record)
        if record.job_id in self._tests:
            self._test_records[record.job_id] = record

    @Slot(object)
    def _on_job_changed(self, job: Job) -> None:
        if job.id not in self._tests or not job.finished:
            return
        self._tests.pop(job.id)
        record = self._test_records.pop(job.id, None)
        if job.state is JobState.DONE:
            status = record.status if record is not None else job.result.get("status")
            latency = record.latency_ms if record is not None else job.result.get("latency_ms")
            text = (
                self.tr("Test delivered (HTTP %1, %2 ms)")
                .replace("%1", str(status))
                .replace("%2", str(round(float(latency or 0))))  # type: ignore[arg-type]
            )
            self._show_test_result(text, ok=True)
        elif job.state is JobState.CANCELLED:
            self._show_test_result(self.tr("Test cancelled"), ok=False)
        else:
            reason = (record.error if record is not None and record.error else job.last_error) or self.tr(
                "unknown error"
            )
            self._show_test_result(self.tr("Test failed: %1").replace("%1", reason), ok=False)

    def _show_test_result(self, text: str, *, ok: bool | None) -> None:
        self.test_result.setText(text)
        color = {True: OK_COLOR, False: ERROR_COLOR, None: ""}[ok]
        self.test_result.setStyleSheet(f"color: {color};" if color else "")
        if ok is not None:
            self.status_message.emit(text)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_log_of(self.selected_id())
        self._update_actions()

    def _show_log_of(self, endpoint_id: int | None) -> None:
        self.deliveries.show_endpoint(endpoint_id)
        self._update_log_title()
        self.reload_deliveries()

    def _on_context_menu(self, position) -> None:  # type: ignore[no-untyped-def]
        self._popup_menu(
            position,
            [self.test_action, self.toggle_action],
            [self.edit_action, self.delete_action],
            [self.add_action],
        )

    def _update_actions(self) -> None:
        self._update_record_actions(
            self.selected_endpoint(),
            (self.edit_action, self.delete_action, self.test_action, self.toggle_action),
            enable=self.tr("Enable"),
            disable=self.tr("Disable"),
        )
        self._update_log_title()

    def _update_log_title(self) -> None:
        endpoint_id = self.deliveries.endpoint_id
        endpoint = None if endpoint_id is None else self.model.endpoint(endpoint_id)
        if endpoint is None:
            self.log_title.setText(self.tr("Delivery log: select a webhook to see what was sent to it."))
        else:
            name = self.model.cell_text(endpoint, WebhookColumn.NAME)
            self.log_title.setText(self.tr("Delivery log of “%1” (newest first)").replace("%1", name))
        self.refresh_button.setEnabled(endpoint is not None)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Webhooks"))
        self.add_action.setText(self.tr("Add…"))
        self.add_action.setToolTip(self.tr("Send notifications to Discord, Slack or any web address"))
        self.edit_action.setText(self.tr("Edit…"))
        self.delete_action.setText(self.tr("Delete"))
        self.test_action.setText(self.tr("Send test"))
        self.test_action.setToolTip(self.tr("Send a test message now (also to a switched-off webhook)"))
        self.toggle_action.setToolTip(self.tr("Switch the selected webhook on or off"))
        self.refresh_button.setText(self.tr("Refresh"))
        self._update_actions()
