"""Inline errors of the add/edit dialogs: a red line under each field, the rest at the bottom.

A ``FormDialog`` hands its JSON body to ``_submit`` (the engine's add or update command). The engine validates:
a ``ValidationError``'s messages appear under their fields (those of fields the form does not show, at the
bottom), another ``MonitorError`` in the bottom line, and the dialog stays open, so nothing is half-saved.
Nothing here calls ``self.tr`` (its context is the class name): translated strings stay in the subclasses.
"""

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget

from monitor_app.core.errors import MonitorError, ValidationError

ERROR_STYLE = "color: #c9362c;"


def error_label(name: str) -> QLabel:
    """A red, wrapping message line named ``name``, hidden while there is nothing to say."""
    label = QLabel()
    label.setObjectName(name)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class FormDialog(QDialog):
    """A form whose fields show the engine's messages under them.

    Subclasses set ``dialog_width`` and ``_submit``, and put ``form_error`` in their layout.

    Attributes:
        form_error: The bottom line: messages of fields without a line of their own, and other refusals.
    """

    dialog_width = 0
    _submit: Callable[[dict[str, object]], Any]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._errors: dict[str, QLabel] = {}
        self._labels: dict[str, QLabel] = {}
        self.form_error = error_label("formError")

    # ------------------------------------------------------------------ layout

    def _label(self, field: str) -> QLabel:
        label = QLabel()
        self._labels[field] = label
        return label

    def _with_error(self, field: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        layout.addWidget(self._error_label(field))
        return box

    def _error_label(self, field: str) -> QLabel:
        """A red message line for ``field``, hidden while there is nothing to say."""
        error = error_label(f"error_{field}")
        self._errors[field] = error
        return error

    # ------------------------------------------------------------------ submitting and errors

    def _submit_form(self, body: Callable[[], dict[str, object]], *, fit_on_error: bool = False) -> Any:
        """The stored record, or None when the engine refused ``body()`` (its messages are shown then)."""
        try:
            return self._submit(body())
        except ValidationError as exc:
            self.show_errors(exc.by_field())
        except MonitorError as exc:
            self.form_error.setText(exc.message)
            self.form_error.show()
            if fit_on_error:
                self._fit_height()
        return None

    def show_errors(self, by_field: Mapping[str, str]) -> None:
        """Show each message under its field (unknown fields at the bottom); clear the others."""
        self._set_errors(by_field)
        self._fit_height()

    def _set_errors(self, by_field: Mapping[str, str]) -> None:
        for field, label in self._errors.items():
            message = by_field.get(field, "")
            label.setText(message)
            label.setVisible(bool(message))
        leftovers = [
            f"{field}: {message}" for field, message in by_field.items() if field not in self._errors
        ]
        self.form_error.setText("\n".join(leftovers))
        self.form_error.setVisible(bool(leftovers))

    def error_text(self, field: str) -> str:
        label = self._errors[field]
        return label.text() if label.isVisibleTo(self) else ""

    def _fit_height(self, *, shrink: bool = False) -> None:
        """Grow to show wrapped hints and messages in full (Qt does not grow a shown dialog by itself); with
        ``shrink``, also give back the room a taller page left behind."""
        layout = self.layout()
        layout.activate()
        width = max(self.width(), self.dialog_width)
        needed = (
            layout.totalHeightForWidth(width) if layout.hasHeightForWidth() else layout.sizeHint().height()
        )
        if needed > self.height() or (shrink and needed < self.height()):
            self.resize(width, needed)
