"""Add or edit a schedule: which program, what to do, when (daily, interval or cron, in which time zone), how
players are warned and what happens when they are still online.

The dialog builds the REST JSON shape of a schedule and hands it to ``submit`` (the engine's add or update
command). The engine validates; its per-field messages appear under the fields, and the dialog stays open until
the schedule is accepted, so nothing is half-saved. Fields of the other kinds are sent as null (or an empty
list): an update is partial, and a schedule that changes kind must drop the old kind's fields.

While the user types, a preview lists the next fire times, computed with ``monitor_app.schedules.next_fire`` on a
temporary schedule built from the form (so a bad cron expression or zone is explained before OK is pressed).
"""

import re
import time
import zoneinfo
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, Qt, QTime, QTimeZone, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.errors import ValidationError
from monitor_app.core.model import ProgramSpec
from monitor_app.core.schedules import (
    DEFAULT_DEFER_MAX_MIN,
    MAX_DEFER_MIN,
    MAX_INTERVAL_MIN,
    MAX_NAME_LENGTH,
    Schedule,
    ScheduleAction,
    ScheduleKind,
    WhenPlayersOnline,
    schedule_from_dict,
)
from monitor_app.schedules import next_fire
from monitor_app.ui.form_errors import ERROR_STYLE, FormDialog
from monitor_app.ui.schedule_labels import (
    ALL_DAYS,
    WEEKEND,
    WORKDAYS,
    moment_text,
    players_needs_plugin_hint,
    players_policy_hint,
    warnings_hint,
    weekday_name,
)

HINT_STYLE = "color: palette(mid);"
DIALOG_WIDTH = 640
#: Fire times listed in the preview.
PREVIEW_COUNT = 3
DEFAULT_TIME = QTime(4, 0)
DEFAULT_WARNINGS = (10, 5, 1)
DEFAULT_INTERVAL_MIN = 6 * 60
CRON_HELP_URL = "https://crontab.guru/"
#: Width of the time-zone field, in characters ("America/Los_Angeles" and a little more).
ZONE_FIELD_CHARS = 28
#: Offered in the time-zone list (any other IANA name can be typed).
COMMON_ZONES = (
    "UTC",
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Australia/Sydney",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Madrid",
    "Europe/Warsaw",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
)
#: Form fields that decide the fire times (the preview's inputs).
TIMING_FIELDS = ("kind", "time_of_day", "weekdays", "interval_minutes", "cron", "timezone")
_SEPARATORS = re.compile(r"[\s,;]+")


def parse_warnings(text: str) -> list[int]:
    """``"10, 5, 1"`` as ``[10, 5, 1]`` (any separators: commas, spaces, semicolons).

    Raises:
        ValueError: an item is not a whole number.
    """
    items = [item for item in _SEPARATORS.split(text.strip()) if item]
    if not all(item.isascii() and item.isdigit() for item in items):
        raise ValueError(text)
    return [int(item) for item in items]


def system_zone_name() -> str:
    """This computer's IANA zone as Qt reports it (e.g. ``Asia/Seoul``), or an empty string."""
    return bytes(QTimeZone.systemTimeZoneId().data()).decode(errors="replace")


