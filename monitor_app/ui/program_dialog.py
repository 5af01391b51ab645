"""Add or edit a program: file pickers, an argument line that handles quoting, and per-field messages.

The dialog builds a ``ProgramSpec`` and hands it to ``submit`` (the engine's add or update command). The
engine's validator is the one authority: its per-field messages appear under the fields they concern, and the
dialog stays open until the program is accepted, so nothing is half-saved.
"""

import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.cmdline import join_args, split_args
from monitor_app.core.errors import FieldError, MonitorError, ValidationError
from monitor_app.core.model import ProgramSpec
from monitor_app.core.states import RestartPolicy
from monitor_app.core.validation import MAX_STARTRETRIES, MAX_STARTSECS, MAX_STOP_TIMEOUT

ERROR_STYLE = "color: #c9362c;"


class ProgramDialog(QDialog):
    """The add/edit form.

    Args:
        submit: Called with the spec when the user presses OK; raises ValidationError (shown per field) or
            another MonitorError (shown at the bottom) to keep the dialog open, returns the stored spec.
        spec: The program to edit, or None to add one.
        windows: Split arguments by Windows rules (the engine's OS).
    """

    def __init__(
        self,
        submit: Callable[[ProgramSpec], ProgramSpec],
        spec: ProgramSpec | None = None,
        *,
        windows: bool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._submit = submit
        self._original = spec
        self._windows = os.name == "nt" if windows is None else windows
        self.result_spec: ProgramSpec | None = None
        self._errors: dict[str, QLabel] = {}
        self._build()
        self._retranslate()
        if spec is not None:
            self._fill(spec)
        self._on_args_edited()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self.name = QLineEdit()
        self.path = QLineEdit()
        self.browse_path = QPushButton()
        self.browse_path.clicked.connect(self._on_browse_path)
        self.args = QLineEdit()
        self.args.textChanged.connect(self._on_args_edited)
        self.args_preview = QLabel()
        self.args_preview.setWordWrap(True)
        self.args_preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.cwd = QLineEdit()
        self.browse_cwd = QPushButton()
        self.browse_cwd.clicked.connect(self._on_browse_cwd)
        self.env = QTableWidget(0, 2)
        self.env.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.env.verticalHeader().hide()
        self.env.setMinimumHeight(90)
        self.add_env = QPushButton()
        self.add_env.clicked.connect(lambda: self._add_env_row("", ""))
        self.remove_env = QPushButton()
        self.remove_env.clicked.connect(self._on_remove_env)
        self.autostart = QCheckBox()
        self.policy = QComboBox()
        for policy in RestartPolicy:
            self.policy.addItem("", policy)
        self.policy.setCurrentIndex(self.policy.findData(RestartPolicy.ALWAYS))
        self.success_codes = QLineEdit("0")
        self.startsecs = _seconds_box(1.0, MAX_STARTSECS)
        self.startretries = QSpinBox()
        self.startretries.setRange(0, MAX_STARTRETRIES)
        self.startretries.setValue(3)
        self.stop_timeout = _seconds_box(10.0, MAX_STOP_TIMEOUT)
        self.backoff_initial = _seconds_box(1.0, 86_400.0, minimum=0.01)
        self.backoff_max = _seconds_box(60.0, 86_400.0, minimum=0.01)
        self.backoff_reset = _seconds_box(30.0, 86_400.0)
        self.adopt = QCheckBox()
        self.hide_window = QCheckBox()
        self.form_error = QLabel()
        self.form_error.setStyleSheet(ERROR_STYLE)
        self.form_error.setWordWrap(True)
        self.form_error.hide()

        self.general = QGroupBox()
        form = QFormLayout(self.general)
        self._labels: dict[str, QLabel] = {}
        form.addRow(self._label("name"), self._with_error("name", self.name))
        form.addRow(self._label("path"), self._with_error("path", _row(self.path, self.browse_path)))
        args_box = QVBoxLayout()
        args_box.setContentsMargins(0, 0, 0, 0)
        args_box.addWidget(self.args)
        args_box.addWidget(self.args_preview)
        args_widget = QWidget()
        args_widget.setLayout(args_box)
        form.addRow(self._label("args"), self._with_error("args", args_widget))
        form.addRow(self._label("cwd"), self._with_error("cwd", _row(self.cwd, self.browse_cwd)))
        env_box = QVBoxLayout()
        env_box.setContentsMargins(0, 0, 0, 0)
        env_box.addWidget(self.env)
        env_box.addWidget(_row(self.add_env, self.remove_env, stretch=True))
        env_widget = QWidget()
        env_widget.setLayout(env_box)
        form.addRow(self._label("env"), self._with_error("env", env_widget))

        self.behaviour = QGroupBox()
        behaviour = QFormLayout(self.behaviour)
        behaviour.addRow("", self.autostart)
        behaviour.addRow(self._label("restart_policy"), self._with_error("restart_policy", self.policy))
        behaviour.addRow(
            self._label("success_exit_codes"), self._with_error("success_exit_codes", self.success_codes)
        )
        behaviour.addRow(self._label("stop_timeout"), self._with_error("stop_timeout", self.stop_timeout))

        self.advanced = QGroupBox()
        self.advanced.setCheckable(True)
        self.advanced.setChecked(False)
        advanced_body = QWidget()
        advanced = QFormLayout(advanced_body)
        advanced.addRow(self._label("startsecs"), self._with_error("startsecs", self.startsecs))
        advanced.addRow(self._label("startretries"), self._with_error("startretries", self.startretries))
        advanced.addRow(self._label("backoff_initial"), self._with_error("backoff_initial", self.backoff_initial))
        advanced.addRow(self._label("backoff_max"), self._with_error("backoff_max", self.backoff_max))
        advanced.addRow(self._label("backoff_reset"), self._with_error("backoff_reset", self.backoff_reset))
        advanced.addRow("", self.adopt)
        advanced.addRow("", self.hide_window)
        advanced_layout = QVBoxLayout(self.advanced)
        advanced_layout.addWidget(advanced_body)
        advanced_body.setVisible(False)
        self.advanced.toggled.connect(advanced_body.setVisible)
        self._advanced_body = advanced_body

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.general)
        layout.addWidget(self.behaviour)
        layout.addWidget(self.advanced)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self.resize(620, self.sizeHint().height())

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
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        error.setObjectName(f"error_{field}")
        layout.addWidget(error)
        self._errors[field] = error
        return box

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add program") if self._original is None else self.tr("Edit program"))
        self.general.setTitle(self.tr("Program"))
        self.behaviour.setTitle(self.tr("Keep it running"))
        self.advanced.setTitle(self.tr("Advanced"))
        texts = {
            "name": self.tr("Name"),
            "path": self.tr("Program file"),
            "args": self.tr("Arguments"),
            "cwd": self.tr("Working folder"),
            "env": self.tr("Environment"),
            "restart_policy": self.tr("When it exits"),
            "success_exit_codes": self.tr("Clean exit codes"),
            "stop_timeout": self.tr("Stop timeout"),
            "startsecs": self.tr("Counts as started after"),
            "startretries": self.tr("Start retries"),
            "backoff_initial": self.tr("First restart delay"),
            "backoff_max": self.tr("Longest restart delay"),
            "backoff_reset": self.tr("Healthy after"),
        }
        for field, text in texts.items():
            self._labels[field].setText(text)
        self.name.setPlaceholderText(self.tr("e.g. Palworld server"))
        self.path.setPlaceholderText(self.tr("The .exe (or script) to run"))
        self.args.setPlaceholderText(self.tr('e.g. -port=8211 -publiclobby "-name=My Server"'))
        self.cwd.setPlaceholderText(self.tr("The program's own folder"))
        self.success_codes.setToolTip(self.tr("Exit codes that mean a clean end, separated by commas"))
        self.browse_path.setText(self.tr("Browse…"))
        self.browse_cwd.setText(self.tr("Browse…"))
        self.add_env.setText(self.tr("Add variable"))
        self.remove_env.setText(self.tr("Remove"))
        self.env.setHorizontalHeaderLabels([self.tr("Variable"), self.tr("Value")])
        self.autostart.setText(self.tr("Start it when monitor_app starts"))
        self.adopt.setText(self.tr("If it is already running, watch that copy instead of starting another"))
        self.hide_window.setText(self.tr("Hide its console window (Windows)"))
        names = {
            RestartPolicy.ALWAYS: self.tr("Always restart it"),
            RestartPolicy.ON_FAILURE: self.tr("Restart it unless it exits cleanly"),
            RestartPolicy.NEVER: self.tr("Leave it stopped"),
        }
        for index in range(self.policy.count()):
            self.policy.setItemText(index, names[self.policy.itemData(index)])
        for box in (self.startsecs, self.stop_timeout, self.backoff_initial, self.backoff_max, self.backoff_reset):
            box.setSuffix(self.tr(" s"))
        self._on_args_edited()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ values

    def _fill(self, spec: ProgramSpec) -> None:
        self.name.setText(spec.name)
        self.path.setText(spec.path)
        self.args.setText(join_args(spec.args, windows=self._windows))
        self.cwd.setText(spec.cwd or "")
        for key, value in spec.env.items():
            self._add_env_row(key, value)
        self.autostart.setChecked(spec.autostart)
        self.policy.setCurrentIndex(self.policy.findData(spec.restart_policy))
        self.success_codes.setText(", ".join(str(code) for code in spec.success_exit_codes))
        self.startsecs.setValue(spec.startsecs)
        self.startretries.setValue(spec.startretries)
        self.stop_timeout.setValue(spec.stop_timeout)
        self.backoff_initial.setValue(spec.backoff_initial)
        self.backoff_max.setValue(spec.backoff_max)
        self.backoff_reset.setValue(spec.backoff_reset)
        self.adopt.setChecked(spec.adopt)
        self.hide_window.setChecked(spec.hide_window)

    def spec_from_fields(self) -> ProgramSpec:
        """The spec the fields describe; raises ValidationError for what cannot even be parsed."""
        errors: list[FieldError] = []
        try:
            args = split_args(self.args.text(), windows=self._windows)
        except ValidationError as exc:
            errors.extend(exc.errors)
            args = ()
        codes: list[int] = []
        for piece in self.success_codes.text().replace(";", ",").split(","):
            if not piece.strip():
                continue
            try:
                codes.append(int(piece.strip()))
            except ValueError:
                errors.append(
                    FieldError("success_exit_codes", self.tr("use whole numbers separated by commas, e.g. 0, 3"))
                )
                break
        env: dict[str, str] = {}
        for row in range(self.env.rowCount()):
            key_item, value_item = self.env.item(row, 0), self.env.item(row, 1)
            key = key_item.text().strip() if key_item else ""
            value = value_item.text() if value_item else ""
            if key:
                env[key] = value
            elif value:
                errors.append(FieldError("env", self.tr("row %n has a value but no name", "", row + 1)))
        if errors:
            raise ValidationError(errors)
        base = self._original.id if self._original else 0
        return ProgramSpec(
            id=base,
            name=self.name.text(),
            path=self.path.text(),
            args=args,
            cwd=self.cwd.text() or None,
            env=env,
            autostart=self.autostart.isChecked(),
            restart_policy=self.policy.currentData(),
            success_exit_codes=tuple(codes) or (0,),
            startsecs=self.startsecs.value(),
            startretries=self.startretries.value(),
            stop_timeout=self.stop_timeout.value(),
            backoff_initial=self.backoff_initial.value(),
            backoff_max=self.backoff_max.value(),
            backoff_reset=self.backoff_reset.value(),
            adopt=self.adopt.isChecked(),
            hide_window=self.hide_window.isChecked(),
        )

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_accept(self) -> None:
        self.show_errors(())
        try:
            spec = self.spec_from_fields()
            self.result_spec = self._submit(spec)
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return
        except MonitorError as exc:
            self.form_error.setText(exc.message)
            self.form_error.show()
            return
        self.accept()

    def show_errors(self, errors: tuple[FieldError, ...] | list[FieldError]) -> None:
        """Show each message under its field (unknown fields at the bottom); clear the others."""
        by_field: dict[str, list[str]] = {}
        for error in errors:
            by_field.setdefault(error.field, []).append(error.message)
        leftovers = []
        for field, messages in by_field.items():
            if field in self._errors:
                continue
            leftovers.extend(f"{field}: {m}" for m in messages)
        for field, label in self._errors.items():
            messages = by_field.get(field)
            label.setVisible(bool(messages))
            label.setText("\n".join(messages or ()))
        advanced_fields = {"startsecs", "startretries", "backoff_initial", "backoff_max", "backoff_reset"}
        if advanced_fields & by_field.keys():
            self.advanced.setChecked(True)
        self.form_error.setVisible(bool(leftovers))
        self.form_error.setText("\n".join(leftovers))

    def error_text(self, field: str) -> str:
        label = self._errors[field]
        return label.text() if label.isVisibleTo(self) else ""

    @Slot()
    def _on_args_edited(self) -> None:
        text = self.args.text()
        if not text.strip():
            self.args_preview.setText(self.tr("No arguments"))
            self.args_preview.setStyleSheet("color: palette(mid);")
            return
        try:
            args = split_args(text, windows=self._windows)
        except ValidationError as exc:
            self.args_preview.setText(exc.errors[0].message)
            self.args_preview.setStyleSheet(ERROR_STYLE)
            return
        shown = "  ".join(f"[{arg}]" for arg in args)
        self.args_preview.setText(self.tr("%n argument(s): ", "", len(args)) + shown)
        self.args_preview.setStyleSheet("color: palette(mid);")

    @Slot()
    def _on_browse_path(self) -> None:
        start = os.path.dirname(self.path.text()) if self.path.text() else ""
        filters = self.tr("Programs (*.exe *.bat *.cmd *.com);;All files (*)") if self._windows else self.tr(
            "All files (*)"
        )
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose the program"), start, filters)
        if path:
            self.path.setText(os.path.normpath(path))
            if not self.name.text().strip():
                self.name.setText(os.path.splitext(os.path.basename(path))[0])

    @Slot()
    def _on_browse_cwd(self) -> None:
        start = self.cwd.text() or os.path.dirname(self.path.text())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose the working folder"), start)
        if folder:
            self.cwd.setText(os.path.normpath(folder))

    def _add_env_row(self, key: str, value: str) -> None:
        row = self.env.rowCount()
        self.env.insertRow(row)
        self.env.setItem(row, 0, QTableWidgetItem(key))
        self.env.setItem(row, 1, QTableWidgetItem(value))

    @Slot()
    def _on_remove_env(self) -> None:
        rows = sorted({index.row() for index in self.env.selectedIndexes()}, reverse=True)
        for row in rows or ([self.env.rowCount() - 1] if self.env.rowCount() else []):
            self.env.removeRow(row)


def _seconds_box(value: float, maximum: float, *, minimum: float = 0.0) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(2)
    box.setRange(minimum, maximum)
    box.setValue(value)
    return box


def _row(*widgets: QWidget, stretch: bool = False) -> QWidget:
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    return box
