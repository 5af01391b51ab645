"""How the encrypted secrets file's key is kept: DPAPI on Windows, a 0600 file on POSIX (the platform seam).

DPAPI (``CryptProtectData``) encrypts the key with a key derived from the Windows user's logon credentials:
the key file is useless to another user, on another PC, or to anyone who only has a copy of the data folder.
On POSIX there is no such per-user service everywhere (a headless server has no keyring), so the key is kept
as it is and only the file permissions (owner read/write) protect it.
"""

import ctypes
import sys
from collections.abc import Callable
from typing import Any, Protocol

from monitor_app.core.errors import MonitorError
from monitor_app.core.secrets import SecretStoreError


class KeyProtection(Protocol):
    """Turns the file key into what is written to the key file, and back.

    Attributes:
        name: Recorded in the key file, so a key protected one way is never read another way.
        description: For people ("protected by Windows DPAPI").
    """

    name: str
    description: str

    def protect(self, key: bytes) -> bytes: ...

    def unprotect(self, blob: bytes) -> bytes: ...


class FilePermissionProtection:
    """POSIX: the key is stored as it is; the key file is created owner-only (0600)."""

    name = "posix-0600"
    description = "key in an owner-only file (0600)"

    def protect(self, key: bytes) -> bytes:
        return key

    def unprotect(self, blob: bytes) -> bytes:
        return blob


# ------------------------------------------------------------------------------------------------ DPAPI

#: No dialog may ever appear (a headless engine has nobody to click it).
CRYPTPROTECT_UI_FORBIDDEN = 0x1
#: Mixed into DPAPI's key, so another program of the same user calling CryptUnprotectData on the blob alone
#: gets nothing (not a secret: it only makes the blob specific to this use).
DPAPI_ENTROPY = b"monitor_app secrets file key v1"
DPAPI_DESCRIPTION = "monitor_app secrets key"


class DataBlob(ctypes.Structure):
    """``DATA_BLOB`` of wincrypt.h."""

    _fields_ = [("cbData", ctypes.c_uint32), ("pbData", ctypes.POINTER(ctypes.c_char))]


class DpapiProtection:
    """Windows: the key is encrypted for the current user with ``CryptProtectData``.

    Args:
        crypt32: Something with ``CryptProtectData`` / ``CryptUnprotectData`` (crypt32.dll; tests pass a fake).
        local_free: Frees what DPAPI allocated (kernel32 ``LocalFree``).
        last_error: The calling thread's last Windows error (``ctypes.get_last_error``).
    """

    name = "windows-dpapi"
    description = "key protected by Windows DPAPI for this user"

    def __init__(
        self,
        crypt32: Any | None = None,
        *,
        local_free: Callable[[Any], object] | None = None,
        last_error: Callable[[], int] | None = None,
    ) -> None:
        if crypt32 is None:
            crypt32, local_free, last_error = _windows_api()
        if local_free is None or last_error is None:
            raise ValueError("local_free and last_error are required with a crypt32 other than Windows' own")
        self._crypt32 = crypt32
        self._local_free = local_free
        self._last_error = last_error

    def protect(self, key: bytes) -> bytes:
        return self._call("CryptProtectData", key, DPAPI_DESCRIPTION, "protect the secrets key")

    def unprotect(self, blob: bytes) -> bytes:
        return self._call(
            "CryptUnprotectData",
            blob,
            None,
            "read the secrets key (was the data folder copied from another Windows user or PC?)",
        )

    def _call(self, function: str, data: bytes, description: str | None, what: str) -> bytes:
        source = ctypes.create_string_buffer(data, len(data))
        entropy_buffer = ctypes.create_string_buffer(DPAPI_ENTROPY, len(DPAPI_ENTROPY))
        data_in = DataBlob(len(data), ctypes.cast(source, ctypes.POINTER(ctypes.c_char)))
        entropy = DataBlob(len(DPAPI_ENTROPY), ctypes.cast(entropy_buffer, ctypes.POINTER(ctypes.c_char)))
        data_out = DataBlob()
        # Both functions take (in, description, entropy, reserved, prompt, flags, out); Unprotect's description
        # is an output we do not want (NULL).
        ok = getattr(self._crypt32, function)(
            ctypes.byref(data_in),
            description,
            ctypes.byref(entropy),
            None,
            None,
            CRYPTPROTECT_UI_FORBIDDEN,
            ctypes.byref(data_out),
        )
        if not ok:
            raise SecretStoreError(f"Windows DPAPI could not {what} (Windows error {self._last_error()})")
        try:
            return ctypes.string_at(data_out.pbData, data_out.cbData)
        finally:
            self._local_free(data_out.pbData)


def _windows_api() -> tuple[Any, Callable[[Any], object], Callable[[], int]]:
    if sys.platform != "win32":
        raise MonitorError("Windows DPAPI exists only on Windows")
    crypt32 = ctypes.WinDLL("crypt32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    for name in ("CryptProtectData", "CryptUnprotectData"):
        getattr(crypt32, name).restype = ctypes.c_int
    kernel32.LocalFree.argtypes = [ctypes.c_void_p]
    kernel32.LocalFree.restype = ctypes.c_void_p
    last_error = ctypes.get_last_error  # type: ignore[attr-defined]
    return crypt32, lambda pointer: kernel32.LocalFree(ctypes.cast(pointer, ctypes.c_void_p)), last_error


def default_protection() -> KeyProtection:
    """DPAPI on Windows, file permissions elsewhere."""
    return DpapiProtection() if sys.platform == "win32" else FilePermissionProtection()
