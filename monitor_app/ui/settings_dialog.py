"""Settings: sampling interval, start with the OS, the background engine at boot, language, theme, history retention,
the data folder.

Ranges and choices come from the settings schema (``settings.FIELDS``), so the dialog cannot offer a value
the store would refuse; the schema's validation still has the last word and its messages appear inline.
"""

import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.errors import ValidationError
from monitor_app.settings import FIELDS, Settings
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.boot_engine_status import BootEngineReport, describe_report

ERROR_STYLE = "color: #c9362c;"
#: Language names are shown in their own language, so anyone can find theirs.
LANGUAGE_NAMES = {"en": "English", "ko": "한국어"}


class SettingsDialog(QDialog):
    """Edits a ``Settings``; ``result_settings`` holds the accepted, validated value.

    Args:
        settings: Current values.
        data_dir: Shown read-only, with a button to open it.
        secret_store: Where saved secrets are kept (``keyring`` or ``file``; None while none was saved), shown.
        autostart_where: Where the "start with the OS" entry lives (shown as a hint).
        interval_locked: The interval comes from the command line or environment and cannot be changed here.
        boot_report: Reads the background engine's state (blocking: it runs in ``tasks``); ``None`` hides the line.
        tasks: Where ``boot_report`` runs.
        refusal: Why the engine's settings cannot be changed here (a guest session); empty for an admin. A guest
            may still choose the language and theme.

    Signals:
        boot_reregister_requested: The user asked to register the background engine's boot entry again, because
            the installed one cannot read saved secrets (an S4U task from an older version, or registered without
            the password); the receiver asks for the password and calls ``refresh_boot_status`` when done.
    """

    boot_reregister_requested = Signal()

    def __init__(
        self,
        settings: Settings,
        *,
        data_dir: str,
        secret_store: str | None = None,
        autostart_where: str = "",
        interval_locked: bool = False,
        boot_report: Callable[[], BootEngineReport] | None = None,
        tasks: BackgroundTasks | None = None,
        refusal: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._data_dir = data_dir
        self._secret_store = secret_store
        self._autostart_where = autostart_where
        self._boot_report = boot_report if tasks is not None else None
        self._tasks = tasks
        self._boot_report_shown: BootEngineReport | None = None
        self.result_settings: Settings | None = None
        self._errors: dict[str, QLabel] = {}

        self.interval = self._number_box("interval_s", settings.interval_s, decimals=2)
        self.interval.setEnabled(not interval_locked)
        self.interval_locked_note = QLabel()
        self.interval_locked_note.setVisible(interval_locked)
        self.start_with_os = QCheckBox()
        self.start_with_os.setChecked(settings.start_with_os)
        self.autostart_hint = QLabel()
        self.autostart_hint.setWordWrap(True)
        self.autostart_hint.setStyleSheet("color: palette(mid);")
        self.keep_running_at_boot = QCheckBox()
        self.keep_running_at_boot.setChecked(settings.keep_running_at_boot)
        self.boot_status = QLabel()
        self.boot_status.setWordWrap(True)
        self.boot_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.boot_status_refresh = QPushButton()
        self.boot_status_refresh.clicked.connect(self.refresh_boot_status)
        self.boot_reregister = QPushButton()
        self.boot_reregister.hide()  # shown only when the installed entry cannot read saved secrets
        self.boot_reregister.clicked.connect(self.boot_reregister_requested)
        boot_buttons = QVBoxLayout()
        boot_buttons.setContentsMargins(0, 0, 0, 0)
        boot_buttons.addWidget(self.boot_status_refresh)
        boot_buttons.addWidget(self.boot_reregister)
        boot_buttons.addStretch(1)
        boot_row = QHBoxLayout()
        boot_row.setContentsMargins(0, 0, 0, 0)
        boot_row.addWidget(self.boot_status, 1)
        boot_row.addLayout(boot_buttons)
        self.boot_status_box = QWidget()
        self.boot_status_box.setLayout(boot_row)
        self.boot_status_box.setVisible(self._boot_report is not None)
        self.language = QComboBox()
        for code in FIELDS["language"].choices or ():
            self.language.addItem(LANGUAGE_NAMES.get(code, ""), code)
        self.language.setCurrentIndex(self.language.findData(settings.language))
        self.theme = QComboBox()
        for code in FIELDS["theme"].choices or ():
            self.theme.addItem("", code)
        self.theme.setCurrentIndex(self.theme.findData(settings.theme))
        self.raw_hours = self._number_box("retention_raw_hours", settings.retention_raw_hours, decimals=1)
        self.minute_days = self._number_box("retention_minute_days", settings.retention_minute_days, decimals=1)
        self.hour_days = self._number_box("retention_hour_days", settings.retention_hour_days, decimals=0)
        self.data_dir = QLineEdit(data_dir)
        self.data_dir.setReadOnly(True)
        self.open_data_dir = QPushButton()
        self.open_data_dir.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(self._data_dir)))
        self.secret_store = QLabel()
        self.secret_store.setObjectName("secretStore")
        self.secret_store.setWordWrap(True)
        self.form_error = QLabel()
        self.form_error.setStyleSheet(ERROR_STYLE)
        self.form_error.setWordWrap(True)
        self.form_error.hide()

        self.general = QGroupBox()
        general = QFormLayout(self.general)
        self._labels: dict[str, QLabel] = {
            name: QLabel() for name in ("interval_s", "language", "theme", "data_dir", "secret_store")
        }
        general.addRow(self._labels["interval_s"], self._with_error("interval_s", self.interval))
        general.addRow("", self.interval_locked_note)
        general.addRow("", self.start_with_os)
        general.addRow("", self.autostart_hint)
        general.addRow("", self.keep_running_at_boot)
        general.addRow("", self.boot_status_box)
        general.addRow(self._labels["language"], self._with_error("language", self.language))
        general.addRow(self._labels["theme"], self._with_error("theme", self.theme))
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir, 1)
        data_row.addWidget(self.open_data_dir)
        data_box = QWidget()
        data_box.setLayout(data_row)
        data_row.setContentsMargins(0, 0, 0, 0)
        general.addRow(self._labels["data_dir"], data_box)
        general.addRow(self._labels["secret_store"], self.secret_store)

        self.history = QGroupBox()
        history = QFormLayout(self.history)
        for name in ("retention_raw_hours", "retention_minute_days", "retention_hour_days"):
            self._labels[name] = QLabel()
        history.addRow(self._labels["retention_raw_hours"], self._with_error("retention_raw_hours", self.raw_hours))
        history.addRow(
            self._labels["retention_minute_days"], self._with_error("retention_minute_days", self.minute_days)
        )
        history.addRow(self._labels["retention_hour_days"], self._with_error("retention_hour_days", self.hour_days))

        self.api = QGroupBox()
        self.api.setCheckable(True)
        self.api.setChecked(settings.api_enabled)
        api = QFormLayout(self.api)
        self.api_host = QComboBox()
        self.api_host.setEditable(True)
        self.api_host.addItem("", "127.0.0.1")
        self.api_host.addItem("", "0.0.0.0")
        index = self.api_host.findData(settings.api_host)
        if index >= 0:
            self.api_host.setCurrentIndex(index)
        else:
            self.api_host.setEditText(settings.api_host)
        self.api_port = QSpinBox()
        self.api_port.setRange(1, 65535)
        self.api_port.setValue(settings.api_port)
        self.api_certificate = QLineEdit(settings.api_tls_certificate)
        self.api_key = QLineEdit(settings.api_tls_key)
        self.api_hint = QLabel()
        self.api_hint.setWordWrap(True)
        self.api_hint.setStyleSheet("color: palette(mid);")
        for name in ("api_host", "api_port", "api_tls_certificate", "api_tls_key"):
            self._labels[name] = QLabel()
        api.addRow(self._labels["api_host"], self._with_error("api_host", self.api_host))
        api.addRow(self._labels["api_port"], self._with_error("api_port", self.api_port))
        api.addRow(self._labels["api_tls_certificate"], self._with_error("api_tls_certificate", self.api_certificate))
        api.addRow(self._labels["api_tls_key"], self._with_error("api_tls_key", self.api_key))
        api.addRow("", self.api_hint)

        self.security = QGroupBox()
        security = QFormLayout(self.security)
        self.require_sign_in = QCheckBox()
        self.require_sign_in.setObjectName("requireSignIn")
        self.require_sign_in.setChecked(settings.require_sign_in)
        self.lock_idle = QSpinBox()
        self.lock_idle.setObjectName("lockIdleMinutes")
        self.lock_idle.setRange(0, int(FIELDS["lock_idle_minutes"].maximum or 1440))
        self.lock_idle.setValue(settings.lock_idle_minutes)
        self.lock_on_tray = QCheckBox()
        self.lock_on_tray.setObjectName("lockOnTray")
        self.lock_on_tray.setChecked(settings.lock_on_tray)
        self._labels["lock_idle_minutes"] = QLabel()
        security.addRow("", self.require_sign_in)
        security.addRow(self._labels["lock_idle_minutes"], self._with_error("lock_idle_minutes", self.lock_idle))
        security.addRow("", self.lock_on_tray)
        self._refusal = refusal
        if refusal:
            for widget in (self.interval, self.start_with_os, self.history, self.api, self.security):
                widget.setEnabled(False)
                widget.setToolTip(refusal)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.general)
        layout.addWidget(self.history)
        layout.addWidget(self.api)
        layout.addWidget(self.security)
        layout.addWidget(self.form_error)
        layout.addWidget(self.buttons)
        self._retranslate()
        self.refresh_boot_status()

    def _number_box(self, field: str, value: float, *, decimals: int) -> QDoubleSpinBox:
        info = FIELDS[field]
        box = QDoubleSpinBox()
        box.setDecimals(decimals)
        minimum = info.minimum if info.minimum is not None else 0.0
        if info.exclusive_minimum:
            minimum += 10 ** -decimals
        box.setRange(minimum, info.maximum if info.maximum is not None else 1e9)
        box.setValue(value)
        box.setToolTip(info.description)
        return box

    def _with_error(self, field: str, widget: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(widget)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        layout.addWidget(error)
        self._errors[field] = error
        return box

    def values(self) -> dict[str, object]:
        return {
            "interval_s": self.interval.value(),
            "start_with_os": self.start_with_os.isChecked(),
            "keep_running_at_boot": self.keep_running_at_boot.isChecked(),
            "language": self.language.currentData(),
            "theme": self.theme.currentData(),
            "retention_raw_hours": self.raw_hours.value(),
            "retention_minute_days": self.minute_days.value(),
            "retention_hour_days": self.hour_days.value(),
            "api_enabled": self.api.isChecked(),
            "api_host": self._host_text(),
            "api_port": self.api_port.value(),
            "api_tls_certificate": self.api_certificate.text().strip(),
            "api_tls_key": self.api_key.text().strip(),
            "require_sign_in": self.require_sign_in.isChecked(),
            "lock_idle_minutes": self.lock_idle.value(),
            "lock_on_tray": self.lock_on_tray.isChecked(),
        }

    def _host_text(self) -> str:
        """The address typed or picked (the list shows a description, its data is the address)."""
        text = self.api_host.currentText().strip()
        index = self.api_host.currentIndex()
        if index >= 0 and text == self.api_host.itemText(index):
            return str(self.api_host.itemData(index))
        return text

    @Slot()
    def refresh_boot_status(self) -> None:
        """Read the background engine's state again (off the GUI thread); the line says so meanwhile."""
        if self._boot_report is None or self._tasks is None:
            return
        self._boot_report_shown = None
        self.boot_status.setText(self.tr("Checking the background engine…"))
        self.boot_status_refresh.setEnabled(False)
        self.boot_reregister.hide()
        self._tasks.run(
            self._boot_report, self._on_boot_report, self._on_boot_report_failed, owner=self, key="boot-engine-status"
        )

    def _on_boot_report(self, report: BootEngineReport) -> None:
        self._boot_report_shown = report
        self.boot_status.setText(describe_report(report))
        self.boot_status_refresh.setEnabled(True)
        status = report.status
        self.boot_reregister.setVisible(
            status is not None and status.without_secrets and not self._refusal
        )

    def _on_boot_report_failed(self, error: Exception) -> None:
        self._on_boot_report(BootEngineReport(None, str(error) or type(error).__name__))

    @Slot()
    def _on_accept(self) -> None:
        for label in self._errors.values():
            label.hide()
        self.form_error.hide()
        try:
            self.result_settings = self._settings.replace(**self.values())
        except ValidationError as exc:
            leftovers = []
            for error in exc.errors:
                label = self._errors.get(error.field)
                if label is None:
                    leftovers.append(error.message)
                    continue
                label.setText(error.message)
                label.show()
            if leftovers:
                self.form_error.setText("\n".join(leftovers))
                self.form_error.show()
            return
        self.accept()

    def _secret_store_text(self) -> str:
        windows = os.name == "nt"
        if self._secret_store == "keyring":
            return self.tr("Windows Credential Manager") if windows else self.tr("The system keyring")
        if self._secret_store == "file":
            if windows:
                return self.tr(
                    "An encrypted file in the data folder (its key protected by Windows for your account)"
                )
            return self.tr("An encrypted file in the data folder (its key readable only by you)")
        return self.tr("None saved yet: the first goes to the system keyring, or to an encrypted file where "
                       "there is none")

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Settings"))
        self.general.setTitle(self.tr("General"))
        self.history.setTitle(self.tr("History"))
        self._labels["interval_s"].setText(self.tr("Measure every"))
        self._labels["language"].setText(self.tr("Language"))
        self._labels["theme"].setText(self.tr("Theme"))
        self._labels["data_dir"].setText(self.tr("Data folder"))
        self._labels["retention_raw_hours"].setText(self.tr("Keep every sample for"))
        self._labels["retention_minute_days"].setText(self.tr("Keep 1-minute averages for"))
        self._labels["retention_hour_days"].setText(self.tr("Keep hourly averages for"))
        self.interval.setSuffix(self.tr(" s"))
        self.raw_hours.setSuffix(self.tr(" h"))
        self.minute_days.setSuffix(self.tr(" days"))
        self.hour_days.setSuffix(self.tr(" days"))
        self.interval_locked_note.setText(self.tr("Set on the command line or by MONITOR_INTERVAL"))
        self.start_with_os.setText(self.tr("Start monitor_app when I sign in"))
        self.autostart_hint.setText(self._autostart_where)
        self.keep_running_at_boot.setText(self.tr("Keep running at boot without login"))
        self.keep_running_at_boot.setToolTip(
            self.tr("Starts the monitor without a window when the PC starts, before anyone signs in, so your "
                    "servers come back after a reboot. It uses the same data folder as this window.")
        )
        self.boot_status_refresh.setText(self.tr("Check again"))
        self.boot_reregister.setText(self.tr("Register again with my password…"))
        self.boot_reregister.setToolTip(
            self.tr("Registers the background engine again with your Windows password, so it can read your saved "
                    "webhook URLs and plugin passwords.")
        )
        if self._boot_report_shown is not None:
            self.boot_status.setText(describe_report(self._boot_report_shown))
        self.open_data_dir.setText(self.tr("Open"))
        self._labels["secret_store"].setText(self.tr("Secrets kept in"))
        self.secret_store.setText(self._secret_store_text())
        self.secret_store.setToolTip(
            self.tr("Webhook URLs, signing secrets and plugin passwords. They are never written to the database, "
                    "to exports or to API answers.")
        )
        self.language.setItemText(self.language.findData("system"), self.tr("Follow the system"))
        self.api.setTitle(self.tr("Remote access (REST API)"))
        self._labels["api_host"].setText(self.tr("Who can connect"))
        self._labels["api_port"].setText(self.tr("Port"))
        self._labels["api_tls_certificate"].setText(self.tr("HTTPS certificate (PEM)"))
        self._labels["api_tls_key"].setText(self.tr("HTTPS private key (PEM)"))
        self.api_host.setItemText(0, self.tr("This PC only (127.0.0.1)"))
        self.api_host.setItemText(1, self.tr("Every network of this PC (0.0.0.0)"))
        self.api_certificate.setPlaceholderText(self.tr("empty: plain HTTP"))
        self.api_hint.setText(
            self.tr("Phones and scripts sign in as a monitor_app user. Open it to the network only on a network you "
                    "trust; the game's own ports are not affected.")
        )
        self.security.setTitle(self.tr("Sign-in and lock"))
        self.require_sign_in.setText(self.tr("Require sign-in to open the window"))
        self._labels["lock_idle_minutes"].setText(self.tr("Lock after idle for"))
        self.lock_idle.setSuffix(self.tr(" min"))
        self.lock_idle.setSpecialValueText(self.tr("Never"))
        self.lock_on_tray.setText(self.tr("Lock when minimised to the tray"))
        if not self._refusal:
            self.security.setToolTip(self.tr("Programs keep running while the window is locked."))
        themes = {"system": self.tr("Follow the system"), "light": self.tr("Light"), "dark": self.tr("Dark")}
        for index in range(self.theme.count()):
            self.theme.setItemText(index, themes.get(self.theme.itemData(index), self.theme.itemData(index)))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
