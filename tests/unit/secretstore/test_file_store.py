"""The encrypted secrets file: round trips, nothing readable on disk, owner-only files, and a damaged file or a
missing key that is reported and never overwritten."""

import os
import stat
import sys
from pathlib import Path

import pytest

from monitor_app.core.secrets import SecretStoreError
from monitor_app.secretstore.file_store import KEY_FILE_NAME, SECRETS_FILE_NAME, EncryptedFileSecretStore


@pytest.fixture
def store(tmp_path: Path) -> EncryptedFileSecretStore:
    return EncryptedFileSecretStore(tmp_path / "data")


def test_file_store_round_trip_replace_and_delete(store: EncryptedFileSecretStore) -> None:
    assert store.get("webhook/1/url") is None
    store.set("webhook/1/url", "https://discord.com/api/webhooks/1/TOKEN-abc")
    store.set("plugin/2/admin_password", "비밀번호 with ünïcode")
    assert store.get("webhook/1/url") == "https://discord.com/api/webhooks/1/TOKEN-abc"
    assert store.get("plugin/2/admin_password") == "비밀번호 with ünïcode"
    store.set("webhook/1/url", "https://example.com/new")
    assert store.get("webhook/1/url") == "https://example.com/new"
    store.delete("webhook/1/url")
    store.delete("webhook/1/url")  # twice: nothing to delete is fine
    assert store.get("webhook/1/url") is None
    assert store.refs() == ("plugin/2/admin_password",)
    # A second store on the same folder (the next start) reads the same values.
    assert EncryptedFileSecretStore(store.folder).get("plugin/2/admin_password") == "비밀번호 with ünïcode"


def test_file_store_keeps_long_values(store: EncryptedFileSecretStore) -> None:
    long = "x" * 100_000 + "끝"
    store.set("long", long)
    assert store.get("long") == long


def test_file_store_writes_no_plain_text(store: EncryptedFileSecretStore) -> None:
    store.set("webhook/1/secret", "hunter2-plain-text")
    for name in os.listdir(store.folder):
        assert b"hunter2-plain-text" not in (store.folder / name).read_bytes(), name
    assert not list(store.folder.glob("*.tmp"))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_file_store_files_are_owner_only_and_a_loose_key_is_tightened(
    store: EncryptedFileSecretStore, caplog
) -> None:
    store.set("a", "b")
    for name in (SECRETS_FILE_NAME, KEY_FILE_NAME):
        assert stat.S_IMODE((store.folder / name).stat().st_mode) == 0o600, name
    os.chmod(store.folder / KEY_FILE_NAME, 0o644)
    assert EncryptedFileSecretStore(store.folder).get("a") == "b"
    assert stat.S_IMODE((store.folder / KEY_FILE_NAME).stat().st_mode) == 0o600
    assert "made it owner-only" in caplog.text


def test_a_damaged_file_is_an_error_and_is_never_overwritten(store: EncryptedFileSecretStore) -> None:
    store.set("keep", "me")
    path = store.folder / SECRETS_FILE_NAME
    damaged = path.read_bytes()[:-20] + b"garbage!garbage!gar\n"
    path.write_bytes(damaged)
    with pytest.raises(SecretStoreError, match="cannot decrypt .*secrets.enc"):
        store.get("keep")
    with pytest.raises(SecretStoreError):
        store.set("other", "value")  # a write would lose "keep": refused
    with pytest.raises(SecretStoreError):
        store.delete("keep")
    assert path.read_bytes() == damaged


def test_a_foreign_file_and_a_wrong_key_read_clearly(store: EncryptedFileSecretStore, tmp_path: Path) -> None:
    store.set("keep", "me")
    original = (store.folder / SECRETS_FILE_NAME).read_bytes()
    other = EncryptedFileSecretStore(tmp_path / "other")
    other.set("x", "y")
    (store.folder / KEY_FILE_NAME).write_bytes((other.folder / KEY_FILE_NAME).read_bytes())
    with pytest.raises(SecretStoreError, match="is not its key"):
        store.get("keep")
    (store.folder / SECRETS_FILE_NAME).write_text("hello")
    with pytest.raises(SecretStoreError, match="not a monitor_app secrets file"):
        store.get("keep")
    (store.folder / SECRETS_FILE_NAME).write_bytes(original)
    (store.folder / KEY_FILE_NAME).write_text("{not json")
    with pytest.raises(SecretStoreError, match="key file .* is damaged"):
        store.get("keep")


def test_a_missing_key_is_an_error_and_no_new_key_replaces_it(store: EncryptedFileSecretStore) -> None:
    store.set("keep", "me")
    (store.folder / KEY_FILE_NAME).unlink()
    with pytest.raises(SecretStoreError, match="key file .* is missing"):
        store.get("keep")
    with pytest.raises(SecretStoreError, match="is missing"):
        store.set("other", "value")
    assert not (store.folder / KEY_FILE_NAME).exists()


def test_a_key_from_another_protection_is_refused(store: EncryptedFileSecretStore) -> None:
    from monitor_app.secretstore.protection import DpapiProtection
    from tests.unit.secretstore.test_protection import FakeCrypt32

    store.set("keep", "me")
    fake = FakeCrypt32()
    windows = EncryptedFileSecretStore(
        store.folder, protection=DpapiProtection(fake, local_free=fake.local_free, last_error=fake.last_error)
    )
    with pytest.raises(SecretStoreError, match="written on another system"):
        windows.get("keep")


def test_a_failed_write_keeps_the_previous_file(store: EncryptedFileSecretStore, monkeypatch) -> None:
    store.set("keep", "me")
    before = (store.folder / SECRETS_FILE_NAME).read_bytes()

    def full_disk(*_args):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(SecretStoreError, match="No space left"):
        store.set("new", "value")
    monkeypatch.undo()
    assert (store.folder / SECRETS_FILE_NAME).read_bytes() == before
    assert not list(store.folder.glob("*.tmp"))
    assert store.get("keep") == "me" and store.get("new") is None
