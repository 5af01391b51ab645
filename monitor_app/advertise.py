"""Announces the engine this process owns, so a window launched later attaches to it (composition, like webapi.py).

Once the REST API listens, a fresh local token is given to the account service and written, with the API's
loopback address, into the data dir's advertisement (``engine.discovery``). Stopping removes both.
"""

import getpass
import hashlib
import logging
import os
import ssl
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from PySide6.QtCore import QObject, Slot

from monitor_app import __version__
from monitor_app.auth.service import AccountService
from monitor_app.engine.discovery import (
    Advertisement,
    new_local_token,
    remove_advertisement,
    write_advertisement,
)

log = logging.getLogger(__name__)

_WILDCARDS = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]"}


def loopback_url(address: str) -> str:
    """The API address as a process on this machine reaches it (a wildcard listen address becomes loopback)."""
    parts = urlsplit(address)
    host = parts.hostname or ""
    shown = f"[{host}]" if ":" in host else host
    if shown in _WILDCARDS:
        return urlunsplit(parts._replace(netloc=f"{_WILDCARDS[shown]}:{parts.port}"))
    return address


def certificate_sha256(path: Path | None) -> str:
    """SHA-256 of the certificate's DER bytes (what the attaching window pins), or "" without TLS."""
    if path is None:
        return ""
    try:
        der = ssl.PEM_cert_to_DER_cert(path.read_text(encoding="ascii"))
    except (OSError, ValueError) as exc:
        log.warning("cannot read the API certificate %s for the advertisement: %s", path, exc)
        return ""
    return hashlib.sha256(der).hexdigest()


def login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (service accounts)
        return "local"


class EngineAdvertiser(QObject):
    """Writes and removes the advertisement of this process's engine."""

    def __init__(
        self,
        data_dir: Path,
        accounts: AccountService,
        *,
        headless: bool,
        certificate: Path | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._accounts = accounts
        self._headless = headless
        self._certificate = certificate
        self._started_at = time.time()
        self.advertisement: Advertisement | None = None

    @Slot(str)
    def on_listening(self, address: str) -> None:
        token = new_local_token()
        self._accounts.set_local_token(token, login_name())
        advertisement = Advertisement(
            pid=os.getpid(),
            api_url=loopback_url(address),
            headless=self._headless,
            started_at=self._started_at,
            token=token,
            version=__version__,
            tls_sha256=certificate_sha256(self._certificate),
        )
        try:
            write_advertisement(self._data_dir, advertisement)
        except OSError as exc:
            log.warning(
                "cannot write the engine advertisement in %s (windows cannot attach): %s", self._data_dir, exc
            )
            return
        self.advertisement = advertisement

    def withdraw(self) -> None:
        self._accounts.set_local_token("", "")
        if self.advertisement is not None:
            remove_advertisement(self._data_dir, os.getpid())
            self.advertisement = None
