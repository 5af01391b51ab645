"""``KeyringSecretStore``: secrets in the OS keyring (Windows Credential Manager, macOS Keychain, Secret Service).

One keyring entry per secret under the service ``monitor_app``; the account name starts with a short digest of
the data folder, so two data folders (a test copy, a second server) never share or overwrite each other's
secrets. Windows keeps at most 2560 bytes per credential (the text is stored as UTF-16, so 1280 characters):
longer values (a long webhook URL) are split over numbered entries, up to ``MAX_PARTS`` of them; anything longer
is refused with a clear error before the keyring is touched.
"""

import hashlib
import os
from pathlib import Path
from typing import Any

from monitor_app.core.secrets import SecretStoreError

SERVICE = "monitor_app"
#: Windows' CRED_MAX_CREDENTIAL_BLOB_SIZE, in bytes of UTF-16.
MAX_ENTRY_BYTES = 5 * 512
MAX_PARTS = 16
#: The first entry of every value starts with ``v1:<parts>:``, so a split value is read back whole.
_HEADER = "v1:{parts}:"


def folder_scope(data_dir: Path) -> str:
    """A short, stable name of the data folder (a digest: the path itself may be long or personal)."""
    normalized = os.path.normcase(os.path.abspath(data_dir))
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()[:12]


class KeyringSecretStore:
    """Args:
    data_dir: Whose secrets these are (part of every account name).
    backend: A keyring backend (default: the one ``keyring`` chose for this system).
    """

    def __init__(self, data_dir: Path, *, backend: Any | None = None) -> None:
        if backend is None:
            import keyring  # ~20 MiB with its backends: only where the keyring is used

            backend = keyring.get_keyring()
        self._backend = backend
        self._scope = folder_scope(data_dir)
        self.description = describe_backend(self._backend)

    def account(self, ref: str, part: int = 0) -> str:
        """The keyring account name of a ref (and of a part of a split value)."""
        return f"{self._scope}:{ref}" + (f"#{part}" if part else "")

    # ------------------------------------------------------------------ SecretStore

    def get(self, ref: str) -> str | None:
        first = self._call("read", self._backend.get_password, SERVICE, self.account(ref))
        if first is None:
            return None
        parts, text = _parse_header(first, ref)
        pieces = [text]
        for part in range(1, parts):
            piece = self._call("read", self._backend.get_password, SERVICE, self.account(ref, part))
            if piece is None:
                raise SecretStoreError(
                    f"part {part + 1} of {parts} of the secret {ref} is missing from {self.description}"
                )
            pieces.append(piece)
        return "".join(pieces)

    def set(self, ref: str, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("a secret is text")
        chunks = split_for_keyring(value)
        old_parts = self._stored_parts(ref)
        chunks[0] = _HEADER.format(parts=len(chunks)) + chunks[0]
        # The extra parts first, the entry that names how many there are last: a failure half-way leaves the
        # old value readable (its header still names its own parts).
        for part in range(len(chunks) - 1, -1, -1):
            self._call("write", self._backend.set_password, SERVICE, self.account(ref, part), chunks[part])
        for part in range(len(chunks), old_parts):
            self._delete_entry(self.account(ref, part))

    def delete(self, ref: str) -> None:
        parts = self._stored_parts(ref)
        for part in range(parts - 1, -1, -1):
            self._delete_entry(self.account(ref, part))

    # ------------------------------------------------------------------ internals

    def _stored_parts(self, ref: str) -> int:
        try:
            first = self._call("read", self._backend.get_password, SERVICE, self.account(ref))
        except SecretStoreError:
            return 1  # unreadable: at least try to replace or delete the first entry
        if first is None:
            return 0
        try:
            return _parse_header(first, ref)[0]
        except SecretStoreError:
            return 1

    def _delete_entry(self, account: str) -> None:
        from keyring.errors import PasswordDeleteError

        try:
            self._backend.delete_password(SERVICE, account)
        except PasswordDeleteError:
            return  # not there: deleting is idempotent
        except Exception as exc:
            raise SecretStoreError(f"cannot delete a secret from {self.description}: {exc}") from exc

    def _call(self, verb: str, function: Any, *args: str) -> Any:
        try:
            return function(*args)
        except Exception as exc:
            raise SecretStoreError(f"cannot {verb} a secret in {self.description}: {exc}") from exc


def split_for_keyring(value: str) -> list[str]:
    """``value`` in pieces that each fit one Windows credential, with room for the header on the first.

    Raises:
        SecretStoreError: more than ``MAX_PARTS`` pieces would be needed.
    """
    budget = MAX_ENTRY_BYTES - 2 * len(_HEADER.format(parts=MAX_PARTS))
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in value:
        width = 4 if ord(char) > 0xFFFF else 2  # UTF-16: a surrogate pair for characters beyond the BMP
        if size + width > budget:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    chunks.append("".join(current))
    if len(chunks) > MAX_PARTS:
        limit = MAX_PARTS * budget // 2
        raise SecretStoreError(
            f"a secret of {len(value)} characters is too long for the OS keyring (at most about {limit})"
        )
    return chunks


def describe_backend(backend: Any) -> str:
    name = type(backend).__name__
    module = type(backend).__module__
    if module.endswith(".Windows") or name == "WinVaultKeyring":
        return "Windows Credential Manager"
    if module.endswith(".macOS"):
        return "the macOS Keychain"
    if module.endswith((".SecretService", ".libsecret")):
        return "the Secret Service keyring"
    return f"the OS keyring ({module}.{name})"


def _parse_header(first: str, ref: str) -> tuple[int, str]:
    head, sep, rest = first.partition(":")
    count, sep2, text = rest.partition(":")
    if head != "v1" or not sep or not sep2 or not count.isdigit() or not 1 <= int(count) <= MAX_PARTS:
        raise SecretStoreError(
            f"the keyring entry of {ref} was not written by monitor_app; it was left untouched"
        )
    return int(count), text
