"""Add or edit a webhook endpoint: where it goes, in which shape, which events, a secret and a cooldown.

The dialog builds the REST JSON shape (``url``, ``format``, ``events``, ``secret``…) and hands it to
``submit`` (the engine's add or update command). The engine validates; its per-field messages appear under
the fields, and the dialog stays open until the endpoint is accepted, so nothing is half-saved.

The secret is never shown back: when editing an endpoint that has one, an empty field keeps it, and a
checkbox removes it.
"""

import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.notifications import MAX_COOLDOWN_S, NOTIFICATION_EVENTS, WebhookEndpoint, WebhookFormat
from monitor_app.ui.automation_labels import event_hint, event_label
from monitor_app.ui.form_errors import FormDialog

HINT_STYLE = "color: palette(mid);"
DEFAULT_COOLDOWN_S = 300
DIALOG_WIDTH = 620
_SEPARATORS = re.compile(r"[\s,;]+")


class WebhookDialog(FormDialog):
    """The add/edit form for one endpoint.

    Args:
        submit: Called with the JSON body when the user presses OK; raises ValidationError (shown per
            field) or another MonitorError (shown at the bottom) to keep the dialog open; returns the stored endpoint.
        endpoint: The endpoint to edit, or None to add one.

    Attributes:
        result_endpoint: The stored endpoint once accepted.
    """

    dialog_width = DIALOG_WIDTH

    def __init__(
        self,
        submit: Callable[[dict[str, object]], WebhookEndpoint],
        endpoint: WebhookEndpoint | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("webhookDialog")
        self._submit = submit
        self._original = endpoint
        self._has_secret = bool(endpoint is not None and endpoint.secret)
        self.result_endpoint: WebhookEndpoint | None = None
        self._build()
        self._retranslate()
        if endpoint is not None:
            self._fill(endpoint)
        self._on_format_changed()
        self._on_all_events_toggled()
        self.resize(DIALOG_WIDTH, 0)
        self._fit_height()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.name = QLineEdit()
        self.name.setMaxLength(100)
        self.format = QComboBox()
        for fmt in WebhookFormat:
            self.format.addItem("", fmt.value)
        self.format.currentIndexChanged.connect(self._on_format_changed)
        self.url = QLineEdit()
        self.url.setObjectName("webhookUrl")
        self.url_hint = QLabel()
        self.url_hint.setWordWrap(True)
        self.url_hint.setStyleSheet(HINT_STYLE)
        self.url_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.all_events = QCheckBox()
        self.all_events.setChecked(True)
        self.all_events.toggled.connect(self._on_all_events_toggled)
        self.event_boxes: dict[str, QCheckBox] = {}
        events_grid = QGridLayout()
        events_grid.setContentsMargins(18, 0, 0, 0)
        for position, event in enumerate(NOTIFICATION_EVENTS):
            box = QCheckBox()
            box.setObjectName(f"event_{event}")
            self.event_boxes[event] = box
            events_grid.addWidget(box, position // 2, position % 2)
        self.plugin_events = QLineEdit()
        self.plugin_events_label = QLabel()
        events_grid.addWidget(self.plugin_events_label, 4, 0, 1, 2)
        events_grid.addWidget(self.plugin_events, 5, 0, 1, 2)
        events_box = QVBoxLayout()
        events_box.setContentsMargins(0, 0, 0, 0)
        events_box.addWidget(self.all_events)
        events_box.addLayout(events_grid)
        events_widget = QWidget()
        events_widget.setLayout(events_box)

        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setMaxLength(256)
        self.remove_secret = QCheckBox()
        self.remove_secret.setObjectName("removeSecret")
        self.remove_secret.setVisible(self._has_secret)
        self.remove_secret.toggled.connect(self._on_remove_secret_toggled)
        self.secret_hint = QLabel()
        self.secret_hint.setWordWrap(True)
        self.secret_hint.setStyleSheet(HINT_STYLE)
        secret_box = QVBoxLayout()
        secret_box.setContentsMargins(0, 0, 0, 0)
        secret_box.setSpacing(2)
        secret_box.addWidget(self.secret)
        secret_box.addWidget(self.remove_secret)
        secret_box.addWidget(self.secret_hint)
        secret_widget = QWidget()
        secret_widget.setLayout(secret_box)

        self.cooldown = QSpinBox()
        self.cooldown.setRange(0, int(MAX_COOLDOWN_S))
        self.cooldown.setSingleStep(30)
        self.cooldown.setValue(DEFAULT_COOLDOWN_S)
        self.enabled = QCheckBox()
        self.enabled.setChecked(True)

        self.target = QGroupBox()
        target = QFormLayout(self.target)
        target.addRow(self._label("name"), self._with_error("name", self.name))
        target.addRow(self._label("format"), self._with_error("format", self.format))
        url_box = QVBoxLayout()
        url_box.setContentsMargins(0, 0, 0, 0)
        url_box.setSpacing(2)
        url_box.addWidget(self.url)
        url_box.addWidget(self.url_hint)
        url_widget = QWidget()
        url_widget.setLayout(url_box)
        target.addRow(self._label("url"), self._with_error("url", url_widget))
        target.addRow(self._label("secret"), self._with_error("secret", secret_widget))

        self.events_group = QGroupBox()
        events_layout = QVBoxLayout(self.events_group)
        events_layout.addWidget(self._with_error("events", events_widget))

        self.behaviour = QGroupBox()
        behaviour = QFormLayout(self.behaviour)
        behaviour.addRow(self._label("cooldown_s"), self._with_error("cooldown_s", self.cooldown))
        behaviour.addRow("", self._with_error("enabled", self.enabled))

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.target)
        layout.addWidget(self.events_group)
        layout.addWidget(self.behaviour)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add webhook") if self._original is None else self.tr("Edit webhook"))
        self.target.setTitle(self.tr("Where to send"))
        self.events_group.setTitle(self.tr("What to send"))
        self.behaviour.setTitle(self.tr("Behaviour"))
        texts = {
            "name": self.tr("Name"),
            "format": self.tr("Format"),
            "url": self.tr("Webhook URL"),
            "secret": self.tr("Signing secret"),
            "cooldown_s": self.tr("Cooldown"),
        }
        for field, text in texts.items():
            self._labels[field].setText(text)
        formats = {
            WebhookFormat.GENERIC.value: self.tr("Generic JSON"),
            WebhookFormat.DISCORD.value: self.tr("Discord"),
            WebhookFormat.SLACK.value: self.tr("Slack"),
        }
        for index in range(self.format.count()):
            self.format.setItemText(index, formats[self.format.itemData(index)])
        self.name.setPlaceholderText(self.tr("e.g. Discord #server-status"))
        self.all_events.setText(self.tr("All events (including ones added later)"))
        for event, box in self.event_boxes.items():
            box.setText(event_label(event))
            box.setToolTip(f"{event_hint(event)}\n({event})")
        self.plugin_events_label.setText(self.tr("Plugin events (separated by commas):"))
        self.plugin_events.setPlaceholderText(
            self.tr("e.g. plugin.palworld.*, plugin.palworld.player_joined")
        )
        self.remove_secret.setText(self.tr("Remove the current secret"))
        self.cooldown.setSuffix(self.tr(" s"))
        self.cooldown.setSpecialValueText(self.tr("Off (send every message)"))
        self.cooldown.setToolTip(
            self.tr(
                "Holds back repeats of the same program's crash messages (crashed, restarted, gave up) sent "
                "within this many seconds, so a crash loop cannot flood a channel. What was held back is "
                "counted in the next message that goes out. Starts, stops and alerts are always sent."
            )
        )
        self.enabled.setText(self.tr("Enabled (a switched-off webhook receives nothing; tests still work)"))
        self._on_format_changed()
        self._on_remove_secret_toggled()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ values

    def _fill(self, endpoint: WebhookEndpoint) -> None:
        self.name.setText(endpoint.name)
        self.url.setText(endpoint.url)
        self.format.setCurrentIndex(self.format.findData(endpoint.format.value))
        fixed = [e for e in endpoint.events if e in self.event_boxes]
        plugin = [e for e in endpoint.events if e not in self.event_boxes]
        self.all_events.setChecked(not endpoint.events)
        for event, box in self.event_boxes.items():
            box.setChecked(event in fixed)
        self.plugin_events.setText(", ".join(plugin))
        self.cooldown.setValue(round(endpoint.cooldown_s))
        self.enabled.setChecked(endpoint.enabled)

    def selected_events(self) -> list[str]:
        """The event names ticked and typed ([] = all events)."""
        if self.all_events.isChecked():
            return []
        ticked = [event for event, box in self.event_boxes.items() if box.isChecked()]
        typed = [name for name in _SEPARATORS.split(self.plugin_events.text().strip()) if name]
        return list(dict.fromkeys(ticked + typed))

    def body(self) -> dict[str, object]:
        """The JSON body for the engine (``secret`` left out to keep the current one)."""
        data: dict[str, object] = {
            "name": self.name.text().strip(),
            "url": self.url.text().strip(),
            "format": self.format.currentData(),
            "events": self.selected_events(),
            "enabled": self.enabled.isChecked(),
            "cooldown_s": float(self.cooldown.value()),
        }
        if self._has_secret and self.remove_secret.isChecked():
            data["secret"] = None
        elif self.secret.text():
            data["secret"] = self.secret.text()
        elif not self._has_secret:
            data["secret"] = None
        return data

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_accept(self) -> None:
        self.show_errors({})
        if not self.all_events.isChecked() and not self.selected_events():
            self.show_errors({"events": self.tr("tick at least one event, or choose all events")})
            return
        stored = self._submit_form(self.body)
        if stored is None:
            return
        self.result_endpoint = stored
        self.accept()

    @Slot()
    def _on_format_changed(self) -> None:
        fmt = self.format.currentData()
        hints = {
            WebhookFormat.GENERIC.value: self.tr(
                "Any http(s) address that accepts a JSON POST: your own script, Home Assistant, n8n…"
            ),
            WebhookFormat.DISCORD.value: self.tr(
                "Discord: Server settings → Integrations → Webhooks → New Webhook → Copy Webhook URL"
            ),
            WebhookFormat.SLACK.value: self.tr(
                "Slack: create an app with Incoming Webhooks, add it to a channel, then copy its Webhook URL"
            ),
        }
        placeholders = {
            WebhookFormat.GENERIC.value: "https://example.com/hooks/monitor",
            WebhookFormat.DISCORD.value: "https://discord.com/api/webhooks/…",
            WebhookFormat.SLACK.value: "https://hooks.slack.com/services/…",
        }
        self.url_hint.setText(hints.get(fmt, ""))
        if self.isVisible():
            self._fit_height()
        self.url.setPlaceholderText(placeholders.get(fmt, ""))
        generic = fmt == WebhookFormat.GENERIC.value
        if generic:
            self.secret_hint.setText(
                self.tr(
                    "Optional. Each request is signed with it (X-Monitor-Signature) so the receiver can "
                    "check it."
                )
            )
        else:
            self.secret_hint.setText(
                self.tr("Only the generic JSON format signs its requests; this one ignores it.")
            )

    @Slot()
    def _on_all_events_toggled(self) -> None:
        some = not self.all_events.isChecked()
        for box in self.event_boxes.values():
            box.setEnabled(some)
        self.plugin_events.setEnabled(some)
        self.plugin_events_label.setEnabled(some)

    @Slot()
    def _on_remove_secret_toggled(self) -> None:
        removing = self._has_secret and self.remove_secret.isChecked()
        self.secret.setEnabled(not removing)
        if removing:
            self.secret.clear()
        if self._has_secret:
            self.secret.setPlaceholderText(self.tr("Leave empty to keep the current secret"))
        else:
            self.secret.setPlaceholderText(self.tr("None"))
