"""Secrets in the OS keyring, against an in-memory keyring backend registered with ``keyring.set_keyring``."""

from pathlib import Path

import keyring
import pytest

from monitor_app.core.secrets import SecretStoreError
from monitor_app.secretstore.keyring_store import MAX_PARTS, SERVICE, KeyringSecretStore, split_for_keyring
from tests.unit.secretstore.memory_keyring import MemoryKeyring


@pytest.fixture
def backend():  # type: ignore[no-untyped-def]
    previous = keyring.get_keyring()
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    yield memory
    keyring.set_keyring(previous)


def test_keyring_round_trip_one_entry_per_secret_under_monitor_app(
    backend: MemoryKeyring, tmp_path: Path
) -> None:
    store = KeyringSecretStore(tmp_path / "data")  # the backend keyring chose: ours
    store.set("webhook/1/secret", "s3cret")
    store.set("plugin/2/admin_password", "pal")
    assert store.get("webhook/1/secret") == "s3cret" and store.get("plugin/2/admin_password") == "pal"
    assert {service for service, _ in backend.entries} == {SERVICE}
    assert len(backend.entries) == 2
    store.delete("webhook/1/secret")
    store.delete("webhook/1/secret")
    assert store.get("webhook/1/secret") is None and len(backend.entries) == 1


def test_two_data_folders_do_not_share_secrets(backend: MemoryKeyring, tmp_path: Path) -> None:
    one, two = KeyringSecretStore(tmp_path / "one"), KeyringSecretStore(tmp_path / "two")
    one.set("webhook/1/url", "https://one.example/hook")
    two.set("webhook/1/url", "https://two.example/hook")
    assert one.get("webhook/1/url") == "https://one.example/hook"
    assert two.get("webhook/1/url") == "https://two.example/hook"
    assert one.account("webhook/1/url") != two.account("webhook/1/url")


def test_long_values_are_split_to_fit_windows_credentials_and_read_back_whole(backend, tmp_path) -> None:
    store = KeyringSecretStore(tmp_path)
    url = "https://discord.com/api/webhooks/1/" + "T" * 2000  # the longest webhook URL accepted is 2048
    store.set("webhook/1/url", url)
    assert len(backend.entries) == 2 and store.get("webhook/1/url") == url
    beyond_bmp = "😀" * 1500  # 4 UTF-16 bytes each
    store.set("emoji", beyond_bmp)
    assert store.get("emoji") == beyond_bmp
    store.set("webhook/1/url", "short")  # fewer parts: the old extra part goes
    store.delete("emoji")
    assert store.get("webhook/1/url") == "short" and len(backend.entries) == 1


def test_a_value_too_long_even_split_is_refused_before_writing(backend, tmp_path) -> None:
    store = KeyringSecretStore(tmp_path)
    with pytest.raises(SecretStoreError, match="too long for the OS keyring"):
        store.set("huge", "x" * (MAX_PARTS * 1300))
    assert backend.entries == {}
    assert len(split_for_keyring("x" * 1270)) == 1 and len(split_for_keyring("x" * 1300)) == 2


def test_keyring_failures_and_foreign_entries_read_clearly(backend, tmp_path) -> None:
    store = KeyringSecretStore(tmp_path)
    store.set("keep", "me")
    backend.fail_writes = True
    with pytest.raises(SecretStoreError, match="cannot write a secret in .*locked"):
        store.set("keep", "other")
    backend.fail_writes = False
    assert store.get("keep") == "me"
    backend.entries[(SERVICE, store.account("foreign"))] = "plain value"
    with pytest.raises(SecretStoreError, match="not written by monitor_app"):
        store.get("foreign")
