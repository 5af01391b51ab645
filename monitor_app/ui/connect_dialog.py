""" "Connect to another PC…": where the other engine answers, how to sign in there, and whether to trust it.

The checks run in the background (``remote_connect``: health check, certificate, sign-in), one after the other,
and every refusal — a wrong password, a refused connection, no answer, the engine's lock-out, a certificate
that changed — shows in the dialog with everything typed kept. An https engine seen for the first time shows
its certificate's fingerprint and is trusted only if the user says so (trust on first use); a pinned address
whose certificate changed is refused until the user explicitly forgets the old one. On success the address,
username and pin (never the password, token or key) go first in the recent list.
"""

from functools import partial

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from monitor_app.core.errors import MonitorError, ValidationError
from monitor_app.engine.remote_connect import (
    API_KEY,
    PASSWORD,
    Probe,
    SignedIn,
    format_fingerprint,
    parse_address,
    probe,
    sign_in_with_key,
    sign_in_with_password,
)
from monitor_app.engine.remote_http import CertificateMismatchError, Endpoint, UnauthorizedError
from monitor_app.ui.account_dialogs import HINT_STYLE, error_text
from monitor_app.ui.background import BackgroundTasks
from monitor_app.ui.form_errors import error_label
from monitor_app.ui.icons import app_icon
from monitor_app.ui.recent_connections import RecentConnection, RecentConnections

#: Item data role holding a recent entry's address.
URL_ROLE = Qt.ItemDataRole.UserRole


