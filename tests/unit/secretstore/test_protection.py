"""The DPAPI key protection's ctypes code, driven by a fake crypt32 that behaves like Windows' (on any OS)."""

import ctypes

import pytest

from monitor_app.core.secrets import SecretStoreError
from monitor_app.secretstore.file_store import EncryptedFileSecretStore
from monitor_app.secretstore.protection import (
    CRYPTPROTECT_UI_FORBIDDEN,
    DPAPI_DESCRIPTION,
    DPAPI_ENTROPY,
    DataBlob,
    DpapiProtection,
)


class FakeCrypt32:
    """CryptProtectData / CryptUnprotectData with Windows' calling convention: DATA_BLOB pointers in and out, the
    output allocated by "LocalAlloc" and to be freed with LocalFree. "Encryption" is a XOR bound to the user and
    the entropy, so a blob of another user or another entropy does not decrypt."""

    def __init__(self, user: int = 0x5A) -> None:
        self.user = user
        self.allocated: dict[int, ctypes.Array] = {}  # type: ignore[type-arg]
        self.freed: list[int] = []
        self.calls: list[tuple[str, object, int]] = []
        self.error = 0

    def _blob(self, pointer) -> bytes:  # type: ignore[no-untyped-def]
        blob = pointer._obj
        assert isinstance(blob, DataBlob)
        return ctypes.string_at(blob.pbData, blob.cbData)

    def _out(self, pointer, data: bytes) -> None:  # type: ignore[no-untyped-def]
        buffer = ctypes.create_string_buffer(data, len(data))
        self.allocated[ctypes.addressof(buffer)] = buffer
        pointer._obj.cbData = len(data)
        pointer._obj.pbData = ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char))

    def _xor(self, data: bytes, entropy: bytes) -> bytes:
        pad = bytes((self.user + b) % 256 for b in entropy) or b"\0"
        return bytes(b ^ pad[i % len(pad)] for i, b in enumerate(data))

    def CryptProtectData(self, data_in, description, entropy, reserved, prompt, flags, data_out):
        self.calls.append(("protect", description, flags))
        assert reserved is None and prompt is None
        self._out(data_out, b"DPAPI" + self._xor(self._blob(data_in), self._blob(entropy)))
        return 1

    def CryptUnprotectData(self, data_in, description, entropy, reserved, prompt, flags, data_out):
        self.calls.append(("unprotect", description, flags))
        blob = self._blob(data_in)
        if not blob.startswith(b"DPAPI"):
            self.error = 13  # ERROR_INVALID_DATA
            return 0
        self._out(data_out, self._xor(blob[5:], self._blob(entropy)))
        return 1

    def local_free(self, pointer) -> None:  # type: ignore[no-untyped-def]
        address = ctypes.cast(pointer, ctypes.c_void_p).value
        assert address in self.allocated, "LocalFree of memory DPAPI did not allocate"
        self.freed.append(address)

    def last_error(self) -> int:
        return self.error


def protection(fake: FakeCrypt32) -> DpapiProtection:
    return DpapiProtection(fake, local_free=fake.local_free, last_error=fake.last_error)


def test_dpapi_protects_and_unprotects_without_ui_and_frees_its_memory() -> None:
    fake = FakeCrypt32()
    dpapi = protection(fake)
    key = b"0123456789abcdef0123456789abcdef"
    blob = dpapi.protect(key)
    assert blob != key and key not in blob
    assert dpapi.unprotect(blob) == key
    assert [c[0] for c in fake.calls] == ["protect", "unprotect"]
    assert fake.calls[0][1] == DPAPI_DESCRIPTION and fake.calls[1][1] is None
    assert all(flags == CRYPTPROTECT_UI_FORBIDDEN for _, _, flags in fake.calls)
    assert sorted(fake.freed) == sorted(fake.allocated)  # every output buffer given back


def test_dpapi_binds_the_key_to_the_user_and_the_entropy() -> None:
    blob = protection(FakeCrypt32(user=1)).protect(b"k" * 32)
    assert protection(FakeCrypt32(user=2)).unprotect(blob) != b"k" * 32
    assert DPAPI_ENTROPY  # the entropy is part of the call, so the fake's XOR depends on it


def test_dpapi_failure_reads_clearly() -> None:
    fake = FakeCrypt32()
    with pytest.raises(SecretStoreError, match=r"DPAPI could not read the secrets key .*Windows error 13"):
        protection(fake).unprotect(b"not a dpapi blob")
    assert fake.freed == []


def test_file_store_with_dpapi_round_trips_and_keeps_no_raw_key(tmp_path) -> None:
    fake = FakeCrypt32()
    store = EncryptedFileSecretStore(tmp_path, protection=protection(fake))
    store.set("plugin/1/admin_password", "pal-admin")
    again = EncryptedFileSecretStore(tmp_path, protection=protection(fake))
    assert again.get("plugin/1/admin_password") == "pal-admin"
    assert "windows-dpapi" in (tmp_path / "secrets.key").read_text()
    other_user = EncryptedFileSecretStore(tmp_path, protection=protection(FakeCrypt32(user=7)))
    with pytest.raises(SecretStoreError):
        other_user.get("plugin/1/admin_password")