class ScheduleDialog(FormDialog):
    """The add/edit form for one schedule.

    Args:
        submit: Called with the JSON body when the user presses OK; raises ValidationError (shown per field) or
            another MonitorError (shown at the bottom) to keep the dialog open; returns the stored schedule.
        programs: The programs a schedule can act on.
        schedule: The schedule to edit, or None to add one.
        program_id: The program preselected for a new schedule.

    Attributes:
        result_schedule: The stored schedule once accepted.
    """

    dialog_width = DIALOG_WIDTH

    def __init__(
        self,
        submit: Callable[[dict[str, object]], Schedule],
        programs: Sequence[ProgramSpec],
        schedule: Schedule | None = None,
        *,
        program_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("scheduleDialog")
        self._submit = submit
        self._original = schedule
        self._programs = tuple(programs)
        self.result_schedule: Schedule | None = None
        self._build()
        self._retranslate()
        if schedule is not None:
            self._fill(schedule)
        elif program_id is not None and self.program.findData(program_id) >= 0:
            self.program.setCurrentIndex(self.program.findData(program_id))
        self._on_action_changed()
        self._on_kind_changed()
        self._on_players_changed()
        self.resize(DIALOG_WIDTH, 0)
        self._fit_height()

    # ------------------------------------------------------------------ layout

    def _build(self) -> None:
        self._build_what()
        self._build_when()
        self._build_players()
        self.enabled = QCheckBox()
        self.enabled.setObjectName("scheduleEnabled")
        self.enabled.setChecked(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.what_group)
        layout.addWidget(self.when_group)
        layout.addWidget(self.players_group)
        layout.addWidget(self._with_error("enabled", self.enabled))
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)

    def _build_what(self) -> None:
        self.program = QComboBox()
        self.program.setObjectName("scheduleProgram")
        for spec in self._programs:
            self.program.addItem(spec.name, spec.id)
        self.no_programs = QLabel()
        self.no_programs.setWordWrap(True)
        self.no_programs.setStyleSheet(HINT_STYLE)
        self.no_programs.setVisible(not self._programs)
        program_box = self._stack(self.program, self.no_programs)
        self.name = QLineEdit()
        self.name.setObjectName("scheduleName")
        self.name.setMaxLength(MAX_NAME_LENGTH)
        self.action = QComboBox()
        self.action.setObjectName("scheduleAction")
        actions = [ScheduleAction.RESTART, ScheduleAction.START, ScheduleAction.STOP]
        if self._original is not None and self._original.action is ScheduleAction.PLUGIN_ACTION:
            actions.append(ScheduleAction.PLUGIN_ACTION)  # plugins arrive later: offered only to keep one
        for action in actions:
            self.action.addItem("", action.value)
        self.action.currentIndexChanged.connect(self._on_action_changed)
        self.plugin_action = QLineEdit()
        self.plugin_action.setObjectName("schedulePluginAction")
        self.plugin_action.setPlaceholderText("palworld:save")

        self.what_group = QGroupBox()
        form = QFormLayout(self.what_group)
        form.addRow(self._label("program_id"), self._with_error("program_id", program_box))
        form.addRow(self._label("name"), self._with_error("name", self.name))
        form.addRow(self._label("action"), self._with_error("action", self.action))
        self._plugin_row = self._with_error("plugin_action", self.plugin_action)
        form.addRow(self._label("plugin_action"), self._plugin_row)
        self._plugin_form = form

    def _build_when(self) -> None:
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[ScheduleKind, QRadioButton] = {}
        kinds = QHBoxLayout()
        kinds.setContentsMargins(0, 0, 0, 0)
        for position, kind in enumerate(ScheduleKind):
            button = QRadioButton()
            button.setObjectName(f"kind_{kind.value}")
            self.kind_group.addButton(button, position)
            self.kind_buttons[kind] = button
            kinds.addWidget(button)
        kinds.addStretch(1)
        self.kind_buttons[ScheduleKind.DAILY].setChecked(True)
        self.kind_group.idToggled.connect(lambda _id, checked: checked and self._on_kind_changed())

        # daily: a time and the days
        self.time = QTimeEdit(DEFAULT_TIME)
        self.time.setObjectName("scheduleTime")
        self.time.setDisplayFormat("HH:mm")
        self.time.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.time.timeChanged.connect(self._on_timing_edited)
        self.day_boxes: list[QCheckBox] = []
        days = QHBoxLayout()
        days.setContentsMargins(0, 0, 0, 0)
        for day in ALL_DAYS:
            box = QCheckBox()
            box.setObjectName(f"day_{day}")
            box.setChecked(True)
            box.toggled.connect(self._on_timing_edited)
            self.day_boxes.append(box)
            days.addWidget(box)
        days.addStretch(1)
        self.every_day_button = QPushButton()
        self.every_day_button.setObjectName("everyDay")
        self.every_day_button.clicked.connect(lambda: self.set_days(ALL_DAYS))
        self.workdays_button = QPushButton()
        self.workdays_button.setObjectName("workdays")
        self.workdays_button.clicked.connect(lambda: self.set_days(WORKDAYS))
        self.weekend_button = QPushButton()
        self.weekend_button.setObjectName("weekend")
        self.weekend_button.clicked.connect(lambda: self.set_days(WEEKEND))
        quick = QHBoxLayout()
        quick.setContentsMargins(0, 0, 0, 0)
        for button in (self.every_day_button, self.workdays_button, self.weekend_button):
            quick.addWidget(button)
        quick.addStretch(1)
        days_widget = QWidget()
        days_box = QVBoxLayout(days_widget)
        days_box.setContentsMargins(0, 0, 0, 0)
        days_box.addLayout(days)
        days_box.addLayout(quick)
        daily_page = QWidget()
        daily = QFormLayout(daily_page)
        daily.setContentsMargins(0, 0, 0, 0)
        daily.addRow(self._label("daily_time"), self.time)
        daily.addRow(self._label("weekdays"), self._with_error("weekdays", days_widget))

        # interval: hours + minutes, and an optional phase anchor
        self.interval_hours = QSpinBox()
        self.interval_hours.setObjectName("intervalHours")
        self.interval_hours.setRange(0, MAX_INTERVAL_MIN // 60)
        self.interval_hours.setValue(DEFAULT_INTERVAL_MIN // 60)
        self.interval_minutes = QSpinBox()
        self.interval_minutes.setObjectName("intervalMinutes")
        self.interval_minutes.setRange(0, 59)
        self.interval_minutes.setSingleStep(5)
        for spin in (self.interval_hours, self.interval_minutes):
            spin.valueChanged.connect(self._on_timing_edited)
        every = QHBoxLayout()
        every.setContentsMargins(0, 0, 0, 0)
        every.addWidget(self.interval_hours)
        every.addWidget(self.interval_minutes)
        every.addStretch(1)
        every_widget = QWidget()
        every_widget.setLayout(every)
        self.anchor_enabled = QCheckBox()
        self.anchor_enabled.setObjectName("anchorEnabled")
        self.anchor = QTimeEdit(DEFAULT_TIME)
        self.anchor.setObjectName("anchorTime")
        self.anchor.setDisplayFormat("HH:mm")
        self.anchor.setEnabled(False)
        self.anchor_enabled.toggled.connect(self.anchor.setEnabled)
        self.anchor_enabled.toggled.connect(self._on_timing_edited)
        self.anchor.timeChanged.connect(self._on_timing_edited)
        anchor = QHBoxLayout()
        anchor.setContentsMargins(0, 0, 0, 0)
        anchor.addWidget(self.anchor_enabled)
        anchor.addWidget(self.anchor)
        anchor.addStretch(1)
        self.anchor_hint = QLabel()
        self.anchor_hint.setWordWrap(True)
        self.anchor_hint.setStyleSheet(HINT_STYLE)
        anchor_widget = QWidget()
        anchor_box = QVBoxLayout(anchor_widget)
        anchor_box.setContentsMargins(0, 0, 0, 0)
        anchor_box.setSpacing(2)
        anchor_box.addLayout(anchor)
        anchor_box.addWidget(self.anchor_hint)
        interval_page = QWidget()
        interval = QFormLayout(interval_page)
        interval.setContentsMargins(0, 0, 0, 0)
        interval.addRow(self._label("interval_minutes"), self._with_error("interval_minutes", every_widget))
        interval.addRow("", anchor_widget)

        # cron: the expression and where to learn it
        self.cron = QLineEdit()
        self.cron.setObjectName("scheduleCron")
        self.cron.setPlaceholderText("0 4 * * *")
        self.cron.textChanged.connect(self._on_timing_edited)
        self.cron_help = QLabel()
        self.cron_help.setObjectName("cronHelp")
        self.cron_help.setWordWrap(True)
        self.cron_help.setTextFormat(Qt.TextFormat.RichText)
        self.cron_help.setOpenExternalLinks(True)
        self.cron_help.setStyleSheet(HINT_STYLE)
        cron_page = QWidget()
        cron = QFormLayout(cron_page)
        cron.setContentsMargins(0, 0, 0, 0)
        cron.addRow(self._label("cron"), self._with_error("cron", self._stack(self.cron, self.cron_help)))

        self.pages = QStackedWidget()
        self.pages.setObjectName("kindPages")
        for page in (daily_page, interval_page, cron_page):  # in ScheduleKind order
            self.pages.addWidget(page)

        self.timezone = QComboBox()
        self.timezone.setObjectName("scheduleTimezone")
        self.timezone.setEditable(True)
        self.timezone.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.timezone.setMinimumContentsLength(ZONE_FIELD_CHARS)
        self.timezone.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.timezone.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.timezone.addItem("", None)
        for zone in COMMON_ZONES:
            self.timezone.addItem(zone, zone)
        completer = QCompleter(sorted(zoneinfo.available_timezones()), self.timezone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.setCompleter(completer)
        self.timezone.editTextChanged.connect(self._on_timing_edited)

        self.preview = QLabel()
        self.preview.setObjectName("schedulePreview")
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.when_group = QGroupBox()
        layout = QVBoxLayout(self.when_group)
        layout.addLayout(kinds)
        layout.addWidget(self._with_error("kind", self.pages))
        layout.addWidget(self._error_label("time_of_day"))  # the daily time's or the anchor's
        form = QFormLayout()
        form.addRow(self._label("timezone"), self._with_error("timezone", self.timezone))
        layout.addLayout(form)
        layout.addWidget(self.preview)

    def _build_players(self) -> None:
        self.warnings = QLineEdit(", ".join(str(m) for m in DEFAULT_WARNINGS))
        self.warnings.setObjectName("scheduleWarnings")
        self.warnings_unit = QLabel()
        warnings_row = QHBoxLayout()
        warnings_row.setContentsMargins(0, 0, 0, 0)
        warnings_row.addWidget(self.warnings, 1)
        warnings_row.addWidget(self.warnings_unit)
        warnings_widget = QWidget()
        warnings_widget.setLayout(warnings_row)
        self.warnings_hint = QLabel()
        self.warnings_hint.setWordWrap(True)
        self.warnings_hint.setStyleSheet(HINT_STYLE)

        self.players_group_buttons = QButtonGroup(self)
        self.players_buttons: dict[WhenPlayersOnline, QRadioButton] = {}
        for position, policy in enumerate(
            (WhenPlayersOnline.RUN, WhenPlayersOnline.SKIP, WhenPlayersOnline.DEFER)
        ):
            button = QRadioButton()
            button.setObjectName(f"players_{policy.value}")
            self.players_group_buttons.addButton(button, position)
            self.players_buttons[policy] = button
        self.players_buttons[WhenPlayersOnline.DEFER].setChecked(True)
        self.players_group_buttons.idToggled.connect(
            lambda _id, checked: checked and self._on_players_changed()
        )
        self.defer_max = QSpinBox()
        self.defer_max.setObjectName("deferMax")
        self.defer_max.setRange(1, MAX_DEFER_MIN)
        self.defer_max.setSingleStep(5)
        self.defer_max.setValue(DEFAULT_DEFER_MAX_MIN)
        defer_row = QHBoxLayout()
        defer_row.setContentsMargins(0, 0, 0, 0)
        defer_row.addWidget(self.players_buttons[WhenPlayersOnline.DEFER])
        defer_row.addWidget(self.defer_max)
        defer_row.addStretch(1)
        self.players_hint = QLabel()
        self.players_hint.setWordWrap(True)
        self.players_hint.setStyleSheet(HINT_STYLE)
        policies = QWidget()
        policies_box = QVBoxLayout(policies)
        policies_box.setContentsMargins(0, 0, 0, 0)
        policies_box.setSpacing(2)
        policies_box.addWidget(self.players_buttons[WhenPlayersOnline.RUN])
        policies_box.addWidget(self.players_buttons[WhenPlayersOnline.SKIP])
        policies_box.addLayout(defer_row)
        policies_box.addWidget(self._error_label("defer_max_min"))
        policies_box.addWidget(self.players_hint)

        self.players_group = QGroupBox()
        form = QFormLayout(self.players_group)
        form.addRow(
            self._label("warnings_min"),
            self._with_error("warnings_min", self._stack(warnings_widget, self.warnings_hint)),
        )
        form.addRow(self._label("when_players_online"), self._with_error("when_players_online", policies))

    @staticmethod
    def _stack(*widgets: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        for widget in widgets:
            layout.addWidget(widget)
        return box

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Add schedule") if self._original is None else self.tr("Edit schedule"))
        self.what_group.setTitle(self.tr("What"))
        self.when_group.setTitle(self.tr("When"))
        self.players_group.setTitle(self.tr("Players"))
        texts = {
            "program_id": self.tr("Program"),
            "name": self.tr("Name"),
            "action": self.tr("Action"),
            "plugin_action": self.tr("Plugin action"),
            "daily_time": self.tr("At"),
            "weekdays": self.tr("On"),
            "interval_minutes": self.tr("Every"),
            "cron": self.tr("Expression"),
            "timezone": self.tr("Time zone"),
            "warnings_min": self.tr("Warn players"),
            "when_players_online": self.tr("If players are online"),
        }
        for field, text in texts.items():
            self._labels[field].setText(text)
        self.no_programs.setText(self.tr("No programs yet: register one in the Programs tab first."))
        self.name.setPlaceholderText(self.tr("e.g. Nightly restart"))
        actions = {
            ScheduleAction.RESTART.value: self.tr("Restart"),
            ScheduleAction.START.value: self.tr("Start"),
            ScheduleAction.STOP.value: self.tr("Stop"),
            ScheduleAction.PLUGIN_ACTION.value: self.tr("Plugin action"),
        }
        for index in range(self.action.count()):
            self.action.setItemText(index, actions[self.action.itemData(index)])
        kinds = {
            ScheduleKind.DAILY: self.tr("At a time of day"),
            ScheduleKind.INTERVAL: self.tr("At a fixed interval"),
            ScheduleKind.CRON: self.tr("Cron expression"),
        }
        for kind, button in self.kind_buttons.items():
            button.setText(kinds[kind])
        for day, box in enumerate(self.day_boxes):
            box.setText(weekday_name(day))
        self.every_day_button.setText(self.tr("Every day"))
        self.workdays_button.setText(self.tr("Weekdays"))
        self.weekend_button.setText(self.tr("Weekend"))
        self.interval_hours.setSuffix(self.tr(" h"))
        self.interval_minutes.setSuffix(self.tr(" min"))
        self.anchor_enabled.setText(self.tr("Aligned to"))
        self.anchor_hint.setText(
            self.tr(
                "Every 6 h aligned to 04:00 runs at 04:00, 10:00, 16:00 and 22:00. Without it, the runs are "
                "aligned to midnight."
            )
        )
        self.cron_help.setText(
            self.tr(
                "Five fields: minute, hour, day of month, month, day of week. For example "
                "<code>0 4 * * 1-5</code> runs at 04:00 on weekdays and <code>0 */6 * * *</code> every 6 "
                "hours; <code>@daily</code> and <code>@hourly</code> work too. "
                '<a href="%1">Try an expression on crontab.guru</a>'
            ).replace("%1", CRON_HELP_URL)
        )
        zone = system_zone_name()
        local = self.tr("This computer")
        self.timezone.setItemText(0, f"{local} ({zone})" if zone else local)
        self.timezone.setToolTip(
            self.tr("The clock the times follow. Type any IANA zone name, e.g. Asia/Seoul or Europe/Berlin.")
        )
        self.warnings_unit.setText(self.tr("minutes before"))
        self.warnings.setPlaceholderText(self.tr("e.g. 10, 5, 1 (empty: no warnings)"))
        self.warnings_hint.setText(warnings_hint())
        policies = {
            WhenPlayersOnline.RUN: self.tr("Run anyway"),
            WhenPlayersOnline.SKIP: self.tr("Skip this time"),
            WhenPlayersOnline.DEFER: self.tr("Wait until they leave, at most"),
        }
        for policy, button in self.players_buttons.items():
            button.setText(policies[policy])
            button.setToolTip(players_policy_hint(policy))
        self.defer_max.setSuffix(self.tr(" min"))
        self.players_hint.setText(players_needs_plugin_hint())
        self.enabled.setText(self.tr("Enabled (a switched-off schedule never runs)"))
        self._update_preview()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    # ------------------------------------------------------------------ values

    def _fill(self, schedule: Schedule) -> None:
        index = self.program.findData(schedule.program_id)
        if index < 0:  # its program is gone meanwhile: keep the id so the engine can say so
            self.program.addItem(f"#{schedule.program_id}", schedule.program_id)
            index = self.program.count() - 1
        self.program.setCurrentIndex(index)
        self.name.setText(schedule.name)
        self.action.setCurrentIndex(self.action.findData(schedule.action.value))
        self.plugin_action.setText(schedule.plugin_action or "")
        self.kind_buttons[schedule.kind].setChecked(True)
        at = _qtime(schedule.time_of_day)
        if schedule.kind is ScheduleKind.DAILY:
            self.time.setTime(at or DEFAULT_TIME)
            self.set_days(schedule.weekdays or ALL_DAYS)
        elif schedule.kind is ScheduleKind.INTERVAL:
            hours, minutes = divmod(schedule.interval_minutes or 0, 60)
            self.interval_hours.setValue(hours)
            self.interval_minutes.setValue(minutes)
            self.anchor_enabled.setChecked(at is not None and at != QTime(0, 0))
            if at is not None:
                self.anchor.setTime(at)
        else:
            self.cron.setText(schedule.cron or "")
        if schedule.timezone:
            index = self.timezone.findData(schedule.timezone)
            if index >= 0:
                self.timezone.setCurrentIndex(index)
            else:
                self.timezone.setEditText(schedule.timezone)
        else:
            self.timezone.setCurrentIndex(0)
        self.warnings.setText(", ".join(str(m) for m in schedule.warnings_min))
        self.players_buttons[schedule.when_players_online].setChecked(True)
        self.defer_max.setValue(schedule.defer_max_min)
        self.enabled.setChecked(schedule.enabled)

    def kind(self) -> ScheduleKind:
        return next(kind for kind, button in self.kind_buttons.items() if button.isChecked())

    def selected_days(self) -> list[int]:
        return [day for day, box in enumerate(self.day_boxes) if box.isChecked()]

    def set_days(self, days: Sequence[int]) -> None:
        for day, box in enumerate(self.day_boxes):
            box.setChecked(day in days)

    def timezone_value(self) -> str | None:
        """The zone typed or chosen; None for this computer's own zone."""
        text = self.timezone.currentText().strip()
        if not text or text == self.timezone.itemText(0):
            return None
        return text

    def players_policy(self) -> WhenPlayersOnline:
        return next(policy for policy, button in self.players_buttons.items() if button.isChecked())

    def timing(self) -> dict[str, object]:
        """The fields that decide the fire times; the other kinds' fields as null / empty."""
        kind = self.kind()
        data: dict[str, object] = {
            "kind": kind.value,
            "time_of_day": None,
            "weekdays": [],
            "interval_minutes": None,
            "cron": None,
            "timezone": self.timezone_value(),
        }
        if kind is ScheduleKind.DAILY:
            data["time_of_day"] = self.time.time().toString("HH:mm")
            days = self.selected_days()
            data["weekdays"] = [] if len(days) == len(ALL_DAYS) else days
        elif kind is ScheduleKind.INTERVAL:
            data["interval_minutes"] = self.interval_hours.value() * 60 + self.interval_minutes.value()
            if self.anchor_enabled.isChecked():
                data["time_of_day"] = self.anchor.time().toString("HH:mm")
        else:
            data["cron"] = self.cron.text().strip() or None
        return data

    def body(self) -> dict[str, object]:
        """The JSON body for the engine.

        Raises:
            ValueError: the warnings are not whole minutes.
        """
        action = self.action.currentData()
        data: dict[str, object] = {
            "name": self.name.text().strip(),
            "action": action,
            "plugin_action": (
                (self.plugin_action.text().strip() or None)
                if action == ScheduleAction.PLUGIN_ACTION.value
                else None
            ),
            **self.timing(),
            "warnings_min": parse_warnings(self.warnings.text()),
            "when_players_online": self.players_policy().value,
            "defer_max_min": self.defer_max.value(),
            "enabled": self.enabled.isChecked(),
        }
        program_id = self.program.currentData()
        if program_id is not None:
            data["program_id"] = program_id
        return data

    def preview_times(self, after: float | None = None, count: int = PREVIEW_COUNT) -> list[float]:
        """The next ``count`` fire times of the schedule the form describes.

        Raises:
            ValidationError: a timing field is wrong (the engine's own validation).
            ValueError: the schedule cannot be planned (e.g. an unknown zone).
        """
        data = {**self.timing(), "program_id": 1, "action": ScheduleAction.RESTART.value}
        created = self._original.created_at if self._original is not None else time.time()
        schedule = schedule_from_dict({**data, "created_at": created})
        moment = time.time() if after is None else after
        times: list[float] = []
        for _ in range(count):
            moment = next_fire(schedule, moment)
            times.append(moment)
        return times

    # ------------------------------------------------------------------ slots

    @Slot()
    def _on_accept(self) -> None:
        problems: dict[str, str] = {}
        if self.program.currentData() is None:
            problems["program_id"] = self.tr("choose a program (register one in the Programs tab first)")
        if self.kind() is ScheduleKind.DAILY and not self.selected_days():
            problems["weekdays"] = self.tr("tick at least one day")
        try:
            body = self.body()
        except ValueError:
            problems["warnings_min"] = self.tr("write whole minutes separated by commas, e.g. 10, 5, 1")
        if problems:
            self.show_errors(problems)
            return
        stored = self._submit_form(lambda: body)
        if stored is None:
            return
        self.result_schedule = stored
        self.accept()

    def show_errors(self, by_field: Mapping[str, str]) -> None:
        """Show each message under its field (unknown fields at the bottom); clear the others."""
        self._set_errors(by_field)
        self._update_preview()
        self._fit_height()

    @Slot()
    def _on_kind_changed(self) -> None:
        current = list(ScheduleKind).index(self.kind())
        self.pages.setCurrentIndex(current)
        # Only the shown page counts for the size, so a short page leaves no gap.
        for position in range(self.pages.count()):
            policy = QSizePolicy.Policy.Preferred if position == current else QSizePolicy.Policy.Ignored
            self.pages.widget(position).setSizePolicy(policy, policy)
        self.pages.adjustSize()
        self._on_timing_edited()
        if self.isVisible():
            self._fit_height(shrink=True)  # a shorter page leaves no gap

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().showEvent(event)
        self._fit_height()  # wrapped hints know their height only once the dialog has its width

    @Slot()
    def _on_timing_edited(self) -> None:
        """The engine's messages about the old timing are stale now; the preview speaks for the new one."""
        for field in TIMING_FIELDS:
            if field in self._errors:
                self._errors[field].hide()
        self._update_preview()

    @Slot()
    def _on_action_changed(self) -> None:
        plugin = self.action.currentData() == ScheduleAction.PLUGIN_ACTION.value
        self._plugin_form.setRowVisible(self._plugin_row, plugin)

    @Slot()
    def _on_players_changed(self) -> None:
        self.defer_max.setEnabled(self.players_policy() is WhenPlayersOnline.DEFER)

    @Slot()
    def _update_preview(self) -> None:
        """List the next fire times, or say why there are none (in red)."""
        if not hasattr(self, "preview"):
            return  # still building
        if self.kind() is ScheduleKind.DAILY and not self.selected_days():
            self._show_preview(
                "" if self.error_text("weekdays") else self.tr("Tick at least one day."), ok=False
            )
            return
        try:
            times = self.preview_times()
        except ValidationError as exc:
            by_field = exc.by_field()
            # what is already said under its field is not repeated here
            reasons = [
                by_field[field]
                for field in TIMING_FIELDS
                if field in by_field and self.error_text(field) != by_field[field]
            ]
            shown = any(self.error_text(field) for field in TIMING_FIELDS)
            self._show_preview("\n".join(reasons) or ("" if shown else exc.message), ok=False)
            return
        except ValueError as exc:
            self._show_preview(str(exc), ok=False)
            return
        now = time.time()
        listing = ", ".join(moment_text(moment, now=now, with_date=False) for moment in times)
        text = self.tr("Next: %1").replace("%1", listing)
        if self.timezone_value() is not None:
            text += " " + self.tr("(this computer's time)")
        self._show_preview(text, ok=True)

    def _show_preview(self, text: str, *, ok: bool) -> None:
        self.preview.setText(text)
        self.preview.setStyleSheet("" if ok else ERROR_STYLE)
        self.preview.setVisible(bool(text))


def _qtime(text: str | None) -> QTime | None:
    if not text:
        return None
    parsed = QTime.fromString(text, "HH:mm")
    return parsed if parsed.isValid() else None
