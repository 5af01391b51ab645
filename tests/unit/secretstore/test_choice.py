"""Choosing the store: a working keyring, the fallback to the file (no backend, a failing probe, forced), and
the remembered choice."""

import logging
from pathlib import Path

import pytest
from keyring.backends import fail, null

from monitor_app.core.secrets import SecretStoreError
from monitor_app.secretstore import EncryptedFileSecretStore, KeyringSecretStore, choose_secret_store
from monitor_app.secretstore.choice import CHOICE_FILE_NAME, UnavailableSecretStore
from tests.unit.secretstore.memory_keyring import MemoryKeyring


def test_a_working_keyring_is_chosen_and_the_probe_leaves_nothing(tmp_path: Path, caplog) -> None:
    backend = MemoryKeyring()
    store = choose_secret_store(tmp_path, backend=backend)
    assert isinstance(store, KeyringSecretStore)
    assert backend.entries == {}
    assert (tmp_path / CHOICE_FILE_NAME).read_text().strip() == "keyring"
    assert f"secrets are kept in {store.description}" in caplog.text


@pytest.mark.parametrize("backend", [fail.Keyring(), null.Keyring()])
def test_no_keyring_backend_falls_back_to_the_file(tmp_path: Path, backend, caplog) -> None:  # type: ignore[no-untyped-def]
    store = choose_secret_store(tmp_path, backend=backend)
    assert isinstance(store, EncryptedFileSecretStore)
    assert "no usable OS keyring" in caplog.text and "encrypted file" in caplog.text


def test_a_keyring_whose_probe_write_fails_falls_back(tmp_path: Path) -> None:
    backend = MemoryKeyring()
    backend.fail_writes = True
    assert isinstance(choose_secret_store(tmp_path, backend=backend), EncryptedFileSecretStore)


def test_the_file_store_can_be_forced(tmp_path: Path) -> None:
    assert isinstance(
        choose_secret_store(tmp_path, mode="file", backend=MemoryKeyring()), EncryptedFileSecretStore
    )
    with pytest.raises(ValueError, match="must be one of"):
        choose_secret_store(tmp_path, mode="vault")


@pytest.mark.allow_error_log
def test_the_choice_is_remembered_and_a_lost_keyring_is_reported_not_replaced(tmp_path: Path, caplog) -> None:
    backend = MemoryKeyring()
    choose_secret_store(tmp_path, backend=backend).set("webhook/1/secret", "s3cret")
    # Later the same folder starts where the keyring cannot be reached (a boot task without the password).
    store = choose_secret_store(tmp_path, backend=fail.Keyring())
    assert isinstance(store, UnavailableSecretStore)
    with pytest.raises(SecretStoreError, match="cannot be reached"):
        store.get("webhook/1/secret")
    assert any(r.levelno == logging.ERROR and "cannot be used" in r.getMessage() for r in caplog.records)
    # And a folder that chose the file keeps the file even when a keyring appears.
    other = tmp_path / "other"
    choose_secret_store(other, backend=fail.Keyring())
    assert isinstance(choose_secret_store(other, backend=MemoryKeyring()), EncryptedFileSecretStore)


def test_lazy_store_chooses_only_when_a_secret_is_touched(tmp_path) -> None:
    from monitor_app.secretstore import EncryptedFileSecretStore, LazySecretStore

    chosen = []

    def choose() -> EncryptedFileSecretStore:
        chosen.append(1)
        return EncryptedFileSecretStore(tmp_path)

    lazy = LazySecretStore(choose)
    assert chosen == []
    lazy.set("webhook/1/url", "https://example.invalid/x")
    assert lazy.get("webhook/1/url") == "https://example.invalid/x"
    assert lazy.description == EncryptedFileSecretStore(tmp_path).description
    assert chosen == [1]


def test_the_store_in_use_is_told_without_choosing_one(tmp_path: Path) -> None:
    from monitor_app.secretstore import store_kind

    assert store_kind(tmp_path) is None  # nothing saved yet: no keyring probe just to show it
    assert not (tmp_path / CHOICE_FILE_NAME).exists()
    choose_secret_store(tmp_path, backend=MemoryKeyring())
    assert store_kind(tmp_path) == "keyring"
    assert store_kind(tmp_path, mode="file") == "file"  # forced on the command line
