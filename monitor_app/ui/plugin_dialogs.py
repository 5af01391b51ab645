"""Dialogs of the Plugins tab: attach a plugin (choose it, fill in its settings), change an instance's
settings, and fill in an action's parameters.

Like the automation dialogs, each builds the REST JSON shape and hands it to ``submit`` (an engine command);
the engine validates, its per-field messages appear under the fields, and the dialog stays open until the
engine accepts, so nothing is half-saved.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.errors import MonitorError, ValidationError
from monitor_app.ui.plugin_labels import ERROR_STYLE, HINT_STYLE
from monitor_app.ui.plugin_settings_form import PluginSettingsForm

DIALOG_WIDTH = 560


class _FormDialog(QDialog):
    """What both dialogs share: a form, an error line at the bottom, OK/Cancel, and growing to fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        # Focus only by Tab: a click on OK must not take the focus from a number typed past its limit, which
        # would correct it silently before it is sent (the engine explains the limit instead).
        self.ok_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        self.form_error = QLabel()
        self.form_error.setObjectName("formError")
        self.form_error.setStyleSheet(ERROR_STYLE)
        self.form_error.setWordWrap(True)
        self.form_error.hide()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _on_accept(self) -> None:
        raise NotImplementedError

    def _show_form_error(self, text: str) -> None:
        self.form_error.setText(text)
        self.form_error.setVisible(bool(text))
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show wrapped hints and messages in full (Qt does not grow a shown dialog by itself)."""
        layout = self.layout()
        layout.activate()
        width = max(self.width(), DIALOG_WIDTH)
        needed = (
            layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
        )
        if needed > self.height():
            self.resize(width, needed)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        raise NotImplementedError


class PluginSettingsDialog(_FormDialog):
    """Attach a plugin to a program, or change the settings of an attached instance.

    Args:
        catalog: ``catalog_json()``: every plugin found; broken ones are listed greyed out with their error.
        submit: Called with (plugin id, settings) when the user presses OK; raises ValidationError (shown
            per field) or another MonitorError (shown at the bottom) to keep the dialog open; returns the
            instance.
        instance: ``describe(instance)`` of the instance to edit, or None to attach a new one.

    Attributes:
        result_instance: What ``submit`` returned, once accepted.
    """

    def __init__(
        self,
        catalog: Sequence[Mapping[str, Any]],
        submit: Callable[[str, dict[str, Any]], object],
        *,
        instance: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pluginSettingsDialog")
        self._catalog = {str(entry["id"]): entry for entry in catalog}
        self._submit = submit
        self._instance = instance
        self.result_instance: object | None = None
        self.form: PluginSettingsForm | None = None

        self.plugin = QComboBox()
        self.plugin.setObjectName("pluginChoice")
        self.plugin_name = QLabel()
        self.plugin_name.setObjectName("pluginName")
        font = self.plugin_name.font()
        font.setBold(True)
        self.plugin_name.setFont(font)
        self.plugin_error = QLabel()
        self.plugin_error.setObjectName("error_plugin")
        self.plugin_error.setStyleSheet(ERROR_STYLE)
        self.plugin_error.setWordWrap(True)
        self.plugin_error.hide()
        self.description = QLabel()
        self.description.setObjectName("pluginDescription")
        self.description.setWordWrap(True)
        self.description.setStyleSheet(HINT_STYLE)
        self.no_settings = QLabel()
        self.no_settings.setStyleSheet(HINT_STYLE)
        self.no_settings.setWordWrap(True)
        self.form_holder = QVBoxLayout()
        self.form_holder.setContentsMargins(0, 0, 0, 0)

        self.plugin_label = QLabel()
        head = QFormLayout()
        head.addRow(self.plugin_label, self.plugin if instance is None else self.plugin_name)
        head.addRow("", self.plugin_error)
        head.addRow("", self.description)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addSpacing(6)
        layout.addLayout(self.form_holder)
        layout.addWidget(self.no_settings)
        layout.addStretch(1)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

        if instance is None:
            self._fill_choices()
            self.plugin.currentIndexChanged.connect(self._on_plugin_changed)
        else:
            self.plugin.hide()
            self.plugin_name.setText(str(instance.get("name") or instance.get("plugin")))
        self._retranslate()
        self._on_plugin_changed()
        self.resize(DIALOG_WIDTH, 0)
        self._fit_height()

    # ------------------------------------------------------------------ building

    def _fill_choices(self) -> None:
        model = self.plugin.model()
        assert isinstance(model, QStandardItemModel)
        first_usable = -1
        for plugin_id, entry in self._catalog.items():
            version = str(entry.get("version") or "")
            self.plugin.addItem(f"{entry.get('name') or plugin_id} {version}".strip(), plugin_id)
            item = model.item(self.plugin.count() - 1)
            if entry.get("loaded"):
                if first_usable < 0:
                    first_usable = self.plugin.count() - 1
                item.setToolTip(str(entry.get("description") or plugin_id))
            else:
                item.setEnabled(False)  # greyed out, not choosable; the tooltip says why
                item.setToolTip(str(entry.get("error") or ""))
        self.plugin.setCurrentIndex(first_usable)

    def plugin_id(self) -> str | None:
        if self._instance is not None:
            return str(self._instance.get("plugin"))
        data = self.plugin.currentData()
        return str(data) if data is not None else None

    def _retranslate(self) -> None:
        if self._instance is None:
            self.setWindowTitle(self.tr("Attach a plugin"))
            self.ok_button.setText(self.tr("Attach"))
        else:
            self.setWindowTitle(self.tr("Settings of %1").replace("%1", self.plugin_name.text()))
            self.ok_button.setText(self.tr("Save"))
        self.plugin_label.setText(self.tr("Plugin:"))
        self._update_hints()

    def _update_hints(self) -> None:
        usable = any(entry.get("loaded") for entry in self._catalog.values())
        if self._instance is None and not usable:
            self.no_settings.setText(
                self.tr(
                    "No usable plugin is installed. Put plugins into the plugins folder of the data folder."
                )
            )
        elif self.form is None or not self.form.fields:
            self.no_settings.setText(self.tr("This plugin has no settings."))
        self.no_settings.setVisible(self.form is None or not self.form.fields)

    @Slot()
    def _on_plugin_changed(self) -> None:
        if self.form is not None:
            self.form_holder.removeWidget(self.form)
            self.form.deleteLater()
            self.form = None
        plugin_id = self.plugin_id()
        entry = self._catalog.get(plugin_id or "")
        self.description.setText(str(entry.get("description") or "") if entry else "")
        self.description.setVisible(bool(self.description.text()))
        if entry is not None:
            instance = self._instance or {}
            self.form = PluginSettingsForm(
                entry.get("settings") or (),
                instance.get("settings"),
                secrets_set=instance.get("secrets_set") or (),
            )
            self.form_holder.addWidget(self.form)
        self.ok_button.setEnabled(entry is not None and bool(entry.get("loaded")))
        self.plugin_error.hide()
        self.form_error.hide()
        self._update_hints()
        if self.isVisible():
            self._fit_height()

    # ------------------------------------------------------------------ OK

    @Slot()
    def _on_accept(self) -> None:
        plugin_id = self.plugin_id()
        if plugin_id is None or self.form is None:
            return
        self.show_errors({})
        try:
            self.result_instance = self._submit(plugin_id, self.form.values())
        except ValidationError as exc:
            self.show_errors(exc.by_field())
            return
        except MonitorError as exc:
            self._show_form_error(exc.message)
            return
        self.accept()

    def show_errors(self, by_field: Mapping[str, str]) -> None:
        """Each message under its field; the plugin's under the choice; others at the bottom."""
        rest = dict(self.form.show_errors(by_field)) if self.form is not None else dict(by_field)
        plugin = rest.pop("plugin", "")
        self.plugin_error.setText(plugin)
        self.plugin_error.setVisible(bool(plugin))
        self._show_form_error("\n".join(f"{key}: {message}" for key, message in rest.items()))

    def error_text(self, key: str) -> str:
        if key == "plugin":
            return self.plugin_error.text() if self.plugin_error.isVisibleTo(self) else ""
        return self.form.error_text(key) if self.form is not None else ""


