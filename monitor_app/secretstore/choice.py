"""Which secret store a data folder uses: the OS keyring when a real one works, else the encrypted file.

The choice is remembered in the data folder (``secret-store.txt``): secrets written to the keyring must be
looked for there next time too, also when the engine later starts where the keyring cannot be reached (a
boot task without the user's password). Then the store reports that clearly instead of silently switching to
an empty file.
"""

import logging
import secrets
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from monitor_app.core.secrets import SecretStore, SecretStoreError
from monitor_app.secretstore.file_store import EncryptedFileSecretStore, write_atomically
from monitor_app.secretstore.keyring_store import KeyringSecretStore

log = logging.getLogger(__name__)

AUTO = "auto"
KEYRING = "keyring"
FILE = "file"
#: ``--secret-store`` / ``MONITOR_SECRET_STORE`` values.
MODES = (AUTO, KEYRING, FILE)
CHOICE_FILE_NAME = "secret-store.txt"
_PROBE_REF = "probe"


class UnavailableSecretStore:
    """The store this folder's secrets are in cannot be reached now: every call says so."""

    def __init__(self, description: str, reason: str) -> None:
        self.description = description
        self.reason = reason

    def get(self, ref: str) -> str | None:
        raise SecretStoreError(f"{self.description} cannot be reached: {self.reason}")

    def set(self, ref: str, value: str) -> None:
        self.get(ref)

    def delete(self, ref: str) -> None:
        self.get(ref)


def choose_secret_store(data_dir: Path, *, mode: str = AUTO, backend: Any | None = None) -> SecretStore:
    """The store for ``data_dir``; logs which one and why.

    Args:
        mode: ``auto`` (the remembered choice; for a new folder the keyring if a real one works, else the
            file), ``keyring`` or ``file`` (forced, e.g. for tests and headless Linux servers).
        backend: The keyring backend to try (default: the one ``keyring`` chose for this system).

    Raises:
        ValueError: an unknown mode.
    """
    if mode not in MODES:
        raise ValueError(f"secret store must be one of {', '.join(MODES)}, not {mode!r}")
    remembered = _remembered(data_dir)
    wanted = mode if mode != AUTO else remembered
    if mode != AUTO and remembered and remembered != mode:
        log.warning(
            "secrets of %s were kept in the %s store until now; with the %s store forced they are not found "
            "there (enter them again, or go back)",
            data_dir,
            remembered,
            mode,
        )
    store: SecretStore
    if wanted == FILE:
        store = EncryptedFileSecretStore(data_dir)
    else:
        if backend is None:
            import keyring

            backend = keyring.get_keyring()
        problem = keyring_problem(data_dir, backend)
        if problem is None:
            store = KeyringSecretStore(data_dir, backend=backend)
        elif wanted == KEYRING:
            log.error("the OS keyring holds the secrets of %s but cannot be used: %s", data_dir, problem)
            store = UnavailableSecretStore("the OS keyring", problem)
        else:
            log.info("no usable OS keyring (%s): using an encrypted file", problem)
            store = EncryptedFileSecretStore(data_dir)
    if remembered is None and not isinstance(store, UnavailableSecretStore):
        _remember(data_dir, FILE if isinstance(store, EncryptedFileSecretStore) else KEYRING)
    log.info("secrets are kept in %s", store.description)
    return store


def store_kind(data_dir: Path, *, mode: str = AUTO) -> str | None:
    """Where ``data_dir``'s secrets are kept (``keyring`` or ``file``), or None while none was ever saved.

    For display: reads only the remembered choice, so it loads neither ``keyring`` nor ``cryptography``.
    """
    return mode if mode in (KEYRING, FILE) else _remembered(data_dir)


def keyring_problem(data_dir: Path, backend: Any) -> str | None:
    """Why ``backend`` cannot hold secrets (None when a probe value was written, read back and deleted)."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return f"keyring found no backend on this system ({type(backend).__module__})"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "keyring found no backend on this system"
    probe = KeyringSecretStore(data_dir, backend=backend)
    value = secrets.token_hex(8)
    try:
        probe.set(_PROBE_REF, value)
        read = probe.get(_PROBE_REF)
        probe.delete(_PROBE_REF)
    except SecretStoreError as exc:
        return f"a test write failed: {exc.message}"
    if read != value:
        return "a test value written to it did not read back the same"
    return None


def _remembered(data_dir: Path) -> str | None:
    try:
        text = (data_dir / CHOICE_FILE_NAME).read_text(encoding="utf-8").strip()
    except OSError:
        return None
    if text in (KEYRING, FILE):
        return text
    log.warning("%s names no known secret store (%r): choosing again", data_dir / CHOICE_FILE_NAME, text)
    return None


def _remember(data_dir: Path, kind: str) -> None:
    try:
        # Atomically: the Settings dialog may read it at any moment (a half-written file would name no store).
        write_atomically(data_dir / CHOICE_FILE_NAME, (kind + "\n").encode())
    except OSError as exc:
        log.warning("cannot remember the secret store in %s: %s", data_dir, exc)


class LazySecretStore:
    """Chooses the store on first use: a monitor with no secret never loads ``keyring`` or ``cryptography``
    (about 27 MiB and 100 ms at start-up), and one with secrets pays once, when they are first read."""

    def __init__(self, choose: Callable[[], SecretStore]) -> None:
        self._choose = choose
        self._store: SecretStore | None = None
        self._lock = threading.Lock()

    @property
    def store(self) -> SecretStore:
        with self._lock:
            if self._store is None:
                self._store = self._choose()
            return self._store

    @property
    def description(self) -> str:
        return self.store.description

    def get(self, ref: str) -> str | None:
        return self.store.get(ref)

    def set(self, ref: str, value: str) -> None:
        self.store.set(ref, value)

    def delete(self, ref: str) -> None:
        self.store.delete(ref)
