"""``EncryptedFileSecretStore``: the secrets in one encrypted file in the data folder, when no OS keyring is there.

What this protects against, honestly:

- **Windows** (the key is protected by DPAPI for the signed-in user): a copy of the data folder (a backup, a
  shared zip, another user of the PC, the disk in another machine) does not reveal the secrets. Malware or a
  person running programs as the same Windows user can still read them, as they could any credential store.
- **POSIX** (the key sits in ``secrets.key``, owner read/write only): the database or ``secrets.enc`` copied
  or shared on their own reveal nothing, and other (non-root) users of the machine cannot read the key. Anyone
  who can read the owner's files, root, or a copy of the whole data folder (key included) can decrypt them.

The file is Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) over a JSON object of ref -> value.
Every write goes to a temporary file that replaces the old one, so a crash leaves the old or the new file,
never half of one. A file that cannot be read (damaged, wrong key, key missing) is an error that names the
file; it is never overwritten, so the other secrets in it are never lost by a write.
"""

import base64
import binascii
import json
import logging
import os
import stat
import sys
import threading
from contextlib import suppress
from pathlib import Path

from monitor_app.core.secrets import SecretStoreError
from monitor_app.secretstore.protection import KeyProtection, default_protection

log = logging.getLogger(__name__)

SECRETS_FILE_NAME = "secrets.enc"
KEY_FILE_NAME = "secrets.key"
#: First line of the secrets file: what it is, so a wrong file is told apart from a damaged one.
MAGIC = b"monitor_app secrets v1\n"
KEY_FORMAT_VERSION = 1
#: Owner read/write only.
PRIVATE_MODE = 0o600


class EncryptedFileSecretStore:
    """Secrets in ``<folder>/secrets.enc``, encrypted with the key in ``<folder>/secrets.key``.

    Args:
        folder: The data folder.
        protection: How the key is kept (default: DPAPI on Windows, file permissions elsewhere).
    """

    def __init__(self, folder: Path, *, protection: KeyProtection | None = None) -> None:
        self.folder = folder
        self.path = folder / SECRETS_FILE_NAME
        self.key_path = folder / KEY_FILE_NAME
        self._protection = protection or default_protection()
        self._lock = threading.Lock()
        self.description = f"the encrypted file {self.path} ({self._protection.description})"

    # ------------------------------------------------------------------ SecretStore

    def get(self, ref: str) -> str | None:
        with self._lock:
            return self._read().get(ref)

    def set(self, ref: str, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a secret is text")
        with self._lock:
            values = self._read()
            if values.get(ref) == value:
                return
            values[ref] = value
            self._write(values)

    def delete(self, ref: str) -> None:
        with self._lock:
            values = self._read()
            if values.pop(ref, None) is not None:
                self._write(values)

    def refs(self) -> tuple[str, ...]:
        """Every ref stored (for tests and diagnostics; values are not returned)."""
        with self._lock:
            return tuple(sorted(self._read()))

    # ------------------------------------------------------------------ reading

    def _read(self) -> dict[str, str]:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        except OSError as exc:
            raise SecretStoreError(f"cannot read the secrets file {self.path}: {exc}") from exc
        if not data.startswith(MAGIC):
            raise SecretStoreError(
                f"{self.path} is not a monitor_app secrets file (or it is damaged); it was left untouched"
            )
        key = self._read_key(required_by=self.path)
        from cryptography.fernet import Fernet, InvalidToken  # ~7 MiB: only once there are secrets

        try:
            plain = Fernet(key).decrypt(data[len(MAGIC) :].strip())
            document = json.loads(plain.decode("utf-8"))
        except (InvalidToken, ValueError) as exc:
            raise SecretStoreError(
                f"cannot decrypt {self.path}: it is damaged or {self.key_path} is not its key; both were left "
                "untouched (restore them from a backup, or delete both and enter the secrets again)"
            ) from exc
        values = document.get("secrets") if isinstance(document, dict) else None
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise SecretStoreError(f"{self.path} has an unknown layout; it was left untouched")
        return {str(k): v for k, v in values.items()}

    def _read_key(self, *, required_by: Path | None) -> bytes:
        try:
            text = self.key_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SecretStoreError(
                f"the key file {self.key_path} is missing, so the secrets in {required_by} cannot be read; "
                "restore it from a backup (nothing was changed)"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SecretStoreError(f"cannot read the key file {self.key_path}: {exc}") from exc
        self._tighten(self.key_path)
        try:
            document = json.loads(text)
            protection = document["protection"]
            blob = base64.b64decode(document["key"], validate=True)
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise SecretStoreError(f"the key file {self.key_path} is damaged; it was left untouched") from exc
        if protection != self._protection.name:
            raise SecretStoreError(
                f"the key file {self.key_path} was written on another system ({protection}; this one uses "
                f"{self._protection.name}); it was left untouched"
            )
        key = self._protection.unprotect(blob)
        from cryptography.fernet import Fernet

        try:
            Fernet(key)
        except ValueError as exc:
            raise SecretStoreError(
                f"the key file {self.key_path} holds no valid key; it was left untouched"
            ) from exc
        return key

    # ------------------------------------------------------------------ writing

    def _write(self, values: dict[str, str]) -> None:
        from cryptography.fernet import Fernet

        key = self._key_for_writing()
        document = json.dumps({"version": 1, "secrets": values}, ensure_ascii=False, sort_keys=True)
        token = Fernet(key).encrypt(document.encode("utf-8"))
        write_atomically(self.path, MAGIC + token + b"\n")

    def _key_for_writing(self) -> bytes:
        if self.key_path.exists() or self.path.exists():
            return self._read_key(required_by=self.path)
        from cryptography.fernet import Fernet

        key = Fernet.generate_key()
        document = {
            "version": KEY_FORMAT_VERSION,
            "protection": self._protection.name,
            "key": base64.b64encode(self._protection.protect(key)).decode("ascii"),
        }
        write_atomically(self.key_path, json.dumps(document).encode("utf-8") + b"\n")
        log.info("created the secrets key %s (%s)", self.key_path, self._protection.description)
        return key

    @staticmethod
    def _tighten(path: Path) -> None:
        """A key file others can read (copied in with loose permissions) is made owner-only again (POSIX)."""
        if sys.platform == "win32":
            return
        with suppress(OSError):
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                os.chmod(path, PRIVATE_MODE)
                log.warning("%s could be read by other users (mode %o); made it owner-only", path, mode)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path`` (owner-only), flush it to disk, then replace ``path``."""
    partial = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.unlink(missing_ok=True)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_MODE)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(partial, path)
        if sys.platform != "win32":
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    except OSError as exc:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise SecretStoreError(
            f"cannot write {path}: {exc} (the previous file, if any, is unchanged)"
        ) from exc
