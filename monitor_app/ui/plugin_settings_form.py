"""A form generated from a plugin's declared fields: its settings (attach, Settings…) or an action's
parameters.

Each field (the JSON shape of ``pluginhost.api.Setting``: key, label, kind, default, choices, minimum,
maximum, help, required) gets the editor of its kind: a line edit for text, a spin box with the field's
limits for a number, a check box, a combo box for a choice, a password field for a secret. ``values()`` is
the JSON the engine takes; the engine validates it, and its per-field messages appear under the fields
(``show_errors``).

Secrets are never shown back. In a settings form, a secret that is set shows an empty field ("leave empty to
keep the current one") and a Remove box: empty keeps it, text replaces it, Remove removes it.

A number typed past its limits (say port 0 while the minimum is 1) is sent as typed, so the engine's message
explains the limit instead of another value being saved silently (the dialogs' OK buttons take no focus on a
click, which would correct the field); moving to another field corrects it to the nearest limit.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from monitor_app.pluginhost.settings import MAX_TEXT
from monitor_app.ui.plugin_labels import ERROR_STYLE, HINT_STYLE, field_message

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
FLOAT_LIMIT = 1e12
FLOAT_DECIMALS = 3


class PluginSettingsForm(QWidget):
    """The editors of ``fields``, filled with ``values`` (else the defaults).

    Args:
        fields: Field descriptions from ``catalog_json()`` (settings) or an action's ``params``.
        values: Current values (an attached instance's settings); missing keys show the default.
        secrets_set: Keys of the secrets that are set (an attached instance's ``secrets_set``).
        params: An action's parameters rather than settings: a secret is a plain hidden text, and an empty
            text is left out so the parameter's default applies.
    """

    def __init__(
        self,
        fields: Sequence[Mapping[str, Any]],
        values: Mapping[str, Any] | None = None,
        *,
        secrets_set: Iterable[str] = (),
        params: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pluginSettingsForm")
        self.fields = {str(f["key"]): dict(f) for f in fields}
        self._params = params
        self._secrets_set = set(secrets_set)
        self._editors: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self._remove: dict[str, QCheckBox] = {}
        self._unset: set[str] = set()  # number fields whose lowest value stands for "no value"
        self.layout_ = QFormLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        current = dict(values or {})
        for key, field in self.fields.items():
            self._add_row(key, field, current.get(key, field.get("default")))
        self._retranslate()

    # ------------------------------------------------------------------ building

    def _add_row(self, key: str, field: Mapping[str, Any], value: Any) -> None:
        kind = field.get("kind", "text")
        editor = self._make_editor(key, field, value)
        editor.setObjectName(f"field_{key}")
        self._editors[key] = editor
        box = QWidget()
        box_layout = QVBoxLayout(box)
        box_layout.setContentsMargins(0, 0, 0, 0)
        box_layout.setSpacing(2)
        box_layout.addWidget(editor)
        if kind == "secret" and not self._params and key in self._secrets_set:
            remove = QCheckBox()
            remove.setObjectName(f"remove_{key}")
            remove.toggled.connect(lambda checked, e=editor: self._on_remove_toggled(e, checked))
            self._remove[key] = remove
            box_layout.addWidget(remove)
        if field.get("help"):
            hint = QLabel(str(field["help"]))
            hint.setObjectName(f"help_{key}")
            hint.setWordWrap(True)
            hint.setStyleSheet(HINT_STYLE)
            box_layout.addWidget(hint)
        error = QLabel()
        error.setObjectName(f"error_{key}")
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        box_layout.addWidget(error)
        self._errors[key] = error
        label_text = str(field.get("label") or key)
        if kind == "bool":
            assert isinstance(editor, QCheckBox)
            editor.setText(label_text)
            self.layout_.addRow("", box)
        else:
            label = QLabel(label_text + ("" if label_text.endswith(":") else ":"))
            label.setBuddy(editor)
            label.setToolTip(key)
            self.layout_.addRow(label, box)

    def _make_editor(self, key: str, field: Mapping[str, Any], value: Any) -> QWidget:
        kind = field.get("kind", "text")
        if kind == "bool":
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if kind == "choice":
            combo = QComboBox()
            if field.get("default") is None:
                combo.addItem("", None)  # "none chosen" (the engine says if one is required)
            for choice in field.get("choices") or ():
                combo.addItem(str(choice), choice)
            index = combo.findData(value) if value is not None else 0
            if index < 0:  # a value the plugin no longer offers: shown, so saving keeps it visible
                combo.addItem(str(value), value)
                index = combo.count() - 1
            combo.setCurrentIndex(max(0, index))
            return combo
        if kind in ("int", "float"):
            return self._make_number(key, field, value)
        line = QLineEdit()
        line.setMaxLength(MAX_TEXT)
        if kind == "secret":
            line.setEchoMode(QLineEdit.EchoMode.Password)
        elif value is not None:
            line.setText(str(value))
        return line

    def _make_number(self, key: str, field: Mapping[str, Any], value: Any) -> QAbstractSpinBox:
        is_int = field.get("kind") == "int"
        spin: QSpinBox | QDoubleSpinBox = QSpinBox() if is_int else QDoubleSpinBox()
        lowest, highest = (INT_MIN, INT_MAX) if is_int else (-FLOAT_LIMIT, FLOAT_LIMIT)
        minimum = field.get("minimum")
        maximum = field.get("maximum")
        low = lowest if minimum is None else max(lowest, _bound(minimum, is_int, up=True))
        high = highest if maximum is None else min(highest, _bound(maximum, is_int, up=False))
        if isinstance(spin, QDoubleSpinBox):
            spin.setDecimals(FLOAT_DECIMALS)
        if field.get("default") is None:
            # No default: the lowest value (one step under the minimum) reads "not set" and sends None.
            self._unset.add(key)
            low = low - 1 if low > lowest else low
        spin.setRange(low, high)  # type: ignore[arg-type]
        spin.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToNearestValue)
        spin.setGroupSeparatorShown(False)
        if value is None or isinstance(value, bool) or not isinstance(value, int | float):
            spin.setValue(low)  # type: ignore[arg-type]
        else:
            spin.setValue(value)  # type: ignore[arg-type]
        return spin

    def _retranslate(self) -> None:
        for key, field in self.fields.items():
            editor = self._editors[key]
            kind = field.get("kind", "text")
            if kind == "secret" and not self._params:
                assert isinstance(editor, QLineEdit)
                editor.setPlaceholderText(
                    self.tr("Set · leave empty to keep the current one")
                    if key in self._secrets_set
                    else self.tr("Not set")
                )
            if key in self._remove:
                self._remove[key].setText(self.tr("Remove the current one"))
            if key in self._unset and isinstance(editor, QAbstractSpinBox):
                editor.setSpecialValueText(self.tr("Not set"))
            if kind == "choice" and field.get("default") is None:
                assert isinstance(editor, QComboBox)
                editor.setItemText(0, self.tr("(none)"))
            if kind in ("int", "float") and isinstance(editor, QAbstractSpinBox):
                editor.setToolTip(self._limits_text(field))

    def _limits_text(self, field: Mapping[str, Any]) -> str:
        minimum, maximum = field.get("minimum"), field.get("maximum")
        if minimum is not None and maximum is not None:
            return self.tr("From %1 to %2").replace("%1", f"{minimum:g}").replace("%2", f"{maximum:g}")
        if minimum is not None:
            return self.tr("At least %1").replace("%1", f"{minimum:g}")
        if maximum is not None:
            return self.tr("At most %1").replace("%1", f"{maximum:g}")
        return ""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ values

    def editor(self, key: str) -> QWidget:
        """The editor of the field ``key`` (a QLineEdit, QSpinBox, QDoubleSpinBox, QCheckBox or QComboBox)."""
        return self._editors[key]

    def remove_box(self, key: str) -> QCheckBox | None:
        """The "Remove the current one" box of a secret that is set."""
        return self._remove.get(key)

    def values(self) -> dict[str, Any]:
        """The JSON for the engine (a secret left empty is left out: the current one is kept)."""
        data: dict[str, Any] = {}
        for key, field in self.fields.items():
            kind = field.get("kind", "text")
            editor = self._editors[key]
            if kind == "bool":
                assert isinstance(editor, QCheckBox)
                data[key] = editor.isChecked()
            elif kind == "choice":
                assert isinstance(editor, QComboBox)
                data[key] = editor.currentData()
            elif kind in ("int", "float"):
                assert isinstance(editor, QSpinBox | QDoubleSpinBox)
                data[key] = self._number_value(key, editor)
            elif kind == "secret" and not self._params:
                assert isinstance(editor, QLineEdit)
                if key in self._remove and self._remove[key].isChecked():
                    data[key] = None
                elif editor.text():
                    data[key] = editor.text()
            else:
                assert isinstance(editor, QLineEdit)
                text = editor.text() if kind == "secret" else editor.text().strip()
                if text:
                    data[key] = text
                elif not self._params:
                    # Cleared: no value where the field has no default (or must be filled), else empty text.
                    data[key] = None if field.get("required") or field.get("default") is None else ""
        return data

    def _number_value(self, key: str, spin: QSpinBox | QDoubleSpinBox) -> Any:
        if not spin.hasAcceptableInput():  # typed past a limit and not corrected yet: let the engine say why
            text = spin.cleanText().strip()
            if not text:
                return None if key in self._unset else ""
            locale = spin.locale()
            number, ok = locale.toLongLong(text) if isinstance(spin, QSpinBox) else locale.toDouble(text)
            return number if ok else text
        if key in self._unset and spin.value() == spin.minimum():
            return None
        return spin.value()

    # ------------------------------------------------------------------ errors

    def show_errors(self, by_field: Mapping[str, str]) -> dict[str, str]:
        """Show each message under its field (in the UI language); return those of other fields."""
        for key, label in self._errors.items():
            message = by_field.get(key, "")
            label.setText(field_message(message) if message else "")
            label.setVisible(bool(message))
        return {key: field_message(message) for key, message in by_field.items() if key not in self._errors}

    def error_text(self, key: str) -> str:
        label = self._errors[key]
        return label.text() if label.isVisibleTo(self) else ""

    def _on_remove_toggled(self, editor: QWidget, checked: bool) -> None:
        if checked and isinstance(editor, QLineEdit):
            editor.clear()
        editor.setEnabled(not checked)


def _bound(limit: float, is_int: bool, *, up: bool) -> float:
    """A limit as the spin box's bound (integers rounded inwards)."""
    if not is_int:
        return float(limit)
    return int(math.ceil(limit) if up else math.floor(limit))