class ConnectDialog(QDialog):
    """Asks for another PC's engine and a credential; accepted once the engine took the credential.

    Args:
        tasks: Pool the network calls run in.
        recent: Remembered connections (offered in the list, updated on success).
        address: Filled in (e.g. from ``--connect``).

    Attributes:
        signed_in: The accepted credential (after ``accepted``); ``endpoint`` is its ``Endpoint``.
        trust_box: The "trust this certificate?" question while it is open (tests answer it).
    """

    def __init__(
        self,
        tasks: BackgroundTasks,
        recent: RecentConnections,
        *,
        address: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowIcon(app_icon())
        self._tasks = tasks
        self._recent = recent
        self._busy = False
        self._trusted: dict[str, str] = {}  # trusted in this dialog before the sign-in succeeded
        self._mismatch_url = ""
        self.signed_in: SignedIn | None = None
        self.trust_box: QMessageBox | None = None

        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("recentConnections")
        self.recent_list.setMaximumHeight(120)
        self.recent_list.currentItemChanged.connect(self._on_recent_chosen)
        self.remove_recent = QPushButton()
        self.remove_recent.setObjectName("removeRecent")
        self.remove_recent.clicked.connect(self._on_remove_recent)
        self.address = QLineEdit(address)
        self.address.setObjectName("connectAddress")
        self.address.textChanged.connect(self._show_pin)
        self.password_choice = QRadioButton()
        self.password_choice.setObjectName("usePassword")
        self.key_choice = QRadioButton()
        self.key_choice.setObjectName("useApiKey")
        self.method = QButtonGroup(self)
        self.method.addButton(self.password_choice)
        self.method.addButton(self.key_choice)
        self.password_choice.setChecked(True)
        self.password_choice.toggled.connect(self._show_method)
        self.username = QLineEdit()
        self.username.setObjectName("connectUsername")
        self.password = QLineEdit()
        self.password.setObjectName("connectPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key = QLineEdit()
        self.api_key.setObjectName("connectApiKey")
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin = QLabel()
        self.pin.setObjectName("connectPin")
        self.pin.setWordWrap(True)
        self.pin.setStyleSheet(HINT_STYLE)
        self.pin.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QLabel()
        self.progress.setObjectName("connectProgress")
        self.progress.hide()
        self.error = error_label("connectError")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.forget_pin = QPushButton()
        self.forget_pin.setObjectName("forgetCertificate")
        self.forget_pin.clicked.connect(self._on_forget_pin)
        self.forget_pin.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        self._recent_label, self._address_label, self._username_label = QLabel(), QLabel(), QLabel()
        self._password_label, self._key_label = QLabel(), QLabel()
        recent_row = QHBoxLayout()
        recent_row.addWidget(self.recent_list, 1)
        recent_row.addWidget(self.remove_recent, 0, Qt.AlignmentFlag.AlignTop)
        choice = QHBoxLayout()
        choice.addWidget(self.password_choice)
        choice.addWidget(self.key_choice)
        choice.addStretch(1)
        self.form = QFormLayout()
        self.form.addRow(self._address_label, self.address)
        self.form.addRow("", self.pin)
        self.form.addRow("", choice)
        self.form.addRow(self._username_label, self.username)
        self.form.addRow(self._password_label, self.password)
        self.form.addRow(self._key_label, self.api_key)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self._recent_label)
        layout.addLayout(recent_row)
        layout.addLayout(self.form)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(self.forget_pin, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

        self._retranslate()
        self._fill_recent()
        if address:
            self._prefill(address)
        elif self.recent_list.count():
            self.recent_list.setCurrentRow(0)
        self._show_method()
        self._show_pin()

    @property
    def endpoint(self) -> Endpoint | None:
        return self.signed_in.endpoint if self.signed_in is not None else None

    # ------------------------------------------------------------------ the steps

    @Slot()
    def submit(self) -> None:
        if self._busy:
            return
        try:
            url = parse_address(self.address.text())
        except ValidationError as exc:
            self.show_error(exc.by_field().get("address", exc.message))
            self.address.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        if self.uses_key:
            if not self.api_key.text().strip():
                self.show_error(self.tr("Enter the API key (an administrator creates it on the Users page)."))
                return
        elif not self.username.text().strip() or not self.password.text():
            self.show_error(self.tr("Enter your username and password for that PC."))
            return
        pin = self._trusted.get(url) or self._recent.pin_for(url)
        self._set_busy(True, self.tr("Connecting to %1…").replace("%1", url))
        self._tasks.run(
            lambda: probe(url, pin), partial(self._on_probed, pin), self._on_failed, owner=self, key="connect"
        )

    def _on_probed(self, pin: str, result: Probe) -> None:
        if not self._busy:
            return  # cancelled meanwhile
        if result.certificate_sha256 and not pin:
            self._ask_trust(result)
            return
        self._sign_in(result.base_url, pin)

    def _ask_trust(self, result: Probe) -> None:
        self.progress.setText(self.tr("Waiting for you to check the certificate…"))
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Trust this certificate?"),
            self.tr(
                "%1 uses a certificate this PC has not seen before. Compare its fingerprint with the one shown "
                "on that PC (Settings, REST API) before you trust it:"
            ).replace("%1", result.base_url),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.setObjectName("trustCertificate")
        box.setInformativeText("SHA-256\n" + format_fingerprint(result.certificate_sha256))
        box.button(QMessageBox.StandardButton.Yes).setText(self.tr("Trust and connect"))
        box.button(QMessageBox.StandardButton.No).setText(self.tr("Do not connect"))
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.finished.connect(lambda _code: self._on_trust_answered(box, result))
        self.trust_box = box
        box.open()

    def _on_trust_answered(self, box: QMessageBox, result: Probe) -> None:
        self.trust_box = None
        box.deleteLater()
        if not self._busy:
            return
        if box.clickedButton() is not box.button(QMessageBox.StandardButton.Yes):
            self._set_busy(False)
            self.show_error(self.tr("Not connected: the certificate was not trusted."))
            return
        self._trusted[result.base_url] = result.certificate_sha256
        self._sign_in(result.base_url, result.certificate_sha256)

    def _sign_in(self, url: str, pin: str) -> None:
        self.progress.setText(self.tr("Signing in at %1…").replace("%1", url))
        if self.uses_key:
            key = self.api_key.text().strip()
            self._tasks.run(
                lambda: sign_in_with_key(url, pin, key),
                self._on_signed_in,
                self._on_failed,
                owner=self,
                key="connect",
            )
        else:
            username, password = self.username.text().strip(), self.password.text()
            self._tasks.run(
                lambda: sign_in_with_password(url, pin, username, password),
                self._on_signed_in,
                self._on_failed,
                owner=self,
                key="connect",
            )

    def _on_signed_in(self, result: SignedIn) -> None:
        if not self._busy:
            return
        self._set_busy(False)
        self.signed_in = result
        endpoint = result.endpoint
        self._recent.remember(
            RecentConnection(
                url=endpoint.base_url,
                username="" if self.uses_key else self.username.text().strip(),
                method=API_KEY if self.uses_key else PASSWORD,
                tls_sha256=endpoint.tls_sha256,
            )
        )
        self.password.clear()
        self.api_key.clear()
        self.accept()

    def _on_failed(self, exc: Exception) -> None:
        if not self._busy:
            return
        self._set_busy(False)
        if isinstance(exc, CertificateMismatchError):
            self._mismatch_url = parse_address(self.address.text())
            self.show_error(
                self.tr(
                    "Refused: %1 presented a different certificate than the one you trusted before.\n"
                    "Now: %2\nTrusted: %3\n"
                    "Another machine may be answering at this address. Only if that PC's certificate was "
                    "replaced on purpose, forget the old one and connect again."
                )
                .replace("%1", self._mismatch_url)
                .replace("%2", format_fingerprint(exc.seen))
                .replace("%3", format_fingerprint(self._pinned(self._mismatch_url)))
            )
            self.forget_pin.show()
        elif isinstance(exc, UnauthorizedError):
            if self.uses_key:
                self.show_error(self.tr("The engine refused this API key (wrong, revoked or expired)."))
                self.api_key.setFocus(Qt.FocusReason.OtherFocusReason)
                self.api_key.selectAll()
            else:
                self.show_error(self.tr("Wrong username or password."))
                self.password.setFocus(Qt.FocusReason.OtherFocusReason)
                self.password.selectAll()
        elif isinstance(exc, MonitorError):
            self.show_error(error_text(exc))
        else:
            self.show_error(str(exc) or type(exc).__name__)

    @Slot()
    def _on_forget_pin(self) -> None:
        url = self._mismatch_url
        self._recent.forget_pin(url)
        self._trusted.pop(url, None)
        self.forget_pin.hide()
        self._fill_recent()
        self._show_pin()
        self.show_error(
            self.tr(
                "The old certificate of %1 is forgotten. Connect again to see the new one and decide."
            ).replace("%1", url)
        )

    def reject(self) -> None:
        self._busy = False  # a result still on its way is dropped
        if self.trust_box is not None:
            self.trust_box.close()
        super().reject()

    # ------------------------------------------------------------------ showing

    @property
    def uses_key(self) -> bool:
        return self.key_choice.isChecked()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.connect_button.setEnabled(not busy)
        for widget in (
            self.address,
            self.recent_list,
            self.password_choice,
            self.key_choice,
            self.username,
            self.password,
            self.api_key,
            self.remove_recent,
        ):
            widget.setEnabled(not busy)
        self.progress.setText(text)
        self.progress.setVisible(busy)
        if busy:
            self.error.hide()
            self.forget_pin.hide()
        else:
            self._show_method()

    def _pinned(self, url: str) -> str:
        return self._trusted.get(url) or self._recent.pin_for(url)

    @Slot()
    def _show_pin(self) -> None:
        try:
            url = parse_address(self.address.text())
        except ValidationError:
            self.pin.clear()
            return
        pinned = self._pinned(url)
        if pinned:
            self.pin.setText(
                self.tr("Trusted certificate (SHA-256): %1").replace("%1", format_fingerprint(pinned))
            )
        elif url.startswith("https://"):
            self.pin.setText(self.tr("First connection: you will be shown the certificate to trust."))
        else:
            self.pin.setText(self.tr("Not encrypted (http): use https if the engine serves it."))

    @Slot()
    def _show_method(self) -> None:
        key = self.uses_key
        for widget in (self.username, self.password, self._username_label, self._password_label):
            widget.setVisible(not key)
        for widget in (self.api_key, self._key_label):
            widget.setVisible(key)

    def _fill_recent(self) -> None:
        self.recent_list.blockSignals(True)
        self.recent_list.clear()
        for entry in self._recent.entries():
            who = self.tr("API key") if entry.method == API_KEY else entry.username
            item = QListWidgetItem(f"{entry.url} · {who}" if who else entry.url)
            item.setData(URL_ROLE, entry.url)
            self.recent_list.addItem(item)
        self.recent_list.blockSignals(False)
        self._recent_label.setVisible(self.recent_list.count() > 0)
        self.recent_list.setVisible(self.recent_list.count() > 0)
        self.remove_recent.setVisible(self.recent_list.count() > 0)

    def _prefill(self, address: str) -> None:
        try:
            entry = self._recent.find(parse_address(address))
        except ValidationError:
            return  # shown when the user presses Connect
        if entry is not None:
            self._use_entry(entry)

    def _use_entry(self, entry: RecentConnection) -> None:
        self.address.setText(entry.url)
        (self.key_choice if entry.method == API_KEY else self.password_choice).setChecked(True)
        self.username.setText(entry.username)
        (self.api_key if entry.method == API_KEY else self.password).setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_recent_chosen(self, current: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        if current is None:
            return
        entry = self._recent.find(str(current.data(URL_ROLE)))
        if entry is not None:
            self._use_entry(entry)

    @Slot()
    def _on_remove_recent(self) -> None:
        item = self.recent_list.currentItem()
        if item is not None:
            self._recent.remove(str(item.data(URL_ROLE)))
            self._fill_recent()
            self._show_pin()

    def _retranslate(self) -> None:
        self.setWindowTitle(self.tr("Connect to another PC"))
        self.intro.setText(
            self.tr(
                "Open a window on the engine of another PC on your network. Its REST API must be open to the "
                "network there (Settings, REST API)."
            )
        )
        self._recent_label.setText(self.tr("Recent"))
        self.remove_recent.setText(self.tr("Remove"))
        self._address_label.setText(self.tr("Address"))
        self.address.setPlaceholderText(self.tr("192.168.0.10, server:8080 or https://server:8080"))
        self.password_choice.setText(self.tr("Username and password"))
        self.key_choice.setText(self.tr("API key"))
        self._username_label.setText(self.tr("Username"))
        self._password_label.setText(self.tr("Password"))
        self._key_label.setText(self.tr("API key"))
        self.forget_pin.setText(self.tr("Forget the old certificate"))
        self.connect_button.setText(self.tr("Connect"))
        self._show_pin()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)