class ActionDialog(_FormDialog):
    """The parameters of a plugin action (and its confirmation question), before running it.

    Args:
        action: The action's description (``describe(instance)["actions"][i]``).
        submit: Called with the parameters on OK; raises ValidationError / MonitorError to keep the dialog
            open.
        fixed: Parameters already decided (the row a row action was chosen on): not shown, sent along.
    """

    def __init__(
        self,
        action: Mapping[str, Any],
        submit: Callable[[dict[str, Any]], object],
        *,
        plugin_name: str,
        fixed: Mapping[str, Any] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pluginActionDialog")
        self._action = action
        self._submit = submit
        self._plugin_name = plugin_name
        self._fixed = dict(fixed or {})
        params = [p for p in action.get("params") or () if p["key"] not in self._fixed]
        self.question = QLabel(str(action.get("confirm") or ""))
        self.question.setObjectName("actionQuestion")
        self.question.setWordWrap(True)
        self.question.setVisible(bool(action.get("confirm")))
        self.form = PluginSettingsForm(params, params=True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.form)
        layout.addStretch(1)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self._retranslate()
        self.resize(DIALOG_WIDTH, 0)
        self._fit_height()

    def _retranslate(self) -> None:
        label = str(self._action.get("label") or self._action.get("name"))
        self.setWindowTitle(f"{self._plugin_name}: {label}")
        self.ok_button.setText(label)

    @Slot()
    def _on_accept(self) -> None:
        self.show_errors({})
        try:
            self._submit({**self._fixed, **self.form.values()})
        except ValidationError as exc:
            self.show_errors(exc.by_field())
            return
        except MonitorError as exc:
            self._show_form_error(exc.message)
            return
        self.accept()

    def show_errors(self, by_field: Mapping[str, str]) -> None:
        rest = self.form.show_errors(by_field)
        self._show_form_error("\n".join(f"{key}: {message}" for key, message in rest.items()))

    def error_text(self, key: str) -> str:
        return self.form.error_text(key)
